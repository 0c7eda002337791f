"""A second start on the same data brings the running window forward instead of writing too."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from desktop_chat.ui.single_instance import SingleInstance, bring_forward, server_name
from tests.support.app_process import AppProcess


@pytest.fixture
def runtime(monkeypatch) -> Path:
    """A private XDG_RUNTIME_DIR with a short path (a Unix socket path must fit in 108 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="dc-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_the_name_is_per_data_folder(tmp_path: Path, runtime: Path, monkeypatch) -> None:
    a, b = server_name(tmp_path / "a"), server_name(tmp_path / "b")
    assert a != b and server_name(tmp_path / "a" / ".." / "a") == a
    assert Path(a).parent == runtime  # in the per-user runtime folder, not the shared /tmp
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime / ("deep" * 30)))
    (runtime / ("deep" * 30)).mkdir()
    assert "/" not in server_name(tmp_path / "a")  # too long for a socket path: a plain name
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setattr("getpass.getuser", lambda: "someone-else")
    assert server_name(tmp_path / "a") != a


def test_a_second_start_asks_the_first_to_come_forward(
    qtbot, tmp_path: Path, runtime: Path
) -> None:
    first = SingleInstance(tmp_path / "data")
    assert not first.activate_running()  # nobody there yet
    assert first.listen()
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    first.activated.connect(lambda: bring_forward(window))
    try:
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert SingleInstance(tmp_path / "data").activate_running()
        assert not window.isMinimized() and window.isVisible()
        assert not SingleInstance(tmp_path / "other data").activate_running()
    finally:
        first.close()
    assert not SingleInstance(tmp_path / "data").activate_running()


def test_a_socket_left_by_a_crash_does_not_block_the_next_start(
    tmp_path: Path, runtime: Path
) -> None:
    stale = Path(server_name(tmp_path / "data"))
    assert stale.parent == runtime
    stale.write_bytes(b"")  # what a killed instance leaves: a socket file no one listens on
    instance = SingleInstance(tmp_path / "data")
    assert not instance.activate_running()
    assert instance.listen()
    instance.close()


def test_two_real_processes_one_window(tmp_path: Path, groq_server) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    quit_file = tmp_path / "quit"
    first = AppProcess(home, data, groq=groq_server, quit_file=quit_file)
    try:
        first.wait_for("ready")
        runtime = Path(first.env["XDG_RUNTIME_DIR"])
        second = AppProcess(home, data, groq=groq_server, messages=["never typed"], quit=True)
        try:
            assert second.wait(timeout=30) == 0
        finally:
            second.close()
        assert not any(e["event"] in ("ready", "sent") for e in second.events), second.events
        logged = "".join(f.read_text(errors="replace") for f in home.rglob("*.log*") if f.is_file())
        assert "already running" in logged + second.stderr
        first.wait_for("activated", timeout=10)

        # A crash leaves the socket file behind; the next start must take over, not defer to it.
        first.kill()
        assert [p.name for p in runtime.iterdir() if p.name.startswith("desktop-chat-")]
    finally:
        first.close()
    third = AppProcess(
        home, data, groq=groq_server, messages=["after the crash"], quit_file=quit_file
    )
    try:
        third.wait_for("ready")
        third.wait_for("replied")
        quit_file.write_text("")
        assert third.wait_for("exit")["code"] == 0
        assert third.wait(timeout=30) == 0
    finally:
        third.close()
    assert os.path.exists(data / "chat.db")


def test_the_socket_is_the_one_qlocalsocket_and_qlocalserver_use(
    qtbot, tmp_path: Path, runtime: Path
) -> None:
    """Python's socket on Unix (no QtNetwork at start-up) speaks to Qt's local sockets at the same
    path, both ways, and only this user may connect."""
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

    ours = SingleInstance(tmp_path / "data")
    assert ours.listen()
    try:
        assert os.stat(server_name(tmp_path / "data")).st_mode & 0o077 == 0
        with qtbot.waitSignal(ours.quick_ask_requested, timeout=5000):
            qt_client = QLocalSocket()
            qt_client.connectToServer(ours.name)
            assert qt_client.waitForConnected(1000)
            qt_client.write(b"quick-ask\n")
            assert qt_client.waitForBytesWritten(1000)
        qt_client.abort()
    finally:
        ours.close()
    assert not os.path.exists(server_name(tmp_path / "data"))  # closing removes the file

    qt_server = QLocalServer()
    assert qt_server.listen(server_name(tmp_path / "data"))
    try:
        with qtbot.waitSignal(qt_server.newConnection, timeout=5000):
            assert SingleInstance(tmp_path / "data").activate_running()
        connection = qt_server.nextPendingConnection()
        qtbot.waitUntil(connection.canReadLine, timeout=5000)
        assert bytes(connection.readLine().data()) == b"activate\n"
    finally:
        qt_server.close()


def test_without_a_runtime_folder_the_socket_is_where_qt_puts_it(
    tmp_path: Path, runtime: Path, monkeypatch
) -> None:
    from PySide6.QtNetwork import QLocalServer

    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("TMPDIR", str(runtime))  # Qt's temporary folder: short, and this test's
    instance = SingleInstance(tmp_path / "data")
    assert "/" not in instance.name
    qt_server = QLocalServer()
    assert qt_server.listen(instance.name)
    try:
        assert qt_server.fullServerName() == str(runtime / instance.name)
        assert instance.activate_running()
    finally:
        qt_server.close()
