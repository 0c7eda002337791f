"""The first sign that the user is about to ask or read something, for start-up's deferred work.

The groq SDK with its HTTP stack and TLS set-up (~200 ms of CPU and ~28 MB) and the model list
(which needs the SDK) are what the first reply needs and the idle window does not. app.py builds
them on a worker thread at the first keystroke in the composer, the first look at the model
picker or the first quick-ask window: an app left open in the background stays small, and a
message still never waits for them (typing it takes longer than they do; a reply asked for
sooner waits for the same warm-up under its lock, as before). Likewise the Markdown parsers and
the common code lexers (~60 ms, ~7 MB), which the first session opened would otherwise build on
the UI thread, are built in the background as soon as the pointer comes over the session list
or the transcript, before the click.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

_INTENT_EVENTS = (
    QEvent.Type.MouseButtonPress,
    QEvent.Type.KeyPress,
    QEvent.Type.FocusIn,
    QEvent.Type.Enter,  # the pointer comes over it: a click is on its way
)


class FirstIntent(QObject):
    """Calls `callback` once: when `typed_into`'s text changes (or already holds text), or the
    pointer, a mouse press, a key press or the focus reaches one of `watched`; or when
    `trigger` is called."""

    def __init__(
        self,
        watched: list[QWidget],
        callback: Callable[[], None],
        typed_into: QTextEdit | QPlainTextEdit | None = None,
    ):
        super().__init__(watched[0])
        self._callback: Callable[[], None] | None = callback
        self._typed_into = typed_into
        self._watched = watched
        for widget in watched:
            widget.installEventFilter(self)
        if typed_into is not None:
            typed_into.textChanged.connect(self.trigger)
            if typed_into.toPlainText():  # a draft was restored: a message is on its way
                self.trigger()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INTENT_EVENTS:
            self.trigger()
        return False

    def trigger(self) -> None:
        callback, self._callback = self._callback, None
        if callback is None:
            return
        if self._typed_into is not None:
            self._typed_into.textChanged.disconnect(self.trigger)
        for widget in self._watched:
            widget.removeEventFilter(self)
        callback()
