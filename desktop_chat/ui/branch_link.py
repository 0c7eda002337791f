""" "Branched from <original title>" in the session header: a session made by "Branch to a new
session" links back to the message it was branched at (core/chat.py:branch_origin).

The title is model text, so it is shown as plain text only: a button's text is never markup,
and the tooltip is escaped (ui/plain_text.py). A long title is cut with "…" so it never widens
the window. When the original is gone the link becomes a plain note.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

from desktop_chat.core.chat import BranchOrigin
from desktop_chat.i18n import translatable
from desktop_chat.ui.plain_text import ElidedLabel, plain_tooltip

translate = QCoreApplication.translate

MAX_WIDTH = 320
GONE_NOTE = translatable("BranchLink", "Branched from a deleted message")


class _ElidedButton(QPushButton):
    """A flat, link-like button whose one line of text ends in "…" where the button ends."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_full_text(self, text: str) -> None:
        self._full = " ".join(text.split())
        self.setAccessibleDescription(self._full)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = min(self.maximumWidth(), MAX_WIDTH) - 16  # the padding of the QSS
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        self.setText(shown)
        self.setToolTip(plain_tooltip(self._full) if shown != self._full else "")


class BranchLink(QWidget):
    """Hidden unless the open session was branched; `open_origin` says (session, event)."""

    open_origin = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.origin: BranchOrigin | None = None
        self.button = _ElidedButton(self)
        self.button.setObjectName("BranchedFromLink")
        self.button.setAccessibleName(
            translate("BranchLink", "Open the session this was branched from")
        )
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.setMaximumWidth(MAX_WIDTH)
        self.button.clicked.connect(self._clicked)
        self.note = ElidedLabel(translate("BranchLink", GONE_NOTE), self)
        self.note.setObjectName("BranchedFromNote")
        self.note.setMaximumWidth(MAX_WIDTH)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.note)
        self.show_origin(None)

    def show_origin(self, origin: BranchOrigin | None) -> None:
        self.origin = origin
        self.setVisible(origin is not None)
        if origin is None:
            return
        linked = origin.session_id is not None
        self.button.setVisible(linked)
        self.note.setVisible(not linked)
        if not linked:
            # Room for the whole note in the style sheet's font, and its padding (24 px).
            self.note.ensurePolished()
            room = self.note.fontMetrics().horizontalAdvance(self.note.text()) + 24
            self.note.setMinimumWidth(min(room, MAX_WIDTH))
        if linked:
            self.button.set_full_text(
                translate("BranchLink", "Branched from {title}").format(title=origin.title)
            )
            self.button.setToolTip(
                self.button.toolTip()
                or translate("BranchLink", "Open the original session at this message")
            )

    def _clicked(self) -> None:
        if self.origin is not None and self.origin.session_id is not None:
            self.open_origin.emit(self.origin.session_id, self.origin.event_id)
