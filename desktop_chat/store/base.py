"""The storage interface the chat service uses; SQLite is the local implementation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from desktop_chat.core.models import Event, ListedSession, Session


@dataclass
class SearchHit:
    """A session that matches a search: by its title, or by its best-matching message
    (`event_id`; `matches` counts its matching messages)."""

    session_id: str
    title: str
    snippet: str  # the matched words are wrapped in MATCH_START / MATCH_END
    event_id: str | None = None
    matches: int = 1


MATCH_START, MATCH_END = "\x02", "\x03"


class StoreError(Exception):
    """A storage failure, in words a user understands."""


class Store(Protocol):
    async def create_session(self, session: Session) -> None: ...

    async def get_session(self, session_id: str) -> Session | None: ...

    async def list_sessions(self, limit: int = 200) -> list[ListedSession]:
        """Sessions not deleted, most recently active (newest message) first, each with its
        `last_activity`. Edits such as a rename do not reorder them."""
        ...

    async def update_session(self, session_id: str, **fields: Any) -> None:
        """Set title / summary / end_time / deleted_at; bumps updated_at."""
        ...

    async def add_event(self, event: Event) -> None: ...

    async def update_event_payload(self, event_id: str, payload: dict[str, Any]) -> None: ...

    async def events(self, session_id: str) -> list[Event]:
        """The whole transcript of a session, oldest first."""
        ...

    async def recent_events(self, session_id: str, limit: int) -> list[Event]:
        """The newest `limit` messages (user and assistant) of a session, oldest first."""
        ...

    async def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Sessions whose title or messages match `query`, one hit per session, most recently
        active first."""
        ...

    async def close(self) -> None: ...
