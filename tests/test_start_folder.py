"""A `.env` in the folder the app starts in must not steer it; a saved key stays with its server.

The attack: a folder (a downloaded project, a shared drive) holds a `.env` setting
GROQ_BASE_URL to the attacker's server, DESKTOP_CHAT_DATA_DIR to a folder they read, and
SUPABASE_URL to their project. Started from there, the app used to send the keychain's key and
every message to that server. Here the real app runs in a child process from such a folder,
with a keychain (a JSON file both processes read) holding a key saved for the user's server,
and a second loopback Groq server plays the attacker.
"""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest

from desktop_chat.settings import (
    KEYRING_GROQ_URL_USER,
    KEYRING_GROQ_USER,
    KEYRING_SERVICE,
    Settings,
    effective_base_url,
    read_config,
    save_key_to_keychain,
    source_checkout,
)
from tests.support.app_process import AppProcess
from tests.support.file_keyring import keychain_file
from tests.support.groq_server import FakeGroqServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def attacker():
    server = FakeGroqServer(api_key="gsk_attackerattackerattacker")
    server.reply_text = "Thanks for your key."
    server.start()
    yield server
    server.stop()


def hostile_folder(tmp_path: Path, attacker: FakeGroqServer) -> Path:
    folder = tmp_path / "downloaded-project"
    folder.mkdir()
    (folder / ".env").write_text(
        f"GROQ_BASE_URL={attacker.base_url}\n"
        f"GROQ_API_KEY={attacker.api_key}\n"  # or their own key: the messages go to them
        f"DESKTOP_CHAT_DATA_DIR={folder / 'stolen'}\n"
        "SUPABASE_URL=http://127.0.0.1:9\nSUPABASE_KEY=attackers-anon-key\n"
    )
    # Looks like a checkout of this project, but it is not the one the app runs from.
    (folder / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    return folder


def test_the_app_started_in_a_hostile_folder_ignores_its_env(tmp_path, groq_server, attacker):
    home = tmp_path / "home"
    folder = hostile_folder(tmp_path, attacker)
    # The user's own settings: their server, in their config dir's .env (which a .env in the
    # start folder used to override). The chats go to the default data dir.
    (home / "config" / "DesktopChat").mkdir(parents=True)
    (home / "config" / "DesktopChat" / ".env").write_text(f"GROQ_BASE_URL={groq_server.base_url}\n")
    keychain = keychain_file(tmp_path, groq_server.api_key, saved_for=groq_server.base_url)
    child = AppProcess(
        home, None, messages=["my secret plans"], quit=True, cwd=folder, env=keychain
    )
    try:
        child.wait_for("replied", timeout=30)
        assert child.wait_for("exit")["code"] == 0
        child.wait()
    finally:
        child.close()
    assert attacker.requests == []
    assert groq_server.requests[0]["messages"][-1]["content"] == "my secret plans"
    assert "dialog" not in [e["event"] for e in child.events]  # nothing to ask: same server
    assert (home / "share" / "DesktopChat" / "chat.db").exists()
    assert not (folder / "stolen").exists()
    log = next((home / "state").rglob("desktop-chat.log")).read_text()
    assert f"Ignored {folder / '.env'}" in log  # and says so, for whoever wonders why
    assert "Traceback" not in child.stderr


def test_a_saved_key_is_not_sent_to_another_base_url_without_asking(
    tmp_path, groq_server, attacker
):
    """GROQ_BASE_URL set somewhere the app does read (here the user config dir's .env) now
    names another server than the one the key was saved for: the app asks, and when the
    answer is not "send" (the robot presses nothing), the key goes nowhere."""
    home = tmp_path / "home"
    (home / "config" / "DesktopChat").mkdir(parents=True)
    (home / "config" / "DesktopChat" / ".env").write_text(f"GROQ_BASE_URL={attacker.base_url}\n")
    keychain = keychain_file(tmp_path, groq_server.api_key, saved_for=groq_server.base_url)
    child = AppProcess(
        home,
        tmp_path / "data",
        messages=["my secret plans"],
        quit=True,
        env=keychain | {"DC_LAUNCH_ANSWER": "Don't send"},
    )
    try:
        dialog = child.wait_for("dialog", timeout=30)
        child.wait_for("done", timeout=30)
        assert child.wait_for("exit")["code"] == 0
        child.wait()
    finally:
        child.close()
    assert dialog["kind"] == "question" and dialog["plain"]
    assert effective_base_url(attacker.base_url) in dialog["text"]
    assert effective_base_url(groq_server.base_url) in dialog["text"]
    assert attacker.requests == [] and groq_server.requests == []
    [log] = (home / "state").rglob("desktop-chat.log")
    assert groq_server.api_key not in log.read_text()


def test_agreeing_to_send_the_saved_key_to_the_new_address_uses_it(tmp_path, groq_server):
    """The question comes over the painted window (the keychain is read after the paint); the
    user's "Send the key there" gives the window its key, the message goes there, and the next
    start does not ask again."""
    home = tmp_path / "home"
    (home / "config" / "DesktopChat").mkdir(parents=True)
    (home / "config" / "DesktopChat" / ".env").write_text(f"GROQ_BASE_URL={groq_server.base_url}\n")
    keychain = keychain_file(tmp_path, groq_server.api_key, saved_for=None)  # Groq's own
    for start in ("first", "second"):
        child = AppProcess(
            home,
            tmp_path / "data",
            messages=[f"the {start} start"],
            quit=True,
            env=keychain | {"DC_LAUNCH_ANSWER": "Send the key there"},
        )
        try:
            child.wait_for("replied", timeout=30)
            assert child.wait_for("exit")["code"] == 0
            child.wait()
        finally:
            child.close()
        dialogs = [e for e in child.events if e["event"] == "dialog"]
        assert len(dialogs) == (1 if start == "first" else 0), dialogs
        assert "Traceback" not in child.stderr
    assert [r["messages"][-1]["content"] for r in groq_server.requests if r.get("stream")] == [
        "the first start",
        "the second start",
    ]
    sent = [e for e in groq_server.request_log if e["body"]]
    assert {e["headers"]["Authorization"] for e in sent} == {f"Bearer {groq_server.api_key}"}
    assert keyring_entries(tmp_path)[f"{KEYRING_SERVICE}\n{KEYRING_GROQ_URL_USER}"] == (
        effective_base_url(groq_server.base_url)
    )


def keyring_entries(folder: Path) -> dict[str, str]:
    return json.loads((folder / "keychain.json").read_text())


def test_agreeing_binds_the_key_to_the_new_address(isolated_environment, monkeypatch):
    save_key_to_keychain("gsk_" + "k" * 40)  # saved for Groq's own address
    assert Settings.load(env={}).groq_api_key == "gsk_" + "k" * 40
    moved = Settings.load(env={"GROQ_BASE_URL": "https://proxy.example/"})
    assert moved.groq_api_key is None and moved.key_destination_changed
    moved.release_withheld_key()  # the user chose "Send the key there"
    assert moved.groq_api_key == "gsk_" + "k" * 40
    again = Settings.load(env={"GROQ_BASE_URL": "https://PROXY.example"})
    assert again.groq_api_key == "gsk_" + "k" * 40 and not again.key_destination_changed
    back = Settings.load(env={})  # now Groq's own address is the other one
    assert back.groq_api_key is None and back.key_destination_changed
    # A key typed in while a base URL is set is saved for that URL.
    save_key_to_keychain("gsk_" + "t" * 40, base_url="https://proxy.example")
    assert keyring.get_password(KEYRING_SERVICE, KEYRING_GROQ_URL_USER) == "https://proxy.example"


def test_a_key_saved_before_the_binding_counts_as_groqs(isolated_environment):
    keyring.set_password(KEYRING_SERVICE, KEYRING_GROQ_USER, "gsk_" + "o" * 40)
    assert Settings.load(env={}).groq_api_key == "gsk_" + "o" * 40
    assert Settings.load(env={"GROQ_BASE_URL": "http://127.0.0.1:1"}).groq_api_key is None


def test_the_start_folder_env_is_read_only_in_the_source_checkout(tmp_path):
    assert source_checkout() == ROOT  # these tests run from the checkout
    look_alike = tmp_path / "look-alike"
    look_alike.mkdir()
    (look_alike / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (look_alike / ".env").write_text("GROQ_MODEL=from-the-folder\n")
    assert "GROQ_MODEL" not in read_config(env={}, cwd=look_alike)
    assert (
        read_config(env={}, cwd=look_alike, checkout=look_alike)["GROQ_MODEL"] == "from-the-folder"
    )
    assert "GROQ_MODEL" not in read_config(env={}, cwd=look_alike, checkout=None)  # a bundle
