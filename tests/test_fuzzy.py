"""The command palette's matcher: letters in order, tight word-start matches first."""

from __future__ import annotations

import time

from desktop_chat.core.fuzzy import fuzzy_filter, fuzzy_score

ACTIONS = [
    "new session",
    "show all shortcuts",
    "settings",
    "search sessions",
    "next session",
    "rename the selected session",
    "copy the last reply",
    "quit",
]


def matched(query: str, texts: list[str]) -> list[str]:
    return fuzzy_filter(query, texts, lambda text: text)


def test_letters_must_appear_in_order() -> None:
    assert fuzzy_score("nss", "new session") is not None
    assert fuzzy_score("snn", "new session") is None
    assert fuzzy_score("xyz", "new session") is None
    assert fuzzy_score("NEW", "new session") is not None  # case does not matter
    assert fuzzy_score("new ses", "new session") is not None  # spaces in the query are ignored
    assert fuzzy_score("", "anything") == 0.0


def test_word_starts_and_runs_rank_first() -> None:
    assert matched("ns", ACTIONS)[0] == "new session"
    assert matched("set", ACTIONS)[0] == "settings"
    assert matched("sea", ACTIONS)[0] == "search sessions"
    assert matched("copy", ACTIONS) == ["copy the last reply"]
    assert matched("q", ACTIONS)[0] == "quit"
    # A run of letters beats the same letters scattered.
    assert fuzzy_score("sess", "new session") > fuzzy_score("sess", "sales event sums stats")


def test_a_shorter_title_wins_a_tie_and_order_is_kept_otherwise() -> None:
    assert matched("rep", ["a long reply about many things", "reply"])[0] == "reply"
    same = ["Trip notes", "Trip notes"]
    items = [("a", same[0]), ("b", same[1])]
    assert [key for key, _ in fuzzy_filter("trip", items, lambda item: item[1])] == ["a", "b"]


def test_unusual_text_does_not_break_it() -> None:
    assert fuzzy_score("stra", "Straße") is not None  # casefold would change its length
    assert fuzzy_score("ü", "Über Café") is not None
    assert fuzzy_score("😀", "fun 😀 chat") is not None


def test_a_thousand_session_titles_filter_quickly() -> None:
    titles = [f"Session {n}: planning the garden and the kitchen budget" for n in range(1000)]
    started = time.perf_counter()
    found = fuzzy_filter("kbud", titles, lambda text: text, limit=50)
    elapsed = time.perf_counter() - started
    assert len(found) == 50
    assert elapsed < 0.5, elapsed  # per keystroke, on a shared 2-core machine
