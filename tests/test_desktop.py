"""The desktop citizen, offscreen: the tray's logic (keep running when closed, notices), the
quick-ask window, the hotkey's parsing and fallback note, and `desktop-chat --quick-ask`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.global_hotkey import (
    GlobalHotkey,
    HotkeyError,
    install_quick_ask_hotkey,
    parse_hotkey,
)
from desktop_chat.ui.preferences import Preferences
from desktop_chat.ui.transcript import Role
from desktop_chat.ui.tray import Tray, notice_text
from tests.support.app_process import AppProcess
from tests.ui_helpers import ChatApp

LONG_REPLY = (
    "# Result\n\nThe **answer** is in `three` parts: first, the soil must drain well; "
    "second, the seeds go in after the last frost; third, water them every morning."
)


def test_a_notice_is_the_reply_s_first_words_as_plain_text() -> None:
    text = notice_text(LONG_REPLY)
    assert text.startswith("Result The answer is in three parts")
    assert len(text) <= 101 and text.endswith("…")
    assert "**" not in text and "#" not in text
    assert (
        notice_text("see [the docs](http://evil.example) <b>now</b> & then")
        == "see the docs ‹b›now‹/b› ＆ then"
    )  # no markup, no link survives
    assert notice_text("short\n\nreply") == "short reply"


def send_while_hidden(qtbot, chat: ChatApp, text: str) -> None:
    chat.window.composer.edit.setPlainText(text)
    chat.window.replies.submit()
    chat.wait_idle()


def test_closing_keeps_the_app_in_the_tray_when_chosen_and_quit_quits(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    window = chat.window
    window.tray = Tray(window)
    window.tray.show()
    closings = []
    window.closing.connect(lambda: closings.append(True))
    assert Preferences().keep_in_tray is False  # off by default

    # Off: closing the window closes it (the app quits).
    window.close()
    assert closings == [True] and not window.isVisible()
    window.show()
    closings.clear()

    # Chosen in Settings, saved, and in effect: closing only hides the window.
    window.settings_ctl.open_settings()
    dialog = window.settings_ctl.settings_dialog
    dialog.keep_in_tray.setChecked(True)
    dialog.accept()
    stored = QSettings(str(isolated_environment / "preferences.ini"), QSettings.Format.IniFormat)
    assert Preferences.load(stored).keep_in_tray is True
    Preferences(keep_in_tray=False).save(stored)
    assert (
        Preferences.load(QSettings(stored.fileName(), QSettings.Format.IniFormat)).keep_in_tray
        is False
    )  # "false" in the file reads back as off
    Preferences(keep_in_tray=True).save(stored)
    window.close()
    assert closings == [] and not window.isVisible()

    # A reply that finishes while hidden is announced in the tray.
    groq_server.reply_text = LONG_REPLY
    with qtbot.waitSignal(window.tray.notified, timeout=10_000) as notice:
        send_while_hidden(qtbot, chat, "How do I plant it?")
    assert notice.args[1] == notice_text(LONG_REPLY)

    # The tray's Show brings it back; its Quit really quits even so.
    window.tray._name_show_action()
    assert window.tray.show_action.text() == "Show window"
    window.tray.show_action.trigger()
    assert window.isVisible()
    quit_action = next(a for a in window.tray.menu.actions() if a.text() == "Quit")
    quit_action.trigger()
    assert closings == [True] and not window.isVisible()
    window.tray.hide()
    chat.close()


def test_no_notice_while_the_window_is_in_front(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    window = chat.window
    window.tray = Tray(window)
    window.tray.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3_000)
    notices = []
    window.tray.notified.connect(lambda title, text: notices.append(text))
    chat.send_and_wait("Hi")
    assert notices == []
    window.hide()
    send_while_hidden(qtbot, chat, "Hi again")
    assert notices == [notice_text(groq_server.reply_text)]
    window.tray.hide()
    chat.close()


def test_the_tray_menu_offers_show_new_chat_quick_ask_and_quit(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    window = chat.window
    tray = Tray(window)
    assert [a.text() for a in tray.menu.actions() if not a.isSeparator()] == [
        "Hide window",
        "New chat",
        "Quick ask",
        "Quit",
    ]
    chat.send_and_wait("Hello")
    next(a for a in tray.menu.actions() if a.text() == "New chat").trigger()
    assert window.current_session_id is None and window.isVisible()
    next(a for a in tray.menu.actions() if a.text() == "Quick ask").trigger()
    assert window.quick_ask_window.isVisible()
    window.quick_ask_window.dismiss()
    chat.close()


def test_quick_ask_streams_an_answer_and_continues_in_the_main_window(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    window = chat.window
    groq_server.reply_text = "Paris is the capital of **France**."
    window.quick_ask()
    quick = window.quick_ask_window
    assert quick.isVisible()
    qtbot.waitUntil(quick.input.hasFocus, timeout=3_000)
    assert quick.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    qtbot.keyClicks(quick.input, "Capital of France?")
    qtbot.keyClick(quick.input, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: quick.reply_task is not None and quick.reply_task.done(), timeout=10_000
    )
    assert [(i.role, i.text) for i in quick.model.items] == [
        (Role.USER, "Capital of France?"),
        (Role.ASSISTANT, "Paris is the capital of **France**."),
    ]
    assert quick.input.text() == ""
    # Stored as a session of its own, listed in the main window, which kept its own state.
    assert window.current_session_id is None
    assert quick.session_id in [s.session_id for s in window.sessions.model.sessions]

    window.quick_ask()  # the shortcut again while it is shown: the answer stays
    assert len(quick.model.items) == 2

    qtbot.mouseClick(quick.open_in_main, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_session_id == quick.session_id, timeout=5_000)
    assert not quick.isVisible() and window.isVisible()
    assert [i.text for i in chat.items] == [
        "Capital of France?",
        "Paris is the capital of **France**.",
    ]

    # Opened again: a fresh question; Esc dismisses it.
    window.quick_ask()
    assert quick.model.items == []
    qtbot.waitUntil(quick.input.hasFocus, timeout=3_000)
    qtbot.keyClick(quick.input, Qt.Key.Key_Escape)
    assert not quick.isVisible()
    chat.close()


def test_quick_ask_keeps_a_question_it_cannot_send(qtbot, run, isolated_environment) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, None, key=None)
    chat.window.settings_ctl.key_dialog.reject()
    chat.window.quick_ask()
    quick = chat.window.quick_ask_window
    qtbot.keyClicks(quick.input, "Anything?")
    qtbot.keyClick(quick.input, Qt.Key.Key_Return)
    assert quick.input.text() == "Anything?"
    assert "API key" in quick.status.text()
    quick.input.setText("   ")
    qtbot.keyClick(quick.input, Qt.Key.Key_Return)
    assert quick.status.text() and quick.model.items == []
    quick.dismiss()
    chat.close()


def test_a_failed_answer_keeps_the_question(qtbot, run, groq_server, isolated_environment) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    groq_server.fail_next("503")
    chat.window.quick_ask()
    quick = chat.window.quick_ask_window
    qtbot.keyClicks(quick.input, "Will this work?")
    qtbot.keyClick(quick.input, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: quick.reply_task is not None and quick.reply_task.done(), timeout=15_000
    )
    # The question, then the error: the reply that never began leaves no empty bubble.
    assert [item.role for item in quick.model.items] == [Role.USER, Role.ERROR]
    assert quick.transcript.model().rowCount() == 2
    assert quick.input.text() == "Will this work?"  # nothing typed is lost
    quick.dismiss()
    chat.close()


def test_hotkeys_parse() -> None:
    assert parse_hotkey("Ctrl+Alt+Space") == (frozenset({"control", "alt"}), "space")
    assert parse_hotkey("Super+Shift+K") == (frozenset({"super", "shift"}), "k")
    assert parse_hotkey("ctrl+F12") == (frozenset({"control"}), "F12")
    for bad in ("Space", "Ctrl+", "Hyper+Space", "Ctrl+Alt+Ünknown", "Ctrl+F99"):
        with pytest.raises(HotkeyError):
            parse_hotkey(bad)


def test_without_x11_settings_says_how_to_bind_the_command(
    qtbot, run, groq_server, isolated_environment
) -> None:
    assert QApplication.platformName() == "offscreen"
    assert GlobalHotkey().grab() is False
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    assert not install_quick_ask_hotkey(chat.window).active
    chat.window.settings_ctl.open_settings()
    note = chat.window.settings_ctl.settings_dialog.quick_ask_note
    assert "desktop-chat --quick-ask" in note.text() and "X11" in note.text()
    assert note.textFormat() == Qt.TextFormat.PlainText
    chat.window.settings_ctl.settings_dialog.reject()
    chat.close()


def test_quick_ask_command_opens_the_running_app_s_window(tmp_path: Path, groq_server) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    first = AppProcess(home, data, groq=groq_server, quit_file=tmp_path / "quit")
    try:
        first.wait_for("ready")
        second = AppProcess(home, data, groq=groq_server, args=["--quick-ask"], quit=True)
        try:
            assert second.wait(timeout=30) == 0
        finally:
            second.close()
        assert not any(e["event"] == "ready" for e in second.events)
        opened = first.wait_for("quick_ask", timeout=10)
        assert opened["visible"] is True and opened["focused"] is True
        logged = "".join(f.read_text(errors="replace") for f in home.rglob("*.log*") if f.is_file())
        assert "asked it for its quick-ask window" in logged + second.stderr
    finally:
        (tmp_path / "quit").write_text("")
        first.close()
