"""The one keyboard map: the window binds it, Ctrl+/ shows it, and the README is generated from it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QKeySequence

translate = QCoreApplication.translate


@dataclass(frozen=True)
class Shortcut:
    action: str  # a stable action id (MainWindow._action_table maps it; "" = a widget handles it)
    keys: tuple[str, ...]  # QKeySequence strings; "Ctrl" becomes Cmd on macOS
    # In English, as the README shows them; the window shows shown_label() / shown_description()
    # (scripts/update-translations collects these texts from the Shortcut(...) rows below).
    label: str  # how the keys are shown to people
    description: str
    scope: str = "window"  # "window", or "sessions": only while the session list has focus


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("", (), "Enter / Shift+Enter", "send / new line"),
    Shortcut("stop_reply", ("Esc",), "Esc", "stop the reply being generated"),
    Shortcut("new_session", ("Ctrl+N",), "Ctrl+N", "new session"),
    Shortcut("end_session", ("Ctrl+E",), "Ctrl+E", "end session: summarize it and start fresh"),
    Shortcut("focus_search", ("Ctrl+K",), "Ctrl+K", "search sessions"),
    Shortcut("focus_composer", ("Ctrl+L",), "Ctrl+L", "focus the composer"),
    Shortcut("next_session", ("Ctrl+Tab",), "Ctrl+Tab", "next session"),
    Shortcut("previous_session", ("Ctrl+Shift+Tab",), "Ctrl+Shift+Tab", "previous session"),
    Shortcut(
        "regenerate", ("Ctrl+R",), "Ctrl+R", "regenerate the last reply (or retry after an error)"
    ),
    Shortcut("", (), "Up (in an empty composer)", "edit the last message (Esc cancels)"),
    Shortcut(
        "previous_version",
        ("Alt+Left",),
        "Alt+Left / Alt+Right",
        "previous / next version of the last message that has versions",
    ),
    Shortcut("next_version", ("Alt+Right",), "", ""),
    Shortcut("copy_last_reply", ("Ctrl+Shift+C",), "Ctrl+Shift+C", "copy the last reply"),
    Shortcut("rename_session", ("F2",), "F2", "rename the selected session"),
    Shortcut(
        "delete_session",
        ("Delete",),
        "Delete",
        "delete the selected session (asks first)",
        scope="sessions",
    ),
    Shortcut("open_settings", ("Ctrl+,",), "Ctrl+,", "settings"),
    Shortcut("zoom_in", ("Ctrl+=", "Ctrl++"), "Ctrl+= / Ctrl+-", "larger / smaller text"),
    Shortcut("zoom_out", ("Ctrl+-",), "", ""),
    Shortcut("show_shortcuts", ("Ctrl+/",), "Ctrl+/", "show all shortcuts"),
    Shortcut("toggle_sidebar", ("Ctrl+B",), "Ctrl+B", "show / hide the sidebar"),
    Shortcut(
        "command_palette",
        ("Ctrl+Shift+P",),
        "Ctrl+Shift+P",
        "command palette (every action and session)",
    ),
    Shortcut("quit", ("Ctrl+Q",), "Ctrl+Q", "quit"),
)


def markdown_table() -> str:
    rows = ["| keys | action |", "|---|---|"]
    rows += [f"| {s.label} | {s.description} |" for s in SHORTCUTS if s.label]
    return "\n".join(rows)


def shown_label(label: str) -> str:
    """The keys as the window's language names them ("Strg+N", "Entf"), each part of
    "A / B" through Qt's own key names; a phrase ("Up (in an empty composer)") translated."""
    if QLocale().language() in (QLocale.Language.English, QLocale.Language.C):
        return label  # the table's own spelling ("Delete", not Qt's "Del")
    parts = []
    for part in label.split(" / "):
        keys = QKeySequence(part)
        if keys.count() == 1 and " " not in part:
            parts.append(keys.toString(QKeySequence.SequenceFormat.NativeText))
        else:
            parts.append(translate("Shortcuts", part))
    return " / ".join(parts)


def shown_description(shortcut: Shortcut) -> str:
    return translate("Shortcuts", shortcut.description) if shortcut.description else ""
