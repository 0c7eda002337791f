"""Backdrop: the transcript's viewport paints what lies behind it itself, from a cached pixmap.

The viewport is see-through: the window's gradient shows between the bubbles. Qt then repaints
every widget under each dirty rect first (the main window's gradient, the root's gradient, the
frames between) before the rows: two gradient fills for every pixel of new text, and for the
whole view at each step it scrolls. Rendered once into a pixmap (again only when the window's
size, the view's place or the style changes), the same pixels are blitted in a fraction of that,
and the viewport can be opaque, so Qt paints nothing beneath it.

Qt scrolls an opaque widget by moving its pixels and painting only the strip that comes into
view. That is right only when the backdrop is the same down each column (the window's gradient
runs across it, resources/style.qss): the backdrop stays with the window, not with the text.
`same_down_each_column()` says whether it is; when it is not, the view repaints at each scroll.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyleOption, QWidget


class Backdrop:
    """What the ancestors of `viewport` paint under it, cached as a pixmap of its size."""

    def __init__(self, viewport: QWidget):
        self._viewport = viewport
        self._pixmap: QPixmap | None = None
        self._key: tuple[object, ...] | None = None
        self._same_down_columns = False
        viewport.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def same_down_each_column(self) -> bool:
        """Whether every row of the backdrop looks the same, so a vertical scroll may move the
        viewport's pixels, backdrop and all."""
        self._current()
        return self._same_down_columns

    def invalidate(self) -> None:
        """The style changed (a new theme): render the backdrop again at the next paint."""
        self._key = None

    def paint(self, painter: QPainter, area: QRect) -> None:
        """Fill `area` (viewport coordinates) with what shows through the viewport there."""
        pixmap = self._current()
        ratio = pixmap.devicePixelRatio()
        source = QRect(
            round(area.x() * ratio),
            round(area.y() * ratio),
            round(area.width() * ratio),
            round(area.height() * ratio),
        )
        painter.drawPixmap(area, pixmap, source)

    def _current(self) -> QPixmap:
        viewport = self._viewport
        window = viewport.window()
        app = QApplication.instance()
        key = (
            window.size(),
            viewport.mapTo(window, QPoint(0, 0)),
            viewport.size(),
            viewport.devicePixelRatioF(),
            app.styleSheet() if isinstance(app, QApplication) else "",  # the theme
            QWidget.palette(window).cacheKey(),  # (a window may name something else .palette)
        )
        if self._pixmap is None or key != self._key:
            self._key = key
            self._pixmap = self._render()
            self._same_down_columns = _rows_alike(self._pixmap)
        return self._pixmap

    def _render(self) -> QPixmap:
        """Paint each ancestor's background, the window's first, as Qt's backing store does
        (QWidgetPrivate::paintBackground): the window's own brush, an auto-filled brush, then
        a style sheet's background. (QWidget.render cannot be called while the window is being
        painted.) The ancestors' own paint events draw only frames, outside the viewport."""
        viewport = self._viewport
        window = viewport.window()
        ratio = viewport.devicePixelRatioF()
        pixmap = QPixmap(
            max(1, round(viewport.width() * ratio)), max(1, round(viewport.height() * ratio))
        )
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        ancestors = []
        widget = viewport.parentWidget()
        while widget is not None:
            ancestors.append(widget)
            if widget is window:
                break
            widget = widget.parentWidget()
        painter = QPainter(pixmap)
        for widget in reversed(ancestors):
            origin = viewport.mapTo(widget, QPoint(0, 0))
            painter.save()
            painter.translate(-origin.x(), -origin.y())
            area = QRect(origin, viewport.size())
            painter.setClipRect(area)
            _paint_background(painter, widget, area, widget is window)
            painter.restore()
        painter.end()
        return pixmap


def _paint_background(painter: QPainter, widget: QWidget, area: QRect, as_root: bool) -> None:
    palette = QWidget.palette(widget)  # a window may name something else .palette
    fill = palette.brush(widget.backgroundRole())
    if as_root and not (widget.autoFillBackground() and fill.isOpaque()):
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.fillRect(area, palette.brush(QPalette.ColorRole.Window))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    if widget.autoFillBackground():
        painter.fillRect(area, fill)
    if widget.testAttribute(Qt.WidgetAttribute.WA_StyledBackground):
        from PySide6.QtWidgets import QStyle  # named on first use: its enums (~570 members)

        option = QStyleOption()
        option.initFrom(widget)
        widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, widget)


def _rows_alike(pixmap: QPixmap) -> bool:
    """Whether every row of `pixmap` holds the same pixels as its first (4-6 ms for a 1262x842
    backdrop on the test machine, made only when it is rendered: a resize, a move, a theme)."""
    image = pixmap.toImage()
    stride, height = image.bytesPerLine(), image.height()
    pixels = bytes(image.constBits())[: stride * height]
    return pixels == pixels[:stride] * height
