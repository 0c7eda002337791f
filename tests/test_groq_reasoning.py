"""Reasoning, web search, usage and rate limits: the real groq client against the loopback
server (tests/support/groq_extras.py), then the chat service storing what came."""

from __future__ import annotations

import asyncio
import base64
import json
from contextlib import aclosing
from pathlib import Path

import pytest

from desktop_chat.core.chat import ChatService, ChatSettings
from desktop_chat.core.prices import PRICES, UsageTotals, format_cost, reply_cost
from desktop_chat.llm.base import ChatMessage, LLMError, LLMErrorKind, ReasoningPiece, StreamResult
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.llm.groq_wire import ThinkSplitter
from desktop_chat.store.sqlite import SQLiteStore
from tests.support.attachment_files import png
from tests.support.groq_server import FakeGroqServer

QUESTION = [ChatMessage("user", "Why is the sky blue?")]


@pytest.fixture
def server():
    with FakeGroqServer() as srv:
        yield srv


def stream(server: FakeGroqServer, model: str, messages=QUESTION, **options):
    """(reasoning, answer, result, error) of one streamed reply through the real client."""

    async def main():
        client = GroqClient(server.api_key, model=model, base_url=server.base_url)
        for name, value in options.items():
            setattr(client, name, value)
        result, pieces, error = StreamResult(), [], None
        try:
            async with aclosing(client.stream(messages, result)) as gen:
                async for piece in gen:
                    pieces.append(piece)
        except LLMError as exc:
            error = exc
        finally:
            await client.close()
        reasoning = "".join(p for p in pieces if isinstance(p, ReasoningPiece))
        answer = "".join(p for p in pieces if not isinstance(p, ReasoningPiece))
        return reasoning, answer, result, error

    return asyncio.run(asyncio.wait_for(main(), 10))


def test_gpt_oss_reasoning_streams_apart_from_the_answer_with_the_chosen_effort(server) -> None:
    reasoning, answer, result, error = stream(server, "openai/gpt-oss-20b", reasoning_effort="high")
    assert error is None
    assert server.requests[-1]["reasoning_effort"] == "high"
    assert "reasoning_format" not in server.requests[-1]  # gpt-oss reasons in the field anyway
    assert reasoning.startswith('The user asks: "Why is the sky blue?"')
    assert "Effort: high" in reasoning
    assert answer == server.reply_text  # nothing of the thinking in the answer
    assert result.usage["reasoning_tokens"] > 0


def test_qwen3_is_asked_for_parsed_reasoning(server) -> None:
    reasoning, answer, _, error = stream(server, "qwen/qwen3-32b", reasoning_effort="high")
    assert error is None
    body = server.requests[-1]
    assert body["reasoning_format"] == "parsed"
    assert "reasoning_effort" not in body  # qwen3 takes only none/default: a 400 otherwise
    assert reasoning and "<think>" not in answer and answer == server.reply_text


def test_think_tags_in_the_content_are_split_off_however_the_chunks_fall(server) -> None:
    server.reply_text = (
        "<think>Let me see.\nBlue light scatters more.</think>\n\nRayleigh scattering."
    )
    reasoning, answer, _, error = stream(server, "llama-3.1-8b-instant")
    assert error is None
    assert reasoning == "Let me see.\nBlue light scatters more."
    assert answer == "Rayleigh scattering."
    # every split of the same text into two chunks gives the same result
    text = server.reply_text
    for cut in range(len(text) + 1):
        splitter = ThinkSplitter()
        pieces = [*splitter.feed(text[:cut]), *splitter.feed(text[cut:]), *splitter.flush()]
        assert "".join(p for p in pieces if isinstance(p, ReasoningPiece)) == reasoning, cut
        assert "".join(p for p in pieces if not isinstance(p, ReasoningPiece)) == answer, cut


def test_an_answer_that_only_mentions_think_is_left_alone(server) -> None:
    server.reply_text = "Use the <think> tag like this: <think>x</think>"
    reasoning, answer, _, _ = stream(server, "llama-3.1-8b-instant")
    assert reasoning == "" and answer == server.reply_text


def test_web_search_hands_the_message_to_a_compound_system_and_lists_sources(server) -> None:
    server.search_pages = [
        {"title": "Rayleigh scattering", "url": "https://en.wikipedia.org/wiki/Rayleigh"},
        {"title": "<b>Evil</b>", "url": "javascript:alert(1)"},
    ]
    _, answer, result, error = stream(
        server, "llama-3.1-8b-instant", web_search=True, search_model="groq/compound"
    )
    assert error is None and answer == server.reply_text
    assert server.requests[-1]["model"] == "groq/compound"
    assert result.model == "groq/compound"
    assert result.sources == [
        {"kind": "search", "query": "Why is the sky blue?"},
        {
            "kind": "page",
            "title": "Rayleigh scattering",
            "url": "https://en.wikipedia.org/wiki/Rayleigh",
        },
        {"kind": "page", "title": "<b>Evil</b>", "url": "javascript:alert(1)"},  # shown as text
    ]


def test_web_search_on_gpt_oss_uses_the_browser_search_tool(server) -> None:
    _, _, result, error = stream(server, "openai/gpt-oss-120b", web_search=True)
    assert error is None
    body = server.requests[-1]
    assert body["model"] == "openai/gpt-oss-120b"
    assert body["tools"] == [{"type": "browser_search"}]
    assert [s["kind"] for s in result.sources] == ["search", "page", "page"]


def test_web_search_leaves_a_message_with_images_on_the_model_that_sees(server) -> None:
    scout = "meta-llama/llama-4-scout-17b-16e-instruct"
    tiny_png = "data:image/png;base64," + base64.b64encode(png(8, 8)).decode()
    question = [ChatMessage("user", "What is this?", images=[tiny_png])]
    _, answer, result, error = stream(
        server, scout, question, web_search=True, search_model="groq/compound"
    )
    assert error is None
    body = server.requests[-1]
    assert body["model"] == scout and "tools" not in body  # not a compound system: it is blind
    assert answer.startswith("I see 1 image") and result.sources == []
    _, _, _, error = stream(server, scout, web_search=True, search_model="groq/compound")
    assert error is None and server.requests[-1]["model"] == "groq/compound"  # text searches


def test_without_web_search_no_tool_and_no_sources(server) -> None:
    _, _, result, _ = stream(server, "openai/gpt-oss-120b")
    assert "tools" not in server.requests[-1] and result.sources == []


def test_a_flood_of_sources_is_bounded(server) -> None:
    server.search_pages = [
        {"title": "t" * 5000, "url": f"https://x.example/{i}"} for i in range(500)
    ]
    _, _, result, error = stream(server, "groq/compound-mini")
    assert error is None
    assert len(result.sources) == 40
    assert max(len(s.get("title", "")) for s in result.sources) <= 500


def test_cached_tokens_and_rate_limits_come_from_the_reply(server) -> None:
    long_prompt = [ChatMessage("system", "You are helpful. " * 50), *QUESTION]
    _, _, first, _ = stream(server, "openai/gpt-oss-20b", long_prompt)
    _, _, second, _ = stream(server, "openai/gpt-oss-20b", long_prompt)
    assert first.usage["cached_tokens"] == 0
    assert 0 < second.usage["cached_tokens"] <= second.usage["prompt_tokens"]
    assert second.rate_limits["limit_requests"] == 1000
    assert first.rate_limits["remaining_requests"] == 999  # this request counts
    assert second.rate_limits["remaining_requests"] == 998
    assert second.rate_limits["remaining_tokens"] == 6000 - first.usage["total_tokens"]
    assert second.rate_limits["reset_tokens"] == "7.66s"


def test_a_429_says_when_to_retry(server) -> None:
    server.fail_next("429", retry_after=12)
    _, _, _, error = stream(server, "llama-3.1-8b-instant")
    assert error.kind == LLMErrorKind.RATE_LIMIT and error.retry_after == 12
    assert error.rate_limits["remaining_requests"] == 0  # the 429's own headers


def test_prices_estimate_cached_tokens_at_their_rate_and_unknown_models_are_unknown() -> None:
    usage = {"prompt_tokens": 1_000_000, "completion_tokens": 1_000_000, "cached_tokens": 500_000}
    assert reply_cost("openai/gpt-oss-120b", usage) == pytest.approx(
        0.5 * 0.15 + 0.5 * 0.075 + 0.60
    )
    assert reply_cost("llama-3.1-8b-instant", usage) == pytest.approx(0.05 + 0.08)
    assert reply_cost("groq/compound", usage) is None
    assert format_cost(None) == "cost unknown"
    assert format_cost(0.000123) == "$0.00012"
    assert all(p.input > 0 and p.output > 0 for p in PRICES.values())


def test_the_service_keeps_reasoning_sources_and_cost_apart_and_never_sends_reasoning_back(
    server, tmp_path: Path
) -> None:
    async def scenario():
        store = SQLiteStore(tmp_path / "chat.db")
        llm = GroqClient(server.api_key, model="openai/gpt-oss-120b", base_url=server.base_url)
        llm.web_search = True
        service = ChatService(store, llm, ChatSettings(auto_title=False))
        try:
            session = await service.new_session()
            seen: list[str] = []
            first = await service.send(session.session_id, "Why is the sky blue?", seen.append)
            assert first.ok
            payload = (await store.event(first.reply_event.event_id)).payload
            assert payload["text"] == server.reply_text
            assert payload["reasoning"].startswith("The user asks")
            assert any(isinstance(p, ReasoningPiece) for p in seen)  # the window gets them live
            assert payload["sources"][1]["url"] == "https://example.com/"
            assert payload["usage"]["cached_tokens"] == 0
            assert payload["cost"] == pytest.approx(
                reply_cost("openai/gpt-oss-120b", payload["usage"])
            )
            second = await service.send(session.session_id, "And at sunset?", lambda _: None)
            assert second.ok
            sent = json.dumps(server.requests[-1]["messages"])
            assert server.reply_text in sent  # the first answer is remembered...
            assert "The user asks" not in sent  # ...its thinking is not
            exported = json.loads(await service.export_text(session.session_id, "json"))
            assert "The user asks" in json.dumps(exported)
            llm.model, llm.web_search = "groq/compound-mini", False
            third = await service.send(session.session_id, "Thanks", lambda _: None)
            payload = (await store.event(third.reply_event.event_id)).payload
            assert payload["cost"] is None  # compound: no price, "cost unknown", not 0
            branch = [
                item.event.payload for item in await service.active_branch(session.session_id)
            ]
            totals = UsageTotals.of(branch)
            assert totals.replies == 3 and totals.unknown_cost == 1 and totals.cost > 0
        finally:
            await llm.close()
            await store.close()

    asyncio.run(asyncio.wait_for(scenario(), 20))


def test_a_stopped_reasoning_reply_keeps_its_thinking(server, tmp_path: Path) -> None:
    async def scenario():
        store = SQLiteStore(tmp_path / "chat.db")
        llm = GroqClient(server.api_key, model="openai/gpt-oss-20b", base_url=server.base_url)
        service = ChatService(store, llm, ChatSettings(auto_title=False, persist_interval=0.01))
        hold = server.hold_after(0)  # reasoning sent, answer not yet
        try:
            session = await service.new_session()
            task = asyncio.ensure_future(service.send(session.session_id, "Hi", lambda _: None))
            while not hold.reached.is_set():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            events = await store.events(session.session_id)
            reply = next(e for e in events if e.type == "ai_response")
            assert reply.payload["reasoning"].startswith("The user asks")
            assert reply.payload["text"] == "" and reply.payload["interrupted"]
        finally:
            hold.release()
            await llm.close()
            await store.close()

    asyncio.run(asyncio.wait_for(scenario(), 20))


@pytest.mark.parametrize("model", ["openai/gpt-oss-20b", "qwen/qwen3-32b", "llama-3.1-8b-instant"])
def test_titles_and_summaries_come_without_the_thinking(server, model) -> None:
    server.reply_text = "Blue skies"

    async def main():
        client = GroqClient(server.api_key, model=model, base_url=server.base_url)
        try:
            return await client.complete(QUESTION, max_tokens=24)
        finally:
            await client.close()

    assert asyncio.run(main()) == "Blue skies"
    body = server.requests[-1]
    if "gpt-oss" in model:
        assert body["reasoning_effort"] == "low"  # a title's 24 tokens are not spent thinking
    if "qwen3" in model:
        assert body["reasoning_format"] == "hidden"


def test_a_think_block_in_a_whole_reply_is_dropped(server) -> None:
    server.reply_text = "<think>hmm</think>\n\nBlue skies"

    async def main():
        client = GroqClient(server.api_key, base_url=server.base_url)
        try:
            return await client.complete(QUESTION)
        finally:
            await client.close()

    assert asyncio.run(main()) == "Blue skies"


def test_request_options_outlive_a_new_key(server, tmp_path: Path) -> None:
    """Settings' reasoning effort and the Web toggle go through the chat service, and a client
    made for a new key gets them too (the window never sets them on the client itself)."""

    async def main():
        store = SQLiteStore(tmp_path / "chat.db")
        first = GroqClient(server.api_key, model="openai/gpt-oss-20b", base_url=server.base_url)
        service = ChatService(store, first, ChatSettings(auto_title=False))
        service.apply_request_options("high", "groq/compound", web_search=True)
        second = GroqClient(server.api_key, model="openai/gpt-oss-20b", base_url=server.base_url)
        assert service.use_llm(second) is first
        await first.close()
        session = await service.new_session()
        outcome = await service.send(session.session_id, "Why is the sky blue?", lambda _: None)
        await second.close()
        await store.close()
        return outcome

    outcome = asyncio.run(asyncio.wait_for(main(), 10))
    assert outcome.error is None
    body = server.requests[-1]
    assert body["reasoning_effort"] == "high"
    assert body["tools"] == [{"type": "browser_search"}]
