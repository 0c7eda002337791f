"""Small dialogs: the API key prompt and the keyboard shortcut overlay."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_chat.ui.plain_text import make_plain
from desktop_chat.ui.shortcuts import Shortcut


class ApiKeyDialog(QDialog):
    def __init__(self, parent=None, reason: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Groq API key")
        self.setAccessibleName("Groq API key")
        self.setModal(True)
        intro = QLabel(
            (reason + "\n\n" if reason else "")
            + "Desktop Chat needs a Groq API key to answer. Create one at "
            "console.groq.com/keys and paste it here. It is kept in your system keychain, "
            "never in a file or a log.",
            self,
        )
        intro.setWordWrap(True)
        make_plain(intro)  # `reason` may quote the server
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("ApiKeyEdit")
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("gsk_…")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName("Save key")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Not now")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Not now")
        self.buttons.accepted.connect(self._accept_if_filled)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.key_edit)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    def _accept_if_filled(self) -> None:
        if self.key.strip():
            self.accept()
        else:
            self.key_edit.setFocus()

    @property
    def key(self) -> str:
        return self.key_edit.text().strip()


class ShortcutsDialog(QDialog):
    """The keyboard map, built from the same table the window binds."""

    def __init__(self, shortcuts: tuple[Shortcut, ...], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        table = QTableWidget(len(shortcuts), 2, self)
        table.setObjectName("ShortcutTable")
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, shortcut in enumerate(shortcuts):
            table.setItem(row, 0, QTableWidgetItem(shortcut.label))
            table.setItem(row, 1, QTableWidgetItem(shortcut.description))
        table.resizeColumnToContents(0)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(close)
        self.table = table
        self.resize(520, 460)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
