"""MessageDelegate paints a message's row (bubble, text, notes, pills, code-box headers) and
turns clicks on its pills and links into signals; where each part lies is MessageLayout's
(layout.py)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_chat.ui import reasoning_view, sources_view
from desktop_chat.ui.attachment_view import paint_strip
from desktop_chat.ui.code_boxes import CODE_PADDING, paint_boxes
from desktop_chat.ui.markdown import CODE_BLOCK_TEXT
from desktop_chat.ui.message_document import Role
from desktop_chat.ui.text_tiles import draw_document
from desktop_chat.ui.theme import DARK, Theme
from desktop_chat.ui.transcript.bubble import draw_bubble
from desktop_chat.ui.transcript.layout import (
    BUBBLE_PADDING,
    COPY_CODE_LABEL,
    NEXT_VERSION,
    PREVIOUS_VERSION,
    READ_ALOUD_PILLS,
    RETRY_LABEL,
    SIDE_MARGIN,
    VERSION_ARROWS,
    MessageLayout,
    is_version_part,
    shown_label,
)
from desktop_chat.ui.transcript.model import ItemRole, MessageItem

CODE_LANGUAGE_TEXT = "#b4b8d8"  # the language label on the dark code box (7:1 against it)


@runtime_checkable
class PaintsInParts(Protocol):
    """A view that says which part of it the paint event under way redraws (TranscriptView),
    so a reply thousands of pixels tall costs no more to paint than the strip that changed."""

    def exposed_rect(self) -> QRect:
        """The part being redrawn, in the view's coordinates; a null rect between paints."""
        ...


_MOUSE_OVER: Any = None


def _mouse_over() -> Any:
    """QStyle's State_MouseOver, named at the first paint of a row (QStyle's enums are built
    then, not at start-up) and kept: an import statement in each paint costs ~20 us."""
    global _MOUSE_OVER
    if _MOUSE_OVER is None:
        from PySide6.QtWidgets import QStyle

        _MOUSE_OVER = QStyle.StateFlag.State_MouseOver
    return _MOUSE_OVER


def _repaint_area(view: QWidget) -> QRect:
    """The part of `view` this paint event redraws: all of it, unless it says less."""
    area = view.rect()
    # getattr, not isinstance: a runtime-checked Protocol costs ~35 us a call, three calls a
    # row per paint (PaintsInParts says what the attribute must be).
    exposed_rect = getattr(view, "exposed_rect", None)
    if exposed_rect is not None:
        exposed = exposed_rect()
        if exposed.isValid():
            area = area.intersected(exposed)
    return area


class MessageDelegate(MessageLayout, QStyledItemDelegate):
    """Paints a bubble: user on the right, assistant on the left, notes and Retry below."""

    retry_clicked = Signal()
    copy_requested = Signal(str)  # text to put on the clipboard
    edit_requested = Signal(str, str)  # a user message to edit in the composer: (id, text)
    version_step = Signal(str, int)  # show another version of a message: (event id, -1 or +1)
    continue_requested = Signal(str)  # the event id of a stopped or cut reply to go on with
    read_aloud_requested = Signal(object)  # a reply's MessageItem: read it aloud, or stop
    link_clicked = Signal(QUrl, str)  # an http(s) link the user clicked, and its visible text
    image_clicked = Signal(dict)  # an attached image's payload entry, to open large

    def __init__(self, parent: QObject | None = None, theme: Theme = DARK):
        super().__init__(parent)
        self.theme = theme
        self.font = QFont()
        self.note_font = QFont()
        self.note_font.setPointSizeF(self.font.pointSizeF() * 0.85)
        self._remeasure: list[QPersistentModelIndex] = []
        self._font_generation = 0
        self._figures = None
        self._viewport = parent.viewport() if isinstance(parent, QListView) else None

    def set_font(self, font: QFont) -> None:
        self.font = QFont(font)
        self.note_font = QFont(font)
        self.note_font.setPointSizeF(font.pointSizeF() * 0.85)
        self._font_generation += 1

    # -- painting --------------------------------------------------------------
    @staticmethod
    def _exposed(painter: QPainter, option: QStyleOptionViewItem) -> QRect:
        """The part of the row this paint event redraws: text outside it is not drawn."""
        if option.widget is None:
            return option.rect
        return option.rect.intersected(_repaint_area(option.widget))

    @staticmethod
    def _visible_part(bubble: QRect, option: QStyleOptionViewItem) -> QRect:
        """The bubble cut to the part being repainted (plus the corner radius), so a reply
        thousands of pixels tall costs no more to outline than the strip that changed: the
        cut ends lie outside the repainted region, which the painter is clipped to."""
        if option.widget is None:
            return bubble
        margin = 32
        area = _repaint_area(option.widget)
        top = max(bubble.top(), area.top() - margin)
        bottom = min(bubble.bottom(), area.bottom() + margin)
        return QRect(bubble.left(), top, bubble.width(), max(0, bottom - top))

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

        if item.attachments:
            paint_strip(painter, self.attachment_rects(item, option.rect), theme, self.font)
        exposed = self._exposed(painter, option)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if item.text or not item.attachments:  # a message of only images has no bubble
            draw_bubble(
                painter, QRectF(self._visible_part(bubble, option)), QColor(fill), QRectF(exposed)
            )
        if item.streaming and not item.text:
            self._paint_typing(painter, bubble, item.typing_phase)
        reasoning_view.paint(painter, self, item, option.rect, exposed)
        sources_top = bubble.bottom() + 1 + self._lines_height(item)
        sources_view.paint(painter, self, item, option.rect, sources_top)

        document = self.document_for(item)
        painter.translate(bubble.left() + BUBBLE_PADDING, bubble.top() + BUBBLE_PADDING)
        clip = QRectF(exposed).translated(
            -bubble.left() - BUBBLE_PADDING, -bubble.top() - BUBBLE_PADDING
        )
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
            document.tiles_key,
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
        # The lines start 4 px under the bubble; a pill's outline reaches a pixel row above.
        if exposed.bottom() >= bubble.bottom() + 3:
            self._paint_lines(painter, item, index, option, bubble, metrics)
        for pill, _code, language in self.code_headers(item, option.rect):
            if not pill.intersects(option.rect.intersected(exposed)):
                continue
            painter.setPen(QColor(255, 255, 255, 60))
            painter.setBrush(QColor(255, 255, 255, 18))
            painter.drawRoundedRect(QRectF(pill), 6, 6)
            painter.setPen(QColor(CODE_BLOCK_TEXT))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown_label(COPY_CODE_LABEL))
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

    def _paint_lines(
        self,
        painter: QPainter,
        item: MessageItem,
        index: QModelIndex,
        option: QStyleOptionViewItem,
        bubble: QRect,
        metrics: QFontMetrics,
    ) -> None:
        """The lines under a bubble: its note, its action pills and (hovered) when it was
        written."""
        theme = self.theme
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
        hovered = bool(option.state & _mouse_over())
        last_reply = item is index.model().last_reply()
        pills = self.action_rects(item, option.rect, hovered, last_reply)
        for label, pill in pills.items():
            if is_version_part(label):
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
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown_label(label))
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
        for place, entry in self.attachment_rects(item, option.rect):
            if place.contains(position) and entry.get("kind") == "image":
                self.image_clicked.emit(entry)
                return True
        if reasoning_view.header_rect(self, item, option.rect).contains(position):
            self.toggle_thinking(item, index)
            return True
        bubble, _ = self._layout(item, option.rect)
        source = sources_view.link_at(
            self, item, option.rect, bubble.bottom() + 1 + self._lines_height(item), position
        )
        if source is not None:
            self.link_clicked.emit(*source)
            return True
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

    def toggle_thinking(self, item: MessageItem, index: QModelIndex) -> None:
        """Open or close a reply's Thinking section (a click on it, Enter or Alt+T)."""
        reasoning_view.toggle(item)
        self.sizeHintChanged.emit(index)
