"""Schema upgrades keep every row: from the first release's own file, and step by step.

tests/fixtures/chat-v1.sqlite was written by the first release's store code (see
make_chat_v1.py); chat-v1.sql is the same database as SQL text, so the fixture can be read in
review and rebuilt without the binary.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop_chat.models import MATCH_END, MATCH_START, Event, EventType, Session
from desktop_chat.store import sqlite as sqlite_store
from desktop_chat.store.base import StoreError
from desktop_chat.store.sqlite import MIGRATIONS, SCHEMA_VERSION, SQLiteStore, migrate

FIXTURES = Path(__file__).parent / "fixtures"
V1_TABLES = {"sessions", "events"}


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the first release's tables, every column, in a stable order."""
    db = sqlite3.connect(path)
    try:
        return {
            "sessions": db.execute(
                "SELECT session_id, user_id, start_time, end_time, summary, title, updated_at,"
                " deleted_at FROM sessions ORDER BY session_id"
            ).fetchall(),
            "events": db.execute(
                "SELECT event_id, session_id, type, timestamp, payload FROM events"
                " ORDER BY event_id"
            ).fetchall(),
        }
    finally:
        db.close()


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def v1_from_sql(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript((FIXTURES / "chat-v1.sql").read_text(encoding="utf-8"))
    db.close()
    return path


@pytest.fixture(params=["binary", "sql"])
def v1_database(request, tmp_path: Path) -> Path:
    path = tmp_path / "chat.db"
    if request.param == "binary":
        shutil.copyfile(FIXTURES / "chat-v1.sqlite", path)
    else:
        v1_from_sql(path)
    return path


def test_the_fixture_is_the_first_released_layout(v1_database: Path) -> None:
    assert user_version(v1_database) == 1
    db = sqlite3.connect(v1_database)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert tables == V1_TABLES
    before = rows(v1_database)
    assert len(before["sessions"]) == 4 and len(before["events"]) == 12


def test_both_fixture_forms_hold_the_same_rows(tmp_path: Path) -> None:
    binary = tmp_path / "binary.db"
    shutil.copyfile(FIXTURES / "chat-v1.sqlite", binary)
    assert rows(binary) == rows(v1_from_sql(tmp_path / "sql.db"))


def test_upgrading_the_first_release_keeps_every_row(v1_database: Path) -> None:
    before = rows(v1_database)
    store = SQLiteStore(v1_database)
    assert store.moved_aside is None
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    asyncio.run(store.close())
    assert rows(v1_database) == before, "an upgrade changed or dropped a row"

    store = SQLiteStore(v1_database)  # and it opens again without migrating twice
    sessions = {s.session_id: s for s in asyncio.run(store.list_sessions())}
    assert len(sessions) == 3  # the deleted one stays hidden, and stays stored
    lisbon = sessions["11111111-1111-4111-8111-111111111111"]
    assert lisbon.title == "Trip to Lisbon" and lisbon.summary and lisbon.end_time
    assert sessions["22222222-2222-4222-8222-222222222222"].title == "Ünïcödé, emoji 🎉 and مرحبا"
    events = asyncio.run(store.events("22222222-2222-4222-8222-222222222222"))
    assert [e.text for e in events][:3] == [
        "emoji 👩‍💻🎉 family 👨‍👩‍👧‍👦 flags 🇵🇹",
        "مرحبا بالعالم — שלום עולם — 你好，世界",
        "nul\x00byte and tab\t and <script>alert(1)</script>",
    ]
    interrupted = asyncio.run(store.events(lisbon.session_id))[3]
    assert interrupted.interrupted and interrupted.text == "Day 2: Alfama, then"
    asyncio.run(store.close())


def test_search_finds_words_in_rows_written_before_search_existed(v1_database: Path) -> None:
    store = SQLiteStore(v1_database)
    hits = asyncio.run(store.search("cafe"))  # diacritics folded: café
    assert [h.event_id for h in hits] == ["e0000000-0000-4000-8000-000000000000"]
    assert MATCH_START + "café" + MATCH_END in hits[0].snippet
    assert {h.event_id for h in asyncio.run(store.search("Alfama"))} == {
        "e0000000-0000-4000-8000-000000000003"
    }
    assert asyncio.run(store.search("مرحبا"))  # right-to-left words are indexed too
    # Rows of deleted sessions stay hidden.
    assert asyncio.run(store.search("deleted session")) == []
    # New rows written after the upgrade are searchable next to the old ones.
    session = Session(title="after")
    asyncio.run(store.create_session(session))
    asyncio.run(
        store.add_event(Event(session.session_id, EventType.USER_MESSAGE, {"text": "another café"}))
    )
    assert len([h for h in asyncio.run(store.search("cafe")) if h.event_id]) == 2
    asyncio.run(store.close())


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
def test_every_step_from_every_version_keeps_the_rows(tmp_path: Path, start: int) -> None:
    """A file left at any older version (built with the released steps 1..start) upgrades."""
    path = tmp_path / "chat.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number in range(1, start + 1):
        migrate(db, number)
    db.execute(
        "INSERT INTO sessions (session_id, start_time, updated_at, title) VALUES"
        " ('s', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', 'old 🎉')"
    )
    for i in range(50):
        db.execute(
            "INSERT INTO events (event_id, session_id, type, timestamp, payload)"
            " VALUES (?, 's', 'user_message', ?, ?)",
            (f"e{i:03d}", f"2026-01-01T00:00:{i:02d}.000000Z", f'{{"text": "word{i} ünï"}}'),
        )
    db.close()
    before = rows(path)
    store = SQLiteStore(path)
    asyncio.run(store.close())
    assert user_version(path) == SCHEMA_VERSION
    assert rows(path) == before


def test_a_failing_step_changes_nothing_and_moves_nothing(v1_database: Path, monkeypatch) -> None:
    before = rows(v1_database)
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", (*MIGRATIONS, "CREATE TABLE events (x);"))
    monkeypatch.setattr(sqlite_store, "SCHEMA_VERSION", len(MIGRATIONS) + 1)
    with pytest.raises(StoreError, match="Could not open the chat database"):
        SQLiteStore(v1_database)
    assert v1_database.exists() and not list(v1_database.parent.glob("*.damaged-*"))
    # The steps before the broken one were each committed whole; the rows are untouched.
    assert user_version(v1_database) == len(MIGRATIONS)
    assert rows(v1_database) == before


def chain(path: Path) -> dict[str, list[tuple]]:
    """Per session: its events as (event_id, parent_id) in timestamp order, and its leaf."""
    db = sqlite3.connect(path)
    try:
        result: dict[str, list[tuple]] = {}
        for session_id, leaf in db.execute("SELECT session_id, active_leaf FROM sessions"):
            events = db.execute(
                "SELECT event_id, parent_id FROM events WHERE session_id = ?"
                " ORDER BY timestamp, rowid",
                (session_id,),
            ).fetchall()
            result[session_id] = [*events, ("leaf", leaf)]
        return result
    finally:
        db.close()


def assert_one_chain_each(path: Path) -> None:
    for session_id, rows in chain(path).items():
        events, (_, leaf) = rows[:-1], rows[-1]
        assert [parent for _, parent in events] == [None] + [e for e, _ in events[:-1]], session_id
        assert leaf == (events[-1][0] if events else None), session_id


def test_the_first_release_becomes_one_chain_per_session(v1_database: Path) -> None:
    from desktop_chat.core.chat import ChatService

    store = SQLiteStore(v1_database)
    asyncio.run(store.close())
    assert_one_chain_each(v1_database)
    store = SQLiteStore(v1_database)
    lisbon = "11111111-1111-4111-8111-111111111111"
    branch = asyncio.run(ChatService(store, None).active_branch(lisbon))
    assert [item.event.event_id for item in branch] == [
        e.event_id for e in asyncio.run(store.events(lisbon))
    ]
    assert {item.versions for item in branch} == {1}
    # Upgraded rows are queued again with their parents, parents first.
    queued = [
        r[0]
        for r in store._db.execute("SELECT row_id FROM outbox WHERE kind = 'event' ORDER BY seq")
    ]
    by_time = [
        r[0] for r in store._db.execute("SELECT event_id FROM events ORDER BY timestamp, rowid")
    ]
    assert queued == by_time
    asyncio.run(store.close())


@pytest.mark.parametrize("start", range(1, 5))  # the versions before trees (migration 5)
def test_every_earlier_version_becomes_chains_in_timestamp_order(
    tmp_path: Path, start: int
) -> None:
    path = tmp_path / "chat.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number in range(1, start + 1):
        migrate(db, number)
    for s in ("a", "b", "empty"):
        db.execute(
            "INSERT INTO sessions (session_id, start_time, updated_at) VALUES"
            " (?, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')",
            (s,),
        )
    # Written out of order, and two with the same timestamp: order is (timestamp, rowid).
    for event_id, session_id, second in [
        ("a3", "a", 3),
        ("a1", "a", 1),
        ("b1", "b", 5),
        ("a2", "a", 2),
        ("a2bis", "a", 2),
        ("b2", "b", 6),
    ]:
        db.execute(
            "INSERT INTO events VALUES (?, ?, 'user_message', ?, '{\"text\": \"t\"}')",
            (event_id, session_id, f"2026-01-01T00:00:{second:02d}.000000Z"),
        )
    db.close()
    before = rows(path)
    asyncio.run(SQLiteStore(path).close())
    assert rows(path) == before
    assert chain(path) == {
        "a": [("a1", None), ("a2", "a1"), ("a2bis", "a2"), ("a3", "a2bis"), ("leaf", "a3")],
        "b": [("b1", None), ("b2", "b1"), ("leaf", "b2")],
        "empty": [("leaf", None)],
    }
