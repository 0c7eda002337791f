"""The transcript: a model/view list of message bubbles, and the renderer that streams into one.

One MessageDocument per message, built lazily by the delegate and kept on the item; its settled
text is painted from cached tiles (text_tiles). While a reply streams, pieces are buffered and put
on screen once per frame; frames are paced to the machine (about 15% of a core), and the view
steps ahead of the text instead of scrolling at every frame.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
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
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPen,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QToolTip,
)

from desktop_chat.core.models import Event, EventType, utc_now
from desktop_chat.ui.code_boxes import CODE_HEADER, CODE_PADDING, paint_boxes
from desktop_chat.ui.markdown import CODE_BLOCK_TEXT
from desktop_chat.ui.message_document import MessageDocument, Role
from desktop_chat.ui.text_tiles import draw_document
from desktop_chat.ui.theme import DARK, Theme

__all__ = [
    "MessageDocument",
    "MessageItem",
    "Role",
    "StreamRenderer",
    "TranscriptModel",
    "TranscriptView",
    "build_transcript",
]

FLUSH_INTERVAL_MS = 16
# s: how long one turn of the event loop may spend lexing finished code blocks; meanwhile the
# block is shown unhighlighted.
HIGHLIGHT_BUDGET_S = 0.001
# The renderer paces its frames to use about this share of a core: a frame that cost 3 ms is
# followed by the next one 20 ms later. A fast machine gets 60 frames a second, a slow one fewer.
FRAME_CPU_SHARE = 0.15
MAX_FLUSH_INTERVAL_MS = 100
# px: a streaming row grows in steps, not every line, since each change of a row's height makes
# the view re-measure every row. The view follows the end of the text, not of the row.
STREAM_HEIGHT_STEP = 1000
# px: a streaming row keeps this much room below its text, so the view can step ahead of it.
STREAM_FOLLOW_ROOM = 300
TYPING_STEP_MS = 350
# The newest messages a session opens with; each relayout measures every row, so a session of
# 10,000 messages costs no more to open, or to stream into, than one of this many.
WINDOW_ROWS = 120
OLDER_MARGIN = 600  # px from the top at which the next older messages come in
FOLLOW_SLACK = 8  # px: how close to the bottom edge the text may come before the view steps
RETRY_LABEL = "↻ Retry"
COPY_LABEL = "Copy"
EDIT_LABEL = "Edit"
REGENERATE_LABEL = "↻ Regenerate"
CONTINUE_LABEL = "Continue"
READ_ALOUD_LABEL = "Read aloud"  # ui/voice.py speaks the reply
STOP_READING_LABEL = "■ Stop reading"
PREVIOUS_VERSION, NEXT_VERSION = "‹", "›"
VERSION_ARROWS = (PREVIOUS_VERSION, NEXT_VERSION)
READ_ALOUD_PILLS = (READ_ALOUD_LABEL, STOP_READING_LABEL)


def _is_version_part(label: str) -> bool:
    """The switcher's arrows and its "2/3" are drawn as text, not as pills."""
    return label in VERSION_ARROWS or (label[:1].isdigit() and "/" in label)


COPY_CODE_LABEL = "Copy code"
CODE_LANGUAGE_TEXT = "#b4b8d8"  # the language label on the dark code box (7:1 against it)
BUBBLE_MAX_WIDTH = 760
MIN_TEXT_WIDTH = 36  # px: the narrowest bubble text (an "OK" still gets a rounded bubble)
SNUG_TEXT_LIMIT = 400  # characters: a longer reply fills the measure without being measured
_BLOCK_ART = re.compile(r"^ {0,3}(?:```|~~~|\|)", re.MULTILINE)  # code blocks and tables
BUBBLE_PADDING = 12
ROW_SPACING = 6
SIDE_MARGIN = 14
ItemRole = Qt.ItemDataRole.UserRole + 1
_SIZE_HINT_ROLE = Qt.ItemDataRole.SizeHintRole


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
    # A reply that has just streamed keeps its row reaching the view's bottom edge, so the room
    # the view stepped into does not vanish under the reader; the next row releases it.
    min_height: int = 0
    size_key: tuple | None = field(default=None, repr=False)  # what reported_height was for
    wide_at: int = 0  # the text width a streaming reply's text has filled: it stays that wide
    timestamp: datetime | None = field(default_factory=utc_now)
    model: str | None = None  # the model that wrote a reply
    selection: tuple[int, int] | None = None  # text selected with the mouse: document positions
    typing_phase: int = 0  # which of the "typing" dots is lit, before a reply's first words
    versions: tuple[int, int] | None = None  # (which, of how many) versions of this message
    reading_aloud: bool = False  # being read aloud: its Stop pill shows without hover
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
        model = event.payload.get("model")
        return cls(
            role=role,
            text=event.text,
            event_id=event.event_id,
            note=note,
            timestamp=event.timestamp,
            model=model if isinstance(model, str) else None,
        )

    @property
    def accessible_text(self) -> str:
        """What a screen reader says for this row: who wrote it, when, which version, the text
        (e.g. "Assistant, 14:05, version 2 of 3: Hello"); the typing dots read as words."""
        who = {
            Role.USER: "You",
            Role.ASSISTANT: "Assistant",
            Role.SUMMARY: "Summary",
            Role.ERROR: "Error",
        }[self.role]
        if self.streaming and not self.text:
            return f"{who} is replying…"
        parts = [who]
        if self.timestamp is not None:
            parts.append(self.timestamp.astimezone().strftime("%H:%M"))
        if self.versions is not None and self.versions[1] > 1:
            parts.append(f"version {self.versions[0]} of {self.versions[1]}")
        if self.streaming:
            parts.append("still replying")
        return ", ".join(parts) + f": {self.text}" + (f" ({self.note})" if self.note else "")


class TranscriptModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.items: list[MessageItem] = []
        self._older: list[Event] = []  # the session's messages above the first row, oldest first
        self._versions: dict[str, tuple[int, int]] = {}  # (which, of how many) by event id
        # Answers SizeHintRole (set by build_transcript to the delegate's size_hint). The view
        # asks every row at each relayout; through the model, Qt's own delegate sizeHint asks
        # Python one cheap question instead of a Python sizeHint wrapping a style option.
        self.size_hint: Callable[[MessageItem], QSize] | None = None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if not 0 <= row < len(self.items):
            return None
        item = self.items[row]
        if role == _SIZE_HINT_ROLE:
            return self.size_hint(item) if self.size_hint is not None else None
        if role == ItemRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return item.accessible_text
        return None

    def set_events(
        self, events: list[Event], versions: dict[str, tuple[int, int]] | None = None
    ) -> None:
        """Show a session: its newest messages at once, older ones as the reader scrolls up
        (show_older), so opening and streaming cost the same in a long session as a short one.
        `versions`: (which, of how many) by event id, for the "‹ n/m ›" switchers."""
        self.beginResetModel()
        cut = max(0, len(events) - WINDOW_ROWS)
        self._older = events[:cut]
        self._versions = versions or {}
        self.items = [self._item_of(e) for e in events[cut:]]
        if self.items and self.items[-1].role == Role.ASSISTANT and self.items[-1].note:
            # A reply cut short by a crash or a fault: offer to answer again (Ctrl+R too).
            self.items[-1].retryable = True
        self.endResetModel()

    @property
    def has_older(self) -> bool:
        """Older messages of the session wait above the first row shown."""
        return bool(self._older)

    def show_older(self, count: int = WINDOW_ROWS) -> int:
        """Put up to `count` more of the older messages above the first row; how many came."""
        batch = self._older[-count:]
        if not batch:
            return 0
        del self._older[-len(batch) :]
        self.beginInsertRows(QModelIndex(), 0, len(batch) - 1)
        self.items[0:0] = [self._item_of(e) for e in batch]
        self.endInsertRows()
        return len(batch)

    def _item_of(self, event: Event) -> MessageItem:
        item = MessageItem.from_event(event)
        item.versions = self._versions.get(event.event_id)
        return item

    def take_from(self, row: int) -> list[MessageItem]:
        """Remove the rows from `row` to the end; returns them (to put back with insert_items)."""
        taken = self.items[row:]
        if taken:
            self.beginRemoveRows(QModelIndex(), row, len(self.items) - 1)
            del self.items[row:]
            self.endRemoveRows()
        return taken

    def insert_items(self, row: int, items: list[MessageItem]) -> None:
        if items:
            self.beginInsertRows(QModelIndex(), row, row + len(items) - 1)
            self.items[row:row] = items
            self.endInsertRows()

    def reveal(self, event_id: str) -> int:
        """The row of a message, bringing older messages in until it shows; -1 if none."""
        while True:
            row = next((r for r, item in enumerate(self.items) if item.event_id == event_id), -1)
            if row >= 0 or not self.show_older():
                return row

    def append(self, item: MessageItem) -> int:
        row = len(self.items)
        if self.items:
            self.items[-1].min_height = 0
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

    def last_reply(self) -> MessageItem | None:
        """The newest reply, which Regenerate answers again."""
        for item in reversed(self.items[-3:]):
            if item.role == Role.ASSISTANT:
                return item
        return None

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
    edit_requested = Signal(str, str)  # a user message to edit in the composer: (id, text)
    version_step = Signal(str, int)  # show another version of a message: (event id, -1 or +1)
    continue_requested = Signal(str)  # the event id of a stopped or cut reply to go on with
    read_aloud_requested = Signal(object)  # a reply's MessageItem: read it aloud, or stop
    link_clicked = Signal(QUrl, str)  # an http(s) link the user clicked, and its visible text

    def __init__(self, parent: QObject | None = None, theme: Theme = DARK):
        super().__init__(parent)
        self.theme = theme
        self.font = QFont()
        self.note_font = QFont()
        self.note_font.setPointSizeF(self.font.pointSizeF() * 0.85)
        self._remeasure: list[QPersistentModelIndex] = []
        self._font_generation = 0
        self._viewport = parent.viewport() if isinstance(parent, QListView) else None

    def set_font(self, font: QFont) -> None:
        self.font = QFont(font)
        self.note_font = QFont(font)
        self.note_font.setPointSizeF(font.pointSizeF() * 0.85)
        self._font_generation += 1

    # -- geometry --------------------------------------------------------------
    def document_for(self, item: MessageItem) -> MessageDocument:
        if item.document is None or item.document.font_generation != self._font_generation:
            text = f"**Summary**\n\n{item.text}" if item.role == Role.SUMMARY else item.text
            item.document = MessageDocument(
                item.role, text, self.font, self.theme, self._font_generation
            )
        return item.document

    def _bubble_width_limit(self, view_width: int) -> int:
        return max(120, min(BUBBLE_MAX_WIDTH, int(view_width * 0.78)))

    def _layout(self, item: MessageItem, rect: QRect) -> tuple[QRect, int]:
        """The bubble's rectangle within the row `rect`, and the document's text width."""
        document = self.document_for(item)
        limit = self._bubble_width_limit(rect.width() - 2 * SIDE_MARGIN)
        text_width = limit - 2 * BUBBLE_PADDING
        if item.role in (Role.USER, Role.ASSISTANT):
            # Bubbles fit their text, up to the readable measure.
            text_width = min(text_width, max(self._natural_width(item, text_width), MIN_TEXT_WIDTH))
        if document.textWidth() != text_width:
            document.setTextWidth(text_width)
        height = int(document.size().height()) + 2 * BUBBLE_PADDING
        width = text_width + 2 * BUBBLE_PADDING
        if item.role == Role.USER:
            left = rect.right() - SIDE_MARGIN - width
        else:  # the assistant's column: replies, summaries and errors line up on the left
            left = rect.left() + SIDE_MARGIN
        return QRect(left, rect.top() + ROW_SPACING, width, height), text_width

    def _natural_width(self, item: MessageItem, limit: int) -> int:
        """The width the text takes unwrapped, for a snug bubble. A reply that is long, or holds
        a code block or a table, takes the whole measure: measuring it costs a layout of all of
        it, and a streaming reply that has once reached `limit` stays there (its text grows)."""
        if item.role == Role.ASSISTANT:
            if item.streaming and item.wide_at == limit:
                return limit
            if len(item.text) > SNUG_TEXT_LIMIT or _BLOCK_ART.search(item.text):
                item.wide_at = limit
                return limit
        natural = self.document_for(item).natural_width()
        if natural >= limit:
            item.wide_at = limit
        return natural

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
        """The bubble cut to the part being repainted (plus the corner radius), so a reply
        thousands of pixels tall costs no more to outline than the strip that changed: the
        cut ends lie outside the repainted region, which the painter is clipped to."""
        if option.widget is None:
            return bubble
        margin = 32
        area = option.widget.rect()
        exposed = getattr(option.widget, "exposed_rect", None)
        if exposed is not None and exposed.isValid():
            area = area.intersected(exposed)
        top = max(bubble.top(), area.top() - margin)
        bottom = min(bubble.bottom(), area.bottom() + margin)
        return QRect(bubble.left(), top, bubble.width(), max(0, bottom - top))

    def row_width(self) -> int:
        """Rows are as wide as the view: sizes and paint must use one width, or every call would
        lay the whole document out again."""
        width = self._viewport.width() if self._viewport is not None else 0
        return width if width > 0 else 600

    def _footer_height(self, item: MessageItem) -> int:
        lines = int(bool(item.note)) + int(self._has_action_line(item))
        return lines * (QFontMetrics(self.note_font).height() + 8)

    @staticmethod
    def _has_action_line(item: MessageItem) -> bool:
        """Messages keep a line under the bubble for their actions, shown on hover: reserved
        even while hidden (and while a reply streams), so nothing moves when they appear."""
        return item.retryable or item.role in (Role.USER, Role.ASSISTANT, Role.SUMMARY)

    @staticmethod
    def _actions(item: MessageItem, hovered: bool = True, last_reply: bool = False) -> list[str]:
        actions = []
        if item.versions is not None and item.versions[1] > 1 and not item.streaming:
            # Always shown: which version this is, and the way to the others.
            actions += [PREVIOUS_VERSION, f"{item.versions[0]}/{item.versions[1]}", NEXT_VERSION]
        if item.retryable:
            actions.append(RETRY_LABEL)
        if item.reading_aloud:
            actions.append(STOP_READING_LABEL)
        if not hovered or item.streaming or not item.text:
            return actions
        if item.role in (Role.USER, Role.ASSISTANT, Role.SUMMARY):
            actions.append(COPY_LABEL)
        if item.role == Role.USER:
            actions.append(EDIT_LABEL)
        if item.role == Role.ASSISTANT and last_reply and not item.retryable:
            actions.append(REGENERATE_LABEL)
        if item.role == Role.ASSISTANT and last_reply and item.note and item.event_id:
            actions.append(CONTINUE_LABEL)  # stopped or cut short: the model can go on
        if item.role == Role.ASSISTANT and not item.reading_aloud:
            actions.append(READ_ALOUD_LABEL)
        return actions

    def action_rects(
        self, item: MessageItem, rect: QRect, hovered: bool = True, last_reply: bool = False
    ) -> dict[str, QRect]:
        """The pills under a bubble (Retry, Copy, Edit, Regenerate), in the row's coordinates:
        under the left edge of the assistant's bubbles, under the right edge of the user's."""
        bubble, _ = self._layout(item, rect)
        metrics = QFontMetrics(self.note_font)
        top = bubble.bottom() + 4 + (metrics.height() + 8 if item.note else 0)
        labels = self._actions(item, hovered, last_reply)
        widths = [
            metrics.horizontalAdvance(label) + (12 if _is_version_part(label) else 24)
            for label in labels
        ]
        if item.role == Role.USER:
            left = bubble.right() + 1 - sum(widths) - 8 * max(0, len(widths) - 1)
        else:
            left = bubble.left()
        rects = {}
        for label, width in zip(labels, widths, strict=True):
            rects[label] = QRect(left, top, width, metrics.height() + 6)
            left += width + 8
        return rects

    def meta_text(self, item: MessageItem) -> str:
        """When a message was written and, for a reply, by which model: shown on hover."""
        if item.timestamp is None:
            return ""
        moment = item.timestamp.astimezone().strftime("%H:%M")
        return f"{moment} · {item.model}" if item.model and item.role == Role.ASSISTANT else moment

    def version_rects(
        self, item: MessageItem, rect: QRect, hovered: bool = True
    ) -> tuple[QRect, QRect]:
        """The ‹ and › of a message's version switcher (null rects when it has one version).
        Hovered by default: a click comes with the mouse over the row, and a user message's
        line (right-aligned) moves left when Copy and Edit join it."""
        rects = self.action_rects(item, rect, hovered=hovered)
        return rects.get(PREVIOUS_VERSION, QRect()), rects.get(NEXT_VERSION, QRect())

    def retry_rect(self, item: MessageItem, rect: QRect) -> QRect:
        return self.action_rects(item, rect).get(RETRY_LABEL, QRect())

    def copy_rect(self, item: MessageItem, rect: QRect) -> QRect:
        return self.action_rects(item, rect).get(COPY_LABEL, QRect())

    def edit_rect(self, item: MessageItem, rect: QRect) -> QRect:
        return self.action_rects(item, rect).get(EDIT_LABEL, QRect())

    def regenerate_rect(self, item: MessageItem, rect: QRect) -> QRect:
        return self.action_rects(item, rect, last_reply=True).get(REGENERATE_LABEL, QRect())

    def continue_rect(self, item: MessageItem, rect: QRect) -> QRect:
        return self.action_rects(item, rect, last_reply=True).get(CONTINUE_LABEL, QRect())

    def code_copy_rects(self, item: MessageItem, rect: QRect) -> list[tuple[QRect, str]]:
        """A Copy pill in the header strip of each finished code block."""
        return [(pill, code) for pill, code, _ in self.code_headers(item, rect)]

    def code_headers(self, item: MessageItem, rect: QRect) -> list[tuple[QRect, str, str]]:
        """Each finished code block's Copy pill (row coordinates), its code and its language."""
        if item.role != Role.ASSISTANT or item.streaming:
            return []
        bubble, _ = self._layout(item, rect)
        document = self.document_for(item)
        blocks = document.code_blocks()
        if not blocks:
            return []
        languages = document.code_block_languages()
        metrics = QFontMetrics(self.note_font)
        width, height = metrics.horizontalAdvance(COPY_CODE_LABEL) + 16, metrics.height() + 4
        origin_x, origin_y = bubble.left() + BUBBLE_PADDING, bubble.top() + BUBBLE_PADDING
        headers = []
        for number, (area, code) in enumerate(blocks):
            right = origin_x + int(area.left() + area.width()) + 2 * CODE_PADDING - 6
            top = origin_y + int(area.top()) - CODE_HEADER + (CODE_HEADER - height) // 2
            language = languages[number] if number < len(languages) else ""
            headers.append((QRect(right - width, top, width, height), code, language))
        return headers

    def size_hint(self, item: MessageItem) -> QSize:
        width = self.row_width()
        return QSize(width, self.row_height(item, width))

    def row_height(self, item: MessageItem, width: int) -> int:
        """The row's height, cached: the view asks for every row at each relayout."""
        document = item.document
        built = document is not None and document.font_generation == self._font_generation
        key = (
            width,
            self._font_generation,
            document.generation if built else -len(item.text),
            item.note,
            item.retryable,
            item.streaming,
            item.min_height,
        )
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
            # Grown in steps, with room below the text for the view to step into: each change
            # of a row's height relayouts every row of the transcript.
            height = -(-(height + STREAM_FOLLOW_ROOM) // STREAM_HEIGHT_STEP) * STREAM_HEIGHT_STEP
        item.size_key, item.reported_height = key, height
        return height

    def _real_height(self, item: MessageItem, width: int) -> int:
        bubble, _ = self._layout(item, QRect(0, 0, width, 0))
        return max(item.min_height, bubble.height() + self._footer_height(item) + 2 * ROW_SPACING)

    def _estimated_height(self, item: MessageItem, width: int) -> int:
        metrics = QFontMetrics(self.font)
        text_width = self._bubble_width_limit(width - 2 * SIDE_MARGIN) - 2 * BUBBLE_PADDING
        per_line = max(1, text_width // max(1, metrics.averageCharWidth()))
        lines = sum(max(1, -(-len(line) // per_line)) for line in item.text.split("\n"))
        return (
            lines * metrics.lineSpacing()
            + 2 * BUBBLE_PADDING
            + self._footer_height(item)
            + 2 * ROW_SPACING
        )

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
            self._check_measured(item, index, self.row_width())
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
        _draw_bubble(painter, QRectF(self._visible_part(bubble, option)), QColor(fill))
        if item.streaming and not item.text:
            self._paint_typing(painter, bubble, item.typing_phase)

        document = self.document_for(item)
        painter.translate(bubble.left() + BUBBLE_PADDING, bubble.top() + BUBBLE_PADDING)
        visible = QRectF(self._exposed(painter, option))
        clip = visible.translated(-bubble.left() - BUBBLE_PADDING, -bubble.top() - BUBBLE_PADDING)
        if item.role in (Role.ASSISTANT, Role.SUMMARY):
            paint_boxes(painter, document, clip)
        selection = None
        if item.selection is not None and item.selection[0] != item.selection[1]:
            selection = (item.selection, self.theme.color("accent"))
        draw_document(
            painter,
            document,
            clip,
            text_color,
            document.serial,
            document.revision,
            document.settled_height(item.streaming),
            selection,
        )
        painter.restore()

        painter.save()
        painter.setFont(self.note_font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.note_font)
        if item.highlighted:
            painter.setPen(QPen(theme.color("accent"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(
                QRectF(self._visible_part(bubble, option)).adjusted(-2, -2, 2, 2), 15, 15
            )
        if item.note:
            painter.setPen(theme.color("muted"))
            painter.drawText(
                QRect(
                    bubble.left() + 4,
                    bubble.bottom() + 4,
                    bubble.width() + 200,
                    metrics.height() + 4,
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                "⚠ " + item.note,
            )
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        last_reply = item is index.model().last_reply()
        pills = self.action_rects(item, option.rect, hovered, last_reply)
        for label, pill in pills.items():
            if _is_version_part(label):
                at_end = (label == PREVIOUS_VERSION and item.versions[0] <= 1) or (
                    label == NEXT_VERSION and item.versions[0] >= item.versions[1]
                )
                painter.setPen(
                    theme.color("muted" if at_end or label not in VERSION_ARROWS else "text")
                )
                painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
                continue
            painter.setPen(theme.color("accent") if label == RETRY_LABEL else theme.color("muted"))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(pill), pill.height() / 2, pill.height() / 2)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        meta = self.meta_text(item) if hovered and not item.streaming else ""
        if meta and self._has_action_line(item):
            row_top = bubble.bottom() + 4 + (metrics.height() + 8 if item.note else 0)
            painter.setPen(theme.color("muted"))
            if item.role == Role.USER:
                right = min((p.left() for p in pills.values()), default=bubble.right()) - 10
                area = QRect(
                    option.rect.left() + SIDE_MARGIN,
                    row_top,
                    max(0, right - option.rect.left() - SIDE_MARGIN),
                    metrics.height() + 6,
                )
                align = Qt.AlignmentFlag.AlignRight
            else:
                left = max((p.right() for p in pills.values()), default=bubble.left()) + 10
                area = QRect(
                    left,
                    row_top,
                    max(0, option.rect.right() - SIDE_MARGIN - left),
                    metrics.height() + 6,
                )
                align = Qt.AlignmentFlag.AlignLeft
            painter.drawText(
                area,
                align | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(meta, Qt.TextElideMode.ElideRight, area.width()),
            )
        for pill, _code, language in self.code_headers(item, option.rect):
            if not pill.intersects(option.rect.intersected(self._exposed(painter, option))):
                continue
            painter.setPen(QColor(255, 255, 255, 60))
            painter.setBrush(QColor(255, 255, 255, 18))
            painter.drawRoundedRect(QRectF(pill), 6, 6)
            painter.setPen(QColor(CODE_BLOCK_TEXT))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, COPY_CODE_LABEL)
            if language:
                left = bubble.left() + BUBBLE_PADDING + CODE_PADDING
                label = QRect(
                    left, pill.top(), max(0, pill.left() - left - CODE_PADDING), pill.height()
                )
                painter.setPen(QColor(CODE_LANGUAGE_TEXT))
                painter.drawText(
                    label,
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(language, Qt.TextElideMode.ElideRight, label.width()),
                )
        painter.restore()

    def _paint_typing(self, painter: QPainter, bubble: QRect, phase: int) -> None:
        """Three dots in the empty bubble of a reply whose first words have not come yet."""
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        radius, gap = 3.5, 11
        center = QPointF(bubble.center().x() + 0.5, bubble.center().y() + 0.5)
        for dot in range(3):
            colour = self.theme.color("text" if dot == phase % 3 else "muted")
            colour.setAlpha(255 if dot == phase % 3 else 150)
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(center.x() + (dot - 1) * gap, center.y()), radius, radius)
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
        previous, following = self.version_rects(item, option.rect)
        for arrow, step in ((previous, -1), (following, +1)):
            if arrow.contains(position) and item.event_id:
                self.version_step.emit(item.event_id, step)
                return True
        if self.edit_rect(item, option.rect).contains(position):
            self.edit_requested.emit(item.event_id or "", item.text)
            return True
        if item is model.last_reply() and self.regenerate_rect(item, option.rect).contains(
            position
        ):
            self.retry_clicked.emit()
            return True
        if item is model.last_reply() and self.continue_rect(item, option.rect).contains(position):
            self.continue_requested.emit(item.event_id)
            return True
        pills = self.action_rects(item, option.rect, last_reply=item is model.last_reply())
        if any(pills.get(label, QRect()).contains(position) for label in READ_ALOUD_PILLS):
            self.read_aloud_requested.emit(item)
            return True
        for pill, code in self.code_copy_rects(item, option.rect):
            if pill.contains(position):
                self.copy_requested.emit(code)
                return True
        url = self.link_at(item, option.rect, position)
        if url is not None:
            self.link_clicked.emit(url, self.link_text_at(item, option.rect, position))
            return True
        return super().editorEvent(event, model, option, index)

    def text_position(self, item: MessageItem, rect: QRect, position) -> int:
        """The character of the message's text nearest to `position` (row coordinates)."""
        bubble, _ = self._layout(item, rect)
        document = self.document_for(item)
        local = QPointF(
            position.x() - bubble.left() - BUBBLE_PADDING,
            position.y() - bubble.top() - BUBBLE_PADDING,
        )
        if local.y() < 0:
            return 0
        if local.y() > document.size().height():
            return document.characterCount() - 1
        hit = document.documentLayout().hitTest(local, Qt.HitTestAccuracy.FuzzyHit)
        return max(0, hit)

    def link_at(self, item: MessageItem, rect: QRect, position) -> QUrl | None:
        """The http(s) link under `position`, if any; other schemes are never followed."""
        if item.role != Role.ASSISTANT:
            return None
        bubble, _ = self._layout(item, rect)
        local = QPointF(
            position.x() - bubble.left() - BUBBLE_PADDING,
            position.y() - bubble.top() - BUBBLE_PADDING,
        )
        anchor = self.document_for(item).documentLayout().anchorAt(local)
        url = QUrl(anchor) if anchor else None
        if url is not None and url.scheme() in ("http", "https") and url.isValid():
            return url
        return None

    def link_text_at(self, item: MessageItem, rect: QRect, position) -> str:
        """The visible text of the link under `position`: the run of text with its target."""
        document = self.document_for(item)
        at = self.text_position(item, rect, position)
        block = document.findBlock(at)
        cursor = QTextCursor(document)
        cursor.setPosition(min(at + 1, document.characterCount() - 1))
        href = cursor.charFormat().anchorHref()
        text = []
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.charFormat().anchorHref() == href and href:
                text.append(fragment.text())
            fragments += 1
        return "".join(text)

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
                    return QRect(
                        int(bubble.left() + BUBBLE_PADDING + origin.x() + x + 2),
                        int(bubble.top() + BUBBLE_PADDING + origin.y() + line.y() + 2),
                        4,
                        max(1, int(line.height()) - 4),
                    )
            block = block.next()
        return QRect()


BUBBLE_RADIUS = 14
BUBBLE_BORDER = QColor(255, 255, 255, 28)


def _draw_bubble(painter: QPainter, rect: QRectF, fill: QColor) -> None:
    """A rounded, outlined bubble. A tall one is drawn as two rounded ends and a plain middle:
    an antialiased rounded rectangle the height of the view costs several times a fill."""
    painter.setPen(BUBBLE_BORDER)
    painter.setBrush(fill)
    band = 2 * BUBBLE_RADIUS + 2
    if rect.height() <= 3 * band:
        painter.drawRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
        return
    outline = rect.adjusted(-1, -1, 1, 1)
    for end in (
        QRectF(outline.left(), outline.top(), outline.width(), band),
        QRectF(outline.left(), outline.bottom() - band, outline.width(), band),
    ):
        painter.save()
        painter.setClipRect(end, Qt.ClipOperation.IntersectClip)
        painter.drawRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
        painter.restore()
    middle = QRectF(rect.left(), rect.top() + band - 1, rect.width(), rect.height() - 2 * band + 2)
    painter.fillRect(middle, fill)
    painter.drawLine(QPointF(rect.left(), middle.top()), QPointF(rect.left(), middle.bottom()))
    painter.drawLine(QPointF(rect.right(), middle.top()), QPointF(rect.right(), middle.bottom()))


class TranscriptView(QListView):
    """Scrolls per pixel and follows new text only while the user is at the bottom. Text is
    selected with the mouse (drag, double-click for a word), copied with Ctrl+C or the context
    menu; keys typed while the transcript has focus go to the composer (`typed`)."""

    typed = Signal(str)  # text typed while the transcript had focus
    branch_requested = Signal(str)  # the context menu's Branch: the message's event id
    delete_requested = Signal(str)  # the context menu's Delete message: its event id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Transcript")
        self.setAccessibleName("Conversation transcript")
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # A click makes its row current; with auto-scroll on, the view would then scroll to
        # that row's top, jumping away from the text under the pointer of a tall reply.
        self.setAutoScroll(False)
        # Clicked, it takes focus so Ctrl+C copies its selection; Tab never stops here.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # Row heights are cheap estimates until painted, so one pass over all rows is fast
        # and the scroll range is known at once (open at the bottom, no batches).
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)  # hover shows a message's actions
        self._follow = True
        self._selecting: MessageItem | None = None  # the message a drag is selecting in
        self._drag_start: QPoint | None = None
        self._selected: MessageItem | None = None
        self._loading_older = False
        self.exposed_rect: QRect | None = None
        self.last_paint_cost = 0.0  # s of CPU the last repaint took (a streaming reply paces on it)
        # Set by a StreamRenderer while a reply streams: the content y where its text ends.
        self.content_bottom: Callable[[], int | None] | None = None
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        # Shown while the newest text is out of sight below: one click brings it back.
        self.latest_button = QToolButton(self)
        self.latest_button.setObjectName("JumpToLatest")
        self.latest_button.setText("↓ Latest")
        self.latest_button.setAccessibleName("Jump to the latest message")
        self.latest_button.setToolTip("Jump to the latest message")
        self.latest_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.latest_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.latest_button.hide()
        self.latest_button.clicked.connect(self.follow_bottom)

    def paintEvent(self, event) -> None:  # noqa: N802
        # The delegate draws only text inside the region being repainted (see _exposed).
        self.exposed_rect = event.rect()
        started = time.thread_time()
        try:
            super().paintEvent(event)
        finally:
            self.exposed_rect = None
            self.last_paint_cost = time.thread_time() - started

    # -- selecting text ------------------------------------------------------------
    def _item_at(self, position: QPoint) -> tuple[MessageItem | None, QRect]:
        index = self.indexAt(position)
        if not index.isValid():
            return None, QRect()
        return index.data(ItemRole), self.visualRect(index)

    def _delegate(self) -> MessageDelegate:
        return self.itemDelegate()

    def select_text(self, item: MessageItem | None, anchor: int = 0, position: int = 0) -> None:
        """Select text of one message (document positions), or clear the selection (None)."""
        previous, self._selected = self._selected, item
        if previous is not None and previous is not item:
            previous.selection = None
            self._repaint_item(previous)
        if item is not None:
            item.selection = (anchor, position)
            self._repaint_item(item)

    def _repaint_item(self, item: MessageItem) -> None:
        model = self.model()
        if isinstance(model, TranscriptModel) and item in model.items:
            self.viewport().update(self.visualRect(model.index(model.row_of(item))))

    def selected_text(self) -> str:
        item = self._selected
        if item is None or item.selection is None or item.document is None:
            return ""
        cursor = QTextCursor(item.document)
        cursor.setPosition(item.selection[0])
        cursor.setPosition(item.selection[1], QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            item, rect = self._item_at(event.position().toPoint())
            self._drag_start = event.position().toPoint()
            self._selecting = item
            if item is not None and item.role != Role.ERROR:
                at = self._delegate().text_position(item, rect, event.position().toPoint())
                self.select_text(item, at, at)
            else:
                self.select_text(None)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        item = self._selecting
        if item is not None and event.buttons() & Qt.MouseButton.LeftButton and item.selection:
            model = self.model()
            if item in model.items:
                rect = self.visualRect(model.index(model.row_of(item)))
                at = self._delegate().text_position(item, rect, event.position().toPoint())
                self.select_text(item, item.selection[0], at)
            return
        super().mouseMoveEvent(event)
        over_link = False
        hovered, rect = self._item_at(event.position().toPoint())
        if hovered is not None:
            link = self._delegate().link_at(hovered, rect, event.position().toPoint())
            over_link = link is not None
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor
            if over_link
            else Qt.CursorShape.IBeamCursor
            if hovered is not None
            else Qt.CursorShape.ArrowCursor
        )

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        item, self._selecting = self._selecting, None
        if item is not None and item.selection and item.selection[0] != item.selection[1]:
            return  # a drag that selected text is not a click on a link or a pill
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        item, rect = self._item_at(event.position().toPoint())
        if item is None or item.document is None or item.role == Role.ERROR:
            return super().mouseDoubleClickEvent(event)
        cursor = QTextCursor(item.document)
        cursor.setPosition(self._delegate().text_position(item, rect, event.position().toPoint()))
        cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        self.select_text(item, cursor.anchor(), cursor.position())
        self._selecting = None

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            text = self.selected_text()
            if text:
                self._delegate().copy_requested.emit(text)
            return
        if event.matches(QKeySequence.StandardKey.SelectAll) and self._selected is not None:
            item = self._selected
            self.select_text(item, 0, item.document.characterCount() - 1)
            return
        if (
            event.text()
            and event.text().isprintable()
            and not (
                event.modifiers()
                & (
                    Qt.KeyboardModifier.ControlModifier
                    | Qt.KeyboardModifier.AltModifier
                    | Qt.KeyboardModifier.MetaModifier
                )
            )
        ):
            self.typed.emit(event.text())  # typing goes on in the composer
            return
        super().keyPressEvent(event)

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            item, rect = self._item_at(event.pos())
            url = self._delegate().link_at(item, rect, event.pos()) if item is not None else None
            if url is None:
                QToolTip.hideText()
                return True
            # Where the link really goes, whatever its text says. Encoded, it holds no markup.
            QToolTip.showText(
                event.globalPos(),
                f"Opens {url.toString(QUrl.ComponentFormattingOption.FullyEncoded)}",
                self.viewport(),
            )
            return True
        return super().viewportEvent(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        item, rect = self._item_at(event.pos())
        if item is None:
            return
        delegate = self._delegate()
        menu = QMenu(self)
        selected = self.selected_text() if item is self._selected else ""
        copy = menu.addAction("Copy", lambda: delegate.copy_requested.emit(selected))
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setEnabled(bool(selected))
        menu.addAction("Copy message", lambda: delegate.copy_requested.emit(item.text))
        if item.document is not None:
            menu.addAction(
                "Select all", lambda: self.select_text(item, 0, item.document.characterCount() - 1)
            )
        if item.role == Role.ASSISTANT and item.text and not item.streaming:
            menu.addAction(
                STOP_READING_LABEL if item.reading_aloud else READ_ALOUD_LABEL,
                lambda: delegate.read_aloud_requested.emit(item),
            )
        if item.event_id and item.role != Role.ERROR and not item.streaming:
            menu.addSeparator()
            menu.addAction(
                "Branch to a new session", lambda: self.branch_requested.emit(item.event_id)
            )
            menu.addAction("Delete message", lambda: self.delete_requested.emit(item.event_id))
        url = delegate.link_at(item, rect, event.pos())
        if url is not None:
            menu.addSeparator()
            text = delegate.link_text_at(item, rect, event.pos())
            menu.addAction("Open link", lambda: delegate.link_clicked.emit(url, text))
            menu.addAction(
                "Copy link address", lambda: delegate.copy_requested.emit(url.toString())
            )
        self.context_menu = menu  # kept for tests; replaced by the next one
        menu.popup(event.globalPos())

    def _follow_value(self) -> int:
        """The scroll position that shows the newest text at the bottom of the view."""
        bar = self.verticalScrollBar()
        target = self.content_bottom() if self.content_bottom is not None else None
        if target is None:
            return bar.maximum()
        return max(bar.minimum(), min(bar.maximum(), target - self.viewport().height()))

    def _on_scrolled(self, value: int) -> None:
        follow_value = self._follow_value()  # where the text ends: measured once a scroll
        self._follow = value >= follow_value - FOLLOW_SLACK
        self._show_latest_button(follow_value)
        model = self.model()
        if (
            value < OLDER_MARGIN
            and isinstance(model, TranscriptModel)
            and model.has_older
            and not self._loading_older
        ):
            self._loading_older = True
            QTimer.singleShot(0, self, self.show_older)

    def show_older(self) -> None:
        """Bring in older messages above, keeping what the reader sees where it is."""
        self._loading_older = False
        model = self.model()
        if not isinstance(model, TranscriptModel) or not model.has_older or not model.items:
            return
        anchor = model.items[0]
        before = self.visualRect(model.index(0)).top()
        model.show_older()
        self.executeDelayedItemsLayout()
        after = self.visualRect(model.index(model.row_of(anchor))).top()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + after - before)

    def _show_latest_button(self, follow_value: int | None = None) -> None:
        if follow_value is None:
            follow_value = self._follow_value()
        away = self.verticalScrollBar().value() < follow_value - max(
            FOLLOW_SLACK, self.viewport().height() // 4
        )
        if away != self.latest_button.isVisible():
            self.latest_button.setVisible(away)
            self._place_latest_button()

    def _place_latest_button(self) -> None:
        button = self.latest_button
        button.adjustSize()
        area = self.viewport().geometry()
        button.move(area.center().x() - button.width() // 2, area.bottom() - button.height() - 12)
        button.raise_()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_latest_button()

    def _on_range_changed(self, _minimum: int, _maximum: int) -> None:
        self.keep_following()
        self._show_latest_button()

    def keep_following(self) -> None:
        if not self._follow:
            return
        bar = self.verticalScrollBar()
        text_end = self.content_bottom() if self.content_bottom is not None else None
        if text_end is None:
            bar.setValue(bar.maximum())
            return
        # While text streams in, the view moves in steps that leave a third of it free below
        # the text: what the user is reading stays still between steps, and a frame that does
        # not scroll repaints only the new text instead of the whole (see-through) view. A view
        # scrolled past the text, into the room the row keeps below it, comes back to it.
        height = self.viewport().height()
        jump = max(FOLLOW_SLACK, min(STREAM_FOLLOW_ROOM, height // 3))
        shown_end = text_end - bar.value()
        if not height - jump - FOLLOW_SLACK <= shown_end <= height - FOLLOW_SLACK:
            bar.setValue(max(bar.minimum(), min(bar.maximum(), text_end - height + jump)))

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


def build_transcript(
    theme: Theme,
    parent=None,
    view_class: type[TranscriptView] = TranscriptView,
) -> tuple[TranscriptView, TranscriptModel, MessageDelegate]:
    """A transcript view wired to its model and bubble delegate (the window and the benches)."""
    view = view_class(parent)
    model = TranscriptModel(view)
    delegate = MessageDelegate(view, theme)
    model.size_hint = delegate.size_hint
    view.setModel(model)
    view.setItemDelegate(delegate)
    return view, model, delegate


class StreamRenderer(QObject):
    """Collects streamed pieces and puts them on screen at most once per frame."""

    def __init__(self, model: TranscriptModel, delegate: MessageDelegate, item: MessageItem):
        super().__init__(model)
        self.model = model
        self.delegate = delegate
        self.item = item
        self.flushes = 0
        self._pending: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._height = -1.0
        self._shown_from: float | None = None  # where text changed since the view caught up
        self._frame_cost = 0.0  # s of CPU the last flush took
        self._lexing = False  # a code block is being lexed between frames
        item.streaming = True
        # Until the first words arrive the bubble shows the model is at work ("typing" dots).
        self._typing = QTimer(self)
        self._typing.setInterval(TYPING_STEP_MS)
        self._typing.timeout.connect(self._step_typing)
        if not item.text:
            self._typing.start()
        view = delegate.parent()
        self.view = view if isinstance(view, TranscriptView) else None
        if self.view is not None:
            self.view.content_bottom = self._content_bottom

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def _step_typing(self) -> None:
        if self.item.text or not self.item.streaming or self.item not in self.model.items:
            self._typing.stop()
        self.item.typing_phase += 1
        self.model.item_changed(self.item)

    def feed(self, piece: str) -> None:
        self._pending.append(piece)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        document = self.delegate.document_for(self.item)
        if not self._pending and not document.highlight_pending:
            return
        started = time.thread_time()
        self.item.text += "".join(self._pending)
        self._pending.clear()
        changed_from = document.tail_top()
        document.set_text(self.item.text, streaming=True, lex_budget=HIGHLIGHT_BUDGET_S)
        if document.lexing_pending and not self._lexing:
            self._lexing = True
            QTimer.singleShot(0, self, self._lex_more)
        elif document.highlight_pending and not self._timer.isActive():
            self._timer.start()  # a lexed block is shown in the next frame, even if no text arrives
        self.flushes += 1
        # The view catches up (new row height, following scroll, repaint) in a turn of the
        # event loop of its own, so input is handled between the two halves of a frame.
        if self._shown_from is None:
            QTimer.singleShot(0, self, self._show)
        if self._shown_from is None or changed_from < self._shown_from:
            self._shown_from = changed_from
        self._frame_cost = time.thread_time() - started

    def _lex_more(self) -> None:
        """Lex a waiting code block a slice per turn of the event loop, between frames."""
        if not self.item.streaming:
            self._lexing = False
            return  # finish() has lexed and shown everything
        document = self.delegate.document_for(self.item)
        document.lex_more(HIGHLIGHT_BUDGET_S)
        if document.lexing_pending:
            QTimer.singleShot(0, self, self._lex_more)
            return
        self._lexing = False
        self._timer.start(FLUSH_INTERVAL_MS)  # show the highlighted blocks without waiting

    def _show(self) -> None:
        changed_from, self._shown_from = self._shown_from, None
        if changed_from is None or not self.item.streaming:
            return  # finish() has shown the whole reply
        started = time.thread_time()
        self._resized(changed_from)
        cost = self._frame_cost + time.thread_time() - started
        if self.view is not None:
            cost += self.view.last_paint_cost  # the previous frame's: this one's is yet to come
        interval = round(cost / FRAME_CPU_SHARE * 1000)
        self._timer.setInterval(max(FLUSH_INTERVAL_MS, min(MAX_FLUSH_INTERVAL_MS, interval)))

    def finish(self, note: str | None = None, retryable: bool = False) -> None:
        """Flush the rest and render the reply once more as a whole, finished document."""
        self._timer.stop()
        self._typing.stop()
        self.item.text += "".join(self._pending)
        self._pending.clear()
        self.item.streaming = False
        self.item.note = note
        self.item.retryable = retryable
        stays = False
        if self.view is not None and self.view.content_bottom == self._content_bottom:
            self.view.content_bottom = None
            if self.view.following and self.item in self.model.items:
                # The row keeps reaching the bottom edge, so the view stays where it is rather
                # than jumping as the room below the text goes.
                row = self.view.visualRect(self.model.index(self.model.row_of(self.item)))
                self.item.min_height = max(0, self.view.viewport().height() - row.top())
                stays = True
        self.delegate.document_for(self.item).set_text(self.item.text, streaming=False)
        self._resized(follow=not stays)

    def _content_bottom(self) -> int | None:
        """Where the streamed text ends, in the view's content coordinates."""
        if self.item not in self.model.items:
            return None
        index = self.model.index(self.model.row_of(self.item))
        row = self.view.visualRect(index)
        height = self.delegate.document_for(self.item).size().height()
        return (
            row.top()
            + self.view.verticalScrollBar().value()
            + ROW_SPACING
            + int(height)
            + 2 * BUBBLE_PADDING
            + 2 * ROW_SPACING
        )

    def _resized(self, changed_from: float | None = None, follow: bool = True) -> None:
        index = self.model.index(self.model.row_of(self.item))
        view = self.delegate.parent()
        height = self.delegate.row_height(self.item, self.delegate.row_width())
        if height != self._height:
            # The view re-measures rows only when told a size hint changed, and then it
            # re-measures all of them; the row grows in steps so that stays rare.
            self._height = height
            self.delegate.sizeHintChanged.emit(index)
        if self.view is not None and follow:
            self.view.keep_following()
        if changed_from is None or not isinstance(view, QListView):
            self.model.dataChanged.emit(index, index)
            return
        # Repaint only the part of the bubble that changed: the tail. Repainting the whole
        # reply every frame would cost in proportion to its length on screen.
        row = view.visualRect(index)
        top = row.top() + ROW_SPACING + BUBBLE_PADDING + int(changed_from) - 2
        view.viewport().update(
            QRect(
                row.left(), max(row.top(), top), row.width(), row.bottom() - max(row.top(), top) + 1
            )
        )
