"""The shortcut table in the window: each action id bound to its handler as a QAction, and the
two places that list them, the Ctrl+/ overlay and the command palette (Ctrl+Shift+P)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence

from desktop_chat.ui.command_palette import PaletteEntry, action_entries
from desktop_chat.ui.dialogs import ShortcutsDialog
from desktop_chat.ui.shortcuts import SHORTCUTS, Shortcut, shown_description

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

Handler = Callable[[], object]


class KeyboardController:
    def __init__(self, window: MainWindow, shortcuts: tuple[Shortcut, ...] = SHORTCUTS):
        self.window = window
        self.shortcuts = shortcuts
        self.actions: dict[str, QAction] = {}  # by action id, once bound
        window.palette.chosen.connect(self._palette_chosen)

    def bind(self, handlers: dict[str, Handler]) -> None:
        """One QAction per table row with an action id, triggering its handler. An id without
        a handler is a KeyError here, when the window is built, not a key that silently does
        nothing."""
        window = self.window
        bound: dict[str, QAction] = {}
        for shortcut in self.shortcuts:
            if not shortcut.action:
                continue  # handled by a widget (Enter, Up)
            handler = handlers[shortcut.action]
            action = QAction(shown_description(shortcut) or shortcut.action, window)
            action.setShortcuts([QKeySequence(k) for k in shortcut.keys])
            if shortcut.scope == "sessions":
                # Delete must keep deleting text in the composer and the search box.
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                window.sessions.list.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(action)
            action.triggered.connect(handler)
            bound[shortcut.action] = action
        self.actions = bound

    def show_overlay(self) -> None:
        """Ctrl+/: every row of the table that has a label."""
        ShortcutsDialog(tuple(s for s in self.shortcuts if s.label), self.window).open()

    def command_palette(self) -> None:
        window = self.window
        entries = action_entries(
            self.shortcuts, lambda name: name in self.actions and name != "command_palette"
        )
        session = QCoreApplication.translate("CommandPalette", "session")  # the row's muted tag
        entries += [
            PaletteEntry("session", s.display_title, session, s.session_id)
            for s in window.sessions.model.sessions
        ]
        window.palette.set_theme(window.theme)
        window.palette.open_with(entries)

    def _palette_chosen(self, entry: PaletteEntry) -> None:
        window = self.window
        window.composer.edit.setFocus()  # where the focus goes unless the action moves it
        if entry.kind == "session":
            window._spawn(window.open_session(entry.target))
        elif entry.target in self.actions:
            self.actions[entry.target].trigger()
