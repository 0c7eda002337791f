"""The audio part of the loopback Groq (tests/support/groq_server.py): speech to text and text
to speech in their real wire format, answering only from what each request carries.

- POST /openai/v1/audio/transcriptions: multipart/form-data with `file` (the audio file),
  `model`, and optional `response_format` (json | text | verbose_json), `language`, `prompt`,
  `temperature`. The file must be a WAV here (the app sends WAV): its tone is measured, and the
  "transcription" says what was heard, e.g. "A 440 hertz tone, 1.5 seconds long." Silence gives
  "" (Whisper's answer to nothing). `FakeGroqServer.audio.transcript_for(info) -> str` overrides
  the words; `info` is the measured `WavInfo`.
  json -> `{"text": ..., "x_groq": {"id": ...}}`; text -> the words as text/plain;
  verbose_json -> adds `task`, `language`, `duration`, `segments`.
- POST /openai/v1/audio/speech: JSON `{model, voice, input, response_format}`; Orpheus limits
  (input <= 200 characters, the model's own voices, wav only) are enforced with Groq's 400s.
  The answer is a WAV file (24 kHz, mono, 16-bit), sent chunked as it is "made": the header
  first, then `chunk_ms` of audio per chunk, paced at `realtime` x real time (0 = no pacing).
  Its tone is the voice's own frequency (`VOICE_HZ`) and it lasts `ms_per_char` per character
  of input, so a test can tell from the sound which voice and how much text was spoken.
- Status faults queued with `fail_next("<status>")` apply to these endpoints too.

Every upload is kept (`audio.uploads`: the parsed fields and the file's bytes) and every
speech request's JSON (`audio.speech_requests`), also in the server's `requests`/`request_log`.
"""

from __future__ import annotations

import array
import io
import itertools
import json
import math
import struct
import time
import uuid
import wave
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from .groq_server import _Handler

TRANSCRIPTION_MODELS = ("whisper-large-v3", "whisper-large-v3-turbo")
SPEECH_VOICES = {
    "canopylabs/orpheus-v1-english": ("autumn", "diana", "hannah", "austin", "daniel", "troy"),
    "canopylabs/orpheus-arabic-saudi": ("fahad", "sultan", "noura", "lulwa", "aisha"),
}
VOICE_HZ = {
    "autumn": 330,
    "diana": 392,
    "hannah": 440,
    "austin": 494,
    "daniel": 523,
    "troy": 587,
    "fahad": 659,
    "sultan": 698,
    "noura": 784,
    "lulwa": 880,
    "aisha": 988,
}
SPEECH_RATE = 24_000
MAX_SPEECH_INPUT = 200
SILENCE_RMS = 100  # of 32767: below this a recording holds nothing to transcribe


@dataclass
class WavInfo:
    seconds: float
    rate: int
    channels: int
    hertz: float  # the dominant tone, from zero crossings (0 for silence)
    rms: float


@dataclass
class AudioEndpoints:
    """State and scripting of the audio endpoints; `FakeGroqServer.audio`."""

    transcript_for: Callable[[WavInfo], str] | None = None
    ms_per_char: float = 40.0
    chunk_ms: int = 100
    realtime: float = 0.0  # 1.0 = audio arrives as fast as it plays; 0 = as fast as possible
    uploads: list[dict[str, Any]] = field(default_factory=list)
    speech_requests: list[dict[str, Any]] = field(default_factory=list)


def measure_wav(data: bytes) -> WavInfo:
    """Duration, rate and dominant tone of a 16-bit PCM WAV. Raises ValueError if it is not one."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(str(exc)) from None
    if width != 2:
        raise ValueError("only 16-bit PCM is measured")
    samples = array.array("h", frames[: len(frames) // 2 * 2])
    mono = samples[::channels] if channels > 1 else samples
    n = len(mono)
    rms = math.sqrt(sum(s * s for s in mono) / n) if n else 0.0
    crossings = sum(1 for a, b in itertools.pairwise(mono) if (a < 0) != (b < 0))
    seconds = n / rate if rate else 0.0
    hertz = crossings / 2 / seconds if seconds and rms >= SILENCE_RMS else 0.0
    return WavInfo(seconds, rate, channels, hertz, rms)


def describe(info: WavInfo) -> str:
    if info.rms < SILENCE_RMS:
        return ""
    return f"A {round(info.hertz / 10) * 10} hertz tone, {info.seconds:.1f} seconds long."


def tone_wav(hertz: float, seconds: float, rate: int = 16_000, amplitude: int = 8000) -> bytes:
    """A WAV file of a sine tone (mono, 16-bit): what tests upload."""
    n = int(rate * seconds)
    samples = array.array(
        "h", (int(amplitude * math.sin(2 * math.pi * hertz * i / rate)) for i in range(n))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


def wav_header(data_bytes: int, rate: int = SPEECH_RATE, channels: int = 1) -> bytes:
    block = channels * 2
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


# ---------------------------------------------------------------------- the handler's part


def handle(handler: _Handler, path: str, raw: bytes) -> None:
    fake = handler.fake
    if path == "/openai/v1/audio/transcriptions":
        fields, files = _multipart(handler.headers.get("Content-Type", ""), raw)
        upload = {**fields}
        if "file" in files:
            name, ctype, data = files["file"]
            upload["file"] = {"filename": name, "content_type": ctype, "size": len(data)}
        fake._record(handler, upload)
        if not handler._authorized():
            return handler._unauthorized()
        fake.audio.uploads.append({**upload, "bytes": files.get("file", (0, 0, b""))[2]})
        if _status_fault(handler):
            return None
        return _transcription(handler, fields, files)
    if path == "/openai/v1/audio/speech":
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        fake._record(handler, body if isinstance(body, dict) else {"_invalid_json": repr(raw)})
        if not handler._authorized():
            return handler._unauthorized()
        if not isinstance(body, dict):
            return handler._send_error(
                400, "We could not parse the JSON body of your request.", "invalid_request_error"
            )
        fake.audio.speech_requests.append(body)
        if _status_fault(handler):
            return None
        return _speech(handler, body)
    return handler._unknown_url("POST", path)


def _status_fault(handler: _Handler) -> bool:
    fault = handler.fake._take_fault()
    if fault.mode.isdigit():
        handler._status_fault(int(fault.mode), fault.options)
        return True
    return False


def _multipart(
    content_type: str, raw: bytes
) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """Form fields and files of a multipart/form-data body ({} when it is not one)."""
    if not content_type.startswith("multipart/form-data"):
        return {}, {}
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename, part.get_content_type(), payload)
        elif name:
            fields[name] = payload.decode()
    return fields, files


def _transcription(
    handler: _Handler, fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]
) -> None:
    model = fields.get("model")
    if not model:
        return handler._send_error(
            400, "'model' : property 'model' is missing", "invalid_request_error"
        )
    if model not in TRANSCRIPTION_MODELS:
        return handler._send_error(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        )
    if "file" not in files and "url" not in fields:
        return handler._send_error(
            400, "either file or url must be provided", "invalid_request_error"
        )
    fmt = fields.get("response_format", "json")
    if fmt not in ("json", "text", "verbose_json"):
        return handler._send_error(
            400, "response_format must be one of json, text, verbose_json", "invalid_request_error"
        )
    try:
        info = measure_wav(files["file"][2])
    except (KeyError, ValueError):
        return handler._send_error(
            400,
            "could not process file - is it a valid media file?",
            "invalid_request_error",
        )
    script = handler.fake.audio.transcript_for
    text = script(info) if script is not None else describe(info)
    rid = f"req_{uuid.uuid4().hex[:26]}"
    if fmt == "text":
        data = text.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    elif fmt == "verbose_json":
        handler._send_json(
            200,
            {
                "task": "transcribe",
                "language": fields.get("language", "English"),
                "duration": round(info.seconds, 2),
                "text": text,
                "segments": [],
                "x_groq": {"id": rid},
            },
        )
    else:
        handler._send_json(200, {"text": text, "x_groq": {"id": rid}})
    handler.fake._outcome("transcribed")
    return None


def _speech(handler: _Handler, body: dict[str, Any]) -> None:
    model, voice, text = body.get("model"), body.get("voice"), body.get("input")
    error = None
    if model not in SPEECH_VOICES:
        return handler._send_error(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        )
    if not isinstance(text, str) or not text.strip():
        error = "'input' : property 'input' is missing"
    elif len(text) > MAX_SPEECH_INPUT:
        error = f"input must be at most {MAX_SPEECH_INPUT} characters"
    elif voice not in SPEECH_VOICES[model]:
        error = f"voice must be one of [{', '.join(SPEECH_VOICES[model])}]"
    elif body.get("response_format", "wav") != "wav":
        error = "response_format must be wav"
    if error:
        return handler._send_error(400, error, "invalid_request_error")

    settings = handler.fake.audio
    seconds = len(text) * settings.ms_per_char / 1000
    hertz = VOICE_HZ[voice]
    total = int(SPEECH_RATE * seconds)
    handler.send_response(200)
    handler.send_header("Content-Type", "audio/wav")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("x-request-id", f"req_{uuid.uuid4().hex[:26]}")
    handler.end_headers()
    handler._write_chunk(wav_header(total * 2))
    per_chunk = SPEECH_RATE * settings.chunk_ms // 1000
    for start in range(0, total, per_chunk):
        if handler.fake._stopping.is_set():
            return handler._close_socket()
        count = min(per_chunk, total - start)
        samples = array.array(
            "h",
            (
                int(8000 * math.sin(2 * math.pi * hertz * i / SPEECH_RATE))
                for i in range(start, start + count)
            ),
        )
        handler._write_chunk(samples.tobytes())
        if settings.realtime:
            time.sleep(count / SPEECH_RATE / settings.realtime)
    handler._end_chunked()
    handler.fake._outcome("spoken")
    return None
