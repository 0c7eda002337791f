"""Twenty turns over a network that drops, stalls, rate-limits and fails at random (seeded).

Core level, for real: ChatService + the real groq client + the loopback Groq server + a SQLite
file. Afterwards the file (opened again from disk) must hold every user message exactly once,
each reply complete or marked interrupted with a prefix of what the server was sending, every
piece the client received, and no duplicates.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from pathlib import Path

from desktop_chat.core.chat import ChatService, ChatSettings
from desktop_chat.llm.base import LLMErrorKind
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.models import EventType
from desktop_chat.store.sqlite import SQLiteStore
from tests.support.groq_server import FakeGroqServer

SEED = int(os.environ.get("DC_FAULT_SEED", "20261127"))  # another seed: a soak run
TURNS = 20
MAX_ATTEMPTS = 4  # the first send, then up to three retries
STALL_TIMEOUT = 0.3  # seconds of silence before the client gives up on a stalled stream
FAULTS = ["ok", "drop", "stall", "429", "500"]
WEIGHTS = [3, 2, 2, 1, 1]
TIME_LIMIT = 30.0
WORDS = ["hello", "ünïcödé", "مرحبا", "🎉🎉", "a\x00b"]


def expected_reply(user_text: str) -> str:
    return f"About «{user_text}»: " + " ".join(f"point{i}, détail {i} 🎯;" for i in range(25))


async def conversation(server: FakeGroqServer, path: Path, rng: random.Random):
    store = SQLiteStore(path)
    llm = GroqClient(server.api_key, base_url=server.base_url, stall_timeout=STALL_TIMEOUT)
    service = ChatService(store, llm, ChatSettings(memory_turns=4))
    session = await service.new_session()
    injected: Counter[str] = Counter()
    attempts = []  # (turn, fault, outcome, text the client received)
    for turn in range(TURNS):
        text = f"turn {turn}: " + rng.choice(WORDS)
        for attempt in range(MAX_ATTEMPTS):
            fault = rng.choices(FAULTS, WEIGHTS)[0]
            if fault in ("drop", "stall"):
                server.fail_next(fault, after=rng.randint(0, 60))
            elif fault == "429":
                server.fail_next("429", retry_after=0)
            elif fault == "500":
                server.fail_next("500")
            injected[fault] += 1
            pieces: list[str] = []
            if attempt == 0:
                outcome = await service.send(session.session_id, text, pieces.append)
            else:
                outcome = await service.retry(session.session_id, pieces.append)
            attempts.append((turn, text, fault, outcome, "".join(pieces)))
            if outcome.ok or rng.random() < 0.25:  # sometimes the user gives up on a turn
                break
    await llm.close()
    await store.close()
    return session.session_id, injected, attempts


def test_twenty_turns_on_a_bad_network_lose_nothing_and_duplicate_nothing(
    groq_server: FakeGroqServer, tmp_path: Path
) -> None:
    groq_server.reply_for = lambda body: expected_reply(body["messages"][-1]["content"])
    path = tmp_path / "chat.db"
    started = time.monotonic()
    session_id, injected, attempts = asyncio.run(
        conversation(groq_server, path, random.Random(SEED))
    )
    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT
    groq_server.unstall.set()

    # The faults really happened, all kinds of them, and the app saw them as what they were.
    assert all(injected[kind] >= 2 for kind in FAULTS[1:]), injected
    kinds = Counter(a[3].error.kind for a in attempts if a[3].error)
    assert set(kinds) <= {
        LLMErrorKind.CONNECTION,
        LLMErrorKind.TIMEOUT,
        LLMErrorKind.RATE_LIMIT,
        LLMErrorKind.UNAVAILABLE,
    }
    assert sum(1 for a in attempts if a[2] == "ok") == sum(1 for a in attempts if a[3].ok)

    store = SQLiteStore(path)
    events = asyncio.run(store.events(session_id))
    asyncio.run(store.close())

    # Every user message exactly once, in order; no event twice.
    users = [e for e in events if e.type == EventType.USER_MESSAGE]
    sent_texts = list(dict.fromkeys(a[1] for a in attempts))
    assert [e.text for e in users] == sent_texts and len(sent_texts) == TURNS
    assert len({e.event_id for e in events}) == len(events)

    # Each reply belongs to the user message before it and is a prefix of the server's answer:
    # complete and unmarked, or marked interrupted with the error that cut it.
    replies = {}
    current = None
    for event in events:
        if event.type == EventType.USER_MESSAGE:
            current = event.text
            continue
        assert event.type == EventType.AI_RESPONSE
        full = expected_reply(current)
        if event.interrupted:
            assert full.startswith(event.text)
            assert event.payload["error"]
        else:
            assert event.text == full and "error" not in event.payload
        replies[event.event_id] = event

    # Exactly the replies the service reported are stored, each with every piece received.
    reported = {a[3].reply_event.event_id: a for a in attempts if a[3].reply_event is not None}
    assert set(replies) == set(reported)
    for event_id, (_turn, _text, _fault, outcome, received) in reported.items():
        assert replies[event_id].text == received, "a piece the client received was not saved"
        assert replies[event_id].interrupted == (not outcome.ok)
    # No reply was stored for an attempt that received nothing.
    assert all(a[4] for a in reported.values())

    # Turns that succeeded end with their one complete reply.
    for text in sent_texts:
        turn_attempts = [a for a in attempts if a[1] == text]
        if turn_attempts[-1][3].ok:
            turn_replies = [
                r for r in replies.values() if reported[r.event_id][1] == text and not r.interrupted
            ]
            assert len(turn_replies) == 1

    # On the wire: no request ever carried the same user message twice.
    for body in groq_server.requests:
        contents = [m["content"] for m in body["messages"] if m["role"] == "user"]
        assert len(contents) == len(set(contents))

    interrupted = [r for r in replies.values() if r.interrupted]
    network_cut = sum(
        len(expected_reply(reported[r.event_id][1]).encode()) - len(r.text.encode())
        for r in interrupted
    )
    app_lost = sum(len(a[4].encode()) - len(replies[i].text.encode()) for i, a in reported.items())
    print(
        f"\nfaults: {sum(injected.values())} requests, injected {dict(injected)} "
        f"(seed {SEED}, {elapsed:.1f} s); checked {len(events)} events "
        f"({len(users)} user messages, {len(replies)} replies, {len(interrupted)} interrupted); "
        f"bytes the network cut: {network_cut}; bytes received but not saved: {app_lost}"
    )
    assert app_lost == 0


async def one_turn(server: FakeGroqServer, path: Path, **client_options):
    """Send one message through ChatService; return the outcome, the pieces shown, and the
    events read back from the file."""
    store = SQLiteStore(path)
    llm = GroqClient(server.api_key, base_url=server.base_url, **client_options)
    service = ChatService(store, llm, ChatSettings())
    session = await service.new_session()
    pieces: list[str] = []
    outcome = await service.send(session.session_id, "Tell me everything", pieces.append)
    await llm.close()
    await store.close()
    store = SQLiteStore(path)
    events = await store.events(session.session_id)
    await store.close()
    return outcome, "".join(pieces), events


def test_an_endless_reply_stops_at_the_cap_and_keeps_what_arrived(
    groq_server: FakeGroqServer, tmp_path: Path
) -> None:
    groq_server.reply_text = expected_reply("x")
    groq_server.fail_next("endless", after=5)
    outcome, shown, events = asyncio.run(
        asyncio.wait_for(one_turn(groq_server, tmp_path / "chat.db", max_reply_chars=20_000), 20)
    )
    assert outcome.error is not None and outcome.error.kind is LLMErrorKind.TOO_LONG
    reply = events[-1]
    assert reply.type == EventType.AI_RESPONSE and reply.interrupted
    assert reply.text == shown and len(shown) == 20_000
    assert "20,000 characters" in reply.payload["error"]


def test_content_of_the_wrong_type_keeps_what_arrived_and_says_why(
    groq_server: FakeGroqServer, tmp_path: Path
) -> None:
    groq_server.reply_text = expected_reply("x")
    groq_server.fail_next("bad_content", after=7, value={"text": "not a string"})
    outcome, shown, events = asyncio.run(
        asyncio.wait_for(one_turn(groq_server, tmp_path / "chat.db"), 20)
    )
    assert outcome.error is not None and outcome.error.kind is LLMErrorKind.UNAVAILABLE
    reply = events[-1]
    assert reply.interrupted and reply.text == shown == "".join(groq_server.tokens()[:7])
    assert "could not read" in reply.payload["error"]


def test_a_reply_cut_at_the_cap_is_not_offered_again_in_the_window(
    qtbot, run, groq_server, isolated_environment
) -> None:
    """Retrying would run into the same cap: the window keeps the text and says what to do."""
    from desktop_chat.ui.transcript import Role
    from tests.ui_helpers import ChatApp

    groq_server.mode = "endless"
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    app.service.llm.max_reply_chars = 2_000
    app.send_and_wait("Go on forever.")
    reply, error = app.last(Role.ASSISTANT), app.last(Role.ERROR)
    assert len(reply.text) == 2_000 and reply.note
    assert error is not None and not error.retryable
    assert "shorter" in app.window.composer.status.text()
    app.close()
