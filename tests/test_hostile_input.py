"""Odd and hostile input: kept exactly, or refused in plain words, and never interpreted.

Messages are typed into the real composer, go through the real groq client to the loopback
server and into a real SQLite file, which is then opened again from disk.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QTextCursor

from desktop_chat.core.chat import MAX_MESSAGE_CHARS, ChatService, MessageRejected
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.models import EventType
from desktop_chat.store.sqlite import SQLiteStore
from desktop_chat.ui.transcript import Role
from tests.ui_helpers import ChatApp

ODD_MESSAGES = [
    "emoji 👩‍💻🎉 skin tones 👋🏽 flags 🇵🇹🇯🇵 family 👨‍👩‍👧‍👦",
    "مرحبا بالعالم — right to left, with English in the middle — שלום עולם",
    "\u202eRTL override\u202c and zero-width\u200bjoiner\u200d marks",
    "nul\x00byte and \x00\x00 more, bell \x07, escape \x1b[31m",
    "combining e\u0301 vs é, z̸̢a̷l̶g̵o, CJK 你好，世界, math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "quotes ' \" ` and backslashes \\ \\\\ and SQL '); DROP TABLE events; --",
    '{"json": "inside", "text": "not a payload"}',
]
# The editor turns \r\n and \r into \n as it takes the text; below the window they are kept.
RAW_MESSAGES = [*ODD_MESSAGES, "line one\r\nline two\rline three\n\ttabbed", "\ufeffBOM first"]
HOSTILE_HTML = (
    '<script>alert(1)</script><img src="https://example.com/x.png" onerror="alert(2)">'
    '<a href="javascript:alert(3)">click</a><style>body{display:none}</style>'
)


def reopened_texts(chat: ChatApp, data_dir) -> list[tuple[EventType, str]]:
    store = SQLiteStore(data_dir / "chat.db")
    try:
        return [(e.type, e.text) for e in chat.run(store.events(chat.window.current_session_id))]
    finally:
        chat.run(store.close())


@pytest.mark.parametrize("blank", ["", " ", "   \n\t \n", "\u00a0\u3000\u2003", "\r\n\r\n"])
def test_blank_messages_are_not_sent(app, groq_server, blank) -> None:
    app.type_and_send(blank)
    assert app.items == [] and groq_server.requests == []
    assert app.window.current_session_id is None and app.run(app.store.list_sessions()) == []
    assert app.window.composer.status.text() == "Type a message first."


def test_odd_text_round_trips_through_the_window_the_wire_and_the_file(
    app, groq_server, isolated_environment
) -> None:
    groq_server.reply_for = lambda body: "echo: " + body["messages"][-1]["content"]
    for text in ODD_MESSAGES:
        app.send_and_wait(text)
        assert groq_server.requests[-1]["messages"][-1] == {"role": "user", "content": text}
        assert app.last(Role.ASSISTANT).text == "echo: " + text
    expected = []
    for text in ODD_MESSAGES:
        expected += [(EventType.USER_MESSAGE, text), (EventType.AI_RESPONSE, "echo: " + text)]
    assert reopened_texts(app, isolated_environment) == expected
    # What the user typed is shown exactly as typed.
    shown = [i.text for i in app.items if i.role == Role.USER]
    assert shown == ODD_MESSAGES


def test_a_one_megabyte_paste_is_refused_plainly_and_kept_in_the_composer(app, groq_server) -> None:
    paste = ("All work and no play makes Jack a dull boy. 🎉\n" * 25_000)[:1_000_000]
    assert len(paste.encode()) > 1_000_000
    app.type_and_send(paste)
    assert groq_server.requests == [] and app.items == []
    status = app.window.composer.status.text()
    assert "1,000,000 characters" in status and f"{MAX_MESSAGE_CHARS:,}" in status
    assert app.composer.toPlainText() == paste, "a refused message must not be thrown away"


def test_a_paste_past_the_limit_never_lands_and_says_why(app) -> None:
    app.composer.setPlainText("draft")
    app.composer.moveCursor(QTextCursor.MoveOperation.End)
    mime = QMimeData()
    mime.setText("x" * MAX_MESSAGE_CHARS)  # with the draft: 5 over
    app.composer.insertFromMimeData(mime)
    assert app.composer.toPlainText() == "draft"
    status = app.window.composer.status.text()
    assert status.startswith("Not pasted") and f"{MAX_MESSAGE_CHARS + 5:,}" in status
    mime.setText("x" * (MAX_MESSAGE_CHARS - 5))  # exactly the limit: it lands
    app.composer.insertFromMimeData(mime)
    assert len(app.composer.toPlainText()) == MAX_MESSAGE_CHARS


def test_odd_text_round_trips_through_the_service_unchanged(
    run, groq_server, isolated_environment
) -> None:
    groq_server.reply_for = lambda body: "echo: " + body["messages"][-1]["content"]
    store = SQLiteStore(isolated_environment / "chat.db")
    llm = GroqClient(groq_server.api_key, base_url=groq_server.base_url)
    service = ChatService(store, llm)
    session = run(service.new_session())
    for text in RAW_MESSAGES:
        pieces: list[str] = []
        assert run(service.send(session.session_id, text, pieces.append)).ok
        assert groq_server.requests[-1]["messages"][-1]["content"] == text
        assert "".join(pieces) == "echo: " + text
    run(llm.close())
    run(store.close())
    store = SQLiteStore(isolated_environment / "chat.db")
    texts = [e.text for e in run(store.events(session.session_id))]
    assert texts == [t for text in RAW_MESSAGES for t in (text, "echo: " + text)]
    run(store.close())


def test_the_largest_allowed_message_round_trips(run, groq_server, isolated_environment) -> None:
    text = ("0123456789abcdef🎉\x00" * (MAX_MESSAGE_CHARS // 18 + 1))[:MAX_MESSAGE_CHARS]
    store = SQLiteStore(isolated_environment / "chat.db")
    llm = GroqClient(groq_server.api_key, base_url=groq_server.base_url)
    service = ChatService(store, llm)
    session = run(service.new_session())
    outcome = run(service.send(session.session_id, text, lambda piece: None))
    assert outcome.ok
    assert groq_server.requests[-1]["messages"][-1]["content"] == text
    run(llm.close())
    run(store.close())
    store = SQLiteStore(isolated_environment / "chat.db")
    assert run(store.events(session.session_id))[0].text == text
    run(store.close())


def test_a_lone_surrogate_is_refused_with_a_clear_message(
    run, groq_server, isolated_environment
) -> None:
    store = SQLiteStore(isolated_environment / "chat.db")
    llm = GroqClient(groq_server.api_key, base_url=groq_server.base_url)
    service = ChatService(store, llm)
    session = run(service.new_session())
    for broken in ("half an emoji \ud83d here", "\udfff", "ok " * 10 + "\ud800"):
        with pytest.raises(MessageRejected, match="broken character") as caught:
            run(service.send(session.session_id, broken, lambda piece: None))
        assert "surrogate" not in str(caught.value)  # plain words
    assert run(store.events(session.session_id)) == [] and groq_server.requests == []
    run(llm.close())
    run(store.close())


def test_a_reply_with_a_lone_surrogate_is_stored_with_a_replacement(
    run, groq_server, isolated_environment
) -> None:
    groq_server.reply_text = "before \ud800 after, and a real 🎉"  # sent as a \\ud800 escape
    store = SQLiteStore(isolated_environment / "chat.db")
    llm = GroqClient(groq_server.api_key, base_url=groq_server.base_url)
    service = ChatService(store, llm)
    session = run(service.new_session())
    outcome = run(service.send(session.session_id, "hi", lambda piece: None))
    assert outcome.ok
    run(service.end_session(session.session_id))  # the summary (same text) is stored too
    run(llm.close())
    run(store.close())
    store = SQLiteStore(isolated_environment / "chat.db")
    events = run(store.events(session.session_id))
    assert events[1].text == "before \ufffd after, and a real 🎉" and not events[1].interrupted
    assert (
        run(store.get_session(session.session_id)).summary == "before \ufffd after, and a real 🎉"
    )
    run(store.close())


def test_html_and_script_are_shown_as_text_in_messages_and_replies(app, groq_server) -> None:
    groq_server.reply_text = "Here: " + HOSTILE_HTML + " and [link](javascript:alert(4))"
    app.send_and_wait(HOSTILE_HTML)
    user_doc = app.window.delegate.document_for(app.last(Role.USER))
    assert user_doc.toPlainText() == HOSTILE_HTML
    reply_doc = app.window.delegate.document_for(app.last(Role.ASSISTANT))
    shown = reply_doc.toPlainText()
    assert "<script>alert(1)</script>" in shown and 'onerror="alert(2)"' in shown
    html = reply_doc.toHtml() + user_doc.toHtml()
    for active in ("<script", "<img", "<style>body", 'href="javascript:', "href='javascript:"):
        assert active not in html
    stored = app.run(app.store.events(app.window.current_session_id))
    assert stored[0].text == HOSTILE_HTML and stored[1].text == groq_server.reply_text
