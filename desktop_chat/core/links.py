"""Links in model text: whether a link's visible text names a host other than the one it opens.

`[https://bank.example](https://evil.example)` reads as the bank's address; the app asks before
opening a link like that. Text that names no host ("the docs", "here") asks nothing.
"""

from __future__ import annotations

import re

# As text: `re` compiles it at the first link asked about, not at start-up.
_HOST_LIKE = (
    r"(?i)^(?:[a-z][a-z0-9+.-]*://)?(?:[^\s/@]+@)?(?P<host>[^\s/?#:@]+\.[^\s/?#:@]+)(?::\d+)?"
    r"(?:[/?#]\S*)?$"
)


def named_host(text: str) -> str | None:
    """The host a link's text reads as, in ASCII (IDNA) and lower case, or None."""
    match = re.match(_HOST_LIKE, text.strip().strip("<>"))
    if match is None:
        return None
    host = match.group("host").rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host  # not a valid name: compared as it is, so it never matches a real host


def _same_site(first: str, second: str) -> bool:
    first, second = first.removeprefix("www."), second.removeprefix("www.")
    return first == second or first.endswith("." + second) or second.endswith("." + first)


def misleading(link_text: str, target_host: str) -> bool:
    """Whether `link_text` names a host that is not `target_host` (nor a part of its site)."""
    named = named_host(link_text)
    return named is not None and not _same_site(named, target_host.lower().rstrip("."))
