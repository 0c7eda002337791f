"""The whole of a status the composer's one-line status row had to cut ("…"), shown for a while
in a wrapped note floating just above the composer. It floats, so nothing moves when it comes
and goes; the row keeps its cut line, and the label its whole text for screen readers."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.ui.plain_text import ElidedLabel, make_plain

SHOWN_MS = 8_000  # long enough to read two lines twice
GAP = 6  # px between the note and the composer


class StatusOverflow(QLabel):
    """Follows `status` (the composer's ElidedLabel) and shows above `panel` what it cut."""

    def __init__(self, status: ElidedLabel, panel: QWidget):
        super().__init__(panel.parentWidget())
        make_plain(self)
        self.setObjectName("StatusOverflow")
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self.status, self.panel = status, panel
        self._timer = QTimer(self, singleShot=True, interval=SHOWN_MS)
        self._timer.timeout.connect(self.hide)
        panel.installEventFilter(self)  # follows the panel as the window resizes
        self.hide()

    def said(self, whole: bool) -> None:
        """The status has changed: show its whole text when the row cut it and `whole` asks for
        it (a notice, an error; not the progress line that changes twice a second)."""
        if whole and self.status.is_cut():
            self.setText(self.status.text())
            self._place()
            self.show()
            self.raise_()
            self._timer.start()
        elif whole or not self.status.text():
            self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.hide()  # read: a click puts it away

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        moved = event.type() in (QEvent.Type.Move, QEvent.Type.Resize)
        if watched is self.panel and moved and self.isVisible():
            self._place()
        return super().eventFilter(watched, event)

    def _place(self) -> None:
        self.ensurePolished()  # the style sheet's padding and font size count in the height
        width = self.panel.width()
        height = self.heightForWidth(width)
        geometry = self.panel.geometry()
        self.setGeometry(geometry.left(), geometry.top() - GAP - height, width, height)
