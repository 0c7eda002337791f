"""The composer and the chat column, driven through the real window (offscreen): growing with
wrapped text, a status row that never moves it, messages queued while a reply streams, notices
that say why a key did nothing, the reply's rate, and the welcome page of a new session."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel

from desktop_chat.core.chat import ReplyOutcome
from desktop_chat.models import Event, EventType
from desktop_chat.ui.composer import MAX_HEIGHT_SHARE
from desktop_chat.ui.main_window import QUEUED_NOTICE, usage_line
from desktop_chat.ui.transcript import Role
from tests.ui_helpers import ChatApp

PARAGRAPH = " ".join(["word"] * 80)


@pytest.fixture
def app(app, qtbot):
    """conftest's `app`, 900 px wide: the heights measured here depend on the width."""
    app.window.resize(900, 700)
    qtbot.waitUntil(lambda: app.window.width() == 900)
    return app


def status(app: ChatApp) -> str:
    return app.window.composer.status.text()


# -- growing -----------------------------------------------------------------------------------
def test_the_composer_grows_with_wrapped_lines_then_scrolls(app, qtbot) -> None:
    edit = app.composer
    one_line = edit.height()
    edit.setPlainText(PARAGRAPH)  # one paragraph, many wrapped lines
    qtbot.waitUntil(lambda: edit.visual_lines() >= 3)
    lines = edit.visual_lines()
    line = edit.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: edit.height() >= one_line + (lines - 1) * line)
    assert edit.document().blockCount() == 1
    assert edit.verticalScrollBar().maximum() == 0  # all of it in view
    edit.setPlainText((PARAGRAPH + "\n") * 6)  # far more than 40% of the window
    limit = app.window.height() * MAX_HEIGHT_SHARE
    qtbot.waitUntil(lambda: edit.height() == edit.sizeHint().height() > one_line * 4)
    assert edit.verticalScrollBar().maximum() > 0  # it scrolls
    assert app.window.composer.height() <= limit + 1
    edit.clear()
    qtbot.waitUntil(lambda: edit.height() == one_line)


def test_the_composer_does_not_move_when_undo_appears(app, qtbot) -> None:
    app.send_and_wait("A chat to delete")
    qtbot.waitExposed(app.window)
    panel = app.window.composer
    before = (panel.mapTo(app.window, QPoint(0, 0)), panel.size(), app.composer.geometry())
    app.run(app.window.session_actions.delete(app.window.current_session_id, "A chat to delete"))
    assert app.window.undo_button.isVisible()
    QApplication.processEvents()
    assert (panel.mapTo(app.window, QPoint(0, 0)), panel.size(), app.composer.geometry()) == before
    app.window.show_status("A very long notice " * 30)  # elided on one line, never wrapped
    QApplication.processEvents()
    assert (panel.mapTo(app.window, QPoint(0, 0)), panel.size()) == before[:2]
    assert QLabel.text(panel.status).endswith("…")  # what it shows
    assert "A very long notice" in panel.status.toolTip()
    app.window.session_actions.forget_undo()
    QApplication.processEvents()
    assert (panel.mapTo(app.window, QPoint(0, 0)), panel.size()) == before[:2]


def test_a_long_notice_never_widens_the_window(app, qtbot) -> None:
    width = app.window.width()
    app.window.show_status("The key is kept for this run only, because no keychain " * 10)
    QApplication.processEvents()
    assert app.window.width() == width
    assert app.window.minimumSizeHint().width() <= 600


# -- while a reply streams ---------------------------------------------------------------------
def start_held_reply(app: ChatApp, qtbot, groq_server, text: str = "first"):
    hold = groq_server.hold_after(2)
    app.type_and_send(text)
    qtbot.waitUntil(hold.reached.is_set)
    qtbot.waitUntil(lambda: app.window.busy)
    return hold


def test_enter_while_a_reply_streams_queues_the_message(app, qtbot, groq_server) -> None:
    hold = start_held_reply(app, qtbot, groq_server)
    qtbot.keyClicks(app.composer, "second")
    qtbot.keyClick(app.composer, Qt.Key.Key_Return)
    assert status(app) == QUEUED_NOTICE
    assert app.composer.toPlainText() == "second"  # still visible, still editable
    hold.release()
    qtbot.waitUntil(lambda: len(groq_server.requests) == 2)
    app.wait_idle()
    assert groq_server.requests[-1]["messages"][-1]["content"] == "second"
    assert [i.text for i in app.items if i.role == Role.USER] == ["first", "second"]
    assert app.composer.toPlainText() == ""


def test_editing_or_esc_cancels_a_queued_message(app, qtbot, groq_server) -> None:
    hold = start_held_reply(app, qtbot, groq_server)
    qtbot.keyClicks(app.composer, "second")
    qtbot.keyClick(app.composer, Qt.Key.Key_Return)
    qtbot.keyClicks(app.composer, "!")  # editing cancels
    assert app.window.replies.queued_text is None and "edited" in status(app)
    qtbot.keyClick(app.composer, Qt.Key.Key_Return)  # queued again
    assert app.window.replies.queued_text == "second!"
    qtbot.keyClick(app.composer, Qt.Key.Key_Escape)  # the first Esc cancels the queue only
    assert app.window.replies.queued_text is None and app.window.busy
    assert "Not queued" in status(app)
    hold.release()
    app.wait_idle()
    assert len(groq_server.requests) == 1
    assert app.composer.toPlainText() == "second!"  # nothing typed is lost


def test_a_queued_message_waits_when_the_reply_is_stopped(app, qtbot, groq_server) -> None:
    hold = start_held_reply(app, qtbot, groq_server)
    qtbot.keyClicks(app.composer, "second")
    qtbot.keyClick(app.composer, Qt.Key.Key_Return)
    qtbot.mouseClick(app.window.composer.stop_button, Qt.MouseButton.LeftButton)
    app.wait_idle()
    hold.release()
    assert len(groq_server.requests) == 1
    assert app.composer.toPlainText() == "second" and "Not sent" in status(app)


def test_switching_sessions_while_a_reply_streams_says_why_it_did_not(
    app, qtbot, groq_server
) -> None:
    app.send_and_wait("older session")
    app.window.new_session()
    hold = start_held_reply(app, qtbot, groq_server, "newer session")
    session_id = app.window.current_session_id
    qtbot.keyClick(app.composer, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "streaming" in status(app))
    notice = status(app)
    assert "Esc" in notice
    assert app.window.current_session_id == session_id
    # The reply's progress line does not replace the notice at once.
    app.window.show_progress("Replying… 40 tokens/s  (Esc to stop)")
    assert status(app) == notice
    hold.release()
    app.wait_idle()


# -- rate --------------------------------------------------------------------------------------
def outcome_with(usage: dict) -> ReplyOutcome:
    event = Event("s", EventType.AI_RESPONSE, {"text": "x", "usage": usage})
    return ReplyOutcome(
        user_event=Event("s", EventType.USER_MESSAGE, {"text": "q"}), reply_event=event
    )


def test_usage_line_counts_from_the_first_token_and_says_one_token() -> None:
    one = usage_line(outcome_with({"completion_tokens": 1, "completion_time": 0.9}), 0.0)
    assert one == "1 token"
    # 100 tokens over 0.5 s since the first one: 200/s, whatever the server's clock included.
    line = usage_line(
        outcome_with({"completion_tokens": 100, "completion_time": 2.5, "prompt_tokens": 1204}), 0.5
    )
    assert line == "100 tokens · 200 tokens/s · 1,204 in prompt"
    # One burst (the client could not time it): the server's generation time.
    assert "500 tokens/s" in usage_line(
        outcome_with({"completion_tokens": 100, "completion_time": 0.2}), 0.001
    )


def test_the_wait_before_the_first_token_is_not_in_the_rate(app, qtbot, groq_server) -> None:
    groq_server.tokens_per_second = 200
    groq_server.reply_text = " ".join(f"w{n}" for n in range(40))
    hold = groq_server.hold_after(0)  # a long wait before the first token
    app.type_and_send("hello")
    qtbot.waitUntil(hold.reached.is_set)
    qtbot.wait(1500)  # the wait being measured
    hold.release()
    app.wait_idle()
    rate = int(status(app).split(" tokens/s")[0].split("· ")[-1].replace(",", ""))
    assert rate > 60, status(app)  # counted from the first token: ~200/s, not ~25/s


# -- welcome -----------------------------------------------------------------------------------
def test_a_new_session_welcomes_with_the_model_and_starter_prompts(app, qtbot, groq_server) -> None:
    window = app.window
    assert window.chat_pages.currentWidget() is window.welcome
    assert window.service.llm.model in window.welcome.model_label.text()
    assert window.welcome.model_label.textFormat() == Qt.TextFormat.PlainText
    button = window.welcome.prompts[2]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.chat_pages.currentWidget() is window.transcript)
    app.wait_idle()
    assert groq_server.requests[-1]["messages"][-1]["content"] == button.prompt
    assert app.items[0].text == button.prompt
    window.new_session()
    assert window.chat_pages.currentWidget() is window.welcome
    app.run(window.open_session(app.window.sessions.model.sessions[0].session_id))
    assert window.chat_pages.currentWidget() is window.transcript


def test_the_welcome_page_fits_a_small_window(app, qtbot) -> None:
    window = app.window
    window.resize(600, 500)
    qtbot.waitUntil(lambda: window.width() == 600 and window.height() == 500)
    welcome = window.welcome
    qtbot.waitUntil(lambda: welcome.width() > 500)
    shown = [b for b in welcome.prompts if b.isVisible()]
    assert shown
    for button in shown:
        top_left = button.mapTo(welcome, QPoint(0, 0))
        assert welcome.rect().contains(button.geometry().translated(top_left - button.pos()))
        assert button.height() >= button.minimumSizeHint().height()
