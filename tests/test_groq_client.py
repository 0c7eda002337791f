"""GroqClient through the REAL groq SDK against the loopback FakeGroqServer."""

from __future__ import annotations

import asyncio
import socket
import time
import traceback
from contextlib import aclosing

import pytest

from desktop_chat.llm.base import ChatMessage, LLMError, LLMErrorKind, StreamResult
from desktop_chat.llm.groq_client import GroqClient
from tests.support.groq_server import FakeGroqServer

LONG_REPLY = (
    "Sure! Here is a short answer,\nwith a newline, a  double space and a "
    "supercalifragilistic word. " * 4
)
HELLO = [ChatMessage("user", "Hello there")]


@pytest.fixture
def server():
    with FakeGroqServer() as srv:
        yield srv


def run_with_timeout(coro, timeout: float = 5.0):
    """Run a coroutine in a fresh event loop, failing (not hanging) after `timeout` seconds."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def collect(client: GroqClient, messages=HELLO, result: StreamResult | None = None):
    """Stream a reply the way the app does: keep the pieces received before any error."""
    result = result if result is not None else StreamResult()
    pieces: list[str] = []
    error: LLMError | None = None
    try:
        async with aclosing(client.stream(messages, result)) as gen:
            async for piece in gen:
                pieces.append(piece)
    except LLMError as exc:
        error = exc
    return pieces, result, error


def with_client(server: FakeGroqServer, body, **kw):
    """Run `body(client)` with a GroqClient pointed at `server`, closing the client afterwards."""
    kw.setdefault("api_key", server.api_key)

    async def main():
        client = GroqClient(base_url=server.base_url, **kw)
        try:
            return await body(client)
        finally:
            await client.close()

    return run_with_timeout(main())


def assert_no_key(exc: BaseException, key: str) -> None:
    text = "".join(traceback.format_exception(exc)) + str(exc) + repr(exc)
    assert key not in text
    assert "Bearer" not in text
    assert "Authorization" not in text


# ---------------------------------------------------------------------- happy path


def test_stream_yields_pieces_joining_to_the_reply_and_fills_usage(server):
    server.reply_text = LONG_REPLY
    pieces, result, error = with_client(server, collect)
    assert error is None
    assert len(pieces) > 10  # streamed, not one blob
    assert pieces == server.tokens()
    assert "".join(pieces) == LONG_REPLY
    assert result.finish_reason == "stop"
    assert result.model == "llama-3.1-8b-instant"
    assert result.usage["completion_tokens"] == len(pieces)
    assert result.usage["prompt_tokens"] > 0
    assert (
        result.usage["total_tokens"]
        == result.usage["prompt_tokens"] + result.usage["completion_tokens"]
    )
    assert result.usage["completion_time"] > 0


def test_partial_text_is_visible_before_the_reply_ends(server):
    server.reply_text = LONG_REPLY
    hold = server.hold_after(3)
    seen_mid_stream: list[str] = []

    async def body(client):
        result = StreamResult()
        pieces = []
        async with aclosing(client.stream(HELLO, result)) as gen:
            async for piece in gen:
                pieces.append(piece)
                if len(pieces) == 3:
                    # The server parks after 3 tokens: what we hold now arrived mid-stream.
                    # (It signals right after writing the third, so it may lag our read a bit.)
                    assert hold.reached.wait(5)
                    assert result.finish_reason is None
                    seen_mid_stream.append("".join(pieces))
                    hold.release()
        return pieces, result

    pieces, result = with_client(server, body)
    assert seen_mid_stream == ["".join(server.tokens()[:3])]
    assert "".join(pieces) == LONG_REPLY
    assert result.finish_reason == "stop"


def test_request_carries_messages_model_and_key(server):
    messages = [
        ChatMessage("system", "Be brief."),
        ChatMessage("user", "What is 2+2?"),
        ChatMessage("assistant", "4"),
        ChatMessage("user", "And 3+3?"),
    ]
    server.reply_for = lambda body: f"You said: {body['messages'][-1]['content']}"

    async def body(client):
        return await collect(client, messages)

    pieces, result, error = with_client(server, body, model="llama-3.3-70b-versatile")
    assert error is None
    assert "".join(pieces) == "You said: And 3+3?"
    assert result.model == "llama-3.3-70b-versatile"
    assert len(server.requests) == 1
    sent = server.requests[0]
    assert sent["model"] == "llama-3.3-70b-versatile"
    assert sent["messages"] == [m.as_dict() for m in messages]
    assert sent["stream"] is True
    entry = server.request_log[0]
    assert (entry["method"], entry["path"]) == ("POST", "/openai/v1/chat/completions")
    assert entry["headers"]["Authorization"] == f"Bearer {server.api_key}"


def test_pasted_key_with_whitespace_still_works(server):
    pieces, _, error = with_client(server, collect, api_key=f"  {server.api_key}\n")
    assert error is None
    assert "".join(pieces) == server.reply_text


# ---------------------------------------------------------------------- status errors


def test_wrong_key_is_auth_error_without_the_key(server):
    bad_key = "gsk_wrong_secret_987654321"
    pieces, _, error = with_client(server, collect, api_key=bad_key)
    assert pieces == []
    assert error is not None and error.kind is LLMErrorKind.AUTH
    assert "API key" in error.message and "Settings" in error.message
    assert_no_key(error, bad_key)


def test_missing_key_fails_before_any_request(server):
    _, _, error = with_client(server, collect, api_key="   ")
    assert error is not None and error.kind is LLMErrorKind.AUTH
    assert server.request_log == []


def test_rate_limit_reports_retry_after(server):
    server.fail_next("429")  # retry-after: 7
    _, _, error = with_client(server, collect)
    assert error is not None and error.kind is LLMErrorKind.RATE_LIMIT
    assert error.retry_after == 7
    assert "Try again in 7 seconds" in error.message
    assert len(server.requests) == 1  # the SDK did not retry behind our back


def test_rate_limit_with_long_wait_in_minutes(server):
    server.fail_next("429", retry_after=90)
    _, _, error = with_client(server, collect)
    assert error.kind is LLMErrorKind.RATE_LIMIT and error.retry_after == 90
    assert "2 minutes" in error.message


@pytest.mark.parametrize("status", ["500", "503"])
def test_server_errors_are_unavailable(server, status):
    server.fail_next(status)
    _, _, error = with_client(server, collect)
    assert error is not None and error.kind is LLMErrorKind.UNAVAILABLE
    assert f"error {status}" in error.message
    assert "Traceback" not in error.message
    assert len(server.requests) == 1


def test_other_4xx_is_bad_request_with_the_server_message(server):
    _, _, error = with_client(server, collect, model="no-such-model")
    assert error is not None and error.kind is LLMErrorKind.BAD_REQUEST
    assert "`no-such-model` does not exist" in error.message
    assert "{" not in error.message  # the message, not the raw JSON


# ---------------------------------------------------------------------- failures during the stream


def test_dropped_connection_mid_stream_keeps_received_pieces(server):
    server.reply_text = LONG_REPLY
    server.fail_next("drop", after=4)
    pieces, result, error = with_client(server, collect)
    assert error is not None and error.kind is LLMErrorKind.CONNECTION
    assert "lost" in error.message
    assert pieces == server.tokens()[:4]
    assert result.finish_reason is None
    assert server.outcomes == ["dropped"]


def test_body_ending_without_final_chunk_is_a_connection_error(server):
    server.reply_text = LONG_REPLY
    server.fail_next("truncate", after=3)
    pieces, _, error = with_client(server, collect)
    assert error is not None and error.kind is LLMErrorKind.CONNECTION
    assert pieces == server.tokens()[:3]


def test_error_event_in_stream_is_unavailable(server):
    server.reply_text = LONG_REPLY
    server.fail_next("error_event", after=2, message="Model overloaded, please retry")
    pieces, _, error = with_client(server, collect)
    assert error is not None and error.kind is LLMErrorKind.UNAVAILABLE
    assert "Model overloaded" in error.message
    assert pieces == server.tokens()[:2]


def test_stalled_stream_times_out(server):
    server.reply_text = LONG_REPLY
    server.fail_next("stall", after=2)
    started = time.monotonic()
    pieces, _, error = with_client(server, collect, stall_timeout=0.5)
    elapsed = time.monotonic() - started
    assert error is not None and error.kind is LLMErrorKind.TIMEOUT
    assert "0.5 seconds" in error.message
    assert pieces == server.tokens()[:2]
    assert 0.4 < elapsed < 3.0


def test_no_answer_at_all_times_out(server):
    server.fail_next("hang")
    started = time.monotonic()
    pieces, _, error = with_client(server, collect, stall_timeout=0.5)
    assert error is not None and error.kind is LLMErrorKind.TIMEOUT
    assert pieces == []
    assert time.monotonic() - started < 3.0


def test_connection_refused_is_connection_error():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    async def main():
        client = GroqClient("gsk_some_key_42", base_url=f"http://127.0.0.1:{port}")
        try:
            return await collect(client)
        finally:
            await client.close()

    pieces, _, error = run_with_timeout(main())
    assert pieces == []
    assert error is not None and error.kind is LLMErrorKind.CONNECTION
    assert "Could not reach Groq" in error.message
    assert_no_key(error, "gsk_some_key_42")


# ---------------------------------------------------------------------- closing and cancelling


def test_closing_the_generator_closes_the_http_stream(server):
    server.reply_text = LONG_REPLY * 3
    hold = server.hold_after(2)

    async def body(client):
        gen = client.stream(HELLO, StreamResult())
        assert await gen.__anext__() and await gen.__anext__()
        await gen.aclose()  # the user pressed Esc
        hold.release()
        return await asyncio.to_thread(server.wait_for_outcomes, 1, 3.0)

    # The client is still open here, so only closing the stream can have ended the connection.
    assert with_client(server, body) == ["client_gone"]


def test_cancelling_the_consuming_task_closes_the_http_stream(server):
    server.reply_text = LONG_REPLY * 3
    hold = server.hold_after(2)

    async def body(client):
        got_two = asyncio.Event()

        async def consume():
            pieces = []
            async with aclosing(client.stream(HELLO, StreamResult())) as gen:
                async for piece in gen:
                    pieces.append(piece)
                    if len(pieces) == 2:
                        got_two.set()
                        await asyncio.Event().wait()  # busy elsewhere when the cancel lands

        task = asyncio.create_task(consume())
        await got_two.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        hold.release()
        return await asyncio.to_thread(server.wait_for_outcomes, 1, 3.0)

    assert with_client(server, body) == ["client_gone"]


# ---------------------------------------------------------------------- complete() and models()


def test_complete_returns_the_whole_reply(server):
    server.reply_text = "A title for this chat"

    async def body(client):
        return await client.complete([ChatMessage("user", "Summarize")], max_tokens=64)

    assert with_client(server, body) == "A title for this chat"
    assert server.requests[0]["max_tokens"] == 64
    assert not server.requests[0].get("stream")


def test_complete_respects_max_tokens(server):
    server.reply_text = LONG_REPLY

    async def body(client):
        return await client.complete(HELLO, max_tokens=3)

    assert with_client(server, body) == "".join(server.tokens()[:3])


def test_complete_maps_errors(server):
    server.fail_next("503")

    async def body(client):
        with pytest.raises(LLMError) as info:
            await client.complete(HELLO)
        return info.value

    assert with_client(server, body).kind is LLMErrorKind.UNAVAILABLE


def test_models_are_listed_sorted(server):
    server.models = ["zeta-model", "alpha-model", "llama-3.1-8b-instant"]

    async def body(client):
        return await client.models()

    assert with_client(server, body) == ["alpha-model", "llama-3.1-8b-instant", "zeta-model"]
    assert server.request_log[0]["path"] == "/openai/v1/models"


def test_models_with_wrong_key_is_auth_error(server):
    async def body(client):
        with pytest.raises(LLMError) as info:
            await client.models()
        return info.value

    error = with_client(server, body, api_key="gsk_nope_000")
    assert error.kind is LLMErrorKind.AUTH
    assert_no_key(error, "gsk_nope_000")


def test_server_stop_does_not_hang_on_a_stalled_stream():
    srv = FakeGroqServer().start()
    srv.fail_next("stall", after=1)

    async def main():
        client = GroqClient(srv.api_key, base_url=srv.base_url, stall_timeout=30)
        try:
            gen = client.stream(HELLO, StreamResult())
            await gen.__anext__()  # the server is now stalled, the socket open
            started = time.monotonic()
            await asyncio.to_thread(srv.stop)
            stop_time = time.monotonic() - started
            with pytest.raises(LLMError) as info:
                await gen.__anext__()
            return stop_time, info.value
        finally:
            await client.close()

    stop_time, error = run_with_timeout(main())
    assert stop_time < 2.0
    assert error.kind is LLMErrorKind.CONNECTION


# ---------------------------------------------------------------------- limits (issue 11)


def test_keep_alive_comments_without_text_time_out(server):
    # Bytes keep arriving (an SSE comment every 0.1 s), so a read timeout never fires: only a
    # clock on *text* can end this reply.
    server.reply_text = LONG_REPLY
    server.fail_next("keepalive", after=2, interval=0.1)
    started = time.monotonic()
    pieces, result, error = with_client(server, collect, stall_timeout=0.6)
    elapsed = time.monotonic() - started
    assert error is not None and error.kind is LLMErrorKind.TIMEOUT
    assert error.message == "The reply stalled: Groq sent no text for 0.6 seconds."
    assert pieces == server.tokens()[:2]
    assert result.finish_reason is None
    assert server.keepalives >= 3  # comments did arrive while the clock ran
    assert 0.5 < elapsed < 3.0


def test_endless_reply_is_cut_at_the_cap_keeping_what_arrived(server):
    server.reply_text = LONG_REPLY
    server.fail_next("endless", after=0)
    pieces, result, error = with_client(server, collect, max_reply_chars=5_000)
    assert error is not None and error.kind is LLMErrorKind.TOO_LONG
    assert "5,000 characters" in error.message and "kept" in error.message
    text = "".join(pieces)
    assert len(text) == 5_000
    streamed = "".join(token for _, token in server.streamed)
    assert streamed.startswith(text)  # exactly what arrived, in order, up to the cap
    assert result.finish_reason is None
    # The client hung up: the server's endless loop ended.
    assert server.wait_for_outcomes(2, 3.0) == ["endless", "client_gone"]


def test_default_cap_is_a_megabyte_of_text(server):
    client = GroqClient(server.api_key, base_url=server.base_url)
    assert client.max_reply_chars == 1_000_000


@pytest.mark.parametrize(
    "value, words",
    [
        (42, "a number"),
        (3.5, "a number"),
        (True, "true or false"),
        ({"text": "hi"}, "an object"),
        (["a", "b"], "a list"),
        ([], "a list"),
    ],
)
def test_content_of_the_wrong_type_ends_the_reply_keeping_what_arrived(server, value, words):
    server.reply_text = LONG_REPLY
    server.fail_next("bad_content", after=3, value=value)
    pieces, result, error = with_client(server, collect)
    assert error is not None and error.kind is LLMErrorKind.UNAVAILABLE
    assert error.message == (
        f"Groq sent a reply the app could not read ({words} where text "
        "belongs). The text up to there is kept."
    )
    assert pieces == server.tokens()[:3]
    assert result.finish_reason is None


@pytest.mark.parametrize(
    "raw",
    [
        b'{"choices": [{"delta": {"content": "cut',
        b"\xff\xfe{}",
        b"42",
        b'{"choices": [{"delta": {"content": "two"}}]} {"objects"}',  # JSON, then more
    ],
)
def test_a_garbled_event_ends_the_reply_keeping_what_arrived(server, raw):
    server.reply_text = LONG_REPLY
    server.fail_next("bad_content", after=4, raw=raw)
    pieces, _, error = with_client(server, collect)
    assert error is not None and error.kind is LLMErrorKind.UNAVAILABLE
    assert error.message.startswith("Groq sent a reply the app could not read (a ")
    assert pieces == server.tokens()[:4]


def test_white_space_around_an_events_json_is_read_as_json(server):
    server.reply_text = LONG_REPLY
    server.fail_next("bad_content", after=3, raw=b'  {"choices": [{"delta": {"content": "x"}}]} ')
    pieces, result, error = with_client(server, collect)
    assert error is None and pieces == [*server.tokens()[:3], "x", *server.tokens()[3:]]
    assert result.finish_reason == "stop"


def test_null_and_empty_content_are_not_errors(server):
    server.reply_text = LONG_REPLY
    for value in (None, ""):
        server.fail_next("bad_content", after=3, value=value)
        pieces, result, error = with_client(server, collect)
        assert error is None and "".join(pieces) == LONG_REPLY
        assert result.finish_reason == "stop"


# ---------------------------------------------------------------------- SSE framing


def test_sse_parser_handles_every_line_ending_and_split_reads():
    from desktop_chat.llm.sse import SSEParser

    wire = (
        b'data: {"a": 1}\r\n\r\n'
        b": a comment\n\n"
        b'event: error\ndata: {"b":\ndata:  2}\n\n'
        b"data: [DONE]\r\r"
    )
    for size in (1, 2, 3, 7, len(wire)):  # fed in pieces of every size, even inside a \r\n
        parser = SSEParser()
        events = []
        for i in range(0, len(wire), size):
            events += parser.feed(wire[i : i + size])
        assert [(e.type, e.data) for e in events] == [
            (None, b'{"a": 1}'),
            ("error", b'{"b":\n 2}'),
            (None, b"[DONE]"),
        ], size


def test_importing_the_client_does_not_load_the_sdk():
    import subprocess
    import sys

    code = (
        "import sys, desktop_chat.llm.groq_client as g; "
        "print('groq' in sys.modules, 'httpx' in sys.modules); "
        "g.GroqClient('gsk_x').warm_up(); print('groq' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False", "True"], done.stderr
