"""Where each part of a message's row is: the bubble, the row's height, the pills under it, and
which character, link or pill a point falls on. MessageLayout is the geometry half of
MessageDelegate (delegate.py paints what it measures); both use one document per message."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QFont, QFontMetrics, QTextCursor
from PySide6.QtWidgets import QWidget

from desktop_chat.i18n import translatable
from desktop_chat.ui import attachment_view, reasoning_view, sources_view
from desktop_chat.ui.code_boxes import CODE_HEADER, CODE_PADDING
from desktop_chat.ui.language import clock_time
from desktop_chat.ui.markdown import highlighted_code, is_rendered, pending_code, render_markdown
from desktop_chat.ui.message_document import MessageDocument, Role
from desktop_chat.ui.theme import Theme
from desktop_chat.ui.transcript.model import MessageItem
from desktop_chat.ui.usage_view import reply_usage_text

translate = QCoreApplication.translate

# px: a streaming row grows in steps, not every line, since each change of a row's height makes
# the view re-measure every row. The view follows the end of the text, not of the row.
STREAM_HEIGHT_STEP = 1000
# px: a streaming row keeps this much room below its text, so the view can step ahead of it.
STREAM_FOLLOW_ROOM = 300
# The pills' names (keys of action_rects); shown_label() gives the words drawn.
RETRY_LABEL = translatable("Transcript", "↻ Retry")
COPY_LABEL = translatable("Transcript", "Copy")
EDIT_LABEL = translatable("Transcript", "Edit")
REGENERATE_LABEL = translatable("Transcript", "↻ Regenerate")
CONTINUE_LABEL = translatable("Transcript", "Continue")
READ_ALOUD_LABEL = translatable("Transcript", "Read aloud")  # ui/voice.py speaks the reply
STOP_READING_LABEL = translatable("Transcript", "■ Stop reading")
PREVIOUS_VERSION, NEXT_VERSION = "‹", "›"
VERSION_ARROWS = (PREVIOUS_VERSION, NEXT_VERSION)
READ_ALOUD_PILLS = (READ_ALOUD_LABEL, STOP_READING_LABEL)


# What the steps of a row's layout cost a character, as measured here for a 5,700-character
# reply: its 5 code blocks (~1,500 characters) ~6 ms to highlight, its HTML ~5 ms to render,
# its document ~9 ms to build from that and lay out.
HIGHLIGHT_S_PER_CHAR = 4e-6
RENDER_S_PER_CHAR = 1e-6
BUILD_S_PER_CHAR = 1.6e-6


def _highlight_ahead(code: str, language: str) -> bool:
    """A code block highlighted before its document is built (MessageLayout.layout_steps);
    False: heights change only once the document is."""
    highlighted_code(code, language)
    return False


def _render_ahead(text: str) -> bool:
    """A reply's HTML rendered before its document is built from it (as _highlight_ahead)."""
    render_markdown(text)
    return False


def is_version_part(label: str) -> bool:
    """The switcher's arrows and its "2/3" are drawn as text, not as pills."""
    return label in VERSION_ARROWS or (label[:1].isdigit() and "/" in label)


COPY_CODE_LABEL = translatable("Transcript", "Copy code")


def shown_label(label: str) -> str:
    """A pill's words in the window's language (the version switcher's are not words)."""
    return label if is_version_part(label) else translate("Transcript", label)


BUBBLE_MAX_WIDTH = 760
MIN_TEXT_WIDTH = 36  # px: the narrowest bubble text (an "OK" still gets a rounded bubble)
SNUG_TEXT_LIMIT = 400  # characters: a longer reply fills the measure without being measured
_BLOCK_ART = re.compile(r"^ {0,3}(?:```|~~~|\|)", re.MULTILINE)  # code blocks and tables
BUBBLE_PADDING = 12
ROW_SPACING = 6
SIDE_MARGIN = 14


class MessageLayout:
    """The geometry of message rows, mixed into MessageDelegate (a QStyledItemDelegate, whose
    sizeHintChanged signal it emits); the delegate's __init__ sets the attributes below."""

    theme: Theme
    font: QFont
    note_font: QFont
    _remeasure: list[QPersistentModelIndex]
    _font_generation: int
    _figures: tuple[int, int, int, int] | None  # (_font_figures: its font generation first)
    _viewport: QWidget | None

    def document_for(self, item: MessageItem) -> MessageDocument:
        if item.document is None or item.document.font_generation != self._font_generation:
            item.document = MessageDocument(
                item.role, self.document_text(item), self.font, self.theme, self._font_generation
            )
        return item.document

    @staticmethod
    def document_text(item: MessageItem) -> str:
        return f"**Summary**\n\n{item.text}" if item.role == Role.SUMMARY else item.text

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
        top = rect.top() + ROW_SPACING + reasoning_view.height(self, item, rect.width())
        top += self._strip_height(item, limit)  # attachments above a user's bubble
        return QRect(left, top, width, height), text_width

    def bubble_rect(self, item: MessageItem, rect: QRect) -> QRect:
        """The bubble's rectangle within the row `rect`."""
        return self._layout(item, rect)[0]

    @staticmethod
    def _strip_height(item: MessageItem, limit: int) -> int:
        return attachment_view.strip_height(item.attachments, limit) if item.attachments else 0

    def attachment_rects(self, item: MessageItem, rect: QRect) -> list[tuple[QRect, dict]]:
        """Where each attached image and file is drawn, above the bubble, at its right edge."""
        if not item.attachments:
            return []
        bubble, _ = self._layout(item, rect)
        limit = self._bubble_width_limit(rect.width() - 2 * SIDE_MARGIN)
        top = rect.top() + ROW_SPACING
        return attachment_view.strip_rects(item.attachments, bubble.right() + 1, top, limit)

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

    def row_width(self) -> int:
        """Rows are as wide as the view: sizes and paint must use one width, or every call would
        lay the whole document out again."""
        width = self._viewport.width() if self._viewport is not None else 0
        return width if width > 0 else 600

    def _footer_height(self, item: MessageItem) -> int:
        """Room outside the bubble: the Thinking section above it, lines and sources below."""
        extras = reasoning_view.height(self, item, self.row_width())
        return self._lines_height(item) + extras + sources_view.height(self, item)

    def _lines_height(self, item: MessageItem) -> int:
        lines = int(bool(item.note)) + int(self._has_action_line(item))
        return lines * (self._font_figures()[2] + 8)

    def _font_figures(self) -> tuple[int, int, int]:
        """(average character width, line spacing, a note line's height) of the fonts now:
        a relayout asks for them at every row (a resize step relayouts every row shown)."""
        figures = self._figures
        if figures is None or figures[0] != self._font_generation:
            metrics = QFontMetrics(self.font)
            figures = (
                self._font_generation,
                max(1, metrics.averageCharWidth()),
                metrics.lineSpacing(),
                QFontMetrics(self.note_font).height(),
            )
            self._figures = figures
        return figures[1:]

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
        if item.role == Role.ASSISTANT and not item.reading_aloud:
            actions.append(READ_ALOUD_LABEL)  # where Stop reading shows while it reads
        if item.role in (Role.USER, Role.ASSISTANT, Role.SUMMARY):
            actions.append(COPY_LABEL)
        if item.role == Role.USER:
            actions.append(EDIT_LABEL)
        if item.role == Role.ASSISTANT and last_reply and not item.retryable:
            actions.append(REGENERATE_LABEL)
        if item.role == Role.ASSISTANT and last_reply and item.note and item.event_id:
            actions.append(CONTINUE_LABEL)  # stopped or cut short: the model can go on
        return actions

    def action_rects(
        self, item: MessageItem, rect: QRect, hovered: bool = True, last_reply: bool = False
    ) -> dict[str, QRect]:
        """The pills under a bubble (Retry, Copy, Edit, Regenerate), in the row's coordinates:
        under the left edge of the assistant's bubbles, under the right edge of the user's."""
        labels = self._actions(item, hovered, last_reply)
        if not labels:  # (a streaming reply's, mostly)
            return {}
        bubble, _ = self._layout(item, rect)
        metrics = QFontMetrics(self.note_font)
        top = bubble.bottom() + 4 + (metrics.height() + 8 if item.note else 0)
        widths = [
            metrics.horizontalAdvance(shown_label(label)) + (12 if is_version_part(label) else 24)
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
        moment = clock_time(item.timestamp)
        if item.role != Role.ASSISTANT or not item.model:
            return moment
        usage = reply_usage_text(item.extras.get("usage") or {})  # tokens, cached, cost
        return f"{moment} · {item.model}" + (f" · {usage}" if usage else "")

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
        width = metrics.horizontalAdvance(shown_label(COPY_CODE_LABEL)) + 16
        height = metrics.height() + 4
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
            reasoning_view.key(item),
            sources_view.key(item),
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
        # bubble.top() is ROW_SPACING, plus the attachments' strip when there is one.
        below = self._footer_height(item) + ROW_SPACING
        return max(item.min_height, bubble.top() + bubble.height() + below)

    def _estimated_height(self, item: MessageItem, width: int) -> int:
        char_width, line_spacing, _ = self._font_figures()
        text_width = self._bubble_width_limit(width - 2 * SIDE_MARGIN) - 2 * BUBBLE_PADDING
        per_line = max(1, text_width // char_width)
        lengths = _line_lengths(item)
        lines = len(lengths)  # and as many more as the long ones wrap onto
        for length in lengths:
            if length <= per_line:
                break
            lines += (length - 1) // per_line
        return (
            lines * line_spacing
            + 2 * BUBBLE_PADDING
            + self._footer_height(item)
            + 2 * ROW_SPACING
            + self._strip_height(item, text_width + 2 * BUBBLE_PADDING)
        )

    def laid_out(self, item: MessageItem) -> bool:
        """Whether the height the view was last given for the row is its real one: measured
        from its document as it is, at this width and font (row_height's key starts so), not
        an estimate. A streaming row counts: it grows in steps."""
        document = item.document
        if item.streaming:
            return True
        if document is None or item.size_key is None:
            return False
        return item.size_key[:3] == (self.row_width(), self._font_generation, document.generation)

    def layout_steps(self, item: MessageItem) -> Iterator[tuple[float, Callable[[], bool]]]:
        """The row's layout in steps of a few ms each, for the view to run between events:
        each of its code blocks highlighted and its HTML rendered (kept for the document),
        then its document built from them and measured, in one step (a document built and
        left unmeasured would give the view its real height at its next question, with no
        relayout to move the rows below). Each step is (its estimated seconds, a call that
        returns whether the row's height changed)."""
        if item.role in (Role.ASSISTANT, Role.SUMMARY):
            for code, language in pending_code(item.text):
                yield len(code) * HIGHLIGHT_S_PER_CHAR, partial(_highlight_ahead, code, language)
            text = self.document_text(item)
            if not is_rendered(text):
                yield len(text) * RENDER_S_PER_CHAR, partial(_render_ahead, text)
        yield len(item.text) * BUILD_S_PER_CHAR, partial(self.measure, item)

    def measure(self, item: MessageItem) -> bool:
        """Lay a row out for real before it is shown (its estimate goes); True when the height
        the view was last given for it changes, so the view must relayout. A streaming row
        keeps the height it grows in steps."""
        if item.streaming:
            return False
        given = item.reported_height
        self.document_for(item)
        return self.row_height(item, self.row_width()) != given

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

    # -- hit-testing -------------------------------------------------------------
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


def _line_lengths(item: MessageItem) -> list[int]:
    """The lengths of the text's lines, longest first, kept while the text is the same: an
    estimate at each new width (a resize step) then costs the lines that wrap, not a split."""
    cached = item.extras.get("line_lengths")
    if cached is None or cached[0] is not item.text:
        cached = (item.text, sorted(map(len, item.text.split("\n")), reverse=True))
        item.extras["line_lengths"] = cached
    return cached[1]
