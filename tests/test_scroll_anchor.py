"""Scrolling up a long session of varied replies moves the text by exactly the scroll step: rows
laid out for the first time (their height was an estimate) do not push what the reader looks
at. Offscreen, on the real view, model and delegate; tests/test_real_scroll.py reads pixels."""

from __future__ import annotations

import random
from datetime import timedelta

from bench.open_session import assistant_text, user_text
from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import MessageItem, Role, build_transcript
from desktop_chat.ui.transcript.view import MEASURE_AHEAD, PREPARE_AHEAD

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


def store_varied_session(store, run, messages: int = 200) -> str:
    """A session of `messages` varied_events in `store` (one transaction); its id."""
    session = Session(title="varied")
    events = varied_events(messages, session_id=session.session_id)
    session.active_leaf = events[-1].event_id
    run(store.add_imported(session, events))
    return session.session_id


def the_row_read(view, model) -> tuple[str, int]:
    """The event id of the first row starting in the view (or of the one covering its top,
    `_anchor_row`), and where its top is on screen."""
    item = model.item_at(view._anchor_row(view._rows_near_view(model.rowCount(), 0)))
    return item.event_id, view.visualRect(model.index_of(item)).top()


def top_of(view, model, event_id: str) -> int:
    """Where the row of `event_id` starts on screen (the model's rows shown start at 0)."""
    row = next(r for r, item in enumerate(model.items) if item.event_id == event_id)
    return view.visualRect(model.index(row)).top()


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
        item = model.item_at(row)
        wanted = min(STEP, bar.value() - bar.minimum())
        bar.setValue(bar.value() - wanted)
        view.viewport().repaint()  # the first paint of the rows just revealed
        qtbot.wait(5)  # and what it queued: a row found taller than its estimate relayouts
        moved = view.visualRect(model.index_of(item)).top() - top
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
    above = [model.item_at(row) for row in range(max(0, first_shown - 2), first_shown)]
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


def prepared_near_view(view, model) -> bool:
    """Whether every row within PREPARE_AHEAD view heights of the view is laid out."""
    delegate = view.itemDelegate()
    rows = view._rows_near_view(model.rowCount(), PREPARE_AHEAD)
    return all(delegate.laid_out(model.item_at(row)) for row in rows)


def test_rows_near_the_view_are_laid_out_while_idle_and_the_text_stays_still(qtbot) -> None:
    """Idle, the view lays out the rows within PREPARE_AHEAD view heights (a scroll then finds
    them ready), no further; each at the height Qt places it at, and what the reader sees
    does not move while rows above change from estimated to real heights."""
    view, model = shown_view(qtbot, varied_events(240))
    last = model.index(model.rowCount() - 1)
    bottom = view.visualRect(last).bottom()
    qtbot.waitUntil(lambda: prepared_near_view(view, model), timeout=5_000)
    assert view.visualRect(last).bottom() == bottom
    qtbot.waitUntil(lambda: not view._prepare_timer.isActive(), timeout=1_000)
    qtbot.wait(50)
    assert not view._prepare_timer.isActive(), "idle, the view keeps waking up"
    delegate = view.itemDelegate()
    laid_out = [row for row, item in enumerate(model.items) if delegate.laid_out(item)]
    near = view._rows_near_view(len(model.items), PREPARE_AHEAD)
    assert len(laid_out) > len(view._rows_near_view(len(model.items), MEASURE_AHEAD))
    assert set(laid_out) <= set(near), "rows beyond PREPARE_AHEAD view heights were laid out"
    # Never painted at a stale place: each row starts where the one above it ends (Qt takes a
    # row's height from the delegate when asked, its top from the last relayout).
    rects = {row: view.visualRect(model.index(row)) for row in near}
    overlaps = [
        (row, rects[row].bottom(), rects[row + 1].top())
        for row in near[:-1]
        if rects[row + 1].top() != rects[row].bottom() + 1
    ]
    assert not overlaps, f"rows placed at their estimated heights' places: {overlaps[:5]}"


def test_after_idle_a_scroll_step_builds_no_document(qtbot) -> None:
    view, model = shown_view(qtbot, varied_events(240))
    bar = view.verticalScrollBar()
    for _ in range(3):
        qtbot.waitUntil(lambda: prepared_near_view(view, model), timeout=5_000)
        documents = [item.document for item in model.items]
        bar.setValue(bar.value() - 2 * view.viewport().height())  # within PREPARE_AHEAD
        view.viewport().repaint()
        assert [item.document for item in model.items] == documents


def test_a_long_reply_is_laid_out_in_steps_each_a_part_of_it() -> None:
    """Its code blocks highlighted one by one, then its HTML rendered, then its document
    built from both and measured: each step a part of the whole row's cost."""
    from desktop_chat.ui.transcript.delegate import MessageDelegate

    text = "\n\n".join(
        f"Part {n}.\n\n```python\ndef part_{n}():\n    return {n}\n```" for n in range(3)
    )
    delegate = MessageDelegate(None, DARK)
    item = MessageItem(Role.ASSISTANT, text)
    steps = list(delegate.layout_steps(item))
    assert len(steps) == 5  # 3 blocks, the HTML, the document
    assert [step() for _estimate, step in steps[:4]] == [False] * 4
    assert item.document is None and not delegate.laid_out(item)
    assert steps[4][1]() is True and item.reported_height > 0
    assert delegate.laid_out(item)
    assert list(delegate.layout_steps(MessageItem(Role.ASSISTANT, text)))[:-1] == []


def rows_overlapping(view, model) -> list[int]:
    """Rows in the view that do not start where the row above them ends."""
    rows = view._rows_near_view(model.rowCount(), 0)
    rects = [view.visualRect(model.index(row)) for row in rows]
    return [
        row
        for row, above, rect in zip(rows[1:], rects, rects[1:], strict=False)
        if rect.top() != above.bottom() + 1
    ]


def test_a_narrower_view_lays_its_rows_out_again_keeping_the_one_read(qtbot) -> None:
    """A new width (the window resized, the sidebar hidden) changes every row's height;
    QListView relayouts on its own only when its height changes."""
    view, model = shown_view(qtbot, varied_events(120))
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(50)
    rows = view._rows_near_view(model.rowCount(), 0)
    row = view._anchor_row(rows)  # the first row in view, or the one covering its top
    top = view.visualRect(model.index(row)).top()
    for width in (480, 900, 640):
        view.resize(width, 700)
        qtbot.wait(20)
        assert not rows_overlapping(view, model)
        assert view.visualRect(model.index(row)).top() == top  # the row read stays in place
        assert view.visualRect(model.index(row)).width() == view.viewport().width()
    assert not view.following


def test_a_view_following_the_end_still_follows_it_at_a_new_width(qtbot) -> None:
    view, model = shown_view(qtbot, varied_events(120))
    bar = view.verticalScrollBar()
    for width in (480, 900, 640):
        view.resize(width, 700)
        qtbot.wait(20)
        assert not rows_overlapping(view, model)
        assert view.following and bar.value() == bar.maximum()
        last = view.visualRect(model.index(model.rowCount() - 1))
        assert last.bottom() == view.viewport().height() - 1  # the end shows, nothing cut off
