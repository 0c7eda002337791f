"""Fuzzy matching for the command palette: the query's letters in order, scored so that
tight, word-initial matches rank first ("ns" finds "new session" before "show shortcuts")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# Weights: a hit at a word's start or right after the previous hit is what a person means when
# typing a few letters; gaps and leftover length only break ties between such matches.
WORD_START = 10
CONSECUTIVE = 10
FIRST_LETTER = 4
GAP = -1
LEFTOVER = -0.05


def _word_start(text: str, index: int) -> bool:
    return (
        index == 0
        or not text[index - 1].isalnum()
        or (text[index].isupper() and text[index - 1].islower())
    )


def fuzzy_score(query: str, text: str) -> float | None:
    """The score of `text` for `query` (higher is better), or None when the query's letters
    (case-insensitive, spaces ignored) do not all appear in `text` in order.

    Every way of placing the letters is considered, so "ns" scores "new session" on both word
    starts, not on the first "n" and the first "s"."""
    needle = [c for c in query.casefold() if not c.isspace()]
    if not needle:
        return 0.0
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed lengths (e.g. "ß"): match on lower()
        folded = text.lower()
    return _best(needle, text, folded)


def _best(needle: list[str], text: str, folded: str) -> float | None:
    # Dynamic programming: current[j] is the best score with query letter i matched at text
    # position j. A gap's penalty is linear, so the best gapped predecessor is a running maximum
    # of previous[k] - GAP * k: O(len(query) * len(text)) per title.
    n = len(folded)
    starts = [_word_start(text, j) for j in range(n)]
    previous: list[float | None] = [None] * n
    for i, letter in enumerate(needle):
        current: list[float | None] = [None] * n
        gapped: float | None = None  # max over k <= j - 2 of previous[k] - GAP * k
        for j in range(n):
            before_gap = previous[j - 2] if i > 0 and j >= 2 else None
            if before_gap is not None:
                value = before_gap - GAP * (j - 2)
                gapped = value if gapped is None else max(gapped, value)
            if folded[j] != letter:
                continue
            bonus = WORD_START if starts[j] else 0
            if i == 0:
                current[j] = bonus + (FIRST_LETTER if j == 0 else GAP * min(j, 10) * 0.5)
                continue
            options = []
            adjacent = previous[j - 1] if j >= 1 else None
            if adjacent is not None:
                options.append(adjacent + CONSECUTIVE + bonus)
            if gapped is not None:
                options.append(gapped + GAP * (j - 1) + bonus)
            if options:
                current[j] = max(options)
        previous = current
    scores = [s for s in previous if s is not None]
    if not scores:
        return None
    return max(scores) + LEFTOVER * (n - len(needle))


def fuzzy_filter(
    query: str, items: Iterable[T], text_of: Callable[[T], str], limit: int | None = None
) -> list[T]:
    """The items whose text matches, best first; ties keep the items' own order."""
    scored: list[tuple[float, int, T]] = []
    for order, item in enumerate(items):
        score = fuzzy_score(query, text_of(item))
        if score is not None:
            scored.append((-score, order, item))
    scored.sort(key=lambda entry: (entry[0], entry[1]))
    found = [item for _, _, item in scored]
    return found[:limit] if limit is not None else found
