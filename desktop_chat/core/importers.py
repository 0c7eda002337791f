"""Read other apps' exports into sessions and events, keeping their trees, titles and times.

No Qt, no storage: `parse_import(text)` returns (Session, events) pairs; the chat service
stores them (`ChatService.import_text`). Every id is derived from the source's own ids
(uuid5), so importing the same file again, or a later export of the same account, adds only
what is new and never a duplicate.

Formats read (only these fields are relied on; anything else is ignored):

Desktop Chat JSON (`export_json`): {"format": "desktop-chat/1" | "desktop-chat/2", ...}.

ChatGPT data export, `conversations.json`: a list of conversations, each
    {"id" or "conversation_id", "title", "create_time", "update_time" (Unix seconds),
     "current_node": node id,
     "mapping": {node id: {"id", "parent": node id | null, "children": [node ids],
                           "message": null | {"author": {"role"},
                                              "content": {"parts": [text, ...]},
                                              "create_time": Unix seconds | null}}}}
  The mapping is a tree: edits and regenerations are siblings. Only "user" and "assistant"
  messages with text are kept (the hidden root, system and tool messages are not); a message
  under a skipped node follows the nearest kept one above it. Parts that are not text (images,
  files) are left out. `current_node` is the shown branch.

Claude data export, `conversations.json`: a list of conversations, each
    {"uuid", "name", "created_at", "updated_at" (ISO 8601),
     "current_leaf_message_uuid" (if present),
     "chat_messages": [{"uuid", "sender": "human" | "assistant", "text",
                        "content": [{"type": "text", "text"}] (used when "text" is empty),
                        "created_at", "parent_message_uuid" (if present)}]}
  With parent_message_uuid the messages form a tree (a parent not in the conversation, such
  as Claude's all-zero root id, makes a first message); without it they are one chain in the
  order listed. The shown branch ends at current_leaf_message_uuid, else the newest message.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from desktop_chat.core.export import FORMAT, parse_json_export
from desktop_chat.i18n import translate
from desktop_chat.models import Event, EventType, Session, clean_title

# Fixed, so an id made from a source id is the same on every run and every machine.
IMPORT_NAMESPACE = uuid.UUID("6f1d3c1e-8a4b-5c57-9d0e-2b7f64a1c9e3")
_ROLES = {
    "user": EventType.USER_MESSAGE,
    "human": EventType.USER_MESSAGE,
    "assistant": EventType.AI_RESPONSE,
}


class ImportRefused(ValueError):
    """A file that is not one of the formats read here, in plain words."""


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(IMPORT_NAMESPACE, ":".join(parts)))


def parse_import(text: str) -> list[tuple[Session, list[Event]]]:
    """The sessions in a Desktop Chat, ChatGPT or Claude export. Raises ImportRefused."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            translate("Import", "This file is not JSON ({reason} at line {line}).").format(
                reason=exc.msg, line=exc.lineno
            )
        ) from exc
    if isinstance(document, dict) and str(document.get("format", "")).startswith("desktop-chat/"):
        try:
            return [parse_json_export(text)]
        except ValueError as exc:
            raise ImportRefused(str(exc)) from exc
    conversations = document if isinstance(document, list) else None
    if conversations is None or not all(isinstance(c, dict) for c in conversations):
        raise ImportRefused(
            translate(
                "Import",
                "This file is not an export Desktop Chat can read: expected a Desktop Chat "
                "export ({format}) or a conversations.json from ChatGPT or Claude.",
            ).format(format=FORMAT)
        )
    imported = []
    for conversation in conversations:
        if "mapping" in conversation:
            imported.append(_chatgpt(conversation))
        elif "chat_messages" in conversation:
            imported.append(_claude(conversation))
        else:
            raise ImportRefused(
                translate(
                    "Import",
                    "This conversations.json holds a conversation with neither "
                    "'mapping' (ChatGPT) nor 'chat_messages' (Claude).",
                )
            )
    return imported


# -- ChatGPT -----------------------------------------------------------------------------------
def _chatgpt(conversation: dict[str, Any]) -> tuple[Session, list[Event]]:
    source_id = str(
        conversation.get("conversation_id")
        or conversation.get("id")
        or f"{conversation.get('title')}@{conversation.get('create_time')}"
    )
    session_id = stable_id("chatgpt", source_id)
    start = _from_unix(conversation.get("create_time")) or datetime.now(UTC)
    mapping = conversation.get("mapping")
    if not isinstance(mapping, dict):
        raise ImportRefused(
            translate("Import", "A ChatGPT conversation's 'mapping' is not an object.")
        )

    events: list[Event] = []
    kept_as: dict[str, str | None] = {}  # node id -> event id of it or its nearest kept ancestor
    roots = [
        node_id
        for node_id, node in mapping.items()
        if isinstance(node, dict) and node.get("parent") not in mapping
    ]
    waiting: list[tuple[str, str | None, datetime]] = [(r, None, start) for r in reversed(roots)]
    seen: set[str] = set()
    while waiting:  # depth first, parents before children; a cycle is walked once
        node_id, parent_event, parent_time = waiting.pop()
        if node_id in seen or not isinstance(mapping.get(node_id), dict):
            continue
        seen.add(node_id)
        node = mapping[node_id]
        message = node.get("message") if isinstance(node.get("message"), dict) else {}
        role = (message.get("author") or {}).get("role") if message else None
        text = _parts_text((message.get("content") or {}).get("parts")) if message else ""
        time = _from_unix(message.get("create_time")) if message else None
        time = time or parent_time
        if role in ("user", "assistant") and text.strip():
            event = Event(
                session_id,
                _ROLES[role],
                {"text": text},
                event_id=stable_id("chatgpt", source_id, node_id),
                timestamp=time,
                parent_id=parent_event,
            )
            if role == "assistant" and (message.get("metadata") or {}).get("model_slug"):
                event.payload["model"] = str(message["metadata"]["model_slug"])
            events.append(event)
            parent_event = event.event_id
        kept_as[node_id] = parent_event
        children = node.get("children") if isinstance(node.get("children"), list) else []
        waiting += [(str(c), parent_event, time) for c in reversed(children)]

    leaf = kept_as.get(str(conversation.get("current_node")))
    session = Session(
        session_id=session_id,
        start_time=start,
        updated_at=_from_unix(conversation.get("update_time")) or start,
        title=clean_title(str(conversation.get("title") or "")) or None,
        active_leaf=leaf or (events[-1].event_id if events else None),
    )
    return session, events


def _parts_text(parts: Any) -> str:
    if not isinstance(parts, list):
        return ""
    return "\n".join(part for part in parts if isinstance(part, str))


def _from_unix(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# -- Claude ------------------------------------------------------------------------------------
def _claude(conversation: dict[str, Any]) -> tuple[Session, list[Event]]:
    source_id = str(
        conversation.get("uuid") or f"{conversation.get('name')}@{conversation.get('created_at')}"
    )
    session_id = stable_id("claude", source_id)
    start = _from_iso(conversation.get("created_at")) or datetime.now(UTC)
    messages = [m for m in conversation.get("chat_messages") or [] if isinstance(m, dict)]
    ids = {str(m.get("uuid")) for m in messages}
    has_parents = any("parent_message_uuid" in m for m in messages)

    events: list[Event] = []
    by_source: dict[str, Event] = {}
    previous: str | None = None
    for index, message in enumerate(messages):
        source = str(message.get("uuid") or index)
        kind = _ROLES.get(str(message.get("sender")))
        text = message.get("text")
        if not isinstance(text, str):
            text = ""
        if not text.strip():
            text = "\n".join(
                str(part.get("text"))
                for part in message.get("content") or []
                if isinstance(part, dict)
                and part.get("type") == "text"
                and isinstance(part.get("text"), str)
            )
        if kind is None or not text.strip():
            continue
        if has_parents:
            parent_source = str(message.get("parent_message_uuid"))
            parent = stable_id("claude", source_id, parent_source) if parent_source in ids else None
        else:
            parent = previous
        event = Event(
            session_id,
            kind,
            {"text": text},
            event_id=stable_id("claude", source_id, source),
            timestamp=_from_iso(message.get("created_at")) or start,
            parent_id=parent,
        )
        events.append(event)
        by_source[source] = event
        previous = event.event_id
    # A parent that was skipped (no text, or neither human nor assistant): follow the one above.
    parent_of = {
        stable_id("claude", source_id, str(m.get("uuid"))): stable_id(
            "claude", source_id, str(m.get("parent_message_uuid"))
        )
        if str(m.get("parent_message_uuid")) in ids
        else None
        for m in messages
    }
    kept = {e.event_id for e in events}
    for event in events:
        hops = 0
        while event.parent_id is not None and event.parent_id not in kept and hops <= len(ids):
            event.parent_id = parent_of.get(event.parent_id)
            hops += 1
        if event.parent_id not in kept:
            event.parent_id = None
    events = _parents_first(events)

    leaf_source = conversation.get("current_leaf_message_uuid")
    leaf = by_source.get(str(leaf_source)) if leaf_source else None
    shown = leaf or (max(events, key=lambda e: e.timestamp) if events else None)
    session = Session(
        session_id=session_id,
        start_time=start,
        updated_at=_from_iso(conversation.get("updated_at")) or start,
        title=clean_title(str(conversation.get("name") or "")) or None,
        active_leaf=shown.event_id if shown else None,
    )
    return session, events


def _parents_first(events: list[Event]) -> list[Event]:
    """The same events, each after its parent; an event caught in a cycle (a damaged source)
    becomes a first message."""
    by_id = {e.event_id: e for e in events}
    children: dict[str | None, list[Event]] = {}
    for event in events:
        parent = event.parent_id if event.parent_id in by_id else None
        event.parent_id = parent
        children.setdefault(parent, []).append(event)
    ordered: list[Event] = []
    waiting = list(reversed(children.get(None, [])))
    while True:
        while waiting:
            event = waiting.pop()
            ordered.append(event)
            waiting += reversed(children.get(event.event_id, []))
        if len(ordered) == len(events):
            return ordered
        placed = {e.event_id for e in ordered}
        cut = next(e for e in events if e.event_id not in placed)
        children[cut.parent_id].remove(cut)
        cut.parent_id = None
        waiting.append(cut)


def _from_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
