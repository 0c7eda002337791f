"""Every kind of text the transcript paints is readable in both themes: measured on the pixels
the X server shows, text against its own background at least 4.5:1 (WCAG AA)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QCursor

from desktop_chat.models import Event, EventType
from desktop_chat.ui.preferences import Preferences
from desktop_chat.ui.transcript import BUBBLE_PADDING, MessageItem, Role
from tests.support.pixels import failure_shot, grab_screen, ink_pixels, text_contrast
from tests.test_real_transcript import settle
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window

AA = 4.5
REPLY = (
    "A reply with a [link to the docs](https://docs.example/) and `inline code`.\n\n"
    "```python\n# a comment\nprint('hello')\n```\n\nThe end."
)


def seeded(qtbot, run, data_dir, server, theme: str) -> ChatApp:
    app = ChatApp(qtbot, run, data_dir, server)
    Preferences(theme=theme).save(app.preferences)
    app.window.preferences = Preferences.load(app.preferences, Preferences())
    app.window.settings_ctl.apply_preferences()
    app.window.resize(1100, 800)
    qtbot.waitExposed(app.window)
    session = run(app.service.new_session())
    parent = None
    for kind, payload in [
        (EventType.USER_MESSAGE, {"text": "A question from the user."}),
        (EventType.AI_RESPONSE, {"text": REPLY, "model": "llama-3.1-8b-instant"}),
        (EventType.SUMMARY, {"text": "What was said, summed up in a line."}),
        (EventType.USER_MESSAGE, {"text": "And a second question?"}),
        (
            EventType.AI_RESPONSE,
            {"text": "Half an answer", "interrupted": True, "error": "the connection dropped."},
        ),
    ]:
        event = Event(session.session_id, kind, payload, parent_id=parent)
        run(app.store.add_event(event))
        parent = event.event_id  # a chain: the transcript shows the branch
    run(app.window.open_session(session.session_id))
    app.window.transcript_model.append(
        MessageItem(Role.ERROR, "Groq is busy right now.", retryable=True)
    )
    QCursor.setPos(QPoint(0, 0))
    settle(qtbot, app)
    return app


def link_area(app: ChatApp, item: MessageItem, href: str) -> QRect:
    """Where a link's whole text is drawn, in viewport coordinates."""
    _row, bubble = bubble_of(app, item)
    document = item.document
    block = document.begin()
    while block.isValid():
        for run in block.textFormats():
            if run.format.anchorHref() == href:
                line = block.layout().lineForTextPosition(run.start)
                origin = document.documentLayout().blockBoundingRect(block).topLeft()
                x0 = line.cursorToX(run.start)
                x1 = line.cursorToX(run.start + run.length)
                x0, x1 = (x[0] if isinstance(x, tuple) else x for x in (x0, x1))
                left = bubble.left() + BUBBLE_PADDING + int(origin.x() + x0)
                top = bubble.top() + BUBBLE_PADDING + int(origin.y() + line.y())
                return QRect(left, top, int(x1 - x0), int(line.height()))
        block = block.next()
    raise AssertionError(f"no link to {href}")


def bubble_of(app: ChatApp, item: MessageItem) -> tuple[QRect, QRect]:
    view, model = app.window.transcript, app.window.transcript_model
    row = view.visualRect(model.index_of(item))
    bubble, _ = app.window.delegate._layout(item, row)
    return row, bubble


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_kind_of_transcript_text_reads_at_aa_contrast(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    from tests.support.xinput import focus_window, move

    app = seeded(qtbot, run, isolated_environment, groq_server, theme)
    viewport = app.window.transcript.viewport()
    shot = grab_screen(viewport)
    measured = {}
    for number, item in enumerate(app.items):
        _row, bubble = bubble_of(app, item)
        inside = bubble.adjusted(
            BUBBLE_PADDING // 2, BUBBLE_PADDING // 2, -BUBBLE_PADDING // 2, -BUBBLE_PADDING // 2
        )
        assert ink_pixels(shot, inside) > 30, f"no text painted in {item.role} bubble {number}"
        measured[f"{item.role} {number}"] = text_contrast(shot, inside)
    reply = app.items[1]
    row, bubble = bubble_of(app, reply)
    for pill, _code, language in app.window.delegate.code_headers(reply, row):
        assert language == "python"
        measured["Copy code"] = text_contrast(shot, pill.adjusted(2, 2, -2, -2))
    measured["link"] = text_contrast(shot, link_area(app, reply, "https://docs.example/"))
    note_item = app.items[4]
    row, bubble = bubble_of(app, note_item)
    note = QRect(bubble.left(), bubble.bottom() + 4, 360, 20)
    measured["interrupted note"] = text_contrast(shot, note)
    button = app.window.transcript.latest_button
    button.show()
    app.window.transcript._place_latest_button()
    qtbot.waitUntil(lambda: ink_pixels(grab_screen(button)) > 30, timeout=3_000)
    measured["Latest button"] = text_contrast(
        grab_screen(button).copy(4, 4, button.width() - 8, button.height() - 8)
    )
    button.hide()
    # The hover line: actions and the time and model.
    focus_window(app.window)
    row, bubble = bubble_of(app, reply)
    move(viewport, bubble.center())
    copy = app.window.delegate.copy_rect(reply, row)
    qtbot.waitUntil(lambda: ink_pixels(grab_screen(viewport), copy) > 20, timeout=3_000)
    hovered = grab_screen(viewport)
    measured["Copy (hover)"] = text_contrast(hovered, copy.adjusted(3, 3, -3, -3))
    meta = QRect(copy.right() + 10, copy.top(), 260, copy.height())
    assert ink_pixels(hovered, meta) > 20, "no time and model on hover"
    measured["time and model"] = text_contrast(hovered, meta)
    low = {name: round(ratio, 2) for name, ratio in measured.items() if ratio < AA}
    if low:
        failure_shot(hovered, f"transcript-contrast-{theme}")
    assert not low, f"below {AA}:1 in the {theme} theme: {low}"
    app.close()
