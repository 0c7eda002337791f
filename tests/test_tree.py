"""A session is a tree: the ChatService flows on a real SQLite file, with a scripted model.

`ScriptedLLM` implements desktop_chat/llm/base.py's LLMClient: each request takes the next
scripted reply (a list of pieces, possibly ending in an LLMError, or HANG to stream until
cancelled) and records the messages it was sent, so each test can check both what the tree
holds and what the next request remembers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from desktop_chat.core.chat import ChatService, ChatSettings, MessageRejected
from desktop_chat.llm.base import ChatMessage, LLMError, LLMErrorKind, StreamResult
from desktop_chat.models import Event, EventType
from desktop_chat.store.sqlite import SQLiteStore

HANG = object()  # a scripted piece: stream nothing more until cancelled


class ScriptedLLM:
    model = "scripted-model"
    temperature = 0.7

    def __init__(self, *replies):
        self.replies = list(replies)
        self.requests: list[list[ChatMessage]] = []
        self.hanging = asyncio.Event()

    async def stream(self, messages, result: StreamResult):
        self.requests.append(list(messages))
        script = self.replies.pop(0)
        for piece in script:
            if piece is HANG:
                self.hanging.set()
                await asyncio.Event().wait()
            if isinstance(piece, LLMError):
                raise piece
            yield piece
        result.model = self.model

    async def complete(self, messages, max_tokens: int = 512) -> str:
        self.requests.append(list(messages))
        return "A summary."

    async def models(self) -> list[str]:
        return [self.model]

    async def close(self) -> None:
        pass

    def sent(self, index: int = -1) -> list[tuple[str, str]]:
        return [(m.role, m.content) for m in self.requests[index]]


def dropped() -> LLMError:
    return LLMError(LLMErrorKind.CONNECTION, "The connection to Groq was lost.")


@pytest.fixture
def world(tmp_path: Path):
    """A service on a real SQLite file; `reopen()` starts a fresh store and service on it."""

    class World:
        def __init__(self):
            self.store = SQLiteStore(tmp_path / "chat.db")
            self.llm = ScriptedLLM()
            self.service = ChatService(self.store, self.llm, ChatSettings(persist_interval=0.01))

        def script(self, *replies) -> ScriptedLLM:
            self.llm.replies += list(replies)
            return self.llm

        async def reopen(self) -> None:
            await self.store.close()
            self.store = SQLiteStore(tmp_path / "chat.db")
            self.service = ChatService(self.store, self.llm, ChatSettings())

        async def texts(self, session_id: str) -> list[str]:
            return [item.event.text for item in await self.service.active_branch(session_id)]

        async def send(self, session_id: str, text: str, *pieces: str):
            self.script(list(pieces) or [f"re: {text}"])
            outcome = await self.service.send(session_id, text, lambda _: None)
            assert outcome.ok
            return outcome

    w = World()
    yield w
    asyncio.run(w.store.close())


def test_messages_form_a_chain_and_the_leaf_survives_a_restart(world) -> None:
    async def scenario():
        session = await world.service.new_session()
        first = await world.send(session.session_id, "one")
        second = await world.send(session.session_id, "two")
        assert first.user_event.parent_id is None
        assert first.reply_event.parent_id == first.user_event.event_id
        assert second.user_event.parent_id == first.reply_event.event_id
        await world.reopen()
        stored = await world.store.get_session(session.session_id)
        assert stored.active_leaf == second.reply_event.event_id
        assert await world.texts(session.session_id) == ["one", "re: one", "two", "re: two"]
        assert [
            (i.version, i.versions) for i in await world.service.active_branch(session.session_id)
        ] == [(1, 1)] * 4

    asyncio.run(scenario())


def test_regenerate_makes_a_sibling_that_replaces_the_reply_and_the_memory(world) -> None:
    async def scenario():
        session = await world.service.new_session()
        sid = session.session_id
        await world.send(sid, "name a colour", "red")
        world.script(["blue"])
        outcome = await world.service.regenerate(sid, lambda _: None)
        assert outcome.ok and outcome.reply_event.text == "blue"
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == ["name a colour", "blue"]
        assert (branch[1].version, branch[1].versions) == (2, 2)
        # Regenerating sends the same history, without the reply being replaced.
        assert world.llm.sent() == world.llm.sent(0)
        await world.send(sid, "and another?", "green")
        assert ("assistant", "blue") in world.llm.sent() and (
            "assistant",
            "red",
        ) not in world.llm.sent()

        # Back to version 1: shown, and remembered by the next request.
        branch = await world.service.switch_version(sid, branch[1].event.event_id, -1)
        assert [i.event.text for i in branch] == ["name a colour", "red"]
        assert (branch[1].version, branch[1].versions) == (1, 2)
        await world.send(sid, "why?", "because")
        assert ("assistant", "red") in world.llm.sent()
        assert ("assistant", "blue") not in world.llm.sent()
        assert all(text != "and another?" for _, text in world.llm.sent())

    asyncio.run(scenario())


def test_switching_goes_to_the_newest_leaf_under_the_version(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.send(sid, "q", "a")
        await world.send(sid, "left", "l1")
        await world.send(sid, "left again", "l2")
        left = (await world.service.active_branch(sid))[2].event
        world.script(["r1"])
        await world.service.edit(sid, left.event_id, "right", lambda _: None)
        await world.send(sid, "right again", "r2")
        right = (await world.service.active_branch(sid))[2].event

        branch = await world.service.switch_version(sid, right.event_id, -1)
        assert [i.event.text for i in branch] == ["q", "a", "left", "l1", "left again", "l2"]
        branch = await world.service.switch_version(sid, left.event_id, +1)
        assert [i.event.text for i in branch] == ["q", "a", "right", "r1", "right again", "r2"]
        # Past the last version nothing moves.
        assert await world.service.switch_version(sid, right.event_id, +1) == branch
        await world.reopen()
        assert await world.texts(sid) == ["q", "a", "right", "r1", "right again", "r2"]

    asyncio.run(scenario())


def test_retry_after_a_stop_or_error_leaves_only_the_new_reply_on_the_branch(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        world.script(["Day 1: ", "Bel", dropped()])
        outcome = await world.service.send(sid, "plan a trip", lambda _: None)
        assert not outcome.ok and outcome.reply_event.interrupted
        assert await world.texts(sid) == ["plan a trip", "Day 1: Bel"]

        world.script(["Day 1: ", HANG])
        task = asyncio.ensure_future(world.service.retry(sid, lambda _: None))
        await world.llm.hanging.wait()
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == ["plan a trip", "Day 1: "]
        assert branch[1].event.payload["error"] == "Stopped." and branch[1].versions == 2

        world.script(["Day 1: Belém."])
        outcome = await world.service.retry(sid, lambda _: None)
        assert outcome.ok
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == ["plan a trip", "Day 1: Belém."]
        assert (branch[1].version, branch[1].versions) == (3, 3)
        assert not branch[1].event.interrupted
        # Every try is kept, as a version; none sits on the branch above the new reply.
        replies = await world.store.children(sid, branch[0].event.event_id)
        assert [e.text for e in replies] == ["Day 1: Bel", "Day 1: ", "Day 1: Belém."]

    asyncio.run(scenario())


def test_editing_a_middle_message_branches_and_keeps_the_old_branch(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.send(sid, "I live in Porto", "Nice city.")
        await world.send(sid, "Suggest a museum", "Serralves.")
        await world.send(sid, "And food?", "Francesinha.")
        old = await world.service.active_branch(sid)
        edited = old[2].event  # "Suggest a museum"

        world.script(["The Gulbenkian."])
        outcome = await world.service.edit(
            sid, edited.event_id, "Suggest a museum in Lisbon", lambda _: None
        )
        assert outcome.ok and outcome.user_event.parent_id == edited.parent_id
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == [
            "I live in Porto",
            "Nice city.",
            "Suggest a museum in Lisbon",
            "The Gulbenkian.",
        ]
        assert (branch[2].version, branch[2].versions) == (2, 2)
        # The request remembered what was above the edited message, nothing of the old branch.
        assert world.llm.sent()[1:] == [
            ("user", "I live in Porto"),
            ("assistant", "Nice city."),
            ("user", "Suggest a museum in Lisbon"),
        ]

        # The old branch is reachable by its version, down to its last message.
        branch = await world.service.switch_version(sid, branch[2].event.event_id, -1)
        assert [i.event.text for i in branch] == [i.event.text for i in old]
        with pytest.raises(MessageRejected):
            await world.service.edit(sid, branch[1].event.event_id, "x", lambda _: None)

    asyncio.run(scenario())


def test_editing_the_first_message_makes_a_second_root(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.send(sid, "helo", "Hello!")
        first = (await world.service.active_branch(sid))[0].event
        world.script(["Hi there."])
        await world.service.edit(sid, first.event_id, "hello", lambda _: None)
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == ["hello", "Hi there."]
        assert branch[0].event.parent_id is None and (branch[0].version, branch[0].versions) == (
            2,
            2,
        )
        assert world.llm.sent()[1:] == [("user", "hello")]

    asyncio.run(scenario())


def test_continue_sends_the_partial_reply_and_appends_to_it(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        world.script(["Step 1: mix. ", "Step 2: ", dropped()])
        outcome = await world.service.send(sid, "how to bake bread", lambda _: None)
        cut = outcome.reply_event
        pieces: list[str] = []
        world.script(["bake.", " Done."])
        outcome = await world.service.continue_reply(sid, pieces.append)
        assert outcome.ok and outcome.reply_event.event_id == cut.event_id
        assert pieces == ["bake.", " Done."]
        # The model was shown where it stopped, as its own turn, last.
        assert world.llm.sent()[-2:] == [
            ("user", "how to bake bread"),
            ("assistant", "Step 1: mix. Step 2: "),
        ]
        await world.reopen()
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == [
            "how to bake bread",
            "Step 1: mix. Step 2: bake. Done.",
        ]
        assert not branch[1].event.interrupted and branch[1].versions == 1

    asyncio.run(scenario())


def test_a_continuation_that_fails_keeps_what_came_and_says_why(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        world.script(["Once ", dropped()])
        await world.service.send(sid, "story", lambda _: None)
        world.script([dropped()])  # nothing at all: the reply stays as it was
        outcome = await world.service.continue_reply(sid, lambda _: None)
        assert not outcome.ok
        assert (await world.texts(sid))[-1] == "Once "
        world.script(["upon ", dropped()])
        await world.service.continue_reply(sid, lambda _: None)
        reply = (await world.service.active_branch(sid))[-1].event
        assert reply.text == "Once upon " and reply.payload["error"] == dropped().message

    asyncio.run(scenario())


def test_branch_to_a_new_session_copies_the_path_and_links_back(world) -> None:
    async def scenario():
        session = await world.service.new_session()
        sid = session.session_id
        await world.store.update_session(sid, title="Trip")
        await world.service.set_session_prompt(sid, "Be brief.")
        await world.send(sid, "one", "r1")
        await world.send(sid, "two", "r2")
        await world.send(sid, "three", "r3")
        at = (await world.service.active_branch(sid))[3].event  # "r2"
        branch = await world.service.branch_session(sid, at.event_id)
        assert branch.session_id != sid and branch.branched_from == at.event_id
        assert branch.title == "Trip (branch)" and branch.system_prompt == "Be brief."
        copied = await world.service.active_branch(branch.session_id)
        assert [i.event.text for i in copied] == ["one", "r1", "two", "r2"]
        assert not {i.event.event_id for i in copied} & {
            i.event.event_id for i in await world.service.active_branch(sid)
        }
        assert await world.texts(sid) == ["one", "r1", "two", "r2", "three", "r3"]
        # Going on in the branch remembers the copied path, under its own prompt.
        await world.send(branch.session_id, "four", "r4")
        assert world.llm.sent()[0] == ("system", "Be brief.")
        assert world.llm.sent()[-3:] == [("user", "two"), ("assistant", "r2"), ("user", "four")]

    asyncio.run(scenario())


def test_delete_hides_a_message_and_what_follows_and_undo_brings_it_back(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.send(sid, "q", "first")
        world.script(["second"])
        await world.service.regenerate(sid, lambda _: None)
        await world.send(sid, "more", "more answer")
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == ["q", "second", "more", "more answer"]

        undo = await world.service.delete_message(sid, branch[1].event.event_id)
        branch = await world.service.active_branch(sid)
        assert [i.event.text for i in branch] == ["q", "first"]  # the version before it
        assert (branch[1].version, branch[1].versions) == (1, 1)
        assert await world.store.search("more") == []
        assert "more" not in await world.service.export_text(sid, "md")
        await world.send(sid, "next", "ok")
        assert ("assistant", "second") not in world.llm.sent()

        branch = await world.service.undo_delete(undo)
        assert [i.event.text for i in branch] == ["q", "second", "more", "more answer"]
        assert branch[1].versions == 2

        # Deleting the only version of the first message empties the transcript.
        await world.service.delete_message(sid, branch[0].event.event_id)
        assert await world.service.active_branch(sid) == []

    asyncio.run(scenario())


def test_a_per_session_prompt_is_sent_after_a_restart(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        other = (await world.service.new_session()).session_id
        await world.service.set_session_prompt(sid, "Answer like a pirate.")
        await world.reopen()
        # The store is what counts: sent even before Settings' copy is loaded.
        await world.send(sid, "hello")
        assert world.llm.sent()[0] == ("system", "Answer like a pirate.")
        await world.service.load_session_prompts()
        assert world.service.settings.session_prompts == {sid: "Answer like a pirate."}
        await world.send(other, "hello")
        assert world.llm.sent()[0] == ("system", world.service.settings.system_prompt)
        await world.service.set_session_prompt(sid, "  ")
        await world.send(sid, "again")
        assert world.llm.sent()[0] == ("system", world.service.settings.system_prompt)

    asyncio.run(scenario())


def test_prompts_kept_by_an_older_version_move_into_the_store(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.service.load_session_prompts({sid: "Old prompt.", "gone": "x"})
        await world.reopen()
        assert (await world.store.get_session(sid)).system_prompt == "Old prompt."

    asyncio.run(scenario())


def test_end_session_summarizes_the_active_branch_only(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.send(sid, "q", "old reply")
        world.script(["new reply"])
        await world.service.regenerate(sid, lambda _: None)
        summary = await world.service.end_session(sid)
        text = world.llm.sent()[-1][1]
        assert "new reply" in text and "old reply" not in text
        assert (await world.service.active_branch(sid))[-1].event.event_id == summary.event_id
        # A message after the summary still remembers the branch.
        await world.send(sid, "go on", "ok")
        assert ("assistant", "new reply") in world.llm.sent()

    asyncio.run(scenario())


def test_json_export_keeps_the_tree_and_markdown_the_branch(world) -> None:
    from desktop_chat.core.export import parse_json_export

    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.send(sid, "q", "version one")
        world.script(["version two"])
        await world.service.regenerate(sid, lambda _: None)
        markdown = await world.service.export_text(sid, "md")
        assert "version two" in markdown and "version one" not in markdown
        session, events = parse_json_export(await world.service.export_text(sid, "json"))
        assert sorted(e.text for e in events) == ["q", "version one", "version two"]
        assert session.active_leaf == (await world.service.active_branch(sid))[-1].event.event_id
        assert {e.parent_id for e in events if e.type == EventType.AI_RESPONSE} == {
            next(e.event_id for e in events if e.type == EventType.USER_MESSAGE)
        }

    asyncio.run(scenario())


def test_flows_refuse_events_of_another_session(world) -> None:
    async def scenario():
        a = (await world.service.new_session()).session_id
        b = (await world.service.new_session()).session_id
        outcome = await world.send(a, "in a")
        with pytest.raises(MessageRejected):
            await world.service.edit(b, outcome.user_event.event_id, "x", lambda _: None)
        with pytest.raises(MessageRejected):
            await world.service.select_version(b, outcome.reply_event.event_id)
        with pytest.raises(MessageRejected):
            await world.service.delete_message(b, outcome.reply_event.event_id)
        assert await world.texts(a) == ["in a", "re: in a"]

    asyncio.run(scenario())


def test_an_event_written_without_a_parent_by_an_older_app_still_shows(world) -> None:
    async def scenario():
        sid = (await world.service.new_session()).session_id
        await world.store.add_event(Event(sid, EventType.USER_MESSAGE, {"text": "flat"}))
        assert await world.texts(sid) == ["flat"]  # no active leaf: the newest event

    asyncio.run(scenario())


def test_continue_in_a_session_upgraded_from_the_flat_layout(world) -> None:
    async def scenario():
        # As migration 5 leaves a retried reply: user -> failed reply -> retried reply.
        sid = (await world.service.new_session()).session_id
        user = Event(sid, EventType.USER_MESSAGE, {"text": "count"})
        failed = Event(
            sid, EventType.AI_RESPONSE, {"text": "1,", "interrupted": True}, parent_id=user.event_id
        )
        retried = Event(
            sid,
            EventType.AI_RESPONSE,
            {"text": "1, 2,", "interrupted": True},
            parent_id=failed.event_id,
        )
        for event in (user, failed, retried):
            await world.store.add_event(event, activate=True)
        world.script([" 3."])
        outcome = await world.service.continue_reply(sid, lambda _: None)
        assert outcome.ok and outcome.reply_event.text == "1, 2, 3."
        assert world.llm.sent()[1:] == [("user", "count"), ("assistant", "1, 2,")]

    asyncio.run(scenario())
