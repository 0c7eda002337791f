"""The streamed replies' HTTP transport (desktop_chat/llm/http_stream.py), against the loopback
FakeGroqServer. GroqClient's behaviour through it (faults, errors, cancel) is test_groq_client.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import ssl
import subprocess

import httpx
import pytest

from desktop_chat.llm.base import ChatMessage, StreamResult
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.llm.http_stream import ChunkedDecoder, StreamTransport
from tests.support.groq_server import FakeGroqServer, split_tokens

# Not on Windows: qasync's loop there is a proactor, and GroqClient streams through httpx.
pytestmark = pytest.mark.skipif(os.name == "nt", reason="StreamTransport needs add_reader")

REPLY = "one two three four five six seven eight nine ten " * 20


@pytest.fixture
def server():
    with FakeGroqServer() as srv:
        yield srv


def post_stream(client: httpx.AsyncClient, server: FakeGroqServer):
    return client.stream(
        "POST",
        f"{server.base_url}/openai/v1/chat/completions",
        headers={"Authorization": f"Bearer {server.api_key}"},
        json={
            "model": "llama-3.1-8b-instant",
            "messages": [{"role": "user", "content": "go"}],
            "stream": True,
        },
    )


def texts_of(body: bytes) -> str:
    """The content of every SSE chunk in `body`, joined."""
    text = []
    for line in body.split(b"\n\n"):
        if line.startswith(b"data: {"):
            choices = json.loads(line[6:])["choices"]
            if choices:
                text.append(choices[0]["delta"].get("content") or "")
    return "".join(text)


def test_a_read_takes_everything_that_arrived_since_the_last_one(server):
    """What makes the transport cheap: a read after a pause gets the whole backlog as one piece,
    not one piece per HTTP chunk (httpx's own transport gives ~200 here)."""
    server.reply_text = REPLY
    server.tokens_per_second = 2000

    async def main():
        client = httpx.AsyncClient(transport=StreamTransport())
        async with client, post_stream(client, server) as response:
            pieces = []
            async for data in response.aiter_raw():
                pieces.append(data)
                await asyncio.sleep(0.05)  # a frame
            return response, pieces

    response, pieces = asyncio.run(asyncio.wait_for(main(), 10))
    assert response.status_code == 200
    body = b"".join(pieces)
    assert texts_of(body) == REPLY
    assert body.endswith(b"data: [DONE]\n\n")
    assert len(split_tokens(REPLY)) > 200  # HTTP chunks, one per token
    assert len(pieces) <= 20  # ~0.1 s of stream, a read every 50 ms


def test_a_steady_stream_longer_than_the_read_timeout_does_not_time_out(server):
    """The read timeout is one timer for the whole reply: it must measure each wait, not the
    time since the first read."""
    server.reply_text = REPLY[:120]  # 24 tokens at 40/s: 0.6 s
    server.tokens_per_second = 40

    async def main():
        timeout = httpx.Timeout(5.0, read=0.25)
        client = httpx.AsyncClient(transport=StreamTransport(), timeout=timeout)
        async with client, post_stream(client, server) as response:
            return b"".join([data async for data in response.aiter_raw()])

    assert texts_of(asyncio.run(asyncio.wait_for(main(), 10))) == REPLY[:120]


def test_a_stalled_stream_is_a_read_timeout(server):
    server.reply_text = REPLY
    server.fail_next("stall", after=3)

    async def main():
        timeout = httpx.Timeout(5.0, read=0.3)
        client = httpx.AsyncClient(transport=StreamTransport(), timeout=timeout)
        async with client, post_stream(client, server) as response:
            async for _ in response.aiter_raw():
                pass

    loop_time = asyncio.new_event_loop()
    try:
        started = loop_time.time()
        with pytest.raises(httpx.ReadTimeout):
            loop_time.run_until_complete(asyncio.wait_for(main(), 10))
        assert loop_time.time() - started < 3
    finally:
        loop_time.close()
    server.unstall.set()


def test_a_connection_dropped_mid_body_is_a_protocol_error(server):
    server.reply_text = REPLY
    server.fail_next("drop", after=3)

    async def main():
        client = httpx.AsyncClient(transport=StreamTransport())
        async with client, post_stream(client, server) as response:
            async for _ in response.aiter_raw():
                pass

    with pytest.raises(httpx.RemoteProtocolError):
        asyncio.run(asyncio.wait_for(main(), 10))


def test_sized_bodies_and_error_statuses_are_read_whole(server):
    async def main():
        async with httpx.AsyncClient(transport=StreamTransport()) as client:
            models = await client.get(
                f"{server.base_url}/openai/v1/models",
                headers={"Authorization": f"Bearer {server.api_key}"},
            )
            refused = await client.get(f"{server.base_url}/openai/v1/models")
            return models, refused

    models, refused = asyncio.run(asyncio.wait_for(main(), 10))
    assert models.status_code == 200
    assert [m["id"] for m in models.json()["data"]] == server.models
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_api_key"


def test_connection_refused_is_a_connect_error():
    async def main():
        async with httpx.AsyncClient(transport=StreamTransport()) as client:
            await client.get("http://127.0.0.1:9/")  # discard: nothing listens

    with pytest.raises(httpx.ConnectError):
        asyncio.run(asyncio.wait_for(main(), 10))


# ------------------------------------------------------------------ chunked coding

CHUNKED = b"5\r\nhello\r\n1;name=value\r\n \r\nA\r\n0123456789\r\n0\r\nExpires: never\r\n\r\n"


def test_chunked_coding_decodes_the_same_however_the_bytes_are_split():
    for cuts in itertools.combinations(range(1, len(CHUNKED)), 2):
        decoder = ChunkedDecoder()
        parts = [CHUNKED[: cuts[0]], CHUNKED[cuts[0] : cuts[1]], CHUNKED[cuts[1] :]]
        body = b"".join(decoder.feed(part) for part in parts)
        assert body == b"hello 0123456789", cuts
        assert decoder.done


def test_chunked_coding_is_not_done_before_the_last_chunk():
    decoder = ChunkedDecoder()
    assert decoder.feed(CHUNKED[:-2]) == b"hello 0123456789"
    assert not decoder.done


@pytest.mark.parametrize(
    "bad",
    [b"zz\r\nhello\r\n", b"5\r\nhelloXX", b"\r\n", b"-5\r\nhello\r\n", b"5" * 5000],
)
def test_framing_that_is_not_chunked_coding_is_refused(bad):
    with pytest.raises(ValueError):
        ChunkedDecoder().feed(bad)


# ------------------------------------------------------------------ TLS, as Groq speaks it


@pytest.fixture
def tls_server(tmp_path):
    """A FakeGroqServer on HTTPS with a self-signed certificate, and a client context that
    trusts it."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    command = (
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        " -subj /CN=x -addext subjectAltName=IP:127.0.0.1"
    )
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    with FakeGroqServer(tls=served) as srv:
        yield srv, ssl.create_default_context(cafile=str(cert))


def test_a_reply_streams_over_tls_with_the_backlog_per_read(tls_server):
    server, trusted = tls_server
    server.reply_text = REPLY
    server.tokens_per_second = 2000

    async def main():
        client = httpx.AsyncClient(transport=StreamTransport(trusted))
        async with client, post_stream(client, server) as response:
            pieces = []
            async for data in response.aiter_raw():
                pieces.append(data)
                await asyncio.sleep(0.05)
            return pieces

    pieces = asyncio.run(asyncio.wait_for(main(), 10))
    assert server.base_url.startswith("https://")
    assert texts_of(b"".join(pieces)) == REPLY
    assert len(pieces) <= 20


def test_an_untrusted_certificate_is_a_connect_error(tls_server):
    server, _ = tls_server

    async def main():
        async with httpx.AsyncClient(transport=StreamTransport()) as client:  # certifi's roots
            await client.get(f"{server.base_url}/openai/v1/models")

    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        asyncio.run(asyncio.wait_for(main(), 10))


# ------------------------------------------------------------------ proxies


def test_with_a_proxy_in_the_environment_a_reply_streams_through_it(server, monkeypatch):
    """StreamTransport does not speak to proxies; with one set, GroqClient streams through
    httpx's own transport, which does. The fake server acts as the proxy for a host that does
    not exist: only a request sent through the proxy reaches it."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.base_url)
    server.reply_text = "Through the proxy."

    async def main():
        client = GroqClient(server.api_key, base_url="http://groq.invalid")
        try:
            pieces = []
            async for piece in client.stream([ChatMessage("user", "hi")], StreamResult()):
                pieces.append(piece)
            return "".join(pieces)
        finally:
            await client.close()

    assert asyncio.run(asyncio.wait_for(main(), 10)) == "Through the proxy."
