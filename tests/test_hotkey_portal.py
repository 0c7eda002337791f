"""Wayland's quick-ask shortcut through the desktop portal's GlobalShortcuts, against a loopback
portal (tests/support/fake_portal.py) on a private dbus-daemon: the real D-Bus wire, the real
interface's methods, Request/Response signals and Activated."""

from __future__ import annotations

import os

import pytest

from desktop_chat.ui.global_hotkey import install_quick_ask_hotkey, save_quick_ask_keys
from tests.support.fake_portal import FakePortal, PrivateSessionBus
from tests.ui_helpers import ChatApp


@pytest.fixture
def session_bus(monkeypatch):
    bus = PrivateSessionBus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    yield bus
    bus.close()


@pytest.fixture
def portal(session_bus):
    portal = FakePortal(session_bus)
    yield portal
    portal.close()


def called(portal: FakePortal, member: str) -> list[tuple]:
    return [body for name, body in portal.calls if name == member]


def test_the_portal_binds_the_keys_and_its_activation_opens_quick_ask(
    qtbot, run, isolated_environment, groq_server, portal, monkeypatch
) -> None:
    monkeypatch.delenv("XDG_ACTIVATION_TOKEN", raising=False)
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    window = chat.window
    save_quick_ask_keys(chat.preferences, "Ctrl+Alt+K")  # the user's keys, not the default
    hotkey = install_quick_ask_hotkey(window, kind="portal")
    qtbot.waitUntil(lambda: hotkey.active, timeout=5_000)
    (options,) = called(portal, "CreateSession")[0]
    assert {"handle_token", "session_handle_token"} <= set(options)
    session, shortcuts, _parent, bind_options = called(portal, "BindShortcuts")[0]
    assert session in portal.sessions and "handle_token" in bind_options
    assert [(i, info["preferred_trigger"]) for i, info in shortcuts] == [
        ("quick-ask", ("s", "CTRL+ALT+k"))
    ]
    # The desktop's own words for what it bound.
    assert window.quick_ask_note.startswith("CTRL+ALT+k opens the quick-ask window from anywhere")

    window.hide()  # e.g. in the tray
    assert window.quick_ask_window is None
    portal.activate("some-other-apps-shortcut")
    portal.activate("quick-ask", activation_token="token-from-the-compositor")
    qtbot.waitUntil(
        lambda: window.quick_ask_window is not None and window.quick_ask_window.isVisible(),
        timeout=5_000,
    )
    # Handed to Qt's Wayland plugin, which activates the window with it (xdg-activation).
    assert os.environ.get("XDG_ACTIVATION_TOKEN") == "token-from-the-compositor"
    window.quick_ask_window.dismiss()

    # Other keys chosen in the desktop's own settings: the note names them.
    portal.change_trigger("Super+Q")
    qtbot.waitUntil(lambda: window.quick_ask_note.startswith("Super+Q opens"), timeout=5_000)

    hotkey.release()  # on quit: the session is closed
    qtbot.waitUntil(lambda: portal.closed == [session], timeout=5_000)
    chat.close()


def test_a_portal_without_global_shortcuts_leaves_the_note(
    qtbot, run, isolated_environment, groq_server, session_bus
) -> None:
    portal = FakePortal(session_bus, global_shortcuts=False)
    try:
        chat = ChatApp(qtbot, run, isolated_environment, groq_server)
        hotkey = install_quick_ask_hotkey(chat.window, kind="portal")
        assert not hotkey.active
        assert called(portal, "Get") and not called(portal, "CreateSession")
        note = chat.window.quick_ask_note
        assert "this desktop's portal has no global shortcuts" in note
        assert "desktop-chat --quick-ask" in note
        chat.close()
    finally:
        portal.close()


def test_a_declined_shortcut_says_so_and_how_to_bind_the_command(
    qtbot, run, isolated_environment, groq_server, session_bus
) -> None:
    portal = FakePortal(session_bus, decline=True)
    try:
        chat = ChatApp(qtbot, run, isolated_environment, groq_server)
        hotkey = install_quick_ask_hotkey(chat.window, kind="portal")
        assert "Asking the desktop for Ctrl+Alt+Space" in chat.window.quick_ask_note
        qtbot.waitUntil(lambda: "declined" in chat.window.quick_ask_note, timeout=5_000)
        assert not hotkey.active and "desktop-chat --quick-ask" in chat.window.quick_ask_note
        qtbot.waitUntil(lambda: bool(portal.closed), timeout=5_000)  # the unused session
        chat.close()
    finally:
        portal.close()


def test_no_session_bus_leaves_the_note(
    qtbot, run, isolated_environment, groq_server, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    hotkey = install_quick_ask_hotkey(chat.window, kind="portal")
    assert not hotkey.active and "no D-Bus session bus" in chat.window.quick_ask_note
    chat.close()
