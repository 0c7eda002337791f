"""A branched session links back (issue 12): "Branched from <title>" in the header opens the
original session at the message it was branched at; a deleted original leaves a plain note."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_chat.ui.branch_link import GONE_NOTE
from tests.ui_helpers import ChatApp


@pytest.fixture
def app(qtbot, run, groq_server, isolated_environment):
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    yield chat
    chat.close()


def make_branch(app: ChatApp, qtbot, groq_server, turns: int = 3) -> tuple[str, str]:
    """A session of `turns` exchanges, branched at the first reply; returns (source, event)."""
    for n in range(turns):
        groq_server.reply_text = f"Reply {n}. " + "Long enough to take room. " * 30
        app.send_and_wait(f"Message {n}")
    source = app.window.current_session_id
    event_id = app.items[1].event_id
    app.window.conversation.branch(event_id)
    qtbot.waitUntil(lambda: app.window.current_session_id not in (None, source))
    return source, event_id


def test_the_link_opens_the_original_at_the_message(app, qtbot, groq_server) -> None:
    app.window.resize(900, 600)
    source, event_id = make_branch(app, qtbot, groq_server, turns=4)
    link = app.window.branch_link
    qtbot.waitUntil(link.isVisible)
    title = app.window.sessions_ctl.titles[source]
    assert link.button.isVisible() and not link.note.isVisible()
    assert link.button.full_text() == f"Branched from {title}"
    qtbot.mouseClick(link.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window.current_session_id == source)
    model, view = app.window.transcript_model, app.window.transcript
    row = next(r for r, item in enumerate(model.items) if item.event_id == event_id)
    assert model.items[row].highlighted  # outlined for a moment
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(view.visualRect(model.index(row))))
    # Not scrolled to the bottom: the last reply is out of view, the branch point is in it.
    last = view.visualRect(model.index(len(model.items) - 1))
    assert not view.viewport().rect().contains(last)
    assert not link.isVisible()  # the original is not itself a branch


def test_a_hidden_version_is_shown_when_the_link_is_followed(app, qtbot, groq_server) -> None:
    source, event_id = make_branch(app, qtbot, groq_server, turns=1)
    branch = app.window.current_session_id
    app.run(app.window.open_session(source))
    groq_server.reply_text = "A second version."
    app.window.replies.regenerate()
    qtbot.waitUntil(lambda: not app.window.busy and app.items[-1].text == "A second version.")
    app.run(app.window.open_session(branch))
    qtbot.mouseClick(app.window.branch_link.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window.current_session_id == source)
    assert app.items[1].event_id == event_id and app.items[1].versions == (1, 2)


def test_a_deleted_original_leaves_a_plain_note(app, qtbot, groq_server) -> None:
    source, _ = make_branch(app, qtbot, groq_server, turns=1)
    branch = app.window.current_session_id
    link = app.window.branch_link
    qtbot.waitUntil(link.isVisible)
    # Deleted while the branch is open: the click finds it gone and says so.
    app.run(app.window.service.delete_session(source))
    qtbot.mouseClick(link.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: link.note.isVisible())
    assert app.window.current_session_id == branch
    assert "deleted" in app.window.composer.status.text()
    assert not link.button.isVisible() and link.note.text() == GONE_NOTE
    # Opened afresh, the note is there from the start.
    app.run(app.window.open_session(branch))
    assert link.note.isVisible() and not link.button.isVisible()
    app.window.new_session()
    assert not link.isVisible()


def test_a_title_with_markup_shows_as_text_and_a_long_one_is_cut(app, qtbot, groq_server) -> None:
    source, _ = make_branch(app, qtbot, groq_server, turns=1)
    branch = app.window.current_session_id
    hostile = '<a href="file:///etc/passwd">x</a><img src="/tmp/x.png">' + " very long" * 40
    app.run(app.window.service.rename_session(source, hostile))
    app.run(app.window.open_session(branch))
    button = app.window.branch_link.button
    assert button.full_text().startswith('Branched from <a href="file:///etc/passwd">')
    assert button.text().endswith("…") and button.width() <= 320
    assert "&lt;a href" in button.toolTip()  # escaped: a tooltip would render markup
    assert app.window.width() <= 1100  # the header did not widen the window
