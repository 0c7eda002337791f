"""The sources under a reply that searched the web: what was searched, the pages used.

Titles and queries are model (and web) text: drawn as plain text, never markup. Only an
http(s) URL is a link (drawn in the link colour, opened on click through the window's link
check); any other URL is shown as text and does nothing. Drawn by the transcript's delegate
below the reply's bubble and its action line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QFont, QFontMetrics, QPainter

from desktop_chat.i18n import translatable

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.ui.transcript import MessageDelegate, MessageItem

SIDE_MARGIN = 14
HEADER = translatable("Transcript", "Sources")
MAX_SHOWN = 12  # more are summed up in one line ("and 7 more")
LINE_GAP = 2


def link_of(source: dict[str, Any]) -> QUrl | None:
    """The source's URL when it may be opened (http or https with a host), else None."""
    url = QUrl(str(source.get("url") or ""), QUrl.ParsingMode.StrictMode)
    if url.isValid() and url.scheme() in ("http", "https") and url.host():
        return url
    return None


def lines(item: MessageItem) -> list[tuple[str, dict[str, Any] | None]]:
    """(text, source) per line: searches as 'Searched: …', pages as their titles."""
    if not item.sources:
        return []
    shown: list[tuple[str, dict[str, Any] | None]] = [(translate("Transcript", HEADER), None)]
    for source in item.sources[:MAX_SHOWN]:
        if source.get("kind") == "search":
            shown.append(
                (
                    translate("Transcript", "Searched: {query}").format(
                        query=source.get("query", "")
                    ),
                    None,
                )
            )
        else:
            title = str(source.get("title") or source.get("url") or "")
            url = str(source.get("url") or "")
            if link_of(source) is None and url and url != title:
                title = f"{title} ({url})"  # shown, not linked
            shown.append((title, source))
    if len(item.sources) > MAX_SHOWN:
        shown.append(
            (translate("Transcript", "and %n more", None, len(item.sources) - MAX_SHOWN), None)
        )
    return shown


def _line_height(delegate: MessageDelegate) -> int:
    return QFontMetrics(delegate.note_font).height() + LINE_GAP


def height(delegate: MessageDelegate, item: MessageItem) -> int:
    shown = lines(item)
    return len(shown) * _line_height(delegate) + 8 if shown else 0


def key(item: MessageItem) -> int:
    return len(item.sources)


def line_rects(
    delegate: MessageDelegate, item: MessageItem, rect: QRect, top: int
) -> list[tuple[QRect, str, dict[str, Any] | None]]:
    step = _line_height(delegate)
    left = rect.left() + SIDE_MARGIN + 4
    width = max(0, delegate._bubble_width_limit(rect.width() - 2 * SIDE_MARGIN) - 4)
    return [
        (QRect(left, top + 4 + i * step, width, step), text, source)
        for i, (text, source) in enumerate(lines(item))
    ]


def paint(
    painter: QPainter, delegate: MessageDelegate, item: MessageItem, rect: QRect, top: int
) -> None:
    if not item.sources:
        return
    theme = delegate.theme
    painter.save()
    metrics = QFontMetrics(delegate.note_font)
    for line, text, source in line_rects(delegate, item, rect, top):
        font = QFont(delegate.note_font)
        url = link_of(source) if source is not None else None
        if text == translate("Transcript", HEADER) and source is None:
            font.setBold(True)
            painter.setPen(theme.color("text"))
        elif url is not None:
            font.setUnderline(True)
            painter.setPen(theme.color("link"))
        else:
            painter.setPen(theme.color("muted"))
        painter.setFont(font)
        prefix = "• " if source is not None else ""
        painter.drawText(
            line,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
            metrics.elidedText(prefix + text, Qt.TextElideMode.ElideRight, line.width()),
        )
    painter.restore()


def link_at(
    delegate: MessageDelegate, item: MessageItem, rect: QRect, top: int, position: QPoint
) -> tuple[QUrl, str] | None:
    """The http(s) link under `position`, with its title; None elsewhere."""
    for line, text, source in line_rects(delegate, item, rect, top):
        if source is not None and line.contains(position):
            url = link_of(source)
            return (url, text) if url is not None else None
    return None
