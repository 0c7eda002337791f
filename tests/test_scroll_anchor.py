"""Scrolling up a long session of varied replies moves the text by exactly the scroll step: rows
laid out for the first time (their height was an estimate) do not push what the reader looks
at. Offscreen, on the real view, model and delegate; tests/test_real_scroll.py reads pixels."""

from __future__ import annotations

import random
from datetime import timedelta

from bench.open_session import assistant_text, user_text
from desktop_chat.models import Event, EventType, utc_now
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import MessageItem, Role, build_transcript

STEP = 120  # px: what one turn of the wheel (three lines) scrolls


def varied_events(count: int, seed: int = 7, session_id: str = "s") -> list[Event]:
    """A chain of user messages and markdown replies of varied length (lists, code, tables),
    written by bench/open_session.py's generator."""
    rng = random.Random(seed)
    start, parent, events = utc_now() - timedelta(days=1), None, []
    for index in range(count):
        kind = EventType.USER_MESSAGE if index % 2 == 0 else EventType.AI_RESPONSE
        text = user_text(rng) if kind == EventType.USER_MESSAGE else assistant_text(rng)
        event = Event(
            session_id,
            kind,
            {"text": text},
            timestamp=start + timedelta(seconds=index),
            parent_id=parent,
        )
        events.append(event)
        parent = event.event_id
    return events


def shown_view(qtbot, events: list[Event], size=(900, 700)):
    view, model, _delegate = build_transcript(DARK)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    model.set_events(events)
    view.follow_bottom()
    qtbot.wait(50)
    return view, model


def middle_row(view, model) -> tuple[int, int]:
    """The row under the middle of the view, and where its top is."""
    index = view.indexAt(view.viewport().rect().center())
    return index.row(), view.visualRect(index).top()


def scroll_up_through(qtbot, view, model, steps: int) -> list[int]:
    """Scroll up `steps` times by STEP; how far the row in the middle moved each time, less
    the step (0: the text moved with the scroll bar and nothing else)."""
    bar = view.verticalScrollBar()
    jumps = []
    for _ in range(steps):
        if bar.value() == bar.minimum():
            break
        row, top = middle_row(view, model)
        item = model.items[row]
        wanted = min(STEP, bar.value() - bar.minimum())
        bar.setValue(bar.value() - wanted)
        view.viewport().repaint()  # the first paint of the rows just revealed
        qtbot.wait(5)  # and what it queued: a row found taller than its estimate relayouts
        moved = view.visualRect(model.index(model.row_of(item))).top() - top
        jumps.append(moved - wanted)
    return jumps


def test_scrolling_up_moves_the_text_by_exactly_the_step(qtbot) -> None:
    view, model = shown_view(qtbot, varied_events(240))
    jumps = scroll_up_through(qtbot, view, model, 150)
    assert len(jumps) >= 60, "the session is too short to scroll through"
    jumped = [jump for jump in jumps if jump]
    assert not jumped, f"{len(jumped)} of {len(jumps)} steps moved the text by more: {jumped}"


def test_rows_come_in_measured_above_the_view(qtbot) -> None:
    """The rows a step up will reveal are laid out before they show, and only rows near the
    view are laid out (not the whole session): a step costs the rows it brings near."""
    view, model = shown_view(qtbot, varied_events(240))
    scroll_up_through(qtbot, view, model, 10)
    first_shown = view.indexAt(view.viewport().rect().topLeft()).row()
    above = model.items[max(0, first_shown - 2) : first_shown]
    assert above and all(item.document is not None for item in above)
    built = sum(item.document is not None for item in model.items)
    assert built < len(model.items) // 2, f"{built} of {len(model.items)} rows were laid out"


def test_a_streaming_reply_is_still_followed_at_the_bottom(qtbot) -> None:
    view, model = shown_view(qtbot, varied_events(60))
    item = MessageItem(Role.ASSISTANT, "", streaming=True)
    model.append(item)
    bar = view.verticalScrollBar()
    for piece in range(40):
        item.text += f"Line {piece} of the reply, long enough to wrap now and then.\n\n"
        model.item_changed(item)
        qtbot.wait(5)
        assert view.following and bar.value() == bar.maximum()
