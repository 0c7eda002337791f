"""Settings → Keyboard's row for the system-wide quick-ask shortcut, under the window's table:
recorded like the others, checked as it is recorded (a modifier, a key the platform can name,
not taken by another program or by the window's own table), applied by SettingsController."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from desktop_chat.ui.global_hotkey.keys import DEFAULT_QUICK_ASK_KEYS, Chord, HotkeyError
from desktop_chat.ui.plain_text import make_plain

translate = QCoreApplication.translate


class QuickAskKeyRow(QObject):
    """`keys()` is what the row holds; `problem()` why it cannot be used ("" when it can).
    `attach()` gives it the app's current keys and the check that asks the platform."""

    def __init__(
        self,
        sheet: QWidget,
        grid: QGridLayout,
        row: int,
        key_width: int,
        on_edit: Callable[[], None],
    ):
        super().__init__(sheet)
        self._keys = DEFAULT_QUICK_ASK_KEYS
        self._check: Callable[[str], str] = lambda keys: ""
        self._checked: tuple[str, str] | None = None  # (keys, problem): probing grabs keys
        self.taken_in_window: Callable[[str], str] = lambda keys: ""
        self.heading = heading = make_plain(
            QLabel(translate("KeyboardSettings", "System-wide: works in every program"), sheet)
        )
        heading.setObjectName("KeyboardHeading")
        title = translate("KeyboardSettings", "open the quick-ask window")
        self.name = name = make_plain(QLabel(title, sheet))
        name.setWordWrap(True)
        default = make_plain(QLabel(Chord.parse(DEFAULT_QUICK_ASK_KEYS).shown(), sheet))
        default.setObjectName("Hint")
        self.edit = QKeySequenceEdit(sheet)
        self.edit.setObjectName("QuickAskKeys")
        keys_for_title = translate("KeyboardSettings", "Keys for {action}").format(action=title)
        self.edit.setAccessibleName(keys_for_title)
        self.edit.setMaximumSequenceLength(1)
        self.edit.setMinimumWidth(key_width)
        for field in self.edit.findChildren(QLineEdit):
            field.setAccessibleName(keys_for_title)
        for clear in self.edit.findChildren(QToolButton):
            clear.setAccessibleName(
                translate("KeyboardSettings", "Clear the keys for {action}").format(action=title)
            )
        self.reset_button = QPushButton(translate("KeyboardSettings", "Reset"), sheet)
        self.reset_button.setAccessibleName(
            translate("KeyboardSettings", "Reset the keys for {action}").format(action=title)
        )
        self.reset_button.setAutoDefault(False)
        self.hint = make_plain(QLabel(sheet))
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        grid.addWidget(heading, row, 0, 1, 4)
        grid.addWidget(name, row + 1, 0)
        grid.addWidget(default, row + 1, 1)
        grid.addWidget(self.edit, row + 1, 2)
        grid.addWidget(self.reset_button, row + 1, 3)
        grid.addWidget(self.hint, row + 2, 0, 1, 4)
        self._show(self._keys)
        self.attach(DEFAULT_QUICK_ASK_KEYS, lambda keys: "", available=True)
        self.edit.keySequenceChanged.connect(lambda sequence: self._edited(sequence, on_edit))
        self.reset_button.clicked.connect(lambda: self._reset(on_edit))

    def attach(self, keys: str, check: Callable[[str], str], available: bool) -> None:
        self._keys, self._check, self._checked = keys, check, None
        self._show(keys)
        self.edit.setEnabled(available)
        self.hint.setText(
            translate(
                "KeyboardSettings",
                "Opens the quick-ask window from any program, even with this window hidden.",
            )
            if available
            else translate(
                "KeyboardSettings",
                "This desktop gives apps no system-wide shortcuts: Settings → Desktop says "
                "how to bind one yourself.",
            )
        )

    def keys(self) -> str:
        return self._keys

    def problem(self) -> str:
        if not self._keys:
            return translate(
                "KeyboardSettings", "The quick-ask window needs a system-wide key: press one."
            )
        if self._checked is None or self._checked[0] != self._keys:
            try:
                keys = Chord.parse(self._keys).portable()
                problem = self.taken_in_window(keys) or self._check(keys)
            except HotkeyError as bad:
                problem = str(bad)
            self._checked = (self._keys, problem)
        problem = self._checked[1]
        if not problem:
            return ""
        return translate("KeyboardSettings", "Quick ask: {problem}.").format(
            problem=problem.rstrip(".")
        )

    def _show(self, keys: str) -> None:
        self.edit.blockSignals(True)
        self.edit.setKeySequence(QKeySequence(keys))
        self.edit.blockSignals(False)
        self.reset_button.setEnabled(keys != DEFAULT_QUICK_ASK_KEYS)

    def _edited(self, sequence: QKeySequence, on_edit: Callable[[], None]) -> None:
        self._keys = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        self.reset_button.setEnabled(self._keys != DEFAULT_QUICK_ASK_KEYS)
        on_edit()

    def _reset(self, on_edit: Callable[[], None]) -> None:
        self._keys = DEFAULT_QUICK_ASK_KEYS
        self._show(self._keys)
        on_edit()
