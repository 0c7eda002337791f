"""A loopback stand-in for Supabase: the GoTrue and PostgREST subset Desktop Chat uses,
backed by a real PostgreSQL database that has schema.sql applied.

GoTrue subset (/auth/v1): `signup` (email + password, or anonymous with no email),
`token?grant_type=password|refresh_token` (refresh tokens are single-use and rotate: using one
twice is refused, as GoTrue does outside its reuse interval), `user`, `logout?scope=`.
Access tokens are HS256 JWTs signed with a test secret.

PostgREST subset (/rest/v1/<table>): GET / POST / PATCH / DELETE with the grammar the
`postgrest` client sends: filters `col=op.value` with eq, neq, gt, gte, lt, lte, in, is (and
`not.`), `select`, `order`, `limit`, `offset`, `columns`, `on_conflict`, and `Prefer`
return=representation|minimal, resolution=merge-duplicates|ignore-duplicates, missing=default.
Each request runs in one transaction as PostgREST runs it: `SET LOCAL ROLE anon|authenticated`
and `set_config('request.jwt.claims', <claims>, true)`, so RLS decides, not this file. JSON
comes from PostgreSQL's own json_agg, as in PostgREST. Anything it does not know -- a query
parameter, a Prefer value, a header profile -- is a 400, so drift in the client shows up.

Faults for outage tests: `down()` / `up()` close and reopen the listening port (connection
refused); `fail_next(n)` answers 503; `drop_after_commit(n)` commits the next n writes and then
hangs up without an answer (the worst case for a retrying client).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import jwt
import psycopg
from psycopg import sql

from tests.support.postgres import PostgresCluster

JWT_SECRET = "desktop-chat-test-secret-at-least-32-bytes-long"
TABLES = ("sessions", "events", "attachments")
FILTER_OPS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
PREFER_ALLOWED = {
    "return": {"representation", "minimal", "headers-only"},
    "resolution": {"merge-duplicates", "ignore-duplicates"},
    "missing": {"default"},
}


class HttpError(Exception):
    def __init__(self, status: int, body: dict, headers: dict | None = None):
        super().__init__(body.get("message") or body.get("msg"))
        self.status, self.body, self.headers = status, body, headers or {}


def _auth_error(status: int, code: str, message: str) -> HttpError:
    return HttpError(status, {"code": code, "error_code": code, "msg": message, "message": message})


def _check_columns(names, columns) -> None:
    """PostgREST refuses a body naming a column the table does not have."""
    for name in names:
        if name not in columns:
            raise _rest_error(400, "PGRST204", f"Could not find the '{name}' column")


def _rest_error(status: int, code: str, message: str, details=None, hint=None) -> HttpError:
    return HttpError(status, {"code": code, "message": message, "details": details, "hint": hint})


def _hash_password(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000).hex()


class SupabaseGateway:
    def __init__(self, cluster: PostgresCluster, dbname: str, access_token_ttl: int = 3600):
        self.cluster = cluster
        self.dbname = dbname
        self.access_token_ttl = access_token_ttl
        self.anon_key = jwt.encode(
            {
                "role": "anon",
                "iss": "supabase",
                "iat": int(time.time()),
                "exp": int(time.time()) + 10 * 365 * 86400,
            },
            JWT_SECRET,
            algorithm="HS256",
        )
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self._lock = threading.Lock()
        self._refresh: dict[str, dict] = {}  # token -> {user_id, session_id, used}
        self._fail_next = 0
        self._drop_after_commit = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._columns: dict[str, dict[str, str]] = {}
        self._primary_keys: dict[str, list[str]] = {}
        self._load_catalog()

    # -- life cycle ---------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SupabaseGateway:
        self.up()
        return self

    def up(self) -> None:
        if self._server is not None:
            return
        gateway = self

        class Handler(_Handler):
            pass

        Handler.gateway = gateway
        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def down(self) -> None:
        """Stop listening: clients now get 'connection refused'."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self._thread.join(5)

    stop = down

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._fail_next = count

    def drop_after_commit(self, count: int) -> None:
        with self._lock:
            self._drop_after_commit = count

    # -- database ----------------------------------------------------------------
    def admin(self) -> psycopg.Connection:
        return self.cluster.connect(self.dbname)

    def _load_catalog(self) -> None:
        with self.admin() as conn:
            for table in TABLES:
                rows = conn.execute(
                    "select column_name, data_type from information_schema.columns"
                    " where table_schema = 'public' and table_name = %s",
                    (table,),
                ).fetchall()
                if not rows:  # an older schema.sql, without this table: PostgREST's 404
                    continue
                self._columns[table] = dict(rows)
                self._primary_keys[table] = [
                    r[0]
                    for r in conn.execute(
                        "select a.attname from pg_index i join pg_attribute a"
                        " on a.attrelid = i.indrelid and a.attnum = any(i.indkey)"
                        " where i.indrelid = %s::regclass and i.indisprimary",
                        (f"public.{table}",),
                    ).fetchall()
                ]

    # -- dispatch ----------------------------------------------------------------
    def handle(self, request: _Handler, method: str) -> tuple[int, bytes, dict] | None:
        with self._lock:
            if self._fail_next > 0:
                self._fail_next -= 1
                return 503, b'{"message":"Service Unavailable"}', {}
        parts = urlsplit(request.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        try:
            if request.headers.get("apikey") != self.anon_key:
                raise _rest_error(401, "PGRST000", "Invalid API key")
            body = json.loads(raw) if raw else None
            if parts.path.startswith("/auth/v1/"):
                status, payload = self._auth(
                    method, parts.path[len("/auth/v1/") :], query, body, request.headers
                )
                headers = {"X-Supabase-Api-Version": "2024-01-01"}
            elif parts.path.startswith("/rest/v1/"):
                status, payload, drop = self._rest(
                    method, parts.path[len("/rest/v1/") :], query, body, request.headers
                )
                if drop:
                    return None
                headers = {}
            else:
                raise _rest_error(404, "PGRST000", f"no route {parts.path}")
        except HttpError as error:
            extra = {"X-Supabase-Api-Version": "2024-01-01"} if "/auth/" in parts.path else {}
            return error.status, json.dumps(error.body).encode(), {**extra, **error.headers}
        data = (
            b""
            if payload is None
            else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
        )
        return status, data, headers

    # -- GoTrue ------------------------------------------------------------------
    def _auth(self, method, path, query, body, headers):
        params = dict(query)
        if method == "POST" and path == "signup":
            _only(params, {"redirect_to"})
            return 200, self._signup(body or {})
        if method == "POST" and path == "token":
            _only(params, {"grant_type"})
            grant = params.get("grant_type")
            if grant == "password":
                return 200, self._password_grant(body or {})
            if grant == "refresh_token":
                return 200, self._refresh_grant((body or {}).get("refresh_token"))
            raise _auth_error(400, "validation_failed", f"unsupported grant_type {grant!r}")
        if method == "GET" and path == "user":
            _only(params, set())
            claims = self._claims(headers, for_auth=True)
            return 200, self._user_json(self._user(claims["sub"]))
        if method == "POST" and path == "logout":
            _only(params, {"scope"})
            scope = params.get("scope", "global")
            if scope not in ("global", "local", "others"):
                raise _auth_error(400, "validation_failed", "bad scope")
            claims = self._claims(headers, for_auth=True)
            with self._lock:
                for record in self._refresh.values():
                    same = record["session_id"] == claims["session_id"]
                    if record["user_id"] == claims["sub"] and (
                        scope == "global" or (scope == "local") == same
                    ):
                        record["used"] = True
            return 204, None
        raise _auth_error(404, "not_found", f"no auth route {method} {path}")

    def _signup(self, body: dict) -> dict:
        _only(
            body,
            {
                "email",
                "password",
                "data",
                "gotrue_meta_security",
                "code_challenge",
                "code_challenge_method",
            },
            what="field",
        )
        email, password = body.get("email"), body.get("password")
        user_id = str(uuid.uuid4())
        with self.admin() as conn:
            if email:
                if not password or len(password) < 6:
                    raise _auth_error(
                        422, "weak_password", "Password should be at least 6 characters."
                    )
                if conn.execute("select 1 from auth.users where email = %s", (email,)).fetchone():
                    raise _auth_error(422, "user_already_exists", "User already registered")
                conn.execute(
                    "insert into auth.users (id, email, encrypted_password) values (%s, %s, %s)",
                    (user_id, email, _hash_password(password, user_id)),
                )
            else:
                conn.execute(
                    "insert into auth.users (id, is_anonymous) values (%s, true)", (user_id,)
                )
        return self._new_session(self._user(user_id))

    def _password_grant(self, body: dict) -> dict:
        email, password = body.get("email"), body.get("password") or ""
        with self.admin() as conn:
            row = conn.execute(
                "select id::text, encrypted_password from auth.users where email = %s", (email,)
            ).fetchone()
        if row is None or row[1] != _hash_password(password, row[0]):
            raise _auth_error(400, "invalid_credentials", "Invalid login credentials")
        return self._new_session(self._user(row[0]))

    def _refresh_grant(self, token: str | None) -> dict:
        with self._lock:
            record = self._refresh.get(token or "")
            if record is None:
                raise _auth_error(
                    400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"
                )
            if record["used"]:
                raise _auth_error(
                    400, "refresh_token_already_used", "Invalid Refresh Token: Already Used"
                )
            record["used"] = True
        return self._new_session(self._user(record["user_id"]), record["session_id"])

    def _new_session(self, user: dict, session_id: str | None = None) -> dict:
        session_id = session_id or str(uuid.uuid4())
        now = int(time.time())
        claims = {
            "sub": user["id"],
            "aud": "authenticated",
            "role": "authenticated",
            "email": user["email"] or "",
            "iat": now,
            "exp": now + self.access_token_ttl,
            "session_id": session_id,
            "is_anonymous": user["is_anonymous"],
        }
        refresh_token = secrets.token_urlsafe(16)
        with self._lock:
            self._refresh[refresh_token] = {
                "user_id": user["id"],
                "session_id": session_id,
                "used": False,
            }
        return {
            "access_token": jwt.encode(claims, JWT_SECRET, algorithm="HS256"),
            "token_type": "bearer",
            "expires_in": self.access_token_ttl,
            "expires_at": now + self.access_token_ttl,
            "refresh_token": refresh_token,
            "user": self._user_json(user),
        }

    def refresh_token_is_live(self, token: str) -> bool:
        with self._lock:
            record = self._refresh.get(token)
            return record is not None and not record["used"]

    def _user(self, user_id: str) -> dict:
        with self.admin() as conn:
            row = conn.execute(
                "select id::text, email, is_anonymous, created_at from auth.users where id = %s",
                (user_id,),
            ).fetchone()
        if row is None:
            raise _auth_error(404, "user_not_found", "User not found")
        return {"id": row[0], "email": row[1], "is_anonymous": row[2], "created_at": row[3]}

    @staticmethod
    def _user_json(user: dict) -> dict:
        provider = "anonymous" if user["is_anonymous"] else "email"
        created = user["created_at"].astimezone(UTC).isoformat()
        return {
            "id": user["id"],
            "aud": "authenticated",
            "role": "authenticated",
            "email": user["email"] or "",
            "phone": "",
            "app_metadata": {"provider": provider, "providers": [provider]},
            "user_metadata": {},
            "identities": [],
            "created_at": created,
            "updated_at": created,
            "is_anonymous": user["is_anonymous"],
        }

    def _claims(self, headers, for_auth: bool = False) -> dict:
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            raise _rest_error(401, "PGRST302", "No bearer token")
        try:
            claims = jwt.decode(
                auth[7:], JWT_SECRET, algorithms=["HS256"], options={"verify_aud": False}
            )
        except jwt.ExpiredSignatureError:
            if for_auth:
                raise _auth_error(403, "bad_jwt", "invalid JWT: token is expired") from None
            raise _rest_error(401, "PGRST303", "JWT expired") from None
        except jwt.PyJWTError as error:
            if for_auth:
                raise _auth_error(403, "bad_jwt", f"invalid JWT: {error}") from None
            raise _rest_error(401, "PGRST301", f"JWT invalid: {error}") from None
        if for_auth and claims.get("role") != "authenticated":
            raise _auth_error(401, "no_authorization", "This endpoint requires a user")
        return claims

    # -- PostgREST ---------------------------------------------------------------
    def _rest(self, method, table, query, body, headers):
        if table not in self._columns:
            raise _rest_error(404, "PGRST205", f"Could not find the table 'public.{table}'")
        profile = headers.get("Accept-Profile" if method == "GET" else "Content-Profile")
        if profile not in (None, "public"):
            raise _rest_error(406, "PGRST106", f"The schema must be public, not {profile}")
        claims = self._claims(headers)
        role = claims.get("role")
        if role not in ("anon", "authenticated", "service_role"):
            raise _rest_error(401, "PGRST301", f"unknown role {role!r}")
        prefer = _parse_prefer(headers.get_all("Prefer") or [])
        columns = self._columns[table]
        allowed = {
            "GET": {"select", "order", "limit", "offset"},
            "POST": {"select", "columns", "on_conflict"},
            "PATCH": {"select"},
            "DELETE": {"select"},
        }.get(method)
        if allowed is None:
            raise _rest_error(405, "PGRST117", f"Unsupported HTTP method {method}")
        options: dict[str, str] = {}
        filters: list[sql.Composable] = []
        values: list = []
        for key, value in query:
            if key in allowed:
                options[key] = value
            elif key in columns and method != "POST":
                clause, params = _filter(key, value)
                filters.append(clause)
                values += params
            else:
                raise _rest_error(400, "PGRST100", f"unexpected query parameter {key!r}")
        select = _column_list(options.get("select", "*"), columns)
        target = sql.Identifier("public", table)
        where = sql.SQL(" where ") + sql.SQL(" and ").join(filters) if filters else sql.SQL("")
        returning = prefer.get("return", "minimal" if method != "GET" else "representation")
        if method == "GET":
            statement = sql.SQL("select {} from {}{}").format(select, target, where)
            if "order" in options:
                statement += sql.SQL(" order by ") + _order(options["order"], columns)
            if "limit" in options:
                statement += sql.SQL(" limit {}").format(sql.Literal(_int(options["limit"])))
            if "offset" in options:
                statement += sql.SQL(" offset {}").format(sql.Literal(_int(options["offset"])))
            status = 200
        elif method == "POST":
            rows = body if isinstance(body, list) else [body]
            if not all(isinstance(r, dict) for r in rows):
                raise _rest_error(400, "PGRST102", "body must be an object or array of objects")
            names = (
                _column_names(options["columns"], columns)
                if "columns" in options
                else sorted({k for r in rows for k in r})
            )
            _check_columns(names, columns)
            cols = sql.SQL(", ").join(map(sql.Identifier, names))
            statement = sql.SQL(
                "insert into {t} ({c}) select {c} from json_populate_recordset(null::{t}, %s::json)"
            ).format(t=target, c=cols)
            values = [json.dumps(rows)]
            resolution = prefer.get("resolution")
            if resolution:
                conflict = (
                    _column_names(options["on_conflict"], columns)
                    if "on_conflict" in options
                    else self._primary_keys[table]
                )
                statement += sql.SQL(" on conflict ({})").format(
                    sql.SQL(", ").join(map(sql.Identifier, conflict))
                )
                if resolution == "merge-duplicates":
                    statement += sql.SQL(" do update set ") + sql.SQL(", ").join(
                        sql.SQL("{0} = excluded.{0}").format(sql.Identifier(n)) for n in names
                    )
                else:
                    statement += sql.SQL(" do nothing")
            elif "on_conflict" in options:
                raise _rest_error(400, "PGRST100", "on_conflict without a resolution")
            status = 201
        elif method == "PATCH":
            if not isinstance(body, dict) or not body:
                raise _rest_error(400, "PGRST102", "PATCH needs an object")
            _check_columns(body, columns)
            names = sql.SQL(", ").join(map(sql.Identifier, body))
            statement = (
                sql.SQL(
                    "update {t} set ({n}) = "
                    "(select {n} from json_populate_record(null::{t}, %s::json))"
                ).format(t=target, n=names)
                + where
            )
            values = [json.dumps(body), *values]
            status = 200
        else:  # DELETE
            statement = sql.SQL("delete from {}").format(target) + where
            status = 200
        if method != "GET":
            if returning == "representation":
                statement += sql.SQL(" returning {}").format(select)
            else:
                status = 201 if method == "POST" else 204
        rows_back = method == "GET" or returning == "representation"
        wrapped = (
            sql.SQL("with _r as ({}) select coalesce(json_agg(_r), '[]'::json) from _r").format(
                statement
            )
            if rows_back
            else statement
        )
        with self._lock:
            drop = method != "GET" and self._drop_after_commit > 0
            if drop:
                self._drop_after_commit -= 1
        try:
            conninfo = self.cluster.conninfo(self.dbname, "authenticator")
            with psycopg.connect(conninfo) as conn, conn.transaction():
                conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
                conn.execute(
                    "select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),)
                )
                cursor = conn.execute(wrapped, values)
                result = cursor.fetchone()[0] if cursor.description else None
        except psycopg.Error as error:
            raise _pg_error(error, role) from None
        if returning == "representation" or method == "GET":
            return status, json.dumps(result).encode(), drop
        return status, None, drop


def _only(params: dict, allowed: set, what: str = "query parameter") -> None:
    unknown = set(params) - allowed
    if unknown:
        raise _auth_error(400, "validation_failed", f"unexpected {what}: {sorted(unknown)}")


def _parse_prefer(values: list[str]) -> dict[str, str]:
    prefer: dict[str, str] = {}
    for item in ",".join(values).split(","):
        item = item.strip()
        if not item:
            continue
        key, _, value = item.partition("=")
        if value not in PREFER_ALLOWED.get(key, ()):
            raise _rest_error(400, "PGRST122", f"unsupported Prefer: {item}")
        prefer[key] = value
    return prefer


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return name


def _split_list(text: str) -> list[str]:
    """Comma-separated items, where an item may be double-quoted (with \\ escapes)."""
    return [m.group(0) for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[^,]+', text)]


def _column_names(text: str, columns: dict) -> list[str]:
    names = [_unquote(n) for n in _split_list(text)]
    for name in names:
        if name not in columns:
            raise _rest_error(400, "42703", f"column {name!r} does not exist")
    return names


def _column_list(text: str, columns: dict) -> sql.Composable:
    if text.strip() == "*":
        return sql.SQL("*")
    return sql.SQL(", ").join(map(sql.Identifier, _column_names(text, columns)))


def _order(text: str, columns: dict) -> sql.Composable:
    terms = []
    for term in text.split(","):
        name, *modifiers = term.split(".")
        if name not in columns:
            raise _rest_error(400, "42703", f"column {name!r} does not exist")
        piece = sql.Identifier(name)
        for modifier in modifiers:
            words = {
                "asc": "asc",
                "desc": "desc",
                "nullsfirst": "nulls first",
                "nullslast": "nulls last",
            }
            if modifier not in words:
                raise _rest_error(400, "PGRST100", f"bad order modifier {modifier!r}")
            piece = sql.SQL("{} {}").format(piece, sql.SQL(words[modifier]))
        terms.append(piece)
    return sql.SQL(", ").join(terms)


def _filter(column: str, text: str) -> tuple[sql.Composable, list]:
    negate = text.startswith("not.")
    if negate:
        text = text[4:]
    op, _, value = text.partition(".")
    ident = sql.Identifier(column)
    if op in FILTER_OPS:
        clause, params = sql.SQL("{} {} %s").format(ident, sql.SQL(FILTER_OPS[op])), [value]
    elif op == "in":
        if not (value.startswith("(") and value.endswith(")")):
            raise _rest_error(400, "PGRST100", f"bad in list {value!r}")
        items = [_unquote(v) for v in _split_list(value[1:-1])]
        if not items:
            clause, params = sql.SQL("false"), []
        else:
            clause = sql.SQL("{} in ({})").format(
                ident, sql.SQL(", ").join(sql.Placeholder() for _ in items)
            )
            params = items
    elif op == "is":
        words = {"null": "null", "true": "true", "false": "false", "unknown": "unknown"}
        if value not in words:
            raise _rest_error(400, "PGRST100", f"bad is value {value!r}")
        clause, params = sql.SQL("{} is {}").format(ident, sql.SQL(words[value])), []
    else:
        raise _rest_error(400, "PGRST100", f"unsupported operator {op!r}")
    if negate:
        clause = sql.SQL("not ({})").format(clause)
    return clause, params


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _rest_error(400, "PGRST100", f"not a number: {text!r}") from None


def _pg_error(error: psycopg.Error, role: str) -> HttpError:
    state = error.sqlstate or ""
    diag = error.diag
    message = diag.message_primary or str(error)
    if state == "42501":
        status = 401 if role == "anon" else 403
    elif state in ("23505", "23503"):
        status = 409
    elif state.startswith(("22", "23", "42")) or state == "P0001":
        status = 400
    else:
        status = 500
    return _rest_error(status, state or "PGRST000", message, diag.message_detail, diag.message_hint)


class _Handler(BaseHTTPRequestHandler):
    gateway: SupabaseGateway
    protocol_version = "HTTP/1.1"

    def _serve(self, method: str) -> None:
        self.close_connection = True  # one request per connection: down() really disconnects
        try:
            answer = self.gateway.handle(self, method)
        except Exception as error:  # noqa: BLE001 - a bug here must show as a 500, not a hang
            answer = 500, json.dumps({"message": f"gateway error: {error!r}"}).encode(), {}
        if answer is None:  # a dropped connection: the work was done, the answer is lost
            self.gateway.requests.append((method, self.path, 0))
            return
        status, data, headers = answer
        self.gateway.requests.append((method, self.path, status))
        self.send_response(status)
        if data or status not in (204,):
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if data:
            self.wfile.write(data)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PATCH(self):
        self._serve("PATCH")

    def do_DELETE(self):
        self._serve("DELETE")

    def log_message(self, *args) -> None:
        pass
