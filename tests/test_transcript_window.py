"""A long session opens with its newest messages; older ones come in as the reader scrolls up,
without moving what the reader is looking at."""

from __future__ import annotations

from datetime import timedelta

from desktop_chat.models import Event, EventType, utc_now
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import WINDOW_ROWS, build_transcript


def long_session(count: int) -> list[Event]:
    start = utc_now() - timedelta(days=1)
    return [
        Event(
            "s",
            EventType.USER_MESSAGE if n % 2 == 0 else EventType.AI_RESPONSE,
            {"text": f"Message number {n}. " * (1 + n % 7)},
            timestamp=start + timedelta(seconds=n),
        )
        for n in range(count)
    ]


def test_a_long_session_opens_with_its_newest_rows_and_loads_older_ones_in_place(qtbot) -> None:
    view, model, _delegate = build_transcript(DARK)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    events = long_session(1_000)
    model.set_events(events)
    view.follow_bottom()
    assert model.rowCount() == WINDOW_ROWS
    assert model.items[-1].text == events[-1].text
    assert model.has_older

    bar = view.verticalScrollBar()
    bar.setValue(0)
    anchor = model.items[0]
    top_before = view.visualRect(model.index(0)).top()
    qtbot.waitUntil(lambda: model.rowCount() > WINDOW_ROWS, timeout=3_000)
    assert model.items[0].text == events[-2 * WINDOW_ROWS].text
    qtbot.waitUntil(
        lambda: abs(view.visualRect(model.index(model.row_of(anchor))).top() - top_before) <= 1,
        timeout=3_000,
    )


def test_revealing_an_old_message_brings_it_in(qtbot) -> None:
    view, model, _delegate = build_transcript(DARK)
    qtbot.addWidget(view)
    events = long_session(700)
    model.set_events(events)
    row = model.reveal(events[3].event_id)
    assert model.items[row].event_id == events[3].event_id
    assert model.reveal("no such event") == -1
    assert not model.has_older
    assert [item.event_id for item in model.items] == [event.event_id for event in events]
