"""TranscriptView: the scrolling list of bubbles. It follows new text only while the reader is
at the bottom, selects and copies text, brings older messages in near the top, and shows
"↓ Latest" when the newest text is out of sight. build_transcript wires it to its model and
delegate."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QKeySequence, QPainter, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QToolButton, QToolTip

from desktop_chat.ui.message_document import Role
from desktop_chat.ui.theme import Theme
from desktop_chat.ui.transcript.backdrop import Backdrop
from desktop_chat.ui.transcript.delegate import MessageDelegate
from desktop_chat.ui.transcript.frame_clock import FrameClock
from desktop_chat.ui.transcript.layout import (
    READ_ALOUD_LABEL,
    STOP_READING_LABEL,
    STREAM_FOLLOW_ROOM,
    shown_label,
)
from desktop_chat.ui.transcript.model import ItemRole, MessageItem, TranscriptModel

translate = QCoreApplication.translate

OLDER_MARGIN = 600  # px from the top at which the next older messages come in
FOLLOW_SLACK = 8  # px: how close to the bottom edge the text may come before the view steps
# Rows within this many view heights of the view are laid out before a scroll shows them: their
# estimated heights, swapped for the real ones at the first paint, would move the text on screen.
MEASURE_AHEAD = 1


class StreamedText(Protocol):
    """A reply streaming into the view (a StreamRenderer): while it streams, the view follows
    the end of its text, not the end of its row (which keeps room below the text)."""

    def content_bottom(self) -> int | None:
        """Where the streamed text ends, in the view's content coordinates; None once its row
        is gone."""
        ...


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
        self._measuring = False  # laying out the rows near the view (_measure_near_view)
        self._exposed = QRect()  # what the paint event under way redraws (see exposed_rect)
        self._frame_clock = FrameClock(self)  # a streaming reply paces on the whole frame's cost
        self._backdrop = Backdrop(self.viewport())  # Qt paints nothing under the viewport
        self._stream: StreamedText | None = None  # the reply whose text end the view follows
        self.context_menu: QMenu | None = None  # the last one shown (tests read its actions)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        # Shown while the newest text is out of sight below: one click brings it back.
        self.latest_button = QToolButton(self)
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

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        # Opaque, the viewport would be scrolled by moving its pixels, backdrop and all; the
        # window's gradient must stay where it is, so the view is repainted instead.
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
        current = self.currentIndex().data(ItemRole) if self.currentIndex().isValid() else None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current and current.reasoning:
            self._delegate().toggle_thinking(current, self.currentIndex())
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
                translate("Transcript", "Opens {url}").format(
                    url=url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
                ),
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
        copy = menu.addAction(
            translate("Transcript", "Copy"), lambda: delegate.copy_requested.emit(selected)
        )
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setEnabled(bool(selected))
        menu.addAction(
            translate("Transcript", "Copy message"), lambda: delegate.copy_requested.emit(item.text)
        )
        if item.document is not None:
            menu.addAction(
                translate("Transcript", "Select all"),
                lambda: self.select_text(item, 0, item.document.characterCount() - 1),
            )
        if item.role == Role.ASSISTANT and item.text and not item.streaming:
            menu.addAction(
                shown_label(STOP_READING_LABEL if item.reading_aloud else READ_ALOUD_LABEL),
                lambda: delegate.read_aloud_requested.emit(item),
            )
        if item.event_id and item.role != Role.ERROR and not item.streaming:
            menu.addSeparator()
            menu.addAction(
                translate("Transcript", "Branch to a new session"),
                lambda: self.branch_requested.emit(item.event_id),
            )
            menu.addAction(
                translate("Transcript", "Delete message"),
                lambda: self.delete_requested.emit(item.event_id),
            )
        url = delegate.link_at(item, rect, event.pos())
        if url is not None:
            menu.addSeparator()
            text = delegate.link_text_at(item, rect, event.pos())
            menu.addAction(
                translate("Transcript", "Open link"), lambda: delegate.link_clicked.emit(url, text)
            )
            menu.addAction(
                translate("Transcript", "Copy link address"),
                lambda: delegate.copy_requested.emit(url.toString()),
            )
        self.context_menu = menu
        menu.popup(event.globalPos())

    def _follow_value(self) -> int:
        """The scroll position that shows the newest text at the bottom of the view."""
        bar = self.verticalScrollBar()
        target = self.text_end()
        if target is None:
            return bar.maximum()
        return max(bar.minimum(), min(bar.maximum(), target - self.viewport().height()))

    def _on_scrolled(self, value: int) -> None:
        self._measure_near_view()  # may correct the value: read it again below
        value = self.verticalScrollBar().value()
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

    def _measure_near_view(self) -> None:
        """Lay out for real the rows in and near the view before they are painted. When that
        changes heights, relayout now and keep the first row starting in the view where it is
        on screen: rows above it change height out of sight, nothing the reader sees moves.
        Costs the rows that came near the view (a relayout asks every row's cached height)."""
        model = self.model()
        if self._measuring or not isinstance(model, TranscriptModel) or not model.items:
            return
        measure = self._delegate().measure
        self._measuring = True
        try:
            for _ in range(3):  # a correction can bring more rows near the view
                rows = self._rows_near_view(len(model.items))
                changed = [row for row in rows if measure(model.items[row])]
                if not changed:
                    return
                anchor = self._anchor_row(rows)
                before = self.visualRect(model.index(anchor)).top()
                self.scheduleDelayedItemsLayout()
                self.executeDelayedItemsLayout()
                moved = self.visualRect(model.index(anchor)).top() - before
                bar = self.verticalScrollBar()
                bar.setValue(bar.value() + moved)
        finally:
            self._measuring = False

    def _rows_near_view(self, count: int) -> range:
        """The rows within MEASURE_AHEAD view heights of the view (as laid out now)."""
        height = self.viewport().height()
        margin = MEASURE_AHEAD * height
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
