"""An httpx transport for streamed replies: one connection per request, its body read in bulk.

Why not httpx's own transport (httpcore + h11 + anyio): Groq sends each SSE event as a chunk of
its own, and httpcore hands a body over one chunk at a time, through h11's state machine and five
levels of async generators; with anyio's read timeout and pause/resume of the socket around every
read. At 1,000 tokens/s that was most of a bare window's CPU (bench/stream_window.py, "bare").
Here a read takes everything the socket holds, decodes the chunked framing with a few bytes
operations, and hands the body over as one piece; the read timeout is one timer for the whole
reply, re-armed only when it fires.

It is an `httpx.AsyncBaseTransport` (the public extension point the SDK takes through
`http_client`), so the SDK still does auth, base URL, retries and status errors, and failures are
httpx's own exceptions (`ConnectError`, `ConnectTimeout`, `ReadTimeout`, `ReadError`,
`RemoteProtocolError`, `WriteTimeout`), which groq_client.py maps as before. h11 writes the
request and parses the status line and headers. TLS is asyncio's, with httpx's default context
(certifi, SSL_CERT_FILE). The connection is not kept for the next request: httpx keeps an idle
one only 5 s, and a reply takes longer to read than that. With a proxy set in the environment,
groq_client.py streams through httpx's own transport instead.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import Any

import h11
import httpx

# A chunk-size line longer than this is not HTTP (a line is hex digits and maybe extensions).
_MAX_LINE = 4096
# Headers larger than this are not a reply from Groq.
_MAX_HEADERS = 256 * 1024


class StreamTransport(httpx.AsyncBaseTransport):
    """Each request on a new connection, closed when its response is closed."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl_context = ssl_context

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        url = request.url
        secure = url.scheme == "https"
        if secure and self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context()
        host = url.host
        port = url.port or (443 if secure else 80)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeouts.get("connect")):
                _, reader = await loop.create_connection(
                    lambda: _Reader(request, loop),
                    host,
                    port,
                    ssl=self._ssl_context if secure else None,
                    server_hostname=host if secure else None,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout("Timed out connecting", request=request) from None
        except OSError as exc:  # ssl.SSLError is one
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from None
        try:
            return await reader.exchange(timeouts.get("write"), timeouts.get("read"))
        except BaseException:
            reader.close()
            raise


class _Reader(asyncio.Protocol):
    """One request's connection: writes the request, then reads the response as it is asked to.

    The socket is read only while `read()` waits (reading is paused in between), so what arrives
    meanwhile waits in the kernel and the next read takes it all at once."""

    def __init__(self, request: httpx.Request, loop: asyncio.AbstractEventLoop) -> None:
        self._request = request
        self._loop = loop
        self._transport: asyncio.Transport | None = None
        self._received: list[bytes] = []
        self._eof = False
        self._lost: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        # The read timeout: one timer, checked (and re-armed) when it fires.
        self._read_timeout: float | None = None
        self._waiting_since = 0.0
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        transport.set_write_buffer_limits(0)  # pause_writing until all of the request is sent
        transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        self._received.append(data)
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = exc
        self._eof = True
        self._wake()
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def pause_writing(self) -> None:
        self._drained = self._loop.create_future()

    def resume_writing(self) -> None:
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # -- reading
    async def read(self) -> bytes:
        """All bytes received so far, waiting for some if there are none; b"" at the end."""
        if not self._received and not self._eof:
            assert self._transport is not None
            self._waiter = self._loop.create_future()
            self._waiting_since = self._loop.time()
            if self._timer is None and self._read_timeout is not None:
                self._timer = self._loop.call_at(
                    self._waiting_since + self._read_timeout, self._check_timeout
                )
            self._transport.resume_reading()
            try:
                await self._waiter
            finally:
                self._waiter = None
                if not self._transport.is_closing():
                    self._transport.pause_reading()
        if self._received:
            data = b"".join(self._received) if len(self._received) > 1 else self._received[0]
            self._received.clear()
            return data
        if self._lost is not None:
            raise httpx.ReadError(str(self._lost) or type(self._lost).__name__)
        return b""

    def _check_timeout(self) -> None:
        self._timer = None
        if self._waiter is None or self._waiter.done() or self._read_timeout is None:
            return  # not waiting now: the next wait arms the timer again
        due = self._waiting_since + self._read_timeout
        if self._loop.time() >= due:
            self._waiter.set_exception(httpx.ReadTimeout("Timed out reading"))
        else:
            self._timer = self._loop.call_at(due, self._check_timeout)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._transport is not None:
            self._transport.close()

    # -- the exchange
    async def exchange(self, write_timeout: float | None, read_timeout: float | None) -> Any:
        request = self._request
        assert self._transport is not None
        h11_state = h11.Connection(our_role=h11.CLIENT)
        head = h11_state.send(
            h11.Request(
                method=request.method,
                target=request.url.raw_path,
                headers=request.headers.raw,
            )
        )
        body = await request.aread()
        self._transport.write(head + _framed(h11_state, body))
        if self._drained is not None:
            try:
                async with asyncio.timeout(write_timeout):
                    await self._drained
            except TimeoutError:
                raise httpx.WriteTimeout("Timed out sending the request", request=request) from None
        self._read_timeout = read_timeout
        response, rest = await self._read_head(h11_state)
        framing = _framing(response)
        stream = _Body(self, framing, rest, request)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=stream,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason},
            request=request,
        )

    async def _read_head(self, h11_state: h11.Connection) -> tuple[h11.Response, bytes]:
        """The final response's head (1xx ones skipped) and the body bytes read with it."""
        received = 0
        while True:
            try:
                event = h11_state.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc), request=self._request) from None
            if isinstance(event, h11.Response):
                data, _ = h11_state.trailing_data
                return event, bytes(data)
            if event is h11.NEED_DATA:
                try:
                    data = await self.read()
                except httpx.ReadTimeout:
                    raise httpx.ReadTimeout("Timed out reading", request=self._request) from None
                except httpx.ReadError as exc:
                    raise httpx.ReadError(str(exc), request=self._request) from None
                received += len(data)
                if not data:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.", request=self._request
                    )
                if received > _MAX_HEADERS:
                    raise httpx.RemoteProtocolError("Headers too large", request=self._request)
                h11_state.receive_data(data)
            # else an InformationalResponse (1xx): the final one follows


def _framed(h11_state: h11.Connection, body: bytes) -> bytes:
    out = h11_state.send(h11.Data(data=body)) if body else b""
    return (out or b"") + (h11_state.send(h11.EndOfMessage()) or b"")


def _framing(response: h11.Response) -> str | int:
    """'chunked', a Content-Length, or 'close' (the body ends with the connection)."""
    if 100 <= response.status_code < 200 or response.status_code in (204, 304):
        return 0
    encodings = [v.lower() for k, v in response.headers if k == b"transfer-encoding"]
    if encodings and b"chunked" in b",".join(encodings):
        return "chunked"
    lengths = [v for k, v in response.headers if k == b"content-length"]
    if lengths:
        return int(lengths[0])  # h11 checked it is one decimal number
    return "close"


class _Body(httpx.AsyncByteStream):
    """A response body: one piece per read of the socket (all that had arrived)."""

    def __init__(
        self, reader: _Reader, framing: str | int, rest: bytes, request: httpx.Request
    ) -> None:
        self._reader = reader
        self._request = request
        self._chunks = ChunkedDecoder() if framing == "chunked" else None
        self._left = framing if isinstance(framing, int) else None  # bytes of a sized body
        self._first = rest

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            while True:
                if self._first:
                    data, self._first = self._first, b""
                else:
                    if self._left == 0 or (self._chunks is not None and self._chunks.done):
                        return
                    data = await self._read()
                    if not data:
                        if self._chunks is not None or self._left:
                            raise httpx.RemoteProtocolError(
                                "peer closed connection without sending complete message body",
                                request=self._request,
                            )
                        return
                if self._chunks is not None:
                    try:
                        data = self._chunks.feed(data)
                    except ValueError as exc:
                        raise httpx.RemoteProtocolError(str(exc), request=self._request) from None
                elif self._left is not None:
                    data = data[: self._left]
                    self._left -= len(data)
                if data:
                    yield data
        finally:
            self._reader.close()

    async def _read(self) -> bytes:
        try:
            return await self._reader.read()
        except httpx.ReadTimeout:
            raise httpx.ReadTimeout("Timed out reading", request=self._request) from None
        except httpx.ReadError as exc:
            raise httpx.ReadError(str(exc), request=self._request) from None

    async def aclose(self) -> None:
        self._reader.close()


class ChunkedDecoder:
    """HTTP/1.1 chunked transfer coding, decoded from bytes as they arrive (RFC 9112 §7.1).

    `feed(data)` returns the body bytes `data` completed; `done` once the last chunk and its
    trailers have been read. Raises ValueError on framing that is not chunked coding."""

    def __init__(self) -> None:
        self._pending = b""
        self._left = 0  # bytes of the current chunk's data still to come
        self._crlf = False  # the current chunk's data is read; its CRLF is next
        self._trailers = False  # the last chunk was read; trailer lines until an empty one
        self.done = False

    def feed(self, data: bytes) -> bytes:
        buffer = self._pending + data if self._pending else data
        pieces: list[bytes] = []
        at, end = 0, len(buffer)
        while not self.done:
            if self._left:
                take = min(self._left, end - at)
                pieces.append(buffer[at : at + take])
                at += take
                self._left -= take
                if self._left:
                    break
                self._crlf = True
            if self._crlf:
                if end - at < 2:
                    break
                if buffer[at : at + 2] != b"\r\n":
                    raise ValueError("chunk data not followed by CRLF")
                at += 2
                self._crlf = False
            line_end = buffer.find(b"\r\n", at)
            if line_end < 0:
                if end - at > _MAX_LINE:
                    raise ValueError("chunk size line too long")
                break
            line = buffer[at:line_end]
            at = line_end + 2
            if self._trailers:
                if not line:
                    self.done = True
                continue
            size = line.split(b";", 1)[0].strip()
            if not size or size.lstrip(b"0123456789abcdefABCDEF"):
                raise ValueError("bad chunk size line")
            self._left = int(size, 16)
            if not self._left:
                self._trailers = True
        self._pending = buffer[at:] if not self.done else b""
        return b"".join(pieces) if len(pieces) != 1 else pieces[0]
