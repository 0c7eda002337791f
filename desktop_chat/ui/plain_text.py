"""Plain text in places Qt would read as HTML."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as it is: Qt renders a tooltip that looks like HTML as rich
    text (images included), and titles, summaries and notices may hold a model's words."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"
