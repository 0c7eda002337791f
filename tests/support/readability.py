"""Where a window shows text, and how readable that text is in the pixels the X server shows.

`text_regions(window)` walks a top-level window's visible widgets and names the rectangles that
hold text (a label's contents, a field's inside without its border, each tab, each visible row
of a list), so `contrast_report` can measure each one with `pixels.text_contrast` — a border or
a focus ring, which may contrast well while the text does not, stays outside the rectangle.
`ocr(image)` reads text back with tesseract, to prove a screen says what it should.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from tests.support.pixels import PaintCounter, grab_screen, ink_pixels, text_contrast

AA_NORMAL_TEXT = 4.5  # WCAG 2.x level AA, normal-size text


@dataclass
class Measured:
    name: str
    rect: QRect  # in the window's coordinates
    contrast: float
    ink: int


def settle(qtbot, window: QWidget) -> None:
    """Wait until `window` is mapped and has painted what is pending."""
    qtbot.waitExposed(window)
    counter = PaintCounter(window)
    window.update()
    for child in window.findChildren(QWidget):
        if child.isVisible():
            child.update()
    qtbot.waitUntil(lambda: counter.count > 0, timeout=3_000)
    qtbot.wait(30)  # the paint reaches the X server when the event loop next flushes
    window.removeEventFilter(counter)


def _name(widget: QWidget, what: str = "") -> str:
    label = widget.accessibleName() or widget.objectName() or type(widget).__name__
    return f"{type(widget).__name__}[{label}]{what}"


def _inside(widget: QWidget, window: QWidget, rect: QRect) -> QRect:
    return QRect(widget.mapTo(window, rect.topLeft()), rect.size())


def _scrolled_out(widget: QWidget, window: QWidget) -> bool:
    """True when a scroll area between `widget` and `window` does not show all of it: what is
    painted where it would be belongs to something else."""
    ancestor = widget.parentWidget()
    while ancestor is not None and ancestor is not window:
        area = ancestor.parentWidget()
        if isinstance(area, QAbstractScrollArea) and ancestor is area.viewport():
            top_left = widget.mapTo(ancestor, QPoint(0, 0))
            if not ancestor.rect().contains(QRect(top_left, widget.size())):
                return True
        ancestor = area
    return False


def text_regions(window: QWidget) -> list[tuple[str, QRect]]:
    """(name, rect in `window` coordinates) for every visible, enabled widget showing text.
    Disabled controls are left out: WCAG exempts them."""
    regions: list[tuple[str, QRect]] = []
    if isinstance(window, QMenu):  # items are painted, not widgets
        for action in window.actions():
            if action.text() and action.isVisible() and action.isEnabled():
                rect = window.actionGeometry(action).adjusted(4, 2, -4, -2)
                regions.append((f"QMenu item {action.text()!r}", rect))
    for widget in [window, *window.findChildren(QWidget)]:  # a tooltip is a label itself
        shown = widget is window or widget.isVisibleTo(window)
        if not shown or not widget.isEnabled() or widget.width() < 4:
            continue
        if widget is not window and _scrolled_out(widget, window):
            continue
        if isinstance(widget, QLabel):
            if widget.text().strip() and widget.pixmap().isNull():
                regions.append((_name(widget), _inside(widget, window, widget.contentsRect())))
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                rect = widget.tabRect(index).adjusted(3, 3, -3, -3)
                regions.append(
                    (
                        _name(widget, f" tab {widget.tabText(index)!r}"),
                        _inside(widget, window, rect),
                    )
                )
        elif isinstance(widget, QAbstractButton):
            if widget.text().strip():
                symbols = not any(c.isalnum() for c in widget.text())  # e.g. "···"
                regions.append(
                    (
                        _name(widget, " (symbols)" if symbols else ""),
                        _inside(widget, window, widget.rect().adjusted(4, 4, -4, -4)),
                    )
                )
        elif isinstance(widget, QComboBox):
            if widget.currentText().strip():
                regions.append(
                    (_name(widget), _inside(widget, window, widget.rect().adjusted(4, 4, -26, -4)))
                )
        elif isinstance(widget, QLineEdit):
            parent = widget.parentWidget()
            if isinstance(parent, (QComboBox, QAbstractSpinBox)) and parent.isEnabled():
                # the edit inside a spin box or an editable combo: its own rect has no border
                rect = widget.rect().adjusted(1, 1, -1, -1)
            else:
                rect = widget.rect().adjusted(4, 4, -4, -4)
            if widget.text() or widget.placeholderText():
                regions.append((_name(widget), _inside(widget, window, rect)))
        elif isinstance(widget, QPlainTextEdit):
            if widget.toPlainText().strip() or widget.placeholderText():
                viewport = widget.viewport()
                regions.append(
                    (
                        _name(widget),
                        _inside(viewport, window, viewport.rect().adjusted(2, 2, -2, -2)),
                    )
                )
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            bubble = getattr(widget.itemDelegate(), "_layout", None)  # the transcript's rows
            items = getattr(model, "items", None)
            for row in range(min(model.rowCount(), 12)):
                rect = widget.visualRect(model.index(row, 0))
                if bubble is not None and items is not None and rect.isValid():
                    rect = bubble(items[row], rect)[0].adjusted(6, 6, -6, -6)
                if rect.isValid() and widget.viewport().rect().contains(rect.center()):
                    inner = rect.adjusted(2, 1, -2, -1)
                    regions.append(
                        (_name(widget, f" row {row}"), _inside(widget.viewport(), window, inner))
                    )
    return regions


def contrast_report(window: QWidget, image: QImage | None = None) -> list[Measured]:
    """Each text region of `window`, measured in what the X server shows."""
    image = image if image is not None else grab_screen(window)
    bounds = QRect(0, 0, image.width(), image.height())
    report = []
    for name, rect in text_regions(window):
        rect = rect.intersected(bounds)
        if rect.width() < 3 or rect.height() < 3:
            continue
        # Symbols ("···") have glyphs of a few pixels each: let single pixels count as text.
        stems = 1 if name.endswith("(symbols)") else 4
        report.append(
            Measured(
                name, rect, text_contrast(image, rect, min_pixels=stems), ink_pixels(image, rect)
            )
        )
    return report


def unreadable(report: list[Measured], minimum: float = AA_NORMAL_TEXT) -> list[str]:
    """What fails: text that measures under `minimum`, or a region that shows no text at all."""
    return [
        f"{m.name} at {m.rect.getRect()}: {m.contrast:.2f}:1, {m.ink} ink pixels"
        for m in report
        if m.contrast < minimum or m.ink < 8
    ]


def ocr(image: QImage, language: str = "eng") -> str:
    """The text tesseract reads in `image` (scaled up twice: screen text is small for it), in
    tesseract's `language` ("deu": German, package tesseract-ocr-deu)."""
    if shutil.which("tesseract") is None:
        raise RuntimeError("tesseract is not installed (scripts/system-deps --test installs it)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shot.png"
        image.scaled(image.width() * 2, image.height() * 2).save(str(path))
        result = subprocess.run(
            ["tesseract", str(path), "-", "--psm", "11", "-l", language],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    return result.stdout
