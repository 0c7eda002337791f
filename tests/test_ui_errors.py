"""Every failure mode shows plain words and a Retry in the transcript; nothing is lost."""

from __future__ import annotations

import logging

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_chat.models import EventType
from desktop_chat.settings import KEYRING_GROQ_USER, KEYRING_SERVICE
from desktop_chat.ui.transcript import Role
from tests.ui_helpers import ChatApp

REPLY = " ".join(f"token{i}" for i in range(30))


@pytest.fixture
def app_options():
    """The `app` fixture's window gives up on a silent stream after half a second."""
    return {"stall_timeout": 0.5}


def click_retry(app: ChatApp, qtbot) -> None:
    view = app.window.transcript
    model = app.window.transcript_model
    row = next(r for r, item in enumerate(model.items) if item.retryable)
    index = model.index(row)
    view.scrollTo(index)
    rect = app.window.delegate.retry_rect(model.items[row], view.visualRect(index))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.mark.parametrize(
    ("mode", "options", "words"),
    [
        ("401", {}, "rejected the API key"),
        ("429", {"retry_after": 7}, "retrying in 7 s"),
        ("500", {}, "having trouble"),
        ("503", {}, "having trouble"),
    ],
)
def test_status_errors_are_explained_and_retry_works(
    app, qtbot, groq_server, mode, options, words
) -> None:
    groq_server.fail_next(mode, **options)
    app.send_and_wait("Hello?")
    error = app.last(Role.ERROR)
    assert error is not None and words in error.text and error.retryable
    assert app.last(Role.ASSISTANT) is None  # nothing arrived, so no empty bubble
    events = app.run(app.store.events(app.window.current_session_id))
    assert [e.type for e in events] == [EventType.USER_MESSAGE]  # the message is kept
    if mode == "401":
        # No dialog over the error: the status row offers to change the key instead.
        assert app.window.settings_ctl.key_dialog is None
        assert app.window.change_key_button.isVisible()
        assert "Settings → API key" in app.window.composer.status.text()

    click_retry(app, qtbot)
    app.wait_idle()
    assert app.last(Role.ERROR) is None
    assert app.last(Role.ASSISTANT).text == groq_server.reply_text
    assert len(groq_server.requests) == 2
    assert groq_server.requests[1]["messages"][-1]["content"] == "Hello?"
    events = app.run(app.store.events(app.window.current_session_id))
    assert [e.type for e in events] == [EventType.USER_MESSAGE, EventType.AI_RESPONSE]


@pytest.mark.parametrize(
    ("mode", "words"), [("drop", "connection to Groq was lost"), ("stall", "stalled")]
)
def test_a_broken_stream_keeps_the_partial_reply(app, qtbot, groq_server, mode, words) -> None:
    groq_server.reply_text = REPLY
    groq_server.fail_next(mode, after=6)
    app.send_and_wait("Long answer please")
    partial = "".join(groq_server.tokens()[:6])
    reply = app.last(Role.ASSISTANT)
    assert reply.text == partial and "Interrupted" in reply.note
    assert words in app.last(Role.ERROR).text
    stored = app.run(app.store.events(app.window.current_session_id))[-1]
    assert stored.text == partial and stored.interrupted and words in stored.payload["error"]

    qtbot.keyClick(app.composer, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    app.wait_idle()
    assert app.last(Role.ASSISTANT).text == REPLY and app.last(Role.ERROR) is None
    # The partial reply is not left above the full one: it is the older version (issue 12).
    assert [(i.text, i.versions) for i in app.items if i.role == Role.ASSISTANT] == [
        (REPLY, (2, 2))
    ]


def test_no_connection_is_explained(qtbot, run, isolated_environment, groq_server) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    port = groq_server.port
    groq_server.stop()  # nothing listens there any more
    chat.send_and_wait("Anyone there?")
    assert "reach Groq" in chat.last(Role.ERROR).text
    assert chat.composer.toPlainText() == ""
    assert chat.run(chat.store.events(chat.window.current_session_id))[0].text == "Anyone there?"
    assert port
    chat.close()


def test_the_app_keeps_working_after_an_error(app, groq_server) -> None:
    groq_server.fail_next("500")
    app.send_and_wait("one")
    app.send_and_wait("two")
    assert app.last(Role.ASSISTANT).text == groq_server.reply_text
    assert app.last(Role.ERROR) is None


def test_without_a_key_the_window_opens_and_asks_for_one(
    qtbot, run, groq_server, isolated_environment
) -> None:
    # A past session from an earlier run with a key.
    earlier = ChatApp(qtbot, run, isolated_environment, groq_server)
    earlier.send_and_wait("From last time")
    earlier.close()

    chat = ChatApp(qtbot, run, isolated_environment, groq_server, key=None)
    assert chat.window.isVisible()
    assert chat.window.sessions.proxy.rowCount() == 1
    dialog = chat.window.settings_ctl.key_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    qtbot.keyClicks(dialog.key_edit, groq_server.api_key)
    qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert keyring.get_password(KEYRING_SERVICE, KEYRING_GROQ_USER) == groq_server.api_key
    assert chat.service.llm is not None
    chat.send_and_wait("Now with a key")
    assert chat.last(Role.ASSISTANT).text == groq_server.reply_text
    chat.close()


def test_sending_without_a_key_keeps_the_text_and_asks(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server, key=None)
    qtbot.waitUntil(
        lambda: (
            chat.window.settings_ctl.key_dialog is not None
            and chat.window.settings_ctl.key_dialog.isVisible()
        )
    )
    chat.window.settings_ctl.key_dialog.reject()
    chat.type_and_send("Keep me")
    assert chat.composer.toPlainText() == "Keep me"
    qtbot.waitUntil(lambda: chat.window.settings_ctl.key_dialog.isVisible())
    assert groq_server.requests == []
    chat.window.settings_ctl.key_dialog.reject()
    chat.close()


def test_with_no_keychain_the_user_is_told_and_the_key_still_works(
    qtbot, run, groq_server, isolated_environment
) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    chat = ChatApp(qtbot, run, isolated_environment, groq_server, key=None)
    dialog = chat.window.settings_ctl.key_dialog
    qtbot.waitUntil(lambda: dialog.isVisible())
    dialog.key_edit.setText(groq_server.api_key)
    from PySide6.QtWidgets import QMessageBox

    dialog.accept()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert "no keychain" in box.text() and ".env" in box.text()
    box.accept()
    chat.send_and_wait("Works anyway")
    assert chat.last(Role.ASSISTANT).text == groq_server.reply_text
    chat.close()


def test_the_key_never_reaches_the_logs(
    qtbot, run, groq_server, isolated_environment, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    groq_server.fail_next("401")
    chat.send_and_wait("hi")
    chat.window.change_key_button.click()
    qtbot.waitUntil(
        lambda: (
            chat.window.settings_ctl.key_dialog is not None
            and chat.window.settings_ctl.key_dialog.isVisible()
        )
    )
    chat.window.settings_ctl.key_dialog.reject()
    groq_server.fail_next("drop")
    chat.send_and_wait("again")
    chat.close()
    assert caplog.records  # httpx and the app did log
    assert groq_server.api_key not in caplog.text
    assert "gsk_" not in chat.window.composer.status.text()


def test_a_reply_cut_short_last_time_offers_retry_after_a_restart(
    qtbot, run, groq_server, isolated_environment
) -> None:
    groq_server.reply_text = REPLY
    first = ChatApp(qtbot, run, isolated_environment, groq_server)
    groq_server.fail_next("drop", after=4)
    first.send_and_wait("Tell me everything")
    session_id = first.window.current_session_id
    first.close()

    again = ChatApp(qtbot, run, isolated_environment, groq_server)
    run(again.window.open_session(session_id))
    reply = again.last(Role.ASSISTANT)
    assert reply.note.startswith("Interrupted") and reply.retryable
    click_retry(again, qtbot)
    again.wait_idle()
    replies = [i for i in again.items if i.role == Role.ASSISTANT]
    assert [(r.text, r.versions) for r in replies] == [(REPLY, (2, 2))]  # the cut one: 1/2
    assert not any(r.retryable for r in replies)
    again.close()
