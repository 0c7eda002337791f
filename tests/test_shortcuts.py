"""The one shortcut table: the README and the Ctrl+/ overlay are generated from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop_chat.ui.shortcuts import SHORTCUTS, Shortcut

ROOT = Path(__file__).resolve().parents[1]


def test_readme_table_is_generated_from_the_code_table() -> None:
    spec = importlib.util.spec_from_file_location(
        "update_readme", ROOT / "scripts" / "update-readme.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.updated(readme) == readme, "run scripts/update-readme.py"
    for shortcut in (s for s in SHORTCUTS if s.label):
        assert f"| {shortcut.label} | {shortcut.description} |" in readme


def test_keys_parse_and_do_not_collide() -> None:
    keys = [key for s in SHORTCUTS for key in s.keys]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert not QKeySequence(key).isEmpty(), key


def test_every_bound_action_exists_on_the_window(
    qtbot, run, groq_server, isolated_environment
) -> None:
    from tests.ui_helpers import ChatApp

    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    missing = [
        s.action for s in SHORTCUTS if s.action and s.action not in chat.window.keyboard.actions
    ]
    assert missing == []
    qtbot.keyClick(chat.composer, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    from PySide6.QtWidgets import QApplication

    from desktop_chat.ui.dialogs import ShortcutsDialog

    qtbot.waitUntil(
        lambda: any(
            isinstance(w, ShortcutsDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutsDialog))
    shown = dialog.rows()
    assert shown == [(s.label, s.description) for s in SHORTCUTS if s.label]
    dialog.close()
    chat.close()


def test_the_window_maps_every_action_id_to_a_callable_and_an_unknown_id_fails(
    qtbot, run, groq_server, isolated_environment
) -> None:
    from desktop_chat.ui.keyboard import KeyboardController, UnknownAction, check_handlers
    from tests.ui_helpers import ChatApp

    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    table = chat.window._action_table()
    check_handlers(SHORTCUTS, table)  # the same ids, each with a callable
    assert all(callable(handler) for handler in table.values())
    renamed = (*SHORTCUTS, Shortcut("no_such_action", ("Ctrl+Alt+F12",), "", ""))
    with pytest.raises(UnknownAction, match="no_such_action"):
        KeyboardController(chat.window, renamed).bind(table)
    with pytest.raises(UnknownAction, match="open_settings"):
        check_handlers(SHORTCUTS, {k: v for k, v in table.items() if k != "open_settings"})
    # The binding runs the mapped callable: Ctrl+, opens Settings through the table.
    chat.window.keyboard.actions["open_settings"].trigger()
    qtbot.waitUntil(lambda: chat.window.settings_ctl.settings_dialog is not None)
    chat.window.settings_ctl.settings_dialog.reject()
    chat.close()
