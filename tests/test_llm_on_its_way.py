"""The client on its way (ChatService.expect_llm): app.py reads the keychain's key after the
first paint, and a message sent before it is known waits for it instead of being refused.

Real parts: a SQLite file, the loopback Groq server through the real groq client."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from desktop_chat.core.chat import ChatService, ChatSettings
from desktop_chat.llm.base import LLMError, LLMErrorKind
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.models import EventType
from desktop_chat.store.sqlite import SQLiteStore
from tests.support.groq_server import FakeGroqServer


def test_a_message_sent_while_the_key_is_read_waits_and_is_answered(
    groq_server: FakeGroqServer, tmp_path: Path
) -> None:
    async def scenario():
        store = SQLiteStore(tmp_path / "chat.db")
        service = ChatService(store, None, ChatSettings(model="llama-3.3-70b-versatile"))
        service.expect_llm()
        assert service.has_llm and service.model == "llama-3.3-70b-versatile"
        session = await service.new_session()
        pieces: list[str] = []
        sending = asyncio.ensure_future(service.send(session.session_id, "hello", pieces.append))
        await asyncio.sleep(0.2)
        assert not sending.done() and groq_server.requests == []  # waiting for the key
        llm = GroqClient(groq_server.api_key, base_url=groq_server.base_url)
        service.llm_came(llm)
        outcome = await asyncio.wait_for(sending, 20)
        assert (
            service.llm is llm and llm.model == "llama-3.3-70b-versatile"
        )  # the choice carried over
        await llm.close()
        events = await store.events(session.session_id)
        await store.close()
        return outcome, "".join(pieces), events

    outcome, shown, events = asyncio.run(scenario())
    assert outcome.ok and shown == groq_server.reply_text
    assert [e.type for e in events] == [EventType.USER_MESSAGE, EventType.AI_RESPONSE]
    assert groq_server.requests[0]["model"] == "llama-3.3-70b-versatile"


def test_no_key_in_the_keychain_tells_the_waiting_message_to_add_one(tmp_path: Path) -> None:
    async def scenario():
        store = SQLiteStore(tmp_path / "chat.db")
        service = ChatService(store, None, ChatSettings(model="m"))
        service.expect_llm()
        session = await service.new_session()
        sending = asyncio.ensure_future(service.send(session.session_id, "hello", print))
        await asyncio.sleep(0)
        service.llm_came(None)
        with pytest.raises(LLMError) as failure:
            await asyncio.wait_for(sending, 5)
        state = (service.has_llm, service.model)
        events = await store.events(session.session_id)
        await store.close()
        return failure.value, state, events

    failure, (has_llm, model), events = asyncio.run(scenario())
    assert failure.kind is LLMErrorKind.AUTH and "API key" in str(failure)
    assert (has_llm, model) == (False, None)
    assert events == []  # nothing stored: the composer keeps the text


def test_a_key_typed_meanwhile_stays(groq_server: FakeGroqServer, tmp_path: Path) -> None:
    async def scenario():
        service = ChatService(SQLiteStore(tmp_path / "chat.db"), None, ChatSettings())
        service.expect_llm()
        typed = GroqClient(groq_server.api_key, base_url=groq_server.base_url)
        service.use_llm(typed)
        service.llm_came(GroqClient("gsk_" + "k" * 40, base_url=groq_server.base_url))
        await service.llm_known()
        return service.llm is typed

    assert asyncio.run(scenario())
