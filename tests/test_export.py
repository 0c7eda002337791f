"""Export: JSON that restores a session exactly (through a real SQLite file), readable Markdown."""

from __future__ import annotations

import asyncio
import json
from dataclasses import fields
from datetime import UTC, timedelta, timezone
from pathlib import Path

import pytest

from desktop_chat.core.export import export_json, export_markdown, parse_json_export
from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.store.sqlite import SQLiteStore

MARKDOWN_REPLY = (
    "## Plan\n\n- **bold** item with `code`\n- [link](https://example.com) *and* _more_\n\n"
    "```python\ndef f(x):\n    return x * 2  # <not html>\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"
)
TEXTS = [
    (EventType.USER_MESSAGE, {"text": "Hello 👋🏽 family: 👨‍👩‍👧‍👦, flags 🇵🇹"}),
    (
        EventType.AI_RESPONSE,
        {
            "text": MARKDOWN_REPLY,
            "model": "llama-3.1-8b-instant",
            "usage": {"prompt_tokens": 12, "completion_tokens": 40},
        },
    ),
    (EventType.USER_MESSAGE, {"text": "مرحبا بالعالم — שלום עולם (RTL) mixed with LTR"}),
    (EventType.AI_RESPONSE, {"text": "Null here:\x00 and after; tab\tand\r\nCRLF \u202e reversed"}),
    (EventType.SUMMARY, {"text": "The user said hello.\n\nThey asked about *RTL* text."}),
    (EventType.USER_MESSAGE, {"text": "# not a heading of ours\n> nor a quote\n**You**"}),
    (
        EventType.AI_RESPONSE,
        {
            "text": "Partial answer that stopped mid-",
            "model": "m",
            "interrupted": True,
            "error": "The connection dropped.",
        },
    ),
]


def stored_session(path: Path) -> tuple[Session, list[Event]]:
    """A session written to and read back from a real SQLite file, as the app would export it."""
    store = SQLiteStore(path)
    try:
        start = utc_now() - timedelta(hours=2)
        session = Session(start_time=start, title="Trip to Lisbon ✈️ — رحلة")
        asyncio.run(store.create_session(session))
        for offset, (kind, payload) in enumerate(TEXTS):
            asyncio.run(
                store.add_event(
                    Event(
                        session.session_id,
                        kind,
                        payload,
                        timestamp=start + timedelta(seconds=offset, microseconds=offset),
                    )
                )
            )
        asyncio.run(
            store.update_session(
                session.session_id,
                summary=TEXTS[4][1]["text"],
                end_time=start + timedelta(minutes=30),
            )
        )
        stored = asyncio.run(store.get_session(session.session_id))
        events = asyncio.run(store.events(session.session_id))
    finally:
        asyncio.run(store.close())
    assert stored is not None and len(events) == len(TEXTS)
    return stored, events


def test_json_round_trip_restores_session_and_events_exactly(tmp_path: Path) -> None:
    session, events = stored_session(tmp_path / "chat.db")
    text = export_json(session, events)
    document = json.loads(text)
    assert document["format"] == "desktop-chat/2"
    assert set(document["session"]) == {f.name for f in fields(Session)}
    assert set(document["events"][0]) == {
        "event_id",
        "session_id",
        "type",
        "timestamp",
        "payload",
        "parent_id",
    }

    restored, restored_events = parse_json_export(text)
    for f in fields(Session):
        assert getattr(restored, f.name) == getattr(session, f.name), f.name
    for moment in (restored.start_time, restored.end_time, restored.updated_at):
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
    assert restored.deleted_at is None

    assert len(restored_events) == len(events)
    for original, copy in zip(events, restored_events, strict=True):
        for f in fields(Event):
            assert getattr(copy, f.name) == getattr(original, f.name), f.name
        assert type(copy.type) is EventType
        assert copy.timestamp.tzinfo is not None and copy.timestamp.utcoffset() == timedelta(0)
    assert [e.text for e in restored_events] == [p["text"] for _, p in TEXTS]
    assert restored_events[-1].interrupted


def test_restored_export_can_be_stored_again(tmp_path: Path) -> None:
    session, events = stored_session(tmp_path / "one.db")
    restored, restored_events = parse_json_export(export_json(session, events))
    store = SQLiteStore(tmp_path / "two.db")
    try:
        asyncio.run(store.create_session(restored))
        for event in restored_events:
            asyncio.run(store.add_event(event))
        assert asyncio.run(store.events(session.session_id)) == events
    finally:
        asyncio.run(store.close())


def test_json_keeps_timezones_and_deleted_sessions() -> None:
    moment = utc_now().astimezone(timezone(timedelta(hours=5, minutes=30)))
    session = Session(start_time=moment, updated_at=moment, deleted_at=moment, title=None)
    restored, events = parse_json_export(export_json(session, []))
    assert events == []
    assert restored.deleted_at == moment and restored.deleted_at.tzinfo == UTC
    assert restored.title is None and restored.end_time is None


def test_json_with_a_lone_surrogate_is_still_utf8_and_round_trips() -> None:
    session = Session(title="broken paste")
    event = Event(session.session_id, EventType.USER_MESSAGE, {"text": "bad \ud800 char"})
    text = export_json(session, [event])
    text.encode("utf-8")
    assert parse_json_export(text)[1] == [event]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{}",
        "[]",
        '{"format": "other/1"}',
        "not json",
        '{"format": "desktop-chat/1", "session": {}, "events": []}',
    ],
)
def test_parse_refuses_what_is_not_an_export(text: str) -> None:
    with pytest.raises(ValueError):
        parse_json_export(text)


def test_markdown_has_title_date_speakers_and_every_text_verbatim(tmp_path: Path) -> None:
    session, events = stored_session(tmp_path / "chat.db")
    markdown = export_markdown(session, events)
    assert markdown.startswith("# Trip to Lisbon ✈️ — رحلة\n")
    assert session.start_time.strftime("%Y-%m-%d") in markdown
    for kind, payload in TEXTS:
        if kind == EventType.SUMMARY:
            for line in payload["text"].splitlines():
                assert (f"> {line}" if line else ">") in markdown
        else:
            assert payload["text"] in markdown
    # Each speaker is a paragraph of its own; the user's own "**You**" line is part of a message.
    assert markdown.count("\n\n**You**\n\n") == 3
    assert markdown.count("\n\n**Assistant**\n\n") == 3
    assert "> **Summary**" in markdown
    assert "*Interrupted: The connection dropped.*" in markdown
    # The session summary equals the summary event's: shown once, not twice.
    assert markdown.count("> **Summary**") == 1


def test_markdown_of_an_untitled_session_and_no_events() -> None:
    session = Session(summary="Earlier: talked about tea.")
    markdown = export_markdown(session, [])
    assert markdown.startswith("# New chat\n")
    assert "> Earlier: talked about tea." in markdown


def test_exports_never_carry_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "x" * 52)
    session = Session(title="t")
    events = [Event(session.session_id, EventType.USER_MESSAGE, {"text": "hi"})]
    for text in (export_json(session, events), export_markdown(session, events)):
        assert "gsk_" not in text and "api_key" not in text.lower()
