"""The remote replica: Supabase (Postgres behind PostgREST, users behind GoTrue).

`RemoteStore` wraps the real `supabase` AsyncClient. It knows the wire shape of rows and the
sign-in flows; what to push and pull, and when, is decided by `desktop_chat.store.sync`.

Facts this relies on (checked against supabase 2.34.1; see also docs/supabase.md):
* `acreate_client(url, key, AsyncClientOptions(...))`; the auth client saves the session to
  `options.storage` on every sign-in and every refresh, so the newest refresh token is always
  the one kept (`KeyringStorage` puts it in the OS keychain).
* Refresh tokens are single-use. The client's own refresh timer is switched off
  (`auto_refresh_token=False`); instead `ensure_session()` refreshes under one lock, right before
  the sync engine talks to the server, so two refreshes never race to spend the same token.
* PostgREST retries GETs by itself with sleeps of 1, 2, 4 s; that is off
  (`postgrest_client_retry=False`) because the sync engine has its own back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from supabase_auth import AsyncSupportedStorage

from desktop_chat.i18n import translate
from desktop_chat.settings import KEYRING_SERVICE

if TYPE_CHECKING:
    from postgrest import AsyncQueryRequestBuilder
    from supabase import AsyncClient
    from supabase_auth.types import AuthResponse
    from supabase_auth.types import Session as AuthSession

Row = dict[str, Any]  # a row as PostgREST takes and gives it (JSON)

log = logging.getLogger(__name__)

PAGE_SIZE = 500
# schema.sql's bounds: a longer title or summary (written before the bound, or pulled from an
# older server) is cut to fit rather than refused forever.
MAX_REMOTE_TITLE = 500
MAX_REMOTE_SUMMARY = 20_000
REQUEST_TIMEOUT = 20  # seconds, for table requests
_CHUNK = 1000  # characters per keychain entry: Windows' Credential Manager stops near 2,560 bytes


class KeyringStorage(AsyncSupportedStorage):
    """The auth client's session storage, kept in the OS keychain.

    A session (access token, refresh token, user) can be larger than one Windows credential
    holds, so a value is split over numbered entries; entry `<key>` holds the count. When no
    keychain works, the session is kept in memory for this run only."""

    def __init__(self, namespace: str, service: str = KEYRING_SERVICE):
        self.namespace = namespace
        self.service = service
        self._memory: dict[str, str] = {}
        # False once the keychain is known to keep nothing (no backend, keyring's null or fail
        # backend, or a write that does not read back): the sign-in then lasts this run only.
        self.persistent = not _keeps_nothing()

    def _name(self, key: str, part: int | None = None) -> str:
        base = f"supabase:{self.namespace}:{key}"
        return base if part is None else f"{base}#{part}"

    async def get_item(self, key: str) -> str | None:
        if not self.persistent:
            return self._memory.get(key)
        import keyring

        try:
            count = keyring.get_password(self.service, self._name(key))
            if count is None:
                return None
            parts = [
                keyring.get_password(self.service, self._name(key, i)) for i in range(int(count))
            ]
        except Exception as exc:  # noqa: BLE001 - any keychain failure means "nothing stored"
            log.info("Could not read the sign-in from the keychain (%s)", type(exc).__name__)
            return self._memory.get(key)
        found = [p for p in parts if p is not None]
        if len(found) != len(parts):  # an entry is missing: not a whole sign-in
            return None
        return "".join(found)

    async def set_item(self, key: str, value: str) -> None:
        self._memory[key] = value
        if not self.persistent:
            return
        import keyring

        parts = [value[i : i + _CHUNK] for i in range(0, len(value), _CHUNK)] or [""]
        try:
            old = keyring.get_password(self.service, self._name(key))
            for i, part in enumerate(parts):
                keyring.set_password(self.service, self._name(key, i), part)
            keyring.set_password(self.service, self._name(key), str(len(parts)))
            for i in range(len(parts), int(old or 0)):
                _delete(keyring, self.service, self._name(key, i))
            if keyring.get_password(self.service, self._name(key)) != str(len(parts)):
                raise RuntimeError("the keychain kept nothing")  # e.g. keyring's null backend
        except Exception as exc:  # noqa: BLE001
            log.warning(
                "No keychain to keep the sign-in in (%s); it lasts until the app closes",
                type(exc).__name__,
            )
            self.persistent = False

    async def remove_item(self, key: str) -> None:
        self._memory.pop(key, None)
        if not self.persistent:
            return
        import keyring

        try:
            count = keyring.get_password(self.service, self._name(key))
            _delete(keyring, self.service, self._name(key))
            for i in range(int(count or 0)):
                _delete(keyring, self.service, self._name(key, i))
        except Exception as exc:  # noqa: BLE001
            log.info("Could not remove the sign-in from the keychain (%s)", type(exc).__name__)


def _keeps_nothing() -> bool:
    import keyring

    from desktop_chat.settings import keeps_nothing

    try:
        return keeps_nothing(keyring.get_keyring())
    except Exception:  # noqa: BLE001 - no backend at all
        return True


def _delete(keyring: Any, service: str, name: str) -> None:
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):  # nothing saved: nothing to delete
        keyring.delete_password(service, name)


class AuthFailed(Exception):
    """Sign-in / sign-up refused, in words a user understands."""


class RemoteUnavailable(Exception):
    """The server could not be reached or did not answer; try again later."""


class SchemaOutdated(RemoteUnavailable):
    """The project's tables lack a column this app writes (schema.sql was not run again after
    an upgrade). Nothing is marked refused: the rows wait until the schema is upgraded."""


class RemoteRejected(Exception):
    """The server answered and refused this data (it will refuse it again)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code


@dataclass
class Account:
    user_id: str
    email: str | None
    is_anonymous: bool

    @property
    def label(self) -> str:
        return "anonymous" if self.is_anonymous else (self.email or self.user_id)


def from_remote_time(remote: str | None) -> str | None:
    """PostgREST's timestamptz text (`2024-05-01T10:00:00.12+00:00`) to the local form."""
    if remote is None:
        return None
    value = datetime.fromisoformat(remote.replace("Z", "+00:00"))
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def clean_text(value: Any) -> Any:
    """Postgres text and jsonb cannot hold NUL characters; replace them (U+FFFD), recursively."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


class RemoteStore:
    """One Supabase project, as one signed-in (or signed-out) user of it."""

    def __init__(self, client: AsyncClient):
        self.client = client
        self._auth_lock = asyncio.Lock()

    @classmethod
    async def connect(
        cls, url: str, key: str, storage: AsyncSupportedStorage | None = None
    ) -> RemoteStore:
        from supabase import AsyncClientOptions, acreate_client

        options = AsyncClientOptions(
            storage=storage or KeyringStorage(namespace=url.rstrip("/")),
            auto_refresh_token=False,
            persist_session=True,
            flow_type="implicit",
            postgrest_client_timeout=REQUEST_TIMEOUT,
            postgrest_client_retry=False,
        )
        # acreate_client reads the stored session and, if its access token has expired,
        # refreshes it; when that fails (offline) it simply starts without a session header.
        client = await acreate_client(url, key, options)
        return cls(client)

    # -- auth ------------------------------------------------------------------
    async def account(self) -> Account | None:
        """Who is signed in, from the stored session (no network unless it must refresh)."""
        session = await self._stored_session()
        if session is None:
            return None
        user = session.user
        return Account(user.id, user.email or None, bool(user.is_anonymous))

    async def _stored_session(self) -> AuthSession | None:
        # `_load_session` reads storage only; get_session() would also refresh.
        return await self.client.auth._load_session()

    async def ensure_session(self) -> Account | None:
        """A valid access token for the next requests, refreshing it if it is (nearly) expired.
        Raises RemoteUnavailable when offline; returns None when signed out or the refresh
        token was refused (then the user has to sign in again)."""
        from supabase_auth.errors import (
            AuthApiError,
            AuthRetryableError,
            AuthSessionMissingError,
        )

        async with self._auth_lock:
            try:
                session = await self.client.auth.get_session()
            except AuthRetryableError as error:
                raise RemoteUnavailable(str(error)) from error
            except (AuthApiError, AuthSessionMissingError) as error:
                log.warning("The saved sign-in was refused (%s); sign in again", error)
                await self.client.auth._remove_session()
                self.client.auth._notify_all_subscribers("SIGNED_OUT", None)
                return None
            if session is None:
                return None
            self._use_token(session.access_token)
            user = session.user
            return Account(user.id, user.email or None, bool(user.is_anonymous))

    async def force_refresh(self) -> Account | None:
        """Refresh now (after the server said the access token expired)."""
        from supabase_auth.errors import (
            AuthApiError,
            AuthRetryableError,
            AuthSessionMissingError,
        )

        async with self._auth_lock:
            session = await self._stored_session()
            if session is None:
                return None
            try:
                response = await self.client.auth.refresh_session(session.refresh_token)
            except AuthRetryableError as error:
                raise RemoteUnavailable(str(error)) from error
            except (AuthApiError, AuthSessionMissingError):
                await self.client.auth._remove_session()
                self.client.auth._notify_all_subscribers("SIGNED_OUT", None)
                return None
            if response.session is None:  # answered, but with no session: signed out
                return None
            self._use_token(response.session.access_token)
            user = response.session.user
            return Account(user.id, user.email or None, bool(user.is_anonymous))

    def _use_token(self, access_token: str) -> None:
        header = f"Bearer {access_token}"
        if self.client.options.headers.get("Authorization") != header:
            self.client.options.headers["Authorization"] = header
            self.client._postgrest = None  # rebuilt with the new header on next use

    async def sign_in(self, email: str, password: str) -> Account:
        return await self._auth_call(
            self.client.auth.sign_in_with_password, {"email": email, "password": password}
        )

    async def sign_up(self, email: str, password: str) -> Account:
        return await self._auth_call(
            self.client.auth.sign_up, {"email": email, "password": password}
        )

    async def sign_in_anonymously(self) -> Account:
        return await self._auth_call(self.client.auth.sign_in_anonymously)

    async def _auth_call(
        self, method: Callable[..., Awaitable[AuthResponse]], *args: Any
    ) -> Account:
        from supabase_auth.errors import AuthError, AuthRetryableError

        async with self._auth_lock:
            try:
                response = await method(*args)
            except AuthRetryableError as error:
                raise RemoteUnavailable(f"Could not reach the server ({error}).") from error
            except AuthError as error:
                raise AuthFailed(error.message or str(error)) from error
        if response.session is None:
            raise AuthFailed(
                translate("Account", "Check your email to confirm the account, then sign in.")
            )
        self._use_token(response.session.access_token)
        user = response.session.user
        return Account(user.id, user.email or None, bool(user.is_anonymous))

    async def sign_out(self) -> None:
        """Sign this device out. The session is forgotten locally even when offline."""
        async with self._auth_lock:
            try:
                await self.client.auth.sign_out({"scope": "local"})
            except Exception as error:  # noqa: BLE001 - offline: the local part is done anyway
                log.info("Sign-out could not reach the server (%s)", type(error).__name__)
                await self.client.auth._remove_session()
            self._use_token(self.client.supabase_key)

    # -- rows ------------------------------------------------------------------
    async def upsert_sessions(self, rows: list[Row]) -> None:
        """Insert or update by session_id; the server keeps the newer updated_at."""
        from postgrest.types import ReturnMethod

        if rows:
            await self._execute(
                lambda: self.client.table("sessions").upsert(
                    rows, on_conflict="session_id", returning=ReturnMethod.minimal
                )
            )

    async def upsert_events(self, rows: list[Row]) -> None:
        """Insert or update by event_id (a reply's payload grows while it streams)."""
        from postgrest.types import ReturnMethod

        if rows:
            await self._execute(
                lambda: self.client.table("events").upsert(
                    rows, on_conflict="event_id", returning=ReturnMethod.minimal
                )
            )

    async def upsert_attachments(self, rows: list[dict[str, Any]]) -> None:
        """Insert images not there yet (store/attachment_sync.py); they never change."""
        from postgrest.types import ReturnMethod

        if rows:
            await self._execute(
                lambda: self.client.table("attachments").upsert(
                    rows,
                    on_conflict="attachment_id",
                    ignore_duplicates=True,
                    returning=ReturnMethod.minimal,
                )
            )

    async def attachments_by_id(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        ids = list(ids)
        if not ids:
            return []
        return await self._execute(
            lambda: (
                self.client.table("attachments")
                .select("attachment_id,session_id,mime,size,data")
                .in_("attachment_id", ids)
            )
        )

    async def changed_since(
        self, table: str, cursor: str | None, offset: int = 0, limit: int = PAGE_SIZE
    ) -> list[Row]:
        """Rows of `table` whose server-side `changed_at` is after `cursor`, oldest first."""
        key = "session_id" if table == "sessions" else "event_id"

        def build() -> AsyncQueryRequestBuilder:
            query = self.client.table(table).select("*")
            if cursor:
                query = query.gt("changed_at", cursor)
            return query.order("changed_at").order(key).limit(limit).offset(offset)

        return await self._execute(build)

    async def sessions_by_id(self, ids: Iterable[str]) -> list[Row]:
        ids = list(ids)
        if not ids:
            return []
        return await self._execute(
            lambda: self.client.table("sessions").select("*").in_("session_id", ids)
        )

    async def events_by_id(self, ids: Iterable[str]) -> list[Row]:
        ids = list(ids)
        if not ids:
            return []
        return await self._execute(
            lambda: self.client.table("events").select("event_id").in_("event_id", ids)
        )

    @property
    def sign_in_kept(self) -> bool:
        """Whether the sign-in outlives this run (False: no keychain keeps it)."""
        storage = self.client.options.storage
        return getattr(storage, "persistent", True)

    async def _execute(self, build: Callable[[], AsyncQueryRequestBuilder]) -> list[Row]:
        import httpx
        from postgrest.exceptions import APIError

        for attempt in range(2):
            try:
                response = await build().execute()
                return cast("list[Row]", response.data or [])  # a table's rows: JSON objects
            except httpx.HTTPError as error:
                raise RemoteUnavailable(f"{type(error).__name__}: {error}") from error
            except APIError as error:
                status = _status_of(error)
                # PostgREST / Postgres: no such column, or table (a project set up before it)
                if error.code in ("PGRST204", "42703", "PGRST205", "42P01"):
                    raise SchemaOutdated(
                        translate(
                            "Supabase",
                            "The Supabase project's tables are older than this app ({reason}). "
                            "Run schema.sql again in the project's SQL Editor; changes wait "
                            "until then.",
                        ).format(reason=error.message or error.code)
                    ) from error
                if error.code in ("PGRST301", "PGRST303") and attempt == 0:
                    if await self.force_refresh() is None:
                        raise RemoteRejected("Signed out", 401, error.code) from error
                    continue
                if status is None or status >= 500 or status in (408, 429):
                    raise RemoteUnavailable(error.message or str(error)) from error
                raise RemoteRejected(error.message or str(error), status, error.code) from error
        raise AssertionError("unreachable")

    async def close(self) -> None:
        clients: list[Any] = [self.client.auth]  # each closes by its own name
        if self.client._postgrest is not None:
            clients.append(self.client._postgrest)
        for client in clients:
            try:
                closer = getattr(client, "aclose", None) or client.close
                await closer()
            except Exception:  # noqa: BLE001
                pass


def _status_of(error: Exception) -> int | None:
    """PostgREST errors carry no status; infer it from the code, as PostgREST maps it."""
    code = str(getattr(error, "code", None) or "")
    if code.isdigit() and len(code) == 3:  # a non-PostgREST answer: the HTTP status itself
        return int(code)
    if code.startswith("PGRST3"):
        return 401
    if code == "42501":
        return 403
    if code in ("23505", "23503"):
        return 409
    if code[:2] in ("22", "23", "42") or code.startswith("PGRST1") or code.startswith("PGRST2"):
        return 400
    if code == "":
        return None
    return 500


def session_row(row: Any) -> Row:
    """A local sessions row (sqlite3.Row) as the JSON PostgREST takes. Times go as stored:
    the local fixed-width ISO text is what Postgres reads."""
    return {
        "session_id": row["session_id"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "summary": clean_text(_clip(row["summary"], MAX_REMOTE_SUMMARY)),
        "title": clean_text(_clip(row["title"], MAX_REMOTE_TITLE)),
        "updated_at": row["updated_at"],
        "deleted_at": row["deleted_at"],
        "active_leaf": row["active_leaf"],
        "system_prompt": clean_text(_clip(row["system_prompt"], MAX_REMOTE_SUMMARY)),
        "branched_from": row["branched_from"],
    }


def _clip(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"


def event_row(row: Any) -> Row:
    return {
        "event_id": row["event_id"],
        "session_id": row["session_id"],
        "type": row["type"],
        "timestamp": row["timestamp"],
        "payload": clean_text(json.loads(row["payload"])),
        "parent_id": row["parent_id"],
    }
