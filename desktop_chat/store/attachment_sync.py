"""Attached images on Supabase: a bounded row each in `attachments` (schema.sql), pushed with
the event that names them and pulled with it.

Why rows and not Supabase Storage: the images are small by construction (downscaled to at most
560 KB, core/attachments.py), the bytes never change, and a row rides on the same PostgREST
client, sign-in and Row Level Security as sessions and events, with no second API, bucket
policy or stand-in to keep right. The bytes travel as base64 text (`data`), which PostgREST
carries in JSON as it is; a bytea column would come back as hex.

Push: before a batch of events is upserted, the images its events name are upserted too
(`ignore-duplicates`: a row never changes, so a re-push sends nothing new to the table). Pull:
the images that pulled events name and this device lacks are fetched before the events are
applied, then kept locally; an image the server does not have (its device has not pushed it
yet) is simply named, and fetched by a later pull of an event that names it."""

from __future__ import annotations

import base64
import binascii
import sqlite3
from collections.abc import Iterable
from typing import Any

from desktop_chat.models import image_ids, utc_now

# The server's bound (schema.sql, attachments_data_size): base64 of a downscaled image.
MAX_REMOTE_DATA = 1_000_000
IMAGE_MIMES = ("image/png", "image/jpeg", "image/webp", "image/gif")


def named_images(event_rows: Iterable[Any]) -> list[str]:
    """The image ids that events name (local rows: payload as JSON text; pulled: a dict)."""
    import json

    ids: list[str] = []
    for row in event_rows:
        payload = row["payload"]
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except ValueError:
                continue
        if isinstance(payload, dict):
            ids += image_ids(payload)
    return list(dict.fromkeys(ids))


class AttachmentTables:
    """The local images' side of sync (mixed into SQLiteStore, like SyncTables): the store
    owns its SQL; store/sync.py decides what to push and pull."""

    _db: sqlite3.Connection

    def attachment_rows(self, ids: list[str]) -> list[dict[str, Any]]:
        """The local images of `ids` as the JSON PostgREST takes (too big to sync: left out)."""
        return _remote_rows(self._db, ids)

    def missing_attachments(self, ids: list[str]) -> list[str]:
        return _missing(self._db, ids)

    def keep_pulled_attachments(self, rows: list[dict[str, Any]]) -> int:
        """Store pulled images whose session is here; rows this client cannot read are
        skipped. Returns how many were kept."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            return _keep_pulled(self._db, rows)


def _remote_rows(db: sqlite3.Connection, ids: list[str]) -> list[dict[str, Any]]:
    rows = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += db.execute(
            "SELECT attachment_id, session_id, mime, size, bytes FROM attachments"
            f" WHERE attachment_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    out = []
    for row in rows:
        data = base64.b64encode(bytes(row["bytes"])).decode("ascii")
        if len(data) <= MAX_REMOTE_DATA and row["mime"] in IMAGE_MIMES:
            out.append(
                {
                    "attachment_id": row["attachment_id"],
                    "session_id": row["session_id"],
                    "mime": row["mime"],
                    "size": row["size"],
                    "data": data,
                }
            )
    return out


def _missing(db: sqlite3.Connection, ids: list[str]) -> list[str]:
    present: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        present |= {
            r[0]
            for r in db.execute(
                "SELECT attachment_id FROM attachments"
                f" WHERE attachment_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        }
    return [i for i in ids if i not in present]


def _keep_pulled(db: sqlite3.Connection, rows: list[dict[str, Any]]) -> int:
    kept = 0
    for remote in rows:
        try:
            data = base64.b64decode(str(remote.get("data")), validate=True)
        except (binascii.Error, ValueError):
            continue
        if (
            not isinstance(remote.get("attachment_id"), str)
            or remote.get("mime") not in IMAGE_MIMES
        ):
            continue
        kept += db.execute(
            "INSERT OR IGNORE INTO attachments (attachment_id, session_id, mime, size, bytes,"
            " created_at) SELECT ?, session_id, ?, ?, ?, ? FROM sessions WHERE session_id = ?",
            (
                remote["attachment_id"],
                remote["mime"],
                len(data),
                data,
                utc_now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                remote.get("session_id"),
            ),
        ).rowcount
    return kept
