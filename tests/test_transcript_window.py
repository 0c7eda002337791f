"""A long session opens with its newest messages; older ones come in as the reader scrolls up,
without moving what the reader is looking at."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtTest import QAbstractItemModelTester

from desktop_chat.models import Event, EventType, utc_now
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import WINDOW_ROWS, MessageItem, Role, build_transcript
from desktop_chat.ui.transcript.model import SHOWN_ROWS, ItemRole
from desktop_chat.ui.transcript.stream_renderer import StreamRenderer


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
        lambda: abs(view.visualRect(model.index_of(anchor)).top() - top_before) <= 1,
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


def shown_view(qtbot, count: int):
    """A shown view of a `count`-message session opened at its newest rows; every change of
    rows the view is told of is checked by Qt's own model tester (it fails the test at once)."""
    view, model, delegate = build_transcript(DARK)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    view.model_tester = QAbstractItemModelTester(
        model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    events = long_session(count)
    model.set_events(events)
    view.follow_bottom()
    return view, model, delegate, events


def shown_items(model) -> list[MessageItem]:
    """The rows the view has, as it reads them (data(), not the model's list)."""
    return [model.index(row).data(ItemRole) for row in range(model.rowCount())]


def parked_items(model) -> list[MessageItem]:
    """The model's items outside the run the view is given (which must be a run of them)."""
    shown = shown_items(model)
    start = model.items.index(shown[0])
    assert model.items[start : start + len(shown)] == shown
    return model.items[:start] + model.items[start + len(shown) :]


def assert_a_window_of_items(qtbot, model, most: int = SHOWN_ROWS) -> list[MessageItem]:
    """The view is given a run of the model's items, at most `most` long; the rows parked
    outside it let their documents go (a batch an event loop turn; the view may meanwhile
    bring more rows in). Returns the parked ones."""
    assert 0 < model.rowCount() <= most
    qtbot.waitUntil(
        lambda: not [item for item in parked_items(model) if item.document is not None],
        timeout=3_000,
    )
    assert 0 < model.rowCount() <= most
    return parked_items(model)


def test_scrolling_up_a_long_way_and_back_keeps_a_window_of_rows_in_place(qtbot) -> None:
    view, model, _delegate, events = shown_view(qtbot, 2_000)
    bar = view.verticalScrollBar()
    while model.has_older:
        bar.setValue(0)
        anchor, top = model.item_at(0), view.visualRect(model.index(0)).top()
        qtbot.waitUntil(lambda anchor=anchor: model.item_at(0) is not anchor, timeout=3_000)
        moved = view.visualRect(model.index_of(anchor)).top() - top
        assert abs(moved) <= 1, f"the row in view moved {moved} px when older ones came in"
        assert_a_window_of_items(qtbot, model)
    assert [item.event_id for item in model.items] == [event.event_id for event in events]
    assert model.has_newer and not view.following
    assert not view.latest_button.isHidden()  # the newest rows are parked: the way back

    while model.has_newer:  # back down: parked rows come back below, the rows above go
        bar.setValue(bar.maximum())
        anchor = model.item_at(model.rowCount() - 1)
        top = view.visualRect(model.index(model.rowCount() - 1)).top()
        qtbot.waitUntil(lambda anchor=anchor: model.item_at(0) is not anchor, timeout=3_000)
        qtbot.waitUntil(
            lambda anchor=anchor: model.item_at(model.rowCount() - 1) is not anchor, timeout=3_000
        )
        moved = view.visualRect(model.index_of(anchor)).top() - top
        assert abs(moved) <= 1, f"the row in view moved {moved} px when newer ones came back"
        assert_a_window_of_items(qtbot, model)
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: view.following and view.latest_button.isHidden(), timeout=3_000)
    assert model.item_at(model.rowCount() - 1) is model.items[-1]


def test_latest_from_far_up_shows_the_newest_rows_again(qtbot) -> None:
    view, model, _delegate, events = shown_view(qtbot, 2_000)
    bar = view.verticalScrollBar()
    while not model.has_newer:
        bar.setValue(0)
        qtbot.wait(1)
    view.latest_button.click()
    assert view.following and not model.has_newer
    assert_a_window_of_items(qtbot, model)
    qtbot.waitUntil(
        lambda: (
            view.visualRect(model.index_of(model.items[-1])).bottom() <= view.viewport().height()
            and view.visualRect(model.index_of(model.items[-1])).intersects(view.viewport().rect())
        ),
        timeout=3_000,
    )
    assert model.items[-1].text == events[-1].text


def test_a_reply_streams_on_while_the_reader_is_far_up_and_shows_whole_at_latest(
    qtbot, qapp
) -> None:
    view, model, delegate, _events = shown_view(qtbot, 1_000)
    item = MessageItem(Role.ASSISTANT, "")
    model.append(item)
    renderer = StreamRenderer(model, delegate, item)
    renderer.feed("The reply begins. ")
    renderer.flush()
    bar = view.verticalScrollBar()
    while not model.has_newer:  # the reader scrolls far up while it streams
        bar.setValue(0)
        qtbot.wait(1)
    assert not model.index_of(item).isValid()
    for piece in range(30):
        renderer.feed(f"Line {piece} of the reply.\n\n")
        renderer.flush()
        qapp.processEvents()
    assert model.rowCount() <= SHOWN_ROWS and not view.following
    renderer.finish()
    view.follow_bottom()
    assert model.index_of(item).isValid()
    assert "Line 29 of the reply." in item.text
    assert "Line 29 of the reply." in delegate.document_for(item).toPlainText()
    qtbot.waitUntil(
        lambda: view.visualRect(model.index_of(item)).intersects(view.viewport().rect()),
        timeout=3_000,
    )


def test_rows_changed_outside_the_window_stay_in_their_place(qtbot) -> None:
    """Edits while the view shows the middle of a session (rows parked on both sides): the view
    is told of exactly the changes to its rows, the model's items keep the order."""
    _view, model, _delegate, events = shown_view(qtbot, 1_000)
    model.reveal(events[0].event_id)  # all of it held, the top shown
    position = model.reveal(events[500].event_id)  # a jump to a parked row below
    assert model.items[position].event_id == events[500].event_id
    assert model.has_older and model.has_newer  # a window in the middle
    shown = assert_a_window_of_items(qtbot, model) and shown_items(model)
    error_below = MessageItem(Role.ERROR, "far below")
    model.append(error_below)  # the newest rows are parked: it waits there with them
    assert model.items[-1] is error_below and error_below not in shown_items(model)
    model.remove_errors()
    assert error_below not in model.items and shown_items(model) == shown
    above = model.items.index(shown[0]) - 10
    extra = [MessageItem(Role.USER, "put back above")]
    model.insert_items(above, extra)  # parked above: the view's rows do not change
    assert shown_items(model) == shown and model.items[above] is extra[0]
    inside = model.items.index(shown[5])
    taken = model.take_from(inside)  # from a shown row on: it and all after it go
    assert shown_items(model) == shown[:5] and model.items[-1] is shown[4]
    model.insert_items(inside, taken)
    assert shown_items(model)[:5] == shown[:5] and shown_items(model)[5] is taken[0]
    assert_a_window_of_items(qtbot, model, most=len(model.items))  # put back whole: trimmed later
