"""The conversation tree in the window (issue 12): versions, regenerate, edit, Alt+arrows.

Real window, real groq client against the loopback server, real SQLite file; the tests click
the painted switcher and press the keys.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_chat.ui.conversation_controller import EDITING_STATUS
from desktop_chat.ui.transcript import Role
from tests.ui_helpers import ChatApp


def shown(chat: ChatApp) -> list[tuple[Role, str, tuple[int, int] | None]]:
    return [(i.role, i.text, i.versions) for i in chat.items]


def click_version(chat: ChatApp, item, step: int) -> None:
    """Click the painted ‹ (step -1) or › (+1) under `item`."""
    view = chat.window.transcript
    index = chat.window.transcript_model.index_of(item)
    rect = view.visualRect(index)
    previous, following = chat.window.delegate.version_rects(item, rect)
    arrow = previous if step < 0 else following
    assert arrow.isValid(), "no version switcher is painted"
    chat.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=arrow.center())


def regenerate_with(chat: ChatApp, server, text: str) -> None:
    server.reply_text = text
    chat.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier, chat.composer)
    chat.wait_idle()


def test_regenerate_replaces_the_reply_and_the_switcher_shows_what_is_remembered(
    app, qtbot, groq_server
) -> None:
    groq_server.reply_text = "First answer."
    app.send_and_wait("Question one")
    assert shown(app)[-1] == (Role.ASSISTANT, "First answer.", None)

    # While the new version streams, the old reply is off the screen.
    groq_server.reply_text = "Second answer, a longer one."
    hold = groq_server.hold_after(2)
    app.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier, app.composer)
    qtbot.waitUntil(lambda: hold.reached.is_set() and bool(app.items[-1].text))
    assert [i.text for i in app.items if i.role == Role.ASSISTANT] == [app.items[-1].text]
    assert "First answer." not in [i.text for i in app.items]
    hold.release()
    app.wait_idle()
    assert shown(app) == [
        (Role.USER, "Question one", None),
        (Role.ASSISTANT, "Second answer, a longer one.", (2, 2)),
    ]

    # ‹ shows the older version, and the next request remembers that one.
    click_version(app, app.items[-1], -1)
    qtbot.waitUntil(lambda: app.items[-1].text == "First answer.")
    assert app.items[-1].versions == (1, 2)
    groq_server.reply_text = "Third."
    app.send_and_wait("Question two")
    history = groq_server.requests[-1]["messages"]
    assert {"role": "assistant", "content": "First answer."} in history
    assert not any(m["content"] == "Second answer, a longer one." for m in history)
    # Reopening the session shows the same branch, with its switcher.
    app.run(app.window.open_session(app.window.current_session_id))
    assert shown(app)[1] == (Role.ASSISTANT, "First answer.", (1, 2))


def test_retry_after_an_error_leaves_the_old_reply_one_version_back(
    app, qtbot, groq_server
) -> None:
    groq_server.reply_text = "Kept answer."
    app.send_and_wait("Hello")
    groq_server.fail_next("500")
    regenerate_with(app, groq_server, "Unused.")
    # Nothing new was stored: the old reply is back, above the error.
    assert [(i.role, i.text) for i in app.items][:2] == [
        (Role.USER, "Hello"),
        (Role.ASSISTANT, "Kept answer."),
    ]
    assert app.items[-1].role == Role.ERROR
    regenerate_with(app, groq_server, "Fresh answer.")  # Retry
    assert shown(app) == [(Role.USER, "Hello", None), (Role.ASSISTANT, "Fresh answer.", (2, 2))]


def test_edit_any_message_makes_a_new_version_and_replaces_the_branch(
    app, qtbot, groq_server
) -> None:
    groq_server.reply_text = "Answer A."
    app.send_and_wait("First question")
    groq_server.reply_text = "Answer B."
    app.send_and_wait("Second question")
    first = app.items[0]
    app.window.composer.edit.setPlainText("draft kept")
    app.window.delegate.edit_requested.emit(first.event_id, first.text)  # its hover Edit
    assert app.composer.toPlainText() == "First question"
    assert app.window.composer.status.text() == EDITING_STATUS
    groq_server.reply_text = "Answer C."
    app.composer.setPlainText("First question, edited")
    qtbot.keyClick(app.composer, Qt.Key.Key_Return)
    app.wait_idle()
    assert shown(app) == [
        (Role.USER, "First question, edited", (2, 2)),
        (Role.ASSISTANT, "Answer C.", None),
    ]
    sent = groq_server.requests[-1]["messages"]
    assert not any("Second question" in m["content"] for m in sent)
    # The old branch is one ‹ away, whole.
    click_version(app, app.items[0], -1)
    qtbot.waitUntil(lambda: app.items[0].text == "First question")
    assert [i.text for i in app.items] == [
        "First question",
        "Answer A.",
        "Second question",
        "Answer B.",
    ]
    assert app.items[0].versions == (1, 2)


def test_up_edits_the_last_message_and_esc_cancels(app, qtbot, groq_server) -> None:
    app.send_and_wait("Only question")
    app.composer.setFocus()
    qtbot.keyClick(app.composer, Qt.Key.Key_Up)
    assert app.composer.toPlainText() == "Only question"
    assert "Editing — Esc to cancel" in app.window.composer.status.text()
    qtbot.keyClick(app.composer, Qt.Key.Key_Escape)
    assert app.window.conversation.editing_event_id is None
    assert app.composer.toPlainText() == ""
    # After cancelling, Enter sends a new message, not a version.
    app.send_and_wait("Another question")
    assert [i.text for i in app.items if i.role == Role.USER] == [
        "Only question",
        "Another question",
    ]
    assert all(i.versions is None for i in app.items)

    qtbot.keyClick(app.composer, Qt.Key.Key_Up)
    groq_server.reply_text = "Edited reply."
    app.composer.setPlainText("Another question, better")
    qtbot.keyClick(app.composer, Qt.Key.Key_Return)
    app.wait_idle()
    assert shown(app)[-2:] == [
        (Role.USER, "Another question, better", (2, 2)),
        (Role.ASSISTANT, "Edited reply.", None),
    ]


def test_alt_arrows_switch_the_last_message_with_versions(app, qtbot, groq_server) -> None:
    groq_server.reply_text = "One."
    app.send_and_wait("Hi")
    regenerate_with(app, groq_server, "Two.")
    # The hover "↻ Regenerate" does the same as Ctrl+R.
    groq_server.reply_text = "Three."
    view, model = app.window.transcript, app.window.transcript_model
    reply = app.items[-1]
    pill = app.window.delegate.regenerate_rect(reply, view.visualRect(model.index(1)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pill.center())
    app.wait_idle()
    qtbot.waitUntil(lambda: app.items[-1].text == "Three.")
    assert app.items[-1].versions == (3, 3)
    app.key(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier, app.composer)
    qtbot.waitUntil(lambda: app.items[-1].text == "Two.")
    assert app.items[-1].versions == (2, 3)
    app.key(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier, app.composer)
    qtbot.waitUntil(lambda: app.items[-1].text == "One.")
    app.key(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier, app.composer)  # past the end
    app.key(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier, app.composer)
    qtbot.waitUntil(lambda: app.items[-1].text == "Two.")
    assert app.items[-1].versions == (2, 3)


def test_continue_picks_up_a_stopped_reply(app, qtbot, groq_server) -> None:
    groq_server.reply_text = "one two three four five six seven eight"
    hold = groq_server.hold_after(3)
    app.type_and_send("Count")
    qtbot.waitUntil(lambda: hold.reached.is_set() and bool(app.items[-1].text))
    qtbot.waitUntil(lambda: app.run(app.store.events(app.window.current_session_id))[-1].text != "")
    app.key(Qt.Key.Key_Escape, widget=app.composer)
    hold.release()
    app.wait_idle()
    stopped = app.last(Role.ASSISTANT)
    partial = stopped.text
    assert stopped.note and stopped.event_id
    view = app.window.transcript
    model = app.window.transcript_model
    rect = view.visualRect(model.index_of(stopped))
    pill = app.window.delegate.continue_rect(stopped, rect)
    assert pill.isValid(), "a stopped reply offers Continue"
    groq_server.reply_text = " nine ten."
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pill.center())
    app.wait_idle()
    # The model was shown the reply so far as its own turn, and the rest joins the same reply.
    assert groq_server.requests[-1]["messages"][-1] == {"role": "assistant", "content": partial}
    assert [(i.role, i.text) for i in app.items] == [
        (Role.USER, "Count"),
        (Role.ASSISTANT, partial + " nine ten."),
    ]
    stored = app.run(app.store.events(app.window.current_session_id))
    assert [e.text for e in stored] == ["Count", partial + " nine ten."]


def test_branch_and_delete_from_the_context_menu(app, qtbot, groq_server) -> None:
    groq_server.reply_text = "Reply one."
    app.send_and_wait("Message one")
    groq_server.reply_text = "Reply two."
    app.send_and_wait("Message two")
    source = app.window.current_session_id
    view = app.window.transcript
    model = app.window.transcript_model

    def menu_on(item):
        rect = view.visualRect(model.index_of(item))
        view.contextMenuEvent(_context_event(view, rect.center()))
        return {a.text(): a for a in view.context_menu.actions()}

    menu_on(app.items[1])["Branch to a new session"].trigger()
    qtbot.waitUntil(lambda: app.window.current_session_id != source)
    assert [i.text for i in app.items] == ["Message one", "Reply one."]
    assert "branch" in app.window.chat_title.text()

    app.run(app.window.open_session(source))
    menu_on(app.items[2])["Delete message"].trigger()
    qtbot.waitUntil(lambda: len(app.items) == 2)
    assert [i.text for i in app.items] == ["Message one", "Reply one."]
    assert app.window.undo_button.isVisible()
    app.window.undo_button.click()
    qtbot.waitUntil(lambda: len(app.items) == 4)
    assert [i.text for i in app.items][2:] == ["Message two", "Reply two."]
    # Deleted again, it is out of what the next request remembers.
    menu_on(app.items[2])["Delete message"].trigger()
    qtbot.waitUntil(lambda: len(app.items) == 2)
    app.send_and_wait("Message three")
    history = [m["content"] for m in groq_server.requests[-1]["messages"]]
    assert "Message one" in history and "Message two" not in history


def _context_event(view, point):
    from PySide6.QtGui import QContextMenuEvent

    return QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)
    )


def test_import_from_the_session_menu(app, qtbot, groq_server) -> None:
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures" / "imports"
    menu = app.window.session_actions.menu
    action = next(a for a in menu.actions() if a.text() == "Import…")
    action.trigger()
    dialog = app.window.session_actions.import_dialog
    dialog.fileSelected.emit(str(fixtures / "chatgpt-conversations.json"))
    qtbot.waitUntil(lambda: app.window.composer.status.text().startswith("Imported"))
    assert "2 sessions" in app.window.composer.status.text()
    titles = [s.display_title for s in app.window.sessions.model.sessions]
    assert "Lisbon trip" in titles
    assert app.items and any(i.versions for i in app.items)  # its branches came along
    dialog.fileSelected.emit(str(fixtures / "chatgpt-conversations.json"))
    qtbot.waitUntil(lambda: "Nothing new" in app.window.composer.status.text())
    dialog.fileSelected.emit(str(fixtures))  # a folder: plain words, nothing breaks
    qtbot.waitUntil(lambda: "Could not read" in app.window.composer.status.text())
    dialog.close()
