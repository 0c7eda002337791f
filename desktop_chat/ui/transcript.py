"""The transcript: a model/view list of message bubbles, and the renderer that streams into one.

One QTextDocument per message, built lazily by the delegate and kept on the item. While a reply
streams, finished Markdown blocks are appended to its document once; only the unfinished tail is
replaced at each ~16 ms flush, so the cost per token stays flat however long the reply grows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from desktop_chat.core.models import Event, EventType
from desktop_chat.ui.markdown import finished_prefix_length, render_markdown
from desktop_chat.ui.theme import DARK, Theme

FLUSH_INTERVAL_MS = 16
SCROLLING_FLUSH_INTERVAL_MS = 33
# px: a streaming row grows in steps, not every line, since each change of a row's height makes
# the view re-measure every row. The view follows the end of the text, not of the row.
STREAM_HEIGHT_STEP = 400
RETRY_LABEL = "↻ Retry"
COPY_LABEL = "Copy"
COPY_CODE_LABEL = "Copy code"
BUBBLE_MAX_WIDTH = 760
BUBBLE_PADDING = 12
ROW_SPACING = 6
SIDE_MARGIN = 14
ItemRole = Qt.ItemDataRole.UserRole + 1
CODE_BLOCK_BACKGROUND = "#23243a"


class Role(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SUMMARY = "summary"
    ERROR = "error"


@dataclass(eq=False)
class MessageItem:
    role: Role
    text: str
    event_id: str | None = None
    note: str | None = None  # shown under the bubble: why a reply is incomplete
    retryable: bool = False
    streaming: bool = False
    highlighted: bool = False  # briefly outlined after a search opens the session at it
    reported_height: int = -1  # the height the view was last given for this row
    size_key: tuple | None = field(default=None, repr=False)  # what reported_height was for
    document: MessageDocument | None = field(default=None, repr=False)

    @classmethod
    def from_event(cls, event: Event) -> MessageItem:
        role = {
            EventType.USER_MESSAGE: Role.USER,
            EventType.AI_RESPONSE: Role.ASSISTANT,
            EventType.SUMMARY: Role.SUMMARY,
        }[event.type]
        note = None
        if event.interrupted:
            note = "Interrupted: " + str(event.payload.get("error") or "the reply did not finish.")
        return cls(role=role, text=event.text, event_id=event.event_id, note=note)

    @property
    def accessible_text(self) -> str:
        who = {Role.USER: "You", Role.ASSISTANT: "Assistant", Role.SUMMARY: "Summary",
               Role.ERROR: "Error"}[self.role]
        return f"{who}: {self.text}" + (f" ({self.note})" if self.note else "")


class MessageDocument(QTextDocument):
    """A bubble's rich text. It never loads a resource: no remote or local images."""

    def __init__(self, role: Role, text: str, font: QFont, theme: Theme = DARK,
                 font_generation: int = 0):
        super().__init__()
        # No undo history: a streamed reply is edited every frame and nobody undoes it.
        self.setUndoRedoEnabled(False)
        self.font_generation = font_generation
        self.generation = 0  # bumped on every change, so measured sizes can be cached
        self.setDefaultFont(font)
        self.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setDefaultTextOption(option)
        self.setDefaultStyleSheet(
            # Code blocks keep the dark highlight palette in both themes.
            f"pre {{ background-color: {CODE_BLOCK_BACKGROUND}; color: #f8f8f2; margin: 6px 0; }} "
            f"code {{ font-family: monospace; background-color: {theme.code_background}; }} "
            f"table {{ border-color: {theme.muted}; }} th, td {{ padding: 2px 8px; }} "
            f"a {{ color: {theme.accent}; text-decoration: underline; }}"
        )
        self.role = role
        self._source = ""
        self._finished_length = 0  # how much of the source is rendered as finished blocks
        self._tail_position = 0  # where the unfinished tail starts in the document
        self._natural_width: int | None = None
        self._code_blocks: list[tuple[QRectF, str]] | None = None
        self.contentsChanged.connect(self._forget_code_blocks)
        self.set_text(text, streaming=False)

    def loadResource(self, kind, url):  # noqa: N802 - Qt override
        return None

    def _forget_code_blocks(self) -> None:
        self._code_blocks = None

    def code_blocks(self) -> list[tuple[QRectF, str]]:
        """Each fenced code block's area (document pixels) and its text, for Copy buttons."""
        if self._code_blocks is None:
            blocks: list[tuple[QRectF, str]] = []
            layout = self.documentLayout()
            block = self.begin()
            area, lines = None, []
            while block.isValid():
                if block.blockFormat().nonBreakableLines():
                    rect = layout.blockBoundingRect(block)
                    area = rect if area is None else area.united(rect)
                    lines.append(block.text())
                elif area is not None:
                    blocks.append((area, _code_text(lines)))
                    area, lines = None, []
                block = block.next()
            if area is not None:
                blocks.append((area, _code_text(lines)))
            self._code_blocks = blocks
        return self._code_blocks

    def tail_top(self) -> float:
        """Where the unfinished tail starts, in document pixels: everything above is final."""
        if self._tail_position == 0:
            return 0.0
        # The finished part ends at _tail_position; the tail's first block follows it.
        finished = self.findBlock(self._tail_position - 1)
        return self.documentLayout().blockBoundingRect(finished).bottom()

    def natural_width(self) -> int:
        """The width the text takes unwrapped, so short messages get snug bubbles."""
        if self._natural_width is None:
            width = self.textWidth()
            self.setTextWidth(-1)
            self._natural_width = int(self.idealWidth()) + 2
            self.setTextWidth(width)
        return self._natural_width

    def set_text(self, text: str, streaming: bool) -> None:
        self._natural_width = None
        self.generation += 1
        if self.role in (Role.USER, Role.ERROR):
            self.setPlainText(text)  # what the user typed is shown exactly, never interpreted
        elif streaming:
            self._append_stream(text)
        elif self._source and text.startswith(self._source[: self._finished_length]):
            self._append_stream(text, final=True)  # a streamed reply: render only its tail
        else:
            self.setHtml(render_markdown(text))
            self._finished_length = len(text)
            self._tail_position = self.characterCount() - 1
        self._source = text

    def _append_stream(self, text: str, final: bool = False) -> None:
        if not text.startswith(self._source[: self._finished_length]):
            self.clear()
            self._finished_length = self._tail_position = 0
        boundary = len(text) if final else finished_prefix_length(text, self._finished_length)
        cursor = QTextCursor(self)
        cursor.beginEditBlock()
        cursor.setPosition(self._tail_position)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if boundary > self._finished_length:
            self._insert_html(cursor, render_markdown(text[self._finished_length:boundary]))
            self._finished_length = boundary
            self._tail_position = cursor.position()
        tail = text[boundary:]
        if tail.strip():
            self._insert_html(cursor, render_markdown(tail, finished=False))
        cursor.endEditBlock()

    def _insert_html(self, cursor: QTextCursor, fragment_html: str) -> None:
        if cursor.position() > 0:
            # A fresh block, so the new fragment does not join the last list or code block.
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        start = cursor.position()
        cursor.insertHtml(fragment_html)
        if fragment_html.startswith(_FORMATTED_BLOCKS):
            # insertHtml merges the fragment's first block into the current one, which keeps
            # its plain format: a code block would lose its first line's background, a list
            # its first item. Give that block back the format it has in the fragment.
            template = QTextDocument()
            template.setDefaultStyleSheet(self.defaultStyleSheet())
            template.setDefaultFont(self.defaultFont())
            template.setHtml(fragment_html)
            first = template.begin()
            block = cursor.document().findBlock(start)
            if not block.text():
                return  # nothing was merged (Qt starts lists on a block of their own)
            QTextCursor(block).setBlockFormat(first.blockFormat())
            following = block.next().textList() if block.next().isValid() else None
            if first.textList() is not None and following is not None and block.textList() is None:
                following.add(block)


_FORMATTED_BLOCKS = ("<pre", "<ul", "<ol", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<blockquote")


def _code_text(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines.pop()  # the highlighter's closing newline is not part of the code
    return "\n".join(lines)


class TranscriptModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.items: list[MessageItem] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role == ItemRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return item.accessible_text
        return None

    def set_events(self, events: list[Event]) -> None:
        self.beginResetModel()
        self.items = [MessageItem.from_event(e) for e in events]
        if self.items and self.items[-1].role == Role.ASSISTANT and self.items[-1].note:
            # A reply cut short by a crash or a fault: offer to answer again (Ctrl+R too).
            self.items[-1].retryable = True
        self.endResetModel()

    def append(self, item: MessageItem) -> int:
        row = len(self.items)
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.append(item)
        self.endInsertRows()
        return row

    def remove_errors(self) -> None:
        for row in reversed(range(len(self.items))):
            if self.items[row].role == Role.ERROR:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.items[row]
                self.endRemoveRows()

    def row_of(self, item: MessageItem) -> int:
        if self.items and self.items[-1] is item:
            return len(self.items) - 1  # the streaming reply, asked for at every flush
        return next(i for i, candidate in enumerate(self.items) if candidate is item)

    def item_changed(self, item: MessageItem) -> None:
        index = self.index(self.row_of(item))
        self.dataChanged.emit(index, index)


class MessageDelegate(QStyledItemDelegate):
    """Paints a bubble: user on the right, assistant on the left, notes and Retry below."""

    retry_clicked = Signal()
    copy_requested = Signal(str)  # text to put on the clipboard
    link_clicked = Signal(QUrl)  # an http(s) link the user clicked

    def __init__(self, parent: QObject | None = None, theme: Theme = DARK):
        super().__init__(parent)
        self.theme = theme
        self.font = QFont()
        self.note_font = QFont()
        self.note_font.setPointSizeF(self.font.pointSizeF() * 0.85)
        self._remeasure: list[QPersistentModelIndex] = []
        self._font_generation = 0

    def set_font(self, font: QFont) -> None:
        self.font = QFont(font)
        self.note_font = QFont(font)
        self.note_font.setPointSizeF(font.pointSizeF() * 0.85)
        self._font_generation += 1

    # -- geometry --------------------------------------------------------------
    def document_for(self, item: MessageItem) -> MessageDocument:
        if item.document is None or item.document.font_generation != self._font_generation:
            item.document = MessageDocument(item.role, item.text, self.font, self.theme,
                                            self._font_generation)
        return item.document

    def _bubble_width_limit(self, view_width: int) -> int:
        return max(120, min(BUBBLE_MAX_WIDTH, int(view_width * 0.78)))

    def _layout(self, item: MessageItem, rect: QRect) -> tuple[QRect, int]:
        """The bubble's rectangle within the row `rect`, and the document's text width."""
        document = self.document_for(item)
        limit = self._bubble_width_limit(rect.width() - 2 * SIDE_MARGIN)
        text_width = limit - 2 * BUBBLE_PADDING
        if item.role == Role.USER:
            text_width = min(text_width, max(document.natural_width(), 10))
        if document.textWidth() != text_width:
            document.setTextWidth(text_width)
        height = int(document.size().height()) + 2 * BUBBLE_PADDING
        width = text_width + 2 * BUBBLE_PADDING
        if item.role in (Role.USER,):
            left = rect.right() - SIDE_MARGIN - width
        elif item.role in (Role.SUMMARY, Role.ERROR):
            width = limit
            document.setTextWidth(width - 2 * BUBBLE_PADDING)
            height = int(document.size().height()) + 2 * BUBBLE_PADDING
            left = rect.left() + (rect.width() - width) // 2
        else:
            left = rect.left() + SIDE_MARGIN
        return QRect(left, rect.top() + ROW_SPACING, width, height), text_width

    @staticmethod
    def _exposed(painter: QPainter, option: QStyleOptionViewItem) -> QRect:
        """The part of the row this paint event redraws: text outside it is not drawn."""
        rect = option.rect
        view = option.widget
        if view is not None:
            rect = rect.intersected(view.rect())
            exposed = getattr(view, "exposed_rect", None)
            if exposed is not None and exposed.isValid():
                rect = rect.intersected(exposed)
        return rect

    @staticmethod
    def _visible_part(bubble: QRect, option: QStyleOptionViewItem) -> QRect:
        """The bubble cut to the viewport (plus the corner radius), so a reply thousands of
        pixels tall costs no more to outline than the part on screen."""
        if option.widget is None:
            return bubble
        margin = 32
        view = option.widget.rect()
        top = max(bubble.top(), view.top() - margin)
        bottom = min(bubble.bottom(), view.bottom() + margin)
        return QRect(bubble.left(), top, bubble.width(), max(0, bottom - top))

    def _row_width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        if isinstance(view, QListView) and view.viewport().width() > 0:
            return view.viewport().width()
        return option.rect.width() if option.rect.width() > 0 else 600

    def _footer_height(self, item: MessageItem) -> int:
        lines = int(bool(item.note)) + int(bool(self._actions(item)))
        return lines * (QFontMetrics(self.note_font).height() + 8)

    @staticmethod
    def _actions(item: MessageItem) -> list[str]:
        actions = []
        if item.retryable:
            actions.append(RETRY_LABEL)
        if item.role in (Role.ASSISTANT, Role.SUMMARY) and not item.streaming and item.text:
            actions.append(COPY_LABEL)
        return actions

    def action_rects(self, item: MessageItem, rect: QRect) -> dict[str, QRect]:
        """The pills under a bubble (Retry, Copy), in the row's coordinates."""
        bubble, _ = self._layout(item, rect)
        metrics = QFontMetrics(self.note_font)
        top = bubble.bottom() + 4 + (metrics.height() + 8 if item.note else 0)
        left = bubble.left()
        rects = {}
        for label in self._actions(item):
            width = metrics.horizontalAdvance(label) + 24
            rects[label] = QRect(left, top, width, metrics.height() + 6)
            left += width + 8
        return rects

    def retry_rect(self, item: MessageItem, rect: QRect) -> QRect:
        return self.action_rects(item, rect).get(RETRY_LABEL, QRect())

    def copy_rect(self, item: MessageItem, rect: QRect) -> QRect:
        return self.action_rects(item, rect).get(COPY_LABEL, QRect())

    def code_copy_rects(self, item: MessageItem, rect: QRect) -> list[tuple[QRect, str]]:
        """A Copy pill in the top-right corner of each finished code block."""
        if item.role != Role.ASSISTANT or item.streaming:
            return []
        bubble, _ = self._layout(item, rect)
        metrics = QFontMetrics(self.note_font)
        width, height = metrics.horizontalAdvance(COPY_CODE_LABEL) + 16, metrics.height() + 4
        origin_x, origin_y = bubble.left() + BUBBLE_PADDING, bubble.top() + BUBBLE_PADDING
        return [
            (QRect(origin_x + int(area.right()) - width - 4, origin_y + int(area.top()) + 4,
                   width, height), code)
            for area, code in self.document_for(item).code_blocks()
        ]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        # The view's width, not option.rect's: a width that differs from paint's would make
        # every call lay the whole document out again.
        width = self._row_width(option)
        return QSize(width, self.row_height(index.data(ItemRole), width))

    def row_height(self, item: MessageItem, width: int) -> int:
        """The row's height, cached: the view asks for every row at each relayout."""
        document = item.document
        built = document is not None and document.font_generation == self._font_generation
        key = (width, self._font_generation, document.generation if built else -len(item.text),
               item.note, item.retryable, item.streaming)
        if key == item.size_key:
            return item.reported_height
        if not built:
            # Not on screen yet: an estimate from the text's length. Building every row's
            # document would make a 1,000-message session take seconds to open; the real
            # height replaces the estimate when the row is first painted.
            height = self._estimated_height(item, width)
        else:
            height = self._real_height(item, width)
        if item.streaming:
            # Grown in steps: each change of height relayouts every row of the transcript.
            height = -(-height // STREAM_HEIGHT_STEP) * STREAM_HEIGHT_STEP
        item.size_key, item.reported_height = key, height
        return height

    def _real_height(self, item: MessageItem, width: int) -> int:
        bubble, _ = self._layout(item, QRect(0, 0, width, 0))
        return bubble.height() + self._footer_height(item) + 2 * ROW_SPACING

    def _estimated_height(self, item: MessageItem, width: int) -> int:
        metrics = QFontMetrics(self.font)
        text_width = self._bubble_width_limit(width - 2 * SIDE_MARGIN) - 2 * BUBBLE_PADDING
        per_line = max(1, text_width // max(1, metrics.averageCharWidth()))
        lines = sum(max(1, -(-len(line) // per_line)) for line in item.text.split("\n"))
        return (lines * metrics.lineSpacing() + 2 * BUBBLE_PADDING + self._footer_height(item)
                + 2 * ROW_SPACING)

    def _check_measured(self, item: MessageItem, index: QModelIndex, width: int) -> None:
        """After a row's first paint, tell the view if its real height differs from the estimate."""
        if self.row_height(item, width) != item.reported_height or item.size_key is None:
            return
        real = self._real_height(item, width)
        if real != item.reported_height:
            item.size_key = None  # measured anew at the relayout
            self._remeasure.append(QPersistentModelIndex(index))
            if len(self._remeasure) == 1:
                QTimer.singleShot(0, self, self._flush_remeasure)

    def _flush_remeasure(self) -> None:
        pending, self._remeasure = self._remeasure, []
        for index in pending:
            if index.isValid():
                self.sizeHintChanged.emit(QModelIndex(index))

    # -- painting --------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item: MessageItem = index.data(ItemRole)
        if not item.streaming:
            self._check_measured(item, index, self._row_width(option))
        bubble, _ = self._layout(item, option.rect)
        theme = self.theme
        fill = {
            Role.USER: theme.user_bubble,
            Role.ASSISTANT: theme.assistant_bubble,
            Role.SUMMARY: theme.summary_bubble,
            Role.ERROR: theme.error_bubble,
        }[item.role]
        text_color = QColor("white") if item.role == Role.USER else theme.color("text")
        if item.role == Role.ERROR:
            text_color = theme.color("error_text")

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(255, 255, 255, 28))
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(QRectF(self._visible_part(bubble, option)), 14, 14)

        document = self.document_for(item)
        painter.translate(bubble.left() + BUBBLE_PADDING, bubble.top() + BUBBLE_PADDING)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_color)
        visible = QRectF(self._exposed(painter, option))
        context.clip = visible.translated(-bubble.left() - BUBBLE_PADDING, -bubble.top() - BUBBLE_PADDING)
        painter.setClipRect(context.clip)
        document.documentLayout().draw(painter, context)
        painter.restore()

        painter.save()
        painter.setFont(self.note_font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.note_font)
        if item.highlighted:
            painter.setPen(QPen(theme.color("accent"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self._visible_part(bubble, option)).adjusted(-2, -2, 2, 2), 15, 15)
        if item.note:
            painter.setPen(theme.color("muted"))
            painter.drawText(QRect(bubble.left() + 4, bubble.bottom() + 4, bubble.width() + 200,
                                   metrics.height() + 4),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "⚠ " + item.note)
        for label, pill in self.action_rects(item, option.rect).items():
            painter.setPen(theme.color("accent") if label == RETRY_LABEL else theme.color("muted"))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(pill), pill.height() / 2, pill.height() / 2)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        for pill, _code in self.code_copy_rects(item, option.rect):
            painter.setPen(QColor(255, 255, 255, 90))
            painter.setBrush(QColor(255, 255, 255, 24))
            painter.drawRoundedRect(QRectF(pill), 6, 6)
            painter.setPen(QColor("#f8f8f2"))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, COPY_CODE_LABEL)
        painter.restore()

    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802
        item: MessageItem = index.data(ItemRole)
        if item is None or event.type() != QEvent.Type.MouseButtonRelease:
            return super().editorEvent(event, model, option, index)
        position = event.position().toPoint()
        if self.retry_rect(item, option.rect).contains(position):
            self.retry_clicked.emit()
            return True
        if self.copy_rect(item, option.rect).contains(position):
            self.copy_requested.emit(item.text)
            return True
        for pill, code in self.code_copy_rects(item, option.rect):
            if pill.contains(position):
                self.copy_requested.emit(code)
                return True
        url = self.link_at(item, option.rect, position)
        if url is not None:
            self.link_clicked.emit(url)
            return True
        return super().editorEvent(event, model, option, index)

    def link_at(self, item: MessageItem, rect: QRect, position) -> QUrl | None:
        """The http(s) link under `position`, if any; other schemes are never followed."""
        if item.role != Role.ASSISTANT:
            return None
        bubble, _ = self._layout(item, rect)
        local = QPointF(position.x() - bubble.left() - BUBBLE_PADDING,
                        position.y() - bubble.top() - BUBBLE_PADDING)
        anchor = self.document_for(item).documentLayout().anchorAt(local)
        url = QUrl(anchor) if anchor else None
        if url is not None and url.scheme() in ("http", "https") and url.isValid():
            return url
        return None

    def anchor_rect(self, item: MessageItem, rect: QRect, href: str) -> QRect:
        """Where the link to `href` is drawn, in the row's coordinates (for tests and a11y)."""
        bubble, _ = self._layout(item, rect)
        document = self.document_for(item)
        block = document.begin()
        while block.isValid():
            for run in block.textFormats():
                if run.format.anchorHref() == href:
                    line = block.layout().lineForTextPosition(run.start)
                    origin = document.documentLayout().blockBoundingRect(block).topLeft()
                    x = line.cursorToX(run.start)
                    x = x[0] if isinstance(x, tuple) else x
                    return QRect(int(bubble.left() + BUBBLE_PADDING + origin.x() + x + 2),
                                 int(bubble.top() + BUBBLE_PADDING + origin.y() + line.y() + 2),
                                 4, max(1, int(line.height()) - 4))
            block = block.next()
        return QRect()


class TranscriptView(QListView):
    """Scrolls per pixel and follows new text only while the user is at the bottom."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Transcript")
        self.setAccessibleName("Conversation transcript")
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # Row heights are cheap estimates until painted, so one pass over all rows is fast
        # and the scroll range is known at once (open at the bottom, no batches).
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self._follow = True
        self.exposed_rect: QRect | None = None
        # Set by a StreamRenderer while a reply streams: the content y where its text ends.
        self.content_bottom: Callable[[], int | None] | None = None
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)

    def paintEvent(self, event) -> None:  # noqa: N802
        # The delegate draws only text inside the region being repainted (see _exposed).
        self.exposed_rect = event.rect()
        try:
            super().paintEvent(event)
        finally:
            self.exposed_rect = None

    def _follow_value(self) -> int:
        """The scroll position that shows the newest text at the bottom of the view."""
        bar = self.verticalScrollBar()
        target = self.content_bottom() if self.content_bottom is not None else None
        if target is None:
            return bar.maximum()
        return max(bar.minimum(), min(bar.maximum(), target - self.viewport().height()))

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self._follow_value() - 8

    def _on_range_changed(self, _minimum: int, _maximum: int) -> None:
        self.keep_following()

    def keep_following(self) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(self._follow_value())

    def follow_bottom(self) -> None:
        self._follow = True
        self.scrollToBottom()

    def show_row(self, index: QModelIndex) -> None:
        """Center a row (a search hit) and stop following new text until the user scrolls down."""
        self._follow = False
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    @property
    def following(self) -> bool:
        return self._follow


def build_transcript(theme: Theme, parent=None, view_class: type[TranscriptView] = TranscriptView,
                     ) -> tuple[TranscriptView, TranscriptModel, MessageDelegate]:
    """A transcript view wired to its model and bubble delegate (the window and the benches)."""
    view = view_class(parent)
    model = TranscriptModel(view)
    delegate = MessageDelegate(view, theme)
    view.setModel(model)
    view.setItemDelegate(delegate)
    return view, model, delegate


class StreamRenderer(QObject):
    """Collects streamed pieces and puts them on screen at most once per frame."""

    def __init__(self, model: TranscriptModel, delegate: MessageDelegate, item: MessageItem,
                 interval_ms: int = FLUSH_INTERVAL_MS):
        super().__init__(model)
        self.model = model
        self.delegate = delegate
        self.item = item
        self.flushes = 0
        self._pending: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._height = -1.0
        item.streaming = True
        view = delegate.parent()
        self.view = view if isinstance(view, TranscriptView) else None
        if self.view is not None:
            self.view.content_bottom = self._content_bottom

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def feed(self, piece: str) -> None:
        self._pending.append(piece)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        if not self._pending:
            return
        self.item.text += "".join(self._pending)
        self._pending.clear()
        document = self.delegate.document_for(self.item)
        changed_from = document.tail_top()
        document.set_text(self.item.text, streaming=True)
        scrolled_from = self.view.verticalScrollBar().value() if self.view is not None else 0
        self._resized(changed_from)
        self.flushes += 1
        # Following the text scrolls the view, and a see-through (glass) view cannot blit a
        # scroll: every such frame repaints the whole viewport. Those frames come at half rate.
        scrolled = self.view is not None and self.view.verticalScrollBar().value() != scrolled_from
        self._timer.setInterval(SCROLLING_FLUSH_INTERVAL_MS if scrolled else FLUSH_INTERVAL_MS)

    def finish(self, note: str | None = None, retryable: bool = False) -> None:
        """Flush the rest and render the reply once more as a whole, finished document."""
        self._timer.stop()
        self.item.text += "".join(self._pending)
        self._pending.clear()
        self.item.streaming = False
        self.item.note = note
        self.item.retryable = retryable
        if self.view is not None and self.view.content_bottom == self._content_bottom:
            self.view.content_bottom = None  # the row has its real height again
        self.delegate.document_for(self.item).set_text(self.item.text, streaming=False)
        self._resized()

    def _content_bottom(self) -> int | None:
        """Where the streamed text ends, in the view's content coordinates."""
        if self.item not in self.model.items:
            return None
        index = self.model.index(self.model.row_of(self.item))
        row = self.view.visualRect(index)
        height = self.delegate.document_for(self.item).size().height()
        return (row.top() + self.view.verticalScrollBar().value() + ROW_SPACING
                + int(height) + 2 * BUBBLE_PADDING + 2 * ROW_SPACING)

    def _resized(self, changed_from: float | None = None) -> None:
        index = self.model.index(self.model.row_of(self.item))
        view = self.delegate.parent()
        width = view.viewport().width() if isinstance(view, QListView) else 600
        height = self.delegate.row_height(self.item, width)
        if height != self._height:
            # The view re-measures rows only when told a size hint changed, and then it
            # re-measures all of them; the row grows in steps so that stays rare.
            self._height = height
            self.delegate.sizeHintChanged.emit(index)
        if self.view is not None:
            self.view.keep_following()
        if changed_from is None or not isinstance(view, QListView):
            self.model.dataChanged.emit(index, index)
            return
        # Repaint only the part of the bubble that changed: the tail. Repainting the whole
        # reply every frame would cost in proportion to its length on screen.
        row = view.visualRect(index)
        top = row.top() + ROW_SPACING + BUBBLE_PADDING + int(changed_from) - 2
        view.viewport().update(QRect(row.left(), max(row.top(), top), row.width(),
                                     row.bottom() - max(row.top(), top) + 1))
