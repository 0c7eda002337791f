"""Settings → Keyboard: the one shortcut table (ui/shortcuts.py), each action with its default
keys and the user's; a row is rebound by pressing the new keys, or reset. Clashes are named
under the table as they appear, and Save waits until there are none."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.i18n import translatable
from desktop_chat.ui.global_hotkey.settings_row import QuickAskKeyRow
from desktop_chat.ui.plain_text import make_plain
from desktop_chat.ui.shortcuts import (
    SHORTCUTS,
    Bindings,
    Shortcut,
    editing_keys,
    find_conflicts,
    keys_for,
    normal,
    rebindable,
    shown,
    shown_title,
)

translate = QCoreApplication.translate

NO_CONFLICTS = translatable(
    "KeyboardSettings", "Click a key box and press the new keys. Reset puts the default back."
)


class KeyboardPage(QWidget):
    """`bindings()` is what the page holds now; `valid_changed(False)` while a clash stands."""

    valid_changed = Signal(bool)

    def __init__(
        self,
        bindings: Bindings,
        parent: QWidget | None = None,
        shortcuts: tuple[Shortcut, ...] = SHORTCUTS,
    ):
        super().__init__(parent)
        self.shortcuts = rebindable(shortcuts)
        self._all = shortcuts
        self._bindings: Bindings = dict(bindings)
        self._editing = editing_keys()
        self.edits: dict[str, QKeySequenceEdit] = {}
        self.resets: dict[str, QPushButton] = {}

        sheet = QWidget(self)
        sheet.setObjectName("KeyboardSheet")
        grid = QGridLayout(sheet)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        headings = (
            translate("KeyboardSettings", "Action"),
            translate("KeyboardSettings", "Default"),
            translate("KeyboardSettings", "Your keys"),
        )
        for column, heading in enumerate(headings):
            label = make_plain(QLabel(heading, sheet))
            label.setObjectName("KeyboardHeading")
            grid.addWidget(label, 0, column)
        # As wide as the longest key as this language writes it ("Strg+Umschalt+Tab"), with
        # room for the clear button.
        widest = max(
            (
                self.fontMetrics().horizontalAdvance(shown(k))
                for s in self.shortcuts
                for k in s.keys
            ),
            default=0,
        )
        key_width = max(150, widest + 96)
        for row, shortcut in enumerate(self.shortcuts, start=1):
            title = shown_title(shortcut)
            name = make_plain(QLabel(title, sheet))
            name.setWordWrap(True)
            default = make_plain(QLabel(" / ".join(shown(k) for k in shortcut.keys), sheet))
            default.setObjectName("Hint")
            edit = QKeySequenceEdit(sheet)
            edit.setObjectName("KeyEdit")
            keys_for_title = translate("KeyboardSettings", "Keys for {action}").format(action=title)
            edit.setAccessibleName(keys_for_title)
            edit.setMaximumSequenceLength(1)  # one chord: no Emacs-style two-step keys
            edit.setClearButtonEnabled(True)  # cleared: the action has no key
            for clear in edit.findChildren(QToolButton):
                # Qt's clear button takes no focus, and Backspace in the box is recorded as a
                # key: Tab reaching it (Space clears) is the keyboard's way to "no key".
                clear.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                clear.setAccessibleName(
                    translate("KeyboardSettings", "Clear the keys for {action}").format(
                        action=title
                    )
                )
            for field in edit.findChildren(QLineEdit):  # what a screen reader lands on
                field.setAccessibleName(keys_for_title)
            edit.setMinimumWidth(key_width)
            reset = QPushButton(translate("KeyboardSettings", "Reset"), sheet)
            reset.setAccessibleName(
                translate("KeyboardSettings", "Reset the keys for {action}").format(action=title)
            )
            reset.setAutoDefault(False)
            grid.addWidget(name, row, 0)
            grid.addWidget(default, row, 1)
            grid.addWidget(edit, row, 2)
            grid.addWidget(reset, row, 3)
            self.edits[shortcut.action] = edit
            self.resets[shortcut.action] = reset
            self._show_keys(shortcut)
            edit.keySequenceChanged.connect(lambda sequence, s=shortcut: self._edited(s, sequence))
            reset.clicked.connect(lambda _=False, s=shortcut: self.reset(s.action))
        # The quick-ask window's system-wide keys: not the window's, so apart, under its table.
        self.quick_ask = QuickAskKeyRow(sheet, grid, grid.rowCount(), key_width, self._check)
        self.quick_ask.taken_in_window = self._taken_in_window
        grid.setColumnStretch(0, 1)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("KeyboardScroll")
        self.scroll_area.setWidget(sheet)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.viewport().setAutoFillBackground(False)
        sheet.setAutoFillBackground(False)
        self.problems = make_plain(QLabel(translate("KeyboardSettings", NO_CONFLICTS), self))
        self.problems.setObjectName("KeyboardProblems")
        self.problems.setAccessibleName(translate("KeyboardSettings", "Keyboard shortcut problems"))
        self.problems.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(10)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.problems)
        self._check()

    def bindings(self) -> Bindings:
        """Only the rows that differ from the table's defaults."""
        return dict(self._bindings)

    def conflicts(self) -> list[str]:
        return find_conflicts(self._bindings, self._editing, self._all)

    def set_keys(self, action: str, key: str) -> None:
        """As if the user pressed `key` in the row's box ("" clears it)."""
        self.edits[action].setKeySequence(QKeySequence(key))

    def reset(self, action: str) -> None:
        self._bindings.pop(action, None)
        shortcut = next(s for s in self.shortcuts if s.action == action)
        self._show_keys(shortcut)
        self._check()

    def _show_keys(self, shortcut: Shortcut) -> None:
        edit = self.edits[shortcut.action]
        keys = keys_for(shortcut, self._bindings)
        edit.blockSignals(True)
        edit.setKeySequence(QKeySequence(keys[0] if keys else ""))
        edit.blockSignals(False)
        extra = [shown(k) for k in keys[1:]]
        edit.setToolTip(
            translate("KeyboardSettings", "Also {keys}").format(keys=" / ".join(extra))
            if extra
            else ""
        )
        self.resets[shortcut.action].setEnabled(shortcut.action in self._bindings)

    def _edited(self, shortcut: Shortcut, sequence: QKeySequence) -> None:
        key = normal(sequence.toString(QKeySequence.SequenceFormat.PortableText))
        keys = (key,) if key else ()
        if keys and keys[0] in {normal(k) for k in shortcut.keys}:
            self._bindings.pop(shortcut.action, None)  # back to the default: not a rebinding
        else:
            self._bindings[shortcut.action] = keys
        self.edits[shortcut.action].setToolTip("")
        self.resets[shortcut.action].setEnabled(shortcut.action in self._bindings)
        self._check()

    def _taken_in_window(self, keys: str) -> str:
        for shortcut in self.shortcuts:
            if keys in {normal(k) for k in keys_for(shortcut, self._bindings)}:
                return translate("KeyboardSettings", "{key} is set for “{action}” too").format(
                    key=shown(keys), action=shown_title(shortcut)
                )
        return ""

    def _check(self) -> None:
        problems = self.conflicts()
        if self.quick_ask.problem():
            problems.append(self.quick_ask.problem())
        self.problems.setText(
            "\n".join(problems) if problems else translate("KeyboardSettings", NO_CONFLICTS)
        )
        self.problems.setProperty("problem", bool(problems))
        self.problems.style().unpolish(self.problems)
        self.problems.style().polish(self.problems)
        self.valid_changed.emit(not problems)
