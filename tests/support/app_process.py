"""The real app in a child process (see launch_app.py), with its own home, data and runtime dirs.

    proc = AppProcess(home, data_dir, groq=server, messages=["hi"])
    proc.wait_for("replied")
    proc.kill()            # SIGKILL: like a crash or a power cut
    proc.close()           # always: kills it if still running

Nothing it does can reach the developer's real files or keychain: HOME and every XDG dir point
into `home`, the keyring backend is the null one, and the current folder is `home` (so no
`.env` is picked up; `cwd=` starts it in another folder).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).with_name("launch_app.py")


_runtime_dirs: set[Path] = set()


def runtime_dir(home: Path) -> Path:
    """A short, private XDG_RUNTIME_DIR for this home (the single-instance socket lives there;
    a pytest tmp path would make the socket path too long). Removed when the tests end."""
    digest = hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"dc-run-{digest}"
    path.mkdir(mode=0o700, exist_ok=True)
    if not _runtime_dirs:
        atexit.register(lambda: [shutil.rmtree(p, ignore_errors=True) for p in _runtime_dirs])
    _runtime_dirs.add(path)
    return path


def app_environment(home: Path, data_dir: Path | None, **extra: str) -> dict[str, str]:
    """The child's environment; `data_dir` None leaves DESKTOP_CHAT_DATA_DIR unset (the app
    then uses the default data dir, inside `home`)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GROQ_", "SUPABASE_", "DC_LAUNCH_", "XDG_", "DESKTOP_CHAT_"))
    }
    runtime = runtime_dir(home)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "share"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_RUNTIME_DIR=str(runtime),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    if data_dir is not None:
        env["DESKTOP_CHAT_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


class AppProcess:
    def __init__(
        self,
        home: Path,
        data_dir: Path | None,
        *,
        groq=None,
        messages: list[str] = (),
        quit: bool = False,
        quit_file: Path | None = None,
        args: list[str] = (),
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ):
        home.mkdir(parents=True, exist_ok=True)
        extra: dict[str, str] = {"DC_LAUNCH_MESSAGES": json.dumps(list(messages))}
        if groq is not None:
            extra.update(GROQ_API_KEY=groq.api_key, GROQ_BASE_URL=groq.base_url)
        if quit:
            extra["DC_LAUNCH_QUIT"] = "1"
        if quit_file is not None:
            extra["DC_LAUNCH_QUIT_FILE"] = str(quit_file)
        extra.update(env or {})
        self.env = app_environment(home, data_dir, **extra)
        self.events: list[dict[str, Any]] = []
        self.stderr_lines: list[str] = []
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, str(LAUNCHER), *args],
            cwd=cwd or home,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read_stdout(self) -> None:
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "stdout", "text": line.rstrip("\n")}
            self.events.append(event)
            self._queue.put(event)
        self._queue.put(None)

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    def _seen(self) -> str:
        """The events so far and the end of the child's stderr, for a failure message."""
        return f"{[e.get('event') for e in self.events]}\n{self.stderr[-3000:]}"

    def wait_for(self, name: str, timeout: float = 20.0) -> dict[str, Any]:
        """The next event called `name`; fails (with the child's stderr) on timeout or exit."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {name!r} event within {timeout} s; got {self._seen()}")
            try:
                event = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if event is None:
                self._queue.put(None)  # keep reporting the end to later waits
                raise AssertionError(
                    f"the app exited ({self.proc.wait()}) before {name!r}; got {self._seen()}"
                )
            if event.get("event") == name:
                return event

    def wait(self, timeout: float = 20.0) -> int:
        code = self.proc.wait(timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        return code

    def kill(self) -> None:
        """SIGKILL: no handler, no flush, no clean-up runs in the child."""
        if self.proc.poll() is None:
            self.proc.kill()  # SIGKILL on POSIX
        self.proc.wait(10)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        for reader in self._readers:
            reader.join(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
