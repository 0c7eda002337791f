"""The message box: Enter sends, Shift+Enter adds a line, Up in an empty box edits the last one."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget, QLabel

MIN_LINES = 1
MAX_LINES = 8


class ComposerEdit(QPlainTextEdit):
    submitted = Signal()
    edit_last_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Composer")
        self.setAccessibleName("Message")
        self.setAccessibleDescription("Type a message. Enter sends, Shift+Enter adds a new line.")
        self.setPlaceholderText("Message the assistant…  (Enter to send, Shift+Enter for a new line)")
        self.setTabChangesFocus(True)
        self.textChanged.connect(self.updateGeometry)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            elif not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self.submitted.emit()
            else:
                super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_Up and not self.toPlainText():
            self.edit_last_requested.emit()
            return
        super().keyPressEvent(event)

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
        self.status = QLabel("", self)
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
        column.addWidget(self.status)

    def set_streaming(self, streaming: bool) -> None:
        self.send_button.setVisible(not streaming)
        self.stop_button.setVisible(streaming)
