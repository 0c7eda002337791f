"""The one keyboard map: the window binds it, Ctrl+/ shows it, and the README is generated from it.

The user may rebind any row with an action id (Settings → Keyboard): `Bindings` holds only the
rows they changed, by action id. `find_conflicts` names what a new binding would clash with:
another action, a key a widget keeps for itself (Enter, Up), or a text-editing key of the
platform (Qt's own table, asked at run time: on X11 that includes Ctrl+E, Ctrl+K and Ctrl+U).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QKeySequence

from desktop_chat.i18n import translatable

translate = QCoreApplication.translate

Bindings = dict[str, tuple[str, ...]]  # action id -> the user's keys (PortableText)


@dataclass(frozen=True)
class Shortcut:
    action: str  # a stable action id (MainWindow._action_table maps it; "" = a widget handles it)
    keys: tuple[str, ...]  # QKeySequence strings; "Ctrl" becomes Cmd on macOS
    # In English, as the README shows them; the window shows shown_label() / shown_description()
    # (scripts/update-translations collects these texts from the Shortcut(...) rows below).
    label: str  # how the keys are shown to people
    description: str
    scope: str = "window"  # "window", or "sessions": only while the session list has focus
    title: str = ""  # the action's own name where `description` covers two rows


SHORTCUTS: tuple[Shortcut, ...] = (
    # In the command palette, Settings → Keyboard and the Web button's tooltip; not in the
    # Ctrl+/ sheet (no label), which must fit 1100x760 without scrolling. First in the table,
    # so the sheet counts them in no labelled row's group (shown_rows).
    Shortcut("toggle_web_search", ("Alt+W",), "", "search the web on / off"),
    Shortcut("toggle_thinking", ("Alt+T",), "", "show / hide the last reply's thinking"),
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
        title="previous version",
    ),
    Shortcut("next_version", ("Alt+Right",), "", "", title="next version"),
    Shortcut("copy_last_reply", ("Ctrl+Shift+C",), "Ctrl+Shift+C", "copy the last reply"),
    Shortcut(
        "toggle_dictation",
        ("Ctrl+Shift+Space",),
        "Ctrl+Shift+Space",
        "dictate (tap to start and stop, or hold)",
    ),
    Shortcut("rename_session", ("F2",), "F2", "rename the selected session"),
    Shortcut(
        "delete_session",
        ("Delete",),
        "Delete",
        "delete the selected session (asks first)",
        scope="sessions",
    ),
    Shortcut("open_settings", ("Ctrl+,",), "Ctrl+,", "settings"),
    Shortcut(
        "zoom_in",
        ("Ctrl+=", "Ctrl++"),
        "Ctrl+= / Ctrl+-",
        "larger / smaller text",
        title="larger text",
    ),
    Shortcut("zoom_out", ("Ctrl+-",), "", "", title="smaller text"),
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


# Keys a widget handles itself, whatever the table says.
WIDGET_KEYS = {
    "Return": translatable("Shortcuts", "send (or a new line)"),
    "Enter": translatable("Shortcuts", "send (or a new line)"),
    "Shift+Return": translatable("Shortcuts", "a new line"),
    "Ctrl+Return": translatable("Shortcuts", "send, with Ctrl+Enter as the send key"),
    "Up": translatable("Shortcuts", "edit the last message (in an empty composer)"),
    "Tab": translatable("Shortcuts", "moving between controls"),
    "Shift+Tab": translatable("Shortcuts", "moving between controls"),
}
# The text fields' editing keys, as Qt's platform table gives them (QKeySequence.keyBindings).
EDITING_ACTIONS = {
    "Copy": translatable("Shortcuts", "copy"),
    "Paste": translatable("Shortcuts", "paste"),
    "Cut": translatable("Shortcuts", "cut"),
    "Undo": translatable("Shortcuts", "undo"),
    "Redo": translatable("Shortcuts", "redo"),
    "SelectAll": translatable("Shortcuts", "select all"),
    "Deselect": translatable("Shortcuts", "deselect"),
    "MoveToStartOfLine": translatable("Shortcuts", "start of line"),
    "MoveToEndOfLine": translatable("Shortcuts", "end of line"),
    "MoveToNextWord": translatable("Shortcuts", "next word"),
    "MoveToPreviousWord": translatable("Shortcuts", "previous word"),
    "MoveToStartOfDocument": translatable("Shortcuts", "start of the text"),
    "MoveToEndOfDocument": translatable("Shortcuts", "end of the text"),
    "SelectNextWord": translatable("Shortcuts", "select the next word"),
    "SelectPreviousWord": translatable("Shortcuts", "select the previous word"),
    "SelectStartOfLine": translatable("Shortcuts", "select to the start of line"),
    "SelectEndOfLine": translatable("Shortcuts", "select to the end of line"),
    "SelectStartOfDocument": translatable("Shortcuts", "select to the start"),
    "SelectEndOfDocument": translatable("Shortcuts", "select to the end"),
    "DeleteStartOfWord": translatable("Shortcuts", "delete the previous word"),
    "DeleteEndOfWord": translatable("Shortcuts", "delete the next word"),
    "DeleteEndOfLine": translatable("Shortcuts", "delete to the end of line"),
    "DeleteCompleteLine": translatable("Shortcuts", "delete the line"),
    "Backspace": translatable("Shortcuts", "delete a character"),
    "Delete": translatable("Shortcuts", "delete a character"),
}


def normal(key: str) -> str:
    """One spelling per key sequence ("ctrl+k" and "Ctrl+K" alike); "" when it does not parse."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)


def shown(key: str) -> str:
    """The key as this platform writes it (Cmd on macOS)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def editing_keys() -> dict[str, str]:
    """Key -> the editing action it does in the composer and the search box, on this platform."""
    found: dict[str, str] = {}
    for name, action in EDITING_ACTIONS.items():
        standard = getattr(QKeySequence.StandardKey, name)
        for sequence in QKeySequence.keyBindings(standard):
            key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            found.setdefault(key, action)
    return found


def rebindable(shortcuts: tuple[Shortcut, ...] = SHORTCUTS) -> tuple[Shortcut, ...]:
    return tuple(s for s in shortcuts if s.action)


def action_title(shortcut: Shortcut) -> str:
    return shortcut.title or shortcut.description or shortcut.action.replace("_", " ")


def keys_for(shortcut: Shortcut, bindings: Bindings) -> tuple[str, ...]:
    return bindings.get(shortcut.action, shortcut.keys)


def shown_rows(
    bindings: Bindings, shortcuts: tuple[Shortcut, ...] = SHORTCUTS
) -> tuple[Shortcut, ...]:
    """The labelled rows (Ctrl+/), each with the user's keys: a row and the unlabelled rows
    after it (e.g. Alt+Left / Alt+Right) keep their label unless one of them was rebound."""
    rows: list[Shortcut] = []
    for index, shortcut in enumerate(shortcuts):
        if not shortcut.label:
            continue
        group = [shortcut]
        for following in shortcuts[index + 1 :]:
            if following.label:
                break
            group.append(following)
        if any(s.action in bindings for s in group):
            keys = [shown(k) for s in group for k in keys_for(s, bindings)]
            shortcut = replace(shortcut, label=" / ".join(keys) or "(no key)")
        rows.append(shortcut)
    return tuple(rows)


def types_text(key: str) -> bool:
    """A key without Ctrl, Alt or Meta that types a character (Shift+A types "A")."""
    sequence = QKeySequence(key)
    if sequence.count() != 1:  # none, or more than one chord
        return False
    rest = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    if rest.startswith("Shift+") and len(rest) > len("Shift+"):
        rest = rest[len("Shift+") :]
    return len(rest) == 1 or rest == "Space"  # PortableText names every other key in words


def find_conflicts(
    bindings: Bindings,
    editing: dict[str, str] | None = None,
    shortcuts: tuple[Shortcut, ...] = SHORTCUTS,
) -> list[str]:
    """What is wrong with `bindings`, in plain words, naming both sides of each clash. Keys the
    user did not change are not checked against the editing keys: the table's defaults are
    known (Ctrl+E and Ctrl+K win over end of line and delete to end of line on X11)."""
    editing = editing_keys() if editing is None else editing
    problems: list[str] = []
    owner: dict[str, Shortcut] = {}
    for shortcut in rebindable(shortcuts):
        for key in keys_for(shortcut, bindings):
            key = normal(key)
            name = shown_title(shortcut)
            if not key:
                problems.append(
                    translate(
                        "Shortcuts", "A key for “{action}” is not one this keyboard can press."
                    ).format(action=name)
                )
                continue
            if key in owner and owner[key] is not shortcut:
                problems.append(
                    translate(
                        "Shortcuts", "{key} is set for both “{other}” and “{action}”."
                    ).format(key=shown(key), other=shown_title(owner[key]), action=name)
                )
            owner.setdefault(key, shortcut)
            if shortcut.action not in bindings:
                continue
            if key in WIDGET_KEYS:
                problems.append(
                    translate(
                        "Shortcuts", "{key} is {use}: pick another key for “{action}”."
                    ).format(
                        key=shown(key), use=translate("Shortcuts", WIDGET_KEYS[key]), action=name
                    )
                )
            elif shortcut.scope == "window" and key in editing:
                problems.append(
                    translate(
                        "Shortcuts",
                        "{key} is {use} in the composer and the search box: pick another key "
                        "for “{action}”.",
                    ).format(key=shown(key), use=translate("Shortcuts", editing[key]), action=name)
                )
            elif shortcut.scope == "window" and types_text(key):
                problems.append(
                    translate(
                        "Shortcuts", "{key} types a character: pick another key for “{action}”."
                    ).format(key=shown(key), action=name)
                )
    return problems


def markdown_table() -> str:
    rows = ["| keys | action |", "|---|---|"]
    rows += [f"| {s.label} | {s.description} |" for s in SHORTCUTS if s.label]
    rows += [
        "",
        "These are the defaults: Settings → Keyboard rebinds any of them, and Ctrl+/ shows yours.",
    ]
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


def shown_title(shortcut: Shortcut) -> str:
    """The action's name (action_title) in the window's language: the palette's rows."""
    title = shortcut.title or shortcut.description
    return translate("Shortcuts", title) if title else action_title(shortcut)
