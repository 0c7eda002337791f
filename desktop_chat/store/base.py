"""The storage interface the chat service uses; SQLite is the local implementation."""

from __future__ import annotations

from typing import Any, Protocol

from desktop_chat.models import Event, ListedSession, SearchHit, Session


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
        """Set title / summary / end_time / deleted_at / active_leaf / system_prompt; bumps
        updated_at."""
        ...

    async def session_prompts(self) -> dict[str, str]:
        """Every session's own system prompt, by session id."""
        ...

    async def add_event(self, event: Event, *, activate: bool = False) -> None:
        """Store `event`; `activate` also makes it its session's active leaf, atomically."""
        ...

    async def add_imported(self, session: Session, events: list[Event]) -> tuple[bool, int]:
        """Store an imported session and events as they are; ids already here are skipped.
        Returns (session was new, events added)."""
        ...

    async def event(self, event_id: str) -> Event | None: ...

    async def branch_path(self, leaf_id: str, max_user_messages: int | None = None) -> list[Event]:
        """Root to `leaf_id`, oldest first; with `max_user_messages`, only the part below the
        last that many user messages. Cost: what it returns (an indexed walk up)."""
        ...

    async def children(self, session_id: str, parent_id: str | None) -> list[Event]:
        """The events following `parent_id` (None: the session's first ones), oldest first."""
        ...

    async def branch_tail(self, event_id: str, limit: int) -> list[Event]:
        """`event_id` and up to `limit` - 1 events above it on its branch, oldest first."""
        ...

    async def versions(
        self, session_id: str, parent_ids: list[str | None]
    ) -> dict[str | None, list[str]]:
        """Per parent (None: the first events), its live children's ids, oldest first."""
        ...

    async def newest_leaf(self, event_id: str) -> str:
        """The newest live event under `event_id` with nothing live after it."""
        ...

    async def subtree(self, event_id: str) -> list[Event]:
        """`event_id` and everything that follows it, on any branch."""
        ...

    async def newest_event_id(self, session_id: str) -> str | None: ...

    async def update_event_payload(self, event_id: str, payload: dict[str, Any]) -> None: ...

    async def add_attachment(
        self, session_id: str, attachment_id: str, mime: str, data: bytes
    ) -> None:
        """Keep an attached image's bytes once (core/attachments.py)."""
        ...

    async def attachment_sizes(self, ids: list[str]) -> dict[str, int]: ...

    async def attachment_data(self, ids: list[str]) -> dict[str, tuple[str, bytes]]: ...

    async def events(self, session_id: str) -> list[Event]:
        """Every event of a session (every version, every branch), oldest first. What the
        transcript shows is one path of these: ChatService.active_branch."""
        ...

    async def recent_events(self, session_id: str, limit: int) -> list[Event]:
        """The newest `limit` messages (user and assistant) of a session, oldest first."""
        ...

    async def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Sessions whose title or messages match `query`, one hit per session, most recently
        active first."""
        ...

    async def close(self) -> None: ...
