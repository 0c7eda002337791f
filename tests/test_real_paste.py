"""A huge paste through the real clipboard (xclip), in the real window (xcb, openbox): a
megabyte is refused in plain words before it lands, whole on the status line of a small window,
and what was typed stays; the largest message the model takes goes in whole and stays quick to
type into (the composer's cost per key does not grow with what it holds)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtGui import QGuiApplication

from desktop_chat.core.chat import MAX_MESSAGE_CHARS
from tests.support import xinput
from tests.support.pixels import failure_shot, grab_screen, text_contrast
from tests.support.readability import ocr
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window

LINE = "All work and no play makes Jack a dull boy.\n"
KEY_SECONDS = 1.0  # a key typed shows within this, however much the composer holds (~0.05 s)


def paste_from_another_program(qtbot, app: ChatApp, text: str) -> None:
    server = xinput.serve_clipboard(text.encode())
    try:
        qtbot.waitUntil(
            lambda: QGuiApplication.clipboard().mimeData().text() == text, timeout=10_000
        )
        xinput.key("ctrl+v")
    finally:
        server.kill()


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(700, 550), (1400, 900)], ids=["small", "large"])
def test_a_megabyte_paste_is_refused_whole_on_screen_and_a_big_one_stays_quick(
    qtbot, run, isolated_environment, groq_server, theme, size
) -> None:
    app = ChatApp(qtbot, run, isolated_environment, groq_server).use_theme(theme, size)
    xinput.focus_window(app.window)
    app.composer.setFocus()
    xinput.key("d", "r", "a", "f", "t")
    qtbot.waitUntil(lambda: app.composer.toPlainText() == "draft", timeout=5_000)
    status = app.window.composer.status

    paste_from_another_program(qtbot, app, (LINE * 25_000)[:1_000_000])
    qtbot.waitUntil(lambda: status.text().startswith("Not pasted"), timeout=10_000)
    assert app.composer.toPlainText() == "draft", "what was typed must stay"
    assert "1,000,005 characters" in status.text() and f"{MAX_MESSAGE_CHARS:,}" in status.text()
    qtbot.wait(100)
    shown = grab_screen(status)
    assert status.toolTip() == "", "the refusal is cut on the status line"
    read = " ".join(ocr(shown).split())
    if "Not pasted" not in read or "holds" not in read or text_contrast(shown) < 4.5:
        failure_shot(grab_screen(app.window), f"paste-refused-{theme}-{size[0]}")
    assert "Not pasted" in read and "holds" in read, read
    assert text_contrast(shown) >= 4.5

    fits = (LINE * 10_000)[: MAX_MESSAGE_CHARS - 10]
    paste_from_another_program(qtbot, app, fits)
    qtbot.waitUntil(lambda: len(app.composer.toPlainText()) == len(fits) + 5, timeout=20_000)
    for typed in range(1, 4):
        started = time.monotonic()
        xinput.key("x")
        wanted = len(fits) + 5 + typed
        qtbot.waitUntil(
            lambda wanted=wanted: len(app.composer.toPlainText()) == wanted, timeout=20_000
        )
        assert time.monotonic() - started < KEY_SECONDS
