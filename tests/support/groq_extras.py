"""The loopback Groq server's reasoning, web search, usage and rate-limit parts.

Each in Groq's wire format (groq 1.7.0's types, Groq's API reference; see
desktop_chat/llm/groq_wire.py for the facts), and decided only by what the request carries:

- Reasoning, for models whose name says they reason: `openai/gpt-oss-*` stream
  `delta.reasoning` (unless `include_reasoning: false` or `reasoning_format: "hidden"`);
  `qwen/qwen3-*` stream `delta.reasoning` with `reasoning_format: "parsed"`, nothing with
  "hidden", and otherwise (Groq's default for them, "raw") `<think>…</think>` at the start of
  the content. The reasoning text quotes the question, and names `reasoning_effort` when sent.
- `reasoning_effort` is checked as Groq does: gpt-oss takes low/medium/high, qwen3 none/default;
  anything else is a 400. `tools: [{"type": "browser_search"}]` is only for gpt-oss.
- Web search: `groq/compound*` always search; gpt-oss searches when given browser_search.
  `delta.executed_tools` is sent twice per tool with the same index (arguments first, then
  results), as the compound stream does; the query is the last user message.
- Usage: `prompt_tokens_details.cached_tokens` counts the prompt tokens of the leading messages
  this request shares with the previous one to the same model (what a prompt cache would hit),
  for gpt-oss and kimi models (the ones Groq caches); `completion_tokens_details.reasoning_tokens`.
- Every reply (errors too) carries x-ratelimit-* headers counted down from the server's
  `limit_requests` (this request included) / `limit_tokens` (the tokens of earlier replies);
  a 429 carries remaining 0 and `retry-after`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .groq_server import FakeGroqServer

DEFAULT_PAGES = [
    {"title": "Example Domain", "url": "https://example.com/", "content": "An example page."},
    {"title": "Groq Docs: Compound", "url": "https://console.groq.com/docs/compound"},
]


def reasons(model: str) -> bool:
    return "gpt-oss" in model or "qwen3" in model or model.startswith("groq/compound")


def caches(model: str) -> bool:
    return "gpt-oss" in model or "kimi" in model


def searches(body: dict[str, Any]) -> bool:
    model = body["model"]
    tools = body.get("tools") or []
    return model.startswith("groq/compound") or any(
        isinstance(t, dict) and t.get("type") == "browser_search" for t in tools
    )


def validate(body: dict[str, Any]) -> str | None:
    """Groq's 400 for a reasoning or tool option the model does not take; None if fine."""
    model = body["model"]
    effort = body.get("reasoning_effort")
    if effort is not None:
        allowed = (
            ("low", "medium", "high")
            if "gpt-oss" in model
            else ("none", "default")
            if "qwen3" in model
            else ()
        )
        if effort not in allowed:
            return f"`reasoning_effort` is not supported with this model: {effort!r}"
    fmt = body.get("reasoning_format")
    if fmt is not None and fmt not in ("hidden", "raw", "parsed"):
        return "'reasoning_format' : value must be one of hidden, raw, parsed"
    if fmt is not None and body.get("include_reasoning") is not None:
        return "`include_reasoning` and `reasoning_format` are mutually exclusive"
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict) or "type" not in tool:
            return "'tools' : each tool needs a 'type'"
        if tool["type"] == "browser_search" and "gpt-oss" not in model:
            return f"browser_search is not supported with model `{model}`"
    return None


def reasoning_text(fake: FakeGroqServer, body: dict[str, Any]) -> str:
    if fake.reasoning_text is not None:
        return fake.reasoning_text
    question = last_user_text(body)[:80]
    effort = body.get("reasoning_effort")
    effort_note = f" Effort: {effort}." if effort else ""
    return f'The user asks: "{question}". I will answer it briefly and plainly.{effort_note}'


def reasoning_delivery(body: dict[str, Any]) -> str:
    """'field' (delta.reasoning), 'think' (<think> in content) or 'none'."""
    model = body["model"]
    if not reasons(model):
        return "none"
    fmt = body.get("reasoning_format")
    if fmt == "hidden" or body.get("include_reasoning") is False:
        return "none"
    if "qwen3" in model and fmt != "parsed":
        return "think"
    return "field"


def last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            return content if isinstance(content, str) else ""
    return ""


def executed_tools(fake: FakeGroqServer, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool as first announced (arguments), then finished (results), same index."""
    query = last_user_text(body)[:200]
    gpt_oss = "gpt-oss" in body["model"]
    kind = "browser_search" if gpt_oss else "search"
    started = {"index": 0, "type": kind, "arguments": json.dumps({"query": query})}
    pages = [
        dict(p) for p in (fake.search_pages if fake.search_pages is not None else DEFAULT_PAGES)
    ]
    finished: dict[str, Any] = {**started, "output": "\n".join(p.get("title", "") for p in pages)}
    if gpt_oss:
        finished["browser_results"] = pages
    else:
        finished["search_results"] = {"results": [{**p, "score": 0.9} for p in pages]}
    return [started, finished]


def cached_tokens(fake: FakeGroqServer, body: dict[str, Any], count) -> int:
    """Prompt tokens of the leading messages shared with the previous request to this model."""
    model = body["model"]
    messages = body.get("messages") or []
    previous = fake._last_prompts.get(model)
    fake._last_prompts[model] = messages
    if not caches(model) or not previous:
        return 0
    shared = 0
    for old, new in zip(previous, messages, strict=False):
        if old != new:
            break
        shared += count(new)
    return shared


def rate_limit_headers(fake: FakeGroqServer, *, exhausted: bool = False) -> dict[str, str]:
    with fake._cond:
        used_requests = fake.limit_requests_used
        used_tokens = fake.limit_tokens_used
    remaining_requests = 0 if exhausted else max(0, fake.limit_requests - used_requests)
    remaining_tokens = 0 if exhausted else max(0, fake.limit_tokens - used_tokens)
    return {
        "x-ratelimit-limit-requests": str(fake.limit_requests),
        "x-ratelimit-limit-tokens": str(fake.limit_tokens),
        "x-ratelimit-remaining-requests": str(remaining_requests),
        "x-ratelimit-remaining-tokens": str(remaining_tokens),
        "x-ratelimit-reset-requests": "2m59.56s",
        "x-ratelimit-reset-tokens": "7.66s",
    }
