"""The status line in the real window (xcb, openbox): a notice too long for the one-line row
of a small window is shown whole in a note floating above the composer, readable in both
themes, without moving anything; the progress line never pops it up; a wide window needs none."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from tests.support import xinput
from tests.support.pixels import failure_shot, grab_screen, text_contrast
from tests.support.readability import ocr
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window

NOTICE = "This session was ended; sending continues it with its summary in mind."


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_cut_notice_floats_above_the_composer_whole_and_moves_nothing(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    app = ChatApp(qtbot, run, isolated_environment, groq_server).use_theme(theme, (700, 550))
    xinput.focus_window(app.window)
    composer = app.window.composer
    qtbot.waitUntil(lambda: composer.width() > 600, timeout=3_000)  # the sidebar folded
    qtbot.wait(100)
    before = composer.geometry(), composer.status.geometry()
    app.window.show_progress("Replying… 1,234 tokens/s and a very long line  (Esc to stop)" * 2)
    assert composer.status.is_cut()
    overflow = composer._overflow
    assert overflow is None or not overflow.isVisible(), "the progress line must not pop up"

    app.window.show_status(NOTICE)
    assert composer.status.is_cut(), "the notice should not fit a 700 px window's status row"
    overflow = composer._overflow
    qtbot.waitUntil(lambda: overflow is not None and overflow.isVisible(), timeout=3_000)
    qtbot.wait(100)
    assert (composer.geometry(), composer.status.geometry()) == before, "something moved"
    note = overflow.geometry()
    assert note.bottom() < composer.geometry().top(), "the note covers the composer"
    assert app.window.rect().contains(overflow.mapTo(app.window, QPoint(0, 0)))
    shown = grab_screen(overflow)
    read = " ".join(ocr(shown).split())
    if "summary in mind" not in read or text_contrast(shown) < 4.5:
        failure_shot(grab_screen(app.window), f"status-overflow-{theme}")
    assert "This session was ended" in read and "summary in mind" in read, read
    assert text_contrast(shown) >= 4.5

    xinput.click(overflow, overflow.rect().center())  # read: a click puts it away
    qtbot.waitUntil(lambda: not overflow.isVisible(), timeout=3_000)
    app.window.show_status("Saved.")  # fits: no note
    assert not overflow.isVisible() and not composer.status.is_cut()


def test_a_wide_window_shows_the_notice_on_its_row(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = ChatApp(qtbot, run, isolated_environment, groq_server).use_theme("dark", (1400, 900))
    app.window.show_status(NOTICE)
    assert not app.window.composer.status.is_cut()
    overflow = app.window.composer._overflow
    assert overflow is None or not overflow.isVisible()
