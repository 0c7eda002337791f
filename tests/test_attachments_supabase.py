"""Attached images on Supabase: schema.sql's `attachments` table and its Row Level Security on a
real PostgreSQL 15, and the round trip between two devices through the real supabase client."""

from __future__ import annotations

import asyncio
import base64
import uuid

import pytest
from psycopg import errors

from desktop_chat.models import Event, EventType
from tests.support.attachment_files import png
from tests.support.supabase_devices import make_device
from tests.test_supabase_rls import A, B, add_session, as_user, count

PASSWORD = "correct horse battery"
TINY = base64.b64encode(png(4, 4)).decode()


def insert(conn, session_id: str, user_id: str | None = None, data: str = TINY, mime="image/png"):
    attachment_id = str(uuid.uuid4())
    columns = "attachment_id, session_id, mime, size, data" + (", user_id" if user_id else "")
    values = [attachment_id, session_id, mime, len(data) * 3 // 4, data] + (
        [user_id] if user_id else []
    )
    conn.execute(
        f"insert into attachments ({columns}) values ({', '.join(['%s'] * len(values))})", values
    )
    return attachment_id


@pytest.fixture
def db(postgres_cluster, pg_database):
    conn = postgres_cluster.connect(pg_database)
    conn.execute(
        "insert into auth.users (id, email) values (%s, 'a@example.com'), (%s, 'b@example.com')",
        (A, B),
    )
    yield conn
    conn.close()


def test_attachments_have_row_level_security_and_no_update(db) -> None:
    assert db.execute(
        "select relrowsecurity from pg_class where relname = 'attachments'"
    ).fetchone() == (True,)
    commands = {
        r[0] for r in db.execute("select cmd from pg_policies where tablename = 'attachments'")
    }
    assert commands == {"SELECT", "INSERT", "DELETE"}


def test_only_the_owner_reads_or_deletes_an_image(db) -> None:
    session_a = add_session(db, A)
    # as_user rolls back: write A's image for real, as A.
    with db.transaction():
        db.execute("set local role authenticated")
        db.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (f'{{"sub": "{A}", "role": "authenticated"}}',),
        )
        image_a = insert(db, session_a)
    with as_user(db, B):
        assert count(db, "attachments") == 0
        assert db.execute("delete from attachments").rowcount == 0
    with as_user(db, A):
        assert [r[0] for r in db.execute("select attachment_id::text from attachments")] == [
            image_a
        ]
    # Rows never change, not even the owner's.
    with pytest.raises(errors.InsufficientPrivilege), as_user(db, A):
        db.execute("update attachments set mime = 'image/gif'")
    with pytest.raises(errors.InsufficientPrivilege), as_user(db, None):
        db.execute("select * from attachments")


def test_b_cannot_put_an_image_in_a_session_or_as_a(db) -> None:
    session_a = add_session(db, A)
    session_b = add_session(db, B)
    with pytest.raises(errors.InsufficientPrivilege), as_user(db, B):
        insert(db, session_a)  # into A's session
    with pytest.raises(errors.InsufficientPrivilege), as_user(db, B):
        insert(db, session_b, user_id=A)  # claiming to be A
    with as_user(db, B):
        insert(db, session_b)  # B's own: fine
    assert count(db, "attachments") == 0  # everything above was rolled back


def test_the_server_bounds_an_image_row(db) -> None:
    session_a = add_session(db, A)
    with pytest.raises(errors.CheckViolation), as_user(db, A):
        insert(db, session_a, data="A" * 1_000_004)
    with pytest.raises(errors.CheckViolation), as_user(db, A):
        insert(db, session_a, mime="text/html")


def test_an_image_syncs_to_a_second_device_with_its_event(gateway, tmp_path) -> None:
    image = png(40, 30)

    async def run():
        a = await make_device(gateway, tmp_path / "a", "a")
        await a.engine.sign_up("ada@example.com", PASSWORD)
        session = await a.new_session("with a picture")
        attachment_id = str(uuid.uuid4())
        await a.store.add_attachment(session.session_id, attachment_id, "image/png", image)
        entry = {"id": attachment_id, "kind": "image", "name": "p.png", "mime": "image/png"}
        event = Event(
            session.session_id,
            EventType.USER_MESSAGE,
            {"text": "look", "attachments": [entry | {"size": len(image)}]},
        )
        await a.store.add_event(event, activate=True)
        await a.engine.sync_once()
        assert a.engine.status.state == "online", a.engine.status.message
        with gateway.admin() as conn:
            stored = conn.execute("select data, size from attachments").fetchall()
        assert stored == [(base64.b64encode(image).decode(), len(image))]

        before = len(gateway.requests)
        await a.store.update_event_payload(event.event_id, {**event.payload, "deleted_at": "x"})
        await a.engine.sync_once()  # the event again: its image is not written twice
        with gateway.admin() as conn:
            assert conn.execute("select count(*) from attachments").fetchone() == (1,)
        assert len(gateway.requests) > before

        b = await make_device(gateway, tmp_path / "b", "b")
        await b.engine.sign_in("ada@example.com", PASSWORD)
        await b.engine.sync_once()
        assert await b.store.attachment_data([attachment_id]) == {
            attachment_id: ("image/png", image)
        }
        await a.close()
        await b.close()

    asyncio.run(asyncio.wait_for(run(), 90))
