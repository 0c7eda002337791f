"""The transcript's rows: one MessageItem per message held, in a list model that opens a
session at its newest messages and brings older ones in as the reader scrolls up. The view is
given a window of at most SHOWN_ROWS of them: the rows the reader has scrolled far away from are
parked (kept, their documents let go) and come back when the reader scrolls towards them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
)

from desktop_chat.models import Event, EventType, attachment_entries, utc_now
from desktop_chat.ui.attachment_view import describe_entries
from desktop_chat.ui.language import clock_time
from desktop_chat.ui.message_document import MessageDocument, Role

translate = QCoreApplication.translate

# The newest messages a session opens with; each relayout measures every row, so a session of
# 10,000 messages costs no more to open, or to stream into, than one of this many.
WINDOW_ROWS = 120
# The most rows the view is given at once. A reader scrolling up through thousands of messages
# would otherwise leave every one of them in the view: each relayout asks every row (~8 us a
# row: 37 ms with 4,000) and each row read keeps its document (~90 KB: 380 MB with 4,000).
SHOWN_ROWS = 3 * WINDOW_ROWS
# Parked rows' documents are let go this many an event loop turn: a document's teardown costs
# ~60 us, and 120 of them in the turn that parks the rows would cost a frame.
RELEASE_BATCH = 20
ItemRole = Qt.ItemDataRole.UserRole + 1
_SIZE_HINT_ROLE = Qt.ItemDataRole.SizeHintRole
_ROOT = QModelIndex()  # the list's (invalid) parent index


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
    attachments: list[dict] = field(default_factory=list)  # the payload's (ui/attachment_view.py)
    document: MessageDocument | None = field(default=None, repr=False)
    reasoning: str = ""  # the model's thinking (ui/reasoning_view.py), apart from the text
    thinking_open: bool = False
    sources: list[dict] = field(default_factory=list)  # web search (ui/sources_view.py)
    extras: dict = field(default_factory=dict, repr=False)  # their layout caches and state

    @classmethod
    def from_event(cls, event: Event) -> MessageItem:
        role = {
            EventType.USER_MESSAGE: Role.USER,
            EventType.AI_RESPONSE: Role.ASSISTANT,
            EventType.SUMMARY: Role.SUMMARY,
        }[event.type]
        note = None
        if event.interrupted:
            # The reason is stored in English (core/chat.py's constants) or, for a server's
            # error, in the words it was shown in; a stored constant is worded here.
            reason = event.payload.get("error")
            reason = (
                translate("ChatService", str(reason))
                if reason
                else translate("Transcript", "the reply did not finish.")
            )
            note = translate("Transcript", "Interrupted: {reason}").format(reason=reason)
        model = event.payload.get("model")
        reasoning = event.payload.get("reasoning")
        sources = event.payload.get("sources")
        usage = {k: event.payload.get(k) for k in ("usage", "cost")}
        return cls(
            role=role,
            text=event.text,
            event_id=event.event_id,
            note=note,
            timestamp=event.timestamp,
            model=model if isinstance(model, str) else None,
            attachments=attachment_entries(event.payload),
            reasoning=reasoning if isinstance(reasoning, str) else "",
            sources=[s for s in sources if isinstance(s, dict)]
            if isinstance(sources, list)
            else [],
            extras={"usage": usage} if usage["usage"] else {},
        )

    @property
    def accessible_text(self) -> str:
        """What a screen reader says for this row: who wrote it, when, which version, the text
        (e.g. "Assistant, 14:05, version 2 of 3: Hello"); the typing dots read as words."""
        who = {
            Role.USER: translate("Transcript", "You"),
            Role.ASSISTANT: translate("Transcript", "Assistant"),
            Role.SUMMARY: translate("Transcript", "Summary"),
            Role.ERROR: translate("Transcript", "Error"),
        }[self.role]
        if self.streaming and not self.text:
            return translate("Transcript", "{who} is replying…").format(who=who)
        parts = [who]
        if self.timestamp is not None:
            parts.append(clock_time(self.timestamp))
        if self.versions is not None and self.versions[1] > 1:
            parts.append(
                translate("Transcript", "version {number} of {count}").format(
                    number=self.versions[0], count=self.versions[1]
                )
            )
        if self.streaming:
            parts.append(translate("Transcript", "still replying"))
        if self.reasoning:  # the Thinking section (ui/reasoning_view.py): say it is there
            parts.append(
                translate("Transcript", "thinking shown, Enter toggles")
                if self.thinking_open
                else translate("Transcript", "thinking hidden, Enter toggles")
            )
        attached = describe_entries(self.attachments)
        said = f"{self.text} ({attached})" if attached and self.text else (self.text or attached)
        text = f": {said}" + (f" ({self.note})" if self.note else "")
        if self.sources:
            text += " (" + translate("Transcript", "%n sources", None, len(self.sources)) + ")"
        return ", ".join(parts) + text


class TranscriptModel(QAbstractListModel):
    # Fewer older messages wait in memory than the next show_older takes, and the store holds
    # more above them: ui/transcript_pages.py fetches the next page (add_older).
    older_wanted = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        size_hint: Callable[[MessageItem], QSize] | None = None,
    ):
        super().__init__(parent)
        # Every row held, oldest first: the newest part of the branch (what controllers read).
        # The view is given items[_first:_end]; the rows before and after it are parked.
        self.items: list[MessageItem] = []
        self._first = 0
        self._end = 0
        self._older: list[Event] = []  # the session's messages above the first row, oldest first
        self.more_in_store = False  # the store holds older messages than _older
        self.generation = 0  # counts set_events, so a page fetched for an earlier one is dropped
        self._versions: dict[str, tuple[int, int]] = {}  # (which, of how many) by event id
        # Answers SizeHintRole (the delegate's size_hint, given by build_transcript). The view
        # asks every row at each relayout; through the model, Qt's own delegate sizeHint asks
        # Python one cheap question instead of a Python sizeHint wrapping a style option.
        self._size_hint = size_hint
        self._to_release: list[MessageItem] = []  # parked rows whose documents are to go
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(0)
        self._release_timer.timeout.connect(self._release_some)

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._end - self._first

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if not 0 <= row < self._end - self._first:
            return None
        item = self.items[self._first + row]
        if role == _SIZE_HINT_ROLE:
            return self._size_hint(item) if self._size_hint is not None else None
        if role == ItemRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return item.accessible_text
        return None

    def set_events(
        self,
        events: list[Event],
        versions: dict[str, tuple[int, int]] | None = None,
        more_in_store: bool = False,
    ) -> None:
        """Show a session: its newest messages at once, older ones as the reader scrolls up
        (show_older), so opening and streaming cost the same in a long session as a short one.
        `versions`: (which, of how many) by event id, for the "‹ n/m ›" switchers.
        `more_in_store`: `events` is the newest part of the branch; older_wanted asks for more."""
        self.beginResetModel()
        self.generation += 1
        cut = max(0, len(events) - WINDOW_ROWS)
        self._older = events[:cut]
        self.more_in_store = more_in_store
        self._versions = versions or {}
        self.items = [self._item_of(e) for e in events[cut:]]
        self._first, self._end = 0, len(self.items)
        if self.items and self.items[-1].role == Role.ASSISTANT and self.items[-1].note:
            # A reply cut short by a crash or a fault: offer to answer again (Ctrl+R too).
            self.items[-1].retryable = True
        self.endResetModel()
        self._want_older()

    @property
    def has_older(self) -> bool:
        """Older messages of the session wait above the first row shown."""
        return self._first > 0 or bool(self._older) or self.more_in_store

    @property
    def has_newer(self) -> bool:
        """Newer rows are parked below the last row shown: the newest message is not shown."""
        return self._end < len(self.items)

    @property
    def oldest_event_id(self) -> str | None:
        """The oldest message the model holds (shown or waiting): the next page ends above it."""
        if self._older:
            return self._older[0].event_id
        return next((item.event_id for item in self.items if item.event_id), None)

    def add_older(self, events: list[Event], versions: dict[str, tuple[int, int]]) -> None:
        """A page fetched from the store, the part of the branch right above what the model
        holds (oldest first); an empty one: nothing more above."""
        self._older[0:0] = events
        self._versions.update(versions)
        self.more_in_store = bool(events) and events[0].parent_id is not None
        self._want_older()

    def show_older(self, count: int = WINDOW_ROWS) -> int:
        """Put up to `count` more of the older messages above the first row; how many came.
        Rows beyond SHOWN_ROWS are parked at the bottom (far below the reader, at the top)."""
        shown = min(count, self._first)
        if shown:  # rows parked above come back first
            self.beginInsertRows(_ROOT, 0, shown - 1)
            self._first -= shown
            self.endInsertRows()
        batch = self._older[-(count - shown) :] if count > shown else []
        if batch:
            del self._older[-len(batch) :]
            self.beginInsertRows(_ROOT, 0, len(batch) - 1)
            self.items[0:0] = [self._item_of(e) for e in batch]
            self._end += len(batch)
            self.endInsertRows()
        if self._end - self._first > SHOWN_ROWS:
            self._park(self._first + SHOWN_ROWS, self._end)
        self._want_older()
        return shown + len(batch)

    def show_newer(self, count: int = WINDOW_ROWS) -> int:
        """Put up to `count` parked rows back below the last row; how many came. Rows beyond
        SHOWN_ROWS are parked at the top (far above the reader, at the bottom)."""
        shown = min(count, len(self.items) - self._end)
        if shown:
            last_shown = self._end - self._first
            self.beginInsertRows(_ROOT, last_shown, last_shown + shown - 1)
            self._end += shown
            self.endInsertRows()
        if self._end - self._first > SHOWN_ROWS:
            self._park(self._first, self._end - SHOWN_ROWS)
        return shown

    def show_newest(self) -> None:
        """Give the view the newest rows again (a reader far up went back to the latest)."""
        if self.has_newer:
            self._show_around(len(self.items) - 1)

    def _show_around(self, position: int) -> None:
        """Show the rows around items[position] instead of the window shown (a jump)."""
        end = min(len(self.items), max(position + 1 + WINDOW_ROWS, 2 * WINDOW_ROWS))
        first = max(0, end - 2 * WINDOW_ROWS)
        self.beginResetModel()
        self._release(range(self._first, min(self._end, first)))
        self._release(range(max(self._first, end), self._end))
        self._first, self._end = first, end
        self.endResetModel()

    def _park(self, start: int, stop: int) -> None:
        """Take items[start:stop], at an end of the window, out of the view."""
        self.beginRemoveRows(_ROOT, start - self._first, stop - 1 - self._first)
        if start == self._first:
            self._first = stop
        else:
            self._end = start
        self.endRemoveRows()
        self._release(range(start, stop))

    def _release(self, positions: range) -> None:
        """Let the documents of parked rows go (rebuilt if they are shown again), a batch an
        event loop turn, after the frame that parked them."""
        self._to_release += self.items[positions.start : positions.stop]
        self._release_timer.start()

    def _release_some(self) -> None:
        """A batch of _to_release: each still parked lets its documents go, except the one
        streaming or holding the reader's selection."""
        batch = self._to_release[-RELEASE_BATCH:]
        del self._to_release[-RELEASE_BATCH:]
        shown = {id(item) for item in self.items[self._first : self._end]}
        for item in batch:
            if id(item) not in shown:
                _let_go_of_document(item)
        if self._to_release:
            self._release_timer.start()

    def let_go_of_documents(self, keep: range) -> None:
        """The documents of the rows shown outside `keep` go, as parked rows' do: laid out
        again from estimates as they come near the view (TranscriptView._rewrap: a new width
        would otherwise lay out every document held, ~0.4 ms each, at each step of a resize)."""
        for row, item in enumerate(self.items[self._first : self._end]):
            if row not in keep:
                _let_go_of_document(item)

    def _want_older(self) -> None:
        if self.more_in_store and len(self._older) < WINDOW_ROWS:
            self.older_wanted.emit()

    def _item_of(self, event: Event) -> MessageItem:
        item = MessageItem.from_event(event)
        item.versions = self._versions.get(event.event_id)
        return item

    def take_from(self, row: int) -> list[MessageItem]:
        """Remove the rows from items[row] to the end; returns them (to put back with
        insert_items)."""
        taken = self.items[row:]
        shown = range(max(row, self._first), self._end)
        if shown:
            self.beginRemoveRows(_ROOT, shown.start - self._first, shown.stop - 1 - self._first)
        del self.items[row:]
        self._end = min(self._end, row)
        self._first = min(self._first, self._end)
        if shown:
            self.endRemoveRows()
        return taken

    def insert_items(self, row: int, items: list[MessageItem]) -> None:
        """Put `items` in at items[row]: shown when that is in the window or at its ends."""
        if not items:
            return
        if not self._first <= row <= self._end:
            self.items[row:row] = items
            if row < self._first:
                self._first += len(items)
                self._end += len(items)
            return
        self.beginInsertRows(_ROOT, row - self._first, row - self._first + len(items) - 1)
        self.items[row:row] = items
        self._end += len(items)
        self.endInsertRows()

    def reveal(self, event_id: str) -> int:
        """The position in items of a message, bringing older messages in until it is held
        and showing the rows around it; -1 if none."""
        while True:
            row = next((r for r, item in enumerate(self.items) if item.event_id == event_id), -1)
            if row >= 0:
                if not self._first <= row < self._end:
                    self._show_around(row)
                return row
            if not self.show_older():
                return -1

    def append(self, item: MessageItem) -> int:
        """Add a row at the end (shown when the newest rows are); its position in items."""
        row = len(self.items)
        if self.items:
            self.items[-1].min_height = 0
        if self.has_newer:
            self.items.append(item)
            return row
        self.beginInsertRows(_ROOT, row - self._first, row - self._first)
        self.items.append(item)
        self._end += 1
        self.endInsertRows()
        return row

    def remove(self, item: MessageItem) -> None:
        """Take one row out (a reply that failed before its first word)."""
        row = next((r for r, candidate in enumerate(self.items) if candidate is item), -1)
        if row >= 0:
            self._remove_at(row)

    def remove_errors(self) -> None:
        for row in reversed(range(len(self.items))):
            if self.items[row].role == Role.ERROR:
                self._remove_at(row)

    def _remove_at(self, row: int) -> None:
        shown = self._first <= row < self._end
        if shown:
            self.beginRemoveRows(_ROOT, row - self._first, row - self._first)
        del self.items[row]
        if row < self._end:
            self._end -= 1
        if row < self._first:
            self._first -= 1
        if shown:
            self.endRemoveRows()

    def last_reply(self) -> MessageItem | None:
        """The newest reply, which Regenerate answers again."""
        for item in reversed(self.items[-3:]):
            if item.role == Role.ASSISTANT:
                return item
        return None

    def row_of(self, item: MessageItem) -> int:
        """The position of a row in items (take_from's and insert_items' row); -1 for an item
        not held (one a session change or a removal took away)."""
        if self.items and self.items[-1] is item:
            return len(self.items) - 1  # the streaming reply, asked for at every flush
        return next((i for i, candidate in enumerate(self.items) if candidate is item), -1)

    def index_of(self, item: MessageItem) -> QModelIndex:
        """The view's index of a row held; an invalid one while the row is parked or for an
        item not held."""
        row = self.row_of(item)
        if not self._first <= row < self._end:
            return QModelIndex()
        return self.index(row - self._first)

    def item_at(self, row: int) -> MessageItem:
        """The item of the view's row `row`."""
        return self.items[self._first + row]

    def item_changed(self, item: MessageItem) -> None:
        index = self.index_of(item)
        if index.isValid():
            self.dataChanged.emit(index, index)


def _let_go_of_document(item: MessageItem) -> None:
    """Drop a row's documents (rebuilt when it is shown), unless it streams or holds the
    reader's selection."""
    if not item.streaming and item.selection is None:
        item.document = None
        item.extras.pop("reasoning_doc", None)
