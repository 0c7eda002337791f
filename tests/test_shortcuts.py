"""The one shortcut table: the README and the Ctrl+/ overlay are generated from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop_chat.ui.shortcuts import SHORTCUTS

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
