"""The message box: Enter sends, Shift+Enter adds a line, Up in an empty box edits the last one.

It grows with its text, wrapped lines included, up to MAX_HEIGHT_SHARE of the window, then
scrolls. Its status row keeps one height whatever it shows (a notice, the Undo button), so the
box never jumps."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QFontMetricsF, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.chat import MAX_MESSAGE_CHARS
from desktop_chat.ui.attachment_chips import AttachmentChips
from desktop_chat.ui.language import number
from desktop_chat.ui.plain_text import ElidedLabel
from desktop_chat.ui.status_overflow import StatusOverflow

translate = QCoreApplication.translate

MIN_LINES = 1
MAX_HEIGHT_SHARE = 0.4  # of the window's height; beyond it the box scrolls


class ComposerEdit(QPlainTextEdit):
    submitted = Signal()
    edit_last_requested = Signal()
    paste_refused = Signal(str)  # why, in plain words
    attachments_offered = Signal(object)  # a pasted or dropped QMimeData with images or files
    remove_last_attachment = Signal()  # Backspace with nothing before the cursor

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.send_with_ctrl = False  # Settings: Ctrl+Enter sends, Enter adds a line
        self.setObjectName("Composer")
        self.setAccessibleName(translate("Composer", "Message"))
        self.setAccessibleDescription(
            translate("Composer", "Type a message. Enter sends, Shift+Enter adds a new line.")
        )
        self.setPlaceholderText(
            translate(
                "Composer", "Message the assistant…  (Enter to send, Shift+Enter for a new line)"
            )
        )
        self.setTabChangesFocus(True)
        self.max_height = 10_000  # set from the window's height (ComposerPanel)
        self._placeholders: tuple[str, ...] = ()  # the longest that fits is shown
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # The plain-text layout counts wrapped lines: its size changes when a line wraps.
        self.document().documentLayout().documentSizeChanged.connect(self._content_changed)

    def _content_changed(self) -> None:
        if self.sizeHint().height() != self.height():
            self.updateGeometry()

    def set_placeholders(self, *texts: str) -> None:
        """Placeholders from the longest to the shortest: the longest that fits one line is
        shown (a wrapped one would be cut off in a one-line box)."""
        self._placeholders = texts
        self._fit_placeholder()

    def _fit_placeholder(self) -> None:
        if not self._placeholders:
            return
        # The viewport's width, without asking for the viewport (made by Qt: the first one
        # handed to Python makes PySide build a class per QWidget subclass, ~35M instructions
        # before the first paint): the box's inside, less a scroll bar if one shows.
        bar = self.verticalScrollBar()
        width = self.maximumViewportSize().width() - (bar.width() if bar.isVisible() else 0)
        room = width - 2 * int(self.document().documentMargin()) - 4
        metrics = self.fontMetrics()
        text = next(
            (t for t in self._placeholders if metrics.horizontalAdvance(t) <= room),
            self._placeholders[-1],
        )
        if text != self.placeholderText():
            self.setPlaceholderText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_placeholder()
        # A new width re-wraps the text (the scroll bar coming or going does too) while the
        # layout is still placing this box: a size change asked for then is lost, and the box
        # would keep a height its lines no longer need. Ask again once the layout is done.
        QTimer.singleShot(0, self, self._content_changed)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            send_modifier = (
                Qt.KeyboardModifier.ControlModifier
                if self.send_with_ctrl
                else Qt.KeyboardModifier.NoModifier
            )
            if modifiers == send_modifier:
                self.submitted.emit()
            else:
                self.insertPlainText("\n")
            return
        if key == Qt.Key.Key_Up and not self.toPlainText():
            self.edit_last_requested.emit()
            return
        cursor = self.textCursor()
        if key == Qt.Key.Key_Backspace and cursor.position() == 0 and not cursor.hasSelection():
            self.remove_last_attachment.emit()
        super().keyPressEvent(event)

    # ui/attachments.py is imported at the first paste or drop: not before the first paint.
    def canInsertFromMimeData(self, source) -> bool:  # noqa: N802
        from desktop_chat.ui.attachments import offers_attachments

        return offers_attachments(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source) -> None:  # noqa: N802
        """Refuse a paste the model could never read before it lands: laying out a megabyte
        of text would freeze the window, and it could only be refused on send anyway. An
        image or a copied file becomes an attachment instead of text."""
        from desktop_chat.ui.attachments import offers_attachments

        if offers_attachments(source):
            self.attachments_offered.emit(source)
            return
        pasted = source.text() if source.hasText() else ""
        total = len(self.toPlainText()) - len(self.textCursor().selectedText()) + len(pasted)
        if total > MAX_MESSAGE_CHARS:
            self.paste_refused.emit(
                # Short enough for the status line of a small window: it is not cut there.
                translate(
                    "Composer", "Not pasted: {length} characters, and a message holds {limit}."
                ).format(length=number(total), limit=number(MAX_MESSAGE_CHARS))
            )
            return
        super().insertFromMimeData(source)

    def visual_lines(self) -> int:
        """Lines as shown: each paragraph's wrapped lines (QPlainTextDocumentLayout's height
        is counted in lines)."""
        return max(MIN_LINES, round(self.document().documentLayout().documentSize().height()))

    def sizeHint(self) -> QSize:  # noqa: N802
        line = QFontMetricsF(self.font()).lineSpacing()  # fractional: 8 lines are > 8 * int
        margins = self.contentsMargins()
        # +2: the plain-text layout scrolls unless the last line has a little room below it.
        frame = 2 * int(self.document().documentMargin()) + margins.top() + margins.bottom() + 10
        one_line = math.ceil(line) + frame
        height = math.ceil(self.visual_lines() * line) + frame
        return QSize(400, max(one_line, min(height, self.max_height)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.sizeHint().height())


class ComposerPanel(QWidget):
    """The floating glass panel: the edit box, Send/Stop, and a one-line hint or status."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._input_buttons: list[QWidget] = []  # beside Send (the mic), as tall as Send
        self.setObjectName("ComposerPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.edit = ComposerEdit(self)
        self.chips = AttachmentChips(self)
        self.attach_button = QPushButton("+", self)
        self.attach_button.setObjectName("AttachButton")
        self.attach_button.setAccessibleName(translate("Composer", "Attach an image or a file"))
        self.attach_button.setToolTip(
            translate("Composer", "Attach images or files (or paste, or drop them on the window)")
        )
        self.send_button = QPushButton(translate("Composer", "Send"), self)
        self.send_button.setObjectName("SendButton")
        self.send_button.setAccessibleName(translate("Composer", "Send message"))
        self.send_button.setToolTip(translate("Composer", "Send (Enter)"))
        self.stop_button = QPushButton(translate("Composer", "Stop"), self)
        self.stop_button.setObjectName("StopButton")
        self.stop_button.setAccessibleName(translate("Composer", "Stop the reply"))
        self.stop_button.setToolTip(translate("Composer", "Stop the reply (Esc)"))
        self.stop_button.hide()
        self.status = ElidedLabel("", self)  # titles and server messages: plain, one line
        # One line tall, always: a notice appearing must not move the composer.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status.setObjectName("StatusLabel")
        self.status.setAccessibleName(translate("Composer", "Status"))

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.input_row = row  # add_input_button puts e.g. the mic beside Send
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.edit, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 10, 6)
        column.setSpacing(2)
        column.addWidget(self.chips)
        column.addLayout(row)
        # The status row: one fixed height (fit for a small button) whether it shows text, a
        # button or nothing.
        self.status_strip = QWidget(self)
        self.status_row = QHBoxLayout(self.status_strip)
        self.status_row.setContentsMargins(2, 0, 0, 0)
        self.status_row.setSpacing(6)
        self.status_row.addWidget(self.status, 1)
        column.addWidget(self.status_strip)
        self._watched_window: QWidget | None = None
        self._overflow: StatusOverflow | None = None

    def show_status(self, text: str, whole: bool = True) -> None:
        """The status row's text. When the row cuts a notice (`whole`: not the progress line),
        its whole text floats above the composer for a while (ui/status_overflow.py)."""
        self.status.setText(text)
        if self._overflow is None and self.parentWidget() is not None:
            self._overflow = StatusOverflow(self.status, self)
        if self._overflow is not None:
            self._overflow.said(whole)

    def add_status_action(self, button: QPushButton) -> None:
        """A small button in the status row (e.g. Undo), hidden until needed. The row's height
        already fits it, so showing it moves nothing: the status text just gets shorter."""
        button.setObjectName("StatusAction")
        self.status_row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._fit_status_strip()

    def add_input_button(self, button: QWidget) -> None:
        """A button beside Send (the mic), kept after the edit box, before Send/Stop."""
        after_edit = self.input_row.indexOf(self.edit) + 1
        self.input_row.insertWidget(after_edit, button, 0, Qt.AlignmentFlag.AlignBottom)
        self._input_buttons.append(button)
        self._match_send_height()

    def _match_send_height(self) -> None:
        """Icon buttons beside Send are as tall as Send (their icon's padding would make them
        taller; the "+" is sized by its style sheet, its text must fit)."""
        height = self.send_button.sizeHint().height()
        for button in self._input_buttons:
            button.setFixedHeight(height)

    def add_status_widget(self, widget: QWidget) -> None:
        """A control that stays in the status row (the model picker), beside the status."""
        self.status_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self._fit_status_strip()

    def _fit_status_strip(self) -> None:
        tallest = max(
            [QFontMetrics(self.status.font()).height() + 4]
            + [
                self.status_row.itemAt(i).widget().sizeHint().height()
                for i in range(self.status_row.count())
                if self.status_row.itemAt(i).widget() is not self.status
            ]
        )
        self.status_strip.setFixedHeight(tallest)

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.Polish, QEvent.Type.FontChange):
            self._fit_status_strip()
            self._match_send_height()
        return super().event(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit_status_strip()
        window = self.window()
        if window is not self._watched_window:
            window.installEventFilter(self)
            self._watched_window = window
        self._fit_to_window()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._watched_window and event.type() == QEvent.Type.Resize:
            self._fit_to_window()
        return super().eventFilter(watched, event)

    def _fit_to_window(self) -> None:
        """The box may take MAX_HEIGHT_SHARE of the window, the status row included."""
        panel_extra = self.status_strip.height() + 20
        limit = max(
            self.edit.fontMetrics().lineSpacing() * 2,
            int(self.window().height() * MAX_HEIGHT_SHARE) - panel_extra,
        )
        if limit != self.edit.max_height:
            self.edit.max_height = limit
            self.edit.updateGeometry()

    def set_send_key(self, send_key: str) -> None:
        self.edit.send_with_ctrl = send_key == "ctrl+enter"
        keys = (
            translate("Composer", "Ctrl+Enter to send, Enter for a new line")
            if self.edit.send_with_ctrl
            else translate("Composer", "Enter to send, Shift+Enter for a new line")
        )
        self.edit.set_placeholders(
            translate("Composer", "Message the assistant…  ({keys})").format(keys=keys),
            translate("Composer", "Message the assistant…"),
            translate("Composer", "Message…"),
        )
        self.send_button.setToolTip(
            translate("Composer", "Send (Ctrl+Enter)")
            if self.edit.send_with_ctrl
            else translate("Composer", "Send (Enter)")
        )

    def set_streaming(self, streaming: bool) -> None:
        self.send_button.setVisible(not streaming)
        self.stop_button.setVisible(streaming)
