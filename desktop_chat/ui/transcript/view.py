"""TranscriptView: the scrolling list of bubbles. It follows new text only while the reader is
at the bottom, brings older messages in near the top, keeps the text still while rows above are
measured, and shows "↓ Latest" when the newest text is out of sight; selecting, copying and the
context menu are its TextInteraction part (text_interaction.py). build_transcript wires it to its
model and delegate."""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QToolButton, QWidget

from desktop_chat.ui.theme import Theme
from desktop_chat.ui.transcript.backdrop import Backdrop
from desktop_chat.ui.transcript.delegate import MessageDelegate
from desktop_chat.ui.transcript.frame_clock import FrameClock
from desktop_chat.ui.transcript.layout import (
    STREAM_FOLLOW_ROOM,
)
from desktop_chat.ui.transcript.model import MessageItem, TranscriptModel
from desktop_chat.ui.transcript.text_interaction import TextInteraction

translate = QCoreApplication.translate

# px: the least distance from the top at which the next older messages come in, and from the
# bottom at which parked newer rows come back (model.SHOWN_ROWS); see edge_margin.
EDGE_MARGIN = 600
FOLLOW_SLACK = 8  # px: how close to the bottom edge the text may come before the view steps
# Rows within this many view heights of the view are laid out before a scroll shows them: their
# estimated heights, swapped for the real ones at the first paint, would move the text on screen.
MEASURE_AHEAD = 1
# Rows within this many view heights are laid out while the event loop is idle, nearest first,
# so that a scroll finds them ready: one reply's document (Markdown, highlighted code) can take
# 20 ms to build, more than a frame, and a scroll bringing it near the view would stutter.
PREPARE_AHEAD = 3
PREPARE_SLICE_S = 0.004  # an idle turn lays rows out for about this long, then lets events in


class StreamedText(Protocol):
    """A reply streaming into the view (a StreamRenderer): while it streams, the view follows
    the end of its text, not the end of its row (which keeps room below the text)."""

    def content_bottom(self) -> int | None:
        """Where the streamed text ends, in the view's content coordinates; None once its row
        is gone."""
        ...


class TranscriptView(TextInteraction):
    """Scrolls per pixel and follows new text only while the user is at the bottom. Text is
    selected with the mouse (drag, double-click for a word), copied with Ctrl+C or the context
    menu; keys typed while the transcript has focus go to the composer (`typed`)."""

    typed = Signal(str)  # text typed while the transcript had focus
    branch_requested = Signal(str)  # the context menu's Branch: the message's event id
    delete_requested = Signal(str)  # the context menu's Delete message: its event id

    def __init__(self, parent=None):
        super().__init__(parent)
        # A viewport made in Python, set up as Qt sets up its own: handed Qt's, PySide would
        # build the class of every QWidget subclass (~35M instructions) before the window's
        # first paint, which shows the welcome page, not the transcript.
        viewport = QWidget(self)
        viewport.setObjectName("qt_scrollarea_viewport")
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self.setObjectName("Transcript")
        self.setAccessibleName(translate("Transcript", "Conversation transcript"))
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
        self._loading_newer = False
        self._measuring = False  # laying out the rows near the view (_measure_near_view)
        self._rewrapping = False  # laying every row out again (relayout_keeping_reader)
        self._exposed = QRect()  # what the paint event under way redraws (see exposed_rect)
        self._frame_clock = FrameClock(self)  # a streaming reply paces on the whole frame's cost
        self._backdrop = Backdrop(self.viewport())  # Qt paints nothing under the viewport
        self._stream: StreamedText | None = None  # the reply whose text end the view follows
        self.context_menu: QMenu | None = None  # the last one shown (tests read its actions)
        # Fires when the event loop has nothing else to do (a 0 ms timer): see _prepare_ahead.
        # Started by a paint, so laying rows out ahead never delays the frame a scroll, an
        # open or a resize asked for.
        self._prepare_wanted = False
        self._relayout_wanted = False  # heights changed out of sight: _prepare_ahead relayouts
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.setInterval(0)
        self._prepare_timer.timeout.connect(self._prepare_ahead)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        # Shown while the newest text is out of sight below: one click brings it back. A child
        # of the viewport, not a widget over it: Qt moves the pixels of a scrolled view only
        # when nothing overlaps it (it then puts the button back, scrollContentsBy).
        self.latest_button = QToolButton(self.viewport())
        self.latest_button.setObjectName("JumpToLatest")
        self.latest_button.setText(translate("Transcript", "↓ Latest"))
        self.latest_button.setAccessibleName(translate("Transcript", "Jump to the latest message"))
        self.latest_button.setToolTip(translate("Transcript", "Jump to the latest message"))
        self.latest_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.latest_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.latest_button.hide()
        self.latest_button.clicked.connect(self.follow_bottom)

    def paintEvent(self, event) -> None:  # noqa: N802
        self._exposed = event.rect()
        painter = QPainter(self.viewport())
        self._backdrop.paint(painter, event.rect())
        painter.end()
        try:
            super().paintEvent(event)
        finally:
            self._exposed = QRect()
        if self._prepare_wanted:
            self._prepare_wanted = False
            self._prepare_timer.start()

    def _prepare_after_paint(self) -> None:
        self._prepare_wanted = True

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        # Opaque, the viewport is scrolled by moving its pixels, backdrop and all, and only the
        # strip that comes into view is painted: right while the backdrop is the same down each
        # column. Otherwise the window's gradient must stay where it is: repaint the view.
        if dx == 0 and self._backdrop.same_down_each_column():
            super().scrollContentsBy(dx, dy)  # moves the viewport's children too
            if self.latest_button.isVisible():  # (a hidden one is placed when shown)
                self._place_latest_button()
            return
        viewport = self.viewport()
        viewport.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        try:
            super().scrollContentsBy(dx, dy)
        finally:
            viewport.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._frame_clock.watch()

    @property
    def last_paint_cost(self) -> float:
        """s of CPU the window's last repaint took: this view's paint, whatever Qt painted
        under it, and sending the pixels to the display."""
        return self._frame_clock.last_cost

    def exposed_rect(self) -> QRect:
        """The part of the viewport the paint event under way redraws (a null rect between
        paints): the delegate draws only text inside it (delegate.PaintsInParts)."""
        return self._exposed

    # -- following a streaming reply -------------------------------------------------
    def follow_stream(self, stream: StreamedText) -> None:
        """Follow where `stream`'s text ends, until it is released."""
        self._stream = stream

    def release_stream(self, stream: StreamedText) -> bool:
        """Stop following `stream`; False if it was not the one followed (a newer reply is)."""
        if self._stream is not stream:
            return False
        self._stream = None
        return True

    def text_end(self) -> int | None:
        """Where the streaming reply's text ends, in content coordinates; None when no reply
        streams (the view then follows the end of its last row)."""
        return self._stream.content_bottom() if self._stream is not None else None

    def _follow_value(self) -> int:
        """The scroll position that shows the newest text at the bottom of the view."""
        bar = self.verticalScrollBar()
        target = self.text_end()
        if target is None:
            return bar.maximum()
        return max(bar.minimum(), min(bar.maximum(), target - self.viewport().height()))

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        to_end = value >= bar.maximum()
        self._measure_near_view()  # may correct the value: read it again below
        if to_end and bar.value() < bar.maximum():
            # Scrolled to the end, the end it stays, however the rows near it measured: held
            # still, the view would stop short of it, no longer following new text.
            bar.setValue(bar.maximum())  # handled by the nested call
            return
        self._prepare_after_paint()
        value = bar.value()
        follow_value = self._follow_value()  # where the text ends: measured once a scroll
        model = self.model()
        if not isinstance(model, TranscriptModel):
            return
        self._follow = value >= follow_value - FOLLOW_SLACK and not model.has_newer
        self._show_latest_button(follow_value)
        margin = self.edge_margin()
        if value < margin and model.has_older and not self._loading_older:
            self._loading_older = True
            QTimer.singleShot(0, self, self.show_older)
        near_end = value > bar.maximum() - margin
        if near_end and model.has_newer and not self._loading_newer:
            self._loading_newer = True
            QTimer.singleShot(0, self, self.show_newer)

    def edge_margin(self) -> int:
        """How near (px) an end of the rows shown the view's top or bottom edge brings more rows
        in there: PREPARE_AHEAD view heights, so rows put there are beyond MEASURE_AHEAD, laid
        out in idle turns (_prepare_ahead) before a scroll brings them near, not all at once in
        the frame that brought them in (~20 ms for 120 rows)."""
        return max(EDGE_MARGIN, PREPARE_AHEAD * self.viewport().height())

    def _measure_near_view(self) -> None:
        """Lay out for real the rows in and near the view before they are painted. When that
        changes heights, relayout now and keep the first row starting in the view where it is
        on screen: rows above it change height out of sight, nothing the reader sees moves.
        Costs the rows that came near the view (a relayout asks every row's cached height);
        _prepare_ahead has usually laid them out already, in idle time."""
        model = self.model()
        if self._measuring or not isinstance(model, TranscriptModel) or not model.rowCount():
            return
        measure = self._delegate().measure
        self._measuring = True
        try:
            for _ in range(3):  # a correction can bring more rows near the view
                rows = self._rows_near_view(model.rowCount(), MEASURE_AHEAD)
                changed = [row for row in rows if measure(model.item_at(row))]
                if not changed:
                    return
                self._relayout_keeping(rows)
        finally:
            self._measuring = False

    def _prepare_ahead(self) -> None:
        """Lay out, nearest first, the rows within PREPARE_AHEAD view heights that still have
        estimated heights, in steps (MessageLayout.layout_steps): one step, then more while
        their estimates fit in PREPARE_SLICE_S; then come back once the events that arrived
        meanwhile are handled, until every such row is laid out. Heights changed out of sight
        are relaid out in an idle turn of their own (a relayout of the rows shown costs ~4 ms:
        with a slice's steps, a frame due meanwhile would wait too long); changed in sight,
        at once (a row must never be painted where its estimate put it)."""
        model = self.model()
        if self._measuring or not isinstance(model, TranscriptModel) or not model.rowCount():
            return
        shown = self._rows_near_view(model.rowCount(), 0)
        if self._relayout_wanted:
            self._relayout_keeping(shown)
            self._prepare_timer.start()  # rows may still wait
            return
        delegate = self._delegate()
        waiting = sorted(
            (
                row
                for row in self._rows_near_view(model.rowCount(), PREPARE_AHEAD)
                if not delegate.laid_out(model.item_at(row))
            ),
            key=lambda row: shown.start - row if row < shown.start else row - shown.stop,
        )
        steps = (
            (row, step) for row in waiting for step in delegate.layout_steps(model.item_at(row))
        )
        deadline = time.perf_counter() + PREPARE_SLICE_S
        worked = changed = changed_in_sight = False
        self._measuring = True
        try:
            for row, (estimate, step) in steps:
                if worked and time.perf_counter() + estimate > deadline:
                    self._prepare_timer.start()  # the rest in the next idle turn
                    break
                if step():
                    changed = True
                    changed_in_sight = changed_in_sight or row in shown
                worked = True
            if changed_in_sight:
                self._relayout_keeping(shown)
            elif changed:
                self._relayout_wanted = True
                self._prepare_timer.start()
        finally:
            self._measuring = False

    def _relayout_keeping(self, rows: range) -> None:
        """Relayout every row (their heights have changed), keeping the row the reader's eyes
        are on (_anchor_row of `rows`) where it is on screen. A view following the newest text
        goes on following it: kept still, it would end by what the rows above grew short of
        the bottom, and a reply would then stream on out of sight."""
        self._relayout_wanted = False
        model = self.model()
        bar = self.verticalScrollBar()
        following = self._follow and bar.value() >= self._follow_value() - FOLLOW_SLACK
        anchor = self._anchor_row(rows)
        before = self.visualRect(model.index(anchor)).top()
        self.scheduleDelayedItemsLayout()
        self.executeDelayedItemsLayout()
        moved = self.visualRect(model.index(anchor)).top() - before
        bar.setValue(bar.value() + moved)
        if following:
            self._follow = True
            self.keep_following()
            self._show_latest_button()

    def _rows_near_view(self, count: int, ahead: float) -> range:
        """The rows within `ahead` view heights of the view (as laid out now)."""
        height = self.viewport().height()
        margin = ahead * height
        first = self.indexAt(QPoint(1, 0)).row()
        if first < 0:  # the view's top edge is below the last row (or in no row)
            first = count - 1
        last = first
        while first > 0 and self.visualRect(self.model().index(first - 1)).bottom() > -margin:
            first -= 1
        while last < count - 1 and self.visualRect(self.model().index(last + 1)).top() < (
            height + margin
        ):
            last += 1
        return range(first, last + 1)

    def _anchor_row(self, rows: range) -> int:
        """The row the reader's eyes are on: the first one whose top is in the view (else the
        one covering the view's top edge)."""
        for row in rows:
            top = self.visualRect(self.model().index(row)).top()
            if top >= 0:
                return row if top < self.viewport().height() or row == rows.start else row - 1
        return rows.stop - 1

    def show_older(self) -> None:
        """Bring in older messages above, keeping what the reader sees where it is."""
        self._loading_older = False
        model = self.model()
        if not isinstance(model, TranscriptModel) or not model.has_older or not model.rowCount():
            return
        self._keeping_still(model.item_at(0), model.show_older)

    def show_newer(self) -> None:
        """Bring parked newer rows back below (the rows far above are parked in their place),
        keeping what the reader sees where it is."""
        self._loading_newer = False
        model = self.model()
        if not isinstance(model, TranscriptModel) or not model.has_newer or not model.rowCount():
            return
        self._keeping_still(model.item_at(model.rowCount() - 1), model.show_newer)

    def _keeping_still(self, anchor: MessageItem, change) -> None:
        """Change the rows shown (`change`), then scroll so `anchor` is where it was on screen."""
        model = self.model()
        before = self.visualRect(model.index_of(anchor)).top()
        change()
        self.executeDelayedItemsLayout()
        after = self.visualRect(model.index_of(anchor)).top()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + after - before)

    def _show_latest_button(self, follow_value: int | None = None) -> None:
        if follow_value is None:
            follow_value = self._follow_value()
        model = self.model()
        away = self.verticalScrollBar().value() < follow_value - max(
            FOLLOW_SLACK, self.viewport().height() // 4
        ) or (isinstance(model, TranscriptModel) and model.has_newer)
        if away != self.latest_button.isVisible():
            self.latest_button.setVisible(away)
            self._place_latest_button()

    def _place_latest_button(self) -> None:
        button = self.latest_button
        button.adjustSize()
        area = self.viewport().rect()
        button.move(area.center().x() - button.width() // 2, area.bottom() - button.height() - 12)
        button.raise_()

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._keep_room_on_screen(event.size().height() - event.oldSize().height())
        super().resizeEvent(event)
        self._place_latest_button()
        self._prepare_after_paint()

    def viewportEvent(self, event) -> bool:  # noqa: N802
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Type.Resize and event.size().width() != event.oldSize().width():
            self._rewrap()
        return handled

    def _rewrap(self) -> None:
        """Rows are as wide as the viewport, so a new width (the window resized, the session
        panel hidden or shown, the scroll bar shown) changes their heights, but QListView
        lays rows out again by itself only when its height changes (the way its rows flow):
        without this, rows would be painted where their old heights put them, over one another.
        Rows away from the view let their documents go first: laying out every document held
        again at each step of a resize costs ~0.4 ms a row."""
        model = self.model()
        if not isinstance(model, TranscriptModel) or not model.rowCount():
            return
        if self._measuring or self._rewrapping:  # the scroll bar came or went meanwhile
            QTimer.singleShot(0, self, self._rewrap)
            return
        model.let_go_of_documents(self._rows_near_view(model.rowCount(), MEASURE_AHEAD))
        self.relayout_keeping_reader()

    def relayout_keeping_reader(self) -> None:
        """Every row's height has changed (a new width, text size or theme): lay them out
        again now, the row the reader's eyes are on staying where it is on screen (a view
        following the newest text goes on following it), then the rows near the view for real."""
        model = self.model()
        if not isinstance(model, TranscriptModel) or not model.rowCount():
            return
        shown = self._rows_near_view(model.rowCount(), 0)
        anchor = model.item_at(self._anchor_row(shown))
        top = self.visualRect(model.index_of(anchor)).top()
        self._rewrapping = True
        try:
            self._relayout_keeping(shown)
            self._measure_near_view()
            if not self._follow:  # measured, the rows may have made another the first in view
                bar = self.verticalScrollBar()
                bar.setValue(bar.value() + self.visualRect(model.index_of(anchor)).top() - top)
        finally:
            self._rewrapping = False
        self._prepare_after_paint()

    def reset(self) -> None:  # a session opened (the model was reset)
        super().reset()
        self._prepare_after_paint()

    def rowsInserted(self, parent, start: int, end: int) -> None:  # noqa: N802 - older rows
        super().rowsInserted(parent, start, end)
        self._prepare_after_paint()

    def _keep_room_on_screen(self, grown: int) -> None:
        """A reply that has just streamed keeps room below it down to the bottom edge
        (MessageItem.min_height). When the view gets shorter or taller (the composer grows
        with chips, or shrinks back), that room changes with it, so the rows above stay where
        they are on screen instead of the question scrolling out at the top."""
        model = self.model()
        if not grown or not isinstance(model, TranscriptModel) or not model.items:
            return
        last = model.items[-1]
        if last.min_height <= 0 or last.streaming or model.has_newer:
            return
        last.min_height = max(1, last.min_height + grown)
        self._delegate().sizeHintChanged.emit(model.index_of(last))

    def _on_range_changed(self, _minimum: int, _maximum: int) -> None:
        self.keep_following()
        self._show_latest_button()

    def keep_following(self) -> None:
        if not self._follow:
            return
        bar = self.verticalScrollBar()
        text_end = self.text_end()
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
        model = self.model()
        if isinstance(model, TranscriptModel):
            model.show_newest()
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
    delegate = MessageDelegate(view, theme)
    model = TranscriptModel(view, size_hint=delegate.size_hint)
    view.setModel(model)
    view.setItemDelegate(delegate)
    return view, model, delegate
