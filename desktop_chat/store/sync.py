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
An event's session is pushed with it, so the server never sees an event before its session;
the images it names go just before it, and a pull fetches the images of the events it brings
(store/attachment_sync.py).

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

This module runs no SQL: the local side (outbox, sync state, applying pulled rows, new ids) is
the SQLite store's own methods (`store/sqlite_sync.py`), the remote side `store/supabase.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from desktop_chat.i18n import translate
from desktop_chat.models import EventType
from desktop_chat.store.attachment_sync import named_images
from desktop_chat.store.supabase import (
    PAGE_SIZE,
    Account,
    AuthFailed,
    RemoteRejected,
    RemoteStore,
    RemoteUnavailable,
    Row,
    SchemaOutdated,
    event_row,
    from_remote_time,
    session_row,
)

if TYPE_CHECKING:
    from desktop_chat.store.sqlite import SQLiteStore

log = logging.getLogger(__name__)
_AccountOrNone = TypeVar("_AccountOrNone", bound=Account | None)  # signed in, or out

BATCH = 200  # outbox entries per push request pair
PULL_OVERLAP = timedelta(seconds=60)  # re-read rows stamped this long before the cursor
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # seconds between tries while offline
MAX_SKIPPED_KEPT = 200  # ids of unreadable rows remembered (the count goes on)
MAX_REKEYS_PER_PUSH = 100  # past this, refused rows are marked failed, not re-keyed
IMAGES_PER_REQUEST = 8  # attached images per request: at most ~6 MB of base64

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


def apply_pulled(
    local: SQLiteStore, sessions: list[Row], events: list[Row], user_id: str | None = None
) -> set[str]:
    """Write rows pulled from the server into the local store; returns the ids of sessions
    that changed. Rows this client cannot read are skipped and recorded (`unreadable_count`)."""
    skipped: list[tuple[str, str, str]] = []  # (table, id, reason)
    readable_sessions: list[Row] = []
    for remote in sessions:
        try:
            readable_sessions.append({**remote, **_readable_session(remote)})
        except ValueError as problem:
            skipped.append(("sessions", str(remote.get("session_id")), str(problem)))
    readable_events: list[Row] = []
    for remote in events:
        try:
            readable_events.append({**remote, "timestamp": _readable_event(remote)})
        except ValueError as problem:
            skipped.append(("events", str(remote.get("event_id")), str(problem)))
    changed, orphans = local.apply_pulled(readable_sessions, readable_events)
    skipped += [("events", event_id, "its session could not be read") for event_id in orphans]
    if skipped:
        _record_unreadable(local, user_id, skipped)
    return changed


# -- rows the client could not read (kept in the store's sync state) --------------------------
def _record_unreadable(
    local: SQLiteStore, user_id: str | None, skipped: list[tuple[str, str, str]]
) -> None:
    for table, _row_id, reason in skipped:
        log.warning(
            "Skipped a %s row from the server that this app cannot read (%s)", table[:-1], reason
        )
    key = f"unreadable:{user_id}"
    known = json.loads(local.sync_value(key) or '{"count": 0, "rows": []}')
    seen = {(r[0], r[1]) for r in known["rows"]}
    fresh = [list(s) for s in skipped if (s[0], s[1]) not in seen]
    known["count"] += len(fresh)  # a row re-read in the pull overlap counts once
    known["rows"] = (known["rows"] + fresh)[-MAX_SKIPPED_KEPT:]
    local.set_sync_value(key, json.dumps(known))


def unreadable_count(local: SQLiteStore, user_id: str | None) -> int:
    raw = local.sync_value(f"unreadable:{user_id}")
    return int(json.loads(raw)["count"]) if raw else 0


def unreadable_summary(local: SQLiteStore, user_id: str | None) -> str | None:
    """For the status tooltip: what was skipped, and why (the newest few)."""
    raw = local.sync_value(f"unreadable:{user_id}")
    if not raw:
        return None
    rows = json.loads(raw)["rows"][-3:]
    reasons = "; ".join(f"{table[:-1]} {row_id[:8]}…: {reason}" for table, row_id, reason in rows)
    return translate(
        "SyncStatus",
        "Skipped rows the server holds that this app cannot read ({reasons}). "
        "Everything else syncs.",
    ).format(reasons=reasons)


_EVENT_TYPES = {str(kind) for kind in EventType}


def _readable_session(remote: Row) -> dict[str, str | None]:
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


def _readable_event(remote: Row) -> str:
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
    timestamp = _readable_time(remote.get("timestamp"), "timestamp")
    if timestamp is None:
        raise ValueError("no timestamp")
    return timestamp


def _readable_time(value: Any, name: str) -> str | None:
    try:
        return from_remote_time(value)
    except (ValueError, TypeError, OverflowError, AttributeError):
        raise ValueError(f"{name} {str(value)[:40]!r} is not a time this app can hold") from None


class SyncEngine:
    """Pushes the outbox and pulls other devices' changes, in the background."""

    def __init__(
        self,
        remote: RemoteStore,
        local: SQLiteStore,
        *,
        interval: float = 30.0,
        push_delay: float = 1.0,
        backoff: tuple[float, ...] = BACKOFF,
    ):
        self.remote = remote
        self.local = local
        self.interval = interval  # pull this often while nothing happens
        self.push_delay = push_delay  # gather the writes of a streaming reply into one push
        self.backoff = backoff
        self._status = SyncStatus()
        self._status_callbacks: list[Callable[[SyncStatus], None]] = []
        self._change_callbacks: list[Callable[[set[str]], None]] = []
        self._cycle_lock = asyncio.Lock()
        self._kick = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
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
        pending, failed = self.local.outbox_counts(user_id)
        status = replace(
            status,
            pending=pending,
            failed=failed,
            unreadable=unreadable_count(self.local, user_id) if user_id else 0,
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

    def _signed_in(self, account: _AccountOrNone) -> _AccountOrNone:
        self.local.set_user(account.user_id if account is not None else None)
        if account is not None:
            self.local.claim_unowned(account.user_id)
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
                events: tuple[asyncio.Event, ...] = (self._kick, self._wake)
                wait = self.interval
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
                state="online", message=unreadable_summary(self.local, account.user_id)
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
            entries = self.local.outbox_batch(user_id, BATCH)
            if not entries:
                return
            event_ids = [e["row_id"] for e in entries if e["kind"] == "event"]
            events = self.local.event_rows(event_ids)
            session_ids = [e["row_id"] for e in entries if e["kind"] == "session"]
            session_ids += [e["session_id"] for e in events]
            sessions = self.local.session_rows(session_ids)
            images = named_images(events)
            try:
                await self.remote.upsert_sessions([session_row(r) for r in sessions])
                for start in range(0, len(images), IMAGES_PER_REQUEST):  # before their events
                    chunk = images[start : start + IMAGES_PER_REQUEST]
                    await self.remote.upsert_attachments(self.local.attachment_rows(chunk))
                await self.remote.upsert_events([event_row(r) for r in events])
            except RemoteRejected as error:
                log.warning("Server refused a batch (%s); sending rows one by one", error)
                await self._push_one_by_one(entries, sessions, events)
            self.local.outbox_done(e["seq"] for e in entries)
            self._set_status()

    async def _push_one_by_one(
        self, entries: list[sqlite3.Row], sessions: list[sqlite3.Row], events: list[sqlite3.Row]
    ) -> None:
        """Find the rows the server refuses, mark them, and push the rest. A row refused
        because another account holds its id is given a new id and queued again."""
        refused_sessions: dict[str, str] = {}
        rekeyed: set[str] = set()
        for row in sessions:
            try:
                await self.remote.upsert_sessions([session_row(row)])
            except RemoteRejected as error:
                if await self._id_taken(error, "sessions", row["session_id"]):
                    self._renamed.add(self.local.rekey_session(row["session_id"]))
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
                await self._push_images_of(row)
                await self.remote.upsert_events([event_row(row)])
            except RemoteRejected as error:
                if await self._id_taken(error, "events", row["event_id"], row["session_id"]):
                    self.local.rekey_event(row["event_id"])
                else:
                    refused_events[row["event_id"]] = str(error)
        for entry in entries:
            refused = refused_sessions if entry["kind"] == "session" else refused_events
            if entry["row_id"] in refused:
                self.local.outbox_failed(entry["seq"], refused[entry["row_id"]])
        # The failed entries stay (with their error); outbox_done() removes only the others.
        failed = {
            e["seq"]
            for e in entries
            if e["row_id"] in refused_sessions or e["row_id"] in refused_events
        }
        entries[:] = [e for e in entries if e["seq"] not in failed]

    async def _push_images_of(self, row: sqlite3.Row) -> None:
        """An event's images, alone: one the server refuses stays on this device only (the
        event still syncs, naming it)."""
        for image in self.local.attachment_rows(named_images([row])):
            try:
                await self.remote.upsert_attachments([image])
            except RemoteRejected as error:
                log.warning("Server refused an attached image (%s); it stays local", error)

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
                session_id and await self.remote.sessions_by_id([session_id])
            )
        self._rekeys += taken
        return taken

    async def _pull(self, user_id: str) -> set[str]:
        changed: set[str] = set()
        for table in ("sessions", "events"):
            key = f"pull:{user_id}:{table}"
            cursor = self.local.sync_value(key)
            lower = _minus(cursor, PULL_OVERLAP) if cursor else None
            offset = 0
            while True:
                rows = await self.remote.changed_since(table, lower, offset)
                if not rows:
                    break
                if table == "sessions":
                    changed |= apply_pulled(self.local, rows, [], user_id)
                else:
                    missing = self.local.missing_sessions(
                        r["session_id"] for r in rows if isinstance(r.get("session_id"), str)
                    )
                    parents = await self.remote.sessions_by_id(missing) if missing else []
                    images = await self._images_named(rows)  # fetched first: a failure
                    changed |= apply_pulled(self.local, parents, rows, user_id)  # applies nothing
                    self.local.keep_pulled_attachments(images)
                newest = max(rows, key=lambda r: _parse(r["changed_at"]))["changed_at"]
                if cursor is None or _parse(newest) > _parse(cursor):
                    cursor = newest
                    self.local.set_sync_value(key, cursor)
                offset += len(rows)
                if len(rows) < PAGE_SIZE:
                    break
        return changed

    async def _images_named(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The images pulled events name that this device lacks, a few per request."""
        wanted = self.local.missing_attachments(named_images(rows))
        images: list[dict[str, Any]] = []
        for start in range(0, len(wanted), IMAGES_PER_REQUEST):
            images += await self.remote.attachments_by_id(
                wanted[start : start + IMAGES_PER_REQUEST]
            )
        return images


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
    settings: Any, local_store: SQLiteStore, *, storage: Any = None, **engine_options: Any
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
