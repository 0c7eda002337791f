"""The caret rests (a steady caret, no blink timer) after a while without input, and blinks
again at the next key press, click or focus change: an idle window wakes no one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from desktop_chat.ui.caret_rest import CaretRest

REST_MS = 150


@pytest.fixture
def window(qtbot) -> Iterator[tuple[QWidget, QPlainTextEdit, QLineEdit]]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    period = app.cursorFlashTime()
    if period <= 0:
        app.setCursorFlashTime(1000)  # blinking, as on a desktop that has not turned it off
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    edit, line = QPlainTextEdit(window), QLineEdit(window)
    layout.addWidget(edit)
    layout.addWidget(line)
    window.show()
    window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    yield window, edit, line
    app.setCursorFlashTime(period)


def flash(qtbot) -> int:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app.cursorFlashTime()


def test_the_caret_rests_and_any_input_wakes_it(qtbot, window) -> None:
    _, edit, line = window
    blinking = flash(qtbot)
    rest = CaretRest(QApplication.instance(), rest_ms=REST_MS)  # type: ignore[arg-type]
    try:
        qtbot.waitUntil(lambda: flash(qtbot) == 0, timeout=2000)
        qtbot.keyClick(edit, Qt.Key.Key_H)  # typing
        assert flash(qtbot) == blinking and edit.toPlainText() == "h"
        qtbot.waitUntil(lambda: flash(qtbot) == 0, timeout=2000)
        qtbot.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))  # a click
        assert flash(qtbot) == blinking
        qtbot.waitUntil(lambda: flash(qtbot) == 0, timeout=2000)
        line.setFocus()  # the focus moving to another field
        qtbot.waitUntil(lambda: flash(qtbot) == blinking, timeout=2000)
        qtbot.waitUntil(lambda: flash(qtbot) == 0, timeout=2000)
        qtbot.keyClick(line, Qt.Key.Key_A)  # the field that has the focus now is watched
        assert flash(qtbot) == blinking
    finally:
        rest.release()
    assert flash(qtbot) == blinking  # released: it blinks as the desktop says, for good
    qtbot.wait(REST_MS * 3)
    assert flash(qtbot) == blinking


def test_the_resting_caret_is_shown_not_hidden(qtbot, window) -> None:
    _, edit, _ = window
    unfocused = QPlainTextEdit()
    qtbot.addWidget(unfocused)
    unfocused.resize(edit.size())
    no_caret = unfocused.viewport().grab().toImage()
    rest = CaretRest(QApplication.instance(), rest_ms=REST_MS)  # type: ignore[arg-type]
    try:
        qtbot.waitUntil(lambda: flash(qtbot) == 0, timeout=2000)
        grabs: list[QImage] = []
        for _ in range(4):  # across more than one blink period: on every time
            grabs.append(edit.viewport().grab().toImage().convertToFormat(no_caret.format()))
            qtbot.wait(300)
        assert all(grab.size() == no_caret.size() and grab != no_caret for grab in grabs)
    finally:
        rest.release()


def test_a_desktop_that_does_not_blink_is_left_alone(qtbot, window) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setCursorFlashTime(0)
    rest = CaretRest(app, rest_ms=REST_MS)
    try:
        qtbot.keyClick(window[1], Qt.Key.Key_H)
        qtbot.wait(REST_MS * 2)
        assert flash(qtbot) == 0
    finally:
        rest.release()
    assert flash(qtbot) == 0
