"""A throwaway PostgreSQL cluster for tests, made to look like Supabase's database.

Debian's PostgreSQL 15 (`/usr/lib/postgresql/15/bin`) is started in a temporary directory,
listening only on a unix socket in /tmp. The server refuses to run as root, so when the tests
run as root the cluster belongs to the `postgres` system user (created by Debian's package)
and every server command goes through `runuser -u postgres --`; as any other user it runs
directly.

The cluster gets what schema.sql expects from Supabase: the roles `anon`, `authenticated`,
`service_role` and `authenticator` (the login role the gateway uses, like PostgREST's),
a schema `auth` with `auth.users` and `auth.uid()` reading the `sub` claim from
`request.jwt.claims`. Each test database is a copy of a template that has schema.sql applied.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_SQL = ROOT / "schema.sql"

# What Supabase has before any project SQL runs (the subset schema.sql relies on).
SUPABASE_BASE_SQL = """
create schema if not exists auth;
create table if not exists auth.users (
    id                 uuid primary key,
    email              text unique,
    encrypted_password text,
    is_anonymous       boolean not null default false,
    created_at         timestamptz not null default now()
);
create or replace function auth.uid() returns uuid
    language sql stable
    as $$ select nullif(current_setting('request.jwt.claims', true)::json->>'sub', '')::uuid $$;
create or replace function auth.role() returns text
    language sql stable
    as $$ select current_setting('request.jwt.claims', true)::json->>'role' $$;
grant usage on schema auth to anon, authenticated, service_role;
grant execute on function auth.uid(), auth.role() to anon, authenticated, service_role;
-- Supabase grants table privileges in public to its API roles by default; RLS decides rows.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public
    grant all on tables to anon, authenticated, service_role;
"""

ROLES_SQL = """
do $$
begin
    if not exists (select from pg_roles where rolname = 'anon') then
        create role anon nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticated') then
        create role authenticated nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'service_role') then
        create role service_role nologin noinherit bypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticator') then
        create role authenticator login noinherit;
    end if;
end $$;
grant anon, authenticated, service_role to authenticator;
"""


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed here."""


def find_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "initdb").exists():
        return preferred
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable(
        "PostgreSQL server programs (initdb, pg_ctl) were not found; install Debian's "
        "`postgresql` package (scripts/system-deps does)."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """initdb + pg_ctl start in a temp dir; `stop()` removes everything."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="desktop-chat-pg-", dir="/tmp"))
        self.datadir = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.logfile = self.base / "server.log"
        self.port = free_port()
        self.template = "app_template"
        self._started = False

    # -- commands ----------------------------------------------------------------
    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.base)
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{log[-4000:]}"
            )

    def start(self) -> PostgresCluster:
        self.socket_dir.mkdir()
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses='' -c port={self.port} "
            f"-c unix_socket_directories={self.socket_dir} -c fsync=off "
            f"-c timezone=UTC -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.logfile),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self._started = True
        with self.connect("postgres") as conn:
            conn.execute(ROLES_SQL)
            conn.execute(f"create database {self.template}")
        with self.connect(self.template) as conn:
            conn.execute(SUPABASE_BASE_SQL)
            conn.execute(SCHEMA_SQL.read_text())
        return self

    def stop(self) -> None:
        if self._started:
            try:
                self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
            finally:
                self._started = False
        shutil.rmtree(self.base, ignore_errors=True)

    # -- connections ----------------------------------------------------------------
    def conninfo(self, dbname: str, user: str = "postgres") -> str:
        return f"host={self.socket_dir} port={self.port} dbname={dbname} user={user}"

    def connect(self, dbname: str, user: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.conninfo(dbname, user), autocommit=True)

    def new_database(self) -> str:
        """A fresh database with the Supabase base and schema.sql already applied."""
        name = "t_" + uuid.uuid4().hex[:12]
        with self.connect("postgres") as conn:
            conn.execute(f"create database {name} template {self.template}")
        return name

    def drop_database(self, name: str) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f"drop database if exists {name} with (force)")


# -- pytest fixtures (imported by tests/conftest.py) ----------------------------------------
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def postgres_cluster():
    """One cluster for the whole run. Missing PostgreSQL skips on a developer's machine but is
    an error in CI (CI=true), where scripts/system-deps must have installed it."""
    try:
        cluster = PostgresCluster()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_database(postgres_cluster):
    """The name of a fresh database with schema.sql applied, dropped afterwards."""
    name = postgres_cluster.new_database()
    yield name
    postgres_cluster.drop_database(name)
