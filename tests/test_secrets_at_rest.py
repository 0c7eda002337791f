"""After a full session, no key or token is anywhere the app writes: logs, database, exports.

The real app runs in a child process whose HOME and XDG dirs are a temporary folder, so every
file it writes (log files, settings, the database with its -wal, exports) is in reach. It chats
with a key the server accepts, meets a 401 and a dropped stream, exports the session, quits.
Every file is scanned while it still runs (the -wal is there) and again after it quit.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import string
import urllib.parse
from pathlib import Path

from desktop_chat.store.sqlite import SQLiteStore
from tests.support.app_process import AppProcess
from tests.support.groq_server import FakeGroqServer


def fake_jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{secrets.token_urlsafe(32)}"


def forms(secret: str) -> set[bytes]:
    """The secret as it could end up in a file: raw, URL-quoted, JSON-escaped, UTF-16."""
    variants = {secret, urllib.parse.quote(secret, safe=""), json.dumps(secret)[1:-1]}
    found = {v.encode() for v in variants}
    found |= {v.encode("utf-16-le") for v in variants}
    return found


def scan(roots: list[Path], secrets_by_name: dict[str, str]) -> list[tuple[str, str]]:
    hits = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            for name, secret in secrets_by_name.items():
                if any(form in data for form in forms(secret)):
                    hits.append((name, str(path)))
    return hits


def test_no_secret_in_logs_database_or_exports(tmp_path: Path) -> None:
    alphabet = string.ascii_letters + string.digits
    groq_key = "gsk_" + "".join(secrets.choice(alphabet) for _ in range(52))
    supabase_key = fake_jwt({"iss": "supabase", "role": "anon", "ref": secrets.token_hex(10)})
    secrets_by_name = {"GROQ_API_KEY": groq_key, "SUPABASE_KEY": supabase_key}

    home, data_dir, exports = tmp_path / "home", tmp_path / "data", tmp_path / "exports"
    exports.mkdir()
    quit_file = tmp_path / "quit"
    with FakeGroqServer(api_key=groq_key) as server:
        server.fail_next("ok")
        server.fail_next("401")  # rejected key: the error path that is most tempted to log it
        server.fail_next("drop", after=3)  # a dropped stream: the httpx error path
        child = AppProcess(
            home,
            data_dir,
            groq=server,
            messages=["hello there", "second try", "third one"],
            quit_file=quit_file,
            env={
                "SUPABASE_URL": "http://127.0.0.1:9",
                "SUPABASE_KEY": supabase_key,
                "DC_LAUNCH_EXPORT_DIR": str(exports),
            },
        )
        try:
            child.wait_for("done", timeout=60)
            # The key really was used: it rode on every request the app made.
            assert len(server.requests) >= 3  # the three messages (and any title request)
            assert all(
                entry["headers"].get("Authorization") == f"Bearer {groq_key}"
                for entry in server.request_log
            )
            while_running = scan([home, data_dir, exports], secrets_by_name)
            # The scan does see what is in these files (the messages are there, in clear).
            assert scan([data_dir], {"message": "hello there"})
            wal = data_dir / "chat.db-wal"
            assert wal.exists() and wal.stat().st_size > 0, (
                "scan the -wal while it holds the writes"
            )
            quit_file.write_text("")
            assert child.wait_for("exit")["code"] == 0
            assert child.wait(timeout=30) == 0
        finally:
            child.close()
    assert "dropped" in server.outcomes and "completed" in server.outcomes

    after_quit = scan([home, data_dir, exports], secrets_by_name)
    output = (json.dumps(child.events) + child.stderr).encode()
    in_output = [
        name
        for name, secret in secrets_by_name.items()
        if any(form in output for form in forms(secret))
    ]

    # The places scanned hold what they should: logs were written, the session was exported.
    logs = [p for p in home.rglob("*.log*") if p.is_file()]
    logged = "".join(p.read_text(errors="replace") for p in logs)
    assert "auth" in logged and "HTTP 401" in logged, "the 401 path was logged"
    exported = sorted(p.name for p in exports.iterdir())
    assert exported in ([], ["session.json", "session.md"])

    # And an export made from the database afterwards, of every session, in full.
    store = SQLiteStore(data_dir / "chat.db")
    sessions = asyncio.run(store.list_sessions())
    everything = json.dumps(
        [
            [
                e.__dict__ | {"type": str(e.type), "timestamp": str(e.timestamp)}
                for e in asyncio.run(store.events(s.session_id))
            ]
            for s in sessions
        ],
        ensure_ascii=False,
    ).encode()
    asyncio.run(store.close())
    assert b"hello there" in everything and b"third one" in everything
    in_export = [
        name
        for name, secret in secrets_by_name.items()
        if any(form in everything for form in forms(secret))
    ]

    files = sorted(p for root in (home, data_dir, exports) for p in root.rglob("*") if p.is_file())
    print(
        f"\nsecrets: scanned {len(files)} files ({sum(p.stat().st_size for p in files):,} bytes) "
        f"plus the child's output and a full JSON dump; exports: {exported or 'none'}; "
        f"found {len(while_running) + len(after_quit) + len(in_output) + len(in_export)} secrets"
    )
    assert while_running == []
    assert after_quit == []
    assert in_output == []
    assert in_export == []
