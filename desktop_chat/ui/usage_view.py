"""Tokens, cached tokens, estimated cost and Groq's remaining limits, in words.

Per reply: the hover line under it and the status line after it (`reply_usage_text`).
Per session, and the limits from the last reply's x-ratelimit-* headers: a small label in the
composer's status row (`SessionUsageLabel`), its tooltip giving the detail and the price
table's date and source. Costs come from core/prices.py; an unpriced model reads "cost unknown".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.core.prices import PRICES_DATE, PRICES_SOURCE, UsageTotals, format_cost
from desktop_chat.ui.language import number
from desktop_chat.ui.plain_text import make_plain, plain_tooltip

translate = QCoreApplication.translate

LOW_SHARE = 0.1  # remaining limits below this share of the limit show in the label itself


def reply_usage_text(payload: Mapping[str, Any]) -> str:
    """'312 tokens · 1,024 cached · $0.00012' for a reply's payload ('' without usage)."""
    usage = payload.get("usage")
    if not isinstance(usage, Mapping) or not usage.get("total_tokens"):
        return ""
    total = int(usage["total_tokens"])
    parts = [translate("UsageView", "{count} tokens", None, total).format(count=number(total))]
    cached = int(usage.get("cached_tokens") or 0)
    if cached:
        parts.append(translate("UsageView", "{count} cached").format(count=number(cached)))
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
        reset = limits.get(f"reset_{kind}")
        left = _left(kind, remaining, limit if isinstance(limit, int) else None)
        if reset:
            left = translate("UsageView", "{left} (resets in {wait})").format(left=left, wait=reset)
        parts.append(left)
    return " · ".join(parts)


def running_low(limits: Mapping[str, Any]) -> str:
    """'5 requests left' when a limit is nearly used up, else ''."""
    for kind in ("requests", "tokens"):
        remaining, limit = limits.get(f"remaining_{kind}"), limits.get(f"limit_{kind}")
        if not (isinstance(remaining, int) and isinstance(limit, int)):
            continue
        if limit > 0 and remaining < limit * LOW_SHARE:
            return _left(kind, remaining)
    return ""


def _left(kind: str, remaining: int, limit: int | None = None) -> str:
    """'998 of 1,000 requests left' / '5,892 tokens left', in the locale's digits. The count
    picks the plural form; the digits come from number() ({count})."""
    count = number(remaining)
    if limit is not None:
        text = (
            translate("UsageView", "{count} of {limit} requests left", None, remaining)
            if kind == "requests"
            else translate("UsageView", "{count} of {limit} tokens left", None, remaining)
        )
        return text.format(count=count, limit=number(limit))
    text = (
        translate("UsageView", "{count} requests left", None, remaining)
        if kind == "requests"
        else translate("UsageView", "{count} tokens left", None, remaining)
    )
    return text.format(count=count)


class SessionUsageLabel(QLabel):
    """'≈ $0.0012' for the open session (short: the status row is shared); tokens, cached
    tokens and Groq's limits in its tooltip."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent)
        make_plain(self)
        self.setObjectName("SessionUsage")
        self.setAccessibleName(translate("UsageView", "Session usage"))
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
                translate(
                    "UsageView", "This session: {replies}, {tokens} ({cached} cached), {cost}."
                ).format(
                    replies=translate("UsageView", "{count} replies", None, totals.replies).format(
                        count=number(totals.replies)
                    ),
                    tokens=translate("UsageView", "{count} tokens", None, totals.tokens).format(
                        count=number(totals.tokens)
                    ),
                    cached=number(totals.cached_tokens),
                    cost=self._cost_text(),
                )
            )
            lines.append(
                translate("UsageView", "Estimated from Groq's prices of {date} ({source}).").format(
                    date=PRICES_DATE, source=PRICES_SOURCE
                )
            )
        if self.limits:
            lines.append(
                translate("UsageView", "Groq limits now: {limits}.").format(
                    limits=limits_text(self.limits)
                )
            )
        self.setToolTip(plain_tooltip("\n".join(lines)) if lines else "")
        self.setAccessibleDescription(" ".join(lines))

    def _cost_text(self) -> str:
        totals = self.totals
        if totals.unknown_cost == totals.replies:
            return translate("UsageView", "cost unknown")
        text = f"≈ {format_cost(totals.cost)}"
        if totals.unknown_cost:
            text += translate("UsageView", " + {count} unknown").format(count=totals.unknown_cost)
        return text
