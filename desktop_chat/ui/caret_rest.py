"""The text caret stops blinking a few seconds after the last input, and blinks again at the next.

A blinking caret repaints its widget twice a second for as long as the window is open: an idle
window on the composer used ~0.2% of a core, every wake-up of it a repaint and an X round trip.
Windows stops the caret after 5 s without input (its CaretTimeout), GTK after 10 s; so does this
app: after `REST_MS` without a key press, click or focus change the caret stays on, steady, and
the next input starts it blinking again. (Blinking that goes on for more than 5 s is also what
WCAG 2.2.2 asks to be stoppable.)

Qt has no such timeout; the blink's period is the application's `cursorFlashTime`, and 0 makes
every text widget show a steady caret at once (and a restored period starts them blinking again).
Input is seen by an event filter on the focused widget alone (moved by `focusChanged`): an
application-wide Python filter would make PySide wrap every object each event goes to.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

REST_MS = 5_000

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.InputMethod,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
}


class CaretRest(QObject):
    """Installed once the window has painted (app.py); `release()` blinks as before."""

    def __init__(self, app: QApplication, rest_ms: int = REST_MS) -> None:
        super().__init__(app)
        self._app = app
        self._period = app.cursorFlashTime()  # the desktop's setting; 0: it never blinks
        self._watched: list[QWidget] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(rest_ms)
        self._timer.timeout.connect(self._rest)
        if self._period > 0:
            app.focusChanged.connect(self._focus_changed)
            self._focus_changed(None, app.focusWidget())

    def release(self) -> None:
        if self._period > 0:
            self._app.focusChanged.disconnect(self._focus_changed)
            self._app.setCursorFlashTime(self._period)
        self._timer.stop()
        self._watch(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INPUT:
            self._wake()
        return False

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._watch(new)
        self._wake()

    def _watch(self, widget: QWidget | None) -> None:
        for old in self._watched:
            with contextlib.suppress(RuntimeError):  # deleted since it had the focus
                old.removeEventFilter(self)
        # A click in a text view goes to its viewport, not to the widget that has the focus.
        self._watched = []
        if widget is not None:
            self._watched.append(widget)
            if isinstance(widget, QAbstractScrollArea):
                self._watched.append(widget.viewport())
        for new in self._watched:
            new.installEventFilter(self)

    def _wake(self) -> None:
        if self._app.cursorFlashTime() != self._period:
            self._app.setCursorFlashTime(self._period)
        self._timer.start()

    def _rest(self) -> None:
        self._app.setCursorFlashTime(0)
