"""The SQLite store's side of sync: the outbox, the sync state, and writing pulled rows.

`SyncTables` is part of `SQLiteStore` (store/sqlite.py): the store owns its SQL, and
store/sync.py decides what to push and pull through these methods alone. They are plain
(not async) calls: each is one short statement or transaction on the Qt thread, like the rest
of the store. The tables and triggers they use are migrations 3-5 in sqlite.py.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from typing import Any

from desktop_chat.models import clean_title, new_id

log = logging.getLogger(__name__)

# Outbox entries with the session they belong to: an entry names a session or an event.
_OWNED = (
    " FROM outbox o"
    " LEFT JOIN events e ON o.kind = 'event' AND e.event_id = o.row_id"
    " JOIN sessions s ON s.session_id = CASE o.kind WHEN 'session' THEN o.row_id"
    " ELSE e.session_id END"
)


class SyncTables:
    """What store/sync.py asks of the local database (mixed into SQLiteStore)."""

    _db: sqlite3.Connection
    aliases: dict[str, str]

    # -- sync state: cursors and notes, by key -------------------------------------------
    def sync_value(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_sync_value(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (key, value)
        )

    # -- the outbox ----------------------------------------------------------------------
    def claim_unowned(self, user_id: str) -> None:
        """Sessions made before anyone signed in become this user's (and stay queued)."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE sessions SET user_id = ? WHERE user_id IS NULL", (user_id,))
            # Entries whose row is gone (never happens through the Store API) are dropped.
            self._db.execute(
                "DELETE FROM outbox WHERE (kind = 'session' AND row_id NOT IN"
                " (SELECT session_id FROM sessions)) OR (kind = 'event' AND row_id NOT IN"
                " (SELECT event_id FROM events))"
            )

    def outbox_counts(self, user_id: str | None) -> tuple[int, int]:
        """(pending, failed) entries of this user; signed out: of sessions nobody claimed."""
        owner = "s.user_id = ?" if user_id else "s.user_id IS NULL"
        params = (user_id,) if user_id else ()
        row = self._db.execute(
            "SELECT count(*) FILTER (WHERE o.error IS NULL), count(*) FILTER"
            f" (WHERE o.error IS NOT NULL) {_OWNED} WHERE {owner}",
            params,
        ).fetchone()
        return row[0], row[1]

    def outbox_batch(self, user_id: str, limit: int) -> list[sqlite3.Row]:
        """The oldest entries still to push (`seq`, `kind`, `row_id`), failed ones left out."""
        return self._db.execute(
            f"SELECT o.seq, o.kind, o.row_id {_OWNED}"
            " WHERE o.error IS NULL AND s.user_id = ? ORDER BY o.seq LIMIT ?",
            (user_id, limit),
        ).fetchall()

    def outbox_done(self, seqs: Iterable[int]) -> None:
        """Remove pushed entries -- unless re-queued meanwhile, which gave them a new seq."""
        seqs = list(seqs)
        for start in range(0, len(seqs), 500):
            chunk = seqs[start : start + 500]
            self._db.execute(
                f"DELETE FROM outbox WHERE seq IN ({','.join('?' * len(chunk))})", chunk
            )

    def outbox_failed(self, seq: int, error: str) -> None:
        """Keep an entry the server refuses, with why; it is not pushed again."""
        self._db.execute("UPDATE outbox SET error = ? WHERE seq = ?", (error[:500], seq))

    def session_rows(self, ids: Iterable[str]) -> list[sqlite3.Row]:
        """Sessions as stored (every column), to push."""
        return _select_in(self._db, "SELECT * FROM sessions WHERE session_id IN ({})", ids)

    def event_rows(self, ids: Iterable[str]) -> list[sqlite3.Row]:
        """Events as stored (every column), to push."""
        return _select_in(self._db, "SELECT * FROM events WHERE event_id IN ({})", ids)

    def missing_sessions(self, ids: Iterable[str]) -> set[str]:
        """Which of these sessions this database does not hold."""
        ids = set(ids)
        present = {
            r[0]
            for r in _select_in(
                self._db, "SELECT session_id FROM sessions WHERE session_id IN ({})", ids
            )
        }
        return ids - present

    # -- rows pulled from the server -------------------------------------------------------
    def apply_pulled(
        self, sessions: list[dict[str, Any]], events: list[dict[str, Any]]
    ) -> tuple[set[str], list[str]]:
        """Write pulled rows, already in local form (times as this store writes them), in one
        transaction that the outbox triggers skip. Sessions: the newer `updated_at` wins;
        events: applied unless this device has an unpushed change of them.

        Returns the ids of the sessions that changed, and the ids of events left out because
        their session is not here."""
        changed: set[str] = set()
        orphans: list[str] = []
        db = self._db
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO sync_state (key, value) VALUES ('applying_remote', '1')")
            for remote in sessions:
                if self._apply_session(remote):
                    changed.add(remote["session_id"])
            for remote in events:
                if not db.execute(
                    "SELECT 1 FROM sessions WHERE session_id = ?", (remote["session_id"],)
                ).fetchone():
                    orphans.append(remote["event_id"])
                elif self._apply_event(remote):
                    changed.add(remote["session_id"])
            db.execute("DELETE FROM sync_state WHERE key = 'applying_remote'")
        return changed, orphans

    def _apply_session(self, remote: dict[str, Any]) -> bool:
        local = self._db.execute(
            "SELECT updated_at, active_leaf, system_prompt, branched_from"
            " FROM sessions WHERE session_id = ?",
            (remote["session_id"],),
        ).fetchone()
        # A server whose schema predates trees sends no such columns: keep ours.
        tree = [
            remote.get(name, local[name] if local else None)
            for name in ("active_leaf", "system_prompt", "branched_from")
        ]
        values = (
            remote["start_time"],
            remote.get("end_time"),
            remote.get("summary"),
            clean_title(remote.get("title")) or None,
            remote["updated_at"],
            remote.get("deleted_at"),
            remote.get("user_id"),
            *tree,
            remote["session_id"],
        )
        if local is None:
            self._db.execute(
                "INSERT INTO sessions (start_time, end_time, summary, title,"
                " updated_at, deleted_at, user_id, active_leaf, system_prompt,"
                " branched_from, session_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        elif remote["updated_at"] > local["updated_at"]:  # last writer wins
            self._db.execute(
                "UPDATE sessions SET start_time = ?, end_time = ?, summary = ?,"
                " title = ?, updated_at = ?, deleted_at = ?, user_id = ?,"
                " active_leaf = ?, system_prompt = ?, branched_from = ?"
                " WHERE session_id = ?",
                values,
            )
        else:
            return False
        return True

    def _apply_event(self, remote: dict[str, Any]) -> bool:
        payload = _dump(remote["payload"])
        local = self._db.execute(
            "SELECT payload, parent_id, (SELECT 1 FROM outbox WHERE kind = 'event' AND"
            " row_id = event_id) AS queued FROM events WHERE event_id = ?",
            (remote["event_id"],),
        ).fetchone()
        parent = remote.get("parent_id")
        if local is None:
            self._db.execute(
                "INSERT INTO events (event_id, session_id, type, timestamp,"
                " payload, parent_id) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    remote["event_id"],
                    remote["session_id"],
                    remote["type"],
                    remote["timestamp"],
                    payload,
                    parent,
                ),
            )
        elif not local["queued"] and (
            json.loads(local["payload"]) != remote.get("payload")
            or (local["parent_id"] is None and parent)
        ):
            # A parent is set once (an event pushed before its device knew of trees gets one
            # later) and never changed: coalesce keeps the first.
            self._db.execute(
                "UPDATE events SET payload = ?, parent_id = coalesce(parent_id, ?)"
                " WHERE event_id = ?",
                (payload, parent, remote["event_id"]),
            )
        else:
            return False
        return True

    # -- ids another account took first on the server ---------------------------------------
    def rekey_session(self, old_id: str) -> str:
        """Give a local session (and its events) a new id; re-queues all of it for the push.
        The store keeps answering to the old id for this run (`aliases`)."""
        fresh = new_id()
        db = self._db
        columns = [r[1] for r in db.execute("PRAGMA table_info(sessions)")]
        picked = ", ".join("?" if c == "session_id" else c for c in columns)
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                f"INSERT INTO sessions ({', '.join(columns)}) SELECT {picked}"
                " FROM sessions WHERE session_id = ?",
                (fresh, old_id),
            )
            db.execute("UPDATE events SET session_id = ? WHERE session_id = ?", (fresh, old_id))
            db.execute("DELETE FROM sessions WHERE session_id = ?", (old_id,))
            db.execute("DELETE FROM outbox WHERE kind = 'session' AND row_id = ?", (old_id,))
        self.aliases[old_id] = fresh
        log.warning(
            "A session id was already taken on the server by another account; "
            "gave the local session a new id"
        )
        return fresh

    def rekey_event(self, old_id: str) -> str:
        """Give a local event a new id; what pointed at it follows. Re-queued for the push."""
        fresh = new_id()
        db = self._db
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE events SET event_id = ? WHERE event_id = ?", (fresh, old_id))
            # What pointed at the old id follows it: the versions after it, the shown leaf.
            db.execute("UPDATE events SET parent_id = ? WHERE parent_id = ?", (fresh, old_id))
            db.execute("UPDATE sessions SET active_leaf = ? WHERE active_leaf = ?", (fresh, old_id))
            db.execute("DELETE FROM outbox WHERE kind = 'event' AND row_id = ?", (old_id,))
        self.aliases[old_id] = fresh
        log.warning(
            "An event id was already taken on the server by another account; "
            "gave the local event a new id"
        )
        return fresh


def _dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _select_in(db: sqlite3.Connection, query: str, ids: Iterable[str]) -> list[sqlite3.Row]:
    ids = list(dict.fromkeys(ids))
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += db.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
    return rows
