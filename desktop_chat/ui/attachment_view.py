"""Attachments in the transcript: a strip above the user's bubble, lined up with its right
edge: each image as a thumbnail (from the preview kept in the payload, so painting reads no
store), each file as a chip with its name, size and pages (never the file's text). Clicking
a thumbnail opens the image large (ui/attachment_viewer.py).

The transcript's layout asks `strip_height` (its row grows by it) and `strip_rects` (where
each part is, for painting and clicks); its delegate calls `paint_strip`."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPixmap

from desktop_chat.core.attachments import human_size
from desktop_chat.ui.attachments import thumbnail_image
from desktop_chat.ui.theme import Theme

translate = QCoreApplication.translate

THUMB_HEIGHT = 120  # px: an image in the bubble's strip
THUMB_MAX_WIDTH = 220
FILE_CHIP = (230, 46)  # px
GAP = 6
STRIP_GAP = 6  # between the strip and the bubble
_PIXMAPS: OrderedDict[str, QPixmap] = OrderedDict()  # previews by attachment id
_PIXMAPS_KEPT = 400


def preview(entry: dict[str, Any]) -> QPixmap:
    key = str(entry.get("id"))
    pixmap = _PIXMAPS.get(key)
    if pixmap is None:
        pixmap = QPixmap.fromImage(thumbnail_image(entry))
        _PIXMAPS[key] = pixmap
        while len(_PIXMAPS) > _PIXMAPS_KEPT:
            _PIXMAPS.popitem(last=False)
    else:
        _PIXMAPS.move_to_end(key)
    return pixmap


def _size_of(entry: dict[str, Any]) -> tuple[int, int]:
    if entry.get("kind") != "image":
        return FILE_CHIP
    width, height = entry.get("width"), entry.get("height")
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        return THUMB_HEIGHT, THUMB_HEIGHT  # no size known: a square placeholder
    return max(24, min(THUMB_MAX_WIDTH, round(width * THUMB_HEIGHT / height))), THUMB_HEIGHT


Line = list[tuple[dict[str, Any], int, int]]  # entries with their width and height


def _lines(entries: list[dict[str, Any]], max_width: int) -> list[Line]:
    """The parts in lines that fit `max_width`, in order."""
    lines: list[Line] = [[]]
    used = 0
    for entry in entries:
        width, height = _size_of(entry)
        width = min(width, max_width)
        if lines[-1] and used + GAP + width > max_width:
            lines.append([])
            used = 0
        used += (GAP if lines[-1] else 0) + width
        lines[-1].append((entry, width, height))
    return [line for line in lines if line]


def strip_height(entries: list[dict[str, Any]], max_width: int) -> int:
    if not entries:
        return 0
    lines = _lines(entries, max_width)
    return sum(max(h for _e, _w, h in line) for line in lines) + GAP * (len(lines) - 1) + STRIP_GAP


Placed = list[tuple[QRect, dict[str, Any]]]  # where each attachment is drawn, and which


def strip_rects(entries: list[dict[str, Any]], right: int, top: int, max_width: int) -> Placed:
    """(rect, entry) of each part, lines right-aligned at `right`, from `top` down."""
    placed: Placed = []
    y = top
    for line in _lines(entries, max_width):
        x = right - (sum(w for _e, w, _h in line) + GAP * (len(line) - 1))
        tallest = max(h for _e, _w, h in line)
        for entry, width, height in line:
            placed.append((QRect(x, y + tallest - height, width, height), entry))
            x += width + GAP
        y += tallest + GAP
    return placed


def paint_strip(painter: QPainter, placed: Placed, theme: Theme, font: QFont) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    for rect, entry in placed:
        if entry.get("kind") == "image":
            _paint_image(painter, QRectF(rect), entry, theme)
        else:
            _paint_file(painter, rect, entry, theme, font)
    painter.restore()


def _paint_image(painter: QPainter, rect: QRectF, entry: dict[str, Any], theme: Theme) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, 10, 10)
    pixmap = preview(entry)
    painter.save()
    painter.setClipPath(path)
    if pixmap.isNull():
        painter.fillRect(rect, QColor(theme.field))
        painter.setPen(theme.color("muted"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "image")
    else:
        painter.drawPixmap(rect.toRect(), pixmap)
    painter.restore()
    painter.setPen(QColor(theme.field_border))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)


def pages_text(pages: int) -> str:
    return translate("Attachments", "%n pages", None, pages)


def cut_mark() -> str:
    """A file's detail line says this when only its start is sent."""
    return translate("Attachments", "cut")


def file_lines(entry: dict[str, Any]) -> tuple[str, str]:
    name = str(entry.get("name") or translate("Attachments", "file"))
    parts = []
    if isinstance(entry.get("size"), int):
        parts.append(human_size(entry["size"]))
    pages = entry.get("pages")
    if isinstance(pages, int):
        parts.append(pages_text(pages))
    chars = entry.get("chars")
    if isinstance(chars, int) and chars > len(str(entry.get("text") or "")):
        parts.append(cut_mark())
    return name, " · ".join(parts)


def _paint_file(
    painter: QPainter, rect: QRect, entry: dict[str, Any], theme: Theme, font: QFont
) -> None:
    painter.setPen(QColor(theme.field_border))
    painter.setBrush(QColor(theme.field))
    painter.drawRoundedRect(QRectF(rect), 10, 10)
    mark = QRect(rect.left() + 8, rect.top() + 8, rect.height() - 16, rect.height() - 16)
    painter.setBrush(theme.color("accent_fill"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(mark), 6, 6)
    small = QFont(font)
    small.setPointSizeF(max(6.0, font.pointSizeF() * 0.7))
    painter.setFont(small)
    painter.setPen(QColor("white"))
    kind = "PDF" if entry.get("mime") == "application/pdf" else "TXT"
    painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, kind)
    name, detail = file_lines(entry)
    text_left = mark.right() + 8
    width = rect.right() - 8 - text_left
    painter.setFont(font)
    metrics = QFontMetrics(font)
    painter.setPen(theme.color("text"))
    top = QRect(text_left, rect.top() + 5, width, rect.height() // 2 - 3)
    painter.drawText(
        top,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width),
    )
    detail_font = QFont(font)
    detail_font.setPointSizeF(font.pointSizeF() * 0.85)
    painter.setFont(detail_font)
    painter.setPen(theme.color("muted"))
    bottom = QRect(text_left, rect.center().y(), width, rect.height() // 2 - 5)
    painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail)


def describe_entries(entries: list[dict[str, Any]]) -> str:
    """For a screen reader: "attached: image shot.png, file notes.csv (2 pages)"."""
    words = []
    for entry in entries:
        name, detail = file_lines(entry)
        if entry.get("kind") == "image":
            words.append(translate("Attachments", "image {name}").format(name=name))
        elif detail:
            words.append(
                translate("Attachments", "file {name} ({detail})").format(name=name, detail=detail)
            )
        else:
            words.append(translate("Attachments", "file {name}").format(name=name))
    if not words:
        return ""
    return translate("Attachments", "attached: {list}").format(list=", ".join(words))
