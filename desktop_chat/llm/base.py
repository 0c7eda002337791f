"""The small interface the chat service needs from a language model provider."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


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


@dataclass
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass
class StreamResult:
    """Filled in while a reply streams; complete once the stream has ended cleanly."""

    model: str = ""
    usage: dict[str, float] = field(default_factory=dict)
    finish_reason: str | None = None


class LLMClient(Protocol):
    model: str
    temperature: float

    def stream(
        self, messages: list[ChatMessage], result: StreamResult
    ) -> AsyncGenerator[str, None]:
        """Yield the reply's text pieces; fill `result` from the final chunk. Raises LLMError.

        A generator, not just an iterator: callers close it (`contextlib.aclosing`) so a stop
        ends the request at once."""
        ...

    async def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str:
        """The whole reply at once (summaries, titles). Raises LLMError."""
        ...

    async def models(self) -> list[str]: ...

    async def close(self) -> None: ...
