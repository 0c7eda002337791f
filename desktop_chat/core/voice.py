"""Voice in (dictation) and voice out (read aloud): the flows, without Qt or a sound card.

Dictation: `DictationFlow.start()` opens the recorder; `finish()` stops it, refuses silence,
uploads the WAV for transcription and returns the words for the composer. Every failure is a
`VoiceError` whose message a user can read; nothing typed is touched by the flow.

Read aloud: `ReadAloudFlow.read(text, voice, player)` turns a reply's Markdown into plain
sentences of at most 200 characters (Orpheus's limit, `speech_pieces`), asks for each in turn
and feeds the audio to the player as it arrives (`WavStream` strips each WAV's header), so the
first sentence plays while the rest are still being made. Cancelling the task stops it.

The sound card side (recording, playing) sits behind the `Recorder` and `Player` protocols;
ui/voice_audio.py implements them with PortAudio (sounddevice).
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import functools
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from ..i18n import translate
from ..llm.base import LLMClient, LLMError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

MAX_SPEECH_CHARS = 200  # Orpheus takes at most this many characters per request
SILENCE_PEAK = 0.01  # of full scale: a recording whose loudest sample is below is silence
MIN_RECORDING_S = 0.3
# Read aloud asks for the next sentence once less than this much audio waits to be played:
# no gap between sentences, and a stop early in a long reply does not pay for all of it.
LOOKAHEAD_S = 3.0


class VoiceError(Exception):
    """A voice failure, already in words a user understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------- audio bytes


@dataclass(frozen=True)
class PcmFormat:
    rate: int
    channels: int
    width: int = 2  # bytes per sample: 16-bit PCM


def wav_file(pcm: bytes, fmt: PcmFormat) -> bytes:
    """A WAV file holding `pcm` (16-bit little-endian)."""
    block = fmt.channels * fmt.width
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(pcm))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, fmt.channels, fmt.rate, fmt.rate * block, block, 16)
        + b"data"
        + struct.pack("<I", len(pcm))
        + pcm
    )


class WavStream:
    """Reads a WAV file as its bytes arrive: `feed()` returns the PCM that can be played so far.

    `format` is known once the header has arrived. A streamed file may not know its length when
    the header is sent (data size 0 or 0xFFFFFFFF): then everything after the header is audio."""

    def __init__(self) -> None:
        self._head = b""
        self.format: PcmFormat | None = None
        self._odd = b""  # half a sample, kept for the next piece

    def feed(self, data: bytes) -> bytes:
        if self.format is None:
            self._head += data
            found = self._parse_header()
            if found is None:
                if len(self._head) > 64 * 1024:
                    raise VoiceError(
                        translate(
                            "Voice", "Groq sent audio the app could not play (no WAV header)."
                        )
                    )
                return b""
            data = found
        fmt = self.format
        assert fmt is not None  # _parse_header sets it with the data it returns
        data = self._odd + data
        cut = len(data) - len(data) % (fmt.width * fmt.channels)
        self._odd = data[cut:]
        return data[:cut]

    def _parse_header(self) -> bytes | None:
        head = self._head
        if len(head) >= 4 and head[:4] != b"RIFF":
            raise VoiceError(
                translate("Voice", "Groq sent audio the app could not play (not a WAV file).")
            )
        if len(head) < 12:
            return None
        pos = 12
        fmt = None
        while pos + 8 <= len(head):
            chunk, size = head[pos : pos + 4], struct.unpack("<I", head[pos + 4 : pos + 8])[0]
            if chunk == b"data":
                if fmt is None:
                    raise VoiceError(
                        translate("Voice", "Groq sent audio the app could not play (no format).")
                    )
                self.format = fmt
                self._head = b""
                return head[pos + 8 :]
            if pos + 8 + size > len(head):
                return None
            if chunk == b"fmt ":
                tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", head[pos + 8 : pos + 24])
                if tag != 1 or bits != 16 or not channels or not rate:
                    raise VoiceError(
                        translate(
                            "Voice",
                            "Groq sent audio the app cannot play (only 16-bit PCM WAV is played).",
                        )
                    )
                fmt = PcmFormat(rate, channels)
            pos += 8 + size + size % 2
        return None


def peak_level(pcm: bytes) -> float:
    """The loudest sample of 16-bit PCM, 0..1 of full scale."""
    if len(pcm) < 2:
        return 0.0
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    return max(max(samples), -min(samples)) / 32768


# ---------------------------------------------------------------------- text for speech

# Patterns as text: `re` compiles them when a reply is first read aloud, not at start-up.
_SENTENCE_END = r"(?<=[.!?…])[\"')\]]*\s+"
_SOFT_BREAK = r"(?<=[,;:–—])\s+"


@functools.cache
def _markdown() -> MarkdownIt:
    """Made on first use: markdown-it is not needed before the window's first paint."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def speech_text(markdown: str) -> list[str]:
    """The plain text of a reply, a block (paragraph, heading, list item, cell) at a time:
    no Markdown syntax, no code blocks (they are not read out), links by their words."""
    blocks: list[str] = []
    for token in _markdown().parse(markdown):
        if token.type != "inline" or not token.children:
            continue
        words = []
        for child in token.children:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
            elif child.type == "image":
                words.append(child.content)
        text = " ".join("".join(words).split())
        if text:
            blocks.append(text)
    return blocks


def speech_pieces(markdown: str, limit: int = MAX_SPEECH_CHARS) -> list[str]:
    """The reply as sentences to speak, each at most `limit` characters: a long sentence is cut
    at a comma or the like, else between words, else (one huge word) anywhere."""
    pieces: list[str] = []
    for block in speech_text(markdown):
        for sentence in re.split(_SENTENCE_END, block):
            pieces.extend(_fit(sentence.strip(), limit, (_SOFT_BREAK, r"\s+")))
    return [p for p in pieces if p]


def _fit(text: str, limit: int, breaks: tuple[str, ...]) -> list[str]:
    if len(text) <= limit:
        return [text]
    if not breaks:
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    parts, out, current = re.split(breaks[0], text), [], ""
    for part in parts:
        joined = f"{current} {part}" if current else part
        if len(joined) <= limit:
            current = joined
            continue
        if current:
            out.append(current)
        if len(part) > limit:
            out.extend(_fit(part, limit, breaks[1:]))
            current = ""
        else:
            current = part
    if current:
        out.append(current)
    return out


# ---------------------------------------------------------------------- dictation


class Recorder(Protocol):
    def start(self) -> None:
        """Open the default input and record. Raises VoiceError (no device, no permission)."""
        ...

    def stop(self) -> bytes:
        """Stop; the recording as 16-bit PCM in `format`."""
        ...

    @property
    def format(self) -> PcmFormat: ...

    def level(self) -> float:
        """The loudest sample since the last call, 0..1."""
        ...

    def elapsed(self) -> float:
        """Seconds recorded so far."""
        ...


class DictationState(StrEnum):
    IDLE = "idle"
    RECORDING = "recording"
    TRANSCRIBING = "transcribing"


class DictationFlow:
    """Record from a `Recorder`, then transcribe through the LLM client."""

    def __init__(self, llm: LLMClient, recorder: Callable[[], Recorder]) -> None:
        self._llm = llm
        self._make_recorder = recorder
        self.recorder: Recorder | None = None
        self.state = DictationState.IDLE

    def start(self) -> None:
        if self.state is not DictationState.IDLE:
            return
        recorder = self._make_recorder()
        recorder.start()  # VoiceError goes to the caller; the state stays idle
        self.recorder = recorder
        self.state = DictationState.RECORDING

    def cancel(self) -> None:
        """Stop recording and throw the recording away."""
        if self.recorder is not None and self.state is DictationState.RECORDING:
            self.recorder.stop()
        self.recorder = None
        self.state = DictationState.IDLE

    async def finish(self, language: str | None = None) -> str:
        """Stop recording and return the words heard. Raises VoiceError."""
        recorder = self.recorder
        if recorder is None or self.state is not DictationState.RECORDING:
            raise VoiceError(translate("Voice", "Nothing is being recorded."))
        self.state = DictationState.TRANSCRIBING
        try:
            pcm = recorder.stop()
            fmt = recorder.format
            seconds = len(pcm) / (fmt.rate * fmt.channels * fmt.width)
            if seconds < MIN_RECORDING_S:
                raise VoiceError(
                    translate("Voice", "The recording was too short. Hold the mic a little longer.")
                )
            if peak_level(pcm) < SILENCE_PEAK:
                # A microphone the system does not let the app use records silence (macOS).
                raise VoiceError(
                    translate(
                        "Voice",
                        "Nothing was heard: the recording is silent. Check that the microphone "
                        "is the default input, not muted, and allowed for this app.",
                    )
                )
            try:
                text = await self._llm.transcribe(wav_file(pcm, fmt), language)
            except LLMError as exc:
                raise VoiceError(
                    translate("Voice", "The recording could not be transcribed. {reason}").format(
                        reason=exc.message
                    )
                ) from None
            if not text.strip():
                raise VoiceError(translate("Voice", "No words were heard in the recording."))
            return text.strip()
        finally:
            self.recorder = None
            self.state = DictationState.IDLE


# ---------------------------------------------------------------------- read aloud


class Player(Protocol):
    def play(self, pcm: bytes, fmt: PcmFormat) -> None:
        """Queue audio to play; returns at once. Raises VoiceError (no output device)."""
        ...

    async def drained(self) -> None:
        """Wait until everything queued has been played."""
        ...

    def queued_seconds(self) -> float:
        """How much audio waits to be played."""
        ...

    def stop(self) -> None:
        """Stop at once and drop what is queued."""
        ...


class ReadAloudFlow:
    def __init__(self, llm: LLMClient) -> None:
        self._llm = llm

    async def read(
        self,
        markdown: str,
        voice: str,
        player: Player,
        on_sentence: Callable[[int, int], None] | None = None,
    ) -> None:
        """Speak `markdown` in `voice`, sentence by sentence, playing as audio arrives.
        Raises VoiceError; cancelling stops the player."""
        pieces = speech_pieces(markdown)
        if not pieces:
            raise VoiceError(translate("Voice", "This message has no text to read aloud."))
        try:
            for index, piece in enumerate(pieces):
                while player.queued_seconds() > LOOKAHEAD_S:
                    await asyncio.sleep(0.05)
                if on_sentence is not None:
                    on_sentence(index, len(pieces))
                stream = WavStream()
                try:
                    async with contextlib.aclosing(self._llm.speak(piece, voice)) as audio:
                        async for data in audio:
                            pcm = stream.feed(data)
                            if pcm and stream.format is not None:
                                player.play(pcm, stream.format)
                except LLMError as exc:
                    raise VoiceError(
                        translate("Voice", "The reply could not be read aloud. {reason}").format(
                            reason=exc.message
                        )
                    ) from None
            await player.drained()
        except (asyncio.CancelledError, VoiceError):
            player.stop()
            raise
