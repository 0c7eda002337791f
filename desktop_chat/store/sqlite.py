"""The local store: one SQLite file in WAL mode, the source of truth on this device.

Calls are short and indexed, so they run directly on the event loop's thread: a
thread hop would cost more than the queries themselves.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from desktop_chat.core.models import Event, EventType, Session, utc_now
from desktop_chat.store.base import StoreError

log = logging.getLogger(__name__)

# Numbered, append-only migrations: each entry upgrades the file from the previous version.
# Version 1 is the first released layout; never edit a released step, add a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: sessions and events, as in DESIGN.md
    """
    CREATE TABLE IF NOT EXISTS sessions (
        session_id TEXT PRIMARY KEY,
        user_id    TEXT,
        start_time TEXT NOT NULL,
        end_time   TEXT,
        summary    TEXT,
        title      TEXT,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
    );
    CREATE TABLE IF NOT EXISTS events (
        event_id   TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
        type       TEXT NOT NULL CHECK (type IN ('user_message', 'ai_response', 'summary')),
        timestamp  TEXT NOT NULL,
        payload    TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_session_time ON events(session_id, timestamp);
    CREATE INDEX IF NOT EXISTS sessions_user_updated ON sessions(user_id, updated_at DESC);
    """,
    # 2: full-text search over message text. The index reads text through a view of the
    # events (external content), so the text is not stored twice; triggers keep it in step.
    """
    CREATE VIEW events_text AS
        SELECT rowid AS id, json_extract(payload, '$.text') AS text FROM events;
    CREATE VIRTUAL TABLE events_fts USING fts5(
        text, content='events_text', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO events_fts(events_fts) VALUES ('rebuild');
    CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
        INSERT INTO events_fts(rowid, text) VALUES (new.rowid, json_extract(new.payload, '$.text'));
    END;
    CREATE TRIGGER events_fts_update AFTER UPDATE OF payload ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, text)
            VALUES ('delete', old.rowid, json_extract(old.payload, '$.text'));
        INSERT INTO events_fts(rowid, text) VALUES (new.rowid, json_extract(new.payload, '$.text'));
    END;
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, text)
            VALUES ('delete', old.rowid, json_extract(old.payload, '$.text'));
    END;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_SESSION_FIELDS = {"title", "summary", "end_time", "deleted_at"}


def _ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    # Fixed width, so text order is time order.
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_ts(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def _session_from_row(row: sqlite3.Row) -> Session:
    return Session(
        session_id=row["session_id"],
        start_time=_parse_ts(row["start_time"]),
        end_time=_parse_ts(row["end_time"]),
        summary=row["summary"],
        title=row["title"],
        updated_at=_parse_ts(row["updated_at"]),
        deleted_at=_parse_ts(row["deleted_at"]),
    )


def _event_from_row(row: sqlite3.Row) -> Event:
    return Event(
        event_id=row["event_id"],
        session_id=row["session_id"],
        type=EventType(row["type"]),
        timestamp=_parse_ts(row["timestamp"]),
        payload=json.loads(row["payload"]),
    )


class SQLiteStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.moved_aside: Path | None = None  # where a damaged file went, to tell the user
        self._db = self._open()

    # -- opening ---------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if _is_locked(exc):
                raise StoreError(
                    f"The chat database is in use by another program ({self.path}). "
                    "Close it and start Desktop Chat again."
                ) from exc
            # A damaged file is kept for recovery, never deleted.
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.rename(aside.with_name(aside.name + suffix))
            self.moved_aside = aside
            log.warning("Chat database was damaged (%s); moved it to %s", exc, aside)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=2.0)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"The chat database was written by a newer Desktop Chat (schema {version}). "
                    "Update the app to open it."
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                migrate(db, number)
            db.execute("SELECT count(*) FROM sessions").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    # -- sessions --------------------------------------------------------------
    async def create_session(self, session: Session) -> None:
        self._db.execute(
            "INSERT INTO sessions (session_id, start_time, end_time, summary, title, updated_at,"
            " deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                session.session_id,
                _ts(session.start_time),
                _ts(session.end_time),
                session.summary,
                session.title,
                _ts(session.updated_at),
                _ts(session.deleted_at),
            ),
        )

    async def get_session(self, session_id: str) -> Session | None:
        row = self._db.execute(
            "SELECT * FROM sessions WHERE session_id = ?", (session_id,)
        ).fetchone()
        return _session_from_row(row) if row else None

    async def list_sessions(self, limit: int = 200) -> list[Session]:
        rows = self._db.execute(
            "SELECT * FROM sessions WHERE deleted_at IS NULL ORDER BY updated_at DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [_session_from_row(r) for r in rows]

    async def update_session(self, session_id: str, **fields: Any) -> None:
        unknown = set(fields) - _SESSION_FIELDS
        if unknown:
            raise ValueError(f"not a session field: {sorted(unknown)}")
        values = {k: _ts(v) if isinstance(v, datetime) else v for k, v in fields.items()}
        values["updated_at"] = _ts(utc_now())
        assignments = ", ".join(f"{name} = ?" for name in values)
        self._db.execute(
            f"UPDATE sessions SET {assignments} WHERE session_id = ?",
            (*values.values(), session_id),
        )

    # -- events ----------------------------------------------------------------
    async def add_event(self, event: Event) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO events (event_id, session_id, type, timestamp, payload)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    event.event_id,
                    event.session_id,
                    str(event.type),
                    _ts(event.timestamp),
                    _dump(event.payload),
                ),
            )
            self._db.execute(
                "UPDATE sessions SET updated_at = ? WHERE session_id = ?",
                (_ts(utc_now()), event.session_id),
            )

    async def update_event_payload(self, event_id: str, payload: dict[str, Any]) -> None:
        self._db.execute(
            "UPDATE events SET payload = ? WHERE event_id = ?", (_dump(payload), event_id)
        )

    async def events(self, session_id: str) -> list[Event]:
        rows = self._db.execute(
            "SELECT * FROM events WHERE session_id = ? ORDER BY timestamp, rowid", (session_id,)
        ).fetchall()
        return [_event_from_row(r) for r in rows]

    async def recent_events(self, session_id: str, limit: int) -> list[Event]:
        rows = self._db.execute(
            "SELECT * FROM events WHERE session_id = ? AND type IN ('user_message', 'ai_response')"
            " ORDER BY timestamp DESC, rowid DESC LIMIT ?",
            (session_id, limit),
        ).fetchall()
        return [_event_from_row(r) for r in reversed(rows)]

    async def close(self) -> None:
        self._db.close()


def migrate(db: sqlite3.Connection, number: int) -> None:
    """Apply migration `number` and record it, all or nothing."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        for statement in _statements(MIGRATIONS[number - 1]):
            db.execute(statement)
        db.execute(f"PRAGMA user_version={number}")
    log.info("Upgraded the chat database to schema %d", number)


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def _dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _is_locked(exc: sqlite3.DatabaseError) -> bool:
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()
