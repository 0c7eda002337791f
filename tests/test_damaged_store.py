"""A damaged or locked chat.db: kept and moved aside, or explained, never a traceback.

Damage is done for real to a real database file: cut short in the middle of a page, cut short
with a header that no longer vouches for the size (so SQLite opens it and fails later), a page
overwritten with garbage, plain garbage. Locks are held by another process.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_chat.models import Event, EventType, Session
from desktop_chat.store.base import StoreError
from desktop_chat.store.sqlite import SQLiteStore
from tests.support.app_process import AppProcess


def make_database(path: Path, events: int = 600) -> bytes:
    """A real chat.db of a few hundred pages, closed cleanly (WAL checkpointed into the file)."""
    store = SQLiteStore(path)
    session = Session(title="Kept")

    async def fill() -> None:
        await store.create_session(session)
        for i in range(events):
            kind = EventType.USER_MESSAGE if i % 2 == 0 else EventType.AI_RESPONSE
            await store.add_event(Event(session.session_id, kind, {"text": f"message {i} " * 30}))
        await store.close()

    store._db.execute("PRAGMA synchronous=OFF")  # a fixture: no need to wait for the disk
    asyncio.run(fill())
    assert not path.with_name(path.name + "-wal").exists()
    return path.read_bytes()


def page_size(data: bytes) -> int:
    size = int.from_bytes(data[16:18], "big")
    return 65536 if size == 1 else size


def assert_moved_aside_and_fresh(path: Path, damaged: bytes) -> SQLiteStore:
    store = SQLiteStore(path)
    assert store.moved_aside is not None
    assert store.moved_aside.parent == path.parent
    assert store.moved_aside.name.startswith("chat.db.damaged-")
    assert store.moved_aside.read_bytes() == damaged, "the damaged file must be kept as it was"
    assert asyncio.run(store.list_sessions()) == []
    session = Session(title="fresh")
    asyncio.run(store.create_session(session))
    asyncio.run(
        store.add_event(Event(session.session_id, EventType.USER_MESSAGE, {"text": "hello"}))
    )
    assert [e.text for e in asyncio.run(store.events(session.session_id))] == ["hello"]
    return store


def test_a_file_cut_short_mid_page_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    data = make_database(path)
    page = page_size(data)
    cut = (len(data) // page // 2) * page + page // 2  # half-way through a page, half-way in
    path.write_bytes(data[:cut])
    store = assert_moved_aside_and_fresh(path, data[:cut])
    asyncio.run(store.close())


def test_a_cut_file_that_sqlite_would_open_is_caught_at_open(tmp_path: Path) -> None:
    """With the header's page count not vouched for (its change counter no longer matches, as
    after a copy by a tool that rewrote it), SQLite opens the cut file happily and fails only
    when a query reaches a missing page. The store must find that at open, not mid-chat."""
    path = tmp_path / "chat.db"
    data = bytearray(make_database(path))
    data[24:28] = (int.from_bytes(data[24:28], "big") + 1).to_bytes(4, "big")
    damaged = bytes(data[: len(data) // 2 + 100])
    path.write_bytes(damaged)
    raw = sqlite3.connect(path)
    raw.execute("SELECT count(*) FROM sessions").fetchone()  # opens fine...
    with pytest.raises(sqlite3.DatabaseError):
        raw.execute("SELECT sum(length(payload)) FROM events").fetchone()  # ...fails later
    raw.close()
    store = assert_moved_aside_and_fresh(path, damaged)
    asyncio.run(store.close())


def test_a_page_of_garbage_inside_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    data = make_database(path)
    page = page_size(data)
    start = (len(data) // page // 2) * page
    damaged = data[:start] + os.urandom(page) + data[start + page :]
    path.write_bytes(damaged)
    store = assert_moved_aside_and_fresh(path, damaged)
    asyncio.run(store.close())


def write_then_crash(path: Path, statement: str) -> None:
    """Run `statement` in another process that then dies: the change is only in chat.db-wal."""
    writer = textwrap.dedent("""
        import os, sqlite3, sys
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute("PRAGMA wal_autocheckpoint=0")
        db.execute(sys.argv[2])
        os._exit(9)
    """)
    assert subprocess.run([sys.executable, "-c", writer, str(path), statement]).returncode == 9


def test_the_wal_left_by_a_crash_is_kept_with_the_damaged_file(tmp_path: Path) -> None:
    """SQLite deletes the -wal when a connection to a damaged file closes; the newest writes
    of a crashed run live there, so it must go aside with the file, byte for byte."""
    path = tmp_path / "chat.db"
    make_database(path, events=20)
    write_then_crash(
        path, "UPDATE events SET payload = json_set(payload, '$.text', 'newest words')"
    )
    wal = path.with_name("chat.db-wal")
    wal_bytes = wal.read_bytes()
    assert len(wal_bytes) > 4096
    damaged = b"\x00garbage" * 1000
    path.write_bytes(damaged)
    store = SQLiteStore(path)
    assert store.moved_aside is not None and store.moved_aside.read_bytes() == damaged
    assert store.moved_aside.with_name(store.moved_aside.name + "-wal").read_bytes() == wal_bytes
    asyncio.run(store.close())


def test_a_healthy_file_with_a_crash_wal_opens_with_the_newest_writes(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    make_database(path, events=20)
    write_then_crash(path, "UPDATE sessions SET title = 'newest title'")
    assert path.with_name("chat.db-wal").stat().st_size > 0
    store = SQLiteStore(path)
    assert store.moved_aside is None
    assert [s.title for s in asyncio.run(store.list_sessions())] == ["newest title"]
    asyncio.run(store.close())


def test_a_second_damaged_file_never_overwrites_the_first(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    asides = []
    for content in (b"first garbage" * 300, b"second garbage" * 300):
        path.write_bytes(content)
        store = SQLiteStore(path)
        asides.append(store.moved_aside)
        asyncio.run(store.close())
        path.unlink()
        for suffix in ("-wal", "-shm"):
            path.with_name("chat.db" + suffix).unlink(missing_ok=True)
    assert asides[0] != asides[1]
    assert asides[0].read_bytes() == b"first garbage" * 300
    assert asides[1].read_bytes() == b"second garbage" * 300


def test_a_file_that_cannot_be_opened_is_not_mistaken_for_damage(tmp_path: Path) -> None:
    """An open failure that is not corruption (here: chat.db is a folder) must leave it alone."""
    path = tmp_path / "chat.db"
    path.mkdir()
    (path / "keep.txt").write_text("mine")
    with pytest.raises(StoreError, match="Could not open the chat database"):
        SQLiteStore(path)
    assert (path / "keep.txt").read_text() == "mine"
    assert not list(tmp_path.glob("chat.db.damaged-*"))


# -- locks held by another process ----------------------------------------------------------

HOLDERS = {
    # A normal write transaction on the WAL file: readers go on, writers wait and give up.
    "begin exclusive": """
        db.execute("BEGIN EXCLUSIVE")
        db.execute("UPDATE sessions SET title = title")
    """,
    # Exclusive locking mode: not even readers get in.
    "locking_mode=EXCLUSIVE": """
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        db.execute("UPDATE sessions SET title = title")
        db.execute("COMMIT")
    """,
}


class LockHolder:
    def __init__(self, path: Path, how: str):
        code = (
            textwrap.dedent("""
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
        """)
            + textwrap.dedent(HOLDERS[how])
            + textwrap.dedent("""
            print("held", flush=True)
            sys.stdin.read()  # until the test closes our stdin
        """)
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()


@pytest.mark.parametrize("how", sorted(HOLDERS))
def test_a_database_locked_by_another_process_is_explained(
    tmp_path: Path, monkeypatch, how
) -> None:
    monkeypatch.setattr(SQLiteStore, "busy_timeout", 0.2)
    path = tmp_path / "chat.db"
    data = make_database(path, events=10)
    holder = LockHolder(path, how)
    try:
        with pytest.raises(StoreError) as caught:
            SQLiteStore(path)
        message = str(caught.value)
        assert "in use by another program" in message and str(path) in message
        assert "sqlite" not in message.lower() and "Traceback" not in message
    finally:
        holder.release()
    assert not list(tmp_path.glob("chat.db.damaged-*")), "a locked file is not a damaged one"
    store = SQLiteStore(path)  # once the other program lets go, everything is there
    assert len(asyncio.run(store.events(asyncio.run(store.list_sessions())[0].session_id))) == 10
    asyncio.run(store.close())
    assert path.read_bytes()[:16] == data[:16]


def test_a_lock_taken_while_running_is_a_store_error_not_a_crash(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(SQLiteStore, "busy_timeout", 0.2)
    path = tmp_path / "chat.db"
    make_database(path, events=2)
    store = SQLiteStore(path)
    [session] = asyncio.run(store.list_sessions())
    holder = LockHolder(path, "begin exclusive")
    try:
        with pytest.raises(StoreError, match="in use by another program"):
            asyncio.run(
                store.add_event(Event(session.session_id, EventType.USER_MESSAGE, {"text": "x"}))
            )
        with pytest.raises(StoreError, match="in use by another program"):
            asyncio.run(store.update_session(session.session_id, title="renamed"))
        assert len(asyncio.run(store.events(session.session_id))) == 2  # reading still works
    finally:
        holder.release()
    asyncio.run(
        store.add_event(Event(session.session_id, EventType.USER_MESSAGE, {"text": "later"}))
    )
    assert asyncio.run(store.events(session.session_id))[-1].text == "later"
    asyncio.run(store.close())


# -- the real app start-up ------------------------------------------------------------------


def test_the_app_moves_a_damaged_file_aside_and_says_where(tmp_path: Path, groq_server) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    damaged = b"SQLite format 3\x00" + os.urandom(8000)
    (data_dir / "chat.db").write_bytes(damaged)
    child = AppProcess(
        tmp_path / "home", data_dir, groq=groq_server, messages=["still works?"], quit=True
    )
    try:
        dialog = child.wait_for("dialog")
        child.wait_for("replied")
        child.wait_for("exit")
        assert child.wait() == 0
    finally:
        child.close()
    [aside] = data_dir.glob("chat.db.damaged-*")
    assert aside.read_bytes() == damaged
    assert dialog["kind"] == "warning"
    assert str(aside) in dialog["text"] and "damaged" in dialog["text"]
    assert "Traceback" not in child.stderr
    store = SQLiteStore(data_dir / "chat.db")
    [session] = asyncio.run(store.list_sessions())
    assert [e.text for e in asyncio.run(store.events(session.session_id))] == [
        "still works?",
        groq_server.reply_text,
    ]
    asyncio.run(store.close())


def test_the_app_explains_a_locked_database_and_exits(tmp_path: Path, groq_server) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    make_database(data_dir / "chat.db", events=4)
    holder = LockHolder(data_dir / "chat.db", "locking_mode=EXCLUSIVE")
    try:
        child = AppProcess(tmp_path / "home", data_dir, groq=groq_server, quit=True)
        try:
            dialog = child.wait_for("dialog")
            exit_event = child.wait_for("exit")
            child.wait()
        finally:
            child.close()
    finally:
        holder.release()
    assert dialog["kind"] == "critical"
    assert "in use by another program" in dialog["text"]
    assert exit_event["code"] == 1
    assert "Traceback" not in child.stderr
    assert not list(data_dir.glob("chat.db.damaged-*"))


def test_the_window_explains_a_lock_taken_while_it_runs(
    qtbot, run, groq_server, isolated_environment, monkeypatch
) -> None:
    from tests.ui_helpers import ChatApp

    monkeypatch.setattr(SQLiteStore, "busy_timeout", 0.2)
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    try:
        chat.send_and_wait("before the lock")
        holder = LockHolder(isolated_environment / "chat.db", "begin exclusive")
        try:
            chat.type_and_send("during the lock")
            qtbot.waitUntil(
                lambda: "in use by another program" in chat.window.composer.status.text()
            )
            chat.wait_idle()
            assert "Something went wrong" not in chat.window.composer.status.text()
            assert chat.composer.toPlainText() == "during the lock", "the text must not be lost"
        finally:
            holder.release()
        chat.send_and_wait(chat.composer.toPlainText())
        texts = [e.text for e in run(chat.store.events(chat.window.current_session_id))]
        assert texts == [
            "before the lock",
            groq_server.reply_text,
            "during the lock",
            groq_server.reply_text,
        ]
    finally:
        chat.close()
