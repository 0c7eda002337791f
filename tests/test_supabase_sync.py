"""Sync through the REAL supabase client, against the loopback gateway on a real PostgreSQL.

Every test runs its scenario in one event loop (asyncio.run); a "device" is its own data dir
with its own SQLite file, supabase client and keychain entry.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx
import keyring
import pytest

from desktop_chat.core.chat import ChatService
from desktop_chat.llm.base import ChatMessage, StreamResult
from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.store.sqlite import SQLiteStore
from desktop_chat.store.supabase import AuthFailed, RemoteRejected, RemoteUnavailable
from desktop_chat.store.sync import BATCH, SyncStatus
from tests.support.supabase_devices import Device, make_device, server_counts
from tests.support.supabase_gateway import SupabaseGateway

PASSWORD = "correct horse battery"


def scenario(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 90))


async def signed_up(gateway, tmp_path, name: str, email: str, **options) -> Device:
    device = await make_device(gateway, tmp_path / name, name, **options)
    await device.engine.sign_up(email, PASSWORD)
    return device


async def signed_in(gateway, tmp_path, name: str, email: str, **options) -> Device:
    device = await make_device(gateway, tmp_path / name, name, **options)
    await device.engine.sign_in(email, PASSWORD)
    return device


async def refresh_token_of(device: Device) -> str:
    raw = await device.storage.get_item("supabase.auth.token")
    return json.loads(raw)["refresh_token"]


# -- auth ----------------------------------------------------------------------------------
def test_sign_up_sign_in_refresh_and_the_newest_refresh_token_is_kept(
    postgres_cluster, pg_database, tmp_path
):
    # Access tokens that live 5 s: inside the client's 10 s margin, so every ensure_session()
    # refreshes, spending the single-use refresh token and receiving a new one.
    gateway = SupabaseGateway(postgres_cluster, pg_database, access_token_ttl=5).start()

    async def run():
        device = await make_device(gateway, tmp_path / "a", "a")
        assert device.engine.status.state == "signed_out"
        account = await device.engine.sign_up("ada@example.com", PASSWORD)
        assert account.email == "ada@example.com" and not account.is_anonymous
        assert device.engine.status.account.user_id == account.user_id
        first = await refresh_token_of(device)
        # It is in the OS keychain (the test keychain), under the app's service name.
        assert any(service == "desktop-chat" for service, _ in keyring.get_keyring().passwords)

        for _ in range(3):
            previous = await refresh_token_of(device)
            assert (await device.remote.ensure_session()).user_id == account.user_id
            newest = await refresh_token_of(device)
            assert newest != previous
            assert not gateway.refresh_token_is_live(previous)  # spent
            assert gateway.refresh_token_is_live(newest)
        assert newest != first

        # "Restart the app": a new client reads the session from the keychain and refreshes
        # with the newest token.
        await device.engine.stop()
        again = await make_device(gateway, tmp_path / "a", "a")
        assert again.engine.status.account.user_id == account.user_id
        await again.engine.sync_once()
        assert again.engine.status.state == "online"

        await again.engine.sign_out()
        assert again.engine.status.state == "signed_out"
        assert await again.storage.get_item("supabase.auth.token") is None
        with pytest.raises(AuthFailed):
            await again.engine.sign_in("ada@example.com", "wrong password")
        with pytest.raises(AuthFailed):
            await again.engine.sign_up("ada@example.com", PASSWORD)  # already registered
        assert (await again.engine.sign_in("ada@example.com", PASSWORD)).user_id == account.user_id
        await again.close()

    try:
        scenario(run())
    finally:
        gateway.down()


def test_anonymous_sign_in_syncs_too(gateway, tmp_path):
    async def run():
        device = await make_device(gateway, tmp_path / "a", "a")
        account = await device.engine.sign_in_anonymously()
        assert account.is_anonymous and account.label == "anonymous"
        await device.new_session("anon chat", messages=2)
        await device.engine.sync_once()
        assert server_counts(gateway) == (1, 2)
        await device.close()

    scenario(run())


def test_a_refused_saved_sign_in_signs_out_instead_of_looping(gateway, tmp_path):
    async def run():
        device = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        # Another copy of the token is spent elsewhere (e.g. a restored backup of the keychain).
        token = await refresh_token_of(device)
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                f"{gateway.url}/auth/v1/token?grant_type=refresh_token",
                json={"refresh_token": token},
                headers={"apikey": gateway.anon_key},
            )
            assert answer.status_code == 200
        assert (await device.remote.force_refresh()) is None
        await device.engine.sync_once()
        assert device.engine.status.state == "signed_out"
        await device.close()

    scenario(run())


# -- push and pull -------------------------------------------------------------------------
def test_push_then_pull_on_a_second_device_without_echo(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        session = await a.new_session("Trip to Lisbon", messages=4)
        await a.store.update_session(session.session_id, summary="about Lisbon")
        assert a.engine.status.pending == 0  # status refreshes on kick / cycle only
        a.engine.kick()
        assert a.engine.status.pending == 5 and a.engine.status.text.startswith("Syncing")
        await a.engine.sync_once()
        assert a.engine.status.pending == 0 and a.engine.status.text == "Synced"
        assert server_counts(gateway) == (1, 4)

        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        seen: list[set[str]] = []
        b.engine.on_remote_changes(seen.append)
        await b.engine.sync_once()
        assert seen == [{session.session_id}]
        [listed] = await b.store.list_sessions()
        assert (listed.session_id, listed.title, listed.summary) == (
            session.session_id,
            "Trip to Lisbon",
            "about Lisbon",
        )
        assert [e.text for e in await b.store.events(session.session_id)] == [
            e.text for e in await a.store.events(session.session_id)
        ]
        # Pulled rows are not queued back: B has nothing to push, and pushes nothing.
        assert b.store.outbox_counts(b.engine.status.account.user_id) == (0, 0)
        before = len(gateway.requests)
        await b.engine.sync_once()
        assert [r for r in gateway.requests[before:] if r[0] == "POST"] == []
        assert server_counts(gateway) == (1, 4)
        await a.close()
        await b.close()

    scenario(run())


class RecordingLLM:
    """Stands in for Groq: records the prompts it gets, answers with fixed text."""

    model = "test-model"

    def __init__(self):
        self.prompts: list[list[ChatMessage]] = []

    async def stream(self, messages, result: StreamResult):
        self.prompts.append(messages)
        for piece in ("Sure, ", "here it is."):
            yield piece
        result.model = self.model

    async def complete(self, messages, max_tokens: int = 512) -> str:
        self.prompts.append(messages)
        return "A summary written on device B."

    async def models(self):
        return [self.model]


def test_a_session_from_another_device_can_be_resumed_and_summarized(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        session = await a.new_session("Lisbon", messages=4)
        await a.engine.sync_once()

        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        await b.engine.sync_once()
        llm = RecordingLLM()
        service = ChatService(b.store, llm)
        outcome = await service.send(session.session_id, "And the day after?", lambda _: None)
        assert outcome.ok
        prompt = [m.content for m in llm.prompts[-1]]
        assert "Lisbon #0" in prompt and "Lisbon #3" in prompt  # memory from A's events
        summary = await service.end_session(session.session_id)
        assert summary.text == "A summary written on device B."
        await b.engine.sync_once()

        await a.engine.sync_once()
        texts = [e.text for e in await a.store.events(session.session_id)]
        assert texts[-3:] == [
            "And the day after?",
            "Sure, here it is.",
            "A summary written on device B.",
        ]
        resumed = await a.store.get_session(session.session_id)
        assert resumed.summary == "A summary written on device B." and resumed.end_time
        assert server_counts(gateway) == (1, 7)
        await a.close()
        await b.close()

    scenario(run())


def test_a_streaming_reply_arrives_with_its_final_text(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        session = await a.new_session("s")
        reply = Event(
            session.session_id,
            EventType.AI_RESPONSE,
            {"text": "Hal", "interrupted": True, "error": "not finished"},
        )
        await a.store.add_event(reply)
        await a.engine.sync_once()  # pushed mid-stream
        await a.store.update_event_payload(reply.event_id, {"text": "Hallo!", "model": "m"})
        await a.engine.sync_once()
        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        await b.engine.sync_once()
        [event] = await b.store.events(session.session_id)
        assert event.payload == {"text": "Hallo!", "model": "m"}
        assert server_counts(gateway) == (1, 1)
        await a.close()
        await b.close()

    scenario(run())


def test_a_write_during_a_push_is_not_lost(tmp_path):
    """The outbox entry of a row re-written while its push is in flight survives the push."""

    async def run():
        store = SQLiteStore(tmp_path / "chat.db")
        session = Session()
        await store.create_session(session)
        event = Event(session.session_id, EventType.AI_RESPONSE, {"text": "a"})
        await store.add_event(event)
        store.claim_unowned("user-1")
        in_flight = store.outbox_batch("user-1", BATCH)
        await store.update_event_payload(event.event_id, {"text": "ab"})  # while "pushing"
        store.outbox_done(e["seq"] for e in in_flight)
        assert [(e["kind"], e["row_id"]) for e in store.outbox_batch("user-1", BATCH)] == [
            ("event", event.event_id)
        ]
        await store.close()

    asyncio.run(run())


# -- faults ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fault", ["drop-1st", "drop-2nd", "drop-3rd", "503", "down"])
def test_outage_in_the_middle_of_a_push_loses_and_duplicates_nothing(gateway, tmp_path, fault):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        for index in range(3):
            await a.new_session(f"chat {index}", messages=150)  # 450 events: 3 batches
        a.engine.kick()
        assert a.engine.status.pending == 453

        if fault.startswith("drop"):
            # The n-th write request is committed by the server, but the answer never comes.
            skip = {"drop-1st": 0, "drop-2nd": 1, "drop-3rd": 2}[fault]
            await _drop_after(gateway, a, skip)
        elif fault == "503":
            gateway.fail_next(1)
            with pytest.raises(RemoteUnavailable):
                await a.engine.sync_once()
        else:
            gateway.down()
            with pytest.raises(RemoteUnavailable):
                await a.engine.sync_once()
        status = a.engine.status
        assert status.state == "offline" and status.pending > 0
        assert status.text == f"offline — {status.pending} changes waiting"

        # The app keeps working on the local store while the server is away.
        gateway.down()
        extra = await a.new_session("written offline", messages=2)
        a.engine.kick()
        assert a.engine.status.pending >= 3
        with pytest.raises(RemoteUnavailable):
            await a.engine.sync_once()

        gateway.up()
        await a.engine.sync_once()
        assert a.engine.status.state == "online" and a.engine.status.pending == 0
        assert server_counts(gateway) == (4, 452)
        # A duplicate push of everything (as after a crash before the outbox was cleared).
        a.store._db.execute(
            "INSERT OR REPLACE INTO outbox (kind, row_id) SELECT 'event', event_id FROM events"
        )
        a.store._db.execute(
            "INSERT OR REPLACE INTO outbox (kind, row_id)"
            " SELECT 'session', session_id FROM sessions"
        )
        await a.engine.sync_once()
        assert server_counts(gateway) == (4, 452)

        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        await b.engine.sync_once()
        assert len(await b.store.list_sessions()) == 4
        assert len(await b.store.events(extra.session_id)) == 2
        total = b.store._db.execute("SELECT count(*) FROM events").fetchone()[0]
        assert total == 452
        await a.close()
        await b.close()

    scenario(run())


async def _drop_after(gateway, device, skip: int) -> None:
    """Let `skip` write requests through, then commit-and-hang-up on the next one."""
    original = gateway._rest
    writes = {"n": 0}

    def counting(method, *args, **kwargs):
        if method != "GET":
            if writes["n"] == skip:
                gateway.drop_after_commit(1)
            writes["n"] += 1
        return original(method, *args, **kwargs)

    gateway._rest = counting
    try:
        with pytest.raises(RemoteUnavailable):
            await device.engine.sync_once()
    finally:
        gateway._rest = original
    assert any(status == 0 for _, _, status in gateway.requests)  # really hung up


def test_background_sync_goes_offline_and_catches_up(gateway, tmp_path):
    async def run():
        a = await signed_up(
            gateway, tmp_path, "a", "ada@example.com", background=True, interval=0.2
        )
        states: list[SyncStatus] = []
        a.engine.on_status_changed(states.append)
        await _until(lambda: a.engine.status.state == "online")
        gateway.down()
        await a.new_session("offline chat", messages=3)
        a.engine.kick()
        await _until(lambda: a.engine.status.state == "offline")
        assert a.engine.status.text == "offline — 4 changes waiting"
        gateway.up()
        await _until(lambda: a.engine.status.state == "online" and a.engine.status.pending == 0)
        assert server_counts(gateway) == (1, 3)
        assert any(s.state == "offline" for s in states)
        await a.close()

    scenario(run())


async def _until(condition, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.02)


# -- tombstones and conflicts ---------------------------------------------------------------
def test_deletes_travel_as_tombstones(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        keep = await a.new_session("keep", messages=1)
        gone = await a.new_session("gone", messages=1)
        await a.engine.sync_once()
        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        await b.engine.sync_once()
        assert {s.title for s in await b.store.list_sessions()} == {"keep", "gone"}

        await a.store.update_session(gone.session_id, deleted_at=utc_now())
        await a.engine.sync_once()
        await b.engine.sync_once()
        assert [s.session_id for s in await b.store.list_sessions()] == [keep.session_id]
        assert (await b.store.get_session(gone.session_id)).deleted_at is not None
        with gateway.admin() as conn:
            assert (
                conn.execute(
                    "select count(*) from sessions where deleted_at is not null"
                ).fetchone()[0]
                == 1
            )
        await a.close()
        await b.close()

    scenario(run())


def test_session_metadata_is_last_writer_wins(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        session = await a.new_session("original")
        await a.engine.sync_once()
        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        await b.engine.sync_once()
        await b.store.update_session(session.session_id, title="renamed on B (older)")
        await asyncio.sleep(0.01)
        await a.store.update_session(session.session_id, title="renamed on A (newer)")
        await a.engine.sync_once()
        await b.engine.sync_once()  # B pushes its older edit, then pulls A's newer one
        await a.engine.sync_once()
        for device in (a, b):
            assert (
                await device.store.get_session(session.session_id)
            ).title == "renamed on A (newer)"
        await a.close()
        await b.close()

    scenario(run())


def test_a_rename_travels_but_does_not_reorder_either_device(gateway, tmp_path):
    # The list is ordered by the newest message, so a rename (which moves updated_at, the
    # last-writer-wins clock) reaches the other device without moving the session up there.
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        older = await a.new_session("older", messages=2)
        await asyncio.sleep(0.01)
        newer = await a.new_session("newer", messages=2)
        await a.engine.sync_once()
        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        await b.engine.sync_once()
        await a.store.update_session(older.session_id, title="older, renamed")
        await a.engine.sync_once()
        await b.engine.sync_once()
        for device in (a, b):
            listed = await device.store.list_sessions()
            assert [s.session_id for s in listed] == [newer.session_id, older.session_id]
            assert listed[1].title == "older, renamed"
        await a.close()
        await b.close()

    scenario(run())


# -- two users ---------------------------------------------------------------------------------
def test_two_users_never_see_each_others_rows(gateway, tmp_path):
    async def run():
        ada = await signed_up(gateway, tmp_path, "ada", "ada@example.com")
        bob = await signed_up(gateway, tmp_path, "bob", "bob@example.com")
        ada_session = await ada.new_session("ada's", messages=2)
        await bob.new_session("bob's", messages=3)
        await ada.engine.sync_once()
        await bob.engine.sync_once()
        assert server_counts(gateway) == (2, 5)
        assert [s.title for s in await ada.store.list_sessions()] == ["ada's"]
        assert [s.title for s in await bob.store.list_sessions()] == ["bob's"]
        assert len(await bob.remote.changed_since("events", None)) == 3
        assert await bob.remote.sessions_by_id([ada_session.session_id]) == []

        # Bob's client tries to write into Ada's session and to take her session over.
        with pytest.raises(RemoteRejected) as refused:
            await bob.remote.upsert_events(
                [
                    {
                        "event_id": "00000000-0000-4000-8000-000000000001",
                        "session_id": ada_session.session_id,
                        "type": "user_message",
                        "timestamp": "2024-01-01T00:00:00Z",
                        "payload": {"text": "hi"},
                    }
                ]
            )
        assert refused.value.status == 403
        with pytest.raises(RemoteRejected):
            await bob.remote.upsert_sessions(
                [
                    {
                        "session_id": ada_session.session_id,
                        "start_time": "2024-01-01T00:00:00Z",
                        "updated_at": "2099-01-01T00:00:00Z",
                        "title": "mine now",
                    }
                ]
            )
        assert [s.title for s in await ada.store.list_sessions()] == ["ada's"]
        await ada.engine.sync_once()
        assert (await ada.store.get_session(ada_session.session_id)).title == "ada's"
        await ada.close()
        await bob.close()

    scenario(run())


def test_sessions_made_before_sign_in_are_claimed_by_the_first_user(gateway, tmp_path):
    async def run():
        device = await make_device(gateway, tmp_path / "a", "a")
        await device.new_session("written before signing in", messages=2)
        device.engine.kick()
        assert device.engine.status.text == "Not signed in — chats stay on this device"
        await device.engine.sync_once()  # signed out: nothing is sent
        assert server_counts(gateway) == (0, 0)
        await device.engine.sign_up("ada@example.com", PASSWORD)
        await device.engine.sync_once()
        assert server_counts(gateway) == (1, 2)
        await device.close()

    scenario(run())


def test_text_postgres_cannot_hold_is_cleaned_not_stuck(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        session = await a.new_session("nul\x00title")
        await a.store.add_event(
            Event(session.session_id, EventType.USER_MESSAGE, {"text": "nul\x00byte"})
        )
        await a.engine.sync_once()
        assert a.engine.status.pending == 0 and a.engine.status.failed == 0
        with gateway.admin() as conn:
            assert (
                conn.execute("select payload->>'text' from events").fetchone()[0] == "nul\ufffdbyte"
            )
        await a.close()

    scenario(run())


def test_older_file_is_upgraded_and_everything_in_it_is_queued(gateway, tmp_path):
    import sqlite3

    from desktop_chat.store import sqlite as sqlite_module

    path = tmp_path / "old" / "chat.db"
    path.parent.mkdir()
    db = sqlite3.connect(path)
    for number in (1, 2):
        for statement in sqlite_module._statements(sqlite_module.MIGRATIONS[number - 1]):
            db.execute(statement)
    db.execute("PRAGMA user_version=2")
    stamp = (utc_now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    db.execute(
        "INSERT INTO sessions VALUES ('11111111-1111-4111-8111-111111111111', NULL,"
        " ?, NULL, NULL, 'old', ?, NULL)",
        (stamp, stamp),
    )
    db.execute(
        "INSERT INTO events VALUES ('22222222-2222-4222-8222-222222222222',"
        " '11111111-1111-4111-8111-111111111111', 'user_message', ?, '{\"text\": \"hi\"}')",
        (stamp,),
    )
    db.commit()
    db.close()

    async def run():
        device = await make_device(gateway, path.parent, "old")
        await device.engine.sign_up("ada@example.com", PASSWORD)
        assert device.engine.status.pending == 2
        await device.engine.sync_once()
        assert server_counts(gateway) == (1, 1)
        await device.close()

    scenario(run())


# -- the gateway itself ------------------------------------------------------------------------
def test_gateway_refuses_what_it_does_not_know(gateway):
    headers = {"apikey": gateway.anon_key, "Authorization": f"Bearer {gateway.anon_key}"}
    with httpx.Client(base_url=gateway.url, headers=headers) as http:
        assert http.get("/rest/v1/sessions", params={"bogus": "eq.1"}).status_code == 400
        assert http.get("/rest/v1/sessions", params={"title": "like.*x*"}).status_code == 400
        assert (
            http.post("/rest/v1/sessions", json={}, headers={"Prefer": "tx=rollback"}).status_code
            == 400
        )
        assert http.get("/rest/v1/nope").status_code == 404
        # The anon key alone: no table privilege (schema.sql revokes it), as PostgREST says 401.
        assert http.get("/rest/v1/sessions").status_code == 401
        assert http.get("/rest/v1/sessions", headers={"apikey": "wrong"}).status_code == 401


def test_gateway_speaks_the_grammar_the_real_client_sends(gateway, tmp_path):
    """select/insert/update/delete with filters, order, limit, representation, through the
    real postgrest client, with RLS deciding what each user reaches."""

    async def run():
        ada = await signed_up(gateway, tmp_path, "ada", "ada@example.com")
        bob = await signed_up(gateway, tmp_path, "bob", "bob@example.com")
        await ada.remote.ensure_session()
        await bob.remote.ensure_session()
        table = ada.remote.client.table
        rows = [
            {
                "session_id": f"00000000-0000-4000-8000-00000000000{i}",
                "start_time": "2024-01-01T00:00:00Z",
                "updated_at": f"2024-01-0{i}T00:00:00Z",
                "title": f"t{i}",
            }
            for i in (1, 2, 3)
        ]
        inserted = (await table("sessions").insert(rows).execute()).data
        assert [r["user_id"] for r in inserted] == [ada.engine.status.account.user_id] * 3
        newest = (
            await table("sessions")
            .select("session_id, title")
            .order("updated_at", desc=True)
            .limit(2)
            .execute()
        ).data
        assert [r["title"] for r in newest] == ["t3", "t2"]
        picked = (
            await table("sessions")
            .select("title")
            .in_("session_id", [rows[0]["session_id"], rows[2]["session_id"]])
            .order("title")
            .execute()
        ).data
        assert picked == [{"title": "t1"}, {"title": "t3"}]
        assert (
            await table("sessions")
            .select("title")
            .is_("deleted_at", "null")
            .gte("updated_at", "2024-01-02T00:00:00Z")
            .lt("updated_at", "2024-01-03T00:00:00Z")
            .execute()
        ).data == [{"title": "t2"}]
        updated = (
            await table("sessions")
            .update({"title": "renamed", "updated_at": "2024-02-01T00:00:00Z"})
            .eq("session_id", rows[0]["session_id"])
            .execute()
        ).data
        assert updated[0]["title"] == "renamed"
        # ignore-duplicates leaves the stored row alone
        await (
            table("sessions")
            .upsert(
                {**rows[0], "title": "ignored"}, ignore_duplicates=True, on_conflict="session_id"
            )
            .execute()
        )
        # Bob reaches none of it: not by select, update or delete.
        bob_table = bob.remote.client.table
        assert (await bob_table("sessions").select("*").execute()).data == []
        assert (
            await bob_table("sessions")
            .update({"title": "x"})
            .eq("session_id", rows[1]["session_id"])
            .execute()
        ).data == []
        assert (
            await bob_table("sessions").delete().eq("session_id", rows[1]["session_id"]).execute()
        ).data == []
        deleted = (
            await table("sessions").delete().eq("session_id", rows[1]["session_id"]).execute()
        ).data
        assert [r["title"] for r in deleted] == ["t2"]
        titles = sorted(
            r["title"] for r in (await table("sessions").select("title").execute()).data
        )
        assert titles == ["renamed", "t3"]
        await ada.close()
        await bob.close()

    scenario(run())


# -- rows the client cannot read ------------------------------------------------------------
def _without_checks(gateway) -> None:
    """A server whose schema predates schema.sql's checks (or was edited by hand)."""
    with gateway.admin() as conn:
        for table, name in (
            ("sessions", "sessions_times_in_range"),
            ("events", "events_timestamp_in_range"),
            ("events", "events_payload_is_object"),
        ):
            conn.execute(f"alter table {table} drop constraint {name}")


def test_rows_the_client_cannot_read_are_skipped_reported_and_pulling_goes_on(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        good = await a.new_session("good", messages=2)
        await a.engine.sync_once()
        user = a.engine.status.account.user_id
        _without_checks(gateway)
        bad_sessions = {"infinity": "infinity", "year 10000": "10000-01-01T00:00:00Z"}
        with gateway.admin() as conn:
            ids = {}
            for name, stamp in bad_sessions.items():
                ids[name] = conn.execute(
                    "insert into sessions (session_id, user_id, start_time, updated_at, title)"
                    " values (gen_random_uuid(), %s, now(), %s, %s) returning session_id::text",
                    (user, stamp, name),
                ).fetchone()[0]
            for payload in ("[1, 2]", '"text"'):  # JSON, but not an object
                conn.execute(
                    "insert into events (event_id, session_id, user_id, type, timestamp,"
                    " payload) values (gen_random_uuid(), %s, %s, 'user_message', now(),"
                    " %s)",
                    (good.session_id, user, payload),
                )
            conn.execute(
                "insert into events (event_id, session_id, user_id, type, timestamp,"
                " payload) values (gen_random_uuid(), %s, %s, 'user_message',"
                " 'infinity', '{\"text\": \"when?\"}')",
                (good.session_id, user),
            )
            conn.execute(
                "insert into events (event_id, session_id, user_id, type, timestamp,"
                " payload) values (gen_random_uuid(), %s, %s, 'user_message', now(),"
                ' \'{"text": "in an unreadable session"}\')',
                (ids["infinity"], user),
            )

        b = await signed_in(gateway, tmp_path, "b", "ada@example.com")
        await b.engine.sync_once()  # does not raise
        status = b.engine.status
        assert status.state == "online" and status.unreadable == 6
        assert status.text == "Synced (6 rows from the server could not be read)"
        assert "'infinity' is not a time" in status.message  # the tooltip says which and why
        assert [s.title for s in await b.store.list_sessions()] == ["good"]
        assert [e.text for e in await b.store.events(good.session_id)] == ["good #0", "good #1"]

        # Pulling goes on: what is written later arrives, and the count does not grow from
        # re-reading the same rows.
        later = await a.new_session("written later", messages=1)
        await a.engine.sync_once()
        await b.engine.sync_once()
        await b.engine.sync_once()
        assert {s.title for s in await b.store.list_sessions()} == {"good", "written later"}
        assert [e.text for e in await b.store.events(later.session_id)] == ["written later #0"]
        assert b.engine.status.unreadable == 6
        await a.close()
        await b.close()

    scenario(run())


def test_a_pull_that_fails_for_an_unexpected_reason_does_not_say_synced(gateway, tmp_path):
    async def run():
        a = await signed_up(
            gateway, tmp_path, "a", "ada@example.com", background=True, interval=0.2
        )
        await _until(lambda: a.engine.status.state == "online")

        async def broken(*args, **kwargs):  # a bug in this app, as far as the engine can tell
            raise KeyError("changed_at")

        a.remote.changed_since = broken  # met by the next pull (the loop runs every 0.2 s)
        await _until(lambda: a.engine.status.state == "error")
        assert a.engine.status.text.startswith("Sync failed, retrying")
        a.engine._task.cancel()
        await a.remote.close()
        await a.store.close()

    scenario(run())


# -- ids another user took first -------------------------------------------------------------
def test_ids_squatted_by_another_user_are_rekeyed_and_the_data_syncs(gateway, tmp_path):
    """Bob learns the ids of Ada's unsynced session (she shared an export) and pushes rows with
    them first, as his own. Ada's rows must still reach the server, under new ids."""
    from desktop_chat.core.export import export_json, parse_json_export

    async def run():
        ada = await signed_up(gateway, tmp_path, "ada", "ada@example.com")
        bob = await signed_up(gateway, tmp_path, "bob", "bob@example.com")
        synced = await ada.new_session("synced before", messages=1)
        await ada.engine.sync_once()
        plans = await ada.new_session("ada's plans", messages=3)
        late = Event(synced.session_id, EventType.USER_MESSAGE, {"text": "a later message"})
        await ada.store.add_event(late)

        # Bob squats the whole session, and the id of Ada's later event in his own session.
        session, events = parse_json_export(
            export_json(plans, await ada.store.events(plans.session_id))
        )
        await bob.store.create_session(session)
        for event in events:
            await bob.store.add_event(event)
        bobs = await bob.new_session("bob's own")
        await bob.store.add_event(
            Event(
                bobs.session_id,
                EventType.USER_MESSAGE,
                {"text": "squatter"},
                event_id=late.event_id,
            )
        )
        await bob.engine.sync_once()
        assert server_counts(gateway) == (3, 5)

        seen: list[set[str]] = []
        ada.engine.on_remote_changes(seen.append)
        await ada.engine.sync_once()
        status = ada.engine.status
        assert (status.pending, status.failed) == (0, 0), status
        assert server_counts(gateway) == (4, 9)
        [moved] = [s for s in await ada.store.list_sessions() if s.title == "ada's plans"]
        assert moved.session_id != plans.session_id
        assert seen and moved.session_id in seen[0]  # the window re-reads the list
        # The window may still hold the old ids: the store answers to them.
        assert [e.text for e in await ada.store.events(plans.session_id)] == [
            "ada's plans #0",
            "ada's plans #1",
            "ada's plans #2",
        ]
        await ada.store.add_event(
            Event(plans.session_id, EventType.USER_MESSAGE, {"text": "one more"})
        )
        await ada.store.update_event_payload(late.event_id, {"text": "a later message, edited"})
        await ada.engine.sync_once()
        assert ada.engine.status.failed == 0

        # Another of Ada's devices gets everything; Bob's rows are untouched.
        ada2 = await signed_in(gateway, tmp_path, "ada2", "ada@example.com")
        await ada2.engine.sync_once()
        assert [e.text for e in await ada2.store.events(moved.session_id)] == [
            "ada's plans #0",
            "ada's plans #1",
            "ada's plans #2",
            "one more",
        ]
        assert [e.text for e in await ada2.store.events(synced.session_id)] == [
            "synced before #0",
            "a later message, edited",
        ]
        await bob.engine.sync_once()
        assert {s.title for s in await bob.store.list_sessions()} == {"ada's plans", "bob's own"}
        assert [e.text for e in await bob.store.events(plans.session_id)] == [
            "ada's plans #0",
            "ada's plans #1",
            "ada's plans #2",
        ]
        assert [e.text for e in await bob.store.events(bobs.session_id)] == ["squatter"]
        for device in (ada, ada2, bob):
            await device.close()

    scenario(run())


# -- a keychain that keeps nothing --------------------------------------------------------------
@pytest.mark.parametrize(
    "backend", ["keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"]
)
def test_a_keychain_that_keeps_nothing_is_detected_at_sign_up(gateway, tmp_path, backend):
    import importlib

    module, name = backend.rsplit(".", 1)
    keyring.set_keyring(getattr(importlib.import_module(module), name)())

    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        assert a.engine.status.account is not None
        assert a.engine.status.sign_in_kept is False
        await a.new_session("this run", messages=1)
        await a.engine.sync_once()  # works for this run
        assert server_counts(gateway) == (1, 1)
        await a.close()
        again = await make_device(gateway, tmp_path / "a", "a")  # the next start
        assert again.engine.status.account is None  # indeed nothing was kept
        await again.close()

    scenario(run())


def test_a_pulled_title_is_cleaned_of_bidi_and_zero_width_characters(gateway, tmp_path):
    async def run():
        a = await signed_up(gateway, tmp_path, "a", "ada@example.com")
        session = await a.new_session("plain")
        await a.engine.sync_once()
        with gateway.admin() as conn:  # written by another client, or by hand on the server
            conn.execute(
                "update sessions set title = %s, updated_at = now() + interval '1 hour'"
                " where session_id = %s",
                ("\u202egnp.exe Re\u200bport", session.session_id),
            )
        await a.engine.sync_once()
        assert (await a.store.get_session(session.session_id)).title == "gnp.exe Report"
        await a.close()

    scenario(run())
