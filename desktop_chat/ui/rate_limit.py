"""A rate limit's "try again in N seconds", counted down in the error bubble and the status line
("Rate limited — retrying in 12 s"); at zero the reply is asked for once more by itself, unless
the user has moved on meanwhile (typed, pressed Esc or the status row's Cancel)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QPushButton

if TYPE_CHECKING:
    from desktop_chat.ui.transcript import MessageItem

translate = QCoreApplication.translate


class RetryCountdown(QObject):
    """One countdown at a time. Cancelled when its error bubble leaves the transcript (Retry,
    a new message, another session), when the user types, or by `cancel()` (Esc)."""

    def __init__(self, window, retry: Callable[[], None]):
        super().__init__(window)
        self.window = window
        self.retry = retry
        self.item: MessageItem | None = None
        self.remaining = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        window.when_transcript(self._wire_transcript)
        window.composer.edit.textChanged.connect(self._typed)
        self.cancel_button = QPushButton(translate("RateLimit", "Cancel retry"), window.composer)
        self.cancel_button.setAccessibleName(translate("RateLimit", "Cancel the automatic retry"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(lambda: self.cancel())
        window.composer.add_status_action(self.cancel_button)

    def _wire_transcript(self) -> None:
        model = self.window.transcript_model
        model.rowsRemoved.connect(self._check_item)
        model.modelReset.connect(self._check_item)

    @property
    def active(self) -> bool:
        return self.item is not None

    def start(self, item: MessageItem, seconds: float) -> None:
        self.cancel(quietly=True)
        self.item = item
        self.remaining = max(1, math.ceil(seconds))
        self._typed_text = self.window.composer.edit.toPlainText()
        self.timer.start()
        self.cancel_button.show()
        self._show(announce=True)

    def cancel(self, quietly: bool = False) -> None:
        if self.item is None:
            return
        item, self.item = self.item, None
        self.timer.stop()
        self.cancel_button.hide()
        if item in self.window.transcript_model.items:
            self._set_text(
                item,
                translate(
                    "RateLimit",
                    "Groq's rate limit was reached. Press Retry (Ctrl+R) when you are ready.",
                ),
            )
        if not quietly:
            self.window.show_status(translate("RateLimit", "Automatic retry cancelled."))

    def _show(self, announce: bool = False) -> None:
        """The seconds left, in the bubble and the status line; read out only when the
        countdown starts (`announce`), not at every tick."""
        seconds = translate("RateLimit", "{count} s").format(count=self.remaining)
        self._set_text(
            self.item,
            translate("RateLimit", "Groq's rate limit was reached — retrying in {wait}…").format(
                wait=seconds
            ),
        )
        self.window.show_status(
            translate(
                "RateLimit", "Rate limited — retrying in {wait}. Type or press Esc to cancel."
            ).format(wait=seconds),
            announce=announce,
        )

    def _set_text(self, item: MessageItem, text: str) -> None:
        item.text = text
        item.document = None  # the delegate lays the new text out afresh
        item.size_key = None
        self.window.transcript_model.item_changed(item)
        self.window.transcript.scheduleDelayedItemsLayout()

    def _tick(self) -> None:
        if self.item is None:
            return
        self.remaining -= 1
        if self.remaining > 0:
            self._show()
            return
        self.timer.stop()
        self.cancel_button.hide()
        self.item = None
        if self.window.busy:
            return
        self.window.show_status(translate("RateLimit", "Retrying now…"))
        self.retry()

    def _check_item(self, *_args) -> None:
        if self.item is not None and self.item not in self.window.transcript_model.items:
            self.cancel(quietly=True)  # whatever removed it (Retry, a send, a switch) said so

    def _typed(self) -> None:
        if self.item is not None and self.window.composer.edit.toPlainText() != self._typed_text:
            self.cancel()
