"""Import: ChatGPT and Claude exports (small files written in their formats, in
tests/fixtures/imports) and our own JSON, into a real SQLite file, keeping branches, titles and
times; importing again adds nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from desktop_chat.core.chat import ChatService
from desktop_chat.core.importers import ImportRefused, parse_import, stable_id
from desktop_chat.models import EventType
from desktop_chat.store.sqlite import SQLiteStore
from tests.test_tree import ScriptedLLM

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


@pytest.fixture
def service(tmp_path: Path):
    store = SQLiteStore(tmp_path / "chat.db")
    yield ChatService(store, ScriptedLLM())
    asyncio.run(store.close())


def branch_texts(service: ChatService, session_id: str) -> list[str]:
    return [item.event.text for item in asyncio.run(service.active_branch(session_id))]


def test_a_chatgpt_export_keeps_its_tree_titles_and_times(service) -> None:
    text = (FIXTURES / "chatgpt-conversations.json").read_text(encoding="utf-8")
    report = asyncio.run(service.import_text(text))
    assert (report.sessions_added, report.events_added) == (2, 8)
    lisbon_id = stable_id("chatgpt", "6a1b0c2d-0000-4000-8000-00000000c0a1")
    lisbon = asyncio.run(service.store.get_session(lisbon_id))
    assert lisbon.title == "Lisbon trip"
    assert lisbon.start_time == datetime.fromtimestamp(1714550400.5, timezone.utc)
    assert lisbon.updated_at == datetime.fromtimestamp(1714554000.25, timezone.utc)

    # The shown branch is current_node's; hidden system / tool nodes and image parts are out.
    branch = asyncio.run(service.active_branch(lisbon_id))
    assert [i.event.text for i in branch] == [
        "Plan 2 days in Lisbon",
        "Day 1: Alfama.",
        "And day two, with food?",
        "Day 2: pastéis de nata.",
    ]
    assert [(i.version, i.versions) for i in branch] == [(1, 1), (2, 2), (2, 2), (1, 1)]
    assert branch[1].event.payload["model"] == "gpt-4o"
    assert branch[0].event.timestamp == datetime.fromtimestamp(1714550401.0, timezone.utc)
    # The other versions are reachable, as in ChatGPT.
    assert [
        i.event.text
        for i in asyncio.run(service.switch_version(lisbon_id, branch[1].event.event_id, -1))
    ] == ["Plan 2 days in Lisbon", "Day 1: Belém."]
    asyncio.run(service.select_version(lisbon_id, branch[1].event.event_id))
    edited = asyncio.run(service.switch_version(lisbon_id, branch[2].event.event_id, -1))
    assert [i.event.text for i in edited][-1] == "And day two?"  # it was under a tool node

    tea = stable_id("chatgpt", "6a1b0c2d-0000-4000-8000-00000000c0a2")
    assert branch_texts(service, tea) == ["Green or black?", "Green."]


def test_a_claude_export_with_and_without_parent_ids(service) -> None:
    text = (FIXTURES / "claude-conversations.json").read_text(encoding="utf-8")
    report = asyncio.run(service.import_text(text))
    assert (report.sessions_added, report.events_added) == (2, 6)
    sourdough = stable_id("claude", "c1a0de00-0000-4000-8000-000000000001")
    session = asyncio.run(service.store.get_session(sourdough))
    assert session.title == "Sourdough"
    assert session.start_time == datetime(2024, 5, 2, 9, 0, tzinfo=timezone.utc)
    branch = asyncio.run(service.active_branch(sourdough))
    assert [i.event.text for i in branch] == [
        "How do I feed a starter?",
        "Equal parts flour and water, daily.",
        "While I travel for two weeks?",
    ]
    assert branch[0].event.parent_id is None  # Claude's all-zero root is not a message
    assert (branch[2].version, branch[2].versions) == (2, 2)
    assert [e.type for e in (i.event for i in branch)] == [
        EventType.USER_MESSAGE,
        EventType.AI_RESPONSE,
        EventType.USER_MESSAGE,
    ]

    haiku = stable_id("claude", "c1a0de00-0000-4000-8000-000000000002")
    assert branch_texts(service, haiku) == ["A haiku about rain", "Soft rain on the roof"]


def test_importing_again_adds_no_duplicates_and_a_longer_export_adds_only_the_new(service) -> None:
    text = (FIXTURES / "claude-conversations.json").read_text(encoding="utf-8")
    asyncio.run(service.import_text(text))
    again = asyncio.run(service.import_text(text))
    assert (again.sessions_added, again.events_added) == (0, 0)
    assert "Nothing new" in again.text
    conversations = json.loads(text)
    conversations[1]["chat_messages"].append(
        {
            "uuid": "h3",
            "sender": "human",
            "text": "Another",
            "created_at": "2024-05-03T12:04:00+00:00",
        }
    )
    later = asyncio.run(service.import_text(json.dumps(conversations)))
    assert (later.sessions_added, later.events_added) == (0, 1)
    haiku = stable_id("claude", "c1a0de00-0000-4000-8000-000000000002")
    assert len(asyncio.run(service.store.events(haiku))) == 3
    assert len(asyncio.run(service.store.list_sessions())) == 2


def test_our_json_round_trips_the_tree_through_import(service, tmp_path: Path) -> None:
    async def scenario():
        llm = service.llm
        llm.replies += [["one"], ["two"], ["three"]]
        sid = (await service.new_session()).session_id
        await service.send(sid, "q", lambda _: None)
        await service.regenerate(sid, lambda _: None)
        await service.send(sid, "more", lambda _: None)
        exported = await service.export_text(sid, "json")
        before = await service.active_branch(sid)
        other = SQLiteStore(tmp_path / "other.db")
        try:
            elsewhere = ChatService(other, llm)
            report = await elsewhere.import_text(exported)
            assert (report.sessions_added, report.events_added) == (1, 5)
            after = await elsewhere.active_branch(sid)
            assert [(i.event, i.version, i.versions) for i in after] == [
                (i.event, i.version, i.versions) for i in before
            ]
            assert await other.events(sid) == await service.store.events(sid)
            assert (await elsewhere.import_text(exported)).events_added == 0
        finally:
            await other.close()

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "text, words",
    [
        ("not json", "not JSON"),
        ('{"some": "object"}', "expected a Desktop Chat export"),
        ('[{"title": "neither"}]', "neither 'mapping'"),
        ('[{"mapping": []}]', "'mapping' is not an object"),
        ('{"format": "desktop-chat/2", "session": {}, "events": []}', "damaged"),
    ],
)
def test_what_cannot_be_read_is_refused_in_plain_words(text: str, words: str) -> None:
    with pytest.raises(ImportRefused, match=words):
        parse_import(text)


def test_a_cycle_in_a_damaged_source_does_not_hang_the_import() -> None:
    conversation = {
        "uuid": "c",
        "name": "loop",
        "created_at": "2024-01-01T00:00:00Z",
        "chat_messages": [
            {"uuid": "a", "sender": "human", "text": "a", "parent_message_uuid": "b"},
            {"uuid": "b", "sender": "assistant", "text": "b", "parent_message_uuid": "a"},
        ],
    }
    [(_, events)] = parse_import(json.dumps([conversation]))
    assert len(events) == 2 and sum(e.parent_id is None for e in events) == 1
