"""The window with sync on: a session written on another device appears in the session panel,
opens, and resumes with its memory — real PostgreSQL, real supabase client, real window."""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QSettings, Qt

from desktop_chat.core.chat import ChatService, ChatSettings
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.transcript import Role
from tests.support.supabase_devices import make_device

PASSWORD = "correct horse battery"


def test_a_session_from_another_device_shows_up_and_resumes(
    qtbot, run, gateway, groq_server, tmp_path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    laptop = run(make_device(gateway, tmp_path / "laptop", "laptop"))
    run(laptop.engine.sign_up("ada@example.com", PASSWORD))
    session = run(laptop.new_session("Lisbon trip", messages=4))
    run(laptop.engine.sync_once())

    desktop = run(make_device(gateway, tmp_path / "desktop", "desktop"))
    run(desktop.engine.sign_in("ada@example.com", PASSWORD))
    llm = GroqClient(groq_server.api_key, base_url=groq_server.base_url)
    service = ChatService(desktop.store, llm, ChatSettings(auto_title=False))
    preferences = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    window = MainWindow(service, lambda key: llm, lambda key: None, preferences_store=preferences)
    qtbot.addWidget(window)
    window.resize(1100, 760)  # the offscreen screen's 800 px would fold the sidebar away
    window.show()
    run(window.start())
    window.attach_sync(desktop.engine)
    assert window.sessions.proxy.rowCount() == 0

    run(desktop.engine.sync_once())  # the pull reports the new session; the panel refreshes
    panel = window.sessions
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1)
    assert panel.proxy.index(0, 0).data() == "Lisbon trip"
    assert window.sync_status.isVisible() and window.sync_status.text()

    rect = panel.list.visualRect(panel.proxy.index(0, 0))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: len(window.transcript_model.items) == 4)
    assert window.current_session_id == session.session_id

    window.composer.edit.setPlainText("And the day after?")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reply_task is not None and not window.busy)
    contents = [m["content"] for m in groq_server.requests[-1]["messages"]]
    assert contents[1:] == [
        "Lisbon trip #0",
        "Lisbon trip #1",
        "Lisbon trip #2",
        "Lisbon trip #3",
        "And the day after?",
    ]
    assert window.transcript_model.items[-1].role == Role.ASSISTANT

    run(window.wait_idle())
    run(desktop.engine.sync_once())
    run(laptop.engine.sync_once())
    texts = [e.text for e in run(laptop.store.events(session.session_id))]
    assert texts[-2:] == ["And the day after?", groq_server.reply_text]
    # The sign-in tokens live in the keychain only: never in the database files or the logs.
    saved = json.loads(run(desktop.storage.get_item("supabase.auth.token")))
    tokens = [saved["access_token"], saved["refresh_token"], gateway.anon_key]
    window.close()
    run(llm.close())
    run(desktop.close())
    run(laptop.close())
    for path in (tmp_path / "desktop").iterdir():
        data = path.read_bytes()
        assert not [t for t in tokens if t.encode() in data], path
    assert caplog.records and not [t for t in tokens if t in caplog.text]
