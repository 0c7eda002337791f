"""Asking before the keychain's Groq key goes to another address than the one it was saved for.

A key is bound to the base URL it was saved for (settings.save_key_to_keychain). When
GROQ_BASE_URL now names another server -- set by whoever could change this app's environment
or config -- the key and every message would go there; the user decides first.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_chat.settings import Settings, effective_base_url
from desktop_chat.ui.plain_text import plain_message_box

translate = QCoreApplication.translate


def key_destination_question(settings: Settings) -> str:
    return translate(
        "KeyDestination",
        "GROQ_BASE_URL sends requests to {new}, but your saved Groq key was saved for "
        "{old}.\n\n"
        "Send your key and your messages to the new address? If you did not set "
        "GROQ_BASE_URL yourself, choose “Don't send”: Desktop Chat then starts without "
        "the key, and your key stays in the keychain.",
    ).format(
        new=effective_base_url(settings.groq_base_url),
        old=effective_base_url(settings.key_saved_for),
    )


def ask_key_destination(
    settings: Settings, parent: QWidget | None, answered: Callable[[bool], None]
) -> QMessageBox:
    """Ask, window-modal and without a nested event loop (app.py asks from a coroutine);
    `answered(True)` when the user agrees to send the saved key to the configured base URL."""
    box = plain_message_box(
        QMessageBox.Icon.Question,
        translate("KeyDestination", "Send your key to another server?"),
        key_destination_question(settings),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    send = box.addButton(
        translate("KeyDestination", "Send the key there"), QMessageBox.ButtonRole.AcceptRole
    )
    keep = box.addButton(
        translate("KeyDestination", "Don't send"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.finished.connect(lambda _result: answered(box.clickedButton() is send))
    box.open()
    return box
