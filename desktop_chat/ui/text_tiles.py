"""Paints message text from pixmap tiles, so text that does not change is laid out in glyphs once.

A see-through (glass) view cannot blit a scroll: every scroll, and every step the view takes to
follow a streaming reply, repaints the whole viewport. Drawing a page of text costs milliseconds;
drawing the same page from cached tiles costs a fraction of one. Only the part of a reply that
is still changing (the streamed tail) is drawn directly.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPalette,
    QPixmap,
    QPixmapCache,
    QTextCursor,
    QTextDocument,
)

TILE_HEIGHT = 128  # px: the live band under a streaming reply's settled text is at most this tall
CACHE_LIMIT_KB = 64 * 1024  # tiles beyond this are dropped, least recently painted first
MAX_TILE_WIDTH = 4096  # px: wider text (a very long code line) is drawn directly

QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), CACHE_LIMIT_KB))


def draw_document(
    painter: QPainter,
    document: QTextDocument,
    clip: QRectF,
    color: QColor,
    tiles_key: int,
    settled_height: float,
    selection: tuple[tuple[int, int], QColor] | None = None,
) -> None:
    """Draw the part of `document` inside `clip` (document pixels, painter at its origin).

    Text above `settled_height` is drawn from tiles cached under (tiles_key, width, colour),
    `tiles_key` naming the text as shown (MessageDocument.tiles_key); whatever lies below is
    drawn directly, since it may change before the next frame.
    A document with text selected (`selection`: the two ends and the highlight colour) is drawn
    directly, with the selection shown.
    """
    if selection is not None:
        _draw_direct(painter, document, clip, color, selection)
        return
    if clip.top() >= settled_height:  # all of it may still change (a streaming reply's tail)
        _draw_direct(painter, document, clip, color)
        return
    width = math.ceil(max(document.textWidth(), document.size().width()))
    ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
    painter.save()
    painter.setClipRect(clip, Qt.ClipOperation.IntersectClip)  # tiles overhang the clip
    try:
        live_top = _draw_tiles(
            painter, document, clip, color, tiles_key, settled_height, width, ratio
        )
    finally:
        painter.restore()
    if live_top < clip.bottom():
        live = QRectF(clip.left(), live_top, clip.width(), clip.bottom() - live_top)
        _draw_direct(painter, document, live, color)


def _draw_tiles(
    painter: QPainter,
    document: QTextDocument,
    clip: QRectF,
    color: QColor,
    tiles_key: int,
    settled_height: float,
    width: int,
    ratio: float,
) -> float:
    """Blit the settled tiles that meet `clip`; returns where direct drawing must take over."""
    live_top = clip.top()
    if 0 < width <= MAX_TILE_WIDTH:
        first = max(0, int(clip.top()) // TILE_HEIGHT)
        for tile in range(first, int(clip.bottom()) // TILE_HEIGHT + 1):
            top = tile * TILE_HEIGHT
            height = min(TILE_HEIGHT, math.ceil(document.size().height()) - top)
            if height <= 0:
                return clip.bottom()  # below the end of the text: nothing left to draw
            if top + height > settled_height:
                break
            # The height is part of the name: the last tile of a streaming reply is cut where
            # the text ended when it was drawn, and must be drawn again once the text goes on.
            key = f"text-tile:{tiles_key}:{width}:{color.rgba()}:{ratio}:{tile}:{height}"
            pixmap = QPixmapCache.find(key)
            if pixmap is None:
                pixmap = _render_tile(document, color, top, width, height, ratio)
                QPixmapCache.insert(key, pixmap)
            painter.drawPixmap(QPointF(0, top), pixmap)
            live_top = top + height
    return live_top


def _render_tile(
    document: QTextDocument, color: QColor, top: int, width: int, height: int, ratio: float
) -> QPixmap:
    pixmap = QPixmap(math.ceil(width * ratio), math.ceil(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.translate(0, -top)
    _draw_direct(painter, document, QRectF(0, top, width, height), color)
    painter.end()
    return pixmap


def _draw_direct(
    painter: QPainter,
    document: QTextDocument,
    clip: QRectF,
    color: QColor,
    selection: tuple[tuple[int, int], QColor] | None = None,
) -> None:
    context = QAbstractTextDocumentLayout.PaintContext()
    context.palette.setColor(QPalette.ColorRole.Text, color)
    context.clip = clip
    if selection is not None:
        (anchor, position), highlight = selection
        cursor = QTextCursor(document)
        cursor.setPosition(anchor)
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        selected = QAbstractTextDocumentLayout.Selection()
        selected.cursor = cursor
        selected.format.setBackground(
            QColor(highlight.red(), highlight.green(), highlight.blue(), 150)
        )
        context.selections = [selected]
    painter.save()
    painter.setClipRect(clip, Qt.ClipOperation.IntersectClip)
    document.documentLayout().draw(painter, context)
    painter.restore()
