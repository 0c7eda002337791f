"""Local-first sync: SQLite stays the source of truth, Supabase is its replica.

Push. Every local write of a session or an event queues the row's id in the `outbox` table
(SQLite triggers, schema 3 in sqlite.py). The engine pushes queued rows in order, reading each
row as it is at push time: sessions by upsert on session_id (the server keeps the newer
`updated_at`), events by upsert on event_id. Events are upserted, not insert-or-ignore, because
a reply's payload is written while it streams: the row pushed mid-stream is later replaced by
the final one. Both are keyed by the client-made uuid, so a retried push -- after a timeout, a
dropped connection, a crash between "server committed" and "outbox cleared" -- writes the same
rows again and never duplicates them. A queued entry is removed only after the server
accepted it, and only if it was not re-queued meanwhile (a re-queue gets a new seq).
An event's session is pushed with it, so the server never sees an event before its session.

Pull. The server stamps every row with its own clock (`changed_at`). The engine asks for rows
changed after its cursor (minus an overlap, for transactions that committed late), sessions
then events, and applies them in one local transaction flagged 'applying_remote', which the
outbox triggers skip: pulled rows are never queued back. Sessions apply last-writer-wins on
`updated_at`; an event applies unless this device has an unpushed change of it.

Deletes are tombstones (`deleted_at`), which travel like any other session edit.

Rows the client cannot read (a timestamp of 'infinity' or past year 9999, a payload that is not
an object, an event whose session could not be read: schema.sql refuses them now, an older
server may hold them) are skipped and counted, and the pull goes on past them; the status says
how many. An id another user took first (they learnt it from a shared export, say) makes the
server refuse this user's row for good: the engine sees the row is not theirs and gives the
local row a new id (`rekey_session` / `rekey_event`), and the store still answers to the old id.

Offline. Any network failure leaves the outbox as it is; the status says
"offline — N changes waiting" and the engine retries with back-off. The app keeps working on
the local store meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from desktop_chat.i18n import translate
from desktop_chat.models import EventType, clean_title, new_id
from desktop_chat.store.supabase import (
    PAGE_SIZE,
    Account,
    AuthFailed,
    RemoteRejected,
    RemoteStore,
    RemoteUnavailable,
    SchemaOutdated,
    event_row,
    from_remote_time,
    session_row,
)

log = logging.getLogger(__name__)

BATCH = 200  # outbox entries per push request pair
PULL_OVERLAP = timedelta(seconds=60)  # re-read rows stamped this long before the cursor
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # seconds between tries while offline
MAX_SKIPPED_KEPT = 200  # ids of unreadable rows remembered (the count goes on)
MAX_REKEYS_PER_PUSH = 100  # past this, refused rows are marked failed, not re-keyed

__all__ = ["AuthFailed", "SyncEngine", "SyncStatus", "start_sync"]


@dataclass(frozen=True)
class SyncStatus:
    state: str = "signed_out"  # "online" | "offline" | "signed_out" | "stopped" | "error"
    pending: int = 0  # local changes not yet on the server
    failed: int = 0  # changes the server refused (kept locally, not retried until edited)
    account: Account | None = None
    message: str | None = None  # the last error, for a tooltip
    unreadable: int = 0  # rows on the server this client could not read (skipped)
    sign_in_kept: bool = True  # False: no keychain keeps the sign-in past this run

    @property
    def text(self) -> str:
        waiting = translate("SyncStatus", "%n changes waiting", None, self.pending)
        if self.state == "offline":
            text = translate("SyncStatus", "offline — {waiting}").format(waiting=waiting)
        elif self.state == "signed_out":
            text = translate("SyncStatus", "Not signed in — chats stay on this device")
        elif self.state == "stopped":
            text = translate("SyncStatus", "Sync stopped")
        elif self.state == "error":
            text = translate("SyncStatus", "Sync failed, retrying — {waiting}")
            text = text.format(waiting=waiting)
        elif self.pending:
            text = translate("SyncStatus", "Syncing — {waiting}").format(waiting=waiting)
        else:
            text = translate("SyncStatus", "Synced")
        if self.failed:
            text += translate("SyncStatus", " (%n not accepted by the server)", None, self.failed)
        if self.unreadable:
            text += translate(
                "SyncStatus", " (%n rows from the server could not be read)", None, self.unreadable
            )
        return text


class LocalOutbox:
    """The outbox and sync state, on the local store's SQLite connection."""

    def __init__(self, store: Any):
        self.store = store

    @property
    def db(self) -> sqlite3.Connection:
        return self.store._db

    # -- state -------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (key, value)
        )

    # -- outbox ------------------------------------------------------------------
    def claim_unowned(self, user_id: str) -> None:
        """Sessions made before anyone signed in become this user's (and stay queued)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE sessions SET user_id = ? WHERE user_id IS NULL", (user_id,))
            # Entries whose row is gone (never happens through the Store API) are dropped.
            self.db.execute(
                "DELETE FROM outbox WHERE (kind = 'session' AND row_id NOT IN"
                " (SELECT session_id FROM sessions)) OR (kind = 'event' AND row_id NOT IN"
                " (SELECT event_id FROM events))"
            )

    _OWNED = (
        " FROM outbox o"
        " LEFT JOIN events e ON o.kind = 'event' AND e.event_id = o.row_id"
        " JOIN sessions s ON s.session_id = CASE o.kind WHEN 'session' THEN o.row_id"
        " ELSE e.session_id END"
    )

    def counts(self, user_id: str | None) -> tuple[int, int]:
        """(pending, failed) for this user; signed out: everything not yet claimed."""
        owner = "s.user_id = ?" if user_id else "s.user_id IS NULL"
        params = (user_id,) if user_id else ()
        row = self.db.execute(
            "SELECT count(*) FILTER (WHERE o.error IS NULL), count(*) FILTER"
            f" (WHERE o.error IS NOT NULL) {self._OWNED} WHERE {owner}",
            params,
        ).fetchone()
        return row[0], row[1]

    def batch(self, user_id: str, limit: int = BATCH) -> list[sqlite3.Row]:
        return self.db.execute(
            f"SELECT o.seq, o.kind, o.row_id {self._OWNED}"
            " WHERE o.error IS NULL AND s.user_id = ? ORDER BY o.seq LIMIT ?",
            (user_id, limit),
        ).fetchall()

    def sessions(self, ids: Iterable[str]) -> list[sqlite3.Row]:
        return _select_in(self.db, "SELECT * FROM sessions WHERE session_id IN ({})", ids)

    def events(self, ids: Iterable[str]) -> list[sqlite3.Row]:
        return _select_in(self.db, "SELECT * FROM events WHERE event_id IN ({})", ids)

    def done(self, seqs: Iterable[int]) -> None:
        """Remove pushed entries -- unless re-queued meanwhile, which gave them a new seq."""
        seqs = list(seqs)
        for start in range(0, len(seqs), 500):
            chunk = seqs[start : start + 500]
            self.db.execute(
                f"DELETE FROM outbox WHERE seq IN ({','.join('?' * len(chunk))})", chunk
            )

    def mark_failed(self, seq: int, error: str) -> None:
        self.db.execute("UPDATE outbox SET error = ? WHERE seq = ?", (error[:500], seq))

    # -- applying pulled rows --------------------------------------------------------
    def apply(
        self, sessions: list[dict], events: list[dict], user_id: str | None = None
    ) -> set[str]:
        """Write rows pulled from the server; returns the ids of sessions that changed. Rows
        this client cannot read are skipped and recorded (`unreadable_count`)."""
        changed: set[str] = set()
        skipped: list[tuple[str, str, str]] = []  # (table, id, reason)
        db = self.db
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO sync_state (key, value) VALUES ('applying_remote', '1')")
            for remote in sessions:
                try:
                    row = _readable_session(remote)
                except ValueError as problem:
                    skipped.append(("sessions", str(remote.get("session_id")), str(problem)))
                    continue
                local = db.execute(
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
                    row["start_time"],
                    row["end_time"],
                    remote.get("summary"),
                    clean_title(remote.get("title")) or None,
                    row["updated_at"],
                    row["deleted_at"],
                    remote.get("user_id"),
                    *tree,
                    remote["session_id"],
                )
                if local is None:
                    db.execute(
                        "INSERT INTO sessions (start_time, end_time, summary, title,"
                        " updated_at, deleted_at, user_id, active_leaf, system_prompt,"
                        " branched_from, session_id)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        values,
                    )
                elif row["updated_at"] > local["updated_at"]:  # last writer wins
                    db.execute(
                        "UPDATE sessions SET start_time = ?, end_time = ?, summary = ?,"
                        " title = ?, updated_at = ?, deleted_at = ?, user_id = ?,"
                        " active_leaf = ?, system_prompt = ?, branched_from = ?"
                        " WHERE session_id = ?",
                        values,
                    )
                else:
                    continue
                changed.add(remote["session_id"])
            for remote in events:
                try:
                    timestamp = _readable_event(remote)
                except ValueError as problem:
                    skipped.append(("events", str(remote.get("event_id")), str(problem)))
                    continue
                if not db.execute(
                    "SELECT 1 FROM sessions WHERE session_id = ?", (remote["session_id"],)
                ).fetchone():
                    skipped.append(("events", remote["event_id"], "its session could not be read"))
                    continue
                payload = _dump(remote["payload"])
                local = db.execute(
                    "SELECT payload, parent_id, (SELECT 1 FROM outbox WHERE kind = 'event' AND"
                    " row_id = event_id) AS queued FROM events WHERE event_id = ?",
                    (remote["event_id"],),
                ).fetchone()
                parent = remote.get("parent_id")
                if local is None:
                    db.execute(
                        "INSERT INTO events (event_id, session_id, type, timestamp,"
                        " payload, parent_id) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            remote["event_id"],
                            remote["session_id"],
                            remote["type"],
                            timestamp,
                            payload,
                            parent,
                        ),
                    )
                elif not local["queued"] and (
                    _load(local["payload"]) != remote.get("payload")
                    or (local["parent_id"] is None and parent)
                ):
                    # A parent is set once (an event pushed before its device knew of trees
                    # gets one later) and never changed: coalesce keeps the first.
                    db.execute(
                        "UPDATE events SET payload = ?,"
                        " parent_id = coalesce(parent_id, ?) WHERE event_id = ?",
                        (payload, parent, remote["event_id"]),
                    )
                else:
                    continue
                changed.add(remote["session_id"])
            db.execute("DELETE FROM sync_state WHERE key = 'applying_remote'")
            if skipped:
                self._record_unreadable(user_id, skipped)
        return changed

    # -- rows the client could not read ----------------------------------------------------
    def _record_unreadable(self, user_id: str | None, skipped: list[tuple[str, str, str]]) -> None:
        for table, _row_id, reason in skipped:
            log.warning(
                "Skipped a %s row from the server that this app cannot read (%s)",
                table[:-1],
                reason,
            )
        key = f"unreadable:{user_id}"
        known = json.loads(self.get(key) or '{"count": 0, "rows": []}')
        seen = {(r[0], r[1]) for r in known["rows"]}
        fresh = [list(s) for s in skipped if (s[0], s[1]) not in seen]
        known["count"] += len(fresh)  # a row re-read in the pull overlap counts once
        known["rows"] = (known["rows"] + fresh)[-MAX_SKIPPED_KEPT:]
        self.put(key, json.dumps(known))

    def unreadable_count(self, user_id: str | None) -> int:
        raw = self.get(f"unreadable:{user_id}")
        return json.loads(raw)["count"] if raw else 0

    def unreadable_summary(self, user_id: str | None) -> str | None:
        """For the status tooltip: what was skipped, and why (the newest few)."""
        raw = self.get(f"unreadable:{user_id}")
        if not raw:
            return None
        rows = json.loads(raw)["rows"][-3:]
        reasons = "; ".join(
            f"{table[:-1]} {row_id[:8]}…: {reason}" for table, row_id, reason in rows
        )
        return translate(
            "SyncStatus",
            "Skipped rows the server holds that this app cannot read ({reasons}). "
            "Everything else syncs.",
        ).format(reasons=reasons)

    # -- ids another user took first ----------------------------------------------------------
    def rekey_session(self, old_id: str) -> str:
        """Give a local session (and its events) a new id; re-queues all of it for the push.
        The store keeps answering to the old id for this run."""
        fresh = new_id()
        columns = [r[1] for r in self.db.execute("PRAGMA table_info(sessions)")]
        picked = ", ".join("?" if c == "session_id" else c for c in columns)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                f"INSERT INTO sessions ({', '.join(columns)}) SELECT {picked}"
                " FROM sessions WHERE session_id = ?",
                (fresh, old_id),
            )
            self.db.execute(
                "UPDATE events SET session_id = ? WHERE session_id = ?", (fresh, old_id)
            )
            self.db.execute("DELETE FROM sessions WHERE session_id = ?", (old_id,))
            self.db.execute("DELETE FROM outbox WHERE kind = 'session' AND row_id = ?", (old_id,))
        self.store.aliases[old_id] = fresh
        log.warning(
            "A session id was already taken on the server by another account; "
            "gave the local session a new id"
        )
        return fresh

    def rekey_event(self, old_id: str) -> str:
        fresh = new_id()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE events SET event_id = ? WHERE event_id = ?", (fresh, old_id))
            # What pointed at the old id follows it: the versions after it, the shown leaf.
            self.db.execute("UPDATE events SET parent_id = ? WHERE parent_id = ?", (fresh, old_id))
            self.db.execute(
                "UPDATE sessions SET active_leaf = ? WHERE active_leaf = ?", (fresh, old_id)
            )
            self.db.execute("DELETE FROM outbox WHERE kind = 'event' AND row_id = ?", (old_id,))
        self.store.aliases[old_id] = fresh
        log.warning(
            "An event id was already taken on the server by another account; "
            "gave the local event a new id"
        )
        return fresh

    def missing_sessions(self, ids: Iterable[str]) -> set[str]:
        ids = set(ids)
        present = {
            r[0]
            for r in _select_in(
                self.db, "SELECT session_id FROM sessions WHERE session_id IN ({})", ids
            )
        }
        return ids - present


_EVENT_TYPES = {str(kind) for kind in EventType}


def _readable_session(remote: dict) -> dict[str, str | None]:
    """The session's times in local form; ValueError when this client cannot read the row."""
    if not isinstance(remote.get("session_id"), str):
        raise ValueError("no session id")
    for name in ("title", "summary", "user_id", "active_leaf", "system_prompt", "branched_from"):
        if remote.get(name) is not None and not isinstance(remote[name], str):
            raise ValueError(f"{name} is not text")
    if remote.get("start_time") is None or remote.get("updated_at") is None:
        raise ValueError("a required time is missing")
    return {
        name: _readable_time(remote.get(name), name)
        for name in ("start_time", "end_time", "updated_at", "deleted_at")
    }


def _readable_event(remote: dict) -> str:
    """The event's timestamp in local form; ValueError when this client cannot read the row."""
    for name in ("event_id", "session_id"):
        if not isinstance(remote.get(name), str):
            raise ValueError(f"no {name}")
    if remote.get("parent_id") is not None and not isinstance(remote["parent_id"], str):
        raise ValueError("parent_id is not text")
    if remote.get("type") not in _EVENT_TYPES:
        raise ValueError(f"unknown type {str(remote.get('type'))[:40]!r}")
    if not isinstance(remote.get("payload"), dict):
        raise ValueError(f"the payload is a {type(remote.get('payload')).__name__}, not an object")
    if remote.get("timestamp") is None:
        raise ValueError("no timestamp")
    return _readable_time(remote["timestamp"], "timestamp")


def _readable_time(value: Any, name: str) -> str | None:
    try:
        return from_remote_time(value)
    except (ValueError, TypeError, OverflowError, AttributeError):
        raise ValueError(f"{name} {str(value)[:40]!r} is not a time this app can hold") from None


def _select_in(db: sqlite3.Connection, query: str, ids: Iterable[str]) -> list[sqlite3.Row]:
    ids = list(dict.fromkeys(ids))
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += db.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
    return rows


def _dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _load(text: str) -> Any:
    return json.loads(text)


class SyncEngine:
    """Pushes the outbox and pulls other devices' changes, in the background."""

    def __init__(
        self,
        remote: RemoteStore,
        local: Any,
        *,
        interval: float = 30.0,
        push_delay: float = 1.0,
        backoff: tuple[float, ...] = BACKOFF,
    ):
        self.remote = remote
        self.local = local
        self.outbox = LocalOutbox(local)
        self.interval = interval  # pull this often while nothing happens
        self.push_delay = push_delay  # gather the writes of a streaming reply into one push
        self.backoff = backoff
        self._status = SyncStatus()
        self._status_callbacks: list[Callable[[SyncStatus], None]] = []
        self._change_callbacks: list[Callable[[set[str]], None]] = []
        self._cycle_lock = asyncio.Lock()
        self._kick = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._failures = 0
        self._rekeys = 0
        self._renamed: set[str] = set()  # sessions given a new id: the window re-reads them

    # -- status ------------------------------------------------------------------
    @property
    def status(self) -> SyncStatus:
        return self._status

    def on_status_changed(self, callback: Callable[[SyncStatus], None]) -> Callable[[], None]:
        self._status_callbacks.append(callback)
        return lambda: self._status_callbacks.remove(callback)

    def on_remote_changes(self, callback: Callable[[set[str]], None]) -> Callable[[], None]:
        """`callback(session_ids)` after pulled rows changed those sessions locally."""
        self._change_callbacks.append(callback)
        return lambda: self._change_callbacks.remove(callback)

    def _set_status(self, **changes: Any) -> None:
        status = replace(self._status, **changes)
        user_id = status.account.user_id if status.account else None
        pending, failed = self.outbox.counts(user_id)
        status = replace(
            status,
            pending=pending,
            failed=failed,
            unreadable=self.outbox.unreadable_count(user_id) if user_id else 0,
        )
        if status != self._status:
            self._status = status
            for callback in list(self._status_callbacks):
                try:
                    callback(status)
                except Exception:
                    log.exception("sync status callback failed")

    # -- life cycle ----------------------------------------------------------------
    async def start(self, background: bool = True) -> None:
        """Restore the saved sign-in and (unless `background` is False, as in tests that drive
        `sync_once()` themselves) start the sync loop."""
        account = await self.remote.account()
        self._signed_in(account)
        if background:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._set_status(state="stopped")
        await self.remote.close()

    def kick(self) -> None:
        """A local write happened: refresh the count now, push soon (not while offline)."""
        self._set_status()
        self._kick.set()

    def retry_now(self) -> None:
        self._wake.set()

    # -- auth ------------------------------------------------------------------------
    async def sign_in(self, email: str, password: str) -> Account:
        return self._signed_in(await self.remote.sign_in(email, password))

    async def sign_up(self, email: str, password: str) -> Account:
        return self._signed_in(await self.remote.sign_up(email, password))

    async def sign_in_anonymously(self) -> Account:
        return self._signed_in(await self.remote.sign_in_anonymously())

    async def sign_out(self) -> None:
        async with self._cycle_lock:
            await self.remote.sign_out()
            self._signed_in(None)

    def _signed_in(self, account: Account | None) -> Account | None:
        self.local.set_user(account.user_id if account else None)
        if account is not None:
            self.outbox.claim_unowned(account.user_id)
        self._failures = 0
        self._set_status(
            account=account,
            state="online" if account else "signed_out",
            message=None,
            sign_in_kept=self.remote.sign_in_kept,
        )
        self._wake.set()
        return account

    # -- the loop ------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            try:
                await self.sync_once()
                wait, events = self.interval, (self._kick, self._wake)
            except RemoteUnavailable:
                wait = self.backoff[min(self._failures - 1, len(self.backoff) - 1)]
                events = (self._wake,)  # local writes only update the count while offline
            except Exception as error:
                log.exception("sync failed")
                # Not "Synced": say it failed, and keep trying.
                self._set_status(state="error", message=f"{type(error).__name__}: {error}"[:300])
                self._failures += 1
                wait = self.backoff[min(self._failures - 1, len(self.backoff) - 1)]
                events = (self._wake,)
            await _wait_any(events, wait)
            if self._kick.is_set() and not self._wake.is_set():
                await _wait_any((self._wake,), self.push_delay)
            self._kick.clear()
            self._wake.clear()

    async def sync_once(self) -> None:
        """Push everything waiting, then pull. Raises RemoteUnavailable when offline."""
        async with self._cycle_lock:
            try:
                account = await self.remote.ensure_session()
                if account is None:
                    if self._status.account is not None:
                        self._signed_in(None)  # the saved sign-in was refused
                    else:
                        self._set_status()
                    return
                if self._status.account is None or self._status.account.user_id != account.user_id:
                    self._signed_in(account)
                await self._push(account.user_id)
                changed = await self._pull(account.user_id)
                changed |= self._renamed
                self._renamed = set()
            except RemoteUnavailable as error:
                self._failures += 1
                # An outdated server schema is not "offline": say it failed, and why.
                self._set_status(
                    state="error" if isinstance(error, SchemaOutdated) else "offline",
                    message=str(error),
                )
                raise
            self._failures = 0
            self._set_status(
                state="online", message=self.outbox.unreadable_summary(account.user_id)
            )
        if changed:
            for callback in list(self._change_callbacks):
                try:
                    callback(changed)
                except Exception:
                    log.exception("sync change callback failed")

    async def _push(self, user_id: str) -> None:
        self._rekeys = 0
        while True:
            entries = self.outbox.batch(user_id)
            if not entries:
                return
            event_ids = [e["row_id"] for e in entries if e["kind"] == "event"]
            events = self.outbox.events(event_ids)
            session_ids = [e["row_id"] for e in entries if e["kind"] == "session"]
            session_ids += [e["session_id"] for e in events]
            sessions = self.outbox.sessions(session_ids)
            try:
                await self.remote.upsert_sessions([session_row(r) for r in sessions])
                await self.remote.upsert_events([event_row(r) for r in events])
            except RemoteRejected as error:
                log.warning("Server refused a batch (%s); sending rows one by one", error)
                await self._push_one_by_one(entries, sessions, events)
            self.outbox.done(e["seq"] for e in entries)
            self._set_status()

    async def _push_one_by_one(self, entries, sessions, events) -> None:
        """Find the rows the server refuses, mark them, and push the rest. A row refused
        because another account holds its id is given a new id and queued again."""
        refused_sessions: dict[str, str] = {}
        rekeyed: set[str] = set()
        for row in sessions:
            try:
                await self.remote.upsert_sessions([session_row(row)])
            except RemoteRejected as error:
                if await self._id_taken(error, "sessions", row["session_id"]):
                    self._renamed.add(self.outbox.rekey_session(row["session_id"]))
                    rekeyed.add(row["session_id"])
                else:
                    refused_sessions[row["session_id"]] = str(error)
        refused_events: dict[str, str] = {}
        for row in events:
            if row["session_id"] in rekeyed:
                continue  # moved to the new session id, and queued again with it
            if row["session_id"] in refused_sessions:
                refused_events[row["event_id"]] = refused_sessions[row["session_id"]]
                continue
            try:
                await self.remote.upsert_events([event_row(row)])
            except RemoteRejected as error:
                if await self._id_taken(error, "events", row["event_id"], row["session_id"]):
                    self.outbox.rekey_event(row["event_id"])
                else:
                    refused_events[row["event_id"]] = str(error)
        for entry in entries:
            refused = refused_sessions if entry["kind"] == "session" else refused_events
            if entry["row_id"] in refused:
                self.outbox.mark_failed(entry["seq"], refused[entry["row_id"]])
        # The failed entries stay (with their error); done() removes only the others.
        failed = {
            e["seq"]
            for e in entries
            if e["row_id"] in refused_sessions or e["row_id"] in refused_events
        }
        entries[:] = [e for e in entries if e["seq"] not in failed]

    async def _id_taken(
        self, error: RemoteRejected, table: str, row_id: str, session_id: str | None = None
    ) -> bool:
        """Whether the server refused a row because another account already holds its id:
        refused by Row Level Security (403), and no row of that id is visible to this user
        (for an event: while its session is)."""
        if error.status != 403 or self._rekeys >= MAX_REKEYS_PER_PUSH:
            return False
        if table == "sessions":
            taken = not await self.remote.sessions_by_id([row_id])
        else:
            taken = not await self.remote.events_by_id([row_id]) and bool(
                await self.remote.sessions_by_id([session_id])
            )
        self._rekeys += taken
        return taken

    async def _pull(self, user_id: str) -> set[str]:
        changed: set[str] = set()
        for table in ("sessions", "events"):
            key = f"pull:{user_id}:{table}"
            cursor = self.outbox.get(key)
            lower = _minus(cursor, PULL_OVERLAP) if cursor else None
            offset = 0
            while True:
                rows = await self.remote.changed_since(table, lower, offset)
                if not rows:
                    break
                if table == "sessions":
                    changed |= self.outbox.apply(rows, [], user_id)
                else:
                    missing = self.outbox.missing_sessions(
                        r["session_id"] for r in rows if isinstance(r.get("session_id"), str)
                    )
                    parents = await self.remote.sessions_by_id(missing) if missing else []
                    changed |= self.outbox.apply(parents, rows, user_id)
                newest = max(rows, key=lambda r: _parse(r["changed_at"]))["changed_at"]
                if cursor is None or _parse(newest) > _parse(cursor):
                    cursor = newest
                    self.outbox.put(key, cursor)
                offset += len(rows)
                if len(rows) < PAGE_SIZE:
                    break
        return changed


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _minus(text: str, delta: timedelta) -> str:
    return (_parse(text) - delta).isoformat()


async def _wait_any(events: tuple[asyncio.Event, ...], timeout: float) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def start_sync(
    settings: Any, local_store: Any, *, storage: Any = None, **engine_options: Any
) -> SyncEngine | None:
    """Start syncing `local_store` with the Supabase project in `settings`; None when
    SUPABASE_URL / SUPABASE_KEY are not set. Never raises for a network problem: the engine
    starts offline and catches up."""
    if not (settings.supabase_url and settings.supabase_key):
        return None
    remote = await RemoteStore.connect(
        settings.supabase_url, settings.supabase_key, storage=storage
    )
    engine = SyncEngine(remote, local_store, **engine_options)
    await engine.start()
    return engine
