"""The app's files on disk: private, not followed out of their folder, and failures told plainly.

Everything runs against real files: the real app in a child process (tests/support/
launch_app.py), a real SQLite file, and, for a full or read-only disk, a small tmpfs the test
mounts itself (tests/support/mounts.py; the tests run as root, whom a folder's mode does not
stop, but a read-only mount does).
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from desktop_chat.core.export import write_export
from desktop_chat.models import Event, EventType, Session
from desktop_chat.store.base import StoreError
from desktop_chat.store.sqlite import SQLiteStore
from tests.support.app_process import AppProcess
from tests.support.mounts import fill, make_read_only, tmpfs

SQLITE_WORDS = ("OperationalError", "sqlite", "Traceback", "Something went wrong")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def start_app(tmp_path: Path, data_dir: Path, groq=None, **options) -> tuple[AppProcess, dict]:
    """Start the real app on `data_dir`; returns it and the first dialog it showed."""
    child = AppProcess(tmp_path / "home", data_dir, groq=groq, quit=True, **options)
    try:
        dialog = child.wait_for("dialog", timeout=30)
        exit_event = child.wait_for("exit", timeout=30)
        child.wait()
    finally:
        child.close()
    return child, {**dialog, "exit": exit_event["code"]}


def assert_plain(dialog: dict, child: AppProcess, *words: str) -> None:
    assert dialog["kind"] == "critical" and dialog["exit"] == 1
    for word in words:
        assert word in dialog["text"], dialog["text"]
    for word in SQLITE_WORDS:
        assert word not in dialog["text"], dialog["text"]
    assert "Traceback" not in child.stderr, child.stderr[-2000:]


# -- modes -----------------------------------------------------------------------------------
def test_the_real_app_makes_every_file_private(tmp_path, groq_server):
    data_dir = tmp_path / "new" / "data"
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "session.md").write_text("an older export, world-readable")
    os.chmod(exports / "session.md", 0o644)
    child = AppProcess(
        tmp_path / "home",
        data_dir,
        groq=groq_server,
        messages=["hello"],
        quit_file=tmp_path / "quit",
        env={"DC_LAUNCH_EXPORT_DIR": str(exports)},
    )
    try:
        child.wait_for("done", timeout=30)
        # While it runs, the -wal and -shm exist: they are as private as chat.db.
        files = {name: mode(data_dir / name) for name in ("chat.db", "chat.db-wal", "chat.db-shm")}
        (tmp_path / "quit").touch()
        child.wait_for("exit", timeout=30)
        child.wait()
    finally:
        child.close()
    assert files == {"chat.db": 0o600, "chat.db-wal": 0o600, "chat.db-shm": 0o600}
    assert mode(data_dir) == 0o700
    [log] = (tmp_path / "home" / "state").rglob("desktop-chat.log")
    assert mode(log) == 0o600 and mode(log.parent) == 0o700
    assert mode(exports / "session.md") == 0o600 and mode(exports / "session.json") == 0o600
    assert "hello" in (exports / "session.md").read_text()


def test_an_older_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "chat.db"
    asyncio.run(SQLiteStore(path).close())
    os.chmod(path, 0o644)
    store = SQLiteStore(path)
    asyncio.run(store.close())
    assert mode(path) == 0o600


def test_an_export_replacing_a_shared_file_is_private(tmp_path):
    path = tmp_path / "chat.md"
    path.write_text("old")
    os.chmod(path, 0o664)
    write_export(path, "# new")
    assert path.read_text() == "# new" and mode(path) == 0o600


# -- links -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["chat.db", "chat.db-wal", "chat.db-shm"])
def test_a_dangling_link_out_of_the_data_dir_is_not_followed(tmp_path, name):
    data_dir, outside = tmp_path / "data", tmp_path / "shared" / "collect.db"
    data_dir.mkdir()
    outside.parent.mkdir()
    (data_dir / name).symlink_to(outside)
    with pytest.raises(StoreError) as refused:
        SQLiteStore(data_dir / "chat.db")
    assert "outside the data folder" in str(refused.value) and str(outside) in str(refused.value)
    assert not outside.exists()
    assert not outside.with_name("collect.db-wal").exists()


def test_the_app_explains_a_link_out_of_the_data_dir(tmp_path):
    data_dir, outside = tmp_path / "data", tmp_path / "shared" / "collect.db"
    data_dir.mkdir()
    outside.parent.mkdir()
    (data_dir / "chat.db").symlink_to(outside)
    child, dialog = start_app(tmp_path, data_dir)
    assert_plain(dialog, child, "outside the data folder", "Remove the link")
    assert not outside.exists()


def test_a_link_inside_the_data_dir_is_fine(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    asyncio.run(SQLiteStore(data_dir / "real.db").close())
    (data_dir / "chat.db").symlink_to(data_dir / "real.db")
    asyncio.run(SQLiteStore(data_dir / "chat.db").close())


# -- read-only and full disks ------------------------------------------------------------------
def test_a_damaged_file_in_a_read_only_data_dir_is_explained(tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        data_dir = disk / "data"
        data_dir.mkdir()
        damaged = b"SQLite format 3\x00" + os.urandom(8000)
        (data_dir / "chat.db").write_bytes(damaged)
        make_read_only(disk)
        with pytest.raises(StoreError) as refused:
            SQLiteStore(data_dir / "chat.db")
        message = str(refused.value)
        assert "damaged" in message and "cannot move it aside" in message
        assert "read-only" in message
        child, dialog = start_app(tmp_path, data_dir)
        assert_plain(dialog, child, "damaged", "read-only", str(data_dir / "chat.db"))
        assert (data_dir / "chat.db").read_bytes() == damaged  # left as it was


def test_a_missing_data_dir_under_a_read_only_folder_is_explained(tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        make_read_only(disk)
        data_dir = disk / "DesktopChat"
        with pytest.raises(StoreError, match="cannot create its data folder"):
            SQLiteStore(data_dir / "chat.db")
        child, dialog = start_app(tmp_path, data_dir)
        assert_plain(
            dialog, child, "cannot create its data folder", str(data_dir), "DESKTOP_CHAT_DATA_DIR"
        )


def test_a_full_disk_at_start_is_explained(tmp_path):
    with tmpfs(tmp_path / "disk", size="256k") as disk:
        fill(disk)
        data_dir = disk / "data"
        with pytest.raises(StoreError, match="the disk is full"):
            SQLiteStore(data_dir / "chat.db")
        child, dialog = start_app(tmp_path, data_dir)
        assert_plain(dialog, child, "the disk is full")


def test_a_disk_that_fills_while_chatting_keeps_the_text_and_says_so(
    qtbot, run, groq_server, tmp_path
):
    from tests.ui_helpers import ChatApp

    with tmpfs(tmp_path / "disk", size="512k") as disk:
        chat = ChatApp(qtbot, run, disk, groq_server)
        try:
            chat.send_and_wait("before the disk filled up")
            fill(disk)
            text = "written when the disk was full " * 400  # more than a free page
            chat.type_and_send(text)
            status = chat.window.composer.status
            qtbot.waitUntil(lambda: "disk is full" in status.text())
            chat.wait_idle()
            assert all(word not in status.text() for word in SQLITE_WORDS), status.text()
            assert chat.composer.toPlainText() == text, "the typed text must not be lost"
            (disk / "filler").unlink()
            chat.send_and_wait(chat.composer.toPlainText())
            session = chat.window.current_session_id
            assert [e.text for e in run(chat.store.events(session))][-2:] == [
                text,
                groq_server.reply_text,
            ]
        finally:
            chat.close()


def test_a_full_disk_is_a_store_error_for_every_write(tmp_path):
    with tmpfs(tmp_path / "disk", size="512k") as disk:
        store = SQLiteStore(disk / "chat.db")
        session = Session(title="t")
        asyncio.run(store.create_session(session))
        fill(disk)
        big = {"text": "x" * 200_000}
        with pytest.raises(StoreError, match="the disk is full"):
            asyncio.run(store.add_event(Event(session.session_id, EventType.USER_MESSAGE, big)))
        with pytest.raises(StoreError, match="the disk is full"):
            for number in range(200):
                asyncio.run(
                    store.update_session(session.session_id, title="renamed " * 50 + str(number))
                )
        asyncio.run(store.close())
