"""The sound card for voice in and out: core/voice.py's Recorder and Player on PortAudio
(the `sounddevice` package).

Why PortAudio and not QtMultimedia: QAudioSource/QAudioSink need PySide6-Addons (a 175 MB
wheel; ~2.6 MB more in the bundle when its FFmpeg plugin is left out), and on Qt 6.11.3 with
PulseAudio its capture delivered the first buffer and then nothing (measured against the same
PulseAudio daemon the tests start, where PortAudio records the tone at full rate).
sounddevice is ~0.3 MB with PortAudio itself (bundled on macOS and Windows; Debian's
libportaudio2 on Linux, which reaches PulseAudio/PipeWire through ALSA's pulse plugin).

PortAudio calls back on its own thread: the callbacks only move bytes under a lock; the Qt
side polls `level()`/`elapsed()` on a timer. PortAudio is (re)initialised for each recording,
so a microphone plugged in after the app started is found.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication

from ..core.voice import PcmFormat, VoiceError, peak_level

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

RECORD_RATES = (16_000, None)  # Whisper's own rate, else the device's default
LEAD_IN_S = 0.15  # silence before the first sound, so no syllable is cut
MAX_RECORDING_S = 10 * 60  # 19 MB of 16 kHz audio: within Groq's 25 MB upload limit


def _sounddevice() -> Any:
    try:
        import sounddevice
    except (ImportError, OSError):  # OSError: the PortAudio library itself is missing
        raise VoiceError(
            translate(
                "Voice",
                "Voice needs PortAudio, which is not installed (on Debian or Ubuntu: "
                "sudo apt install libportaudio2).",
            )
        ) from None
    return sounddevice


def _refresh(sd: Any) -> None:
    """Let PortAudio look at the devices again (plugged in or out since the last time)."""
    try:
        sd._terminate()
        sd._initialize()
    except Exception:  # a failure here shows when the stream opens
        log.debug("PortAudio re-initialisation failed", exc_info=True)


class PortAudioRecorder:
    """Records 16-bit mono PCM from the default input."""

    def __init__(self) -> None:
        self.format = PcmFormat(16_000, 1)
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self._frames = 0
        self._peak = 0.0
        self._stream: Any = None

    def start(self) -> None:
        sd = _sounddevice()
        _refresh(sd)
        try:
            device = sd.query_devices(kind="input")
        except (sd.PortAudioError, ValueError):
            raise VoiceError(
                translate(
                    "Voice",
                    "No microphone was found. Connect one, or choose a default input in your "
                    "system's sound settings.",
                )
            ) from None
        problem = ""
        for rate in RECORD_RATES:
            rate = int(rate or device["default_samplerate"])
            try:
                stream = sd.RawInputStream(
                    samplerate=rate,
                    channels=1,
                    dtype="int16",
                    blocksize=rate // 20,
                    callback=self._callback,
                )
                stream.start()
            except (sd.PortAudioError, ValueError) as exc:
                problem = str(exc)
                continue
            self.format = PcmFormat(rate, 1)
            self._stream = stream
            return
        log.warning("Could not open the microphone: %s", problem)
        raise VoiceError(
            translate(
                "Voice",
                "The microphone could not be opened. Another program may be using it, or the app "
                "may not be allowed to (on macOS: System Settings → Privacy & Security → "
                "Microphone).",
            )
        )

    def _callback(self, indata: Any, frames: int, _time: Any, _status: Any) -> None:
        data = bytes(indata)
        level = peak_level(data)
        with self._lock:
            self._chunks.append(data)
            self._frames += frames
            self._peak = max(self._peak, level)

    def level(self) -> float:
        with self._lock:
            peak, self._peak = self._peak, 0.0
        return peak

    def elapsed(self) -> float:
        with self._lock:
            return self._frames / self.format.rate

    def stop(self) -> bytes:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # a device gone mid-recording: keep what came
                log.debug("Closing the input stream failed", exc_info=True)
        with self._lock:
            pcm = b"".join(self._chunks)
            self._chunks = []
        return pcm


class PortAudioPlayer:
    """Plays 16-bit PCM on the default output as it is queued; one stream per format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue = bytearray()
        self._format: PcmFormat | None = None
        self._stream: Any = None
        self.played_bytes = 0

    def play(self, pcm: bytes, fmt: PcmFormat) -> None:
        if self._stream is None or fmt != self._format:
            self._close()
            self._open(fmt)
        with self._lock:
            self._queue += pcm

    def _open(self, fmt: PcmFormat) -> None:
        sd = _sounddevice()
        _refresh(sd)
        try:
            stream = sd.RawOutputStream(
                samplerate=fmt.rate,
                channels=fmt.channels,
                dtype="int16",
                blocksize=fmt.rate // 50,
                callback=self._callback,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            log.warning("Could not open the speakers: %s", exc)
            raise VoiceError(
                translate(
                    "Voice",
                    "No speakers or headphones could be opened to read aloud. Check your "
                    "system's sound output.",
                )
            ) from None
        self._stream, self._format = stream, fmt
        with self._lock:  # an output waking from suspend drops its first ~0.1 s (measured)
            self._queue[:0] = bytes(int(fmt.rate * LEAD_IN_S) * fmt.channels * fmt.width)

    def _callback(self, outdata: Any, _frames: int, _time: Any, _status: Any) -> None:
        size = len(outdata)
        with self._lock:
            take = bytes(self._queue[:size])
            del self._queue[:size]
            self.played_bytes += len(take)  # the lead-in included
        outdata[: len(take)] = take
        if len(take) < size:
            outdata[len(take) :] = bytes(size - len(take))  # silence until more arrives

    def queued(self) -> int:
        with self._lock:
            return len(self._queue)

    def queued_seconds(self) -> float:
        fmt = self._format
        return self.queued() / (fmt.rate * fmt.channels * fmt.width) if fmt else 0.0

    async def drained(self) -> None:
        while self.queued():
            await asyncio.sleep(0.05)
        stream = self._stream
        if stream is not None:
            await asyncio.sleep(stream.latency + 0.05)  # the last block leaves the card
        self._close(play_out=True)

    def stop(self) -> None:
        with self._lock:
            self._queue.clear()
        self._close()

    def _close(self, play_out: bool = False) -> None:
        """Close the stream: at once (abort), or after what the card holds has played."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            if play_out:
                stream.stop()
            else:
                stream.abort()
            stream.close()
        except Exception:  # a device gone meanwhile: nothing left to stop
            log.debug("Closing the output stream failed", exc_info=True)
