"""The shortcut table in the window: each action id bound to its handler as a QAction, with the
user's own keys where they rebound it (Settings → Keyboard), and the two places that list
them, the Ctrl+/ overlay and the command palette (Ctrl+Shift+P)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence

from desktop_chat.ui.dialogs import ShortcutsDialog
from desktop_chat.ui.shortcuts import (
    SHORTCUTS,
    Bindings,
    Shortcut,
    keys_for,
    shown_description,
    shown_rows,
)

if TYPE_CHECKING:
    from desktop_chat.ui.command_palette import PaletteEntry
    from desktop_chat.ui.main_window import MainWindow

Handler = Callable[[], object]


class UnknownAction(LookupError):
    """The shortcut table and the window's handlers do not name the same actions."""


def check_handlers(shortcuts: tuple[Shortcut, ...], handlers: dict[str, Handler]) -> None:
    ids = {s.action for s in shortcuts if s.action}
    missing, unused = sorted(ids - handlers.keys()), sorted(handlers.keys() - ids)
    if missing or unused:
        raise UnknownAction(
            f"shortcut actions without a handler: {missing}; handlers for no action: {unused}"
        )


class KeyboardController:
    def __init__(self, window: MainWindow, shortcuts: tuple[Shortcut, ...] = SHORTCUTS):
        self.window = window
        self.shortcuts = shortcuts
        self.actions: dict[str, QAction] = {}  # by action id, once bound
        self.bindings: Bindings = {}  # the rows the user rebound

    def bind(self, handlers: dict[str, Handler]) -> None:
        """One QAction per table row with an action id, triggering its handler. An id without
        a handler, or a handler for no id, fails here, when the window is built, rather than
        leaving a key that silently does nothing."""
        check_handlers(self.shortcuts, handlers)
        window = self.window
        bound: dict[str, QAction] = {}
        for shortcut in self.shortcuts:
            if not shortcut.action:
                continue  # handled by a widget (Enter, Up)
            handler = handlers[shortcut.action]
            action = QAction(shown_description(shortcut) or shortcut.action, window)
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
        self.apply_bindings(self.bindings)

    def apply_bindings(self, bindings: Bindings) -> None:
        """The user's keys from now on: rows not in `bindings` get the table's defaults."""
        self.bindings = dict(bindings)
        for shortcut in self.shortcuts:
            action = self.actions.get(shortcut.action)
            if action is not None:
                keys = keys_for(shortcut, self.bindings)
                action.setShortcuts([QKeySequence(k) for k in keys])

    def show_overlay(self) -> None:
        """Ctrl+/: every row of the table that has a label."""
        ShortcutsDialog(shown_rows(self.bindings, self.shortcuts), self.window).open()

    def command_palette(self) -> None:
        from desktop_chat.ui.command_palette import PaletteEntry, action_entries

        window = self.window
        entries = action_entries(
            self.shortcuts,
            lambda name: name in self.actions and name != "command_palette",
            self.bindings,
        )
        session = QCoreApplication.translate("CommandPalette", "session")  # the row's muted tag
        entries += [
            PaletteEntry("session", s.display_title, session, s.session_id)
            for s in window.sessions.model.sessions
        ]
        window.palette.set_theme(window.theme)
        window.palette.open_with(entries)

    def palette_chosen(self, entry: PaletteEntry) -> None:
        window = self.window
        window.composer.edit.setFocus()  # where the focus goes unless the action moves it
        if entry.kind == "session":
            window._spawn(window.open_session(entry.target))
        elif entry.target in self.actions:
            self.actions[entry.target].trigger()
