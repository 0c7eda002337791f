"""The Thinking section and the sources list in a real X11 window, as the X server shows them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QCursor

from desktop_chat.ui import reasoning_view, sources_view
from desktop_chat.ui.theme import THEMES
from desktop_chat.ui.transcript import Role
from tests.support import xinput
from tests.support.pixels import (
    differing_rows,
    failure_shot,
    grab_screen,
    ink_pixels,
    text_contrast,
)
from tests.test_real_transcript import settle
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window

THOUGHT = (
    "The user asks why the sky is blue. Sunlight holds every colour; air molecules scatter "
    "short wavelengths far more than long ones (Rayleigh: as 1/λ⁴), so blue light reaches "
    "the eye from every part of the sky. Violet scatters more still, but the eye is less "
    "sensitive to it and some is absorbed high up. I will answer in two sentences."
)
ANSWER = "Air scatters blue light more than red, so the sky looks blue from every direction."


def start(qtbot, run, data_dir, server, theme: str = "dark") -> ChatApp:
    app = ChatApp(qtbot, run, data_dir, server)
    app.window.resize(1100, 780)
    app.window.preferences.model = "openai/gpt-oss-20b"
    app.window.preferences.theme = theme
    app.window.settings_ctl.apply_preferences()
    qtbot.waitExposed(app.window)
    QCursor.setPos(QPoint(0, 0))  # no hover line in the shots
    return app


def reply_rect(app: ChatApp) -> QRect:
    item = app.last(Role.ASSISTANT)
    model = app.window.transcript_model
    return app.window.transcript.visualRect(model.index_of(item))


def shot_of_reply(qtbot, app: ChatApp):
    """The reply as drawn: its Thinking section, bubble and lines (not the room a just-streamed
    row keeps below them)."""
    settle(qtbot, app)
    item, rect = app.last(Role.ASSISTANT), reply_rect(app)
    delegate = app.window.delegate
    bubble, _ = delegate._layout(item, rect)
    bottom = bubble.bottom() + delegate._lines_height(item) + delegate_sources(app, item)
    drawn = QRect(rect.left(), rect.top(), rect.width(), bottom - rect.top())
    return grab_screen(app.window.transcript.viewport(), drawn.intersected(viewport_rect(app)))


def delegate_sources(app: ChatApp, item) -> int:
    return sources_view.height(app.window.delegate, item)


def viewport_rect(app: ChatApp) -> QRect:
    return app.window.transcript.viewport().rect()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_thinking_streamed_and_opened_fresh_look_the_same_closed_and_open(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    groq_server.reasoning_text = THOUGHT
    groq_server.reply_text = ANSWER
    groq_server.tokens_per_second = 200
    app = start(qtbot, run, isolated_environment, groq_server, theme)
    app.send_and_wait("Why is the sky blue?", timeout=30_000)
    streamed_closed = shot_of_reply(qtbot, app)
    qtbot.keyClick(app.composer, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    streamed_open = shot_of_reply(qtbot, app)
    qtbot.keyClick(app.composer, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)

    run(app.window.open_session(app.window.current_session_id))
    QCursor.setPos(QPoint(0, 0))
    fresh_closed = shot_of_reply(qtbot, app)
    qtbot.keyClick(app.composer, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    fresh_open = shot_of_reply(qtbot, app)

    for name, seen, expected in (
        ("closed", streamed_closed, fresh_closed),
        ("open", streamed_open, fresh_open),
    ):
        assert ink_pixels(expected) > 500
        rows = differing_rows(seen, expected, tolerance=40)
        if rows:
            failure_shot(seen, f"thinking-streamed-{name}-{theme}")
            failure_shot(expected, f"thinking-fresh-{name}-{theme}")
        assert not rows, f"{name}: {len(rows)} rows differ (first at y={rows[0]})"
    # Opening it adds the panel with the thinking, readable: AA contrast on painted pixels.
    assert streamed_open.height() > streamed_closed.height() + 40
    delegate = app.window.delegate
    header = reasoning_view.header_rect(delegate, app.last(Role.ASSISTANT), reply_rect(app))
    panel = QRect(header.left() + 12, header.bottom() + 14, 400, 30)
    image = grab_screen(app.window.transcript.viewport())
    assert text_contrast(image, panel) >= 4.5
    assert THEMES[theme].name == app.window.theme.name
    app.close()


def test_the_thinking_shows_while_the_model_thinks_and_folds_when_the_answer_starts(
    qtbot, run, isolated_environment, groq_server
) -> None:
    groq_server.reasoning_text = THOUGHT
    groq_server.reply_text = ANSWER
    hold = groq_server.hold_after(0)
    app = start(qtbot, run, isolated_environment, groq_server)
    app.type_and_send("Why is the sky blue?")
    qtbot.waitUntil(lambda: app.last(Role.ASSISTANT) is not None, timeout=5_000)
    item = app.last(Role.ASSISTANT)
    qtbot.waitUntil(lambda: item.reasoning == THOUGHT, timeout=5_000)
    delegate = app.window.delegate
    header = reasoning_view.header_rect(delegate, item, reply_rect(app))
    panel = QRect(header.left(), header.bottom() + 6, 500, 60)
    thinking = shot_of_reply(qtbot, app)
    during = grab_screen(app.window.transcript.viewport())
    assert ink_pixels(during, panel) > 300  # the thinking is on screen, live
    hold.release()
    app.wait_idle()
    settle(qtbot, app)
    after = grab_screen(app.window.transcript.viewport())
    answered = shot_of_reply(qtbot, app)
    assert not item.thinking_open
    assert answered.height() < thinking.height() or differing_rows(during, after)
    bubble, _ = delegate._layout(item, reply_rect(app))
    assert bubble.top() < panel.bottom()  # the answer took the panel's place
    assert ink_pixels(after, QRect(bubble.left() + 12, bubble.top() + 12, 300, 14)) > 50
    app.close()


def test_sources_open_only_http_links_on_a_real_click(
    qtbot, run, isolated_environment, groq_server
) -> None:
    groq_server.search_pages = [
        {"title": "Rayleigh scattering", "url": "https://en.wikipedia.org/wiki/Rayleigh"},
        {"title": "Local file", "url": "file:///etc/passwd"},
        {"title": "Script", "url": "javascript:alert(1)"},
    ]
    app = start(qtbot, run, isolated_environment, groq_server)
    app.window.reply_extras.web_search.setChecked(True)
    app.send_and_wait("Why is the sky blue?")
    item = app.last(Role.ASSISTANT)
    assert len(item.sources) == 4
    settle(qtbot, app)
    opened: list[QUrl] = []
    app.window.delegate.link_clicked.disconnect()
    app.window.delegate.link_clicked.connect(lambda url, _text: opened.append(url))
    delegate = app.window.delegate
    rect = reply_rect(app)
    bubble, _ = delegate._layout(item, rect)
    top = bubble.bottom() + 1 + delegate._lines_height(item)
    lines = sources_view.line_rects(delegate, item, rect, top)
    image = grab_screen(app.window.transcript.viewport())
    for line, _text, _source in lines:
        assert text_contrast(image, line.intersected(image.rect())) >= 4.5
    viewport = app.window.transcript.viewport()
    for line, _text, source in lines:
        if source is not None:
            xinput.click(viewport, QPoint(line.left() + 30, line.center().y()))
            qtbot.wait(150)
    assert opened == [QUrl("https://en.wikipedia.org/wiki/Rayleigh")]
    app.close()
