"""The tree on the real PostgreSQL: schema.sql keeps a parent in its session, upgrades an
existing project, and sync carries parent_id and active_leaf between two devices."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest
from psycopg import errors

from desktop_chat.core.chat import ChatService
from desktop_chat.models import EventType
from desktop_chat.store.supabase import SchemaOutdated
from tests.support.postgres import SCHEMA_SQL, SUPABASE_BASE_SQL
from tests.support.supabase_devices import make_device
from tests.test_supabase_rls import STAMP, add_session, as_user
from tests.test_tree import ScriptedLLM

FIXTURES = Path(__file__).parent / "fixtures"
A = str(uuid.uuid4())
PASSWORD = "correct horse battery"


@pytest.fixture
def db(postgres_cluster, pg_database):
    conn = postgres_cluster.connect(pg_database)
    conn.execute("insert into auth.users (id, email) values (%s, 'a@example.com')", (A,))
    yield conn
    conn.close()


def add_event(conn, session_id: str, parent_id: str | None, event_id: str | None = None) -> str:
    event_id = event_id or str(uuid.uuid4())
    conn.execute(
        "insert into events (event_id, session_id, type, timestamp, payload, parent_id)"
        " values (%s, %s, 'user_message', %s, '{\"text\": \"x\"}', %s)",
        (event_id, session_id, STAMP, parent_id),
    )
    return event_id


def first_event(conn, session_id: str) -> str:
    return str(
        conn.execute("select event_id from events where session_id = %s", (session_id,)).fetchone()[
            0
        ]
    )


def test_a_parent_must_be_in_the_same_session(db) -> None:
    one, two = add_session(db, A, "one"), add_session(db, A, "two")
    root = first_event(db, one)
    with as_user(db, A):
        add_event(db, one, root)  # same session: fine
        add_event(db, one, str(uuid.uuid4()))  # not arrived yet: fine, events merge in any order
    with pytest.raises(errors.CheckViolation, match="same session"), as_user(db, A):
        add_event(db, two, root)
    # A child that arrived first, from another session, cannot be given a parent here later.
    orphan_parent = str(uuid.uuid4())
    with as_user(db, A):
        add_event(db, two, orphan_parent)
        with pytest.raises(errors.CheckViolation, match="same session"):
            add_event(db, one, None, event_id=orphan_parent)
    with pytest.raises(errors.CheckViolation), as_user(db, A):
        same = str(uuid.uuid4())
        add_event(db, one, same, event_id=same)


def test_a_parent_is_set_once_and_the_leaf_stays_in_its_session(db) -> None:
    one, two = add_session(db, A, "one"), add_session(db, A, "two")
    root = first_event(db, one)
    with db.transaction():
        db.execute("set local role authenticated")
        db.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (json.dumps({"sub": A, "role": "authenticated"}),),
        )
        child = add_event(db, one, None)
        db.execute("update events set parent_id = %s where event_id = %s", (root, child))
        db.execute("update events set parent_id = %s where event_id = %s", (child, child))
    parent = db.execute("select parent_id from events where event_id = %s", (child,)).fetchone()
    assert str(parent[0]) == root  # set once (an upgraded row gets its parent), then kept

    with as_user(db, A):
        db.execute(
            "update sessions set active_leaf = %s, updated_at = now() where session_id = %s",
            (child, one),
        )
    with pytest.raises(errors.CheckViolation, match="active leaf"), as_user(db, A):
        db.execute(
            "update sessions set active_leaf = %s, updated_at = now() where session_id = %s",
            (child, two),
        )


def test_running_schema_sql_again_upgrades_a_project_made_before_trees(postgres_cluster) -> None:
    name = "t_" + uuid.uuid4().hex[:12]
    with postgres_cluster.connect("postgres") as conn:
        conn.execute(f"create database {name}")
    try:
        with postgres_cluster.connect(name) as conn:
            conn.execute(SUPABASE_BASE_SQL)
            conn.execute((FIXTURES / "schema-before-tree.sql").read_text())
            columns = {
                r[0]
                for r in conn.execute(
                    "select column_name from information_schema.columns where table_name = 'events'"
                )
            }
            assert "parent_id" not in columns
            conn.execute("insert into auth.users (id, email) values (%s, 'a@example.com')", (A,))
            session_id = add_session(conn, A, "old")
            before = conn.execute(
                "select event_id, session_id, type, timestamp, payload from events"
            ).fetchall()

            conn.execute(SCHEMA_SQL.read_text())

            assert (
                conn.execute(
                    "select event_id, session_id, type, timestamp, payload from events"
                ).fetchall()
                == before
            )
            indexes = {
                r[0]
                for r in conn.execute(
                    "select indexname from pg_indexes where schemaname = 'public'"
                )
            }
            assert "events_parent" in indexes
            root = first_event(conn, session_id)
            with as_user(conn, A):
                # A device that upgraded its file pushes the old row again, now with a parent
                # (here: a new child naming the old row), and sets the session's leaf.
                child = add_event(conn, session_id, root)
                conn.execute(
                    "update sessions set active_leaf = %s, system_prompt = 'p',"
                    " updated_at = now() where session_id = %s",
                    (child, session_id),
                )
                leaf = conn.execute("select active_leaf from sessions").fetchone()[0]
                assert str(leaf) == child
    finally:
        postgres_cluster.drop_database(name)


def test_sync_carries_the_tree_and_the_shown_version_between_devices(gateway, tmp_path) -> None:
    async def scenario():
        a = await make_device(gateway, tmp_path / "a", "a")
        await a.engine.sign_up("ada@example.com", PASSWORD)
        llm = ScriptedLLM(["red"], ["blue"], ["green"])
        on_a = ChatService(a.store, llm)
        sid = (await on_a.new_session()).session_id
        await on_a.send(sid, "a colour?", lambda _: None)
        await on_a.regenerate(sid, lambda _: None)
        await on_a.set_session_prompt(sid, "Be brief.")
        await a.engine.sync_once()

        b = await make_device(gateway, tmp_path / "b", "b")
        await b.engine.sign_in("ada@example.com", PASSWORD)
        await b.engine.sync_once()
        on_b = ChatService(b.store, llm)
        branch = await on_b.active_branch(sid)
        assert [i.event.text for i in branch] == ["a colour?", "blue"]
        assert (branch[1].version, branch[1].versions) == (2, 2)
        assert (await b.store.get_session(sid)).system_prompt == "Be brief."

        # B shows version 1 again and answers from there; A follows (last writer wins).
        await on_b.switch_version(sid, branch[1].event.event_id, -1)
        await on_b.send(sid, "why?", lambda _: None)
        assert ("assistant", "red") in llm.sent() and ("assistant", "blue") not in llm.sent()
        assert llm.sent()[0] == ("system", "Be brief.")
        await b.engine.sync_once()
        await a.engine.sync_once()
        assert [i.event.text for i in await on_a.active_branch(sid)] == [
            "a colour?",
            "red",
            "why?",
            "green",
        ]
        with gateway.admin() as conn:
            parents = conn.execute(
                "select count(*) from events where parent_id is not null and type = %s",
                (str(EventType.AI_RESPONSE),),
            ).fetchone()[0]
        assert parents == 3
        await a.close()
        await b.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_a_server_not_yet_upgraded_keeps_the_rows_waiting_and_says_why(gateway, tmp_path) -> None:
    async def scenario():
        with gateway.admin() as conn:  # a project whose schema.sql predates trees
            conn.execute("alter table events drop column parent_id")
        gateway._load_catalog()  # as PostgREST reloads its schema cache
        a = await make_device(gateway, tmp_path / "a", "a")
        await a.engine.sign_up("ada@example.com", PASSWORD)
        on_a = ChatService(a.store, ScriptedLLM(["hi"]))
        sid = (await on_a.new_session()).session_id
        await on_a.send(sid, "hello", lambda _: None)
        with pytest.raises(SchemaOutdated):
            await a.engine.sync_once()
        status = a.engine.status
        assert status.state == "error" and "Run schema.sql again" in status.message
        assert (status.pending, status.failed) == (3, 0)  # waiting, not refused for good

        with gateway.admin() as conn:
            conn.execute(SCHEMA_SQL.read_text())
        gateway._load_catalog()
        await a.engine.sync_once()
        assert (a.engine.status.state, a.engine.status.pending) == ("online", 0)
        with gateway.admin() as conn:
            rows = conn.execute(
                "select count(*) from events where parent_id is not null"
            ).fetchone()[0]
        assert rows == 1  # the reply names the message it answers
        await a.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_a_pull_from_a_server_without_the_tree_columns_keeps_the_local_ones(tmp_path) -> None:
    from desktop_chat.store.sqlite import SQLiteStore
    from desktop_chat.store.sync import apply_pulled

    async def scenario():
        store = SQLiteStore(tmp_path / "chat.db")
        service = ChatService(store, ScriptedLLM(["hi"]))
        sid = (await service.new_session()).session_id
        await service.send(sid, "hello", lambda _: None)
        await service.set_session_prompt(sid, "Be brief.")
        leaf = (await store.get_session(sid)).active_leaf
        # A newer title from a server whose rows have no tree columns (an older schema.sql).
        apply_pulled(
            store,
            [
                {
                    "session_id": sid,
                    "start_time": STAMP,
                    "title": "renamed",
                    "updated_at": "2999-01-01T00:00:00+00:00",
                }
            ],
            [],
        )
        session = await store.get_session(sid)
        assert session.title == "renamed"
        assert (session.active_leaf, session.system_prompt) == (leaf, "Be brief.")
        await store.close()

    asyncio.run(scenario())
