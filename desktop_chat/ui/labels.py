"""A one-line label that never widens its window: long text is elided, the whole text is its
tooltip and its accessible description."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QWidget


class ElidedLabel(QLabel):
    """A QLabel asks its layout for the width of its whole text, so a long status line (a path,
    a notice) made the main window grow past the screen. This one asks for no width at all."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().sizeHint().height())

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.setAccessibleDescription(text)
        self._update_tooltip()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_tooltip()

    def shown_text(self) -> str:
        """What is painted: the text, elided to the label's width."""
        one_line = " ".join(self.text().split())
        return self.fontMetrics().elidedText(one_line, Qt.TextElideMode.ElideRight,
                                             max(0, self.contentsRect().width()))

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.shown_text() != " ".join(self.text().split()) else "")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(),
                                  self.alignment() | Qt.AlignmentFlag.AlignVCenter,
                                  self.palette(), self.isEnabled(), self.shown_text(),
                                  self.foregroundRole())
