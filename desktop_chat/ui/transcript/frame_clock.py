"""FrameClock: what the window's last repaint cost, so a streaming reply can pace on all of it.

A frame costs more than the transcript's own paint: Qt paints every widget under the dirty
region (the window's gradient and the panels beneath a see-through view) and then sends the
pixels to the display. The window's repaint is one UpdateRequest event; the clock times it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class FrameClock(QObject):
    """Times the repaints of the window `widget` is in (`last_cost`, s of CPU)."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self._widget = widget
        self._window: QWidget | None = None
        self.last_cost = 0.0

    def watch(self) -> None:
        """Time the window the widget is in now (call when it is shown: it may have moved)."""
        window = self._widget.window()
        if window is self._window:
            return
        if self._window is not None:
            self._window.removeEventFilter(self)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.UpdateRequest or watched is not self._window:
            return False
        started = time.thread_time()
        watched.event(event)  # paints what is dirty and sends it to the display
        self.last_cost = time.thread_time() - started
        return True
