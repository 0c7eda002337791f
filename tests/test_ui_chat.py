"""The window end to end: typing, streaming, stopping, memory, sessions, summaries.

Everything goes through the real groq client to the loopback Groq server, and into a real
SQLite file; the tests press keys in the real widgets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_chat.models import EventType
from desktop_chat.ui.transcript import FOLLOW_SLACK, Role
from tests.ui_helpers import ChatApp

LONG_REPLY = " ".join(f"word{i}" for i in range(60))


def stored_events(chat: ChatApp):
    return chat.run(chat.store.events(chat.window.current_session_id))


def test_composer_has_focus_and_enter_sends(app, qtbot, groq_server) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is app.composer)
    app.send_and_wait("Hello there")
    assert [(i.role, i.text) for i in app.items] == [
        (Role.USER, "Hello there"),
        (Role.ASSISTANT, groq_server.reply_text),
    ]
    assert app.composer.toPlainText() == ""
    events = stored_events(app)
    assert [(e.type, e.text) for e in events] == [
        (EventType.USER_MESSAGE, "Hello there"),
        (EventType.AI_RESPONSE, groq_server.reply_text),
    ]
    assert events[1].payload["usage"]["completion_tokens"] == len(groq_server.tokens())
    assert not events[1].interrupted


def test_shift_enter_adds_a_line_instead_of_sending(app, qtbot, groq_server) -> None:
    app.composer.setPlainText("first line")
    app.composer.moveCursor(app.composer.textCursor().MoveOperation.End)
    qtbot.keyClick(app.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(app.composer, "second")
    assert app.composer.toPlainText() == "first line\nsecond"
    assert groq_server.requests == [] and app.items == []


def test_blank_messages_are_not_sent(app, groq_server) -> None:
    app.type_and_send("   \n  ")
    assert app.items == [] and groq_server.requests == []
    assert "Type a message" in app.window.composer.status.text()


def test_reply_streams_into_the_bubble_before_it_ends(app, qtbot, groq_server) -> None:
    groq_server.reply_text = LONG_REPLY
    hold = groq_server.hold_after(10)
    app.type_and_send("Tell me a lot")
    first_ten = "".join(groq_server.tokens()[:10])
    qtbot.waitUntil(
        lambda: (
            (app.last(Role.ASSISTANT) or None) is not None
            and app.last(Role.ASSISTANT).text == first_ten
        )
    )
    assert app.window.busy and app.window.composer.stop_button.isVisible()
    # Stored while streaming, marked incomplete until the end arrives.
    qtbot.waitUntil(lambda: any(e.type == EventType.AI_RESPONSE for e in stored_events(app)))
    assert stored_events(app)[-1].interrupted
    hold.release()
    app.wait_idle()
    assert app.last(Role.ASSISTANT).text == LONG_REPLY
    assert (
        app.window.renderer is None
        and app.window.delegate.document_for(app.last(Role.ASSISTANT)).toPlainText().strip()
        == LONG_REPLY
    )
    assert not stored_events(app)[-1].interrupted


def test_escape_stops_the_reply_and_keeps_what_arrived(app, qtbot, groq_server) -> None:
    groq_server.reply_text = LONG_REPLY
    hold = groq_server.hold_after(5)
    app.type_and_send("Go on and on")
    partial = "".join(groq_server.tokens()[:5])
    qtbot.waitUntil(
        lambda: app.last(Role.ASSISTANT) is not None and app.last(Role.ASSISTANT).text == partial
    )
    qtbot.keyClick(app.composer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not app.window.busy)
    app.run(app.window.wait_idle())
    hold.release()
    reply = app.last(Role.ASSISTANT)
    assert reply.text == partial and "Stopped" in reply.note
    stored = stored_events(app)[-1]
    assert stored.text == partial and stored.interrupted and stored.payload["error"] == "Stopped."
    assert not app.window.composer.stop_button.isVisible()


def test_stop_button_stops_too(app, qtbot, groq_server) -> None:
    groq_server.reply_text = LONG_REPLY
    hold = groq_server.hold_after(3)
    app.type_and_send("Go")
    qtbot.waitUntil(
        lambda: (
            hold.reached.is_set()
            and app.last(Role.ASSISTANT) is not None
            and app.last(Role.ASSISTANT).text != ""
        )
    )
    qtbot.mouseClick(app.window.composer.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not app.window.busy)
    hold.release()
    assert "Stopped" in app.last(Role.ASSISTANT).note


def test_memory_carries_the_earlier_exchange(app, groq_server) -> None:
    groq_server.reply_for = lambda body: (
        "Nice to meet you, Alice!"
        if "Alice" in body["messages"][-1]["content"]
        else "You are Alice."
    )
    app.send_and_wait("My name is Alice")
    app.send_and_wait("What is my name?")
    messages = groq_server.requests[1]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"] == "My name is Alice"
    assert messages[2]["content"] == "Nice to meet you, Alice!"
    assert messages[3]["content"] == "What is my name?"
    assert groq_server.requests[1]["model"] == "llama-3.1-8b-instant"
    assert groq_server.requests[1]["stream"] is True


def test_the_thirteenth_request_carries_exactly_the_last_ten_exchanges(app, groq_server) -> None:
    groq_server.reply_for = lambda body: "answer to " + body["messages"][-1]["content"]
    for n in range(13):
        app.send_and_wait(f"question {n}")
    messages = groq_server.requests[12]["messages"]
    expected = []
    for n in range(2, 12):
        expected += [f"question {n}", f"answer to question {n}"]
    assert [m["content"] for m in messages[1:]] == [*expected, "question 12"]
    assert messages[0]["role"] == "system"


def test_sessions_survive_a_restart_and_resume_with_memory(
    qtbot, run, groq_server, isolated_environment
) -> None:
    groq_server.reply_for = lambda body: "Hello Alice" if len(body["messages"]) == 2 else "Alice."
    first = ChatApp(qtbot, run, isolated_environment, groq_server)
    first.send_and_wait("My name is Alice")
    session_id = first.window.current_session_id
    first.close()

    second = ChatApp(qtbot, run, isolated_environment, groq_server)
    panel = second.window.sessions
    assert panel.proxy.rowCount() == 1
    index = panel.proxy.index(0, 0)
    assert index.data() == "My name is Alice"
    # A restart reopens the session that was open; from a new one, a click opens it too.
    assert second.window.current_session_id == session_id and len(second.items) == 2
    second.window.new_session()
    assert second.items == []
    rect = panel.list.visualRect(index)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: len(second.items) == 2)
    assert second.window.current_session_id == session_id
    assert [i.text for i in second.items] == ["My name is Alice", "Hello Alice"]

    second.send_and_wait("What is my name?")
    contents = [m["content"] for m in groq_server.requests[-1]["messages"]]
    assert contents[1:] == ["My name is Alice", "Hello Alice", "What is my name?"]
    assert len(run(second.store.events(session_id))) == 4
    second.close()


def test_new_session_shortcut_starts_fresh(app, qtbot, groq_server) -> None:
    app.send_and_wait("First chat")
    first_id = app.window.current_session_id
    qtbot.keyClick(app.composer, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert app.items == [] and app.window.current_session_id is None
    app.send_and_wait("Second chat")
    assert app.window.current_session_id != first_id
    titles = [
        app.window.sessions.proxy.index(r, 0).data()
        for r in range(app.window.sessions.proxy.rowCount())
    ]
    assert titles == ["Second chat", "First chat"]
    assert len(groq_server.requests[-1]["messages"]) == 2  # no memory leaks across sessions


def test_end_session_stores_and_shows_the_summary(app, qtbot, groq_server) -> None:
    app.send_and_wait("I like green tea")
    session_id = app.window.current_session_id
    groq_server.reply_text = "The user said they like green tea."
    qtbot.keyClick(app.composer, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: app.last(Role.SUMMARY) is not None)
    assert app.last(Role.SUMMARY).text == "The user said they like green tea."
    request = groq_server.requests[-1]
    assert request.get("stream") in (None, False)
    assert "I like green tea" in request["messages"][-1]["content"]
    session = app.run(app.store.get_session(session_id))
    assert session.summary == "The user said they like green tea." and session.end_time is not None
    assert [e.type for e in app.run(app.store.events(session_id))][-1] == EventType.SUMMARY
    assert app.window.current_session_id is None
    # The next message starts a new session.
    groq_server.reply_text = "Sure."
    app.send_and_wait("Something else")
    assert app.window.current_session_id not in (None, session_id)
    assert [i.role for i in app.items] == [Role.USER, Role.ASSISTANT]


def test_resumed_ended_session_sends_its_summary(app, qtbot, groq_server) -> None:
    app.send_and_wait("I like green tea")
    session_id = app.window.current_session_id
    groq_server.reply_text = "Likes green tea."
    app.window.sessions_ctl.end_session()
    qtbot.waitUntil(lambda: app.last(Role.SUMMARY) is not None)
    app.run(app.window.open_session(session_id))
    app.send_and_wait("What do I like?")
    system = groq_server.requests[-1]["messages"][0]
    assert system["role"] == "system" and "Likes green tea." in system["content"]


def test_shortcuts_focus_and_quit(app, qtbot) -> None:
    app.window.sessions.search.setFocus()
    qtbot.keyClick(app.window.sessions.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is app.composer
    qtbot.keyClick(app.composer, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is app.window.sessions.search
    qtbot.keyClick(app.composer, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not app.window.isVisible())


def test_every_interactive_widget_has_an_accessible_name(app) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QLineEdit,
        QPlainTextEdit,
    )

    widgets = [
        w
        for kind in (QAbstractButton, QAbstractItemView, QLineEdit, QPlainTextEdit)
        for w in app.window.findChildren(kind)
    ]
    assert len(widgets) >= 6
    unnamed = [w for w in widgets if not w.accessibleName()]
    assert unnamed == []


def test_html_in_messages_is_shown_as_text(app, groq_server) -> None:
    hostile = '<img src="https://example.com/x.png"><script>alert(1)</script><b>bold?</b>'
    groq_server.reply_text = "Reply with <i>html</i> and ![pic](https://example.com/p.png)"
    app.send_and_wait(hostile)
    user_doc = app.window.delegate.document_for(app.last(Role.USER))
    assert user_doc.toPlainText() == hostile
    reply_doc = app.window.delegate.document_for(app.last(Role.ASSISTANT))
    assert "<i>html</i>" in reply_doc.toPlainText()
    assert "[image: pic]" in reply_doc.toPlainText()
    assert "<img" not in reply_doc.toHtml()


def test_the_view_follows_new_text_only_while_at_the_bottom(app, qtbot, groq_server) -> None:
    groq_server.reply_text = "\n\n".join(f"Paragraph {n}: " + "word " * 40 for n in range(40))
    hold = groq_server.hold_after(1200)
    app.type_and_send("A long answer, please")
    view = app.window.transcript
    bar = view.verticalScrollBar()
    qtbot.waitUntil(
        lambda: (
            hold.reached.is_set()
            and app.last(Role.ASSISTANT) is not None
            and app.last(Role.ASSISTANT).text == "".join(groq_server.tokens()[:1200])
        )
    )
    qtbot.waitUntil(lambda: bar.maximum() > 0)

    # The newest text sits in the bottom third of the view (which steps ahead of the text,
    # and the row may be taller while it grows) once the view has laid out the last flush.
    def text_end() -> int:
        return view.text_end() - bar.value()

    height = view.viewport().height()
    qtbot.waitUntil(lambda: height * 2 // 3 - FOLLOW_SLACK <= text_end() <= height)
    assert bar.value() > 0

    bar.setValue(0)  # the user scrolls up to read: new text must not pull the view down
    hold.release()
    app.wait_idle()
    assert bar.value() == 0
    assert app.last(Role.ASSISTANT).text == groq_server.reply_text

    view.follow_bottom()
    app.send_and_wait("Short one")
    assert bar.value() == bar.maximum()
