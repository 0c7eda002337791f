"""What a reply cost, estimated from Groq's published prices. The one place prices live.

Prices are US dollars per million tokens, from PRICES_SOURCE as of PRICES_DATE. Checked against
copies of Groq's pages: llama-3.1-8b-instant, llama-3.3-70b-versatile, gpt-oss-20b and
gpt-oss-120b (console.groq.com/docs/models), and gpt-oss-120b's $0.075 cached rate (the pricing
page). The Llama 4, Qwen and Kimi rows are as Groq listed them, not re-checked. Groq bills
cached prompt tokens at the cached rate (prompt caching: gpt-oss and Kimi models); where no
cached rate is listed, every prompt token is billed at the input rate. A model missing here
(the compound systems, billed per underlying model and tool call) has no estimate: its cost is
unknown, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop_chat.i18n import translate

PRICES_DATE = "2026-12-01"
PRICES_SOURCE = "https://groq.com/pricing"


@dataclass(frozen=True)
class Price:
    input: float  # per million prompt tokens
    output: float  # per million completion tokens (reasoning tokens included)
    cached_input: float | None = None  # per million cached prompt tokens, when discounted


PRICES: dict[str, Price] = {
    "llama-3.1-8b-instant": Price(0.05, 0.08),
    "llama-3.3-70b-versatile": Price(0.59, 0.79),
    "openai/gpt-oss-20b": Price(0.075, 0.30, cached_input=0.0375),
    "openai/gpt-oss-120b": Price(0.15, 0.60, cached_input=0.075),
    "qwen/qwen3-32b": Price(0.29, 0.59),
    "meta-llama/llama-4-scout-17b-16e-instruct": Price(0.11, 0.34),
    "meta-llama/llama-4-maverick-17b-128e-instruct": Price(0.20, 0.60),
    "moonshotai/kimi-k2-instruct-0905": Price(1.00, 3.00, cached_input=0.50),
}


def reply_cost(model: str | None, usage: Mapping[str, float] | None) -> float | None:
    """Estimated US dollars for one reply's usage; None when the model's price is unknown or
    the reply carried no usage."""
    price = PRICES.get(model or "")
    if price is None or not usage or "prompt_tokens" not in usage:
        return None
    prompt = float(usage.get("prompt_tokens") or 0)
    completion = float(usage.get("completion_tokens") or 0)
    cached = min(prompt, float(usage.get("cached_tokens") or 0))
    cached_rate = price.cached_input if price.cached_input is not None else price.input
    dollars = (prompt - cached) * price.input + cached * cached_rate + completion * price.output
    return dollars / 1_000_000


@dataclass
class UsageTotals:
    """A session's replies added up."""

    replies: int = 0
    tokens: int = 0
    cached_tokens: int = 0
    cost: float = 0.0  # of the replies whose cost is known
    unknown_cost: int = 0  # replies with usage but no price

    @classmethod
    def of(cls, payloads: Iterable[Mapping[str, Any]]) -> UsageTotals:
        totals = cls()
        for payload in payloads:
            usage = payload.get("usage")
            if not isinstance(usage, Mapping) or not usage:
                continue
            totals.replies += 1
            totals.tokens += int(usage.get("total_tokens") or 0)
            totals.cached_tokens += int(usage.get("cached_tokens") or 0)
            cost = payload.get("cost")
            if isinstance(cost, (int, float)) and not isinstance(cost, bool):
                totals.cost += float(cost)
            else:
                totals.unknown_cost += 1
        return totals


def format_cost(dollars: float | None) -> str:
    """'$0.000012', '$0.0042', '$0.042', '$1.27'; 'cost unknown' for None."""
    if dollars is None:
        return translate("Prices", "cost unknown")
    if dollars == 0:
        return "$0"
    if dollars < 0.01:  # two significant digits, never in e-notation
        return f"${dollars:.{1 - math.floor(math.log10(dollars))}f}"
    return f"${dollars:,.2f}" if dollars >= 0.1 else f"${dollars:.3f}"
