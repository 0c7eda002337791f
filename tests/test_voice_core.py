"""core/voice.py without a window or a sound card: text for speech, WAV streaming, and the
dictation and read-aloud flows through the real groq client against the loopback Groq. The
recorder and player here are in-memory stand-ins for the sound card (the app's own protocols);
tests/test_voice_audio.py runs the real ones on PulseAudio."""

from __future__ import annotations

import array
import asyncio
import math

import pytest

from desktop_chat.core.voice import (
    MAX_SPEECH_CHARS,
    DictationFlow,
    DictationState,
    PcmFormat,
    ReadAloudFlow,
    VoiceError,
    WavStream,
    peak_level,
    speech_pieces,
    wav_file,
)
from desktop_chat.llm.groq_client import GroqClient
from tests.support.groq_audio import VOICE_HZ, measure_wav, tone_wav
from tests.support.groq_server import FakeGroqServer

FMT = PcmFormat(16_000, 1)


def tone_pcm(hertz: float, seconds: float, amplitude: int = 8000) -> bytes:
    n = int(FMT.rate * seconds)
    return array.array(
        "h", (int(amplitude * math.sin(2 * math.pi * hertz * i / FMT.rate)) for i in range(n))
    ).tobytes()


class MemoryRecorder:
    def __init__(self, pcm: bytes = b"", error: str | None = None) -> None:
        self.pcm, self.error, self.started, self.stopped = pcm, error, False, False
        self.format = FMT

    def start(self) -> None:
        if self.error:
            raise VoiceError(self.error)
        self.started = True

    def stop(self) -> bytes:
        self.stopped = True
        return self.pcm

    def level(self) -> float:
        return peak_level(self.pcm)

    def elapsed(self) -> float:
        return len(self.pcm) / 32_000


class MemoryPlayer:
    def __init__(self) -> None:
        self.pcm = b""
        self.formats: set[PcmFormat] = set()
        self.plays = 0
        self.stopped = False

    def play(self, pcm: bytes, fmt: PcmFormat) -> None:
        self.pcm += pcm
        self.formats.add(fmt)
        self.plays += 1

    async def drained(self) -> None:
        return None

    def queued_seconds(self) -> float:
        return 0.0

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def server():
    with FakeGroqServer() as srv:
        yield srv


def run_with_client(server, body):
    async def main():
        client = GroqClient(server.api_key, base_url=server.base_url)
        try:
            return await asyncio.wait_for(body(client), 10)
        finally:
            await client.close()

    return asyncio.run(main())


# ------------------------------------------------------------------ text for speech


def test_speech_pieces_are_plain_sentences_without_markdown() -> None:
    reply = (
        "# Steps\n\nFirst, **open** the `settings` file. Then [read the docs](https://x.test)!\n\n"
        "- one item\n- *two* items\n\n```python\nprint('code is not read out')\n```\n\n"
        "| a | b |\n|---|---|\n| cell | other |\n"
    )
    pieces = speech_pieces(reply)
    assert pieces == [
        "Steps",
        "First, open the settings file.",
        "Then read the docs!",
        "one item",
        "two items",
        "a",
        "b",
        "cell",
        "other",
    ]
    assert not any(mark in " ".join(pieces) for mark in ("#", "*", "`", "](", "print"))


def test_long_sentences_are_cut_within_the_speech_limit() -> None:
    clause = "this clause goes on for a while without ending"
    long_sentence = ", ".join([clause] * 12) + "."
    word = "x" * 450
    pieces = speech_pieces(f"{long_sentence} Short one. {word}")
    assert all(len(p) <= MAX_SPEECH_CHARS for p in pieces)
    assert "Short one." in pieces
    assert "".join(pieces).replace(" ", "").replace(",", "") == (
        (long_sentence + "Short one." + word).replace(" ", "").replace(",", "")
    )


# ------------------------------------------------------------------ WAV


def test_a_wav_read_a_byte_at_a_time_gives_back_its_pcm() -> None:
    pcm = tone_pcm(440, 0.1)
    stream = WavStream()
    out = b"".join(stream.feed(bytes([b])) for b in wav_file(pcm, FMT))
    assert out == pcm and stream.format == FMT


def test_a_streamed_wav_of_unknown_length_plays_to_its_end() -> None:
    pcm = tone_pcm(440, 0.1)
    data = bytearray(wav_file(pcm, FMT))
    data[40:44] = b"\xff\xff\xff\xff"  # data size unknown when the header was sent
    stream = WavStream()
    assert stream.feed(bytes(data[:50])) + stream.feed(bytes(data[50:])) == pcm


def test_audio_that_is_not_a_wav_is_a_plain_error() -> None:
    with pytest.raises(VoiceError, match="not a WAV"):
        WavStream().feed(b"ID3\x04mp3 bytes")


# ------------------------------------------------------------------ dictation


def test_dictation_uploads_the_recording_and_returns_its_words(server) -> None:
    recorder = MemoryRecorder(tone_pcm(440, 1.0))

    async def body(client):
        flow = DictationFlow(client, lambda: recorder)
        flow.start()
        assert flow.state is DictationState.RECORDING
        text = await flow.finish()
        assert flow.state is DictationState.IDLE
        return text

    assert run_with_client(server, body) == "A 440 hertz tone, 1.0 seconds long."
    assert recorder.started and recorder.stopped
    info = measure_wav(server.audio.uploads[-1]["bytes"])
    assert (info.rate, info.channels) == (16_000, 1) and info.seconds == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("pcm", "message"),
    [
        (tone_pcm(440, 1.0, amplitude=0), "silent"),
        (tone_pcm(440, 0.1), "too short"),
    ],
)
def test_silence_or_a_tap_is_not_uploaded(server, pcm, message) -> None:
    async def body(client):
        flow = DictationFlow(client, lambda: MemoryRecorder(pcm))
        flow.start()
        with pytest.raises(VoiceError, match=message):
            await flow.finish()
        assert flow.state is DictationState.IDLE

    run_with_client(server, body)
    assert server.audio.uploads == []


def test_no_input_device_is_said_and_nothing_records(server) -> None:
    async def body(client):
        flow = DictationFlow(client, lambda: MemoryRecorder(error="No microphone was found."))
        with pytest.raises(VoiceError, match="No microphone"):
            flow.start()
        assert flow.state is DictationState.IDLE

    run_with_client(server, body)


def test_a_failed_upload_is_said_in_words(server) -> None:
    server.fail_next("503")

    async def body(client):
        flow = DictationFlow(client, lambda: MemoryRecorder(tone_pcm(440, 1.0)))
        flow.start()
        with pytest.raises(VoiceError) as caught:
            await flow.finish()
        return caught.value.message

    message = run_with_client(server, body)
    assert message.startswith("The recording could not be transcribed.")
    assert "error 503" in message


def test_no_words_heard_is_said(server) -> None:
    server.audio.transcript_for = lambda info: "  "

    async def body(client):
        flow = DictationFlow(client, lambda: MemoryRecorder(tone_pcm(440, 1.0)))
        flow.start()
        with pytest.raises(VoiceError, match="No words"):
            await flow.finish()

    run_with_client(server, body)


# ------------------------------------------------------------------ read aloud


def test_read_aloud_speaks_each_sentence_in_the_chosen_voice(server) -> None:
    player = MemoryPlayer()
    reply = "**First** sentence here. Second one, with `code`!"

    async def body(client):
        await ReadAloudFlow(client).read(reply, "diana", player)

    run_with_client(server, body)
    bodies = server.audio.speech_requests
    assert [b["input"] for b in bodies] == ["First sentence here.", "Second one, with code!"]
    assert {b["voice"] for b in bodies} == {"diana"}
    assert player.formats == {PcmFormat(24_000, 1)}
    assert player.plays > 2  # fed as it arrived
    seconds = len(player.pcm) / 48_000
    assert seconds == pytest.approx(sum(len(b["input"]) for b in bodies) * 0.040, abs=0.02)
    heard = measure_wav(wav_file(player.pcm, PcmFormat(24_000, 1)))
    assert heard.hertz == pytest.approx(VOICE_HZ["diana"], rel=0.03)


def test_stopping_read_aloud_stops_the_player_and_asks_no_more(server) -> None:
    server.audio.realtime = 1.0  # audio arrives as fast as it plays: there is time to stop
    player = MemoryPlayer()
    reply = " ".join(f"Sentence number {i} is here." for i in range(6))

    async def body(client):
        task = asyncio.ensure_future(ReadAloudFlow(client).read(reply, "troy", player))
        while not player.plays:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_with_client(server, body)
    assert player.stopped
    assert len(server.audio.speech_requests) == 1


def test_a_failed_speech_request_is_said_and_stops(server) -> None:
    server.fail_next("429", retry_after=3)
    player = MemoryPlayer()

    async def body(client):
        with pytest.raises(VoiceError) as caught:
            await ReadAloudFlow(client).read("One. Two.", "troy", player)
        return caught.value.message

    message = run_with_client(server, body)
    assert message.startswith("The reply could not be read aloud.") and "rate limit" in message
    assert player.stopped and len(server.audio.speech_requests) == 1


def test_a_reply_with_only_code_has_nothing_to_read(server) -> None:
    async def body(client):
        with pytest.raises(VoiceError, match="no text"):
            await ReadAloudFlow(client).read("```\nx = 1\n```", "troy", MemoryPlayer())

    run_with_client(server, body)
    assert server.audio.speech_requests == []


def test_tone_wav_helper_matches_the_core_wav_writer() -> None:
    assert tone_wav(440, 0.05) == wav_file(tone_pcm(440, 0.05), FMT)


def test_read_aloud_asks_only_a_few_seconds_ahead_of_what_plays(server) -> None:
    class NeverPlays(MemoryPlayer):  # a stuck sound card: everything stays queued
        def queued_seconds(self) -> float:
            return len(self.pcm) / 48_000

    player = NeverPlays()
    reply = " ".join(f"Sentence number {i} is here." for i in range(10))  # 1.04 s each

    async def body(client):
        task = asyncio.ensure_future(ReadAloudFlow(client).read(reply, "troy", player))
        await asyncio.sleep(0.5)
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_with_client(server, body)
    assert len(server.audio.speech_requests) == 3  # 3.1 s queued > LOOKAHEAD_S: it waits
