"""A real audio stack for a test: a throwaway PulseAudio daemon of its own.

    with PulseAudio(tmp_path) as pulse:          # or the `pulse` fixture (conftest)
        pulse.use(monkeypatch)                     # PULSE_SERVER etc. for this process
        with pulse.recording() as heard:           # parec on the speakers' monitor
            ...play something...
        heard.pcm                                  # what reached the (null) speakers

The daemon (`pulseaudio -n --daemonize=no --exit-idle-time=-1`) loads only what the test
needs: the native protocol on a socket in its own runtime folder, a null sink `speakers` as
the default output, and a `module-sine-source` `mic` (a `tone_hz` tone) as the default input,
so a recording holds a real tone and playback can be read back from `speakers.monitor`. The
app reaches it through PortAudio -> ALSA's pulse plugin -> PULSE_SERVER.

`PulseAudio.unavailable()` says why the stack cannot start here (no pulseaudio/parec, or
PortAudio missing); tests skip with that reason.
"""

from __future__ import annotations

import array
import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SPEAKERS = "speakers"
MIC = "mic"


@dataclass
class Heard:
    pcm: bytes = b""
    rate: int = 24_000

    def sound(self) -> bytes:
        """Only the 10 ms frames that carry sound: the silence before, between and after what
        was played left out (a busy machine may leave gaps between sentences)."""
        return loud_frames(self.pcm, self.rate)


def loud_frames(pcm: bytes, rate: int, threshold: int = 1000) -> bytes:
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    step = rate // 100
    frames = [samples[i : i + step] for i in range(0, len(samples), step)]
    return b"".join(f.tobytes() for f in frames if f and max(abs(s) for s in f) > threshold)


class PulseAudio:
    def __init__(self, root: Path, tone_hz: int = 440) -> None:
        self.root = Path(root) / "pulse"
        self.tone_hz = tone_hz
        self.socket = self.root / "native"
        self._process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def unavailable() -> str | None:
        for tool in ("pulseaudio", "parec", "pactl"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed (scripts/system-deps --test installs it)"
        try:
            import sounddevice  # noqa: F401
        except (ImportError, OSError) as exc:
            return f"PortAudio is not usable: {exc}"
        return None

    @property
    def server(self) -> str:
        return f"unix:{self.socket}"

    def env(self) -> dict[str, str]:
        return {"PULSE_SERVER": self.server, "PULSE_RUNTIME_PATH": str(self.root / "runtime")}

    def start(self) -> PulseAudio:
        reason = self.unavailable()
        if reason:
            pytest.skip(reason)
        (self.root / "runtime").mkdir(parents=True, exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        script = self.root / "default.pa"
        script.write_text(
            f"load-module module-native-protocol-unix socket={self.socket} auth-anonymous=1\n"
            f"load-module module-null-sink sink_name={SPEAKERS} rate=24000 channels=1\n"
            f"load-module module-sine-source source_name={MIC} frequency={self.tone_hz}\n"
            f"set-default-sink {SPEAKERS}\n"
            f"set-default-source {MIC}\n"
        )
        env = {
            **os.environ,
            "HOME": str(self.root / "home"),
            "XDG_RUNTIME_DIR": str(self.root / "runtime"),
            "PULSE_RUNTIME_PATH": str(self.root / "runtime"),
        }
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self._log = open(self.root / "daemon.log", "wb")  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disable-shm=true",
                "--use-pid-file=false",
                "--log-target=stderr",
                "-F",
                str(script),
            ],
            env=env,
            stdout=self._log,
            stderr=self._log,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            if self.socket.exists() and self.pactl("info").returncode == 0:
                return self
            time.sleep(0.05)
        log = (self.root / "daemon.log").read_text(errors="replace")[-1500:]
        self.stop()
        pytest.skip(f"PulseAudio did not start here: {log}")
        return self

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args],
            env={**os.environ, **self.env()},
            capture_output=True,
            text=True,
            timeout=10,
        )

    def use(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point this process (and the children it starts) at this daemon."""
        for name, value in self.env().items():
            monkeypatch.setenv(name, value)

    def mute_mic(self) -> None:
        """The default input becomes the speakers' monitor: silence while nothing plays."""
        self.pactl("set-default-source", f"{SPEAKERS}.monitor")

    @contextlib.contextmanager
    def recording(self, rate: int = 24_000) -> Iterator[Heard]:
        """Everything the speakers get while the block runs (mono 16-bit at `rate`)."""
        heard = Heard(rate=rate)
        out = self.root / f"heard-{time.monotonic_ns()}.raw"
        with open(out, "wb") as sink:
            parec = subprocess.Popen(
                [
                    "parec",
                    f"--device={SPEAKERS}.monitor",
                    "--format=s16le",
                    f"--rate={rate}",
                    "--channels=1",
                    "--latency-msec=20",
                ],
                env={**os.environ, **self.env()},
                stdout=sink,
                stderr=subprocess.DEVNULL,
            )
            try:
                time.sleep(0.2)  # parec connected before the block plays anything
                yield heard
                time.sleep(0.3)  # the tail of what was played
            finally:
                parec.terminate()
                parec.wait(timeout=5)
        heard.pcm = out.read_bytes()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()

    def __enter__(self) -> PulseAudio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
