"""The "Thinking" section above a reply: the model's reasoning, apart from its answer.

Drawn by the transcript's delegate in the reply's row, above the bubble, in the assistant's
column: a header pill ("▸ Thinking" / "▾ Thinking") and, when open, a panel with the reasoning
as plain text (model text: never markup). While a reply streams its reasoning the section is
open and grows; it closes by itself when the answer starts, unless the reader opened or closed
it meanwhile. A click on the header, or Enter on the focused reply, opens or closes it.

Everything here is a function of the item, the delegate's fonts and theme, and the row's
rectangle, so a streamed section and one opened fresh are drawn by the same code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextOption,
)

from desktop_chat.i18n import translatable
from desktop_chat.llm.base import ReasoningPiece

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.ui.transcript import MessageDelegate, MessageItem

THINKING = translatable("Transcript", "Thinking")
PANEL_PADDING = 10
GAP = 6  # between the header, the panel and the bubble
SIDE_MARGIN = 14  # the transcript's own (kept equal)
ROW_SPACING = 6


def is_reasoning(piece: str) -> bool:
    return isinstance(piece, ReasoningPiece)


def header_label(item: MessageItem) -> str:
    arrow = "▾" if item.thinking_open else "▸"
    busy = "…" if item.streaming and not item.text else ""
    return f"{arrow} {translate('Transcript', THINKING)}{busy}"


def _header_height(delegate: MessageDelegate) -> int:
    return QFontMetrics(delegate.note_font).height() + 10


def _panel_width(delegate: MessageDelegate, row_width: int) -> int:
    return delegate._bubble_width_limit(row_width - 2 * SIDE_MARGIN)


def _document(delegate: MessageDelegate, item: MessageItem, width: int) -> QTextDocument:
    """The reasoning laid out as plain text, kept on the item while text and width hold."""
    key = (item.reasoning, width, delegate._font_generation)
    cached = item.extras.get("reasoning_doc")
    if cached is not None and cached[0] == key:
        document: QTextDocument = cached[1]
        return document
    if cached is None or cached[0][2] != delegate._font_generation:
        document = QTextDocument()
        document.setDefaultFont(delegate.note_font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        document.setDefaultTextOption(option)
        document.setDocumentMargin(0)
        document.setPlainText(item.reasoning)
    else:
        document, shown = cached[1], cached[0][0]
        if item.reasoning.startswith(shown):
            # Streaming: add what came, so only the last paragraph is laid out again (setting
            # the whole text each frame cost 42 ms a frame at 80,000 characters).
            cursor = QTextCursor(document)
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(item.reasoning[len(shown) :])
        elif item.reasoning != shown:
            document.setPlainText(item.reasoning)
    if document.textWidth() != width - 2 * PANEL_PADDING:
        document.setTextWidth(width - 2 * PANEL_PADDING)
    item.extras["reasoning_doc"] = (key, document)
    return document


def height(delegate: MessageDelegate, item: MessageItem, row_width: int) -> int:
    """Room the section takes above the bubble (0 for a reply without reasoning)."""
    if not item.reasoning:
        return 0
    total = _header_height(delegate) + GAP
    if item.thinking_open:
        document = _document(delegate, item, _panel_width(delegate, row_width))
        total += int(document.size().height()) + 2 * PANEL_PADDING + GAP
    return total


def key(item: MessageItem) -> tuple[int, bool, bool]:
    """What the section's height depends on, for the row's size cache."""
    return (len(item.reasoning), item.thinking_open, item.streaming and not item.text)


def header_rect(delegate: MessageDelegate, item: MessageItem, rect: QRect) -> QRect:
    if not item.reasoning:
        return QRect()
    metrics = QFontMetrics(delegate.note_font)
    width = metrics.horizontalAdvance(f"▾ {translate('Transcript', THINKING)}…") + 24
    return QRect(
        rect.left() + SIDE_MARGIN, rect.top() + ROW_SPACING, width, _header_height(delegate)
    )


def paint(
    painter: QPainter,
    delegate: MessageDelegate,
    item: MessageItem,
    rect: QRect,
    exposed: QRect | None = None,
) -> None:
    if not item.reasoning:
        return
    theme = delegate.theme
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(delegate.note_font)
    header = header_rect(delegate, item, rect)
    painter.setPen(QPen(theme.color("muted"), 1))
    painter.setBrush(QColor(theme.assistant_bubble))
    painter.drawRoundedRect(QRectF(header).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
    painter.setPen(theme.color("text"))
    painter.drawText(
        header.adjusted(12, 0, -8, 0),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        header_label(item),
    )
    if item.thinking_open:
        width = _panel_width(delegate, rect.width())
        document = _document(delegate, item, width)
        panel = QRect(
            header.left(),
            header.bottom() + 1 + GAP,
            width,
            int(document.size().height()) + 2 * PANEL_PADDING,
        )
        painter.setPen(QPen(QColor(theme.muted), 1, Qt.PenStyle.DotLine))
        painter.setBrush(QColor(theme.assistant_bubble))
        painter.drawRoundedRect(QRectF(panel).adjusted(0.5, 0.5, -0.5, -0.5), 12, 12)
        origin = QPoint(panel.left() + PANEL_PADDING, panel.top() + PANEL_PADDING)
        painter.translate(origin)
        context = QAbstractTextDocumentLayout.PaintContext()
        if exposed is not None:  # draw only the lines in the strip being repainted
            context.clip = QRectF(exposed.translated(-origin))
        context.palette.setColor(QPalette.ColorRole.Text, theme.color("muted"))
        document.documentLayout().draw(painter, context)
    painter.restore()


def toggle(item: MessageItem) -> None:
    """Open or close the section; the reader's choice then holds for the rest of the stream."""
    item.thinking_open = not item.thinking_open
    item.extras["thinking_chosen"] = True


def on_answer_started(item: MessageItem) -> None:
    """The answer's first words: close the section, unless the reader chose otherwise."""
    if item.reasoning and not item.extras.get("thinking_chosen"):
        item.thinking_open = False


def on_reasoning(item: MessageItem, piece: str) -> None:
    if not item.reasoning and not item.text and not item.extras.get("thinking_chosen"):
        item.thinking_open = True  # shown live while the model thinks
    item.reasoning += piece
