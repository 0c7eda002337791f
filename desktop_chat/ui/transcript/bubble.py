"""The bubble behind a message's text: a rounded, outlined rectangle, cheap however tall."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

BUBBLE_RADIUS = 14
BUBBLE_BORDER = QColor(255, 255, 255, 28)


def draw_bubble(
    painter: QPainter, rect: QRectF, fill: QColor, exposed: QRectF | None = None
) -> None:
    """A rounded, outlined bubble. A tall one is drawn as two rounded ends and a plain middle:
    an antialiased rounded rectangle the height of the view costs several times a fill.

    Each pixel row is drawn once, by one of the three, and the middle's edges are lines running
    past it (cut by the clip): so a strip of a bubble, drawn with the part of it around the
    strip (a streaming reply's changed lines), shows the pixels the whole bubble shows there.
    A part outside `exposed` (the part of the view being repainted, if given) is not drawn."""
    painter.setPen(BUBBLE_BORDER)
    painter.setBrush(fill)
    band = 2 * BUBBLE_RADIUS + 2
    if rect.height() <= 2 * band:
        painter.drawRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
        return
    outline = rect.adjusted(-1, -1, 1, 1)
    top_end = QRectF(outline.left(), outline.top(), outline.width(), band)
    bottom_end = QRectF(outline.left(), outline.bottom() - band, outline.width(), band)
    for end in (top_end, bottom_end):
        if exposed is not None and not end.intersects(exposed):
            continue
        painter.save()
        painter.setClipRect(end, Qt.ClipOperation.IntersectClip)
        painter.drawRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
        painter.restore()
    middle = QRectF(
        outline.left(), top_end.bottom(), outline.width(), bottom_end.top() - top_end.bottom()
    )
    if exposed is not None and not middle.intersects(exposed):
        return
    painter.save()
    painter.setClipRect(middle, Qt.ClipOperation.IntersectClip)
    painter.fillRect(QRectF(rect.left(), middle.top(), rect.width(), middle.height()), fill)
    painter.drawLine(QPointF(rect.left(), outline.top()), QPointF(rect.left(), outline.bottom()))
    painter.drawLine(QPointF(rect.right(), outline.top()), QPointF(rect.right(), outline.bottom()))
    painter.restore()
