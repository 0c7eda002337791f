"""The command palette (Ctrl+Shift+P): every action of the shortcut table and every session,
fuzzy matched; keys and mouse choose; what is chosen runs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop_chat.ui.shortcuts import SHORTCUTS
from tests.ui_helpers import ChatApp

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_palette(qtbot, chat: ChatApp):
    qtbot.keyClick(chat.composer, Qt.Key.Key_P, CTRL_SHIFT)
    palette = chat.window.palette
    qtbot.waitUntil(palette.isVisible, timeout=3_000)
    assert palette.search.hasFocus()
    return palette


def test_it_lists_every_action_with_its_key_and_every_session(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.send_and_wait("Plan a garden party")
    chat.window.new_session()
    chat.send_and_wait("Fix the kitchen tap")
    palette = open_palette(qtbot, chat)
    entries = palette.shown_entries
    actions = {e.target: e for e in entries if e.kind == "action"}
    bound = {s.action for s in SHORTCUTS if s.action} - {"command_palette"}
    assert set(actions) == bound
    for shortcut in SHORTCUTS:
        if shortcut.action in actions:
            native = QKeySequence(shortcut.keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
            assert actions[shortcut.action].detail == native
    titles = {e.title for e in entries if e.kind == "session"}
    assert titles == {s.display_title for s in chat.window.sessions.model.sessions}
    assert len(titles) == 2
    qtbot.keyClick(chat.window, Qt.Key.Key_P, CTRL_SHIFT)  # again while open: still one palette
    assert palette.isVisible() and palette.search.hasFocus()
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    assert not palette.isVisible()
    assert not chat.window.busy  # Esc went to the palette, not to "stop the reply"
    chat.close()


def test_typing_filters_and_enter_runs_the_action(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.send_and_wait("Hello there")
    assert chat.window.current_session_id is not None
    palette = open_palette(qtbot, chat)
    qtbot.keyClicks(palette.search, "new ses")
    assert palette.shown_entries[0].target == "new_session"
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert chat.window.current_session_id is None  # the new session started
    assert chat.window.composer.status.text() == "New session."

    palette = open_palette(qtbot, chat)
    qtbot.keyClicks(palette.search, "zzzzqqq")
    assert palette.shown_entries == []
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)  # nothing to run: nothing happens
    assert palette.isVisible()
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    chat.close()


def test_up_down_and_enter_open_a_session(qtbot, run, groq_server, isolated_environment) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.send_and_wait("Plan a garden party")
    first = chat.window.current_session_id
    chat.window.new_session()
    chat.send_and_wait("Garden tools to buy")
    second = chat.window.current_session_id
    palette = open_palette(qtbot, chat)
    qtbot.keyClicks(palette.search, "garden")
    shown = [e.target for e in palette.shown_entries]
    assert set(shown) == {first, second}
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)
    assert palette.list.currentRow() == 1
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)
    assert palette.list.currentRow() == 0  # wraps around
    qtbot.keyClick(palette.search, Qt.Key.Key_Up)
    target = palette.shown_entries[palette.list.currentRow()].target
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chat.window.current_session_id == target, timeout=5_000)
    assert chat.items[0].text in ("Plan a garden party", "Garden tools to buy")
    chat.close()


def test_a_click_runs_an_entry_and_a_click_elsewhere_closes_it(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    palette = open_palette(qtbot, chat)
    qtbot.keyClicks(palette.search, "settings")
    row = next(r for r, e in enumerate(palette.shown_entries) if e.target == "open_settings")
    rect = palette.list.visualItemRect(palette.list.item(row))
    qtbot.mouseClick(palette.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: (
            chat.window.settings_ctl.settings_dialog is not None
            and chat.window.settings_ctl.settings_dialog.isVisible()
        ),
        timeout=3_000,
    )
    assert not palette.isVisible()
    chat.window.settings_ctl.settings_dialog.reject()

    palette = open_palette(qtbot, chat)
    chat.window.sessions.search.setFocus()  # e.g. a click in the sidebar
    qtbot.waitUntil(lambda: not palette.isVisible(), timeout=3_000)
    chat.close()


def test_a_session_title_is_shown_as_plain_text(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.send_and_wait("<b>bold</b> <img src=x> & title")
    palette = open_palette(qtbot, chat)
    qtbot.keyClicks(palette.search, "bold")
    entry = palette.shown_entries[0]
    assert entry.kind == "session" and "<b>" in entry.title  # kept as typed, never markup
    chat.close()
