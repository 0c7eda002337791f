"""Rebindable shortcuts in a real X11 window: a key pressed with xdotool does the rebound action
and the old key does nothing, at once and after a restart; the X11 platform's editing keys
(Ctrl+E, Ctrl+K, Ctrl+U) are known as clashes; Settings → Keyboard reads at 4.5:1 in both
themes, small and large windows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QCursor

from desktop_chat.ui.preferences import Preferences, load_bindings
from desktop_chat.ui.shortcuts import editing_keys, find_conflicts
from tests.support import xinput
from tests.support.pixels import grab_screen
from tests.support.readability import contrast_report, settle, unreadable
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window
SHOTS = Path(os.environ.get("DESKTOP_CHAT_TEST_SHOTS", "/tmp/desktop-chat-shots"))


def started(qtbot, run, data_dir: Path, server, theme: str = "dark") -> ChatApp:
    app = ChatApp(qtbot, run, data_dir, server)
    Preferences(theme=theme).save(app.preferences)
    app.window.preferences = Preferences.load(app.preferences, Preferences())
    app.window.settings_ctl.apply_preferences()
    app.window.resize(1100, 760)
    qtbot.waitExposed(app.window)
    xinput.focus_window(app.window)
    qtbot.waitUntil(app.window.isActiveWindow)
    return app


def press_old_then_new(app: ChatApp, qtbot) -> None:
    """Ctrl+B (the old key), then Ctrl+J (the new one), as X11 key presses in the composer.
    X delivers them in order: if the old key still toggled the sidebar, the new one would
    toggle it back, and the sidebar would stay shown."""
    app.composer.setFocus()
    qtbot.waitUntil(app.composer.hasFocus)
    assert app.window.sessions.isVisible()
    xinput.key("ctrl+b", "ctrl+j")
    qtbot.waitUntil(lambda: not app.window.sessions.isVisible())
    xinput.key("ctrl+j")  # a round trip through the X server: Ctrl+B was long handled
    qtbot.waitUntil(app.window.sessions.isVisible)


def test_a_rebound_key_pressed_for_real_works_and_the_old_one_does_not(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = started(qtbot, run, isolated_environment, groq_server)
    app.window.settings_ctl.open_settings()
    dialog = app.window.settings_ctl.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.show_section("Keyboard")
    edit = dialog.keyboard.edits["toggle_sidebar"]
    dialog.keyboard.scroll_area.ensureWidgetVisible(edit)
    xinput.click(edit, edit.rect().center())
    qtbot.waitUntil(edit.hasFocus)
    xinput.key("ctrl+j")  # recorded by the QKeySequenceEdit, as a person would press it
    qtbot.waitUntil(lambda: dialog.keyboard.bindings() == {"toggle_sidebar": ("Ctrl+J",)})
    save = dialog.buttons.buttons()[0]
    xinput.click(save, save.rect().center())
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert load_bindings(app.preferences) == {"toggle_sidebar": ("Ctrl+J",)}
    xinput.focus_window(app.window)
    press_old_then_new(app, qtbot)
    app.close()

    again = started(qtbot, run, isolated_environment, groq_server)
    try:
        press_old_then_new(again, qtbot)
    finally:
        again.close()


def test_the_x11_editing_keys_are_named_as_clashes(qapp) -> None:
    keys = editing_keys()  # Qt's X11 table, from the running xcb platform theme
    assert keys.get("Ctrl+E") == "end of line"
    assert keys.get("Ctrl+K") == "delete to the end of line"
    assert keys.get("Ctrl+U") == "delete the line"
    [clash] = find_conflicts({"quit": ("Ctrl+U",)})
    assert "Ctrl+U is delete the line in the composer" in clash


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(700, 550), (1400, 900)], ids=["small", "large"])
def test_the_keyboard_page_reads_in_both_themes(
    qtbot, run, isolated_environment, groq_server, theme, size
) -> None:
    app = started(qtbot, run, isolated_environment, groq_server, theme)
    app.window.resize(*size)
    QCursor.setPos(QPoint(0, 0))
    app.window.settings_ctl.open_settings()
    dialog = app.window.settings_ctl.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.show_section("Keyboard")
    failures: list[str] = []
    for state in ("clean", "clash"):
        if state == "clash":
            dialog.keyboard.set_keys("new_session", "Ctrl+K")
            assert not dialog.buttons.buttons()[0].isEnabled()
        settle(qtbot, dialog)
        image = grab_screen(dialog)
        SHOTS.mkdir(parents=True, exist_ok=True)
        image.save(str(SHOTS / f"keyboard-{state}-{theme}-{size[0]}x{size[1]}.png"))
        report = contrast_report(dialog, image)  # rows scrolled out of view are left out
        assert len(report) > 12, report  # the visible rows were measured, not skipped
        failures += [f"{state}: {line}" for line in unreadable(report)]
        assert dialog.frameGeometry().width() <= app.window.screen().availableGeometry().width()
    assert failures == []
    dialog.reject()
    app.close()
