"""What the window asks of the chat service instead of reaching into the store or the client:
the session list, rename / delete / restore, search, and the client (key, model, temperature).

No window here: a real SQLite file and the scripted model of test_tree.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from desktop_chat.core.chat import ChatService, ChatSettings, MessageRejected
from desktop_chat.llm.base import LLMError
from tests.test_tree import ScriptedLLM


@pytest.fixture
def service(tmp_path: Path):
    from desktop_chat.store.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "chat.db")
    chat = ChatService(store, ScriptedLLM(), ChatSettings(persist_interval=0.01))
    yield chat
    asyncio.run(store.close())


async def _chat(service: ChatService, text: str) -> str:
    session = await service.new_session()
    service.llm.replies.append([f"re: {text}"])
    await service.send(session.session_id, text, lambda _: None)
    return session.session_id


def test_rename_cleans_the_title_and_refuses_an_empty_one(service) -> None:
    async def scenario():
        sid = await _chat(service, "hello")
        assert await service.rename_session(sid, "  New\u202e name\n") == "New name"
        assert (await service.session(sid)).title == "New name"
        with pytest.raises(MessageRejected, match="needs a name"):
            await service.rename_session(sid, " \u200b ")
        assert (await service.session(sid)).title == "New name"

    asyncio.run(scenario())


def test_delete_leaves_a_tombstone_that_restore_lifts(service) -> None:
    async def scenario():
        kept, gone = await _chat(service, "kept"), await _chat(service, "gone")
        await service.delete_session(gone)
        assert [s.session_id for s in await service.list_sessions(limit=10)] == [kept]
        assert await service.session(gone) is None  # what reopening at start asks
        assert (await service.store.get_session(gone)).deleted_at is not None  # the row stays
        await service.restore_session(gone)
        listed = {s.session_id for s in await service.list_sessions(limit=10)}
        assert listed == {kept, gone}
        assert [hit.session_id for hit in await service.search("gone")] == [gone]

    asyncio.run(scenario())


def test_a_new_client_keeps_the_chosen_model_and_temperature(service) -> None:
    async def scenario():
        assert service.has_llm and service.model == "scripted-model"
        service.apply_choices("chosen-model", 0.2)
        assert (service.llm.model, service.llm.temperature) == ("chosen-model", 0.2)
        old = service.llm
        fresh = ScriptedLLM()
        assert service.use_llm(fresh) is old  # handed back for the caller to close
        assert (fresh.model, fresh.temperature) == ("chosen-model", 0.2)
        assert service.model == "chosen-model"
        assert await service.list_models() == ["chosen-model"]
        fresh.replies.append(["ok"])
        sid = (await service.new_session()).session_id
        outcome = await service.send(sid, "hi", lambda _: None)
        assert outcome.reply_event.payload["model"] == "chosen-model"

    asyncio.run(scenario())


def test_without_a_key_there_is_no_model_and_listing_says_why(tmp_path: Path) -> None:
    from desktop_chat.store.sqlite import SQLiteStore

    async def scenario():
        store = SQLiteStore(tmp_path / "chat.db")
        service = ChatService(store, None)
        assert not service.has_llm and service.model is None
        service.apply_choices("kept-for-later", 0.5)  # no client yet: nothing to set
        with pytest.raises(LLMError, match="API key"):
            await service.list_models()
        assert service.use_llm(ScriptedLLM()) is None
        assert service.model == "kept-for-later" and service.llm.temperature == 0.5
        await store.close()

    asyncio.run(scenario())


def test_a_branch_knows_where_it_came_from_until_the_original_goes(service) -> None:
    async def scenario():
        sid = await _chat(service, "first")
        service.llm.replies.append(["re: second"])
        await service.send(sid, "second", lambda _: None)
        first_reply = (await service.active_branch(sid))[1].event
        assert await service.branch_origin(sid) is None  # not a branch
        branch = await service.branch_session(sid, first_reply.event_id)
        origin = await service.branch_origin(branch.session_id)
        assert (origin.session_id, origin.event_id) == (sid, first_reply.event_id)
        assert origin.title == (await service.session(sid)).display_title
        await service.rename_session(sid, "Renamed original")
        assert (await service.branch_origin(branch.session_id)).title == "Renamed original"
        # The message branched at deleted: a note, not a link to nowhere.
        deleted = await service.delete_message(sid, first_reply.event_id)
        gone = await service.branch_origin(branch.session_id)
        assert gone.session_id is None and gone.title is None
        await service.undo_delete(deleted)
        # The original session deleted: the same.
        await service.delete_session(sid)
        assert (await service.branch_origin(branch.session_id)).session_id is None
        await service.restore_session(sid)
        assert (await service.branch_origin(branch.session_id)).session_id == sid

    asyncio.run(scenario())


def test_opening_at_a_message_shows_its_version_only_when_it_is_hidden(service) -> None:
    async def scenario():
        sid = await _chat(service, "question")
        first = (await service.active_branch(sid))[1].event
        service.llm.replies.append(["another answer"])
        await service.regenerate(sid, lambda _: None)
        shown = [i.event.text for i in await service.active_branch(sid)]
        assert shown == ["question", "another answer"]
        branch = await service.open_at(sid, first.event_id)  # the hidden first version
        assert [i.event.text for i in branch] == ["question", "re: question"]
        leaf = await service.active_leaf(sid)
        assert [i.event.text for i in await service.open_at(sid, branch[0].event.event_id)] == [
            "question",
            "re: question",
        ]
        assert await service.active_leaf(sid) == leaf  # already shown: nothing moved

    asyncio.run(scenario())
