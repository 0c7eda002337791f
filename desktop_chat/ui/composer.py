"""The message box: Enter sends, Shift+Enter adds a line, Up in an empty box edits the last one."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.chat import MAX_MESSAGE_CHARS
from desktop_chat.ui.plain_text import ElidedLabel

MIN_LINES = 1
MAX_LINES = 8


class ComposerEdit(QPlainTextEdit):
    submitted = Signal()
    edit_last_requested = Signal()
    paste_refused = Signal(str)  # why, in plain words

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.send_with_ctrl = False  # Settings: Ctrl+Enter sends, Enter adds a line
        self.setObjectName("Composer")
        self.setAccessibleName("Message")
        self.setAccessibleDescription("Type a message. Enter sends, Shift+Enter adds a new line.")
        self.setPlaceholderText("Message the assistant…  (Enter to send, Shift+Enter for a new line)")
        self.setTabChangesFocus(True)
        self.textChanged.connect(self.updateGeometry)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            send_modifier = (Qt.KeyboardModifier.ControlModifier if self.send_with_ctrl
                             else Qt.KeyboardModifier.NoModifier)
            if modifiers == send_modifier:
                self.submitted.emit()
            else:
                self.insertPlainText("\n")
            return
        if key == Qt.Key.Key_Up and not self.toPlainText():
            self.edit_last_requested.emit()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source) -> None:  # noqa: N802
        """Refuse a paste the model could never read before it lands: laying out a megabyte
        of text would freeze the window, and it could only be refused on send anyway."""
        pasted = source.text() if source.hasText() else ""
        total = len(self.toPlainText()) - len(self.textCursor().selectedText()) + len(pasted)
        if total > MAX_MESSAGE_CHARS:
            self.paste_refused.emit(
                f"Not pasted: that would make the message {total:,} characters long; the model "
                f"reads at most about {MAX_MESSAGE_CHARS:,}. Paste a smaller part."
            )
            return
        super().insertFromMimeData(source)

    def sizeHint(self) -> QSize:  # noqa: N802
        line = self.fontMetrics().lineSpacing()
        lines = min(MAX_LINES, max(MIN_LINES, self.document().blockCount()))
        margins = self.contentsMargins()
        return QSize(400, lines * line + 2 * int(self.document().documentMargin())
                     + margins.top() + margins.bottom() + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()


class ComposerPanel(QWidget):
    """The floating glass panel: the edit box, Send/Stop, and a one-line hint or status."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ComposerPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.edit = ComposerEdit(self)
        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("SendButton")
        self.send_button.setAccessibleName("Send message")
        self.send_button.setToolTip("Send (Enter)")
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("StopButton")
        self.stop_button.setAccessibleName("Stop the reply")
        self.stop_button.setToolTip("Stop the reply (Esc)")
        self.stop_button.hide()
        self.status = ElidedLabel("", self)  # titles and server messages: plain, one line
        self.status.setObjectName("StatusLabel")
        self.status.setAccessibleName("Status")

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 10, 6)
        column.setSpacing(2)
        column.addLayout(row)
        self.status_row = QHBoxLayout()
        self.status_row.setContentsMargins(0, 0, 0, 0)
        self.status_row.addWidget(self.status, 1)
        column.addLayout(self.status_row)

    def set_send_key(self, send_key: str) -> None:
        self.edit.send_with_ctrl = send_key == "ctrl+enter"
        keys = ("Ctrl+Enter to send, Enter for a new line" if self.edit.send_with_ctrl
                else "Enter to send, Shift+Enter for a new line")
        self.edit.setPlaceholderText(f"Message the assistant…  ({keys})")
        self.send_button.setToolTip("Send (Ctrl+Enter)" if self.edit.send_with_ctrl else "Send (Enter)")

    def set_streaming(self, streaming: bool) -> None:
        self.send_button.setVisible(not streaming)
        self.stop_button.setVisible(streaming)
