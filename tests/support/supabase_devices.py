"""Test helpers: a "device" is one local SQLite data dir + one real supabase client + sync."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_chat.models import Event, EventType, Session
from desktop_chat.store.sqlite import SQLiteStore
from desktop_chat.store.supabase import KeyringStorage, RemoteStore
from desktop_chat.store.sync import SyncEngine
from tests.support.supabase_gateway import SupabaseGateway


@dataclass
class Device:
    name: str
    store: SQLiteStore
    engine: SyncEngine
    storage: KeyringStorage

    @property
    def remote(self) -> RemoteStore:
        return self.engine.remote

    async def new_session(self, title: str | None = None, messages: int = 0) -> Session:
        session = Session(title=title)
        await self.store.create_session(session)
        parent = None  # one chain, as the app writes it: each message follows the last
        for index in range(messages):
            kind = EventType.USER_MESSAGE if index % 2 == 0 else EventType.AI_RESPONSE
            event = Event(
                session.session_id, kind, {"text": f"{title or 'chat'} #{index}"}, parent_id=parent
            )
            await self.store.add_event(event, activate=True)
            parent = event.event_id
        return session

    async def close(self) -> None:
        await self.engine.stop()
        await self.store.close()


async def make_device(
    gateway: SupabaseGateway, data_dir: Path, name: str, background: bool = False, **engine_options
) -> Device:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(data_dir / "chat.db")
    storage = KeyringStorage(namespace=f"{gateway.url}/{name}")
    remote = await RemoteStore.connect(gateway.url, gateway.anon_key, storage=storage)
    engine_options.setdefault("push_delay", 0.0)
    engine_options.setdefault("backoff", (0.05, 0.1))
    engine = SyncEngine(remote, store, **engine_options)
    await engine.start(background=background)
    return Device(name, store, engine, storage)


def server_counts(gateway: SupabaseGateway) -> tuple[int, int]:
    with gateway.admin() as conn:
        sessions = conn.execute("select count(*) from sessions").fetchone()[0]
        events = conn.execute("select count(*) from events").fetchone()[0]
    return sessions, events
