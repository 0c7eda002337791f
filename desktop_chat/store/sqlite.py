"""The local store: one SQLite file in WAL mode, the source of truth on this device.

Calls are short and indexed, so they run directly on the event loop's thread: a
thread hop would cost more than the queries themselves.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_chat.i18n import translate
from desktop_chat.models import (
    MATCH_END,
    MATCH_START,
    Event,
    EventType,
    ListedSession,
    SearchHit,
    Session,
    clean_title,
    utc_now,
)
from desktop_chat.store.attachment_sync import AttachmentTables
from desktop_chat.store.base import StoreError
from desktop_chat.store.sqlite_sync import SyncTables

log = logging.getLogger(__name__)

# Numbered, append-only migrations: each entry upgrades the file from the previous version.
# Version 1 is the first released layout; never edit a released step, add a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: sessions and events (docs/architecture.md, "Data model")
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
    # 3: sync with Supabase (desktop_chat/store/sync.py). Every local write of a session or an
    # event queues its id in the outbox; a queued row is pushed as it is at push time. REPLACE
    # gives a re-queued row a new seq (AUTOINCREMENT: never reused), so a write made while a
    # push is in flight survives that push's clean-up. Rows applied from the server are written
    # while sync_state holds 'applying_remote' (inside the same transaction), so they are not
    # queued back. Existing rows are queued once, so nothing written before sync is left out.
    """
    CREATE TABLE outbox (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        kind   TEXT NOT NULL CHECK (kind IN ('session', 'event')),
        row_id TEXT NOT NULL,
        error  TEXT,
        UNIQUE (kind, row_id)
    );
    CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT);
    CREATE TRIGGER outbox_session_insert AFTER INSERT ON sessions
        WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying_remote') BEGIN
        INSERT OR REPLACE INTO outbox (kind, row_id) VALUES ('session', new.session_id);
    END;
    CREATE TRIGGER outbox_session_update AFTER UPDATE ON sessions
        WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying_remote') BEGIN
        INSERT OR REPLACE INTO outbox (kind, row_id) VALUES ('session', new.session_id);
    END;
    CREATE TRIGGER outbox_event_insert AFTER INSERT ON events
        WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying_remote') BEGIN
        INSERT OR REPLACE INTO outbox (kind, row_id) VALUES ('event', new.event_id);
    END;
    CREATE TRIGGER outbox_event_update AFTER UPDATE ON events
        WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying_remote') BEGIN
        INSERT OR REPLACE INTO outbox (kind, row_id) VALUES ('event', new.event_id);
    END;
    INSERT INTO outbox (kind, row_id) SELECT 'session', session_id FROM sessions ORDER BY start_time;
    INSERT INTO outbox (kind, row_id) SELECT 'event', event_id FROM events ORDER BY timestamp;
    """,  # noqa: E501 - a released migration is never edited, not even rewrapped
    # 4: the session list reads the newest live sessions; without this index it sorted them all.
    """
    CREATE INDEX sessions_live_updated ON sessions(updated_at DESC) WHERE deleted_at IS NULL;
    """,
    # 5: a session is a tree (docs/architecture.md). Each event names the event it follows; the
    # session names the leaf its transcript ends at. Existing sessions become one chain in timestamp
    # order (rowid breaks ties, as events() does), ending at their newest event; no row is
    # dropped. The session's own system prompt and the event a branch was made from are kept
    # with the session. The outbox is refilled parent-first, so a server that checks parents
    # receives each parent before its children.
    """
    ALTER TABLE events ADD COLUMN parent_id TEXT;
    ALTER TABLE sessions ADD COLUMN active_leaf TEXT;
    ALTER TABLE sessions ADD COLUMN system_prompt TEXT;
    ALTER TABLE sessions ADD COLUMN branched_from TEXT;
    UPDATE events SET parent_id = (
        SELECT p.event_id FROM events p
        WHERE p.session_id = events.session_id
          AND (p.timestamp < events.timestamp
               OR (p.timestamp = events.timestamp AND p.rowid < events.rowid))
        ORDER BY p.timestamp DESC, p.rowid DESC LIMIT 1);
    UPDATE sessions SET active_leaf = (
        SELECT e.event_id FROM events e WHERE e.session_id = sessions.session_id
        ORDER BY e.timestamp DESC, e.rowid DESC LIMIT 1);
    CREATE INDEX events_parent ON events(parent_id);
    DELETE FROM outbox WHERE kind = 'event' AND error IS NULL;
    INSERT OR IGNORE INTO outbox (kind, row_id)
        SELECT 'event', event_id FROM events ORDER BY timestamp, rowid;
    """,
    # 6: images attached to messages (core/attachments.py). The event's payload names each
    # one (id, name, mime, size, a small preview); the bytes are kept once, here, read only
    # for a request or the large view. Immutable: written once, never updated.
    """
    CREATE TABLE attachments (
        attachment_id TEXT PRIMARY KEY,
        session_id    TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
        mime          TEXT NOT NULL,
        size          INTEGER NOT NULL,
        bytes         BLOB NOT NULL,
        created_at    TEXT NOT NULL
    );
    CREATE INDEX attachments_session ON attachments(session_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
# The columns a new session row is written with (create_session, add_imported).
SESSION_INSERT = (
    "(session_id, start_time, end_time, summary, title, updated_at, deleted_at, user_id,"
    " active_leaf, system_prompt, branched_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_SESSION_FIELDS = {"title", "summary", "end_time", "deleted_at", "active_leaf", "system_prompt"}
# A session's last activity: its newest event (through events_session_time), else its start.
_LAST_ACTIVITY = (
    "COALESCE((SELECT max(e.timestamp) FROM events e"
    " WHERE e.session_id = s.session_id), s.start_time)"
)
# The active branch, from a leaf (?1) up: each step looks the parent up by primary key, and the
# walk stops once it has passed ?2 user messages, so it reads only the rows it returns.
PATH_SQL = (
    "WITH RECURSIVE up(event_id, parent_id, depth, users) AS ("
    "  SELECT event_id, parent_id, 0, type = 'user_message' FROM events WHERE event_id = ?1"
    "  UNION ALL"
    "  SELECT e.event_id, e.parent_id, up.depth + 1, up.users + (e.type = 'user_message')"
    "   FROM events e JOIN up ON e.event_id = up.parent_id"
    "   WHERE up.users < ?2 AND up.depth < ?3"
    ") SELECT e.* FROM up JOIN events e ON e.event_id = up.event_id"
    " WHERE up.users <= ?2 ORDER BY up.depth DESC"
)
# The newest ?2 events of a branch, from ?1 up (the shown tail of a long session, or the page
# above the oldest shown row): each step is one primary-key lookup, and LIMIT ends the walk, so
# the cost is what it returns, however long the session (docs/architecture.md, "Long sessions").
TAIL_SQL = (
    "WITH RECURSIVE up(event_id, parent_id, depth) AS ("
    "  SELECT event_id, parent_id, 0 FROM events WHERE event_id = ?1"
    "  UNION ALL"
    "  SELECT e.event_id, e.parent_id, up.depth + 1"
    "   FROM events e JOIN up ON e.event_id = up.parent_id"
    "  LIMIT ?2"
    ") SELECT e.* FROM up JOIN events e ON e.event_id = up.event_id ORDER BY up.depth DESC"
)
# How deep a walk up the tree may go: far past any real conversation, it only stops a cycle
# (which a damaged or hostile synced row could make) from running for ever.
MAX_DEPTH = 1_000_000


def _ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    # Fixed width, so text order is time order.
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_ts(value: str | None) -> datetime | None:
    if value is None:
        return None
    # fromisoformat reads this fixed format ~85x faster than strptime (10k sessions: 0.6 s).
    return datetime.fromisoformat(value)


def _session_fields(row: sqlite3.Row) -> dict[str, Any]:
    return dict(
        session_id=row["session_id"],
        start_time=_parse_ts(row["start_time"]),
        end_time=_parse_ts(row["end_time"]),
        summary=row["summary"],
        title=row["title"],
        updated_at=_parse_ts(row["updated_at"]),
        deleted_at=_parse_ts(row["deleted_at"]),
        active_leaf=row["active_leaf"],
        system_prompt=row["system_prompt"],
        branched_from=row["branched_from"],
    )


def _session_from_row(row: sqlite3.Row) -> Session:
    return Session(**_session_fields(row))


def _listed_session_from_row(row: sqlite3.Row) -> ListedSession:
    """A session row selected with its `last_activity` (the newest event's time)."""
    return ListedSession(**_session_fields(row), last_activity=_parse_ts(row["last_activity"]))


def _event_from_row(row: sqlite3.Row) -> Event:
    return Event(
        event_id=row["event_id"],
        session_id=row["session_id"],
        type=EventType(row["type"]),
        timestamp=datetime.fromisoformat(row["timestamp"]),  # NOT NULL
        payload=json.loads(row["payload"]),
        parent_id=row["parent_id"],
    )


class SQLiteStore(SyncTables, AttachmentTables):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.moved_aside: Path | None = None  # where a damaged file went, to tell the user
        # The signed-in Supabase user (sync.py sets it): new sessions are recorded as theirs,
        # and the list shows theirs plus sessions not yet claimed by anyone. None: all.
        self.user_id: str | None = None
        # Old id -> new id of rows sync gave a new id (another account had taken theirs on the
        # server): a window still holding the old id keeps working on the row.
        self.aliases: dict[str, str] = {}
        self._db = self._open()

    # -- opening ---------------------------------------------------------------
    busy_timeout = 2.0  # seconds to wait for another writer before giving up

    def _open(self) -> sqlite3.Connection:
        try:
            self._prepare_files()
            if self.path.exists():
                self._check_existing()
            return self._open_checked()
        except OSError as exc:  # the folder or the file, before SQLite got to it
            raise StoreError(_os_error_message(self.path, exc)) from exc

    def _prepare_files(self) -> None:
        """The data folder (made 0700) and chat.db (made 0600 before SQLite opens it, so its
        -wal and -shm, which SQLite creates with the same mode, are private too). A chat.db,
        -wal or -shm that is a link out of the folder is not followed: SQLite would write the
        chats wherever it points (a dangling link would create the file there)."""
        folder = self.path.parent
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True)
        for name in (self.path.name, self.path.name + "-wal", self.path.name + "-shm"):
            side = folder / name
            if side.is_symlink():
                target = Path(os.path.realpath(side))
                if target.parent != folder.resolve():
                    raise StoreError(
                        translate(
                            "Store",
                            "{link} is a link to {target}, outside the data folder, so Desktop "
                            "Chat does not follow it. Remove the link (or move the real file into "
                            "{folder}) and start again.",
                        ).format(link=side, target=target, folder=folder)
                    )
        if not self.path.exists() and not self.path.is_symlink():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        elif self.path.is_file():
            _make_private(self.path)

    def _open_checked(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if _is_locked(exc):
                raise StoreError(_locked_message(self.path)) from exc
            if not _is_damaged(exc) or self.moved_aside is not None:
                raise StoreError(_open_failed_message(self.path, exc)) from exc
            # Damage the read-only check did not see: move it aside all the same.
            self._move_aside(exc)
            try:
                return self._connect()
            except sqlite3.DatabaseError as again:
                raise StoreError(_open_failed_message(self.path, again)) from again

    def _check_existing(self) -> None:
        """Read every page of the file, read-only, and move it aside if it is damaged.

        Read-only matters: a read-write connection to a damaged file may checkpoint the -wal
        into it and delete the -wal on close, changing what is kept. A file cut short can also
        open fine and fail only on a later query, so a quick look at the header is not enough
        (quick_check reads ~100 MB in 0.2 s).
        """
        try:
            probe = sqlite3.connect(
                self.path.resolve().as_uri() + "?mode=ro", uri=True, timeout=self.busy_timeout
            )
            try:
                problems = [row[0] for row in probe.execute("PRAGMA quick_check(5)")]
            finally:
                probe.close()
            if problems != ["ok"]:
                raise sqlite3.DatabaseError("quick_check: " + "; ".join(problems)[:500])
        except sqlite3.DatabaseError as exc:
            if _is_locked(exc):
                raise StoreError(_locked_message(self.path)) from exc
            if not _is_damaged(exc):
                # Permissions, a full disk, an I/O error: the file may be fine, so leave it be.
                raise StoreError(_open_failed_message(self.path, exc)) from exc
            self._move_aside(exc)

    def _move_aside(self, reason: Exception) -> Path:
        """A damaged file is kept for recovery, never deleted: it and its -wal / -shm get a
        `.damaged-<UTC time>` name next to it."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        number = 1
        while aside.exists():  # never overwrite an earlier damaged copy
            number += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{number}")
        try:
            self.path.rename(aside)
        except OSError as exc:
            raise StoreError(
                translate(
                    "Store",
                    "The chat database ({path}) is damaged, and Desktop Chat cannot move it "
                    "aside to start a fresh one: {reason}. The file is left as it is. "
                    "Make the folder writable (or set DESKTOP_CHAT_DATA_DIR to another folder) "
                    "and start again.",
                ).format(path=self.path, reason=_os_reason(exc))
            ) from exc
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
        self.moved_aside = aside
        log.warning("Chat database was damaged (%s); moved it to %s", reason, aside)
        return aside

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=self.busy_timeout
        )
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    translate(
                        "Store",
                        "The chat database was written by a newer Desktop Chat (schema "
                        "{version}). Update the app to open it.",
                    ).format(version=version)
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                migrate(db, number)
            db.execute("SELECT count(*) FROM sessions").fetchone()
            # Another program holding a write lock would only show on the first save: find out
            # now, while the user can still be told plainly.
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        except BaseException:
            db.close()
            raise
        return db

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        try:
            self._db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise _write_error(self.path, exc) from exc

    def _id(self, row_id: str) -> str:
        return self.aliases.get(row_id, row_id)

    def set_user(self, user_id: str | None) -> None:
        self.user_id = user_id

    # -- sessions --------------------------------------------------------------
    def _session_row(self, session: Session) -> tuple[object, ...]:
        """A new session's values, in SESSION_INSERT's column order."""
        return (
            session.session_id,
            _ts(session.start_time),
            _ts(session.end_time),
            session.summary,
            clean_title(session.title) or None,
            _ts(session.updated_at),
            _ts(session.deleted_at),
            self.user_id,
            session.active_leaf,
            session.system_prompt,
            session.branched_from,
        )

    async def create_session(self, session: Session) -> None:
        self._write(f"INSERT INTO sessions {SESSION_INSERT}", self._session_row(session))

    async def get_session(self, session_id: str) -> Session | None:
        row = self._db.execute(
            "SELECT * FROM sessions WHERE session_id = ?", (self._id(session_id),)
        ).fetchone()
        return _session_from_row(row) if row else None

    async def list_sessions(self, limit: int = 200) -> list[ListedSession]:
        # Ordered by the newest message, not by updated_at: updated_at is the sync clock that
        # every edit (rename, delete, undo) bumps, and an edit is not new activity. Derived from
        # the events, which sync by id, so every device orders alike with nothing to migrate.
        # One index probe per live session: ~15 ms for 10,000 sessions of 10 messages.
        rows = self._db.execute(
            f"SELECT s.*, {_LAST_ACTIVITY} AS last_activity FROM sessions s"
            " WHERE s.deleted_at IS NULL AND (?1 IS NULL OR s.user_id IS NULL OR s.user_id = ?1)"
            " ORDER BY last_activity DESC LIMIT ?2",
            (self.user_id, limit),
        ).fetchall()
        return [_listed_session_from_row(r) for r in rows]

    async def update_session(self, session_id: str, **fields: Any) -> None:
        unknown = set(fields) - _SESSION_FIELDS
        if unknown:
            raise ValueError(f"not a session field: {sorted(unknown)}")
        if fields.get("title") is not None:  # model-written, or typed: stored clean
            fields["title"] = clean_title(fields["title"]) or None
        values = {
            k: _ts(v) if isinstance(v, datetime) else _storable(v) if isinstance(v, str) else v
            for k, v in fields.items()
        }
        values["updated_at"] = _ts(utc_now())
        assignments = ", ".join(f"{name} = ?" for name in values)
        self._write(
            f"UPDATE sessions SET {assignments} WHERE session_id = ?",
            (*values.values(), self._id(session_id)),
        )

    async def session_prompts(self) -> dict[str, str]:
        """Every session's own system prompt, by session id."""
        rows = self._db.execute(
            "SELECT session_id, system_prompt FROM sessions WHERE system_prompt IS NOT NULL"
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    # -- events ----------------------------------------------------------------
    async def add_event(self, event: Event, *, activate: bool = False) -> None:
        """Store `event`; with `activate`, also make it the session's active leaf, in the same
        transaction (a crash never leaves the transcript ending before a stored message)."""
        parent = self._id(event.parent_id) if event.parent_id else None
        row = (
            event.event_id,
            self._id(event.session_id),
            str(event.type),
            _ts(event.timestamp),
            _dump(event.payload),
            parent,
        )
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(
                    "INSERT INTO events (event_id, session_id, type, timestamp, payload, parent_id)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
                self._db.execute(
                    "UPDATE sessions SET updated_at = ?,"
                    " active_leaf = CASE WHEN ? THEN ? ELSE active_leaf END WHERE session_id = ?",
                    (_ts(utc_now()), activate, event.event_id, self._id(event.session_id)),
                )
        except sqlite3.OperationalError as exc:
            raise _write_error(self.path, exc) from exc

    async def add_imported(self, session: Session, events: list[Event]) -> tuple[bool, int]:
        """Store an imported session and its events in one transaction, keeping their own
        times: rows whose id is already here are left as they are (re-importing adds only
        what is new). Returns (whether the session was new, how many events were added)."""
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                new_session = (
                    self._db.execute(
                        f"INSERT OR IGNORE INTO sessions {SESSION_INSERT}",
                        self._session_row(session),
                    ).rowcount
                    == 1
                )
                added = 0
                for event in events:
                    added += self._db.execute(
                        "INSERT OR IGNORE INTO events (event_id, session_id, type, timestamp,"
                        " payload, parent_id) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            event.event_id,
                            session.session_id,
                            str(event.type),
                            _ts(event.timestamp),
                            _dump(event.payload),
                            event.parent_id,
                        ),
                    ).rowcount
        except sqlite3.OperationalError as exc:
            raise _write_error(self.path, exc) from exc
        return new_session, added

    # -- attachments -----------------------------------------------------------------
    async def add_attachment(
        self, session_id: str, attachment_id: str, mime: str, data: bytes
    ) -> None:
        """Keep an attached image's bytes (once: a second write of the same id changes
        nothing, as attachments never change)."""
        self._write(
            "INSERT OR IGNORE INTO attachments (attachment_id, session_id, mime, size, bytes,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (attachment_id, self._id(session_id), mime, len(data), data, _ts(utc_now())),
        )

    async def attachment_sizes(self, ids: list[str]) -> dict[str, int]:
        """The stored size of each of `ids` that is here (a synced event's image may not be)."""
        rows = self._in("SELECT attachment_id, size FROM attachments WHERE attachment_id IN", ids)
        return {r["attachment_id"]: r["size"] for r in rows}

    async def attachment_data(self, ids: list[str]) -> dict[str, tuple[str, bytes]]:
        """(mime, bytes) of each of `ids` that is here."""
        rows = self._in(
            "SELECT attachment_id, mime, bytes FROM attachments WHERE attachment_id IN", ids
        )
        return {r["attachment_id"]: (r["mime"], bytes(r["bytes"])) for r in rows}

    def _in(self, query: str, ids: list[str]) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for start in range(0, len(ids), 500):  # under SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows += self._db.execute(f"{query} ({marks})", chunk).fetchall()
        return rows

    async def update_event_payload(self, event_id: str, payload: dict[str, Any]) -> None:
        self._write(
            "UPDATE events SET payload = ? WHERE event_id = ?", (_dump(payload), self._id(event_id))
        )

    async def events(self, session_id: str) -> list[Event]:
        rows = self._db.execute(
            "SELECT * FROM events WHERE session_id = ? ORDER BY timestamp, rowid",
            (self._id(session_id),),
        ).fetchall()
        return [_event_from_row(r) for r in rows]

    async def event(self, event_id: str) -> Event | None:
        row = self._db.execute(
            "SELECT * FROM events WHERE event_id = ?", (self._id(event_id),)
        ).fetchone()
        return _event_from_row(row) if row else None

    async def branch_path(self, leaf_id: str, max_user_messages: int | None = None) -> list[Event]:
        """The events from the root down to `leaf_id` (oldest first), following parent_id.

        One recursive query that walks up from the leaf by primary key, so its cost is the
        length of what it returns: neither the session's size nor its other branches matter.
        With `max_user_messages`, the walk stops once it has passed that many user messages
        (the memory window), and returns only the part below that point."""
        limit = MAX_DEPTH if max_user_messages is None else max_user_messages
        rows = self._db.execute(PATH_SQL, (self._id(leaf_id), limit, MAX_DEPTH)).fetchall()
        return [_event_from_row(r) for r in rows]

    async def branch_tail(self, event_id: str, limit: int) -> list[Event]:
        """`event_id` and the events above it on its branch, at most `limit` of them, oldest
        first: the newest messages of a session (from its leaf), or the next older page (from
        the parent of the oldest one shown). The first one's parent_id says where the page
        after it starts (None: this page reaches the first message)."""
        rows = self._db.execute(TAIL_SQL, (self._id(event_id), max(0, limit))).fetchall()
        return [_event_from_row(r) for r in rows]

    async def children(self, session_id: str, parent_id: str | None) -> list[Event]:
        """The events that follow `parent_id` (the session's first events for None), oldest
        first: the versions of one message."""
        if parent_id is None:
            rows = self._db.execute(
                "SELECT * FROM events WHERE session_id = ? AND parent_id IS NULL"
                " ORDER BY timestamp, rowid",
                (self._id(session_id),),
            ).fetchall()
        else:
            rows = self._db.execute(
                "SELECT * FROM events WHERE parent_id = ? ORDER BY timestamp, rowid",
                (self._id(parent_id),),
            ).fetchall()
        return [_event_from_row(r) for r in rows]

    async def versions(
        self, session_id: str, parent_ids: list[str | None]
    ) -> dict[str | None, list[str]]:
        """For each parent (None: the session's first events), the ids of its live children,
        oldest first: the versions shown as "n/m". A few indexed queries for a whole branch."""
        wanted = list(dict.fromkeys(self._id(p) if p else None for p in parent_ids))
        found: dict[str | None, list[str]] = {p: [] for p in wanted}
        live = " AND json_extract(payload, '$.deleted_at') IS NULL ORDER BY timestamp, rowid"
        if None in found:
            found[None] = [
                r[0]
                for r in self._db.execute(
                    "SELECT event_id FROM events WHERE session_id = ? AND parent_id IS NULL" + live,
                    (self._id(session_id),),
                )
            ]
        ids = [p for p in wanted if p is not None]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for parent, event_id in self._db.execute(
                f"SELECT parent_id, event_id FROM events WHERE parent_id IN"
                f" ({','.join('?' * len(chunk))})" + live,
                chunk,
            ):
                found[parent].append(event_id)
        return found

    async def newest_leaf(self, event_id: str) -> str:
        """The newest event under `event_id` (itself when nothing follows it) that has no
        live child: where the transcript ends when the user picks that version. Deleted
        events (a tombstone in the payload) and what follows them are skipped."""
        row = self._db.execute(
            "WITH RECURSIVE down(event_id, depth) AS ("
            "  SELECT ?1, 0"
            "  UNION ALL"
            "  SELECT e.event_id, down.depth + 1 FROM events e JOIN down"
            "   ON e.parent_id = down.event_id"
            "   WHERE json_extract(e.payload, '$.deleted_at') IS NULL AND down.depth < ?2"
            ") SELECT down.event_id FROM down JOIN events e ON e.event_id = down.event_id"
            " WHERE NOT EXISTS (SELECT 1 FROM events c WHERE c.parent_id = down.event_id"
            "   AND json_extract(c.payload, '$.deleted_at') IS NULL)"
            " ORDER BY e.timestamp DESC, e.rowid DESC LIMIT 1",
            (self._id(event_id), MAX_DEPTH),
        ).fetchone()
        return row[0] if row else event_id

    async def subtree(self, event_id: str) -> list[Event]:
        """`event_id` and every event that follows it, on any branch (an indexed walk down)."""
        rows = self._db.execute(
            "WITH RECURSIVE down(event_id, depth) AS ("
            "  SELECT ?1, 0"
            "  UNION ALL"
            "  SELECT e.event_id, down.depth + 1 FROM events e JOIN down"
            "   ON e.parent_id = down.event_id WHERE down.depth < ?2"
            ") SELECT e.* FROM down JOIN events e ON e.event_id = down.event_id"
            " ORDER BY e.timestamp, e.rowid",
            (self._id(event_id), MAX_DEPTH),
        ).fetchall()
        return [_event_from_row(r) for r in rows]

    async def newest_event_id(self, session_id: str) -> str | None:
        row = self._db.execute(
            "SELECT event_id FROM events WHERE session_id = ?"
            " AND json_extract(payload, '$.deleted_at') IS NULL"
            " ORDER BY timestamp DESC, rowid DESC LIMIT 1",
            (self._id(session_id),),
        ).fetchone()
        return row[0] if row else None

    async def recent_events(self, session_id: str, limit: int) -> list[Event]:
        rows = self._db.execute(
            "SELECT * FROM events WHERE session_id = ? AND type IN ('user_message', 'ai_response')"
            " ORDER BY timestamp DESC, rowid DESC LIMIT ?",
            (self._id(session_id), limit),
        ).fetchall()
        return [_event_from_row(r) for r in reversed(rows)]

    async def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """One hit per session, most recently active first: the best-ranked matching message
        (with how many match), or the title when no message matches."""
        words = re.findall(r"\w+", query)
        if not words:
            return []
        # Each word quoted (no FTS syntax from the user), the last one as a prefix.
        fts_query = " ".join(f'"{w}"' for w in words) + "*"
        needle = query.strip()
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # Like the session list: the signed-in user's sessions and those of no account, never
        # another account's that this device also holds.
        scope = "s.deleted_at IS NULL AND (?2 IS NULL OR s.user_id IS NULL OR s.user_id = ?2)"
        hits: dict[str, SearchHit] = {}
        activity: dict[str, str] = {}
        for row in self._db.execute(
            f"SELECT s.session_id, s.title, {_LAST_ACTIVITY} AS last_activity FROM sessions s"
            f" WHERE s.title LIKE ?1 ESCAPE '\\' AND {scope} ORDER BY last_activity DESC LIMIT ?3",
            (like, self.user_id, limit),
        ):
            title = clean_title(row["title"])
            start = title.lower().find(needle.lower())
            end = start + len(needle)
            snippet = (
                (title[:start] + MATCH_START + title[start:end] + MATCH_END + title[end:])
                if start >= 0
                else title
            )
            hits[row["session_id"]] = SearchHit(row["session_id"], title, snippet)
            activity[row["session_id"]] = row["last_activity"]
        # Per session: the count, and (bare columns beside min()) the best-ranked event.
        groups = self._db.execute(
            "SELECT e.session_id, s.title, count(*) AS matches, min(events_fts.rank),"
            f" e.rowid AS best_rowid, e.event_id AS best_event, {_LAST_ACTIVITY} AS last_activity"
            " FROM events_fts JOIN events e ON e.rowid = events_fts.rowid"
            " JOIN sessions s ON s.session_id = e.session_id"
            f" WHERE events_fts MATCH ?1 AND {scope}"
            " AND json_extract(e.payload, '$.deleted_at') IS NULL"
            " GROUP BY e.session_id ORDER BY last_activity DESC LIMIT ?3",
            (fts_query, self.user_id, limit),
        ).fetchall()
        # snippet() cannot run in an aggregate query: fetch the chosen events' ones apart.
        snippets = (
            dict(
                self._db.execute(
                    "SELECT rowid, snippet(events_fts, 0, ?, ?, '…', 12) FROM events_fts"
                    f" WHERE events_fts MATCH ? AND rowid IN ({','.join('?' * len(groups))})",
                    (MATCH_START, MATCH_END, fts_query, *(g["best_rowid"] for g in groups)),
                ).fetchall()
            )
            if groups
            else {}
        )
        for group in groups:
            session_id = group["session_id"]
            hits[session_id] = SearchHit(
                session_id,
                clean_title(group["title"]) or "New chat",
                snippets.get(group["best_rowid"], ""),
                group["best_event"],
                matches=group["matches"],
            )
            activity[session_id] = group["last_activity"]
        ranked = sorted(hits.values(), key=lambda hit: activity[hit.session_id], reverse=True)
        return ranked[:limit]

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
    return _storable(json.dumps(payload, ensure_ascii=False))


def _storable(text: str) -> str:
    """`text`, or, if it holds a lone surrogate (from a server's "\\ud800" escape, say), which
    UTF-8 cannot store, `text` with U+FFFD in its place. User messages with one are refused
    before they get here (check_message); a reply or a summary keeps every other character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _is_locked(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


def _is_damaged(exc: sqlite3.DatabaseError) -> bool:
    """Corrupt or not a database at all, as opposed to e.g. unreadable or a full disk."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by us (quick_check) or without a code: treat as damage
        return True
    return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _open_failed_message(path: Path, exc: Exception) -> str:
    return translate(
        "Store",
        "Could not open the chat database ({path}): {reason}. "
        "Check that the folder can be written and the disk is not full.",
    ).format(path=path, reason=_sqlite_reason(exc))


def _sqlite_reason(exc: Exception) -> str:
    """SQLite's failure in plain words (its own text, e.g. "disk I/O error", otherwise)."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return translate("Store", "the disk is full")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return translate("Store", "the folder or the file cannot be written")
    if code == sqlite3.SQLITE_IOERR:
        return translate("Store", "the disk reported a read or write error")
    return str(exc)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return translate("Store", "the disk is full")
    if exc.errno == errno.EROFS:
        return translate("Store", "the disk is read-only")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return translate("Store", "permission denied")
    return exc.strerror or str(exc)


def _os_error_message(path: Path, exc: OSError) -> str:
    folder = path.parent
    if not folder.is_dir():
        return translate(
            "Store",
            "Desktop Chat cannot create its data folder ({folder}): {reason}. "
            "Make the folder above it writable, or set DESKTOP_CHAT_DATA_DIR to a folder "
            "you can write, and start again.",
        ).format(folder=folder, reason=_os_reason(exc))
    return translate(
        "Store",
        "Desktop Chat cannot use its chat database ({path}): {reason}. Check "
        "that the folder can be written and the disk is not full, then start again.",
    ).format(path=path, reason=_os_reason(exc))


def _write_error(path: Path, exc: sqlite3.OperationalError) -> StoreError:
    if _is_locked(exc):
        return StoreError(_locked_message(path))
    return StoreError(
        translate("Store", "Could not save to the chat database ({path}): {reason}.").format(
            path=path, reason=_sqlite_reason(exc)
        )
    )


def _make_private(path: Path) -> None:
    """Take away group and other access from a file of ours (chat.db of an older version was
    made with the umask's 0644)."""
    try:
        mode = path.stat().st_mode
        if mode & 0o077 and path.stat().st_uid == os.geteuid():
            path.chmod(mode & 0o700)
    except (OSError, AttributeError):  # not ours, or no geteuid (Windows: ACLs instead)
        pass


def _locked_message(path: Path) -> str:
    return translate(
        "Store",
        "The chat database is in use by another program ({path}), so Desktop Chat cannot "
        "save to it. Close that program (or the other Desktop Chat) and start again.",
    ).format(path=path)
