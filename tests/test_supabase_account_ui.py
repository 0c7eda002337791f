"""The Account section and the sync status label, driving the real client on the qasync loop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

from desktop_chat.models import Session
from desktop_chat.settings import Settings
from desktop_chat.store.sqlite import SQLiteStore
from desktop_chat.store.sync import start_sync
from desktop_chat.ui.account import AccountSection, SyncStatusLabel, not_configured
from tests.support.supabase_devices import make_device, server_counts


def every_widget_is_named(widget) -> None:
    children = [c for kind in (QLineEdit, QAbstractButton) for c in widget.findChildren(kind)]
    children += [c for c in widget.findChildren(QLabel) if c.objectName()]
    assert len(children) >= 7
    for child in children:
        assert child.accessibleName(), child.objectName()


def test_sign_up_sign_out_sign_in_and_anonymous_from_the_account_section(
    qtbot, run, gateway, tmp_path
):
    device = run(make_device(gateway, tmp_path / "a", "a"))
    section = AccountSection(device.engine)
    label = SyncStatusLabel(device.engine)
    qtbot.addWidget(section)
    qtbot.addWidget(label)
    every_widget_is_named(section)
    assert label.accessibleName() == "Sync status"
    assert section.sign_in_button.isEnabled() and not section.sign_out_button.isEnabled()
    assert "Not signed in" in section.status_label.text()

    # Nothing typed: a plain hint, no request.
    qtbot.mouseClick(section.sign_up_button, Qt.MouseButton.LeftButton)
    assert "email and password" in section.status_label.text()

    section.email_edit.setText("ada@example.com")
    section.password_edit.setText("correct horse")
    qtbot.mouseClick(section.sign_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: device.engine.status.account is not None and not section.busy)
    assert "Signed in as ada@example.com" in section.status_label.text()
    assert section.sign_out_button.isEnabled() and not section.sign_in_button.isEnabled()
    assert section.password_edit.text() == ""  # not kept in the widget

    run(device.new_session("from the UI", messages=2))
    device.engine.kick()
    assert label.text() == "Syncing — 3 changes waiting"
    gateway.down()
    with pytest.raises(Exception):
        run(device.engine.sync_once())
    assert label.text() == "offline — 3 changes waiting"
    gateway.up()
    run(device.engine.sync_once())
    assert label.text() == "Synced"
    assert server_counts(gateway) == (1, 2)

    qtbot.mouseClick(section.sign_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: device.engine.status.account is None and not section.busy)
    assert section.sign_in_button.isEnabled()
    assert label.text() == "Not signed in — chats stay on this device"

    section.email_edit.setText("ada@example.com")
    section.password_edit.setText("wrong password")
    qtbot.mouseClick(section.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.busy)
    assert "Invalid login credentials" in section.status_label.text()

    qtbot.mouseClick(section.anonymous_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: device.engine.status.account is not None and not section.busy)
    assert "Signed in as anonymous" in section.status_label.text()
    run(device.close())


def test_without_supabase_settings_the_section_says_how_to_turn_sync_on(qtbot) -> None:
    section = AccountSection(None)
    label = SyncStatusLabel(None)
    qtbot.addWidget(section)
    qtbot.addWidget(label)
    assert section.status_label.text() == not_configured()
    assert not section.sign_in_button.isEnabled() and not section.anonymous_button.isEnabled()
    assert label.isHidden()
    every_widget_is_named(section)


def test_start_sync_is_off_without_settings_and_on_with_them(qtbot, run, gateway, tmp_path) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    assert run(start_sync(Settings(), store)) is None
    settings = Settings(supabase_url=gateway.url, supabase_key=gateway.anon_key)
    engine = run(start_sync(settings, store, interval=0.1, push_delay=0.0))
    assert engine.status.state == "signed_out"
    run(engine.sign_in_anonymously())
    run(store.create_session(Session(title="x")))
    engine.kick()
    qtbot.waitUntil(
        lambda: engine.status.pending == 0 and engine.status.state == "online", timeout=10_000
    )
    assert server_counts(gateway) == (1, 0)
    run(engine.stop())
    run(store.close())


def test_the_account_section_says_when_no_keychain_keeps_the_sign_in(qtbot, run, gateway, tmp_path):
    import keyring
    from keyring.backends import null

    from desktop_chat.ui.account import sign_in_not_kept

    keyring.set_keyring(null.Keyring())  # stores nothing, says nothing
    device = run(make_device(gateway, tmp_path / "a", "a"))
    section = AccountSection(device.engine)
    qtbot.addWidget(section)
    section.email_edit.setText("ada@example.com")
    section.password_edit.setText("correct horse")
    qtbot.mouseClick(section.sign_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: device.engine.status.account is not None and not section.busy)
    assert "Signed in as ada@example.com" in section.status_label.text()
    assert sign_in_not_kept() in section.status_label.text()
    run(device.close())
