"""Settings > Account: sign in to Supabase (or continue anonymously), sign out; and the small
sync status label for the window.

Both widgets only call the sync engine (desktop_chat.store.sync.SyncEngine) and show what it
reports; the engine does the work. Without SUPABASE_URL / SUPABASE_KEY there is no engine, and
the section says how to turn sync on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.store.supabase import AuthFailed, RemoteUnavailable
from desktop_chat.store.sync import SyncStatus
from desktop_chat.ui.plain_text import make_plain, plain_tooltip

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def not_configured() -> str:
    return translate(
        "Account",
        "Sync is off. To keep your chats in Supabase as well, set SUPABASE_URL and SUPABASE_KEY "
        "(see docs/supabase.md) and restart Desktop Chat.",
    )


def sign_in_not_kept() -> str:
    return translate(
        "Account",
        "This system has no keychain to keep the sign-in in, so it lasts until Desktop Chat "
        "closes: you will need to sign in again next time.",
    )


class AccountSection(QGroupBox):
    """Email + password, Sign in / Sign up / Continue anonymously / Sign out, and a status."""

    def __init__(self, engine: Any | None, parent: QWidget | None = None):
        super().__init__(translate("Account", "Account"), parent)
        self.setObjectName("AccountSection")
        self.setAccessibleName(self.title())
        self.engine = engine
        self._task: asyncio.Task | None = None

        self.email_edit = QLineEdit(self)
        self.email_edit.setObjectName("AccountEmail")
        self.email_edit.setAccessibleName(translate("Account", "Email"))
        self.email_edit.setPlaceholderText("you@example.com")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("AccountPassword")
        self.password_edit.setAccessibleName(translate("Account", "Password"))
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.returnPressed.connect(self._sign_in)

        self.sign_in_button = self._button("SignIn", translate("Account", "Sign in"), self._sign_in)
        self.sign_up_button = self._button("SignUp", translate("Account", "Sign up"), self._sign_up)
        self.anonymous_button = self._button(
            "ContinueAnonymously", translate("Account", "Continue anonymously"), self._anonymous
        )
        self.sign_out_button = self._button(
            "SignOut", translate("Account", "Sign out"), self._sign_out
        )

        # What signing in uses: enabled only while signed out (sign out the other way round).
        self._sign_in_controls = (
            self.email_edit,
            self.password_edit,
            self.sign_in_button,
            self.sign_up_button,
            self.anonymous_button,
        )

        self.status_label = make_plain(QLabel(self))  # server messages, the account's email
        self.status_label.setObjectName("AccountStatus")
        self.status_label.setAccessibleName(translate("Account", "Account status"))
        self.status_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(translate("Account", "Email"), self.email_edit)
        form.addRow(translate("Account", "Password"), self.password_edit)
        buttons = QHBoxLayout()
        for button in (
            self.sign_in_button,
            self.sign_up_button,
            self.anonymous_button,
            self.sign_out_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)

        if engine is None:
            self.status_label.setText(not_configured())
            for widget in (*self._sign_in_controls, self.sign_out_button):
                widget.setEnabled(False)
        else:
            _follow(self, engine, self._show)
            self._show(engine.status)

    def _button(self, name: str, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName("Account" + name)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    # -- state -----------------------------------------------------------------------
    def _show(self, status: SyncStatus, message: str | None = None) -> None:
        signed_in = status.account is not None
        busy = self._task is not None and not self._task.done()
        for widget in self._sign_in_controls:
            widget.setEnabled(not signed_in and not busy)
        self.sign_out_button.setEnabled(signed_in and not busy)
        if message:
            self.status_label.setText(message)
        elif signed_in:
            text = translate("Account", "Signed in as {account}. {status}.").format(
                account=status.account.label, status=status.text
            )
            if not status.sign_in_kept:
                text += " " + sign_in_not_kept()
            self.status_label.setText(text)
        else:
            self.status_label.setText(
                translate(
                    "Account",
                    "Not signed in: your chats stay on this device. "
                    "Sign in to keep them in sync across machines.",
                )
            )

    # -- actions -----------------------------------------------------------------------
    def _credentials(self) -> tuple[str, str] | None:
        email, password = self.email_edit.text().strip(), self.password_edit.text()
        if not email or not password:
            self._show(
                self.engine.status, translate("Account", "Enter your email and password first.")
            )
            (self.email_edit if not email else self.password_edit).setFocus()
            return None
        return email, password

    def _sign_in(self) -> None:
        if credentials := self._credentials():
            self._run(self.engine.sign_in(*credentials), translate("Account", "Signing in…"))

    def _sign_up(self) -> None:
        if credentials := self._credentials():
            self._run(
                self.engine.sign_up(*credentials), translate("Account", "Creating your account…")
            )

    def _anonymous(self) -> None:
        self._run(self.engine.sign_in_anonymously(), translate("Account", "Signing in…"))

    def _sign_out(self) -> None:
        self._run(self.engine.sign_out(), translate("Account", "Signing out…"))

    def _run(self, coroutine: Coroutine, busy_text: str) -> None:
        if self._task is not None and not self._task.done():
            coroutine.close()
            return

        async def attempt() -> None:
            message = None
            try:
                await coroutine
                self.password_edit.clear()
            except AuthFailed as error:
                message = str(error)
            except RemoteUnavailable:
                message = translate(
                    "Account", "Could not reach the server. Check your connection and try again."
                )
            except Exception as error:  # noqa: BLE001 - shown, not raised into Qt
                log.exception("account action failed")
                message = translate("Account", "Something went wrong: {error}").format(error=error)
            finally:
                self._task = None
            self._show(self.engine.status, message)

        self._task = asyncio.ensure_future(attempt())
        self._show(self.engine.status, busy_text)

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()


class SyncStatusLabel(QLabel):
    """ "Synced" / "offline — N changes waiting": one line for the window's status area."""

    def __init__(self, engine: Any | None, parent: QWidget | None = None):
        super().__init__(parent)
        make_plain(self)
        self.setObjectName("SyncStatus")
        self.setAccessibleName(translate("Account", "Sync status"))
        if engine is None:
            self.hide()
            return
        _follow(self, engine, self.show_status)
        self.show_status(engine.status)

    def show_status(self, status: SyncStatus) -> None:
        self.setText(status.text)
        self.setToolTip(plain_tooltip(status.message))  # the server's own words
        self.setProperty("syncState", status.state)  # for the style sheet
        self.setAccessibleDescription(status.text)


def _follow(widget: QWidget, engine: Any, callback) -> None:
    """Call `callback(status)` on every status change while `widget` exists."""
    unsubscribe = engine.on_status_changed(callback)

    def stop(*_args) -> None:
        try:
            unsubscribe()
        except ValueError:
            pass

    widget.destroyed.connect(stop)
