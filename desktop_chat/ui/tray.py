"""The tray icon, where the desktop has a tray: Show/Hide, New chat, Quick ask, Quit, and a
notice when a reply finishes while the window is hidden or in the background.

With "Keep running in the tray when the window is closed" (Preferences.keep_in_tray) closing the
window only hides it (MainWindow.closeEvent); Quit, here or Ctrl+Q, really quits.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop_chat import APP_NAME
from desktop_chat.ui.app_icon import app_icon

translate = QCoreApplication.translate

NOTICE_CHARS = 100
# As text: `re` compiles them at the first notice, not at start-up.
MARKDOWN_LINK = r"\[([^\]]*)\]\([^)]*\)"
MARKDOWN_MARKS = r"(?m)```[\w+-]*|\*\*|__|`|^#{1,6}\s+|^>\s?"
MARKUP_LOOKALIKES = str.maketrans({"<": "‹", ">": "›", "&": "＆"})


def notice_text(reply: str, limit: int = NOTICE_CHARS) -> str:
    """The first ~`limit` characters of a reply as one plain line, cut at a word.

    Markdown's marks go (a notice is a preview, not the rendering), and so do the characters a
    notification server with "body-markup" would read as markup: model text never becomes
    markup or a link there."""
    text = re.sub(MARKDOWN_LINK, r"\1", reply)
    text = re.sub(MARKDOWN_MARKS, "", text)
    text = text.translate(MARKUP_LOOKALIKES)
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


class Tray(QObject):
    """Owns the QSystemTrayIcon and its menu for one main window."""

    notified = Signal(str, str)  # title, text: each notice shown (tests and logs read it)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip(APP_NAME)
        self.menu = QMenu()
        self.menu.setObjectName("TrayMenu")
        self.menu.setAccessibleName(translate("Tray", "{app} tray menu").format(app=APP_NAME))
        self.show_action = self.menu.addAction(
            translate("Tray", "Hide window"), window.toggle_visible
        )
        self.menu.addAction(translate("Tray", "New chat"), self._new_chat)
        self.menu.addAction(translate("Tray", "Quick ask"), window.quick_ask)
        self.menu.addSeparator()
        self.menu.addAction(translate("Tray", "Quit"), window.quit)
        self.menu.aboutToShow.connect(self._name_show_action)
        self.menu.setStyleSheet(window.styleSheet())
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        window.reply_finished.connect(self.reply_finished)
        window.destroyed.connect(self.menu.deleteLater)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    @property
    def visible(self) -> bool:
        return self.icon.isVisible()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def _name_show_action(self) -> None:
        self.menu.setStyleSheet(self.window.styleSheet())  # the theme may have changed
        shown = self.window.isVisible() and not self.window.isMinimized()
        self.show_action.setText(
            translate("Tray", "Hide window") if shown else translate("Tray", "Show window")
        )

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a left click
            self.window.toggle_visible()

    def _new_chat(self) -> None:
        from desktop_chat.ui.single_instance import bring_forward

        bring_forward(self.window)
        self.window.new_session()

    def wants_notice(self) -> bool:
        """A reply is worth a notice only when the person cannot see it arrive."""
        window = self.window
        return not window.isVisible() or window.isMinimized() or not window.isActiveWindow()

    def reply_finished(self, text: str) -> None:
        if not self.visible or not self.wants_notice():
            return
        body = notice_text(text)
        if not body:
            return
        self.icon.showMessage(APP_NAME, body, QSystemTrayIcon.MessageIcon.Information, 8_000)
        self.notified.emit(APP_NAME, body)


def install_tray(window) -> Tray | None:
    """A tray icon for the window, or None where the desktop has no tray."""
    if not Tray.available():
        return None
    tray = Tray(window)
    tray.show()
    window.tray = tray
    return tray
