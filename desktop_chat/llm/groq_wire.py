"""What Groq sends and accepts beyond plain chat text: reasoning, web search, usage, limits.

Facts (groq 1.7.0's types; Groq's API reference, console.groq.com/docs/reasoning,
/docs/compound, /docs/browser-search, /docs/rate-limits):
- Reasoning models (openai/gpt-oss-*, qwen/qwen3-*) stream their thinking as
  `choices[0].delta.reasoning` (`ChoiceDelta.reasoning`). qwen3 does so with
  `reasoning_format="parsed"`; without it (the "raw" format) the thinking arrives inside the content
  between `<think>` and `</think>`. gpt-oss gives `reasoning` by default (`include_reasoning`) and
  takes `reasoning_effort` "low" | "medium" | "high".
- Compound systems (groq/compound, groq/compound-mini) search the web themselves; gpt-oss does so
  with `tools=[{"type": "browser_search"}]`. What the tools did comes as
  `delta.executed_tools` (`ExecutedTool`: index, type, arguments (JSON text), output,
  search_results.results[] {title, url, content, score}, browser_results[] {title, url, ...}).
  A tool may be sent twice with the same index (first its arguments, then its results).
- Usage: `x_groq.usage` in the last chunk (or OpenAI-style `usage`), with
  `prompt_tokens_details.cached_tokens` and `completion_tokens_details.reasoning_tokens`.
- Every reply carries `x-ratelimit-limit|remaining-requests|tokens` and
  `x-ratelimit-reset-requests|tokens` ("2m59.56s", "7.66s"); a 429 adds `retry-after`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .base import ReasoningPiece, searches_with

REASONING_EFFORTS = ("low", "medium", "high")
SEARCH_MODELS = ("groq/compound-mini", "groq/compound")
DEFAULT_SEARCH_MODEL = "groq/compound-mini"

_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens", "completion_time")
# A source list is for reading, not an archive: a hostile server could send thousands.
MAX_SOURCES = 40
_MAX_FIELD = 500  # characters kept of a title, query or URL


def is_gpt_oss(model: str) -> bool:
    return model.startswith("openai/gpt-oss")


def is_compound(model: str) -> bool:
    return model.startswith("groq/compound")


def parses_reasoning(model: str) -> bool:
    """Models that take `reasoning_format="parsed"` (gpt-oss reasons in `delta.reasoning`
    by default, and compound systems choose for themselves)."""
    return "qwen3" in model or "qwq" in model or "deepseek-r1" in model


def request_options(
    model: str,
    *,
    reasoning_effort: str | None,
    web_search: bool,
    search_model: str,
    with_images: bool = False,
) -> dict[str, Any]:
    """The model and the extra request fields for one reply. With web search on, a gpt-oss
    model gets Groq's browser_search tool; any other model hands the message to a compound
    system (`search_model`), which searches by itself.

    A request that carries images does not search (`searches_with`)."""
    options: dict[str, Any] = {}
    web_search = searches_with(web_search, with_images)
    if web_search and not is_gpt_oss(model):
        model = search_model if is_compound(search_model) else DEFAULT_SEARCH_MODEL
    options["model"] = model
    if parses_reasoning(model):
        options["reasoning_format"] = "parsed"
    if is_gpt_oss(model):
        if reasoning_effort in REASONING_EFFORTS:
            options["reasoning_effort"] = reasoning_effort
        if web_search:
            options["tools"] = [{"type": "browser_search"}]
    return options


def quick_options(model: str) -> dict[str, Any]:
    """For a title or a summary (`complete`): reasoning kept short and out of the text, so
    it neither eats the small token budget nor lands in the title."""
    if is_gpt_oss(model):
        return {"reasoning_effort": "low"}
    if parses_reasoning(model):
        return {"reasoning_format": "hidden"}
    return {}


def without_think(text: str) -> str:
    """A whole reply without the `<think>…</think>` block it may open with."""
    stripped = text.lstrip()
    if stripped.startswith(ThinkSplitter.OPEN):
        end = stripped.find(ThinkSplitter.CLOSE)
        return stripped[end + len(ThinkSplitter.CLOSE) :].lstrip() if end >= 0 else ""
    return text


class ThinkSplitter:
    """Splits content that opens with `<think>` (the raw reasoning format) into reasoning and
    answer pieces, across chunk boundaries. Content that does not open with it passes as is."""

    OPEN, CLOSE = "<think>", "</think>"

    def __init__(self) -> None:
        self._state = "start"  # start -> thinking -> answer
        self._held = ""  # text that may be the start of a tag

    @property
    def settled(self) -> bool:
        """True once the rest of the content is all answer (the splitter can be dropped)."""
        return self._state == "answer"

    def feed(self, text: str) -> Iterator[str]:
        if self._state == "answer":
            yield text
            return
        if self._state == "gap":  # the blank lines between </think> and the answer
            text = text.lstrip()
            if text:
                self._state = "answer"
                yield text
            return
        text = self._held + text
        self._held = ""
        if self._state == "start":
            stripped = text.lstrip()
            if not stripped or (len(stripped) < len(self.OPEN) and self.OPEN.startswith(stripped)):
                self._held = text  # too early to tell
                return
            if not stripped.startswith(self.OPEN):
                self._state = "answer"
                yield text
                return
            self._state = "thinking"
            text = stripped[len(self.OPEN) :]
        end = text.find(self.CLOSE)
        if end >= 0:
            if end:
                yield ReasoningPiece(text[:end])
            self._state = "gap"
            yield from self.feed(text[end + len(self.CLOSE) :])
            return
        keep = _partial_tag(text, self.CLOSE)
        if len(text) > keep:
            yield ReasoningPiece(text[: len(text) - keep])
        self._held = text[len(text) - keep :]

    def flush(self) -> Iterator[str]:
        """At the end of the stream: what was held back, as what it turned out to be."""
        held, self._held = self._held, ""
        if held:
            yield ReasoningPiece(held) if self._state == "thinking" else held


def _partial_tag(text: str, tag: str) -> int:
    """How many characters at the end of `text` could begin `tag`."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0


def read_usage(chunk: Mapping[str, Any]) -> dict[str, float]:
    """The numbers of a chunk's usage (x_groq.usage, else usage), cached and reasoning tokens
    flattened in; {} when it carries none."""
    x_groq = chunk.get("x_groq")
    usage = x_groq.get("usage") if isinstance(x_groq, dict) else None
    if usage is None:
        usage = chunk.get("usage")  # OpenAI-style stream_options usage
    if not isinstance(usage, dict):
        return {}
    numbers = {key: usage[key] for key in _USAGE_KEYS if _is_number(usage.get(key))}
    for details, key in (
        ("prompt_tokens_details", "cached_tokens"),
        ("completion_tokens_details", "reasoning_tokens"),
    ):
        value = usage.get(details)
        if isinstance(value, dict) and _is_number(value.get(key)):
            numbers[key] = value[key]
    return numbers


def merge_executed_tools(tools: dict[int, dict[str, Any]], delta_tools: Any) -> None:
    """Fold one delta's `executed_tools` into `tools` (by index: a later entry adds to an
    earlier one)."""
    if not isinstance(delta_tools, list):
        return
    for position, tool in enumerate(delta_tools):
        if not isinstance(tool, dict):
            continue
        index = tool.get("index")
        key = index if isinstance(index, int) and not isinstance(index, bool) else position
        merged = tools.setdefault(key, {})
        merged.update({k: v for k, v in tool.items() if v is not None})


def sources_of(tools: dict[int, dict[str, Any]]) -> list[dict[str, str]]:
    """The searches and pages the tools used, in order, without repeats. Only text is kept
    (never page content); what a URL is worth is decided where it is shown."""
    sources: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(entry: dict[str, str]) -> None:
        key = (entry["kind"], entry.get("url") or entry.get("query") or "")
        if key not in seen and len(sources) < MAX_SOURCES:
            seen.add(key)
            sources.append(entry)

    for index in sorted(tools):
        tool = tools[index]
        query = _query_of(tool.get("arguments"))
        if query:
            add({"kind": "search", "query": query})
        pages: list[Any] = []
        results = tool.get("search_results")
        if isinstance(results, dict) and isinstance(results.get("results"), list):
            pages += results["results"]
        if isinstance(tool.get("browser_results"), list):
            pages += tool["browser_results"]
        for page in pages:
            if not isinstance(page, dict):
                continue
            url = _text(page.get("url"))
            title = _text(page.get("title")) or url
            if url or title:
                add({"kind": "page", "title": title, "url": url})
    return sources


def _query_of(arguments: Any) -> str:
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            return ""
    if isinstance(arguments, dict):
        for key in ("query", "q", "url"):
            text = _text(arguments.get(key))
            if text:
                return text
    return ""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:_MAX_FIELD]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_LIMIT_HEADERS = {
    "x-ratelimit-limit-requests": "limit_requests",
    "x-ratelimit-limit-tokens": "limit_tokens",
    "x-ratelimit-remaining-requests": "remaining_requests",
    "x-ratelimit-remaining-tokens": "remaining_tokens",
    "x-ratelimit-reset-requests": "reset_requests",
    "x-ratelimit-reset-tokens": "reset_tokens",
}


def rate_limits_from(headers: Mapping[str, str] | None) -> dict[str, int | str]:
    """The x-ratelimit-* headers of a reply: counts as ints, resets as sent (short text)."""
    limits: dict[str, int | str] = {}
    if headers is None:
        return limits
    for header, key in _LIMIT_HEADERS.items():
        value = headers.get(header)
        if not value:
            continue
        value = value.strip()[:32]
        if key.startswith("reset"):
            limits[key] = value
        else:
            try:
                limits[key] = int(float(value))
            except ValueError:
                continue
    return limits
