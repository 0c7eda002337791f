"""Memory reads the active branch with one indexed query whose cost does not grow with the
session's length or its number of branches.

Cost is counted in SQLite virtual-machine steps (a progress handler called on every step), which
is exact and does not depend on how busy the machine is; the query plan is checked to walk by
primary key. bench/memory_path.py prints the same comparison in milliseconds.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from desktop_chat.core.memory import history_before
from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.store.sqlite import MAX_DEPTH, PATH_SQL, SQLiteStore

TURNS = 10


def chain_session(store: SQLiteStore, messages: int, siblings_per_reply: int = 0) -> Event:
    """A session of `messages` events in one chain (plus `siblings_per_reply` other versions of
    every reply); returns the last user message, to be answered."""
    session = Session()
    start = utc_now() - timedelta(days=1)
    parent, last_user = None, None
    rows = []
    for index in range(messages):
        kind = EventType.USER_MESSAGE if index % 2 == 0 else EventType.AI_RESPONSE
        event = Event(
            session.session_id,
            kind,
            {"text": f"m{index}"},
            timestamp=start + timedelta(milliseconds=index),
            parent_id=parent,
        )
        rows.append(event)
        if kind == EventType.AI_RESPONSE:
            rows += [
                Event(
                    session.session_id,
                    kind,
                    {"text": f"other version {n}"},
                    timestamp=event.timestamp,
                    parent_id=parent,
                )
                for n in range(siblings_per_reply)
            ]
        else:
            last_user = event
        parent = event.event_id
    asyncio.run(store.add_imported(session, rows))  # bulk load: one transaction
    return last_user


def steps_to_read_memory(store: SQLiteStore, user_event: Event) -> tuple[int, list[Event]]:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store._db.set_progress_handler(count, 1)
    try:
        history = asyncio.run(history_before(store, user_event, TURNS))
    finally:
        store._db.set_progress_handler(None, 1)
    return steps, history


def test_reading_memory_costs_the_same_for_10_or_10000_events_and_many_branches(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    try:
        small = chain_session(store, 21)  # 10 interactions, then the new message
        large = chain_session(store, 10_001)
        branchy = chain_session(store, 2_001, siblings_per_reply=5)  # 6,000 more versions
        costs = {}
        for name, event in (("small", small), ("large", large), ("branchy", branchy)):
            costs[name], history = steps_to_read_memory(store, event)
            users = [e for e in history if e.type == EventType.USER_MESSAGE]
            assert len(users) == TURNS and "other version" not in str([e.text for e in history])
            assert history[-1].event_id == event.parent_id  # ends right above the message
        print(f"VM steps to read {TURNS} turns: {costs}")
        assert costs["large"] <= costs["small"] * 1.1, costs
        assert costs["branchy"] <= costs["small"] * 1.1, costs
    finally:
        asyncio.run(store.close())


def test_the_walk_up_uses_the_primary_key_and_the_parent_index_exists(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    try:
        plan = [
            row[3]
            for row in store._db.execute("EXPLAIN QUERY PLAN " + PATH_SQL, ("x", TURNS, MAX_DEPTH))
        ]
        print(plan)
        # Every read of events is a search by primary key; no step scans the table.
        events_reads = [step for step in plan if " e " in f" {step} " or "events" in step]
        assert events_reads and all(
            step.startswith("SEARCH") and "sqlite_autoindex_events_1" in step
            for step in events_reads
        ), plan
        children = " ".join(
            str(tuple(row))
            for row in store._db.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM events WHERE parent_id = ?", ("x",)
            )
        )
        assert "USING INDEX events_parent" in children, children
    finally:
        asyncio.run(store.close())
