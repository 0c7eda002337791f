"""StreamRenderer: puts a reply on screen as it streams. Pieces are buffered and shown at most
10 times a second: the first piece after a pause at once, the next ones when the frame interval
is over. Frames are paced to the machine (about 10% of a core for the whole frame, its paint
included), and the view catches up (row height, scroll, repaint of the changed tail) in a turn
of the event loop of its own."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtWidgets import QListView

from desktop_chat.ui import reasoning_view
from desktop_chat.ui.transcript.delegate import MessageDelegate
from desktop_chat.ui.transcript.layout import BUBBLE_PADDING, ROW_SPACING
from desktop_chat.ui.transcript.model import MessageItem, TranscriptModel
from desktop_chat.ui.transcript.view import TranscriptView

# ms between frames, at least: text is not moving but growing, and a few words every 100 ms
# read as a steady flow (Groq's 1,000 tokens/s came at this pace already, paced on the frames'
# cost), while each frame (the new text's layout, its paint, sending it to the display) costs
# the same whether it brings one word or ten: a whole frame costs ~4.5 ms of the main thread in
# the real window on the 2-core test machine, so at 100 tokens/s 20 frames a second took ~7% of
# a core and 10 take under 5%. The reply's reads come at this pace too (llm/groq_client.py,
# READ_INTERVAL), so a read and the frame showing it are one wake-up. A piece after a pause
# is shown at once.
FLUSH_INTERVAL_MS = 100
# s: how long one turn of the event loop may spend lexing finished code blocks; meanwhile the
# block is shown unhighlighted.
HIGHLIGHT_BUDGET_S = 0.001
# The renderer paces its frames to use about this share of a core: a frame that cost 8 ms (its
# text, the view catching up, the window's repaint) is followed by the next one 100 ms later, a
# frame that cost 13 ms 130 ms later (at 1,000 tokens/s on the 2-core test machine: ~8 frames
# a second, each bringing ~130 tokens), one that cost more 150 ms later.
FRAME_CPU_SHARE = 0.10
MAX_FLUSH_INTERVAL_MS = 150
TYPING_STEP_MS = 350


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
        self._timer.timeout.connect(self.flush)
        self._interval = FLUSH_INTERVAL_MS  # ms: paced on the frames' cost (_show)
        self._frame_at = -1.0  # time.monotonic() of the last frame
        self._height = -1.0
        self._shown_from: float | None = None  # where text changed since the view caught up
        self._painted_to = 0  # px: the text's height in the last repainted frame
        self._bubble_width = -1  # px: the bubble's width in the last repainted frame
        self._frame_cost = 0.0  # s of CPU the last flush took
        self._lexing = False  # a code block is being lexed between frames
        self._thinking_changed = False  # reasoning came (or the answer began) since the flush
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
            self.view.follow_stream(self)

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    @property
    def interval_ms(self) -> int:
        """How long after a frame the next one comes, at the soonest (paced on their cost)."""
        return self._interval

    def _schedule(self) -> None:
        """Flush when the frame interval since the last frame is over: at once (after the
        pieces that came with this one) if it is already."""
        if not self._timer.isActive():
            since = time.monotonic() - self._frame_at
            self._timer.start(max(0, round(self._interval - since * 1000)))

    def _step_typing(self) -> None:
        if self.item.text or not self.item.streaming or self.item not in self.model.items:
            self._typing.stop()
        self.item.typing_phase += 1
        self.model.item_changed(self.item)

    def feed(self, piece: str) -> None:
        if reasoning_view.is_reasoning(piece):
            reasoning_view.on_reasoning(self.item, piece)
            self._thinking_changed = True
        else:
            if not self._pending and not self.item.text:
                reasoning_view.on_answer_started(self.item)
                self._thinking_changed = True
            self._pending.append(piece)
        self._schedule()

    def flush(self) -> None:
        document = self.delegate.document_for(self.item)
        if self._thinking_changed:
            self._thinking_changed = False
            self._resized()  # the section above the bubble grew, opened or closed
        if not self._pending and not document.highlight_pending:
            return
        started = time.thread_time()
        self._frame_at = time.monotonic()
        self.item.text += "".join(self._pending)
        self._pending.clear()
        document.set_text(self.item.text, streaming=True, lex_budget=HIGHLIGHT_BUDGET_S)
        changed_from = document.changed_from  # the first line that looks different, if any
        if document.lexing_pending and not self._lexing:
            self._lexing = True
            QTimer.singleShot(0, self, self._lex_more)
        elif document.highlight_pending:
            self._schedule()  # a lexed block is shown in the next frame, even if no text arrives
        self.flushes += 1
        # The view catches up (new row height, following scroll, repaint) in a turn of the
        # event loop of its own, so input is handled between the two halves of a frame. A
        # frame that changed nothing on screen (spaces at the end of a line) shows nothing.
        if changed_from is not None:
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
        self._timer.stop()
        self._schedule()  # show the highlighted blocks at the next frame

    def _show(self) -> None:
        changed_from, self._shown_from = self._shown_from, None
        if changed_from is None or not self.item.streaming:
            return  # finish() has shown the whole reply
        started = time.thread_time()
        self._resized(changed_from)
        cost = self._frame_cost + time.thread_time() - started
        if self.view is not None:
            # The window's last repaint (the previous frame's: this one's is yet to come).
            cost += self.view.last_paint_cost
        interval = round(cost / FRAME_CPU_SHARE * 1000)
        self._interval = max(FLUSH_INTERVAL_MS, min(MAX_FLUSH_INTERVAL_MS, interval))

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
        released = self.view is not None and self.view.release_stream(self)
        if released and self.view.following and self.item in self.model.items:
            # The row keeps reaching the bottom edge, so the view stays where it is rather
            # than jumping as the room below the text goes.
            row = self.view.visualRect(self.model.index_of(self.item))
            self.item.min_height = max(0, self.view.viewport().height() - row.top())
            stays = True
        self.delegate.document_for(self.item).set_text(self.item.text, streaming=False)
        self._resized(follow=not stays)

    def content_bottom(self) -> int | None:
        """Where the streamed text ends, in the view's content coordinates (view.StreamedText)."""
        if self.item not in self.model.items:
            return None
        index = self.model.index_of(self.item)
        if not index.isValid():
            return None  # parked: the reader is far up (model.SHOWN_ROWS)
        row = self.view.visualRect(index)
        height = self.delegate.document_for(self.item).size().height()
        return (
            row.top()
            + self.view.verticalScrollBar().value()
            + ROW_SPACING
            + reasoning_view.height(self.delegate, self.item, self.delegate.row_width())
            + int(height)
            + 2 * BUBBLE_PADDING
            + 2 * ROW_SPACING
        )

    def _resized(self, changed_from: float | None = None, follow: bool = True) -> None:
        index = self.model.index_of(self.item)
        if not index.isValid():
            return  # parked: shown, at its height then, when the reader comes back down
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
        row = view.visualRect(index)
        width = self.delegate.bubble_rect(self.item, row).width()
        if width != self._bubble_width:
            # All of the row: a bubble that fits its text widens with it, along all its lines.
            self._bubble_width = width
            self.model.dataChanged.emit(index, index)
            return
        # Repaint only the part of the bubble that changed: from the first line that looks
        # different (MessageDocument.changed_from, mostly the last line), down to the bubble's
        # bottom edge (now or in the last frame, if the text got shorter). Repainting the whole
        # reply, or its open paragraph, every frame would cost in proportion to its length on
        # screen; the room below the bubble (up to STREAM_FOLLOW_ROOM and the height step) has
        # not changed.
        text_bottom = int(self.delegate.document_for(self.item).size().height())
        painted_to, self._painted_to = max(self._painted_to, text_bottom), text_bottom
        # The bubble sits under the Thinking section (ui/reasoning_view.py), if any.
        above = reasoning_view.height(self.delegate, self.item, self.delegate.row_width())
        text_top = row.top() + ROW_SPACING + above
        top = max(row.top(), text_top + BUBBLE_PADDING + int(changed_from) - 2)
        bottom = min(row.bottom(), text_top + 2 * BUBBLE_PADDING + painted_to + 2)
        view.viewport().update(QRect(row.left(), top, row.width(), max(0, bottom - top + 1)))
