"""Reading the running app the way a screen reader does, for the real-window a11y tests: a
private session bus with the accessibility bus on it (`a11y_session`), the tree and the events
through tests/support/atspi_reader.py (run with the system python3, which has pyatspi)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
READER = Path(__file__).parent / "atspi_reader.py"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
CONTROL_ROLES = {
    "push button",
    "toggle button",
    "text",
    "combo box",
    "list",
    "check box",
    "radio button",
    "menu button",
    "spin button",
    "slider",
    "page tab",
}


def has_pyatspi() -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    return (
        subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False
        ).returncode
        == 0
    )


@pytest.fixture(name="a11y_session")
def a11y_session_fixture():  # import it into a test module to use `a11y_session`
    """A private session bus with the accessibility bus launched on it: the environment the app
    and the reader share (what `dbus-run-session` plus at-spi-bus-launcher give a desktop)."""
    if not has_pyatspi():
        pytest.skip(
            f"{SYSTEM_PYTHON} has no pyatspi (Debian: python3-pyatspi; scripts/system-deps"
            " --test installs it)"
        )
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    launcher = None
    try:
        address = daemon.stdout.readline().strip()
        assert address, "dbus-daemon printed no address"
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address)
        env.pop("AT_SPI_BUS_ADDRESS", None)
        launcher = subprocess.Popen(
            [BUS_LAUNCHER, "--launch-immediately"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        yield env
    finally:
        for process in (launcher, daemon):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)


def read(env, *arguments: str, timeout: float = 30) -> object:
    done = subprocess.run(
        [SYSTEM_PYTHON, str(READER), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def app_nodes(env, pid: int) -> list[dict]:
    apps = [app for app in read(env, "tree") if app["pid"] == pid]
    return apps[0]["nodes"] if apps else []


def wait_for_tree(env, pid: int, ready, timeout: float = 20) -> list[dict]:
    """The app's tree once `ready(nodes)` holds (the bridge registers and fills in async)."""
    deadline = time.monotonic() + timeout
    nodes: list[dict] = []
    while time.monotonic() < deadline:
        nodes = app_nodes(env, pid)
        if ready(nodes):
            return nodes
        time.sleep(0.3)  # another process's bus state: nothing in this one to wait on
    raise AssertionError(f"tree not ready:\n{outline(nodes)}")


def outline(nodes: list[dict]) -> str:
    return "\n".join(
        f"{'  ' * n['depth']}{n['role']} {n['name']!r} {','.join(n['states'])}" for n in nodes
    )


def children_of(nodes: list[dict], name: str, role: str) -> list[dict]:
    start = next(i for i, n in enumerate(nodes) if n["name"] == name and n["role"] == role)
    depth = nodes[start]["depth"]
    below = []
    for node in nodes[start + 1 :]:
        if node["depth"] <= depth:
            break
        if node["depth"] == depth + 1:
            below.append(node)
    return below


def subtree(nodes: list[dict], name: str, role: str) -> list[dict]:
    """The node called `name` with that role and everything below it."""
    start = next(i for i, n in enumerate(nodes) if n["name"] == name and n["role"] == role)
    end = next(
        (i for i in range(start + 1, len(nodes)) if nodes[i]["depth"] <= nodes[start]["depth"]),
        len(nodes),
    )
    return nodes[start:end]


def unnamed_controls(nodes: list[dict]) -> list[dict]:
    return [
        n
        for n in nodes
        if "showing" in n["states"] and n["role"] in CONTROL_ROLES and not n["name"].strip()
    ]


class Listener:
    """The reader's `listen` mode in the background: what a screen reader hears, as it comes."""

    def __init__(self, env, seconds: float = 90):
        self.proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(READER), "listen", str(seconds)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: queue.Queue[dict] = queue.Queue()
        self.passed: list[str] = []  # announcements a test passed over (for its messages)
        threading.Thread(target=self._read, daemon=True).start()
        first = self.next(timeout=20)
        assert first == {"event": "listening"}, first

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def next(self, kind: str | None = None, timeout: float = 10) -> dict | None:
        """The next event (of `kind`), or None when none comes within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                return None
            if kind is None or event["event"] == kind:
                return event
        return None

    def drain(self) -> None:
        while not self.events.empty():
            self.events.get_nowait()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def xdotool(*arguments: str) -> str:
    return subprocess.run(
        ["xdotool", *arguments], check=True, capture_output=True, text=True, timeout=20
    ).stdout
