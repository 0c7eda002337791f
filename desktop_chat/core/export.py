"""Export a session as a readable Markdown transcript or as JSON that imports back exactly.

JSON keeps the whole tree (every version, each event's `parent_id`, the session's
`active_leaf`); Markdown is what is read, so it gets the active branch only (the caller passes
that path: `ChatService.export_markdown`). Version 1 documents (before trees) still import:
their events become one chain in the order written.

No Qt here. Only the session and its events are written: never settings, so never a key.
"""

from __future__ import annotations

import itertools
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_chat.i18n import translate
from desktop_chat.models import Event, EventType, Session, clean_title

FORMAT = "desktop-chat/2"
_READABLE_FORMATS = ("desktop-chat/1", FORMAT)


def write_export(path: Path, text: str) -> None:
    """Write an export readable only by its owner (0600, also when replacing an older file):
    it holds whole conversations. Raises OSError."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        if hasattr(os, "fchmod"):
            os.fchmod(file.fileno(), 0o600)
        file.write(text)


# -- Markdown ------------------------------------------------------------------
def export_markdown(session: Session, events: list[Event]) -> str:
    """A transcript to read: the title, when it started, then each message as written."""
    title = " ".join(session.display_title.split()) or "New chat"
    started = _utc(session.start_time).strftime("%Y-%m-%d %H:%M UTC")
    date_line = f"*{started}"
    if session.end_time is not None:
        date_line += f" – ended {_utc(session.end_time).strftime('%Y-%m-%d %H:%M UTC')}"
    date_line += "*"
    parts = [f"# {title}", date_line]

    summary_texts = {event.text for event in events if event.type == EventType.SUMMARY}
    if session.summary and session.summary not in summary_texts:
        parts.append(_blockquote("Summary", session.summary))

    for event in events:
        if event.deleted:
            continue
        if event.type == EventType.SUMMARY:
            parts.append(_blockquote("Summary", event.text))
            continue
        who = "**You**" if event.type == EventType.USER_MESSAGE else "**Assistant**"
        parts.append(who)
        if event.text:
            parts.append(event.text)  # verbatim: the transcript is the user's own text
        if event.type == EventType.AI_RESPONSE and event.interrupted:
            error = event.payload.get("error") or "the reply did not finish."
            reason = " ".join(str(error).split())
            parts.append(f"*Interrupted: {reason}*")
    return "\n\n".join(parts) + "\n"


def _blockquote(label: str, text: str) -> str:
    lines = [f"> **{label}**", ">"]
    lines += [f"> {line}" if line else ">" for line in text.splitlines() or [""]]
    return "\n".join(lines)


# -- JSON ------------------------------------------------------------------------
def export_json(session: Session, events: list[Event]) -> str:
    """A JSON document that `parse_json_export` turns back into the same objects."""
    document = {
        "format": FORMAT,
        "session": {
            "session_id": session.session_id,
            "start_time": _iso(session.start_time),
            "end_time": _iso(session.end_time),
            "summary": session.summary,
            "title": session.title,
            "updated_at": _iso(session.updated_at),
            "deleted_at": _iso(session.deleted_at),
            "active_leaf": session.active_leaf,
            "system_prompt": session.system_prompt,
            "branched_from": session.branched_from,
        },
        "events": [
            {
                "event_id": event.event_id,
                "session_id": event.session_id,
                "type": str(event.type),
                "timestamp": _iso(event.timestamp),
                "payload": event.payload,
                "parent_id": event.parent_id,
            }
            for event in events
        ],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate cannot be written as UTF-8; \u escapes keep it, and it parses back.
        text = json.dumps(document, ensure_ascii=True, indent=2)
    return text


def parse_json_export(text: str) -> tuple[Session, list[Event]]:
    """The session and events of an `export_json` document. ValueError if it is not one."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            translate("Export", "not a Desktop Chat export: {reason}").format(reason=exc)
        ) from exc
    if not isinstance(document, dict) or document.get("format") not in _READABLE_FORMATS:
        raise ValueError(
            translate("Export", "not a Desktop Chat export (expected format {format})").format(
                format=repr(FORMAT)
            )
        )
    try:
        raw = document["session"]
        session = Session(
            session_id=_str(raw["session_id"]),
            start_time=_parse_time(raw["start_time"]),
            end_time=_parse_optional_time(raw.get("end_time")),
            summary=_optional_str(raw.get("summary")),
            title=clean_title(_optional_str(raw.get("title"))) or None,
            updated_at=_parse_time(raw["updated_at"]),
            deleted_at=_parse_optional_time(raw.get("deleted_at")),
            active_leaf=_optional_str(raw.get("active_leaf")),
            system_prompt=_optional_str(raw.get("system_prompt")),
            branched_from=_optional_str(raw.get("branched_from")),
        )
        events = [_event(item) for item in document["events"]]
    except (KeyError, TypeError) as exc:
        raise ValueError(
            translate("Export", "damaged Desktop Chat export: {reason}").format(reason=repr(exc))
        ) from exc
    if document["format"] == "desktop-chat/1":  # before trees: one chain, in the order written
        for previous, event in itertools.pairwise(events):
            event.parent_id = previous.event_id
        session.active_leaf = events[-1].event_id if events else None
    ids = {event.event_id for event in events}
    for event in events:
        if event.session_id != session.session_id:
            raise ValueError(
                translate("Export", "damaged Desktop Chat export: an event of another session")
            )
        if event.parent_id is not None and (
            event.parent_id not in ids or event.parent_id == event.event_id
        ):
            raise ValueError(
                translate("Export", "damaged Desktop Chat export: an event follows one not in it")
            )
    if session.active_leaf is not None and session.active_leaf not in ids:
        raise ValueError(
            translate("Export", "damaged Desktop Chat export: the shown branch ends outside it")
        )
    return session, events


def _event(item: dict[str, Any]) -> Event:
    payload = item["payload"]
    if not isinstance(payload, dict):
        raise ValueError(
            translate("Export", "damaged Desktop Chat export: an event's payload is not an object")
        )
    return Event(
        event_id=_str(item["event_id"]),
        session_id=_str(item["session_id"]),
        type=EventType(item["type"]),
        timestamp=_parse_time(item["timestamp"]),
        payload=payload,
        parent_id=_optional_str(item.get("parent_id")),
    )


def _utc(value: datetime) -> datetime:
    # A naive datetime is taken as UTC (docs/architecture.md: timestamps are UTC).
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else _utc(value).isoformat(timespec="microseconds")


def _parse_time(value: Any) -> datetime:
    return _utc(datetime.fromisoformat(_str(value)))


def _parse_optional_time(value: Any) -> datetime | None:
    return None if value is None else _parse_time(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(
            translate("Export", "damaged Desktop Chat export: expected text, got {kind}").format(
                kind=type(value).__name__
            )
        )
    return value


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)
