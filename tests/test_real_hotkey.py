"""The quick-ask shortcut rebound in Settings → Keyboard, in a real X server: keys recorded with
xdotool, the new keys pressed while another program has the focus open the quick-ask window,
the old keys are released (another client can grab them, and gets them), the new keys hold
after a restart; keys another X client holds keep the old ones with a plain message; the row
reads at 4.5:1 in both themes, small and large windows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QCursor

from desktop_chat.ui.global_hotkey import GlobalHotkey, install_quick_ask_hotkey
from tests.support import xinput
from tests.support.pixels import grab_screen
from tests.support.readability import contrast_report, settle, unreadable
from tests.test_real_desktop import other_program, stop
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window
SHOTS = Path(os.environ.get("DESKTOP_CHAT_TEST_SHOTS", "/tmp/desktop-chat-shots"))


@pytest.fixture
def grabs():
    """The hotkeys a test made, released at its end even when it failed: a grab left behind
    would hold the keys against the next tests."""
    made: list = []
    yield made
    for hotkey in made:
        hotkey.release()


def started(qtbot, run, data_dir: Path, server, grabs, theme="dark", size=(1100, 760)):
    app = ChatApp(qtbot, run, data_dir, server).use_theme(theme, size)
    xinput.focus_window(app.window)
    qtbot.waitUntil(app.window.isActiveWindow)
    hotkey = install_quick_ask_hotkey(app.window)
    grabs.append(hotkey)
    return app, hotkey


def record_in_settings(app: ChatApp, qtbot, keys: str):
    """Open Settings → Keyboard, click the quick-ask row's key box and press `keys` (xdotool)."""
    app.window.settings_ctl.open_settings()
    dialog = app.window.settings_ctl.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.show_section("Keyboard")
    row = dialog.keyboard.quick_ask
    dialog.keyboard.scroll_area.ensureWidgetVisible(row.edit)
    xinput.click(row.edit, row.edit.rect().center())
    qtbot.waitUntil(row.edit.hasFocus)
    xinput.key(keys)
    return dialog, row


def save(dialog, qtbot) -> None:
    button = dialog.buttons.buttons()[0]
    qtbot.waitUntil(button.isEnabled)
    xinput.click(button, button.rect().center())
    qtbot.waitUntil(lambda: not dialog.isVisible())


def quick_ask_opens(app: ChatApp, qtbot, keys: str) -> None:
    """Press `keys` with another program focused; the quick-ask window opens; dismiss it."""
    process, _other = other_program(qtbot, "hotkeyrebind")
    try:
        xinput.key(keys)
        qtbot.waitUntil(
            lambda: (
                app.window.quick_ask_window is not None and app.window.quick_ask_window.isVisible()
            ),
            timeout=5_000,
        )
        app.window.quick_ask_window.dismiss()
        qtbot.waitUntil(lambda: not app.window.quick_ask_window.isVisible())
    finally:
        stop(process)


def test_rebound_quick_ask_keys_work_from_another_program_now_and_after_a_restart(
    qtbot, run, isolated_environment, groq_server, grabs
) -> None:
    app, hotkey = started(qtbot, run, isolated_environment, groq_server, grabs)
    assert hotkey.active and hotkey.keys == "Ctrl+Alt+Space"
    dialog, row = record_in_settings(app, qtbot, "ctrl+alt+k")
    qtbot.waitUntil(lambda: row.keys() == "Ctrl+Alt+K")
    assert "Quick ask" not in dialog.keyboard.problems.text()
    save(dialog, qtbot)
    assert hotkey.keys == "Ctrl+Alt+K" and hotkey.active
    assert app.preferences.value("keyboard/quick_ask") == "Ctrl+Alt+K"
    assert "Ctrl+Alt+K opens the quick-ask window" in app.window.quick_ask_note
    app.window.hide()
    quick_ask_opens(app, qtbot, "ctrl+alt+k")

    # The old keys were released: another client can grab them, and X gives it the press.
    rival = GlobalHotkey("Ctrl+Alt+Space")
    grabs.append(rival)
    assert rival.grab(), rival.error
    try:
        process, _other = other_program(qtbot, "hotkeyold")
        try:
            with qtbot.waitSignal(rival.activated, timeout=5_000):
                xinput.key("ctrl+alt+space")
            assert not app.window.quick_ask_window.isVisible()
        finally:
            stop(process)
    finally:
        rival.release()
    hotkey.release()
    app.close()

    again, hotkey = started(qtbot, run, isolated_environment, groq_server, grabs)
    try:
        assert hotkey.keys == "Ctrl+Alt+K" and hotkey.active  # grabbed again at start
        quick_ask_opens(again, qtbot, "ctrl+alt+k")
    finally:
        hotkey.release()
        again.close()


def test_keys_another_program_holds_keep_the_old_ones_with_a_plain_message(
    qtbot, run, isolated_environment, groq_server, grabs
) -> None:
    app, hotkey = started(qtbot, run, isolated_environment, groq_server, grabs)
    dialog, row = record_in_settings(app, qtbot, "ctrl+alt+h")
    qtbot.waitUntil(lambda: row.keys() == "Ctrl+Alt+H")
    # Another X client (python-xlib's own connection) takes the keys before Save.
    rival = GlobalHotkey("Ctrl+Alt+H")
    grabs.append(rival)
    assert rival.grab(), rival.error
    try:
        save(dialog, qtbot)
        box = app.window.settings_ctl.quick_ask_refused
        qtbot.waitUntil(box.isVisible)
        assert box.text() == (
            "Ctrl+Alt+H cannot open the quick-ask window: another program already uses "
            "Ctrl+Alt+H. Ctrl+Alt+Space still does."
        )
        box.accept()
        assert hotkey.keys == "Ctrl+Alt+Space" and hotkey.active
        assert app.preferences.value("keyboard/quick_ask") is None  # the default, unchanged
        # The page itself names a held key as it is recorded (the check grabs and lets go).
        app.window.settings_ctl.open_settings()
        dialog = app.window.settings_ctl.settings_dialog
        dialog.keyboard.quick_ask.edit.setKeySequence("Ctrl+Alt+H")
        assert "Quick ask: another program already uses Ctrl+Alt+H." in (
            dialog.keyboard.problems.text()
        )
        assert not dialog.buttons.buttons()[0].isEnabled()
        dialog.reject()
    finally:
        rival.release()
    quick_ask_opens(app, qtbot, "ctrl+alt+space")  # the old keys still work
    hotkey.release()
    app.close()


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(700, 550), (1400, 900)], ids=["small", "large"])
def test_the_quick_ask_row_reads_in_both_themes(
    qtbot, run, isolated_environment, groq_server, grabs, theme, size
) -> None:
    app, hotkey = started(qtbot, run, isolated_environment, groq_server, grabs, theme, size)
    QCursor.setPos(QPoint(0, 0))
    app.window.settings_ctl.open_settings()
    dialog = app.window.settings_ctl.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.show_section("Keyboard")
    row = dialog.keyboard.quick_ask
    dialog.keyboard.scroll_area.ensureWidgetVisible(row.hint)
    settle(qtbot, dialog)
    image = grab_screen(dialog)
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.save(str(SHOTS / f"keyboard-quick-ask-{theme}-{size[0]}x{size[1]}.png"))
    report = contrast_report(dialog, image)
    for widget in (row.heading, row.name, row.edit, row.hint):  # the row itself was measured
        place = QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size())
        assert any(m.rect.intersects(place) for m in report), widget
    assert unreadable(report) == []
    hotkey.release()
    dialog.reject()
    app.close()
