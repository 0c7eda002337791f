"""LLMClient for Groq, on the official `groq` SDK (AsyncGroq).

Every failure leaves this module as an `LLMError` whose message a user can read: no tracebacks,
no SDK jargon, and never the API key or the Authorization header.

Facts this relies on (groq 1.7.0, httpx 0.28):
- Status errors arrive from `create()` as `groq.APIStatusError` subclasses; the parsed error JSON is
  `exc.body` (the whole `{"error": {...}}` object).
- Failures *during* a stream are not wrapped by the SDK: they surface as raw httpx exceptions
  (`httpx.ReadTimeout` when the server stalls, `httpx.RemoteProtocolError` when it drops the
  connection mid-body, `httpx.ReadError` on a reset).
- An `{"error": ...}` event inside the stream surfaces as a plain `groq.APIError`.
- The SDK retries 408/409/429/5xx by itself unless `max_retries=0`; we default to 0 because the app
  shows retries to the user.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import groq
import httpx

from .base import ChatMessage, LLMError, LLMErrorKind, StreamResult

log = logging.getLogger(__name__)

DEFAULT_MODEL = "llama-3.1-8b-instant"

_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens", "completion_time")
_MAX_SERVER_MESSAGE = 300


class GroqClient:
    """Talks to Groq's OpenAI-compatible chat API. Implements `LLMClient`."""

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        stall_timeout: float = 30.0,
        max_retries: int = 0,
    ) -> None:
        # Pasted keys often carry a trailing newline; a newline in a header would also make h11
        # raise an error whose text contains the header value, i.e. the key.
        self._api_key = (api_key or "").strip()
        self.model = model
        self.temperature = 0.7
        self.base_url = base_url
        self.stall_timeout = float(stall_timeout)
        self.connect_timeout = 10.0
        self._client = groq.AsyncGroq(
            # Never None: AsyncGroq would silently fall back to $GROQ_API_KEY.
            api_key=self._api_key,
            base_url=base_url,
            timeout=httpx.Timeout(connect=self.connect_timeout, read=self.stall_timeout,
                                  write=30.0, pool=10.0),
            max_retries=max_retries,
        )
        self._closed = False

    def __repr__(self) -> str:  # never show the key
        return f"GroqClient(model={self.model!r}, base_url={self.base_url!r})"

    # ------------------------------------------------------------------ LLMClient

    async def stream(self, messages: list[ChatMessage], result: StreamResult) -> AsyncIterator[str]:
        """Yield the reply's text pieces as they arrive; fill `result` from the chunks.

        Raises LLMError. Pieces yielded before an error stay valid (the caller keeps them).
        Closing the generator (`aclose()`, task cancellation) closes the HTTP stream.
        """
        self._check_key()
        try:
            stream = await self._client.chat.completions.create(
                model=self.model,
                messages=[m.as_dict() for m in messages],
                temperature=self.temperature,
                stream=True,
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
            raise self._map_error(exc, in_stream=False) from None

        finished = False
        try:
            while True:
                try:
                    chunk = await stream.__anext__()
                except StopAsyncIteration:
                    break
                except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
                    raise self._map_error(exc, in_stream=True) from None

                if chunk.model:
                    result.model = chunk.model
                usage = _usage_of(chunk)
                if usage:
                    result.usage = usage
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                if choice.finish_reason:
                    result.finish_reason = choice.finish_reason
                    finished = True
                text = choice.delta.content if choice.delta is not None else None
                if text:
                    yield text
        finally:
            await _close_quietly(stream)

        if not finished:
            # The body ended without a final chunk: with framing that cannot tell a clean end
            # from a dropped connection (no length, no chunking), this is how a drop looks.
            log.warning("Groq stream ended without a finish_reason")
            raise LLMError(LLMErrorKind.CONNECTION,
                           "The connection to Groq was lost before the reply finished.")

    async def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str:
        self._check_key()
        try:
            response = await self._client.chat.completions.create(
                model=self.model,
                messages=[m.as_dict() for m in messages],
                max_tokens=max_tokens,
                stream=False,
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
            raise self._map_error(exc, in_stream=False) from None
        if not response.choices:
            return ""
        return response.choices[0].message.content or ""

    async def models(self) -> list[str]:
        self._check_key()
        try:
            listing = await self._client.models.list()
        except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
            raise self._map_error(exc, in_stream=False) from None
        return sorted(m.id for m in listing.data)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._client.close()

    # ------------------------------------------------------------------ errors

    def _check_key(self) -> None:
        key = self._api_key
        if not key:
            raise LLMError(LLMErrorKind.AUTH,
                           "No Groq API key is set. Add one in Settings → API key.")
        if not (key.isascii() and key.isprintable()) or any(c.isspace() for c in key):
            raise LLMError(
                LLMErrorKind.AUTH,
                "The Groq API key contains characters a key cannot have. "
                "Check it in Settings → API key.",
            )

    def _seconds(self, value: float) -> str:
        return f"{value:g} second" + ("" if value == 1 else "s")

    def _map_error(self, exc: BaseException, *, in_stream: bool) -> BaseException:
        """Turn an SDK/httpx exception into an LLMError. Unknown exceptions pass through."""
        if isinstance(exc, (LLMError, asyncio.CancelledError)):
            return exc
        err = self._translate(exc, in_stream=in_stream)
        if err is None:
            log.error("Unexpected %s from Groq client", type(exc).__name__)
            return exc
        status = getattr(exc, "status_code", None)
        log.info("Groq request failed: %s (%s%s)", err.kind, type(exc).__name__,
                 f", HTTP {status}" if status else "")
        return err

    def _translate(self, exc: BaseException, *, in_stream: bool) -> LLMError | None:
        kind = LLMErrorKind
        # Order matters: APITimeoutError is an APIConnectionError; the status errors are APIErrors.
        if isinstance(exc, groq.APIStatusError):
            return self._from_status(exc)
        if isinstance(exc, groq.APITimeoutError):
            if isinstance(exc.__cause__, httpx.ConnectTimeout):
                return LLMError(kind.TIMEOUT, "Could not reach Groq within "
                                f"{self._seconds(self.connect_timeout)}. "
                                "Check your internet connection.")
            return LLMError(kind.TIMEOUT, "Groq did not answer within "
                            f"{self._seconds(self.stall_timeout)}. Try again in a moment.")
        if isinstance(exc, groq.APIConnectionError):
            return LLMError(kind.CONNECTION,
                            "Could not reach Groq. Check your internet connection.")
        if isinstance(exc, groq.APIResponseValidationError):
            return LLMError(kind.UNAVAILABLE, "Groq sent a reply the app could not read.")
        if isinstance(exc, groq.APIError):
            # An {"error": ...} event inside the stream.
            detail = self._clean(exc.message)
            return LLMError(kind.UNAVAILABLE, f"Groq stopped the reply: {detail}" if detail
                            else "Groq stopped the reply because of an error on its side.")
        if isinstance(exc, httpx.TimeoutException):
            if in_stream:
                return LLMError(kind.TIMEOUT, "The reply stalled: Groq sent nothing for "
                                f"{self._seconds(self.stall_timeout)}.")
            return LLMError(kind.TIMEOUT, "Groq did not answer in time. Try again in a moment.")
        if isinstance(exc, httpx.TransportError):  # RemoteProtocolError, ReadError, NetworkError
            if in_stream:
                return LLMError(kind.CONNECTION, "The connection to Groq was lost.")
            return LLMError(kind.CONNECTION,
                            "Could not reach Groq. Check your internet connection.")
        if isinstance(exc, json.JSONDecodeError):  # a malformed SSE event
            return LLMError(kind.UNAVAILABLE, "Groq sent a reply the app could not read.")
        return None

    def _from_status(self, exc: groq.APIStatusError) -> LLMError:
        kind = LLMErrorKind
        status = exc.status_code
        server_message = self._clean(_server_message(exc.body))
        if status == 401:
            return LLMError(kind.AUTH, "Groq rejected the API key. Check it in Settings → API key.")
        if status == 429:
            retry_after = _retry_after(exc.response.headers)
            if retry_after is not None:
                text = f"Groq's rate limit was reached. Try again in {_duration(retry_after)}."
            else:
                text = "Groq's rate limit was reached. Wait a moment and try again."
            return LLMError(kind.RATE_LIMIT, text, retry_after=retry_after)
        if status == 498:  # Groq: flex tier capacity exceeded
            return LLMError(kind.UNAVAILABLE,
                            "Groq is over capacity right now (error 498). Try again in a moment.")
        if status >= 500:
            return LLMError(kind.UNAVAILABLE, f"Groq is having trouble right now (error {status}). "
                            "Try again in a moment.")
        if status == 408:
            return LLMError(kind.TIMEOUT,
                            "Groq timed out handling the request (error 408). Try again.")
        if server_message:
            return LLMError(kind.BAD_REQUEST,
                            f"Groq refused the request (error {status}): {server_message}")
        return LLMError(kind.BAD_REQUEST, f"Groq refused the request (error {status}).")

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


async def _close_quietly(stream: Any) -> None:
    try:
        await stream.close()
    except Exception:  # noqa: BLE001 - closing a broken connection may fail; nothing to tell
        log.debug("Ignoring error while closing the Groq stream", exc_info=False)


def _usage_of(chunk: Any) -> dict[str, float]:
    usage = None
    x_groq = getattr(chunk, "x_groq", None)
    if x_groq is not None and x_groq.usage is not None:
        usage = x_groq.usage
    elif getattr(chunk, "usage", None) is not None:  # OpenAI-style stream_options usage
        usage = chunk.usage
    if usage is None:
        return {}
    out: dict[str, float] = {}
    for key in _USAGE_KEYS:
        value = getattr(usage, key, None)
        if value is not None:
            out[key] = value
    return out


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
        n = max(1, math.ceil(seconds))
        return f"{n} second" + ("" if n == 1 else "s")
    if seconds < 3600:
        n = math.ceil(seconds / 60)
        return f"{n} minute" + ("" if n == 1 else "s")
    n = math.ceil(seconds / 3600)
    return f"{n} hour" + ("" if n == 1 else "s")
