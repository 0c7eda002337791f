"""A long session is read in pages: the newest events of the active branch, then the page above.

The store's walk (branch_tail) reads by primary key and stops at its LIMIT, so its cost is what
it returns: counted in SQLite virtual-machine steps (exact, whatever the machine's load), it is
the same for a session of 500 and of 20,000 messages. The chat service adds the "‹ n/m ›"
versions of the returned events only, and paging up from the oldest one gives back the whole
branch, in order, without its other versions.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_chat.core.chat import ChatService
from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.store.sqlite import TAIL_SQL, SQLiteStore

PAGE = 240


def run(coroutine):
    return asyncio.run(coroutine)


def long_session(
    store: SQLiteStore, messages: int, versions_every: int = 0, runner=run
) -> list[Event]:
    """A chain of `messages` events (one transaction); every `versions_every`-th reply gets an
    older sibling. Returns the chain, oldest first; the session's leaf is its last event.
    `runner` runs a coroutine (the qasync `run` fixture in a window test)."""
    session = Session(title="long")
    start = utc_now() - timedelta(days=3)
    chain: list[Event] = []
    rows: list[Event] = []
    parent = None
    for index in range(messages):
        kind = EventType.USER_MESSAGE if index % 2 == 0 else EventType.AI_RESPONSE
        when = start + timedelta(milliseconds=10 * index)
        if versions_every and kind == EventType.AI_RESPONSE and index % versions_every == 1:
            rows.append(
                Event(
                    session.session_id,
                    kind,
                    {"text": f"old {index}"},
                    timestamp=when,
                    parent_id=parent,
                )
            )
        event = Event(
            session.session_id,
            kind,
            {"text": f"m{index}"},
            timestamp=when + timedelta(microseconds=1),
            parent_id=parent,
        )
        chain.append(event)
        rows.append(event)
        parent = event.event_id
    session.active_leaf = parent
    runner(store.add_imported(session, rows))  # one transaction
    return chain


def vm_steps(store: SQLiteStore, coroutine) -> tuple[int, object]:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store._db.set_progress_handler(count, 1)
    try:
        result = run(coroutine)
    finally:
        store._db.set_progress_handler(None, 1)
    return steps, result


@pytest.fixture
def store(tmp_path: Path):
    store = SQLiteStore(tmp_path / "chat.db")
    yield store
    run(store.close())


def test_the_tail_costs_the_same_in_a_session_of_500_or_20000_messages(store) -> None:
    small = long_session(store, 500)
    large = long_session(store, 20_000)
    costs = {}
    for name, chain in (("small", small), ("large", large)):
        costs[name], tail = vm_steps(store, store.branch_tail(chain[-1].event_id, PAGE))
        assert [e.event_id for e in tail] == [e.event_id for e in chain[-PAGE:]]
    print(f"VM steps for the newest {PAGE} events: {costs}")
    assert costs["large"] <= costs["small"] * 1.05, costs
    # The full walk, for scale: what opening cost before it was paged.
    full, _ = vm_steps(store, store.branch_path(large[-1].event_id))
    assert full > 20 * costs["large"], (full, costs)


def test_the_tail_walks_by_primary_key_and_never_scans_events(store) -> None:
    plan = [row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + TAIL_SQL, ("x", PAGE))]
    print(plan)
    reads = [step for step in plan if " e " in f" {step} " or "events" in step]
    assert reads and all(
        step.startswith("SEARCH") and "sqlite_autoindex_events_1" in step for step in reads
    ), plan
    versions = " ".join(
        str(tuple(row))
        for row in store._db.execute(
            "EXPLAIN QUERY PLAN SELECT parent_id, event_id FROM events WHERE parent_id IN (?, ?)"
            " AND json_extract(payload, '$.deleted_at') IS NULL ORDER BY timestamp, rowid",
            ("x", "y"),
        )
    )
    assert "USING INDEX events_parent" in versions, versions


def test_paging_up_from_the_newest_page_gives_back_the_whole_branch(store) -> None:
    chain = long_session(store, 1_000, versions_every=50)
    service = ChatService(store, None)
    session_id = chain[0].session_id
    page = run(service.active_branch(session_id, PAGE))
    assert [i.event.event_id for i in page] == [e.event_id for e in chain[-PAGE:]]
    shown = list(page)
    while shown[0].event.parent_id is not None:
        above = run(service.branch_above(session_id, shown[0].event.event_id, PAGE))
        assert 0 < len(above) <= PAGE
        shown[0:0] = above
    assert run(service.branch_above(session_id, shown[0].event.event_id, PAGE)) == []
    full = run(service.active_branch(session_id))
    assert [(i.event.event_id, i.version, i.versions) for i in shown] == [
        (i.event.event_id, i.version, i.versions) for i in full
    ]
    with_versions = [i for i in shown if i.versions > 1]
    assert len(with_versions) == 20 and all(i.version == 2 for i in with_versions)


def test_a_page_reaches_down_to_an_old_message_asked_for(store) -> None:
    chain = long_session(store, 2_000)
    service = ChatService(store, None)
    hit = chain[700]  # a search hit far above the newest page
    page = run(service.active_branch(chain[0].session_id, PAGE, reaching=hit.event_id))
    ids = [i.event.event_id for i in page]
    assert hit.event_id in ids and ids[-1] == chain[-1].event_id
    assert ids == [e.event_id for e in chain[-len(ids) :]]
    assert len(ids) < 2_000 - 700 + PAGE  # it stopped soon after the hit


def test_a_deleted_message_on_the_page_cuts_the_branch_as_the_full_path_does(store) -> None:
    chain = long_session(store, 600)
    service = ChatService(store, None)
    session_id = chain[0].session_id
    # Deleted on another device while this one still ends below it: only the tombstone came.
    gone = chain[-10]
    run(store.update_event_payload(gone.event_id, {"text": gone.text, "deleted_at": "now"}))
    page = run(service.active_branch(session_id, PAGE))
    full = run(service.active_branch(session_id))
    assert page[-1].event.event_id == chain[-11].event_id
    assert [i.event.event_id for i in page] == [i.event.event_id for i in full[-len(page) :]]
