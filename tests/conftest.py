"""Shared fixtures: a Qt app (offscreen, or xcb in the real-window pass) with a qasync loop,
a real SQLite store, the Groq stand-in."""

from __future__ import annotations

import asyncio
import atexit
import os
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

# The suite runs in two passes (scripts/test): offscreen for logic and speed, then the tests
# marked `real_window` on the xcb platform, in a real X server with a window manager, where what
# is painted is what a person sees.
REAL_WINDOW = os.environ.get("DESKTOP_CHAT_TEST_DISPLAY") == "xvfb"
if REAL_WINDOW:
    from tests.support.xserver import XServer

    _X_SERVER = XServer().start()
    atexit.register(_X_SERVER.stop)
    os.environ["DISPLAY"] = _X_SERVER.display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
else:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("GROQ_API_KEY", None)

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from tests.support.audio import PulseAudio  # noqa: E402
from tests.support.groq_server import FakeGroqServer  # noqa: E402
from tests.support.postgres import pg_database, postgres_cluster  # noqa: E402,F401
from tests.support.supabase_gateway import SupabaseGateway  # noqa: E402


def pytest_collection_modifyitems(config, items) -> None:
    """Each pass runs its own tests: `real_window` ones only on the X server."""
    keep, drop = [], []
    for item in items:
        wants_window = item.get_closest_marker("real_window") is not None
        (keep if wants_window == REAL_WINDOW else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class MemoryKeyring(KeyringBackend):
    """A keychain that lives in memory: the real `keyring` API, no OS service needed."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir, config dir and keychain; nothing leaks from the host."""
    for name in (
        "GROQ_API_KEY",
        "GROQ_MODEL",
        "GROQ_BASE_URL",
        "MEMORY_TURNS",
        "SUPABASE_URL",
        "SUPABASE_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DESKTOP_CHAT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield data_dir
    keyring.set_keyring(previous)


@pytest.fixture
def groq_server() -> Iterator[FakeGroqServer]:
    server = FakeGroqServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseAudio]:
    """A PulseAudio daemon of the test's own whose microphone is a 440 Hz tone, used by the
    app's sound path (tests/support/audio.py)."""
    with PulseAudio(tmp_path, tone_hz=440) as daemon:
        daemon.use(monkeypatch)
        yield daemon


@pytest.fixture
def app_options() -> dict[str, Any]:
    """Keyword arguments for the `app` fixture's ChatApp; a test module overrides this fixture
    to change them (e.g. a short stall timeout)."""
    return {}


@pytest.fixture
def app(qtbot, run, groq_server, isolated_environment, app_options):
    """The real app on this test's data dir: store, ChatService and MainWindow
    (tests/ui_helpers.py:ChatApp), talking to the Groq stand-in; closed after the test."""
    from tests.ui_helpers import ChatApp  # imports the window: only for tests that ask

    chat = ChatApp(qtbot, run, isolated_environment, groq_server, **app_options)
    yield chat
    chat.close()


@pytest.fixture
def gateway(postgres_cluster, pg_database) -> Iterator[SupabaseGateway]:  # noqa: F811
    """GoTrue + PostgREST on loopback, backed by a real PostgreSQL with schema.sql applied."""
    gw = SupabaseGateway(postgres_cluster, pg_database).start()
    yield gw
    gw.down()


@pytest.fixture(scope="session", autouse=True)
def _english_words(qapp):
    """As app.py at start-up: English, with its plurals ("1 match"); a test may switch."""
    from desktop_chat.ui.language import install_language

    install_language("en")


@pytest.fixture(scope="session")
def _qasync_loop(qapp):
    import qasync

    loop = qasync.QEventLoop(qapp)
    yield loop
    loop.close()  # joins the thread pool that name lookups ran on


@pytest.fixture
def aloop(_qasync_loop):
    """The qasync loop, running for the length of one test: tasks advance whenever Qt
    processes events, e.g. inside qtbot.waitUntil."""
    asyncio.events._set_running_loop(_qasync_loop)
    asyncio.set_event_loop(_qasync_loop)
    try:
        yield _qasync_loop
    finally:
        for task in asyncio.all_tasks(_qasync_loop):
            task.cancel()
        asyncio.events._set_running_loop(None)


@pytest.fixture
def run(aloop, qtbot):
    """Run a coroutine on the qasync loop, pumping Qt until it is done."""

    def run_coroutine(coroutine: Coroutine, timeout: int = 10_000):
        task = asyncio.ensure_future(coroutine)
        qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    return run_coroutine
