"""Rebindable shortcuts (issue 15 item 4): Settings → Keyboard lists the one shortcut table; a
row is rebound by pressing keys, or reset; clashes are named before saving; the binding takes
effect at once and after a restart; Ctrl+/ and the command palette show it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.dialogs import ShortcutsDialog
from desktop_chat.ui.keyboard_settings import KeyboardPage
from desktop_chat.ui.preferences import BINDINGS_KEY, load_bindings
from desktop_chat.ui.shortcuts import (
    SHORTCUTS,
    editing_keys,
    find_conflicts,
    rebindable,
    shown_rows,
)
from tests.ui_helpers import ChatApp

X11_EDITING = {"Ctrl+E": "end of line", "Ctrl+K": "delete to the end of line"}


def test_clashes_are_named_with_both_sides(qapp) -> None:
    assert find_conflicts({}, X11_EDITING) == []  # the defaults, Ctrl+E and Ctrl+K included
    [clash] = find_conflicts({"new_session": ("Ctrl+K",)}, {})
    assert "Ctrl+K" in clash and "new session" in clash and "search sessions" in clash
    # Moving search away first frees its key.
    assert find_conflicts({"new_session": ("Ctrl+K",), "focus_search": ("Ctrl+F",)}, {}) == []
    moved = {"end_session": ("Ctrl+Shift+E",), "quit": ("Ctrl+E",)}
    [editing] = find_conflicts(moved, X11_EDITING)
    assert "end of line in the composer" in editing and "quit" in editing
    assert "Ctrl+E" in "".join(find_conflicts({"end_session": ("Ctrl+E",)}, X11_EDITING))
    assert "types a character" in find_conflicts({"quit": ("J",)}, {})[0]
    assert "send" in find_conflicts({"quit": ("Return",)}, {})[0]
    # The platform's own table, asked at run time: select all and copy are always there.
    platform = editing_keys()
    assert platform["Ctrl+A"] == "select all" and platform["Ctrl+C"] == "copy"
    assert "select all" in find_conflicts({"quit": ("Ctrl+A",)})[0]


def test_saved_bindings_survive_a_damaged_or_older_file(tmp_path) -> None:
    from PySide6.QtCore import QSettings

    store = QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    store.setValue(BINDINGS_KEY, '{"quit": ["ctrl+j"], "gone_action": ["Ctrl+M"], "zoom_in": 3}')
    assert load_bindings(store) == {"quit": ("Ctrl+J",)}
    store.setValue(BINDINGS_KEY, "not json")
    assert load_bindings(store) == {}


def test_the_overlay_rows_show_the_users_keys(qapp) -> None:
    rows = shown_rows({"next_version": ("Ctrl+]",), "quit": ()})
    labels = {s.description: s.label for s in rows}
    assert labels["previous / next version of the last message that has versions"] == (
        "Alt+Left / Ctrl+]"
    )
    assert labels["quit"] == "(no key)"
    assert labels["new session"] == "Ctrl+N"
    assert shown_rows({}) == tuple(s for s in SHORTCUTS if s.label)


def test_the_page_lists_every_action_names_a_clash_and_resets(qtbot) -> None:
    page = KeyboardPage({})
    qtbot.addWidget(page)
    assert list(page.edits) == [s.action for s in rebindable()]
    changes: list[bool] = []
    page.valid_changed.connect(changes.append)
    edit = page.edits["new_session"]
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # pressed, for real
    qtbot.waitUntil(lambda: page.bindings() == {"new_session": ("Ctrl+K",)})
    assert changes[-1] is False
    assert "search sessions" in page.problems.text() and "Ctrl+K" in page.problems.text()
    page.set_keys("focus_search", "Ctrl+F")
    assert changes[-1] is True and "search sessions" not in page.problems.text()
    page.reset("focus_search")
    assert changes[-1] is False and page.bindings() == {"new_session": ("Ctrl+K",)}
    page.resets["new_session"].click()
    assert page.bindings() == {} and changes[-1] is True
    assert page.edits["new_session"].keySequence().toString() == "Ctrl+N"


@pytest.fixture
def chat(qtbot, run, groq_server, isolated_environment):
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    yield app
    app.close()


def rebind_in_settings(chat: ChatApp, qtbot, action: str, key: str) -> None:
    chat.window.settings_ctl.open_settings()
    dialog = chat.window.settings_ctl.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.show_section("Keyboard")
    dialog.keyboard.set_keys(action, key)
    save = dialog.buttons.buttons()[0]
    assert save.isEnabled(), dialog.keyboard.problems.text()
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_clash_keeps_save_off_until_it_is_fixed(chat, qtbot) -> None:
    chat.window.settings_ctl.open_settings()
    dialog = chat.window.settings_ctl.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    save = dialog.buttons.buttons()[0]
    assert save.isEnabled()
    dialog.keyboard.set_keys("toggle_sidebar", "Ctrl+N")
    assert not save.isEnabled()
    assert "new session" in dialog.keyboard.problems.text()
    dialog.keyboard.set_keys("toggle_sidebar", "Ctrl+J")
    assert save.isEnabled()
    dialog.reject()
    assert load_bindings(chat.preferences) == {}  # nothing was saved


def test_a_new_binding_works_at_once_and_after_a_restart(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    sidebar = chat.window.sessions
    assert sidebar.isVisible()
    rebind_in_settings(chat, qtbot, "toggle_sidebar", "Ctrl+J")
    chat.composer.setFocus()
    qtbot.keyClick(chat.composer, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert sidebar.isVisible()  # the old key does nothing any more
    qtbot.keyClick(chat.composer, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not sidebar.isVisible())
    qtbot.keyClick(chat.composer, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(sidebar.isVisible)
    # The overlay and the palette show the user's key.
    chat.window.keyboard.show_overlay()
    overlay = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutsDialog))
    assert ("Ctrl+J", "show / hide the sidebar") in overlay.rows()
    overlay.close()
    chat.window.keyboard.command_palette()
    palette = chat.window.palette
    qtbot.waitUntil(palette.isVisible)
    entry = next(e for e in palette.shown_entries if e.target == "toggle_sidebar")
    assert entry.detail == "Ctrl+J"
    palette.dismiss()
    chat.close()

    again = ChatApp(qtbot, run, isolated_environment, groq_server)
    try:
        panel = again.window.sessions
        assert panel.isVisible()
        again.composer.setFocus()
        qtbot.keyClick(again.composer, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
        assert panel.isVisible()
        qtbot.keyClick(again.composer, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not panel.isVisible())
    finally:
        again.close()
