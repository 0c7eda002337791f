"""Small dialogs: the API key prompt and the keyboard shortcut overlay."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.plain_text import make_plain
from desktop_chat.ui.shortcuts import Shortcut, shown_description, shown_label

translate = QCoreApplication.translate


class ApiKeyDialog(QDialog):
    def __init__(self, parent=None, reason: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("ApiKeyDialog", "Groq API key"))
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        intro = QLabel(
            (reason + "\n\n" if reason else "")
            + translate(
                "ApiKeyDialog",
                "Desktop Chat needs a Groq API key to answer. Create one at "
                "console.groq.com/keys and paste it here. It is kept in your system keychain, "
                "never in a file or a log.",
            ),
            self,
        )
        intro.setWordWrap(True)
        make_plain(intro)  # `reason` may quote the server
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("ApiKeyEdit")
        self.key_edit.setAccessibleName(translate("ApiKeyDialog", "API key"))
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("gsk_…")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName(
            translate("ApiKeyDialog", "Save key")
        )
        not_now = translate("ApiKeyDialog", "Not now")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(not_now)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(not_now)
        self.buttons.accepted.connect(self._accept_if_filled)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.key_edit)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def _accept_if_filled(self) -> None:
        if self.key.strip():
            self.accept()
        else:
            self.key_edit.setFocus()

    @property
    def key(self) -> str:
        return self.key_edit.text().strip()


class ShortcutsDialog(QDialog):
    """The keyboard map, built from the same table the window binds: each row a key cap and a
    description that wraps, so nothing is cut off and, at the window's default size, nothing
    scrolls (a smaller window gets a scroll bar rather than a dialog taller than the screen)."""

    def __init__(self, shortcuts: tuple[Shortcut, ...], parent=None):
        super().__init__(parent)
        self.setWindowTitle(translate("ShortcutsDialog", "Keyboard shortcuts"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        title = QLabel(self.windowTitle(), self)
        title.setObjectName("DialogTitle")
        sheet = QWidget(self)
        sheet.setObjectName("ShortcutSheet")
        sheet.setAccessibleName(self.windowTitle())
        grid = QGridLayout(sheet)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(5)  # 24 rows fit a 760 px window without scrolling
        grid.setColumnStretch(1, 1)
        self.key_labels: list[QLabel] = []
        self.description_labels: list[QLabel] = []
        for row, shortcut in enumerate(shortcuts):
            keys = QLabel(shown_label(shortcut.label), sheet)
            keys.setObjectName("KeyCap")
            keys.setTextFormat(Qt.TextFormat.PlainText)
            description = QLabel(shown_description(shortcut), sheet)
            description.setTextFormat(Qt.TextFormat.PlainText)
            description.setObjectName("ShortcutText")
            description.setWordWrap(True)
            description.setAccessibleName(f"{keys.text()}: {description.text()}")
            grid.addWidget(keys, row, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(description, row, 1, Qt.AlignmentFlag.AlignTop)
            self.key_labels.append(keys)
            self.description_labels.append(description)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("ShortcutScroll")
        self.scroll.setWidget(sheet)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.viewport().setAutoFillBackground(False)
        sheet.setAutoFillBackground(False)
        self.sheet = sheet
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(close)
        self._fit(parent)

    def rows(self) -> list[tuple[str, str]]:
        """(keys, description) as shown, top to bottom."""
        return [
            (keys.text(), description.text())
            for keys, description in zip(self.key_labels, self.description_labels, strict=True)
        ]

    def _fit(self, parent) -> None:
        """As tall as the table, up to what the parent window (else the screen) has room for."""
        width = SHORTCUTS_WIDTH
        self.sheet.setMinimumWidth(width - 60)
        wanted = self.sheet.layout().heightForWidth(width - 60)
        chrome = self.layout().contentsMargins()
        extra = chrome.top() + chrome.bottom() + 2 * self.layout().spacing() + 80
        room = parent.height() - 40 if parent is not None else None
        screen = (
            parent.screen() if parent is not None else None
        ) or QGuiApplication.primaryScreen()
        if screen is not None:
            room = min(room or 10_000, screen.availableGeometry().height() - 80)
        height = wanted + extra
        if room is not None:
            height = min(height, room)
        self.resize(width, height)


SHORTCUTS_WIDTH = 640
