"""Tokens, cached tokens, estimated cost and Groq's remaining limits, in words.

Per reply: the hover line under it and the status line after it (`reply_usage_text`).
Per session, and the limits from the last reply's x-ratelimit-* headers: a small label in the
composer's status row (`SessionUsageLabel`), its tooltip giving the detail and the price
table's date and source. Costs come from core/prices.py; an unpriced model reads "cost unknown".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.core.prices import PRICES_DATE, PRICES_SOURCE, UsageTotals, format_cost
from desktop_chat.ui.plain_text import make_plain, plain_tooltip

LOW_SHARE = 0.1  # remaining limits below this share of the limit show in the label itself


def reply_usage_text(payload: Mapping[str, Any]) -> str:
    """'312 tokens · 1,024 cached · $0.00012' for a reply's payload ('' without usage)."""
    usage = payload.get("usage")
    if not isinstance(usage, Mapping) or not usage.get("total_tokens"):
        return ""
    total = int(usage["total_tokens"])
    parts = [f"{total:,} token{'' if total == 1 else 's'}"]
    cached = int(usage.get("cached_tokens") or 0)
    if cached:
        parts.append(f"{cached:,} cached")
    cost = payload.get("cost")
    parts.append(format_cost(cost if isinstance(cost, (int, float)) else None))
    return " · ".join(parts)


def limits_text(limits: Mapping[str, Any]) -> str:
    """'998 of 1,000 requests left (resets in 2m59.56s) · 5,892 of 6,000 tokens left (…)'."""
    parts = []
    for kind in ("requests", "tokens"):
        remaining, limit = limits.get(f"remaining_{kind}"), limits.get(f"limit_{kind}")
        if not isinstance(remaining, int):
            continue
        of = f" of {limit:,}" if isinstance(limit, int) else ""
        reset = limits.get(f"reset_{kind}")
        when = f" (resets in {reset})" if reset else ""
        parts.append(f"{remaining:,}{of} {kind} left{when}")
    return " · ".join(parts)


def running_low(limits: Mapping[str, Any]) -> str:
    """'5 requests left' when a limit is nearly used up, else ''."""
    for kind in ("requests", "tokens"):
        remaining, limit = limits.get(f"remaining_{kind}"), limits.get(f"limit_{kind}")
        if not (isinstance(remaining, int) and isinstance(limit, int)):
            continue
        if limit > 0 and remaining < limit * LOW_SHARE:
            return f"{remaining:,} {kind} left"
    return ""


class SessionUsageLabel(QLabel):
    """'≈ $0.0012' for the open session (short: the status row is shared); tokens, cached
    tokens and Groq's limits in its tooltip."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent)
        make_plain(self)
        self.setObjectName("SessionUsage")
        self.setAccessibleName("Session usage")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.totals = UsageTotals()
        self.limits: dict[str, Any] = {}
        self._show()

    def set_totals(self, totals: UsageTotals) -> None:
        self.totals = totals
        self._show()

    def set_limits(self, limits: Mapping[str, Any]) -> None:
        if limits:
            self.limits = dict(limits)
            self._show()

    def _show(self) -> None:
        totals = self.totals
        parts = []
        if totals.replies:
            parts.append(self._cost_text())
        low = running_low(self.limits)
        if low:
            parts.append(low)
        self.setText(" · ".join(parts))
        self.setVisible(bool(parts))
        lines = []
        if totals.replies:
            lines.append(
                f"This session: {totals.replies} repl{'y' if totals.replies == 1 else 'ies'}, "
                f"{totals.tokens:,} tokens ({totals.cached_tokens:,} cached), "
                f"{self._cost_text()}."
            )
            lines.append(f"Estimated from Groq's prices of {PRICES_DATE} ({PRICES_SOURCE}).")
        if self.limits:
            lines.append(f"Groq limits now: {limits_text(self.limits)}.")
        self.setToolTip(plain_tooltip("\n".join(lines)) if lines else "")
        self.setAccessibleDescription(" ".join(lines))

    def _cost_text(self) -> str:
        totals = self.totals
        if totals.unknown_cost == totals.replies:
            return "cost unknown"
        text = f"≈ {format_cost(totals.cost)}"
        if totals.unknown_cost:
            text += f" + {totals.unknown_cost} unknown"
        return text
