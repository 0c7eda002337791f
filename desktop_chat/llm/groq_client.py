"""LLMClient for Groq, on the official `groq` SDK (AsyncGroq).

Every failure leaves this module as an `LLMError` whose message a user can read: no tracebacks,
no SDK jargon, and never the API key or the Authorization header.

Facts this relies on (groq 1.7.0, httpx 0.28):
- Status errors arrive from `create()` as `groq.APIStatusError` subclasses; the parsed error JSON is
  `exc.body` (the whole `{"error": {...}}` object).
- Failures *during* a stream are not wrapped by the SDK: they surface as raw httpx exceptions
  (`httpx.ReadTimeout` when the server stalls, `httpx.RemoteProtocolError` when it drops the
  connection mid-body, `httpx.ReadError` on a reset).
- An `{"error": ...}` event inside the stream is what the SDK raises as a plain `groq.APIError`;
  we raise the same.
- The SDK retries 408/409/429/5xx by itself unless `max_retries=0`; we default to 0 because the app
  shows retries to the user.

Streaming uses the SDK for the request (auth, base URL, retries, status errors) and reads the
body itself (`with_streaming_response`): SSE split from raw bytes, stdlib JSON per event, and one
read of the socket per frame rather than per token. The SDK's parsed stream (a model object per
chunk, an event-loop round trip per chunk) cost ~24% of a core at 1,000 tokens/s in a bare
qasync window; see bench/real_window.py. Streamed replies go through a second SDK client whose
httpx transport is http_stream.StreamTransport (a read is one recv() of everything that
arrived, not one h11 event per token); requests that are not streamed keep httpx's own.

`groq` and `httpx` are imported on first use (or by `warm_up()`), not with this module: they
are ~150 ms of a cold start that the first paint does not need.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import threading
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from desktop_chat.i18n import number, translate
from desktop_chat.settings import DEFAULT_MODEL

from .base import ChatMessage, LLMError, LLMErrorKind, ReasoningPiece, StreamResult
from .groq_wire import (
    DEFAULT_SEARCH_MODEL,
    ThinkSplitter,
    merge_executed_tools,
    quick_options,
    rate_limits_from,
    read_usage,
    request_options,
    sources_of,
    without_think,
)
from .sse import SSEParser, next_noting_wait

if TYPE_CHECKING:
    import groq
    import httpx
    from groq.types.chat import ChatCompletionMessageParam

log = logging.getLogger(__name__)


_MAX_SERVER_MESSAGE = 300
# The most text one reply may hold (characters). A hostile or broken server could otherwise
# stream without end: 50 MB once used 2.1 GB and froze the window for seconds.
MAX_REPLY_CHARS = 1_000_000
# After a read that had to wait for the network, let this long pass before the next one, so the
# next read takes everything that arrived meanwhile: ~10 reads a second instead of one per token.
# The window draws at most 10 frames a second anyway, the first piece after a pause at once
# (ui/transcript/stream_renderer.py): a read and the frame that shows it are one wake-up. A read
# costs about the same for one token as for fifty.
READ_INTERVAL = 1 / 10
_JSON = json.JSONDecoder()
# A read that brought at least this much did not wait for tokens: read again at once.
_BUSY_READ = 32 * 1024


class GroqClient:
    """Talks to Groq's OpenAI-compatible chat API. Implements `LLMClient`."""

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        stall_timeout: float = 30.0,
        max_retries: int = 0,
        max_reply_chars: int = MAX_REPLY_CHARS,
    ) -> None:
        # Pasted keys often carry a trailing newline; a newline in a header would also make h11
        # raise an error whose text contains the header value, i.e. the key.
        self._api_key = (api_key or "").strip()
        self.model = model
        self.temperature = 0.7
        # Request options the window sets from Settings and the composer (groq_wire.py):
        self.reasoning_effort: str | None = None  # gpt-oss: "low" | "medium" | "high"
        self.web_search = False  # the next replies search the web
        self.search_model = DEFAULT_SEARCH_MODEL  # who searches for models without a tool
        self.base_url = base_url
        # Seconds a reply may go without text (keep-alive comments do not count) before it is
        # given up; also how long the server may take to answer at all.
        self.stall_timeout = float(stall_timeout)
        self.connect_timeout = 10.0
        self.max_retries = max_retries
        self.max_reply_chars = max_reply_chars
        self._sdk_client: groq.AsyncGroq | None = None
        self._stream_client: groq.AsyncGroq | None = None  # streamed replies (http_stream.py)
        self._bulk_reads = False  # whether _stream_client reads through StreamTransport
        self._sdk_lock = threading.Lock()  # warm_up() may build it on a worker thread
        self._closed = False

    def __repr__(self) -> str:  # never show the key
        return f"GroqClient(model={self.model!r}, base_url={self.base_url!r})"

    async def _client(self, *, streaming: bool = False) -> groq.AsyncGroq:
        """The SDK's client (with `streaming`, the one streamed replies go through); the first
        time, built on a worker thread (importing the SDK takes ~150 ms: the window keeps
        drawing meanwhile)."""
        if self._sdk_client is None or self._stream_client is None:
            await asyncio.get_running_loop().run_in_executor(None, self.warm_up)
        client = self._stream_client if streaming else self._sdk_client
        assert client is not None  # warm_up() built both
        return client

    def _build_client(self, *, streaming: bool = False) -> groq.AsyncGroq:
        import groq
        import httpx

        http_client = None
        # On Windows qasync's loop is a proactor (IOCP), which cannot watch a socket
        # (add_reader) as StreamTransport does; there, and with a proxy (which httpx's
        # transport honours), streams go through httpx's own transport.
        if streaming and os.name != "nt" and not _proxy_configured():
            from .http_stream import StreamTransport

            # The SDK's own defaults for its client, on a transport that reads a streamed
            # body in bulk (http_stream.py).
            http_client = groq.DefaultAsyncHttpxClient(transport=StreamTransport())
            self._bulk_reads = True
        return groq.AsyncGroq(
            # Never None: AsyncGroq would silently fall back to $GROQ_API_KEY.
            api_key=self._api_key,
            base_url=self.base_url,
            timeout=httpx.Timeout(
                connect=self.connect_timeout, read=self.stall_timeout, write=30.0, pool=10.0
            ),
            max_retries=self.max_retries,
            http_client=http_client,
        )

    def warm_up(self) -> None:
        """Import and build what the first reply needs (the SDK, its HTTP stack, TLS set-up),
        so that reply does not pay for it. Safe to call on a worker thread; no network.

        Under a lock: a reply started meanwhile waits for it to finish rather than importing
        the same modules at once (pydantic's lazy imports are not safe to race: a half-imported
        module raises ImportError)."""
        with self._sdk_lock:
            import anyio._backends._asyncio  # noqa: F401 - httpcore loads it on first connect
            import httpcore._async.http11  # noqa: F401

            if self._sdk_client is None:
                self._sdk_client = self._build_client()
            if self._stream_client is None:
                self._stream_client = self._build_client(streaming=True)
            self._sdk_client.chat.completions.with_streaming_response  # noqa: B018 - builds it

    # ------------------------------------------------------------------ LLMClient

    async def stream(
        self, messages: list[ChatMessage], result: StreamResult, model: str | None = None
    ) -> AsyncGenerator[str, None]:
        """Yield the reply's text pieces as they arrive; fill `result` from the chunks.

        Raises LLMError. Pieces yielded before an error stay valid (the caller keeps them).
        Closing the generator (`aclose()`, task cancellation) closes the HTTP stream.
        """
        self._check_key()
        options = request_options(
            model or self.model,
            reasoning_effort=self.reasoning_effort,
            web_search=self.web_search,
            search_model=self.search_model,
            with_images=any(message.images for message in messages),
        )
        try:
            client = await self._client(streaming=True)
            # Entered by hand: its exit only closes the response, which the finally below does,
            # and failures of the request itself are mapped apart from failures in the body.
            response = await client.chat.completions.with_streaming_response.create(
                messages=_sdk_messages(messages),
                temperature=self.temperature,
                stream=True,
                **options,
            ).__aenter__()
        except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
            raise self._map_error(exc, in_stream=False) from None
        result.rate_limits = rate_limits_from(response.headers)
        try:
            async for text in self._read_reply(response, result):
                yield text
        finally:
            await _close_quietly(response)

    async def _read_reply(self, response: Any, result: StreamResult) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        reads = response.iter_bytes().__aiter__()
        parser = SSEParser()
        splitter: ThinkSplitter | None = ThinkSplitter()  # until the content shows no <think>
        tools: dict[int, dict[str, Any]] = {}  # executed_tools by index
        chars = 0
        finished = done = False
        last_text = loop.time()
        batch = 0  # bytes that came with the latest network read
        while not done:
            try:
                data, waited = await next_noting_wait(reads)
                # Through StreamTransport each piece is one read of the socket, which need not
                # wait for the event loop when the bytes are there already.
                waited = waited or self._bulk_reads
            except StopAsyncIteration:
                break
            except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
                raise self._map_error(exc, in_stream=True) from None
            # A big batch means reads fall behind the server: then read again without a pause.
            pause = waited and batch < _BUSY_READ
            batch = len(data) if waited else batch + len(data)
            for event in parser.feed(data):
                if event.data.startswith(b"[DONE]"):
                    done = True  # the end; without a finish_reason before it, a drop (below)
                    break
                delta, finish_reason = _read_chunk(self._decode(event, response), result)
                if finish_reason:
                    result.finish_reason = finish_reason
                    finished = True
                if not delta:
                    continue
                if "executed_tools" in delta:
                    merge_executed_tools(tools, delta["executed_tools"])
                    result.sources = sources_of(tools)
                for text in self._pieces_of(delta, splitter):
                    if splitter is not None and splitter.settled:
                        splitter = None
                    last_text = loop.time()
                    if chars + len(text) > self.max_reply_chars:
                        if chars < self.max_reply_chars:
                            yield type(text)(text[: self.max_reply_chars - chars])
                        raise LLMError(
                            LLMErrorKind.TOO_LONG,
                            translate(
                                "GroqClient",
                                "The reply was stopped at {limit} characters, the most one "
                                "reply may hold. The text up to there is kept.",
                            ).format(limit=number(self.max_reply_chars)),
                        )
                    chars += len(text)
                    yield text
            if loop.time() - last_text >= self.stall_timeout:
                # Bytes keep coming (keep-alive comments, empty chunks) but no text. Checked as
                # bytes arrive, so at most one keep-alive late; silence is httpx's read timeout.
                raise LLMError(
                    LLMErrorKind.TIMEOUT,
                    translate(
                        "GroqClient", "The reply stalled: Groq sent no text for {wait}."
                    ).format(wait=self._seconds(self.stall_timeout)),
                )
            if pause and not done:
                await asyncio.sleep(READ_INTERVAL)

        if splitter is not None:
            for text in splitter.flush():
                yield text
        if done:
            await _read_to_the_end(reads)
        if not finished:
            # The body ended without a final chunk: with framing that cannot tell a clean end
            # from a dropped connection (no length, no chunking), this is how a drop looks.
            log.warning("Groq stream ended without a finish_reason")
            raise LLMError(
                LLMErrorKind.CONNECTION,
                translate(
                    "GroqClient", "The connection to Groq was lost before the reply finished."
                ),
            )

    def _pieces_of(self, delta: dict[str, Any], splitter: ThinkSplitter | None) -> list[str]:
        """One delta's reasoning (as ReasoningPiece) and answer text, in that order."""
        pieces: list[str] = []
        reasoning = delta.get("reasoning")
        if reasoning is not None and reasoning != "":
            if not isinstance(reasoning, str):
                raise self._unreadable(f"{_kind_of(reasoning)} where reasoning belongs")
            pieces.append(ReasoningPiece(reasoning))
        text = delta.get("content")
        if text is not None and text != "":
            if not isinstance(text, str):
                raise self._unreadable(f"{_kind_of(text)} where text belongs")
            pieces += splitter.feed(text) if splitter is not None else [text]
        return pieces

    def _decode(self, event: Any, response: Any) -> dict[str, Any]:
        """One event's chunk. Raises LLMError for an error event or one that is not a chunk."""
        try:
            # Not json.loads: for ~300 bytes its own steps (sniffing the encoding, decoding
            # with surrogatepass, two regex matches) cost as much as the parse itself.
            text = event.data.decode().strip()  # white space around JSON is JSON's
            chunk, end = _JSON.raw_decode(text)
            if end != len(text):
                raise ValueError("extra data after the JSON")
        except ValueError:  # malformed JSON or bytes that are not UTF-8
            raise self._unreadable("a garbled piece") from None
        if isinstance(chunk, dict) and chunk.get("error") and event.type in (None, "error"):
            import groq

            error = chunk["error"]
            message = error.get("message") if isinstance(error, dict) else None
            if not message or not isinstance(message, str):
                message = "An error occurred during streaming"  # the SDK's words
            raise self._map_error(
                groq.APIError(message, response.http_response.request, body=error), in_stream=True
            )
        if not isinstance(chunk, dict):
            raise self._unreadable("a piece of an unknown shape")
        return chunk

    def _unreadable(self, what: str) -> LLMError:
        log.warning("Groq stream sent %s", what)
        return LLMError(
            LLMErrorKind.UNAVAILABLE,
            translate(
                "GroqClient",
                "Groq sent a reply the app could not read ({what}). The text up to there is kept.",
            ).format(what=what),
        )

    async def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str:
        self._check_key()
        try:
            client = await self._client()
            response = await client.chat.completions.create(
                model=self.model,
                messages=_sdk_messages(messages),
                max_tokens=max_tokens,
                stream=False,
                **quick_options(self.model),
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
            raise self._map_error(exc, in_stream=False) from None
        if not response.choices:
            return ""
        return without_think(response.choices[0].message.content or "")

    async def models(self) -> list[str]:
        self._check_key()
        try:
            client = await self._client()
            listing = await client.models.list()
        except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
            raise self._map_error(exc, in_stream=False) from None
        return sorted(m.id for m in listing.data)

    async def transcribe(self, audio: bytes, language: str | None = None) -> str:
        from . import audio as groq_audio

        return await groq_audio.transcribe(self, audio, language=language)

    def speak(self, text: str, voice: str) -> AsyncGenerator[bytes, None]:
        from . import audio as groq_audio

        return groq_audio.speak(self, text, voice=voice)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for client in (self._sdk_client, self._stream_client):
            if client is not None:
                await client.close()

    # ------------------------------------------------------------------ errors

    def _check_key(self) -> None:
        key = self._api_key
        if not key:
            raise LLMError(
                LLMErrorKind.AUTH,
                translate("GroqClient", "No Groq API key is set. Add one in Settings → API key."),
            )
        if not (key.isascii() and key.isprintable()) or any(c.isspace() for c in key):
            raise LLMError(
                LLMErrorKind.AUTH,
                translate(
                    "GroqClient",
                    "The Groq API key contains characters a key cannot have. "
                    "Check it in Settings → API key.",
                ),
            )

    def _seconds(self, value: float) -> str:
        if value == int(value):
            return translate("GroqClient", "%n seconds", None, int(value))
        return translate("GroqClient", "{count} seconds").format(count=f"{value:g}")

    def _map_error(self, exc: BaseException, *, in_stream: bool) -> BaseException:
        """Turn an SDK/httpx exception into an LLMError. Unknown exceptions pass through."""
        if isinstance(exc, (LLMError, asyncio.CancelledError)):
            return exc
        err = self._translate(exc, in_stream=in_stream)
        if err is None:
            log.error("Unexpected %s from Groq client", type(exc).__name__)
            return exc
        status = getattr(exc, "status_code", None)
        log.info(
            "Groq request failed: %s (%s%s)",
            err.kind,
            type(exc).__name__,
            f", HTTP {status}" if status else "",
        )
        return err

    def _translate(self, exc: BaseException, *, in_stream: bool) -> LLMError | None:
        import groq
        import httpx

        kind = LLMErrorKind
        # Order matters: APITimeoutError is an APIConnectionError; the status errors are APIErrors.
        if isinstance(exc, groq.APIStatusError):
            error = self._from_status(exc)
            error.rate_limits = rate_limits_from(exc.response.headers)  # a 429: all used up
            return error
        if isinstance(exc, groq.APITimeoutError):
            if isinstance(exc.__cause__, httpx.ConnectTimeout):
                return LLMError(
                    kind.TIMEOUT,
                    translate(
                        "GroqClient",
                        "Could not reach Groq within {wait}. Check your internet connection.",
                    ).format(wait=self._seconds(self.connect_timeout)),
                )
            return LLMError(
                kind.TIMEOUT,
                translate(
                    "GroqClient", "Groq did not answer within {wait}. Try again in a moment."
                ).format(wait=self._seconds(self.stall_timeout)),
            )
        if isinstance(exc, groq.APIConnectionError):
            return LLMError(
                kind.CONNECTION,
                translate("GroqClient", "Could not reach Groq. Check your internet connection."),
            )
        if isinstance(exc, groq.APIResponseValidationError):
            return LLMError(
                kind.UNAVAILABLE,
                translate("GroqClient", "Groq sent a reply the app could not read."),
            )
        if isinstance(exc, groq.APIError):
            # An {"error": ...} event inside the stream.
            detail = self._clean(exc.message)
            return LLMError(
                kind.UNAVAILABLE,
                translate("GroqClient", "Groq stopped the reply: {detail}").format(detail=detail)
                if detail
                else translate(
                    "GroqClient", "Groq stopped the reply because of an error on its side."
                ),
            )
        if isinstance(exc, httpx.TimeoutException):
            if in_stream:
                return LLMError(
                    kind.TIMEOUT,
                    translate(
                        "GroqClient", "The reply stalled: Groq sent nothing for {wait}."
                    ).format(wait=self._seconds(self.stall_timeout)),
                )
            return LLMError(
                kind.TIMEOUT,
                translate("GroqClient", "Groq did not answer in time. Try again in a moment."),
            )
        if isinstance(exc, httpx.TransportError):  # RemoteProtocolError, ReadError, NetworkError
            if in_stream:
                return LLMError(
                    kind.CONNECTION, translate("GroqClient", "The connection to Groq was lost.")
                )
            return LLMError(
                kind.CONNECTION,
                translate("GroqClient", "Could not reach Groq. Check your internet connection."),
            )
        if isinstance(exc, json.JSONDecodeError):  # a malformed SSE event
            return LLMError(
                kind.UNAVAILABLE,
                translate("GroqClient", "Groq sent a reply the app could not read."),
            )
        return None

    def _from_status(self, exc: groq.APIStatusError) -> LLMError:
        kind = LLMErrorKind
        status = exc.status_code
        server_message = self._clean(_server_message(exc.body))
        if status == 401:
            return LLMError(
                kind.AUTH,
                translate(
                    "GroqClient", "Groq rejected the API key. Check it in Settings → API key."
                ),
            )
        if status == 429:
            retry_after = _retry_after(exc.response.headers)
            if retry_after is not None:
                text = translate(
                    "GroqClient", "Groq's rate limit was reached. Try again in {wait}."
                ).format(wait=_duration(retry_after))
            else:
                text = translate(
                    "GroqClient", "Groq's rate limit was reached. Wait a moment and try again."
                )
            return LLMError(kind.RATE_LIMIT, text, retry_after=retry_after)
        if status == 498:  # Groq: flex tier capacity exceeded
            return LLMError(
                kind.UNAVAILABLE,
                translate(
                    "GroqClient",
                    "Groq is over capacity right now (error 498). Try again in a moment.",
                ),
            )
        if status >= 500:
            return LLMError(
                kind.UNAVAILABLE,
                translate(
                    "GroqClient",
                    "Groq is having trouble right now (error {status}). Try again in a moment.",
                ).format(status=status),
            )
        if status == 408:
            return LLMError(
                kind.TIMEOUT,
                translate(
                    "GroqClient", "Groq timed out handling the request (error 408). Try again."
                ),
            )
        if server_message:
            return LLMError(
                kind.BAD_REQUEST,
                translate(
                    "GroqClient", "Groq refused the request (error {status}): {detail}"
                ).format(status=status, detail=server_message),
            )
        return LLMError(
            kind.BAD_REQUEST,
            translate("GroqClient", "Groq refused the request (error {status}).").format(
                status=status
            ),
        )

    def _clean(self, text: str | None) -> str:
        """A server-supplied message, safe to show: one line, bounded, never the key."""
        if not text:
            return ""
        text = " ".join(str(text).split())
        if self._api_key:
            text = text.replace(self._api_key, "[API key]")
        if len(text) > _MAX_SERVER_MESSAGE:
            text = text[: _MAX_SERVER_MESSAGE - 1].rstrip() + "…"
        return text


# ---------------------------------------------------------------------- helpers


async def _read_to_the_end(reads: AsyncIterator[bytes], at_most: int = 64 * 1024) -> None:
    """After [DONE] the body ends: read that end, so the HTTP layers' generators finish here
    rather than being closed by the garbage collector (qasync installs no asyncgen hooks, and
    httpcore's then complains on stderr)."""
    try:
        async for data in reads:
            at_most -= len(data)
            if at_most < 0:
                return
    except Exception:  # noqa: BLE001 - the reply is complete; a broken end changes nothing
        log.debug("Ignoring error after the end of a Groq stream")


def _proxy_configured() -> bool:
    """Whether the environment names a proxy (httpx would use it: trust_env)."""
    import urllib.request

    return any(scheme in urllib.request.getproxies() for scheme in ("https", "http", "all"))


def _sdk_messages(messages: list[ChatMessage]) -> list[ChatCompletionMessageParam]:
    # The SDK types each role's dict apart (TypedDicts); ours carry a role it accepts.
    return cast("list[ChatCompletionMessageParam]", [m.as_dict() for m in messages])


async def _close_quietly(stream: Any) -> None:
    try:
        await stream.close()
    except Exception:  # noqa: BLE001 - closing a broken connection may fail; nothing to tell
        log.debug("Ignoring error while closing the Groq stream", exc_info=False)


def _kind_of(value: object) -> str:
    """A JSON value's kind, in words a user reads."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "something else"


def _read_chunk(
    chunk: dict[str, Any], result: StreamResult
) -> tuple[dict[str, Any] | None, str | None]:
    """(the delta as sent, finish_reason) of one chunk; model and usage go to `result`."""
    model = chunk.get("model")
    if model and isinstance(model, str):
        result.model = model
    if "x_groq" in chunk or "usage" in chunk:
        usage = read_usage(chunk)
        if usage:
            result.usage = usage
    choices = chunk.get("choices")
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        return None, None
    choice = choices[0]
    finish_reason = choice.get("finish_reason")
    delta = choice.get("delta")
    return (
        delta if isinstance(delta, dict) else None,
        finish_reason if isinstance(finish_reason, str) else None,
    )


def _server_message(body: object) -> str | None:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            message = error.get("message")
            if isinstance(message, str):
                return message
        elif isinstance(error, str):
            return error
    elif isinstance(body, str):
        return body
    return None


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from `retry-after-ms` / `retry-after` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return translate("GroqClient", "%n seconds", None, max(1, math.ceil(seconds)))
    if seconds < 3600:
        return translate("GroqClient", "%n minutes", None, math.ceil(seconds / 60))
    return translate("GroqClient", "%n hours", None, math.ceil(seconds / 3600))
