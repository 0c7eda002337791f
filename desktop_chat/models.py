"""Sessions, events and search hits: the data model of docs/architecture.md, free of any
storage or UI concern. Both the core and the store import these (the layers: store -> models)."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    USER_MESSAGE = "user_message"
    AI_RESPONSE = "ai_response"
    SUMMARY = "summary"


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Session:
    session_id: str = field(default_factory=new_id)
    start_time: datetime = field(default_factory=utc_now)
    end_time: datetime | None = None
    summary: str | None = None
    title: str | None = None
    updated_at: datetime = field(default_factory=utc_now)
    deleted_at: datetime | None = None
    # The event the transcript ends at (the active branch runs from it up to the root); None
    # for a session with no events yet. Last-writer-wins like the title.
    active_leaf: str | None = None
    # This session's own system prompt, replacing the global one; None: the global one.
    system_prompt: str | None = None
    # The event (of another session) this session was branched from; None if not a branch.
    branched_from: str | None = None

    @property
    def display_title(self) -> str:
        return clean_title(self.title) or "New chat"


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
    # The event this one follows (null for the first): a session is a tree, and regenerations
    # and edits are siblings under the same parent.
    parent_id: str | None = None

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))

    @property
    def interrupted(self) -> bool:
        return bool(self.payload.get("interrupted"))

    @property
    def deleted(self) -> bool:
        """Deleted by the user (a tombstone in the payload, so it syncs and can be undone)."""
        return bool(self.payload.get("deleted_at"))


ATTACHMENT_KINDS = ("image", "file")


def attachment_entries(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The well-formed entries of an event payload's `attachments` (core/attachments.py): a
    synced row may hold anything, so entries without an id or a known kind are left out."""
    entries = payload.get("attachments")
    if not isinstance(entries, list):
        return []
    return [
        e
        for e in entries
        if isinstance(e, dict)
        and isinstance(e.get("id"), str)
        and e.get("kind") in ATTACHMENT_KINDS
    ]


def image_ids(payload: Mapping[str, Any]) -> list[str]:
    """The ids of the images a payload names (their bytes are stored apart, by id)."""
    return [e["id"] for e in attachment_entries(payload) if e["kind"] == "image"]


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


MAX_TITLE_CHARS = 200
# Invisible letters that render as blanks (Hangul fillers) or join nothing (the combining
# grapheme joiner): not format characters, but used the same way to make look-alike names.
_INVISIBLE_LETTERS = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0"}


def strip_invisible(text: str) -> str:
    """`text` without control and format characters (Unicode Cc and Cf, but for line breaks
    and tabs): bidi overrides, embeddings and isolates (U+202A-202E, U+2066-2069), marks
    (U+200E/F, U+061C), zero-width spaces and joiners (U+200B-200D, U+2060, U+FEFF), soft
    hyphens, tag characters. Model-written names with them can read backwards ("\u202eexe.txt"
    shows as "txt.exe") or look exactly like another name."""
    return "".join(
        char
        for char in text
        if char in "\n\r\t"
        or (unicodedata.category(char) not in ("Cc", "Cf") and char not in _INVISIBLE_LETTERS)
    )


def clean_title(title: str | None, max_chars: int = MAX_TITLE_CHARS) -> str:
    """A session title as it may be stored and shown: no invisible or direction-changing
    characters, one line, single spaces, at most `max_chars`. Every place that sets a title
    (first message, the model's auto-title, rename, import, sync) and every place that shows
    one goes through this, so an older stored title is cleaned on the way out too."""
    if not title:
        return ""
    cleaned = " ".join(strip_invisible(title).split())
    if len(cleaned) > max_chars:
        cleaned = cleaned[: max_chars - 1].rstrip() + "…"
    return cleaned


def title_from_message(text: str, max_chars: int = 60) -> str:
    """A session title from its first message: the first line, cut at a word boundary."""
    text = "\n".join(clean_title(line) for line in text.splitlines())
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) <= max_chars:
        return first_line or "New chat"
    cut = first_line[:max_chars].rsplit(" ", 1)[0] or first_line[:max_chars]
    return cut.rstrip(" ,.;:") + "…"
