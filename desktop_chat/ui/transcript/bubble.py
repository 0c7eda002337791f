"""The bubble behind a message's text: a rounded, outlined rectangle, cheap however tall."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

BUBBLE_RADIUS = 14
BUBBLE_BORDER = QColor(255, 255, 255, 28)


def draw_bubble(painter: QPainter, rect: QRectF, fill: QColor) -> None:
    """A rounded, outlined bubble. A tall one is drawn as two rounded ends and a plain middle:
    an antialiased rounded rectangle the height of the view costs several times a fill."""
    painter.setPen(BUBBLE_BORDER)
    painter.setBrush(fill)
    band = 2 * BUBBLE_RADIUS + 2
    if rect.height() <= 3 * band:
        painter.drawRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
        return
    outline = rect.adjusted(-1, -1, 1, 1)
    for end in (
        QRectF(outline.left(), outline.top(), outline.width(), band),
        QRectF(outline.left(), outline.bottom() - band, outline.width(), band),
    ):
        painter.save()
        painter.setClipRect(end, Qt.ClipOperation.IntersectClip)
        painter.drawRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
        painter.restore()
    middle = QRectF(rect.left(), rect.top() + band - 1, rect.width(), rect.height() - 2 * band + 2)
    painter.fillRect(middle, fill)
    painter.drawLine(QPointF(rect.left(), middle.top()), QPointF(rect.left(), middle.bottom()))
    painter.drawLine(QPointF(rect.right(), middle.top()), QPointF(rect.right(), middle.bottom()))
