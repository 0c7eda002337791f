"""The prompt window: system prompt, summary, the last N interactions, trimming."""

from __future__ import annotations

from desktop_chat.core.memory import build_prompt, group_interactions
from desktop_chat.models import Event, EventType


def exchange(n: int) -> list[Event]:
    return [
        Event("s", EventType.USER_MESSAGE, {"text": f"q{n}"}),
        Event("s", EventType.AI_RESPONSE, {"text": f"a{n}"}),
    ]


def test_window_keeps_the_last_n_interactions_in_order() -> None:
    history = [e for n in range(12) for e in exchange(n)]
    prompt = build_prompt(history, "q12", turns=10, system_prompt="SYS")
    assert [m.content for m in prompt] == (
        ["SYS"] + [t for n in range(2, 12) for t in (f"q{n}", f"a{n}")] + ["q12"]
    )
    assert [m.role for m in prompt[:3]] == ["system", "user", "assistant"]


def test_summary_joins_the_system_prompt() -> None:
    prompt = build_prompt([], "hi", turns=10, system_prompt="SYS", summary="We spoke of cats.")
    assert prompt[0].role == "system" and "We spoke of cats." in prompt[0].content


def test_a_retried_reply_supersedes_the_failed_one_and_empty_replies_are_skipped() -> None:
    events = [
        Event("s", EventType.USER_MESSAGE, {"text": "q"}),
        Event("s", EventType.AI_RESPONSE, {"text": "partial", "interrupted": True}),
        Event("s", EventType.AI_RESPONSE, {"text": "full answer"}),
        Event("s", EventType.USER_MESSAGE, {"text": "q2"}),
        Event("s", EventType.AI_RESPONSE, {"text": ""}),
    ]
    interactions = group_interactions(events)
    assert [(i.user.text, i.reply.text if i.reply else None) for i in interactions] == [
        ("q", "full answer"),
        ("q2", None),
    ]


def test_oldest_interactions_are_trimmed_to_fit_the_context() -> None:
    big = "x" * 4000
    history = []
    for n in range(5):
        history += [
            Event("s", EventType.USER_MESSAGE, {"text": f"q{n} {big}"}),
            Event("s", EventType.AI_RESPONSE, {"text": f"a{n}"}),
        ]
    # Room for about two interactions: 1,000 tokens of context, none reserved.
    prompt = build_prompt(
        history, "new", turns=10, system_prompt="S", context_tokens=2_100, reserve_tokens=0
    )
    users = [m.content.split()[0] for m in prompt if m.role == "user"]
    assert users == ["q3", "q4", "new"]
