"""Everyday tools: markdown and copy, message actions, search, rename, delete, export,
titles, settings and the status line — each driven through the real window."""

from __future__ import annotations

import json
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_chat.core.export import parse_json_export
from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.ui.settings_dialog import SettingsDialog
from desktop_chat.ui.transcript import Role
from tests.ui_helpers import ChatApp

MARKDOWN_REPLY = """# Plan

- first
- second

| a | b |
|---|---|
| 1 | 2 |

See [the docs](https://example.com/docs) or [this](javascript:alert(1)).

```python
def answer():
    return 42
```
"""


def row_rect(app: ChatApp, item):
    view = app.window.transcript
    index = app.window.transcript_model.index_of(item)
    view.scrollTo(index)
    return view.visualRect(index)


def click(qtbot, app: ChatApp, point) -> None:
    qtbot.mouseClick(app.window.transcript.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_markdown_renders_with_highlighting_and_copy_buttons(app, qtbot, groq_server) -> None:
    groq_server.reply_text = MARKDOWN_REPLY
    app.send_and_wait("Show me markdown")
    reply = app.last(Role.ASSISTANT)
    document = app.window.delegate.document_for(reply)
    text = document.toPlainText()
    assert "Plan" in text and "# Plan" not in text  # a heading, not literal hashes
    assert document.begin().blockFormat().headingLevel() == 1
    assert "def answer():" in text
    html = document.toHtml()
    assert "<table" in html and "color:#66d9ef" in html.lower()  # pygments colours on `def`

    qtbot.waitExposed(app.window)
    rect = row_rect(app, reply)
    [(pill, code)] = app.window.delegate.code_copy_rects(reply, rect)
    assert code == "def answer():\n    return 42"
    click(qtbot, app, pill.center())
    assert QApplication.clipboard().text() == "def answer():\n    return 42"

    copy = app.window.delegate.copy_rect(reply, rect)
    click(qtbot, app, copy.center())
    assert QApplication.clipboard().text() == MARKDOWN_REPLY


def test_links_open_only_on_click_and_only_for_http(app, qtbot, groq_server) -> None:
    groq_server.reply_text = MARKDOWN_REPLY
    app.send_and_wait("links")
    reply = app.last(Role.ASSISTANT)
    opened = []
    app.window.delegate.link_clicked.connect(lambda url, _text: opened.append(url))
    app.window.delegate.link_clicked.disconnect(app.window.open_link)  # no real browser here
    rect = row_rect(app, reply)
    link = app.window.delegate.anchor_rect(reply, rect, "https://example.com/docs")
    assert link.isValid()
    click(qtbot, app, link.center())
    assert [url.toString() for url in opened] == ["https://example.com/docs"]
    assert app.window.delegate.anchor_rect(reply, rect, "javascript:alert(1)").isNull()
    assert "javascript:alert(1)" in app.window.delegate.document_for(reply).toPlainText()


def test_regenerate_up_to_edit_and_copy_last_reply(app, qtbot, groq_server) -> None:
    replies = iter(["first answer", "second answer"])
    groq_server.reply_for = lambda body: next(replies)
    app.send_and_wait("Question one")
    qtbot.keyClick(app.composer, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    app.wait_idle()
    # The new version replaces the first on screen; the first is one ‹ back (issue 12).
    assert [(i.text, i.versions) for i in app.items if i.role == Role.ASSISTANT] == [
        ("second answer", (2, 2))
    ]
    assert groq_server.requests[-1]["messages"][-1]["content"] == "Question one"
    assert len([m for m in groq_server.requests[-1]["messages"] if m["role"] == "user"]) == 1

    qtbot.keyClick(
        app.composer,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert QApplication.clipboard().text() == "second answer"

    assert app.composer.toPlainText() == ""
    qtbot.keyClick(app.composer, Qt.Key.Key_Up)
    assert app.composer.toPlainText() == "Question one"
    qtbot.keyClick(app.composer, Qt.Key.Key_Up)  # not empty now: Up moves the cursor only
    assert app.composer.toPlainText() == "Question one"


def seed_old_session(app: ChatApp, messages: int, needle_at: int) -> tuple[str, str]:
    old = Session(title="Old notes", start_time=utc_now() - timedelta(days=30))
    app.run(app.store.create_session(old))
    needle_id = ""
    parent = None  # a chain: the transcript shows the branch up to the newest message
    for n in range(messages):
        text = f"filler message number {n}"
        if n == needle_at:
            text = "we talked about the xylophone repair shop"
        event = Event(
            old.session_id,
            EventType.USER_MESSAGE if n % 2 == 0 else EventType.AI_RESPONSE,
            {"text": text},
            timestamp=old.start_time + timedelta(seconds=n),
            parent_id=parent,
        )
        app.run(app.store.add_event(event))
        parent = event.event_id
        if n == needle_at:
            needle_id = event.event_id
    return old.session_id, needle_id


def test_search_finds_a_match_deep_in_an_old_session_and_opens_it_there(
    app, qtbot, groq_server
) -> None:
    session_id, needle_id = seed_old_session(app, messages=300, needle_at=7)
    app.send_and_wait("A newer chat")
    qtbot.keyClick(app.composer, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = app.window.sessions.search
    assert QApplication.focusWidget() is search
    qtbot.keyClicks(search, "xyloph")
    panel = app.window.sessions
    qtbot.waitUntil(lambda: panel.results.isVisible() and panel.results_model.rowCount() == 1)
    [hit] = panel.results_model.hits
    assert hit.event_id == needle_id and "\x02xylophone\x03" in hit.snippet
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window.current_session_id == session_id)
    item = next(i for i in app.items if i.event_id == needle_id)
    assert item.highlighted
    view = app.window.transcript
    index = app.window.transcript_model.index_of(item)
    assert view.viewport().rect().intersects(view.visualRect(index))  # scrolled to it
    search.clear()
    qtbot.waitUntil(lambda: panel.list.isVisible() and not panel.results.isVisible())


def test_search_with_no_match_says_so(app, qtbot) -> None:
    app.window.sessions.search.setText("nothing matches this")
    qtbot.waitUntil(lambda: app.window.sessions.no_results.isVisible())


def select_session(app: ChatApp, qtbot, title: str) -> None:
    panel = app.window.sessions
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.index(r, 0).data() == title)
    panel.list.setFocus()
    panel.list.setCurrentIndex(panel.proxy.index(row, 0))


def test_rename_with_f2(app, qtbot) -> None:
    app.send_and_wait("Original title")
    select_session(app, qtbot, "Original title")
    qtbot.keyClick(app.window.sessions.list, Qt.Key.Key_F2)
    dialog = app.window.session_actions.rename_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.setTextValue("  Renamed   chat ")
    dialog.accept()
    qtbot.waitUntil(lambda: app.window.sessions.proxy.index(0, 0).data() == "Renamed chat")
    assert app.run(app.store.get_session(app.window.current_session_id)).title == "Renamed chat"


def test_delete_asks_first_and_can_be_undone(app, qtbot) -> None:
    app.send_and_wait("Doomed chat")
    session_id = app.window.current_session_id
    # Delete in the composer edits text; it never deletes a session.
    app.composer.setPlainText("abc")
    app.composer.moveCursor(app.composer.textCursor().MoveOperation.Start)
    qtbot.keyClick(app.composer, Qt.Key.Key_Delete)
    assert app.composer.toPlainText() == "bc"
    assert app.window.sessions.proxy.rowCount() == 1

    select_session(app, qtbot, "Doomed chat")
    qtbot.keyClick(app.window.sessions.list, Qt.Key.Key_Delete)
    box = app.window.session_actions.delete_box
    qtbot.waitUntil(box.isVisible)
    assert "Doomed chat" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert app.window.sessions.proxy.rowCount() == 1

    qtbot.keyClick(app.window.sessions.list, Qt.Key.Key_Delete)
    box = app.window.session_actions.delete_box
    qtbot.waitUntil(box.isVisible)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: app.window.sessions.proxy.rowCount() == 0)
    assert app.items == [] and app.window.current_session_id is None
    assert app.run(app.store.get_session(session_id)).deleted_at is not None
    assert app.window.undo_button.isVisible()
    qtbot.mouseClick(app.window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window.sessions.proxy.rowCount() == 1)
    assert app.run(app.store.get_session(session_id)).deleted_at is None
    assert not app.window.undo_button.isVisible()


def test_export_json_round_trips_and_markdown_reads_well(app, tmp_path, groq_server) -> None:
    groq_server.reply_text = MARKDOWN_REPLY
    app.send_and_wait("Export me 👋 <b>ok</b>")
    session_id = app.window.current_session_id
    app.run(app.window.session_actions.export_session(session_id, tmp_path / "chat.json", "json"))
    app.run(app.window.session_actions.export_session(session_id, tmp_path / "chat.md", "md"))
    session, events = parse_json_export((tmp_path / "chat.json").read_text(encoding="utf-8"))
    stored = app.run(app.store.events(session_id))
    assert [(e.event_id, e.type, e.timestamp, e.payload) for e in events] == [
        (e.event_id, e.type, e.timestamp, e.payload) for e in stored
    ]
    assert session.session_id == session_id
    markdown = (tmp_path / "chat.md").read_text(encoding="utf-8")
    assert "Export me 👋 <b>ok</b>" in markdown and "def answer():" in markdown
    exported = (tmp_path / "chat.json").read_text() + markdown
    assert groq_server.api_key not in exported
    assert json.loads((tmp_path / "chat.json").read_text())["format"] == "desktop-chat/2"


def test_the_model_titles_the_session_after_the_first_reply(
    qtbot, run, groq_server, isolated_environment
) -> None:
    def reply(body):
        if "title" in body["messages"][0]["content"].lower():
            return "Sourdough Starter Care"
        return "Feed it daily."

    groq_server.reply_for = reply
    chat = ChatApp(qtbot, run, isolated_environment, groq_server, auto_title=True)
    chat.send_and_wait("how do I keep my sourdough starter alive while I travel for two weeks?")
    panel = chat.window.sessions
    qtbot.waitUntil(lambda: panel.proxy.index(0, 0).data() == "Sourdough Starter Care")
    assert len(groq_server.requests) == 2
    chat.send_and_wait("and in winter?")
    assert len(groq_server.requests) == 3  # only the first reply asks for a title
    chat.close()


def test_title_falls_back_to_the_first_words(qtbot, run, groq_server, isolated_environment) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server, auto_title=True)
    groq_server.reply_text = "Sure."
    groq_server.fail_next("ok")
    groq_server.fail_next("500")  # the title request fails
    chat.send_and_wait("Plan my week please")
    qtbot.waitUntil(lambda: len(groq_server.requests) == 2)
    chat.run(chat.window.wait_idle())
    assert chat.window.sessions.proxy.index(0, 0).data() == "Plan my week please"
    chat.close()


def open_settings(app: ChatApp, qtbot) -> SettingsDialog:
    qtbot.keyClick(app.composer, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = app.window.settings_ctl.settings_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    return dialog


def test_settings_apply_persist_and_reach_the_request(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.send_and_wait("hello")
    dialog = open_settings(chat, qtbot)
    qtbot.waitUntil(lambda: dialog.model.count() == len(groq_server.models))
    assert [dialog.model.itemText(i) for i in range(dialog.model.count())] == sorted(
        groq_server.models
    )
    dialog.model.setCurrentText("llama-3.3-70b-versatile")
    dialog.temperature.setValue(0.2)
    dialog.system_prompt.setPlainText("You are terse.")
    dialog.session_prompt.setPlainText("Answer like a pirate.")
    dialog.memory_turns.setValue(3)
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    dialog.font_size.setValue(14)
    dialog.send_key.setCurrentIndex(dialog.send_key.findData("ctrl+enter"))
    dialog.accept()

    assert chat.window.theme.name == "light"
    assert chat.window.delegate.font.pointSizeF() == 14
    # Ctrl+Enter now sends; Enter adds a line.
    chat.composer.setPlainText("line")
    chat.composer.moveCursor(chat.composer.textCursor().MoveOperation.End)
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    assert chat.composer.toPlainText() == "line\n" and len(groq_server.requests) == 1
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    chat.wait_idle()
    request = groq_server.requests[-1]
    assert request["model"] == "llama-3.3-70b-versatile" and request["temperature"] == 0.2
    assert request["messages"][0]["content"] == "Answer like a pirate."
    session_id = chat.window.current_session_id
    chat.close()

    # A new window reads them back from QSettings.
    again = ChatApp(qtbot, run, isolated_environment, groq_server)
    assert again.window.preferences.model == "llama-3.3-70b-versatile"
    assert again.window.preferences.memory_turns == 3 and again.window.theme.name == "light"
    assert again.composer.send_with_ctrl
    # The session's own prompt is kept with the session: shown again, and sent after a restart.
    assert again.service.settings.session_prompts == {session_id: "Answer like a pirate."}
    run(again.window.open_session(session_id))
    assert again.window.current_session_id == session_id
    again.composer.setPlainText("where is the treasure?")
    qtbot.keyClick(again.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    again.wait_idle()
    request = groq_server.requests[-1]
    assert request["messages"][0]["content"] == "Answer like a pirate."
    assert request["messages"][-1]["content"] == "where is the treasure?"
    again.close()


def test_font_size_shortcuts(app, qtbot) -> None:
    before = app.window.delegate.font.pointSizeF()
    qtbot.keyClick(app.composer, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert app.window.delegate.font.pointSizeF() == before + 1
    qtbot.keyClick(app.composer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(app.composer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert app.window.delegate.font.pointSizeF() == before - 1


def test_status_shows_speed_and_usage(app, groq_server) -> None:
    app.send_and_wait("hello")
    status = app.window.composer.status.text()
    tokens = len(groq_server.tokens())
    assert f"{tokens} tokens" in status and "tokens/s" in status and "in prompt" in status


def test_a_huge_paste_is_refused_clearly_and_what_was_typed_is_kept(
    app, qtbot, groq_server
) -> None:
    QApplication.clipboard().setText("x" * (1024 * 1024))
    qtbot.keyClicks(app.composer, "my note: ")
    qtbot.keyClick(app.composer, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "1,048,585 characters" in app.window.composer.status.text()
    assert app.composer.toPlainText() == "my note: " and groq_server.requests == []
    qtbot.keyClick(app.composer, Qt.Key.Key_Return)
    app.wait_idle()
    assert groq_server.requests[-1]["messages"][-1]["content"] == "my note: "


def test_a_large_paste_within_limits_is_sent_whole(app, groq_server) -> None:
    large = ("line of pasted log output\n" * 8000)[:200_000]
    app.send_and_wait(large, timeout=20_000)
    assert groq_server.requests[-1]["messages"][-1]["content"] == large
    assert app.run(app.store.events(app.window.current_session_id))[0].text == large


def test_ctrl_tab_walks_through_sessions(app, qtbot) -> None:
    for title in ("first", "second", "third"):
        app.window.new_session()
        app.send_and_wait(title)
    # Newest first: third, second, first. The open session is "third".
    opened = []
    for _ in range(3):
        qtbot.keyClick(app.composer, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(
            lambda: app.items and app.items[0].text != (opened[-1] if opened else "third")
        )
        opened.append(app.items[0].text)
    assert opened == ["second", "first", "third"]
    qtbot.keyClick(
        app.composer,
        Qt.Key.Key_Backtab,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: app.items[0].text == "first")
