"""What a person sees: pixels grabbed from the X server, and how readable text is in them.

`grab_screen` reads back what the X server shows for a widget (QScreen.grabWindow on the root
window), not `widget.grab()`, which repaints on demand and so hides partial-repaint bugs.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget


def grab_screen(widget: QWidget, rect: QRect | None = None) -> QImage:
    """The pixels the X server shows where `widget` (or `rect` of it) is, as RGB32."""
    area = rect if rect is not None else widget.rect()
    origin = widget.mapToGlobal(area.topLeft())
    screen = widget.screen() or QApplication.primaryScreen()
    geometry = screen.geometry()
    shown = QRect(origin, area.size())
    if not geometry.contains(shown):
        # Off the screen the X server shows nothing (black): such a grab proves nothing.
        raise AssertionError(
            f"grab beyond the screen: {shown.getRect()} is not inside {geometry.getRect()}"
        )
    pixmap = screen.grabWindow(
        0, origin.x() - geometry.x(), origin.y() - geometry.y(), area.width(), area.height()
    )
    return pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)


def as_array(image: QImage) -> np.ndarray:
    """An (height, width, 3) uint8 RGB array of a QImage."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * height)
    pixels = buffer.reshape(height, image.bytesPerLine() // 4, 4)[:, :width, :]
    return pixels[:, :, 2::-1].copy()  # BGRA in memory (little-endian ARGB32) -> RGB


def _luminance(pixels: np.ndarray) -> np.ndarray:
    """WCAG 2.x relative luminance of each sRGB colour in an (n, 3) array of 0..255 channels."""
    channels = pixels.astype(np.float64) / 255.0
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def relative_luminance(rgb) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0..255 channels)."""
    return float(_luminance(np.array([rgb[:3]], dtype=np.float64))[0])


def contrast_ratio(first, second) -> float:
    """WCAG contrast ratio (1..21) of two colours: QColor, '#rrggbb' or an (r, g, b) triple."""

    def rgb(colour):
        if isinstance(colour, str):
            colour = QColor(colour)
        if isinstance(colour, QColor):
            return colour.red(), colour.green(), colour.blue()
        return tuple(colour)

    lighter, darker = sorted(
        (relative_luminance(rgb(first)), relative_luminance(rgb(second))), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def background_colour(pixels: np.ndarray) -> tuple[int, int, int]:
    """The most common colour of a region: its background."""
    flat = pixels.reshape(-1, 3)
    packed = (flat[:, 0].astype(np.uint32) << 16) | (flat[:, 1].astype(np.uint32) << 8) | flat[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    top = int(values[np.argmax(counts)])
    return (top >> 16) & 255, (top >> 8) & 255, top & 255


def text_contrast(image: QImage, rect: QRect | None = None, min_pixels: int = 4) -> float:
    """The contrast of the text in `rect` against its background, as a reader gets it.

    The background is the region's most common colour; the text's contrast is the one that at
    least `min_pixels` pixels reach (glyph stems, not a lone stray pixel). Anti-aliasing and a
    gradient behind the text give its pixels many near colours, so pixels are not grouped by
    colour. Returns 1.0 for a region with no text at all.
    """
    pixels = as_array(image)
    if rect is not None:
        pixels = pixels[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1]
    if pixels.size == 0:
        return 1.0
    background = relative_luminance(background_colour(pixels))
    luminance = _luminance(pixels.reshape(-1, 3))
    ratios = (np.maximum(luminance, background) + 0.05) / (np.minimum(luminance, background) + 0.05)
    if ratios.size < min_pixels:
        return 1.0
    return float(np.sort(ratios)[-min_pixels])


def ink_pixels(image: QImage, rect: QRect | None = None, threshold: int = 60) -> int:
    """How many pixels of `rect` differ clearly from its background (text, lines, icons)."""
    pixels = as_array(image).astype(np.int16)
    if rect is not None:
        pixels = pixels[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1]
    if pixels.size == 0:
        return 0
    background = np.array(background_colour(pixels.astype(np.uint8)), dtype=np.int16)
    return int((np.abs(pixels - background).sum(axis=2) > threshold).sum())


def differing_rows(first: QImage, second: QImage, tolerance: int = 0) -> list[int]:
    """The y of each pixel row where two same-sized images differ by more than `tolerance`."""
    a, b = as_array(first).astype(np.int16), as_array(second).astype(np.int16)
    if a.shape != b.shape:
        raise ValueError(f"images differ in size: {a.shape} vs {b.shape}")
    diff = np.abs(a - b).max(axis=2) > tolerance
    return [int(y) for y in np.nonzero(diff.any(axis=1))[0]]


class PaintCounter(QObject):
    """Counts the paint events a widget gets: a test waits for one before it grabs the screen."""

    def __init__(self, widget: QWidget):
        super().__init__()  # not the widget's child: a tooltip may delete itself meanwhile
        self.count = 0
        self.areas: list[int] = []  # each paint's region: how many pixels it holds
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
            self.areas.append(sum(rect.width() * rect.height() for rect in event.region()))
        return False


def failure_shot(image: QImage, name: str) -> Path:
    """Keep a picture a failing test saw, for a person to look at; returns where it went
    ($DESKTOP_CHAT_TEST_SHOTS, else /tmp/desktop-chat-shots)."""
    folder = Path(os.environ.get("DESKTOP_CHAT_TEST_SHOTS", "/tmp/desktop-chat-shots"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    image.save(str(path))
    return path
