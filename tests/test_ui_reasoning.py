"""The Thinking section, web search sources and usage in the real window (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl

from desktop_chat.ui import reasoning_view, sources_view
from desktop_chat.ui.transcript import Role
from tests.ui_helpers import ChatApp


@pytest.fixture
def app(qtbot, run, groq_server, isolated_environment):
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    yield chat
    chat.close()


def use_model(app: ChatApp, model: str) -> None:
    app.window.preferences.model = model
    app.window.settings_ctl.apply_preferences()


def row_rect(app: ChatApp, item):
    index = app.window.transcript_model.index_of(item)
    return app.window.transcript.visualRect(index)


def click(app: ChatApp, qtbot, point: QPoint) -> None:
    qtbot.mouseClick(app.window.transcript.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_thinking_is_shown_live_then_closes_when_the_answer_starts(app, qtbot, groq_server):
    use_model(app, "openai/gpt-oss-20b")
    hold = groq_server.hold_after(0)  # the reasoning is sent, the answer waits
    app.type_and_send("Why is the sky blue?")
    qtbot.waitUntil(lambda: (app.last(Role.ASSISTANT) or None) is not None, timeout=5_000)
    item = app.last(Role.ASSISTANT)
    qtbot.waitUntil(lambda: item.reasoning.endswith("Effort: medium."), timeout=5_000)
    assert item.thinking_open and item.text == ""
    assert reasoning_view.header_label(item) == "▾ Thinking…"
    open_height = row_rect(app, item).height()
    hold.release()
    app.wait_idle()
    assert item.text == groq_server.reply_text and not item.thinking_open
    assert "The user asks" not in item.text
    assert row_rect(app, item).height() < open_height  # the panel closed: the row shrank
    assert reasoning_view.header_label(item) == "▸ Thinking"


def test_thinking_opens_by_click_and_by_enter_and_is_stored_apart(app, qtbot, groq_server, run):
    use_model(app, "qwen/qwen3-32b")
    app.send_and_wait("Hello?")
    item = app.last(Role.ASSISTANT)
    assert not item.thinking_open

    def bubble_top() -> int:  # the answer's bubble sits under the section
        return app.window.delegate._layout(item, row_rect(app, item))[0].top()

    closed = bubble_top()
    header = reasoning_view.header_rect(app.window.delegate, item, row_rect(app, item))
    click(app, qtbot, header.center())
    assert item.thinking_open
    assert bubble_top() > closed + 20
    app.window.transcript.setFocus()
    app.window.transcript.setCurrentIndex(app.window.transcript_model.index_of(item))
    qtbot.keyClick(app.window.transcript, Qt.Key.Key_Return)
    assert not item.thinking_open
    assert bubble_top() == closed
    events = run(app.store.events(app.window.current_session_id))
    reply = [e for e in events if e.type == "ai_response"][-1]
    assert reply.payload["reasoning"] == item.reasoning and reply.text == item.text


def test_web_search_toggle_sends_to_compound_and_lists_safe_sources(app, qtbot, groq_server):
    groq_server.search_pages = [
        {"title": "Rayleigh scattering", "url": "https://en.wikipedia.org/wiki/Rayleigh"},
        {"title": "<img src=x>Local file", "url": "file:///etc/passwd"},
    ]
    toggle = app.window.reply_extras.web_search
    assert toggle.accessibleName() == "Search the web"
    qtbot.keyClick(app.composer, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # keyboard path
    assert toggle.isChecked()
    assert "groq/compound-mini" in app.window.composer.status.text()
    app.send_and_wait("Why is the sky blue?")
    assert groq_server.requests[-1]["model"] == "groq/compound-mini"
    item = app.last(Role.ASSISTANT)
    assert [s["kind"] for s in item.sources] == ["search", "page", "page"]
    texts = [text for text, _ in sources_view.lines(item)]
    assert "<img src=x>Local file (file:///etc/passwd)" in texts  # text, not markup, no link
    opened: list[QUrl] = []
    app.window.delegate.link_clicked.disconnect()
    app.window.delegate.link_clicked.connect(lambda url, _text: opened.append(url))
    rect = row_rect(app, item)
    bubble, _ = app.window.delegate._layout(item, rect)
    top = bubble.bottom() + 1 + app.window.delegate._lines_height(item)
    lines = sources_view.line_rects(app.window.delegate, item, rect, top)
    for line, _text, _source in lines:
        click(app, qtbot, line.center())
    assert opened == [QUrl("https://en.wikipedia.org/wiki/Rayleigh")]  # only the http(s) one
    qtbot.keyClick(app.composer, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    app.send_and_wait("Thanks")
    assert groq_server.requests[-1]["model"] == "llama-3.1-8b-instant"


def test_reasoning_effort_setting_takes_effect_and_usage_shows_cost(app, qtbot, groq_server):
    from tests.test_ui_dialogs import open_settings

    use_model(app, "openai/gpt-oss-120b")
    dialog = open_settings(app, qtbot)
    dialog.reasoning_effort.setCurrentIndex(dialog.reasoning_effort.findData("high"))
    dialog.accept()
    assert app.window.preferences.reasoning_effort == "high"
    app.send_and_wait("Hello?")
    assert groq_server.requests[-1]["reasoning_effort"] == "high"
    item = app.last(Role.ASSISTANT)
    meta = app.window.delegate.meta_text(item)
    assert "tokens" in meta and "$" in meta
    label = app.window.reply_extras.usage_label
    assert label.text().startswith("≈ $")
    tip = label.toolTip()
    assert "tokens" in tip and "cached" in tip and "groq.com/pricing" in tip
    assert "999 of 1,000 requests left" in tip  # from the reply's x-ratelimit-* headers
    app.window.settings_ctl.open_settings()
    dialog = app.window.settings_ctl.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.search_model.setCurrentIndex(dialog.search_model.findData("groq/compound"))
    dialog.accept()
    use_model(app, "llama-3.3-70b-versatile")
    app.window.reply_extras.web_search.setChecked(True)
    app.send_and_wait("Again?")
    assert groq_server.requests[-1]["model"] == "groq/compound"  # the saved choice is used
    assert "cost unknown" in app.window.delegate.meta_text(app.last(Role.ASSISTANT))
    assert "+ 1 unknown" in label.text()
    assert "cost unknown" in app.window.composer.status.text()


def test_a_long_thinking_costs_a_frame_what_it_adds_not_what_it_holds(app) -> None:
    """Streaming reasoning appends to the section's document: a frame at 80,000 characters
    costs about what one at 5,000 does (setting the whole text each frame: 42 ms vs 6 ms)."""
    import time

    from desktop_chat.ui.transcript import MessageItem

    delegate = app.window.delegate
    item = MessageItem(Role.ASSISTANT, "", streaming=True, thinking_open=True)
    paragraph = "Light of short wavelength scatters more, so the sky looks blue. " * 7 + "\n\n"
    costs = []
    while len(item.reasoning) < 80_000:
        reasoning_view.on_reasoning(item, paragraph)
        started = time.perf_counter()
        reasoning_view.height(delegate, item, 1000)
        costs.append(time.perf_counter() - started)
    early, late = sorted(costs[5:25])[10], sorted(costs[-20:])[10]  # medians
    assert late < max(3 * early, 0.002), (early, late)
    document = item.extras["reasoning_doc"][1]
    assert document.toPlainText() == item.reasoning  # the appended text is the whole text


def test_continuing_a_stopped_reply_keeps_its_thinking(app, qtbot, groq_server, run) -> None:
    use_model(app, "openai/gpt-oss-20b")
    groq_server.fail_next("drop", after=3)
    app.send_and_wait("Hello?")
    item = app.last(Role.ASSISTANT)
    thought = item.reasoning
    assert thought and item.note  # cut short, thinking kept
    groq_server.reasoning_text = " Then more."
    app.window.conversation.continue_reply(item.event_id)
    app.wait_idle()
    item = app.last(Role.ASSISTANT)
    assert item.reasoning == thought + " Then more."  # the old thinking, then the new
    assert not item.thinking_open
    events = run(app.store.events(app.window.current_session_id))
    reply = [e for e in events if e.type == "ai_response"][-1]
    assert reply.payload["reasoning"] == thought + " Then more."
