"""schema.sql on a real PostgreSQL 15: Row Level Security proven directly in SQL.

Requests are made the way PostgREST makes them: inside a transaction, `SET LOCAL ROLE
authenticated` (or anon) and the JWT claims in `request.jwt.claims`, which auth.uid() reads.
"""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import errors

from tests.support.postgres import SCHEMA_SQL

A = str(uuid.uuid4())
B = str(uuid.uuid4())
STAMP = "2024-05-01T10:00:00.000000Z"


@pytest.fixture
def db(postgres_cluster, pg_database):
    conn = postgres_cluster.connect(pg_database)
    conn.execute(
        "insert into auth.users (id, email) values (%s, 'a@example.com'), (%s, 'b@example.com')",
        (A, B),
    )
    yield conn
    conn.close()


@contextmanager
def as_user(conn: psycopg.Connection, user_id: str | None):
    """One request, as PostgREST runs it; rolled back at the end unless it raised first."""
    role = "authenticated" if user_id else "anon"
    claims = {"role": role, **({"sub": user_id} if user_id else {})}
    with conn.transaction(force_rollback=True):
        conn.execute(f"set local role {role}")
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        yield conn


def add_session(conn, user_id: str, title: str = "t") -> str:
    session_id = str(uuid.uuid4())
    with conn.transaction():
        conn.execute("set local role authenticated")
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (json.dumps({"sub": user_id, "role": "authenticated"}),),
        )
        conn.execute(
            "insert into sessions (session_id, start_time, updated_at, title)"
            " values (%s, %s, %s, %s)",
            (session_id, STAMP, STAMP, title),
        )
        conn.execute(
            "insert into events (event_id, session_id, type, timestamp, payload)"
            " values (%s, %s, 'user_message', %s, %s)",
            (str(uuid.uuid4()), session_id, STAMP, json.dumps({"text": title})),
        )
    return session_id


def count(conn, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]


def test_schema_enables_rls_with_four_policies_per_table(db) -> None:
    rows = db.execute(
        "select relname, relrowsecurity from pg_class where relname in ('sessions', 'events')"
    ).fetchall()
    assert dict(rows) == {"sessions": True, "events": True}
    commands = db.execute(
        "select tablename, cmd from pg_policies where schemaname = 'public' order by 1, 2"
    ).fetchall()
    expected = {("events", c) for c in ("DELETE", "INSERT", "SELECT", "UPDATE")}
    expected |= {("sessions", c) for c in ("DELETE", "INSERT", "SELECT", "UPDATE")}
    expected |= {("attachments", c) for c in ("DELETE", "INSERT", "SELECT")}  # never updated
    assert set(commands) == expected
    indexes = {
        r[0] for r in db.execute("select indexname from pg_indexes where schemaname='public'")
    }
    assert {"events_session_time", "sessions_user_updated"} <= indexes


def test_schema_can_be_pasted_twice(db) -> None:
    db.execute(SCHEMA_SQL.read_text())  # the SQL editor may be run again


def test_user_id_defaults_to_the_signed_in_user(db) -> None:
    session_id = add_session(db, A)
    assert (
        db.execute(
            "select user_id::text from sessions where session_id = %s", (session_id,)
        ).fetchone()[0]
        == A
    )
    assert (
        db.execute(
            "select user_id::text from events where session_id = %s", (session_id,)
        ).fetchone()[0]
        == A
    )


def test_b_cannot_select_update_or_delete_a_rows(db) -> None:
    session_a = add_session(db, A, "secret of A")
    add_session(db, B, "B's own")
    with as_user(db, B):
        titles = [r[0] for r in db.execute("select title from sessions")]
        assert titles == ["B's own"]
        assert [r[0] for r in db.execute("select payload->>'text' from events")] == ["B's own"]
        updated = db.execute(
            "update sessions set title = 'owned' where session_id = %s", (session_a,)
        )
        assert updated.rowcount == 0
        assert (
            db.execute(
                "update events set payload = '{}' where session_id = %s", (session_a,)
            ).rowcount
            == 0
        )
        assert db.execute("delete from events where session_id = %s", (session_a,)).rowcount == 0
        assert db.execute("delete from sessions where session_id = %s", (session_a,)).rowcount == 0
    # Nothing of A's changed.
    assert (
        db.execute("select title from sessions where session_id = %s", (session_a,)).fetchone()[0]
        == "secret of A"
    )
    assert (
        db.execute("select count(*) from events where session_id = %s", (session_a,)).fetchone()[0]
        == 1
    )


def test_b_cannot_insert_as_a_or_into_a_session(db) -> None:
    session_a = add_session(db, A)
    with pytest.raises(errors.InsufficientPrivilege):
        with as_user(db, B):
            db.execute(
                "insert into sessions (session_id, user_id, start_time, updated_at)"
                " values (%s, %s, %s, %s)",
                (str(uuid.uuid4()), A, STAMP, STAMP),
            )
    with pytest.raises(errors.InsufficientPrivilege):  # an event in A's session, as B
        with as_user(db, B):
            db.execute(
                "insert into events (event_id, session_id, type, timestamp, payload)"
                " values (%s, %s, 'user_message', %s, '{}')",
                (str(uuid.uuid4()), session_a, STAMP),
            )
    with pytest.raises(errors.InsufficientPrivilege):  # an event claiming to be A's
        with as_user(db, B):
            db.execute(
                "insert into events (event_id, session_id, user_id, type, timestamp,"
                " payload) values (%s, %s, %s, 'user_message', %s, '{}')",
                (str(uuid.uuid4()), session_a, A, STAMP),
            )
    assert count(db, "events") == 1


def test_b_cannot_take_over_a_row_by_upserting_its_id(db) -> None:
    session_a = add_session(db, A, "A's")
    with pytest.raises(errors.InsufficientPrivilege):
        with as_user(db, B):
            db.execute(
                "insert into sessions (session_id, start_time, updated_at, title)"
                " values (%s, %s, '2030-01-01T00:00:00Z', 'taken') on conflict (session_id)"
                " do update set title = excluded.title, updated_at = excluded.updated_at",
                (session_a, STAMP),
            )
    with as_user(db, B):  # ignore-duplicates just does nothing
        db.execute(
            "insert into sessions (session_id, start_time, updated_at, title)"
            " values (%s, %s, %s, 'taken') on conflict do nothing",
            (session_a, STAMP, STAMP),
        )
        assert count(db, "sessions") == 0
    assert db.execute("select title from sessions").fetchone()[0] == "A's"


def test_a_cannot_give_a_row_away(db) -> None:
    session_a = add_session(db, A)
    with as_user(db, A):  # the trigger keeps the owner; the row stays A's
        db.execute(
            "update sessions set user_id = %s, updated_at = now() where session_id = %s",
            (B, session_a),
        )
        assert db.execute("select user_id::text from sessions").fetchone()[0] == A
    with as_user(db, B):
        assert count(db, "sessions") == 0


def test_anon_sees_and_changes_nothing(db) -> None:
    add_session(db, A)
    for statement in (
        "select * from sessions",
        "select * from events",
        "delete from sessions",
        "update events set payload = '{}'",
    ):
        with pytest.raises(errors.InsufficientPrivilege):
            with as_user(db, None):
                db.execute(statement)
    assert count(db, "sessions") == 1 and count(db, "events") == 1


def test_older_session_edit_loses_to_newer(db) -> None:
    session_a = add_session(db, A, "first")
    upsert = (
        "insert into sessions (session_id, start_time, updated_at, title)"
        " values (%s, %s, %s, %s) on conflict (session_id) do update set"
        " title = excluded.title, updated_at = excluded.updated_at"
    )
    with db.transaction():
        db.execute("set local role authenticated")
        db.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps({"sub": A}),))
        db.execute(upsert, (session_a, STAMP, "2024-05-02T00:00:00Z", "newer"))
        db.execute(upsert, (session_a, STAMP, "2024-05-01T12:00:00Z", "older, arrived late"))
    assert db.execute("select title from sessions").fetchone()[0] == "newer"


# -- hardening -----------------------------------------------------------------------------
def test_b_cannot_truncate_everyones_rows(db) -> None:
    """TRUNCATE skips Row Level Security: with Supabase's default grants, any signed-in user
    could empty both tables for every user."""
    add_session(db, A, "A's")
    with pytest.raises(errors.InsufficientPrivilege):
        with as_user(db, B):
            db.execute("truncate public.events, public.sessions")
    assert count(db, "sessions") == 1 and count(db, "events") == 1
    for privilege in ("TRUNCATE", "TRIGGER", "REFERENCES"):
        for table in ("public.sessions", "public.events"):
            assert not db.execute(
                "select has_table_privilege('authenticated', %s, %s)", (table, privilege)
            ).fetchone()[0], (table, privilege)
    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
        assert db.execute(
            "select has_table_privilege('authenticated', 'public.events', %s)", (privilege,)
        ).fetchone()[0]


def test_an_update_cannot_change_a_row_id(db) -> None:
    session_a = add_session(db, A)
    [event_a] = db.execute("select event_id::text from events").fetchone()
    other = str(uuid.uuid4())
    with as_user(db, A):
        db.execute(
            "update sessions set session_id = %s, title = 'renamed',"
            " updated_at = '2030-01-01T00:00:00Z' where session_id = %s",
            (other, session_a),
        )
        db.execute(
            'update events set event_id = %s, payload = \'{"text": "edited"}\' where event_id = %s',
            (other, event_a),
        )
        assert db.execute("select session_id::text, title from sessions").fetchone() == (
            session_a,
            "renamed",
        )
        assert db.execute("select event_id::text, payload->>'text' from events").fetchone() == (
            event_a,
            "edited",
        )


UNREADABLE_SESSIONS = {
    "infinite updated_at": ("infinity", "t"),
    "year 10000": ("10000-01-01T00:00:00Z", "t"),
    "minus infinity": ("-infinity", "t"),
    "title of 501 characters": (STAMP, "x" * 501),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE_SESSIONS))
def test_sessions_other_devices_cannot_read_are_refused(db, case) -> None:
    updated_at, title = UNREADABLE_SESSIONS[case]
    with pytest.raises(errors.CheckViolation):
        with as_user(db, A):
            db.execute(
                "insert into sessions (session_id, start_time, updated_at, title)"
                " values (%s, %s, %s, %s)",
                (str(uuid.uuid4()), STAMP, updated_at, title),
            )
    session_a = add_session(db, A)
    with pytest.raises(errors.CheckViolation):  # nor may an update make one
        with as_user(db, A):
            db.execute(
                "update sessions set summary = %s, updated_at = now() where session_id = %s",
                ("s" * 20_001, session_a),
            )
    assert count(db, "sessions") == 1


@pytest.mark.parametrize(
    "timestamp, payload",
    [
        (STAMP, "[1, 2, 3]"),
        (STAMP, '"just a string"'),
        (STAMP, json.dumps({"text": "x" * 4_000_001})),
        ("infinity", '{"text": "t"}'),
        ("10000-01-01T00:00:00Z", '{"text": "t"}'),
    ],
)
def test_events_other_devices_cannot_read_are_refused(db, timestamp, payload) -> None:
    session_a = add_session(db, A)
    with pytest.raises(errors.CheckViolation):
        with as_user(db, A):
            db.execute(
                "insert into events (event_id, session_id, type, timestamp, payload)"
                " values (%s, %s, 'user_message', %s, %s)",
                (str(uuid.uuid4()), session_a, timestamp, payload),
            )
    assert count(db, "events") == 1


def test_the_checks_accept_what_the_app_writes(db) -> None:
    session_a = add_session(db, A, "t" * 500)
    with as_user(db, A):
        db.execute(
            "update sessions set summary = %s, end_time = now(), deleted_at = now(),"
            " updated_at = now() where session_id = %s",
            ("s" * 20_000, session_a),
        )
        db.execute(
            "insert into events (event_id, session_id, type, timestamp, payload)"
            " values (%s, %s, 'ai_response', '9999-12-30T00:00:00Z', %s)",
            (str(uuid.uuid4()), session_a, json.dumps({"text": "é" * 1_000_000})),
        )
        assert count(db, "events") == 2
