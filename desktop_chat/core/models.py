"""Sessions and events: the data model of DESIGN.md, free of any storage or UI concern."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    USER_MESSAGE = "user_message"
    AI_RESPONSE = "ai_response"
    SUMMARY = "summary"


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Session:
    session_id: str = field(default_factory=new_id)
    start_time: datetime = field(default_factory=utc_now)
    end_time: datetime | None = None
    summary: str | None = None
    title: str | None = None
    updated_at: datetime = field(default_factory=utc_now)
    deleted_at: datetime | None = None

    @property
    def display_title(self) -> str:
        return self.title or "New chat"


@dataclass
class ListedSession(Session):
    """A session as the store lists it: with when its newest message was written. That is
    derived from the events, not stored, and is not updated_at: updated_at is the sync clock
    that every edit (a rename, a delete, an undo) moves."""

    last_activity: datetime | None = None


@dataclass
class Event:
    session_id: str
    type: EventType
    payload: dict[str, Any]
    event_id: str = field(default_factory=new_id)
    timestamp: datetime = field(default_factory=utc_now)

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))

    @property
    def interrupted(self) -> bool:
        return bool(self.payload.get("interrupted"))


def title_from_message(text: str, max_chars: int = 60) -> str:
    """A session title from its first message: the first line, cut at a word boundary."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) <= max_chars:
        return first_line or "New chat"
    cut = first_line[:max_chars].rsplit(" ", 1)[0] or first_line[:max_chars]
    return cut.rstrip(" ,.;:") + "…"
