"""Speech to text and text to speech through the REAL groq SDK against the loopback Groq,
which parses the multipart upload and streams WAV bytes back (tests/support/groq_audio.py)."""

from __future__ import annotations

import asyncio
import io
import wave
from contextlib import aclosing

import pytest

from desktop_chat.core.voice import WavStream
from desktop_chat.llm.base import LLMError, LLMErrorKind
from desktop_chat.llm.groq_client import GroqClient
from tests.support.groq_audio import VOICE_HZ, measure_wav, tone_wav
from tests.support.groq_server import FakeGroqServer


@pytest.fixture
def server():
    with FakeGroqServer() as srv:
        yield srv


def with_client(server: FakeGroqServer, body, api_key: str | None = None):
    async def main():
        client = GroqClient(api_key or server.api_key, base_url=server.base_url)
        try:
            return await asyncio.wait_for(body(client), 10)
        finally:
            await client.close()

    return asyncio.run(main())


async def spoken(client: GroqClient, text: str, voice: str) -> list[bytes]:
    async with aclosing(client.speak(text, voice)) as audio:
        return [piece async for piece in audio]


def test_a_wav_file_is_uploaded_as_multipart_and_its_words_come_back(server) -> None:
    wav = tone_wav(440, 1.5)
    text = with_client(server, lambda c: c.transcribe(wav, language="en"))

    assert text == "A 440 hertz tone, 1.5 seconds long."  # measured from the upload itself
    upload = server.audio.uploads[-1]
    assert upload["model"] == "whisper-large-v3-turbo"
    assert upload["response_format"] == "json"
    assert upload["language"] == "en"
    assert upload["file"] == {
        "filename": "dictation.wav",
        "content_type": "audio/wav",
        "size": len(wav),
    }
    assert upload["bytes"] == wav
    entry = server.request_log[-1]
    assert entry["path"] == "/openai/v1/audio/transcriptions"
    assert entry["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")


def test_silence_transcribes_to_nothing(server) -> None:
    silent = tone_wav(440, 1.0, amplitude=0)
    assert with_client(server, lambda c: c.transcribe(silent)) == ""


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("401", LLMErrorKind.AUTH),
        ("429", LLMErrorKind.RATE_LIMIT),
        ("503", LLMErrorKind.UNAVAILABLE),
    ],
)
def test_a_failed_upload_is_an_llm_error_in_words(server, status, kind) -> None:
    server.fail_next(status)
    with pytest.raises(LLMError) as caught:
        with_client(server, lambda c: c.transcribe(tone_wav(440, 0.5)))
    assert caught.value.kind is kind
    assert "Traceback" not in caught.value.message and server.api_key not in caught.value.message


def test_a_file_groq_cannot_read_is_a_bad_request(server) -> None:
    with pytest.raises(LLMError) as caught:
        with_client(server, lambda c: c.transcribe(b"RIFF-not-really-a-wav"))
    assert caught.value.kind is LLMErrorKind.BAD_REQUEST
    assert "valid media file" in caught.value.message


def test_no_audio_is_refused_before_any_request(server) -> None:
    with pytest.raises(LLMError):
        with_client(server, lambda c: c.transcribe(b""))
    assert server.request_log == []


def test_speech_streams_a_wav_in_pieces_in_the_chosen_voice(server) -> None:
    server.audio.chunk_ms = 50
    pieces = with_client(server, lambda c: spoken(c, "Hello there, reader.", "hannah"))

    body = server.audio.speech_requests[-1]
    assert body == {
        "model": "canopylabs/orpheus-v1-english",
        "voice": "hannah",
        "input": "Hello there, reader.",
        "response_format": "wav",
    }
    assert server.request_log[-1]["headers"]["Accept"] == "audio/wav"
    assert len(pieces) > 5  # read as it arrived, not in one piece
    info = measure_wav(b"".join(pieces))
    assert info.seconds == pytest.approx(len("Hello there, reader.") * 0.040, abs=0.01)
    assert info.hertz == pytest.approx(VOICE_HZ["hannah"], rel=0.02)

    stream = WavStream()
    pcm = b"".join(stream.feed(p) for p in pieces)
    with wave.open(io.BytesIO(b"".join(pieces))) as wav:
        assert pcm == wav.readframes(wav.getnframes())
    assert stream.format is not None and stream.format.rate == 24_000


def test_speech_errors_are_llm_errors(server) -> None:
    with pytest.raises(LLMError) as caught:
        with_client(server, lambda c: spoken(c, "Hi.", "nobody"))
    assert caught.value.kind is LLMErrorKind.BAD_REQUEST
    assert "voice must be one of" in caught.value.message

    server.fail_next("500")
    with pytest.raises(LLMError) as caught:
        with_client(server, lambda c: spoken(c, "Hi.", "troy"))
    assert caught.value.kind is LLMErrorKind.UNAVAILABLE


def test_text_over_orpheus_limit_is_refused_before_any_request(server) -> None:
    with pytest.raises(LLMError):
        with_client(server, lambda c: spoken(c, "word " * 50, "troy"))
    assert server.audio.speech_requests == []


def test_no_key_means_no_request(server) -> None:
    async def body(client):
        client._api_key = ""
        return await client.transcribe(tone_wav(440, 0.5))

    with pytest.raises(LLMError) as caught:
        with_client(server, body)
    assert caught.value.kind is LLMErrorKind.AUTH
    assert server.request_log == []
