"""Server-sent events, parsed from raw bytes, and a read that tells whether it had to wait.

The groq SDK's own stream builds a pydantic-like model object per chunk and decodes SSE line by
line in Python; at 1,000 tokens/s that alone kept half a core busy. Here a network read is split
into events with a few bytes operations, and only an event's `data` is handed to a JSON parser.
"""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Awaitable, Generator
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class Event(NamedTuple):
    """One dispatched event (WHATWG event-stream rules): `data` lines joined by newlines."""

    type: str | None
    data: bytes


class SSEParser:
    """Feed it bytes as they arrive; it returns the events completed so far."""

    def __init__(self) -> None:
        self._pending = b""
        self._after_cr = False  # the last read ended in \r: a \n first in the next one is its pair

    def feed(self, data: bytes) -> list[Event]:
        if self._after_cr and data.startswith(b"\n"):
            data = data[1:]
        if b"\r" in data:  # lines may end in \r\n, \n or \r
            self._after_cr = data.endswith(b"\r")
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        else:
            self._after_cr = False
        *blocks, self._pending = (self._pending + data).split(b"\n\n")  # a blank line ends one
        events = []
        for block in blocks:
            if block.startswith(b"data: ") and b"\n" not in block:  # Groq's only shape
                events.append(Event(None, block[6:]))
            elif block:
                event = _parse_block(block)
                if event is not None:
                    events.append(event)
        return events


def _parse_block(block: bytes) -> Event | None:
    kind: str | None = None
    data: list[bytes] = []
    for line in block.split(b"\n"):
        if not line or line.startswith(b":"):  # a comment, e.g. a keep-alive
            continue
        name, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if name == b"data":
            data.append(value)
        elif name == b"event":
            kind = value.decode("utf-8", "replace") or None
    if not data:  # an event without data is not dispatched
        return None
    return Event(kind, b"\n".join(data))


@types.coroutine
def _await_noting_wait(awaitable: Awaitable[T]) -> Generator[Any, Any, tuple[T, bool]]:
    """Await `awaitable`; return (its result, whether it had to wait for the event loop).

    A plain `yield from` that counts: the futures the awaitable yields go to the task as usual,
    and cancellation or close is passed back in unchanged.
    """
    steps = awaitable.__await__()
    try:
        future = steps.send(None)
    except StopIteration as done:
        return done.value, False
    while True:
        try:
            sent = yield future
        except BaseException as error:  # noqa: BLE001 - cancel or close: for the awaitable
            try:
                future = steps.throw(error)
            except StopIteration as done:
                return done.value, True
        else:
            try:
                future = steps.send(sent)
            except StopIteration as done:
                return done.value, True


async def next_noting_wait(iterator: AsyncIterator[T]) -> tuple[T, bool]:
    """The iterator's next item, and whether getting it waited (i.e. read the network) rather
    than coming from what an earlier read left buffered. Raises StopAsyncIteration at the end."""
    return await _await_noting_wait(iterator.__anext__())
