"""An httpx transport for streamed replies: one connection per request, its body read in bulk.

Why not httpx's own transport (httpcore + h11 + anyio): Groq sends each SSE event as a chunk of
its own, and httpcore hands a body over one chunk at a time, through h11's state machine and five
levels of async generators; and around every read anyio resumes and pauses the socket (under
qasync a new QSocketNotifier each time) and arms a timer for the read timeout. In a bare window
at 1,000 tokens/s that was most of the CPU (bench/stream_window.py, "bare").

Here a read is one `recv()` of a non-blocking socket, taking everything the kernel holds; only
when it holds nothing does the read wait for the socket. The chunked framing is decoded with a
few bytes operations and the body handed over as one piece per read; the read timeout is one
timer for the whole reply, re-armed only when it fires. TLS runs through `ssl.MemoryBIO` (as
asyncio's own does) with httpx's default context (certifi's roots, SSL_CERT_FILE).

It is an `httpx.AsyncBaseTransport` (the public extension point the SDK takes through
`http_client`), so the SDK still does auth, base URL, retries and status errors, and failures are
httpx's own exceptions (`ConnectError`, `ConnectTimeout`, `ReadTimeout`, `ReadError`,
`RemoteProtocolError`, `WriteTimeout`, `WriteError`), which groq_client.py maps as before. h11
writes the request and parses the status line and headers. The connection is not kept for the
next request: httpx keeps an idle one only 5 s, and a reply takes longer than that to read. With
a proxy set in the environment, or on Windows (qasync's loop there is a proactor, which has no
`add_reader`), groq_client.py streams through httpx's own transport instead.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator

import h11
import httpx

# A chunk-size line longer than this is not HTTP (a line is hex digits and maybe extensions).
_MAX_LINE = 4096
# The most one recv() takes (the kernel's receive buffer rarely holds more).
_READ_SIZE = 256 * 1024
# Headers larger than this are not a reply from Groq.
_MAX_HEADERS = 256 * 1024


class StreamTransport(httpx.AsyncBaseTransport):
    """Each request on a new connection, closed when its response is closed."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        if ssl_context is None:
            # Made here, not at the first request: loading certifi's roots takes ~60 ms, and
            # GroqClient.warm_up builds this transport on a worker thread.
            ssl_context = httpx.create_ssl_context()
            ssl_context.set_alpn_protocols(["http/1.1"])  # as httpcore offers it
        self._ssl_context = ssl_context

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        url = request.url
        secure = url.scheme == "https"
        loop = asyncio.get_running_loop()
        connection: _Connection | None = None
        try:
            try:
                async with asyncio.timeout(timeouts.get("connect")):
                    sock = await _connect(loop, url.host, url.port or (443 if secure else 80))
                    connection = _Connection(sock, loop, request)
                    if secure:
                        await connection.start_tls(self._ssl_context, url.host)
            except TimeoutError:
                raise httpx.ConnectTimeout("Timed out connecting", request=request) from None
            except OSError as exc:  # ssl.SSLError is one
                message = str(exc) or type(exc).__name__
                raise httpx.ConnectError(message, request=request) from None
            return await connection.exchange(timeouts.get("write"), timeouts.get("read"))
        except BaseException:
            if connection is not None:
                connection.close()
            raise


async def _connect(loop: asyncio.AbstractEventLoop, host: str, port: int) -> socket.socket:
    """A connected non-blocking TCP socket to the first of `host`'s addresses that answers."""
    error: OSError | None = None
    for family, kind, proto, _, address in await loop.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    ):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await loop.sock_connect(sock, address)
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
        else:
            return sock
    raise error or OSError(f"No address found for {host}")


class _Connection:
    """One request's connection: a non-blocking socket (TLS through a memory BIO).

    A read first takes what the kernel holds, and waits for the socket only when it holds
    nothing: after a pause for a frame, bytes have nearly always arrived, so a read costs a
    recv() and no registration with the event loop (under qasync, a new QSocketNotifier each
    time, ~0.25 ms a read on the test machine)."""

    def __init__(
        self, sock: socket.socket, loop: asyncio.AbstractEventLoop, request: httpx.Request
    ) -> None:
        self._sock = sock
        self._loop = loop
        self._request = request
        self._tls: ssl.SSLObject | None = None
        self._tls_in = ssl.MemoryBIO()
        self._tls_out = ssl.MemoryBIO()
        self._waiter: asyncio.Future[None] | None = None
        # The read timeout: one timer, checked (and re-armed) when it fires.
        self._read_timeout: float | None = None
        self._waiting_since = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False

    async def start_tls(self, context: ssl.SSLContext, host: str) -> None:
        self._tls = tls = context.wrap_bio(self._tls_in, self._tls_out, server_hostname=host)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                await self._flush_tls()
                data = await self._recv_raw()
                if not data:
                    raise ConnectionResetError(
                        "The server closed the connection during TLS"
                    ) from None
                self._tls_in.write(data)
        await self._flush_tls()

    async def _flush_tls(self) -> None:
        if self._tls_out.pending:
            await self._loop.sock_sendall(self._sock, self._tls_out.read())

    async def send(self, data: bytes) -> None:
        if self._tls is not None:
            self._tls.write(data)
            await self._flush_tls()
        else:
            await self._loop.sock_sendall(self._sock, data)

    async def _recv_raw(self) -> bytes:
        """What the socket holds (b"" at its end), waiting for bytes if it holds none."""
        while True:
            try:
                return self._sock.recv(_READ_SIZE)
            except (BlockingIOError, InterruptedError):
                pass
            await self._readable()

    async def _readable(self) -> None:
        self._waiter = waiter = self._loop.create_future()
        self._waiting_since = self._loop.time()
        if self._timer is None and self._read_timeout is not None:
            self._timer = self._loop.call_at(
                self._waiting_since + self._read_timeout, self._check_timeout
            )
        fd = self._sock.fileno()
        self._loop.add_reader(fd, _wake, waiter)
        try:
            await waiter
        finally:
            self._waiter = None
            if not self._closed:
                self._loop.remove_reader(fd)

    def _check_timeout(self) -> None:
        self._timer = None
        waiter = self._waiter
        if waiter is None or waiter.done() or self._read_timeout is None:
            return  # not waiting now: the next wait arms the timer again
        due = self._waiting_since + self._read_timeout
        if self._loop.time() >= due:
            waiter.set_exception(httpx.ReadTimeout("Timed out reading", request=self._request))
        else:
            self._timer = self._loop.call_at(due, self._check_timeout)

    async def read(self) -> bytes:
        """All bytes received so far, waiting for some if there are none; b"" at the end.
        Raises httpx.ReadTimeout, httpx.ReadError."""
        try:
            if self._tls is None:
                return await self._recv_raw()
            return await self._read_tls(self._tls)
        except OSError as exc:  # a reset; ssl.SSLError is one
            raise httpx.ReadError(str(exc) or type(exc).__name__, request=self._request) from None

    async def _read_tls(self, tls: ssl.SSLObject) -> bytes:
        pieces: list[bytes] = []
        while True:
            try:
                while True:
                    piece = tls.read(_READ_SIZE)
                    if not piece:
                        return b"".join(pieces)  # the server closed TLS (close_notify)
                    pieces.append(piece)
            except ssl.SSLWantReadError:
                pass
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b"".join(pieces)  # the end; an unclean one shows in the body's framing
            if pieces:
                return b"".join(pieces)
            await self._flush_tls()  # e.g. a key update TLS 1.3 asks to answer
            data = await self._recv_raw()
            if data:
                self._tls_in.write(data)
                while len(data) == _READ_SIZE:  # take all the kernel holds before decrypting
                    try:
                        data = self._sock.recv(_READ_SIZE)
                    except (BlockingIOError, InterruptedError):
                        break
                    self._tls_in.write(data)
            else:
                self._tls_in.write_eof()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiter is not None:
            self._loop.remove_reader(self._sock.fileno())
            if not self._waiter.done():
                self._waiter.set_exception(httpx.ReadError("closed", request=self._request))
        self._sock.close()

    # -- the exchange
    async def exchange(
        self, write_timeout: float | None, read_timeout: float | None
    ) -> httpx.Response:
        request = self._request
        h11_state = h11.Connection(our_role=h11.CLIENT)
        head = h11_state.send(
            h11.Request(
                method=request.method,
                target=request.url.raw_path,
                headers=request.headers.raw,
            )
        )
        body = await request.aread()
        try:
            async with asyncio.timeout(write_timeout):
                await self.send((head or b"") + _framed(h11_state, body))
        except TimeoutError:
            raise httpx.WriteTimeout("Timed out sending the request", request=request) from None
        except OSError as exc:
            raise httpx.WriteError(str(exc) or type(exc).__name__, request=request) from None
        self._read_timeout = read_timeout
        response, rest = await self._read_head(h11_state)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Body(self, _framing(response), rest, request),
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
                data = await self.read()
                received += len(data)
                if not data:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.", request=self._request
                    )
                if received > _MAX_HEADERS:
                    raise httpx.RemoteProtocolError("Headers too large", request=self._request)
                h11_state.receive_data(data)
            # else an InformationalResponse (1xx): the final one follows


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


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
        self, connection: _Connection, framing: str | int, rest: bytes, request: httpx.Request
    ) -> None:
        self._connection = connection
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
                    data = await self._connection.read()
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
            self._connection.close()

    async def aclose(self) -> None:
        self._connection.close()


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
        left, crlf = self._left, self._crlf  # locals: this runs once per token
        find = buffer.find
        while not self.done:
            if left:
                stop = at + left
                if stop > end:
                    pieces.append(buffer[at:])
                    left -= end - at
                    at = end
                    break
                pieces.append(buffer[at:stop])
                at, left, crlf = stop, 0, True
            if crlf:
                if end - at < 2:
                    break
                if buffer[at : at + 2] != b"\r\n":
                    raise ValueError("chunk data not followed by CRLF")
                at += 2
                crlf = False
            line_end = find(b"\r\n", at)
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
            size = line.split(b";", 1)[0].strip() if b";" in line else line.strip()
            if not size or size.lstrip(b"0123456789abcdefABCDEF"):
                raise ValueError("bad chunk size line")
            left = int(size, 16)
            if not left:
                self._trailers = True
        self._left, self._crlf = left, crlf
        self._pending = buffer[at:] if not self.done else b""
        return b"".join(pieces) if len(pieces) != 1 else pieces[0]
