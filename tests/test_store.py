"""The SQLite store on a real file: round trips, ordering, crash safety, damaged files."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.store.base import StoreError
from desktop_chat.store.sqlite import SCHEMA_VERSION, SQLiteStore


def test_sessions_and_events_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    store = SQLiteStore(path)
    session = Session(title="Trip to Lisbon")
    asyncio.run(store.create_session(session))
    texts = ["Hello", "Hi! How can I help?", "Plan a day", "Here is a plan"]
    for index, text in enumerate(texts):
        kind = EventType.USER_MESSAGE if index % 2 == 0 else EventType.AI_RESPONSE
        asyncio.run(store.add_event(Event(session.session_id, kind, {"text": text})))
    asyncio.run(store.close())

    reopened = SQLiteStore(path)
    [listed] = asyncio.run(reopened.list_sessions())
    assert listed.session_id == session.session_id and listed.title == "Trip to Lisbon"
    assert [e.text for e in asyncio.run(reopened.events(session.session_id))] == texts
    assert reopened._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reopened._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_sessions_are_listed_by_last_activity(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    older, newer = Session(title="older"), Session(title="newer")
    asyncio.run(store.create_session(older))
    asyncio.run(store.create_session(newer))
    asyncio.run(store.add_event(Event(older.session_id, EventType.USER_MESSAGE, {"text": "bump"})))
    assert [s.title for s in asyncio.run(store.list_sessions())] == ["older", "newer"]
    asyncio.run(store.update_session(older.session_id, deleted_at=utc_now()))
    assert [s.title for s in asyncio.run(store.list_sessions())] == ["newer"]


def test_recent_events_reads_only_the_tail_through_the_index(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    session = Session()
    asyncio.run(store.create_session(session))
    start = utc_now()
    for i in range(50):
        asyncio.run(
            store.add_event(
                Event(
                    session.session_id,
                    EventType.USER_MESSAGE,
                    {"text": f"m{i}"},
                    timestamp=start + timedelta(seconds=i),
                )
            )
        )
    assert [e.text for e in asyncio.run(store.recent_events(session.session_id, 3))] == [
        "m47",
        "m48",
        "m49",
    ]
    [plan] = query_plans(store, store.recent_events(session.session_id, 3))
    assert "SEARCH events USING INDEX events_session_time" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # the index gives the order: no sort of the session


def query_plans(store: SQLiteStore, call) -> list[str]:
    """SQLite's plan of each query the store runs for `call`: its own SQL, as traced, not a
    copy of it."""
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    try:
        asyncio.run(call)
    finally:
        store._db.set_trace_callback(None)
    return [
        " | ".join(row[-1] for row in store._db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in statements
        if sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]


def test_odd_text_round_trips_unchanged(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    session = Session()
    asyncio.run(store.create_session(session))
    texts = [
        "emoji 👩‍💻🎉",
        "مرحبا بالعالم",
        "nul\x00byte",
        "<script>alert(1)</script>",
        "x" * 1_000_000,
    ]
    for text in texts:
        asyncio.run(
            store.add_event(Event(session.session_id, EventType.USER_MESSAGE, {"text": text}))
        )
    assert [e.text for e in asyncio.run(store.events(session.session_id))] == texts


def test_a_killed_writer_loses_nothing_it_wrote(tmp_path: Path) -> None:
    """A child process writes a partial reply, then dies without closing: the reopen sees it."""
    path = tmp_path / "chat.db"
    child = textwrap.dedent(f"""
        import asyncio, os
        from desktop_chat.models import Event, EventType, Session
        from desktop_chat.store.sqlite import SQLiteStore
        store = SQLiteStore({str(path)!r})
        session = Session(session_id="s1")
        asyncio.run(store.create_session(session))
        asyncio.run(store.add_event(Event("s1", EventType.USER_MESSAGE, {{"text": "question"}})))
        reply = Event("s1", EventType.AI_RESPONSE, {{"text": "half", "interrupted": True}}, event_id="r1")
        asyncio.run(store.add_event(reply))
        asyncio.run(store.update_event_payload("r1", {{"text": "half an answer", "interrupted": True}}))
        os._exit(9)  # no close, no checkpoint: like a crash
    """)
    result = subprocess.run([sys.executable, "-c", child], cwd=Path(__file__).parents[1])
    assert result.returncode == 9
    store = SQLiteStore(path)
    events = asyncio.run(store.events("s1"))
    assert [(e.type, e.text) for e in events] == [
        (EventType.USER_MESSAGE, "question"),
        (EventType.AI_RESPONSE, "half an answer"),
    ]
    assert events[1].interrupted


def test_a_damaged_file_is_moved_aside_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    store = SQLiteStore(path)
    assert store.moved_aside is not None and store.moved_aside.read_bytes() == garbage
    asyncio.run(store.create_session(Session(title="fresh")))
    assert [s.title for s in asyncio.run(store.list_sessions())] == ["fresh"]


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer Desktop Chat"):
        SQLiteStore(path)


def test_payload_is_json(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    session = Session()
    asyncio.run(store.create_session(session))
    payload = {"text": "done", "model": "m", "usage": {"total_tokens": 3}}
    asyncio.run(store.add_event(Event(session.session_id, EventType.AI_RESPONSE, payload)))
    raw = store._db.execute("SELECT payload FROM events").fetchone()[0]
    assert json.loads(raw) == payload


def test_search_finds_only_the_signed_in_users_sessions_and_unowned_ones(tmp_path: Path) -> None:
    # Two accounts used on one device: each sees its own (and account-less) sessions only.
    store = SQLiteStore(tmp_path / "chat.db")
    owners = {}
    for user in (None, "ada", "bob"):
        store.set_user(user)
        session = Session(title=f"Lisbon for {user or 'nobody'}")
        asyncio.run(store.create_session(session))
        asyncio.run(
            store.add_event(
                Event(
                    session.session_id,
                    EventType.USER_MESSAGE,
                    {"text": f"lisbon plans of {user or 'nobody'}"},
                )
            )
        )
        owners[session.session_id] = user
    store.set_user("bob")
    found = {owners[hit.session_id] for hit in asyncio.run(store.search("lisbon"))}
    titles = {hit.title for hit in asyncio.run(store.search("lisbon"))}
    assert found == {None, "bob"}
    assert titles == {"Lisbon for nobody", "Lisbon for bob"}
    assert {s.title for s in asyncio.run(store.list_sessions())} == titles
    store.set_user(None)  # signed out: everything on this device, as the list shows
    hits = asyncio.run(store.search("lisbon"))
    assert {owners[hit.session_id] for hit in hits} == {None, "ada", "bob"}


def test_a_rename_or_undo_delete_keeps_the_order_and_the_last_activity(tmp_path: Path) -> None:
    # Only a new message is activity; edits still move updated_at, the sync clock.
    store = SQLiteStore(tmp_path / "chat.db")
    older, newer = Session(title="older"), Session(title="newer")
    for session in (older, newer):
        asyncio.run(store.create_session(session))
        asyncio.run(
            store.add_event(Event(session.session_id, EventType.USER_MESSAGE, {"text": "hi"}))
        )
    listed = asyncio.run(store.list_sessions())
    assert [s.title for s in listed] == ["newer", "older"]
    active_before = {s.session_id: s.last_activity for s in listed}
    clock_before = asyncio.run(store.get_session(older.session_id)).updated_at
    asyncio.run(store.update_session(older.session_id, title="older, renamed"))
    asyncio.run(store.update_session(older.session_id, deleted_at=utc_now()))
    asyncio.run(store.update_session(older.session_id, deleted_at=None))
    listed = asyncio.run(store.list_sessions())
    assert [s.title for s in listed] == ["newer", "older, renamed"]
    assert {s.session_id: s.last_activity for s in listed} == active_before
    assert asyncio.run(store.get_session(older.session_id)).updated_at > clock_before
    asyncio.run(store.add_event(Event(older.session_id, EventType.USER_MESSAGE, {"text": "again"})))
    assert [s.title for s in asyncio.run(store.list_sessions())] == ["older, renamed", "newer"]


def test_search_gives_one_hit_per_session_with_its_best_match_and_count(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "chat.db")
    chatty, quiet = Session(title="Cooking"), Session(title="Travel")
    titled = Session(title="Apple pie")
    for session in (titled, quiet, chatty):
        asyncio.run(store.create_session(session))
    texts = [
        (chatty, ["apple", "apple apple apple", "pear", "an apple a day"]),
        (quiet, ["one apple"]),
        (titled, ["crust and butter"]),
    ]
    best = None
    for session, lines in texts:
        for text in lines:
            event = Event(session.session_id, EventType.USER_MESSAGE, {"text": text})
            asyncio.run(store.add_event(event))
            best = event if text == "apple apple apple" else best
    hits = asyncio.run(store.search("apple"))
    assert [h.session_id for h in hits] == [titled.session_id, quiet.session_id, chatty.session_id]
    by_session = {h.session_id: h for h in hits}
    assert by_session[chatty.session_id].matches == 3
    assert by_session[chatty.session_id].event_id == best.event_id  # the best-ranked message
    assert "\x02apple\x03 \x02apple\x03" in by_session[chatty.session_id].snippet
    assert by_session[quiet.session_id].matches == 1
    title_hit = by_session[titled.session_id]
    assert title_hit.event_id is None and title_hit.snippet == "\x02Apple\x03 pie"
