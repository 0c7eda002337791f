"""A loopback HTTP server that speaks the subset of Groq's wire protocol the app uses.

It runs in a background thread (stdlib `ThreadingHTTPServer`), so sync tests, async tests
(`asyncio.run`) and a Qt app with a qasync loop in the main thread can all talk to it with the
REAL `groq` client:

    with FakeGroqServer() as server:
        client = GroqClient(server.api_key, base_url=server.base_url)

Endpoints (paths as the SDK sends them; `base_url` has no /openai/v1 suffix):
- POST /openai/v1/chat/completions  stream=true -> SSE (chunked, flushed per token), else JSON
- GET  /openai/v1/models
- POST /openai/v1/audio/transcriptions, /openai/v1/audio/speech: see groq_audio.py

Vision (console.groq.com/docs/vision): a user message's `content` may be a list of parts,
`{"type": "text"}` and `{"type": "image_url", "image_url": {"url": "data:<mime>;base64,..."}}`.
Only models in `VISION_MODELS` take images (others: 400); at most 5 images a request (400);
a request with base64 images over 4 MB: 413. Unless `reply_text`/`reply_for` is set, a request
with images is answered with what it carried: "I see 2 images: 640x480 image/png (1,234
bytes); ..." (`describe_images`), counted over the whole request, oldest first.

Scripting:
- `reply_text` or `reply_for(body) -> str` decide the reply; `tokens_per_second` paces it.
- `max_tokens` / `max_completion_tokens` in the request cut the reply (finish_reason "length").
- Unknown models get Groq's 404 `model_not_found` (see `models`).
- Faults, for chat-completion requests: `fail_next(mode, **kw)` (queued, one request each) or the
  persistent `mode` / `mode_options`. Modes:
    "ok"
    "<status>" e.g. "400", "401", "429", "498", "500", "503": that error with Groq's error JSON;
        kw `message`; for "429" kw `retry_after` (default 7, None = no header)
    "drop"        send `after` tokens (default 2), then close the socket mid-body (no [DONE])
    "stall"       send `after` tokens, then send nothing but keep the socket open until
                  `unstall` is set or the server stops
    "hang"        read the request and never answer (before headers) until unstall/stop
    "truncate"    send `after` tokens, then end the body cleanly without final chunk or [DONE]
    "error_event" send `after` tokens, then an in-stream `{"error": {...}}` event (kw `message`)
    "keepalive"   send `after` tokens, then only SSE comments (`: keep-alive`), one every
                  `interval` seconds (default 5), until `unstall` is set or the server stops;
                  `keepalives` counts the comments written
    "endless"     send `after` tokens, then the reply's tokens over and over, never ending
                  (paced by `tokens_per_second`), until the client goes or the server stops
    "bad_content" send `after` tokens, then one chunk whose `delta.content` is kw `value`
                  (default 42; any JSON value: a number, an object, a list), then the rest;
                  with kw `raw` (bytes), that event's data is `raw` instead of a chunk
- `hold_after(n)` holds the next streamed reply after n content tokens until the returned
  event is set (its `.reached` event tells the test the server got there).
- Reasoning deltas, web search `executed_tools`, cached tokens and x-ratelimit-* headers:
  tests/support/groq_extras.py (`reasoning_text`, `search_pages`, `limit_requests`,
  `limit_tokens` script them).
- `tls` (a server `ssl.SSLContext`) serves HTTPS instead of HTTP.
- `streamed` lists every content token written to a client as (time.monotonic(), token), across
  all requests; `wait_for_tokens(n)` blocks until n were written (e.g. to kill a client mid-reply).
"""

from __future__ import annotations

import base64
import collections
import contextlib
import json
import re
import socket
import ssl
import struct
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from . import groq_audio, groq_extras

DEFAULT_API_KEY = "gsk_test_key_123"
DEFAULT_REPLY = "Hello! I am a fake Groq model. How can I help you today?"
DEFAULT_MODELS = [
    "llama-3.1-8b-instant",
    "llama-3.3-70b-versatile",
    "openai/gpt-oss-20b",
    "openai/gpt-oss-120b",
    "qwen/qwen3-32b",
    "groq/compound",
    "groq/compound-mini",
    "meta-llama/llama-4-scout-17b-16e-instruct",
]
VISION_MODELS = {
    "meta-llama/llama-4-scout-17b-16e-instruct",
    "meta-llama/llama-4-maverick-17b-128e-instruct",
}
MAX_IMAGES = 5
BASE64_REQUEST_LIMIT = 4 * 1024 * 1024
STREAM_MODES = {"drop", "stall", "truncate", "error_event", "keepalive", "endless", "bad_content"}

# Like a real model's tokenizer: a run of newlines is a token of its own (so a stream often
# ends, between two pieces, exactly at the end of a paragraph), spaces lead the word after them.
_TOKEN_RE = re.compile(r"\n+|[^\S\n]*[^\s]{1,6}|[^\S\n]+")


def split_tokens(text: str) -> list[str]:
    """Small word-ish pieces (leading spaces kept, newline runs apart, long words split);
    ''.join gives `text`."""
    return _TOKEN_RE.findall(text)


class Hold(threading.Event):
    """Set it (or call `release()`) to let a held stream continue. `reached` is set by the server
    once the stream has sent the requested number of tokens and is waiting."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after
        self.reached = threading.Event()

    def release(self) -> None:
        self.set()


class _Fault:
    def __init__(self, mode: str, options: dict[str, Any]) -> None:
        self.mode = mode
        self.options = options


class _ClientGone(Exception):
    pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # we stop handlers ourselves (stop event + socket shutdown)
    allow_reuse_address = True

    fake: FakeGroqServer

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet on disconnects
        self.fake._note_error()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeGroq/1.0"
    sys_version = ""
    server: _HTTPServer

    # -------------------------------------------------------------- plumbing

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.fake._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        pass

    @property
    def fake(self) -> FakeGroqServer:
        return self.server.fake

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:26]}")
        limits = groq_extras.rate_limit_headers(self.fake, exhausted=status == 429)
        for name, value in {**limits, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(
        self,
        status: int,
        message: str,
        type_: str,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        error: dict[str, Any] = {"message": message, "type": type_}
        if code:
            error["code"] = code
        self._send_json(status, {"error": error}, headers)

    def _write_chunk(self, data: bytes) -> None:
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        except OSError as exc:
            raise _ClientGone from exc

    def _event(self, payload: Any) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._write_chunk(f"data: {text}\n\n".encode())

    def _end_chunked(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
        except OSError as exc:
            raise _ClientGone from exc

    def _authorized(self) -> bool:
        return self.headers.get("Authorization", "") == f"Bearer {self.fake.api_key}"

    def _unauthorized(self) -> None:
        self._send_error(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")

    def _unknown_url(self, method: str, path: str) -> None:
        self._send_error(
            404,
            f"Unknown request URL: {method} {path}. Please check the URL for typos, "
            "or see the docs at https://console.groq.com/docs/",
            "invalid_request_error",
            "unknown_url",
        )

    # -------------------------------------------------------------- endpoints

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.fake._record(self, None)
        if path != "/openai/v1/models":
            return self._unknown_url("GET", path)
        if not self._authorized():
            return self._unauthorized()
        created = 1_700_000_000
        self._send_json(
            200,
            {
                "object": "list",
                "data": [
                    {
                        "id": m,
                        "object": "model",
                        "created": created,
                        "owned_by": "Fake",
                        "active": True,
                        "context_window": 131072,
                    }
                    for m in self.fake.models
                ],
            },
        )

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path.startswith("/openai/v1/audio/"):
            return groq_audio.handle(self, path, raw)  # multipart in, audio bytes out
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        self.fake._record(
            self, body if body is not None else {"_invalid_json": raw.decode("utf-8", "replace")}
        )
        if path != "/openai/v1/chat/completions":
            return self._unknown_url("POST", path)
        if not self._authorized():
            return self._unauthorized()
        if not isinstance(body, dict):
            return self._send_error(
                400, "We could not parse the JSON body of your request.", "invalid_request_error"
            )
        problem = _validate(body) or groq_extras.validate(body)
        if problem:
            return self._send_error(400, problem, "invalid_request_error")
        model = body["model"]
        if model not in self.fake.models:
            return self._send_error(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        images = request_images(body)
        if images and model not in VISION_MODELS:
            return self._send_error(
                400, "messages: image input is not supported by this model", "invalid_request_error"
            )
        if len(images) > MAX_IMAGES:
            return self._send_error(
                400,
                f"Too many images provided. This model supports up to {MAX_IMAGES} images",
                "invalid_request_error",
            )
        if images and length > BASE64_REQUEST_LIMIT:
            return self._send_error(413, "Request Entity Too Large", "invalid_request_error")

        fault = self.fake._take_fault()
        mode, opts = fault.mode, fault.options
        try:
            if mode.isdigit():
                return self._status_fault(int(mode), opts)
            if mode == "hang":
                self.fake._wait_unstall()
                self.close_connection = True
                return self._close_socket()
            try:
                text = self.fake._reply(body)
            except Exception as exc:  # noqa: BLE001 - a broken reply_for: make it visible, not a hang
                return self._send_error(500, f"reply_for failed: {exc!r}", "internal_server_error")
            with self.fake._cond:  # an accepted request counts at once, as Groq's headers do
                self.fake.limit_requests_used += 1
            if body.get("stream"):
                self._stream(body, text, mode, opts)
            else:
                self._complete(body, text, mode)
        except _ClientGone:
            self.fake._outcome("client_gone")
            self.close_connection = True
        except OSError:
            self.fake._outcome("client_gone")
            self.close_connection = True

    # -------------------------------------------------------------- behaviours

    def _status_fault(self, status: int, opts: dict[str, Any]) -> None:
        headers: dict[str, str] = {}
        if status == 401:
            return self._unauthorized()
        if status == 429:
            retry_after = opts.get("retry_after", self.fake.retry_after)
            if retry_after is not None:
                headers["retry-after"] = str(retry_after)
            message = opts.get("message") or (
                f"Rate limit reached for model `llama-3.1-8b-instant` in organization `org_fake` "
                f"service tier `on_demand` on tokens per minute (TPM): Limit 6000, Used 5990, "
                f"Requested 120. Please try again in {retry_after}s. Need more tokens? Upgrade to "
                f"Dev Tier today at https://console.groq.com/settings/billing"
            )
            return self._send_error(429, message, "tokens", "rate_limit_exceeded", headers)
        if status >= 500 or status == 498:
            default = {
                500: "Internal Server Error",
                502: "Bad Gateway",
                503: "Service Unavailable",
                498: "Flex Tier Capacity Exceeded",
            }
            message = opts.get("message") or default.get(status, "Server Error")
            return self._send_error(status, message, "internal_server_error", None, headers)
        message = opts.get("message") or "Bad request"
        return self._send_error(status, message, "invalid_request_error", None, headers)

    def _usage(
        self, body: dict[str, Any], n_tokens: int, elapsed: float, reasoning_tokens: int = 0
    ) -> dict[str, Any]:
        def count(m: dict[str, Any]) -> int:
            return len(split_tokens(str(m.get("content") or ""))) + 4

        prompt = sum(count(m) for m in body["messages"])
        cached = groq_extras.cached_tokens(self.fake, body, count)
        with self.fake._cond:
            self.fake.limit_tokens_used += prompt + n_tokens + reasoning_tokens
        n_tokens += reasoning_tokens
        return {
            "prompt_tokens_details": {"cached_tokens": cached},
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
            "queue_time": 0.0001,
            "prompt_tokens": prompt,
            "prompt_time": 0.002,
            "completion_tokens": n_tokens,
            "completion_time": round(elapsed, 6) or 0.001,
            "total_tokens": prompt + n_tokens,
            "total_time": round(elapsed + 0.002, 6),
        }

    def _limit(self, body: dict[str, Any], tokens: list[str]) -> tuple[list[str], str]:
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        if isinstance(limit, int) and 0 < limit < len(tokens):
            return tokens[:limit], "length"
        return tokens, "stop"

    def _complete(self, body: dict[str, Any], text: str, mode: str) -> None:
        if mode in ("drop", "truncate", "error_event", "keepalive", "endless"):
            return self._close_socket()
        if mode == "stall":
            self.fake._wait_unstall()
        tokens, finish = self._limit(body, split_tokens(text))
        rid = f"chatcmpl-{uuid.uuid4()}"
        message: dict[str, Any] = {"role": "assistant", "content": "".join(tokens)}
        delivery = groq_extras.reasoning_delivery(body)  # as in a stream, in one message
        if delivery == "field":
            message["reasoning"] = groq_extras.reasoning_text(self.fake, body)
        elif delivery == "think":
            thought = groq_extras.reasoning_text(self.fake, body)
            message["content"] = f"<think>{thought}</think>\n\n{message['content']}"
        self._send_json(
            200,
            {
                "id": rid,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "logprobs": None,
                        "finish_reason": finish,
                    }
                ],
                "usage": self._usage(body, len(tokens), 0.01),
                "system_fingerprint": "fp_fake",
                "x_groq": {"id": f"req_{uuid.uuid4().hex[:26]}"},
            },
        )
        self.fake._outcome("completed")

    def _stream(self, body: dict[str, Any], text: str, mode: str, opts: dict[str, Any]) -> None:
        fake = self.fake
        tokens, finish = self._limit(body, split_tokens(text))
        hold = fake._take_hold()
        after = int(opts.get("after", fake.fault_after_tokens))
        rid = f"chatcmpl-{uuid.uuid4()}"
        xid = f"req_{uuid.uuid4().hex[:26]}"
        created = int(time.time())
        model = body["model"]

        def chunk(
            delta: dict[str, Any], finish_reason: str | None = None, **extra: Any
        ) -> dict[str, Any]:
            return {
                "id": rid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
                ],
                **extra,
            }

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-request-id", xid)
        for name, value in groq_extras.rate_limit_headers(fake).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

        started = time.monotonic()
        self._event(chunk({"role": "assistant", "content": ""}, x_groq={"id": xid}))
        reasoning_tokens, tokens = self._stream_extras(body, tokens, chunk)
        sent = 0
        if hold is not None and hold.after == 0:
            hold.reached.set()
            fake._wait_for(hold)
        for i, token in enumerate(tokens):
            if mode in STREAM_MODES and sent == after:
                if mode == "bad_content":  # one bad chunk, then the reply goes on
                    self._bad_chunk(opts, chunk)
                    mode = "ok"
                else:
                    return self._fault_mid_stream(mode, opts, tokens, chunk)
            if fake._stopping.is_set():
                return self._close_socket()
            tps = fake.tokens_per_second
            if tps and i and fake._stopping.wait(1.0 / tps):
                return self._close_socket()
            self._event(chunk({"content": token}))
            fake._note_token(token)
            sent += 1
            if hold is not None and sent == hold.after:
                # Set before parking, not on the next turn: the client may already hold token n.
                hold.reached.set()
                fake._wait_for(hold)
        if hold is not None and sent < hold.after:
            hold.reached.set()
            fake._wait_for(hold)
        if mode == "bad_content":  # `after` >= number of tokens: the bad chunk comes last
            self._bad_chunk(opts, chunk)
        elif mode in STREAM_MODES:  # `after` >= number of tokens: fault right before the end
            return self._fault_mid_stream(mode, opts, tokens, chunk)
        elapsed = time.monotonic() - started
        usage = self._usage(body, sent, elapsed, reasoning_tokens)
        self._event(chunk({}, finish, x_groq={"id": xid, "usage": usage}))
        self._event("[DONE]")
        self._end_chunked()
        fake._outcome("completed")

    def _stream_extras(
        self, body: dict[str, Any], tokens: list[str], chunk: Callable[..., dict[str, Any]]
    ) -> tuple[int, list[str]]:
        """Before the answer: reasoning deltas and the web search's executed_tools (see
        groq_extras). Returns the reasoning tokens sent and the content tokens to send (with
        a <think> block in front for the raw reasoning format)."""
        fake = self.fake
        delivery = groq_extras.reasoning_delivery(body)
        thinking = (
            split_tokens(groq_extras.reasoning_text(fake, body)) if delivery != "none" else []
        )
        tools = groq_extras.executed_tools(fake, body) if groq_extras.searches(body) else []
        if tools:
            self._event(chunk({"executed_tools": [tools[0]]}))
        if delivery == "field":
            for i, token in enumerate(thinking):
                tps = fake.tokens_per_second
                if tps and i and fake._stopping.wait(1.0 / tps):
                    raise _ClientGone
                self._event(chunk({"reasoning": token}))
        if tools:
            self._event(chunk({"executed_tools": [tools[1]]}))
        if delivery == "think":
            tokens = ["<think>", *thinking, "</think>", "\n\n", *tokens]
            return 0, tokens
        return len(thinking), tokens

    def _bad_chunk(self, opts: dict[str, Any], chunk: Callable[..., dict[str, Any]]) -> None:
        if "raw" in opts:
            self._write_chunk(b"data: " + opts["raw"] + b"\n\n")
        else:
            self._event(chunk({"content": opts.get("value", 42)}))

    def _fault_mid_stream(
        self,
        mode: str,
        opts: dict[str, Any],
        tokens: list[str],
        chunk: Callable[..., dict[str, Any]],
    ) -> None:
        fake = self.fake
        if mode == "keepalive":
            interval = float(opts.get("interval", 5.0))
            fake._outcome("keepalive")
            while not fake.unstall.is_set() and not fake._stopping.wait(interval):
                self._write_chunk(b": keep-alive\n\n")
                with fake._cond:
                    fake.keepalives += 1
            return self._close_socket()
        if mode == "endless":
            fake._outcome("endless")
            i = 0
            while not fake._stopping.is_set():
                tps = fake.tokens_per_second
                if tps and fake._stopping.wait(1.0 / tps):
                    break
                token = tokens[i % len(tokens)] if tokens else " more"
                self._event(chunk({"content": token}))
                fake._note_token(token)
                i += 1
            return self._close_socket()
        if mode == "drop":
            fake._outcome("dropped")
            return self._close_socket()
        if mode == "truncate":
            self._end_chunked()
            fake._outcome("truncated")
            return None
        if mode == "error_event":
            message = opts.get("message") or "Service Unavailable"
            self._event({"error": {"message": message, "type": "internal_server_error"}})
            self._end_chunked()
            fake._outcome("error_event")
            return None
        # stall
        fake._outcome("stalled")
        fake._wait_unstall()
        return self._close_socket()

    def _close_socket(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _validate(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "'model' : property 'model' is missing"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' : minimum number of items is 1"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant", "tool"):
            return f"'messages.{i}' : discriminator property 'role' has invalid value"
        content = m.get("content")
        if isinstance(content, list) and m["role"] == "user":
            for j, part in enumerate(content):
                if not _valid_part(part):
                    return f"'messages.{i}.content.{j}' : discriminator property 'type' is invalid"
        elif not isinstance(content, str):
            return f"'messages.{i}.content' : value must be a string"
    return None


def _valid_part(part: Any) -> bool:
    if not isinstance(part, dict):
        return False
    if part.get("type") == "text":
        return isinstance(part.get("text"), str)
    if part.get("type") == "image_url":
        url = (
            (part.get("image_url") or {}).get("url")
            if isinstance(part.get("image_url"), dict)
            else None
        )
        return isinstance(url, str) and url.startswith(("data:image/", "https://", "http://"))
    return False


def request_images(body: dict[str, Any]) -> list[tuple[str, bytes]]:
    """(mime, bytes) of every base64 image in the request, oldest message first."""
    images = []
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else []:
            if isinstance(part, dict) and part.get("type") == "image_url":
                url = part["image_url"]["url"]
                head, _, data = url.partition(",")
                if head.startswith("data:") and head.endswith(";base64"):
                    images.append((head[5:-7], base64.b64decode(data)))
    return images


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header, as a real server's decoder would find it."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 < len(data):
            if data[at] != 0xFF:
                return None
            marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                return width, height
            at += 2 + length
    return None


def describe_images(body: dict[str, Any]) -> str:
    images = request_images(body)
    described = []
    for mime, data in images:
        size = image_size(data)
        shape = f"{size[0]}x{size[1]}" if size else "unreadable"
        described.append(f"{shape} {mime} ({len(data):,} bytes)")
    count = f"{len(images)} image{'' if len(images) == 1 else 's'}"
    return f"I see {count}: " + "; ".join(described) + "."


class FakeGroqServer:
    """See the module docstring. All public attributes may be changed while the server runs."""

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        reply_text: str = DEFAULT_REPLY,
        reply_for: Callable[[dict[str, Any]], str] | None = None,
        tokens_per_second: float | None = None,
        models: list[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.api_key = api_key
        self.tls = tls  # a server context: HTTPS (base_url https://...), as Groq speaks it
        self.reply_text = reply_text
        self.reply_for = reply_for
        self.tokens_per_second = tokens_per_second
        self.models: list[str] = list(models or DEFAULT_MODELS)
        self.mode: str = "ok"
        self.mode_options: dict[str, Any] = {}
        self.retry_after: float | int | None = 7
        self.fault_after_tokens: int = 2
        self.unstall = threading.Event()
        self.keepalives = 0  # SSE comments written in "keepalive" mode, all requests
        self.audio = groq_audio.AudioEndpoints()  # speech to text and back: groq_audio.py

        self.requests: list[dict[str, Any]] = []  # parsed JSON bodies of POST requests, in order
        self.request_log: list[dict[str, Any]] = []  # every request: method, path, headers, body
        self.outcomes: list[str] = []  # per chat request: completed/dropped/stalled/truncated/...
        # (monotonic time, token) as written, all requests
        self.streamed: list[tuple[float, str]] = []

        self._host, self._port = host, port
        self._cond = threading.Condition()
        self._faults: collections.deque[_Fault] = collections.deque()
        self._holds: collections.deque[Hold] = collections.deque()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.errors = 0
        # Reasoning and web search (groq_extras): None = made from the request
        self.reasoning_text: str | None = None
        self.search_pages: list[dict[str, Any]] | None = None
        # x-ratelimit-* headers count down from these, one request and its tokens per reply
        self.limit_requests = 1000
        self.limit_tokens = 6000
        self.limit_requests_used = 0
        self.limit_tokens_used = 0
        self._last_prompts: dict[str, list[Any]] = {}  # per model, for cached_tokens

    # -------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("FakeGroqServer is not started")
        host, port = self._httpd.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeGroqServer is not started")
        return self._httpd.server_address[1]

    def start(self) -> FakeGroqServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self._host, self._port), _Handler)
        httpd.fake = self
        if self.tls is not None:
            httpd.socket = self.tls.wrap_socket(httpd.socket, server_side=True)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeGroqServer",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()  # wakes holds, stalls, hangs and pacing waits
        with self._cond:
            self._cond.notify_all()
        httpd.shutdown()
        httpd.server_close()
        with self._cond:
            conns = list(self._connections)
        for conn in conns:  # idle keep-alive handlers block in readline; this wakes them
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + 2.0
        with self._cond:
            while self._connections and time.monotonic() < deadline:
                self._cond.wait(0.05)
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeGroqServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -------------------------------------------------------------- scripting

    def fail_next(self, mode: str, **options: Any) -> None:
        """Queue a fault for the next chat-completion request (one request per call)."""
        _check_mode(mode)
        with self._cond:
            self._faults.append(_Fault(mode, options))

    def set_mode(self, mode: str, **options: Any) -> None:
        """Persistent fault mode for every chat-completion request with no queued fault."""
        _check_mode(mode)
        self.mode, self.mode_options = mode, options

    def hold_after(self, n: int) -> Hold:
        """Hold the next streamed reply after `n` content tokens until the returned event is set."""
        hold = Hold(n)
        with self._cond:
            self._holds.append(hold)
        return hold

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> bool:
        """Block until at least `n` request bodies were recorded."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.requests) >= n, timeout)

    def wait_for_outcomes(self, n: int, timeout: float = 5.0) -> list[str]:
        """Block until at least `n` chat requests have finished on the server side."""
        with self._cond:
            self._cond.wait_for(lambda: len(self.outcomes) >= n, timeout)
            return list(self.outcomes)

    def wait_for_tokens(self, n: int, timeout: float = 5.0) -> bool:
        """Block until at least `n` content tokens were written to clients (all requests)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.streamed) >= n, timeout)

    def tokens(self, text: str | None = None) -> list[str]:
        """How the server splits `text` (default `reply_text`) into streamed pieces."""
        return split_tokens(self.reply_text if text is None else text)

    # -------------------------------------------------------------- used by the handler

    def _record(self, handler: _Handler, body: dict[str, Any] | None) -> None:
        entry = {
            "method": handler.command,
            "path": urlsplit(handler.path).path,
            "headers": dict(handler.headers.items()),
            "body": body,
        }
        with self._cond:
            self.request_log.append(entry)
            if body is not None:
                self.requests.append(body)
            self._cond.notify_all()

    def _outcome(self, outcome: str) -> None:
        with self._cond:
            self.outcomes.append(outcome)
            self._cond.notify_all()

    def _note_token(self, token: str) -> None:
        with self._cond:
            self.streamed.append((time.monotonic(), token))
            self._cond.notify_all()

    def _note_error(self) -> None:
        with self._cond:
            self.errors += 1

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
            self._cond.notify_all()

    def _take_fault(self) -> _Fault:
        with self._cond:
            if self._faults:
                return self._faults.popleft()
        return _Fault(self.mode, dict(self.mode_options))

    def _take_hold(self) -> Hold | None:
        with self._cond:
            return self._holds.popleft() if self._holds else None

    def _reply(self, body: dict[str, Any]) -> str:
        if self.reply_for is not None:
            return str(self.reply_for(body))
        if self.reply_text == DEFAULT_REPLY and request_images(body):
            return describe_images(body)
        return self.reply_text

    def _wait_for(self, event: threading.Event) -> None:
        while not event.is_set() and not self._stopping.is_set():
            event.wait(0.02)

    def _wait_unstall(self) -> None:
        self._wait_for(self.unstall)


def _check_mode(mode: str) -> None:
    if not (mode in ("ok", "hang") or mode in STREAM_MODES or (mode.isdigit() and len(mode) == 3)):
        raise ValueError(f"unknown fault mode {mode!r}")


__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_MODELS",
    "DEFAULT_REPLY",
    "VISION_MODELS",
    "FakeGroqServer",
    "Hold",
    "describe_images",
    "request_images",
    "split_tokens",
]
