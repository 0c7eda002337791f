"""The small interface the chat service needs from a language model provider."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class LLMErrorKind(StrEnum):
    AUTH = "auth"
    RATE_LIMIT = "rate_limit"
    UNAVAILABLE = "unavailable"
    CONNECTION = "connection"
    TIMEOUT = "timeout"
    BAD_REQUEST = "bad_request"
    TOO_LONG = "too_long"  # the reply reached the client's cap; what arrived is kept


class LLMError(Exception):
    """A provider failure, already put in words a user understands."""

    def __init__(self, kind: LLMErrorKind, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        # x-ratelimit-* of the refusing reply, when it had them (see StreamResult.rate_limits)
        self.rate_limits: dict[str, int | str] = {}


@dataclass
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str
    # Images sent with a user message, as data URLs: the content becomes a list of parts,
    # the text first, then one `image_url` part each (the vision wire format).
    images: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        if not self.images:
            return {"role": self.role, "content": self.content}
        parts: list[dict[str, Any]] = [{"type": "text", "text": self.content}]
        parts += [{"type": "image_url", "image_url": {"url": url}} for url in self.images]
        return {"role": self.role, "content": parts}


def searches_with(web_search: bool, with_images: bool) -> bool:
    """Whether a reply searches the web: the toggle is on and the request carries no images.
    Groq's models that see are neither gpt-oss nor a compound system, the two that search,
    and handing images to a model that cannot see would lose them."""
    return web_search and not with_images


class ReasoningPiece(str):
    """A piece of the model's reasoning ("thinking"), streamed before the answer. A `stream()`
    yields these beside plain `str` pieces of the answer; they are kept apart from the answer
    and never sent back to the model."""

    __slots__ = ()


@dataclass
class StreamResult:
    """Filled in while a reply streams; complete once the stream has ended cleanly."""

    model: str = ""
    # prompt/completion/total tokens, completion_time, and when sent cached_tokens and
    # reasoning_tokens (flattened from the *_tokens_details objects)
    usage: dict[str, float] = field(default_factory=dict)
    finish_reason: str | None = None
    # What the model's server-side tools searched and read (web search): a list of
    # {"kind": "search", "query"} and {"kind": "page", "title", "url"} entries.
    sources: list[dict[str, str]] = field(default_factory=list)
    # From the reply's x-ratelimit-* headers: limit/remaining as ints, reset as Groq's text
    # ("2m59.56s"), keyed e.g. "remaining_requests", "reset_tokens".
    rate_limits: dict[str, int | str] = field(default_factory=dict)


@runtime_checkable
class SupportsRequestOptions(Protocol):
    """A client that takes Groq's per-request extras (GroqClient; tests' scripted clients
    need not)."""

    reasoning_effort: str | None  # gpt-oss: "low" | "medium" | "high"
    search_model: str  # who answers a web search for models without a search tool
    web_search: bool  # the next replies search the web


class LLMClient(Protocol):
    model: str
    temperature: float

    def stream(
        self, messages: list[ChatMessage], result: StreamResult, model: str | None = None
    ) -> AsyncGenerator[str, None]:
        """Yield the reply's text pieces; fill `result` from the final chunk. Raises LLMError.
        `model`: this request's model instead of `self.model` (a message with images goes to
        a vision model).

        A generator, not just an iterator: callers close it (`contextlib.aclosing`) so a stop
        ends the request at once."""
        ...

    async def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str:
        """The whole reply at once (summaries, titles). Raises LLMError."""
        ...

    async def models(self) -> list[str]: ...

    async def transcribe(self, audio: bytes, language: str | None = None) -> str:
        """The text spoken in a recording (a WAV file's bytes). Raises LLMError."""
        ...

    def speak(self, text: str, voice: str) -> AsyncGenerator[bytes, None]:
        """`text` (one sentence, <= 200 characters) spoken: a WAV file's bytes as they
        arrive. Raises LLMError."""
        ...

    async def close(self) -> None: ...
