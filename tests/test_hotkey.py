"""The quick-ask shortcut's parts that run anywhere: the key translation for each platform (pure
functions; Windows' and macOS' backends themselves cannot run on this machine and are not
tested here), the backend chosen at run time, the saved keys, and the Settings row's checks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from desktop_chat.ui.global_hotkey import (
    DEFAULT_QUICK_ASK_KEYS,
    backend_kind,
    load_quick_ask_keys,
    save_quick_ask_keys,
)
from desktop_chat.ui.global_hotkey.keys import (
    CMD_KEY,
    CONTROL_KEY,
    MOD_ALT,
    MOD_CONTROL,
    MOD_NOREPEAT,
    MOD_SHIFT,
    MOD_WIN,
    OPTION_KEY,
    SHIFT_KEY,
    Chord,
    HotkeyError,
    mac_key_code,
    mac_modifiers,
    portal_trigger,
    windows_modifiers,
    windows_virtual_key,
    x11_keysym_name,
)
from desktop_chat.ui.keyboard_settings import KeyboardPage


def test_a_chord_needs_ctrl_alt_or_super_and_a_key_every_platform_names() -> None:
    assert Chord.parse("ctrl+alt+space").portable() == "Ctrl+Alt+Space"
    assert Chord.parse("Super+Shift+K").modifiers == {"meta", "shift"}
    for alone in ("Space", "Shift+K", "F5"):
        with pytest.raises(HotkeyError, match="needs Ctrl, Alt or Super"):
            Chord.parse(alone)
    for bad in ("", "Ctrl+", "Hyper+Space", "Ctrl+F99", "Ctrl+Alt+Ünknown", "Ctrl+K, Ctrl+J"):
        with pytest.raises(HotkeyError):
            Chord.parse(bad)
    with pytest.raises(HotkeyError, match="not a key this shortcut can use"):
        Chord.parse("Ctrl+Alt+Ü")  # no keysym / VK / kVK code on every keyboard


@pytest.mark.parametrize(
    ("keys", "keysym", "trigger"),
    [
        ("Ctrl+Alt+Space", "space", "CTRL+ALT+space"),
        ("Meta+Shift+K", "k", "SHIFT+LOGO+k"),
        ("Ctrl+F12", "F12", "CTRL+F12"),
        ("Alt+PgDown", "Next", "ALT+Next"),
        ("Ctrl+Alt+/", "slash", "CTRL+ALT+slash"),
        ("Ctrl+Alt+7", "7", "CTRL+ALT+7"),
    ],
)
def test_x11_keysyms_and_the_portal_trigger(keys: str, keysym: str, trigger: str) -> None:
    chord = Chord.parse(keys)
    assert x11_keysym_name(chord) == keysym
    assert portal_trigger(chord) == trigger  # the XDG shortcuts spec: xkb keysym names


@pytest.mark.parametrize(
    ("keys", "modifiers", "virtual_key"),
    [
        ("Ctrl+Alt+Space", MOD_CONTROL | MOD_ALT, 0x20),
        ("Meta+Shift+K", MOD_WIN | MOD_SHIFT, 0x4B),
        ("Ctrl+F24", MOD_CONTROL, 0x87),
        ("Alt+Left", MOD_ALT, 0x25),
        ("Ctrl+Alt+/", MOD_CONTROL | MOD_ALT, 0xBF),  # VK_OEM_2
        ("Ctrl+Alt+0", MOD_CONTROL | MOD_ALT, 0x30),
    ],
)
def test_windows_register_hotkey_codes(keys: str, modifiers: int, virtual_key: int) -> None:
    chord = Chord.parse(keys)
    assert windows_modifiers(chord) == modifiers | MOD_NOREPEAT
    assert windows_virtual_key(chord) == virtual_key


@pytest.mark.parametrize(
    ("keys", "modifiers", "key_code"),
    [
        ("Ctrl+Alt+Space", CMD_KEY | OPTION_KEY, 0x31),  # Qt's Ctrl is Command on macOS
        ("Meta+Shift+K", CONTROL_KEY | SHIFT_KEY, 0x28),  # and Meta is Control
        ("Ctrl+A", CMD_KEY, 0x00),
        ("Ctrl+F1", CMD_KEY, 0x7A),
        ("Ctrl+F20", CMD_KEY, 0x5A),
        ("Alt+Up", OPTION_KEY, 0x7E),
        ("Ctrl+Alt+5", CMD_KEY | OPTION_KEY, 0x17),
    ],
)
def test_macos_carbon_codes(keys: str, modifiers: int, key_code: int) -> None:
    chord = Chord.parse(keys)
    assert mac_modifiers(chord) == modifiers
    assert mac_key_code(chord) == key_code
    with pytest.raises(HotkeyError):
        mac_key_code(Chord.parse("Ctrl+F21"))  # Carbon has no kVK_F21


def test_the_backend_is_chosen_by_the_platform_at_run_time() -> None:
    assert backend_kind("win32", "windows", {}) == "windows"
    assert backend_kind("darwin", "cocoa", {}) == "macos"
    assert backend_kind("linux", "xcb", {"DISPLAY": ":0"}) == "x11"
    # XWayland: an X11 app grabs as on X11, even on a Wayland desktop.
    assert backend_kind("linux", "xcb", {"DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}) == "x11"
    assert backend_kind("linux", "wayland", {"WAYLAND_DISPLAY": "wayland-0"}) == "portal"
    assert backend_kind("linux", "offscreen", {"WAYLAND_DISPLAY": "wayland-0"}) == ""
    assert backend_kind("linux", "offscreen", {}) == ""


def test_the_keys_are_saved_and_a_damaged_value_falls_back(tmp_path) -> None:
    store = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    assert load_quick_ask_keys(store) == DEFAULT_QUICK_ASK_KEYS
    save_quick_ask_keys(store, "Ctrl+Alt+K")
    again = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    assert load_quick_ask_keys(again) == "Ctrl+Alt+K"
    again.setValue("keyboard/quick_ask", "Shift+K")  # no longer allowed: the default
    assert load_quick_ask_keys(again) == DEFAULT_QUICK_ASK_KEYS


def test_the_keyboard_page_checks_the_system_wide_row(qtbot) -> None:
    page = KeyboardPage({})
    qtbot.addWidget(page)
    held = {"Ctrl+Alt+H"}
    page.quick_ask.attach(
        "Ctrl+Alt+Space",
        lambda keys: f"another program already uses {keys}" if keys in held else "",
        available=True,
    )
    edit = page.quick_ask.edit
    assert edit.keySequence().toString() == "Ctrl+Alt+Space"
    assert not page.quick_ask.reset_button.isEnabled()
    with qtbot.waitSignal(page.valid_changed) as valid:
        edit.setKeySequence(QKeySequence("Shift+K"))
    assert valid.args == [False]
    assert "needs Ctrl, Alt or Super" in page.problems.text()
    edit.setKeySequence(QKeySequence("Ctrl+N"))  # the window's "new session"
    assert "Ctrl+N is set for “new session” too" in page.problems.text()
    edit.setKeySequence(QKeySequence("Ctrl+Alt+H"))
    assert "Quick ask: another program already uses Ctrl+Alt+H." in page.problems.text()
    with qtbot.waitSignal(page.valid_changed) as valid:
        edit.setKeySequence(QKeySequence("Ctrl+Alt+K"))
    assert valid.args == [True] and page.quick_ask.keys() == "Ctrl+Alt+K"
    assert page.quick_ask.reset_button.isEnabled()
    page.quick_ask.reset_button.click()
    assert page.quick_ask.keys() == DEFAULT_QUICK_ASK_KEYS


def test_without_a_platform_backend_the_row_points_to_the_note(qtbot) -> None:
    page = KeyboardPage({})
    qtbot.addWidget(page)
    page.quick_ask.attach("Ctrl+Alt+Space", lambda keys: "", available=False)
    assert not page.quick_ask.edit.isEnabled()
    assert "Settings → Desktop says how to bind one yourself" in page.quick_ask.hint.text()


def test_the_windows_and_macos_backends_load_on_any_system() -> None:
    """Only that they import and pick their keys' codes before any native call: user32 and
    Carbon are not here, so nothing of them runs (see their docstrings)."""
    from desktop_chat.ui.global_hotkey.macos import MacHotkey, four_cc
    from desktop_chat.ui.global_hotkey.windows import WindowsHotkey

    assert four_cc("keyb") == 0x6B657962  # Carbon's kEventClassKeyboard
    for backend in (WindowsHotkey("Shift+K"), MacHotkey("Shift+K")):
        assert not backend.grab() and "needs Ctrl, Alt or Super" in backend.error
        assert not backend.active
