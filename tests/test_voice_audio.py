"""The real sound path: PortAudio recording from and playing to a PulseAudio daemon started for
each test (tests/support/audio.py), whose microphone is a real 440 Hz tone and whose speakers'
monitor is read back with parec."""

from __future__ import annotations

import asyncio

import pytest

from desktop_chat.core.voice import DictationFlow, PcmFormat, ReadAloudFlow, VoiceError, wav_file
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.ui.voice_audio import LEAD_IN_S, PortAudioPlayer, PortAudioRecorder
from tests.support.audio import PulseAudio, loud_frames
from tests.support.groq_audio import VOICE_HZ, measure_wav, tone_wav
from tests.support.groq_server import FakeGroqServer


def heard_tone(pcm: bytes, rate: int):
    """The tone in `pcm`, measured on its loud part only (parec hears silence around it)."""
    return measure_wav(wav_file(loud_frames(pcm, rate), PcmFormat(rate, 1)))


def test_the_recorder_hears_the_default_input(pulse, qtbot) -> None:
    recorder = PortAudioRecorder()
    recorder.start()
    levels: list[float] = []
    try:
        qtbot.waitUntil(
            lambda: levels.append(recorder.level()) or recorder.elapsed() >= 1.0, timeout=8000
        )
    finally:
        pcm = recorder.stop()
    assert max(levels) > 0.3  # the sine source's level reached the meter
    info = heard_tone(pcm, recorder.format.rate)
    assert info.seconds >= 1.0
    assert info.hertz == pytest.approx(440, rel=0.03)


def test_no_sound_server_means_a_plain_no_microphone_message(tmp_path, monkeypatch) -> None:
    if PulseAudio.unavailable():
        pytest.skip(PulseAudio.unavailable())
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/nothing-listens-here")
    with pytest.raises(VoiceError) as caught:
        PortAudioRecorder().start()
    assert "microphone" in caught.value.message.lower()


def test_a_silent_input_is_said_and_not_uploaded(pulse, qtbot) -> None:
    pulse.mute_mic()
    with FakeGroqServer() as server:

        async def body():
            client = GroqClient(server.api_key, base_url=server.base_url)
            flow = DictationFlow(client, PortAudioRecorder)
            flow.start()
            while flow.recorder.elapsed() < 0.8:
                await asyncio.sleep(0.05)
            try:
                with pytest.raises(VoiceError, match="silent"):
                    await flow.finish()
            finally:
                await client.close()

        asyncio.run(asyncio.wait_for(body(), 15))
        assert server.audio.uploads == []


def test_dictation_records_the_tone_and_transcribes_it(pulse) -> None:
    with FakeGroqServer() as server:

        async def body():
            client = GroqClient(server.api_key, base_url=server.base_url)
            flow = DictationFlow(client, PortAudioRecorder)
            flow.start()
            while flow.recorder.elapsed() < 1.0:
                await asyncio.sleep(0.05)
            try:
                return await flow.finish()
            finally:
                await client.close()

        text = asyncio.run(asyncio.wait_for(body(), 15))
    assert text.startswith("A 440 hertz tone, ")  # the default input's tone, heard


def test_the_player_reaches_the_speakers(pulse) -> None:
    player = PortAudioPlayer()
    tone = tone_wav(660, 0.6, rate=24_000)[44:]
    with pulse.recording() as heard:
        player.play(tone, PcmFormat(24_000, 1))
        asyncio.run(asyncio.wait_for(player.drained(), 10))
    info = heard_tone(heard.pcm, heard.rate)
    assert info.hertz == pytest.approx(660, rel=0.05)
    assert player.played_bytes == len(tone) + int(24_000 * LEAD_IN_S) * 2
    assert info.seconds == pytest.approx(0.6, abs=0.02)


def test_read_aloud_plays_groqs_speech_in_the_chosen_voice(pulse) -> None:
    with FakeGroqServer() as server:

        async def body():
            client = GroqClient(server.api_key, base_url=server.base_url)
            try:
                await ReadAloudFlow(client).read(
                    "This is read aloud. So is this.", "austin", PortAudioPlayer()
                )
            finally:
                await client.close()

        with pulse.recording() as heard:
            asyncio.run(asyncio.wait_for(body(), 15))
    assert [b["voice"] for b in server.audio.speech_requests] == ["austin", "austin"]
    info = heard_tone(heard.pcm, heard.rate)
    assert info.hertz == pytest.approx(VOICE_HZ["austin"], rel=0.05)
    # all of it reached the speakers: 30 characters, 40 ms of speech each
    assert info.seconds == pytest.approx(30 * 0.040, abs=0.04)
