"""Groq's audio endpoints, through the `groq` SDK: speech to text and text to speech.

Facts this relies on (groq 1.7.0; Groq's API reference):
- `audio.transcriptions.create(model=, file=(name, bytes, type), response_format="json",
  language=, prompt=, temperature=)` posts multipart/form-data to
  /openai/v1/audio/transcriptions and returns a `Transcription` (`.text`). Models:
  whisper-large-v3-turbo (default here), whisper-large-v3. Groq takes files up to 100 MB
  (25 MB on the free tier): flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav, webm.
- `audio.speech.with_streaming_response.create(model=, voice=, input=, response_format="wav")`
  posts JSON to /openai/v1/audio/speech (the SDK sends `Accept: audio/wav`); the body is the
  audio file's bytes, read here as they arrive (`iter_bytes`). Current models are Canopy Labs'
  Orpheus: canopylabs/orpheus-v1-english (voices autumn, diana, hannah, austin, daniel, troy)
  and canopylabs/orpheus-arabic-saudi; playai-tts is retired. Orpheus takes at most 200
  characters of input per request, so callers send a long text a sentence at a time
  (core/voice.py:speech_pieces).
- Errors are the same `groq.APIStatusError`/`APIConnectionError` family as chat; the chat
  client's mapping to `LLMError` is reused.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from desktop_chat.i18n import translate

from .base import LLMError, LLMErrorKind

if TYPE_CHECKING:
    from .groq_client import GroqClient

TRANSCRIPTION_MODEL = "whisper-large-v3-turbo"
SPEECH_MODEL = "canopylabs/orpheus-v1-english"
VOICES = ("autumn", "diana", "hannah", "austin", "daniel", "troy")
DEFAULT_VOICE = "troy"
MAX_SPEECH_INPUT = 200  # characters per speech request (Orpheus)
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # Groq's free tier; the paid tiers take 100 MB


async def transcribe(
    client: GroqClient,
    audio: bytes,
    *,
    filename: str = "dictation.wav",
    model: str = TRANSCRIPTION_MODEL,
    language: str | None = None,
) -> str:
    """The text spoken in `audio` (a whole file: WAV, FLAC, MP3...). Raises LLMError."""
    if not audio:
        raise LLMError(
            LLMErrorKind.BAD_REQUEST, translate("Voice", "There was no audio to transcribe.")
        )
    if len(audio) > MAX_UPLOAD_BYTES:
        raise LLMError(
            LLMErrorKind.BAD_REQUEST,
            translate(
                "Voice",
                "The recording is too long to transcribe ({size} MB; Groq takes {limit} MB).",
            ).format(size=f"{len(audio) / 1_048_576:.0f}", limit=MAX_UPLOAD_BYTES // 1_048_576),
        )
    client._check_key()
    try:
        import groq

        sdk = await client._client()
        result = await sdk.audio.transcriptions.create(
            model=model,
            file=(filename, audio, "audio/wav"),
            response_format="json",
            temperature=0.0,
            language=language or groq.omit,
        )
    except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
        raise client._map_error(exc, in_stream=False) from None
    return (result.text or "").strip()


async def speak(
    client: GroqClient,
    text: str,
    *,
    voice: str = DEFAULT_VOICE,
    model: str = SPEECH_MODEL,
) -> AsyncGenerator[bytes, None]:
    """Yield the WAV file of `text` spoken in `voice`, in pieces as they arrive.

    Raises LLMError. Closing the generator closes the HTTP stream."""
    if len(text) > MAX_SPEECH_INPUT:
        raise LLMError(
            LLMErrorKind.BAD_REQUEST,
            translate(
                "Voice", "A piece of text to speak may hold {limit} characters at most."
            ).format(limit=MAX_SPEECH_INPUT),
        )
    client._check_key()
    try:
        sdk = await client._client()
        response = await sdk.audio.speech.with_streaming_response.create(
            model=model, voice=voice, input=text, response_format="wav"
        ).__aenter__()
    except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
        raise client._map_error(exc, in_stream=False) from None
    try:
        async for data in response.iter_bytes():
            if data:
                yield data
    except (LLMError, GeneratorExit):
        raise
    except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
        raise client._map_error(exc, in_stream=True) from None
    finally:
        # Closing a broken stream may fail too: nothing more to tell.
        with contextlib.suppress(Exception):
            await response.close()
