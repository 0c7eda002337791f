"""A message's rich text: one QTextDocument per bubble, and how a streamed reply grows in it.

While a reply streams, the text after its finished part is shown block by block: blocks that did
not change since the last frame stay as they are, a finished block is kept rather than rendered
again, and a code block still being written grows in place. So a frame costs what changed, not
what the reply holds. Fenced code blocks are inserted as text with ready-made formats, and
highlighted once finished, lexed a slice at a time.

A table, list or paragraph that keeps growing is cut in chunks of 32 rows, items or lines (see
markdown.scan_segments), each its own QTextTable, QTextList or block: Qt lays a table or list
out whole when it changes, so a frame would otherwise cost what the block holds. A finished
chunk is settled like a finished block (it is above tail_top(); a chunked table's columns have
fixed widths, so a later row cannot move them). A reply with such a block, or a long one, is
shown in one go the way a stream shows it, so both look the same."""

from __future__ import annotations

import dataclasses
import functools
import html
import itertools
import re
import time
from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QRectF, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextOption,
    QTextTable,
)

from desktop_chat.ui.code_boxes import CODE_BLOCK_CSS, is_code, starts_code
from desktop_chat.ui.markdown import (
    CHUNK_LINES,
    CODE_BLOCK_TEXT,
    CODE_LANGUAGE_ANCHOR,
    LONG_LINE,
    CodeFence,
    CodeHighlight,
    Continuation,
    MarkdownBlock,
    Segment,
    language_name,
    markdown_blocks,
    render_markdown,
    scan_segments,
    token_style,
)
from desktop_chat.ui.text_damage import LineShape, changed_top, floor_above, line_shapes
from desktop_chat.ui.theme import DARK, Theme

# A saved reply longer than this is laid out a slice per turn of the event loop, so opening
# it does not freeze the window (a slice: at least SLICE_CHARS of source, then until the time
# budget is spent).
PROGRESSIVE_CHARS = 48_000
SLICE_CHARS = 4_000
SLICE_SECONDS = 0.010


class Role(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SUMMARY = "summary"
    ERROR = "error"


class MessageDocument(QTextDocument):
    """A bubble's rich text. It never loads a resource: no remote or local images.

    A long saved reply can be shown progressively (`progressive`, off unless asked for):
    `render_pending` stays true while slices are still to be laid out (in later turns of the
    event loop, by itself), and `rendered_more` is emitted after each one, once the document
    has grown (`generation` and `tiles_key` changed): the view must re-measure the row then.

    Three numbers say what a cached picture or size of the document still fits:
    - `font_generation`: which of the delegate's fonts it was built with (MessageDelegate
      builds a new document when its font changes).
    - `generation`: bumped on every change of the text, appends included; a cached row height
      is for one generation (MessageLayout.row_height).
    - `tiles_key`: names the painted tiles of the text as shown (text_tiles.draw_document),
      unique across documents; a new one is drawn when text already shown changes, not when
      text is appended below it (so unlike Qt's QTextDocument.revision(), which grows with
      every edit, appends included).

    After each `set_text`, `changed_from` says where (document pixels) the text shown first
    looks different from before (ui/text_damage.py): a streaming frame repaints from there
    down, not the whole open block; None when nothing shown changed.
    """

    rendered_more = Signal()

    # Whether a long saved reply is laid out in slices: only where the view re-measures the
    # row on rendered_more (else it would keep the height of the first slice).
    progressive = False

    def __init__(
        self,
        role: Role,
        text: str,
        font: QFont,
        theme: Theme = DARK,
        font_generation: int = 0,
        progressive: bool | None = None,
    ):
        super().__init__()
        if progressive is not None:
            self.progressive = progressive
        # No undo history: a streamed reply is edited every frame and nobody undoes it.
        self.setUndoRedoEnabled(False)
        self._shaped = -1  # the number of the block whose glyphs are kept (_keep_shaped)
        self.font_generation = font_generation
        self.generation = 0  # bumped on every change, so measured sizes can be cached
        self.tiles_key = next(_TILE_KEYS)  # names painted tiles: new when shown text changes
        self.setDefaultFont(font)
        self.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setDefaultTextOption(option)
        self.setDefaultStyleSheet(
            # Code blocks keep the dark highlight palette in both themes.
            f"pre {{ {CODE_BLOCK_CSS} color: {CODE_BLOCK_TEXT}; }} "
            f"code {{ font-family: monospace; background-color: {theme.code_background}; }} "
            f"a {{ color: {theme.link}; text-decoration: underline; }} "
            # Tables: a header fill and a thin rule under each row, no grid.
            f"th {{ background-color: {theme.code_background}; "
            f"border-bottom: 1px solid {_mix(theme.muted, theme.assistant_bubble, 0.7)}; }} "
            f"td {{ border-bottom: 1px solid {_mix(theme.muted, theme.assistant_bubble, 0.35)}; }} "
            # A rule (---): Qt draws it in the block's background colour (else black).
            f"hr {{ background-color: {_mix(theme.muted, theme.assistant_bubble, 0.7)}; }} "
            # A blockquote (a one-cell table, see markdown.QUOTE_OPEN): a bar, muted text.
            "table.quote { margin-top: 4px; margin-bottom: 12px; } "
            f"td.quote {{ border-bottom: none; border-left: 3px solid {theme.accent}; "
            f"padding-left: 12px; color: {theme.muted}; }} "
            "td.quote p { margin-top: 0px; margin-bottom: 6px; }"
        )
        self.role = role
        self._source = ""
        self._finished_length = 0  # how much of the source is rendered as finished blocks
        self._continuation: Continuation | None = None  # how the source goes on from there
        self.parsed_chars = 0  # how much source was parsed to be shown (tests count work)
        self.inserted_chars = 0  # how much source was laid out again (tests count work)
        self.changed_from: float | None = 0.0  # where the last set_text changed what is shown
        self._shapes: tuple[int, int, float, list[LineShape]] | None = None  # the last frame's
        self._progress: list[int] | None = None  # where the slices still to be shown end
        self._tail_position = 0  # where the unfinished tail starts in the document
        self._highlights: dict[CodeFence, CodeHighlight] = {}  # finished code blocks being lexed
        self._tail: list[_ShownBlock] = []  # the blocks shown after the finished part
        # The last frame's parse of each unfinished segment: a segment that ended in an earlier
        # frame (waiting, say, behind a code block still being lexed) is not parsed again.
        self._parsed: dict[tuple[str, Continuation | None, Continuation | None], list] = {}
        self._natural_width: int | None = None
        self._code_blocks: list[tuple[QRectF, str, str]] | None = None
        self._code_blocks_width = -1.0  # the text width their areas were found at
        self.contentsChanged.connect(self._forget_code_blocks)
        self.set_text(text, streaming=False)

    def loadResource(self, kind, url):  # noqa: N802 - Qt override
        return None

    def _forget_code_blocks(self) -> None:
        self._code_blocks = None

    def code_blocks(self) -> list[tuple[QRectF, str]]:
        """Each fenced code block's area (document pixels) and its text, for Copy buttons."""
        return [(area, code) for area, code, _ in self._find_code_blocks()]

    def code_block_languages(self) -> list[str]:
        """The language each of code_blocks() names in its fence ("" when none), in order."""
        return [language for _, _, language in self._find_code_blocks()]

    def _find_code_blocks(self) -> list[tuple[QRectF, str, str]]:
        if self._code_blocks is None or self._code_blocks_width != self.textWidth():
            # (rewrapped at another width, the blocks are elsewhere)
            self._code_blocks_width = self.textWidth()
            blocks: list[tuple[QRectF, str, str]] = []
            layout = self.documentLayout()
            block = self.begin()
            area, lines, language = None, [], ""
            while block.isValid():
                code = is_code(block)
                if area is not None and (not code or starts_code(block)):
                    # Its end, or the next code block's first line: two in a row are two.
                    blocks.append((area, _code_text(lines), language))
                    area, lines = None, []
                if code:
                    rect = layout.blockBoundingRect(block)
                    if area is None:
                        language = _code_language(block)
                    area = rect if area is None else area.united(rect)
                    lines.append(block.text())
                block = block.next()
            if area is not None:
                blocks.append((area, _code_text(lines), language))
            self._code_blocks = blocks
        return self._code_blocks

    def tail_top(self) -> float:
        """Where the unfinished tail starts, in document pixels: everything above is final."""
        if self._tail_position == 0:
            return 0.0
        # The finished part ends at _tail_position; the tail's first block follows it.
        finished = self.findBlock(self._tail_position - 1)
        return self.documentLayout().blockBoundingRect(finished).bottom()

    def settled_height(self, streaming: bool) -> float:
        """How far down, in document pixels, the text will not change before `tiles_key` does."""
        return self.tail_top() if streaming else self.size().height()

    @property
    def highlight_pending(self) -> bool:
        """A finished code block waits, shown plain, for its lexing to finish in later turns."""
        return bool(self._highlights)

    @property
    def lexing_pending(self) -> bool:
        """Some waiting code block still has text to lex (see lex_more)."""
        return any(not job.done for job in self._highlights.values())

    def natural_width(self) -> int:
        """The width the text takes unwrapped, so short messages get snug bubbles."""
        if self._natural_width is None:
            width = self.textWidth()
            self.setTextWidth(-1)
            self._natural_width = int(self.idealWidth()) + 2
            self.setTextWidth(width)
        return self._natural_width

    def set_text(self, text: str, streaming: bool, lex_budget: float | None = None) -> None:
        """Show `text`. While streaming, finished blocks are appended once and only the tail is
        replaced; lexing code stops after `lex_budget` seconds and resumes at the next call."""
        self._natural_width = None
        self.generation += 1
        self.changed_from = 0.0  # narrowed by a streamed edit (_show_blocks)
        self._progress = None  # new text: a slow render under way stops here
        if self.role in (Role.USER, Role.ERROR):
            self._shown_text_changed()
            self._tail.clear()
            self.setPlainText(text)  # what the user typed is shown exactly, never interpreted
        elif streaming:
            self._append_stream(text, lex_budget=lex_budget)
            self._keep_shaped(self.lastBlock())
        elif self._source and text.startswith(self._source[: self._finished_length]):
            self._append_stream(text, final=True)  # a streamed reply: render only its tail
        else:
            self._shown_text_changed()
            self._highlights.clear()
            self._tail.clear()
            self._continuation = None
            segments = scan_segments(text, final=True)
            in_slices = self.progressive and len(text) > PROGRESSIVE_CHARS
            if in_slices or any(segment.continues is not None for segment in segments):
                # Rendered as a stream is, chunk by chunk, so it looks the same.
                self.clear()
                self._finished_length = self._tail_position = 0
                if in_slices:
                    self._source = text
                    self._progress = [segment.end for segment in segments]
                    self._render_slices(SLICE_SECONDS)
                    if self._progress is not None:
                        QTimer.singleShot(0, self, self._render_later)
                    return
                self._append_stream(text, final=True)
            else:
                self.setHtml(render_markdown(text))
                self._finished_length = len(text)
                self._tail_position = self.characterCount() - 1
        if not streaming:
            self._keep_shaped(None)
        self._source = text

    def _keep_shaped(self, block: QTextBlock | None) -> None:
        """Keep the shaped glyphs of the streaming reply's last block (`block`) between its
        layout and its paint, and while words are added to it: Qt drops them once a block is
        laid out, and shapes its text again for each paint of a line. Only that block keeps
        them: the others are drawn from tiles, and their glyphs would cost memory."""
        # The block kept before is found again by its number, not held: a QTextBlock of a
        # block since removed (the open block inserted again) points at a freed fragment.
        number = block.blockNumber() if block is not None and block.isValid() else -1
        if self._shaped >= 0 and self._shaped != number:
            kept = self.findBlockByNumber(self._shaped)
            if kept.isValid():  # (another block, if that one is gone: no harm done)
                kept.layout().setCacheEnabled(False)
        self._shaped = number
        if block is not None and number >= 0:
            block.layout().setCacheEnabled(True)

    def _shown_text_changed(self) -> None:
        """Text already on screen changes: tiles painted of it no longer fit."""
        self.tiles_key = next(_TILE_KEYS)

    @property
    def render_pending(self) -> bool:
        """A long saved reply is still being laid out, a slice per turn of the event loop."""
        return self._progress is not None

    def _render_slices(self, budget: float) -> None:
        """Lay out slices of the saved reply being shown until `budget` seconds are spent
        (at least one), each as a stream would show it, so it ends as a stream ends."""
        deadline = time.perf_counter() + budget
        text, ends = self._source, self._progress
        while ends:
            shown = self._finished_length
            end = next((end for end in ends if end - shown >= SLICE_CHARS), ends[-1])
            del ends[: ends.index(end) + 1]
            if ends:
                # Up to the next boundary the scan sees what decides the one at `end`.
                self._append_stream(text[: ends[0]], upto=end)
            else:
                self._append_stream(text, final=True)
            if time.perf_counter() > deadline:
                break
        if not ends:
            self._progress = None

    def _render_later(self) -> None:
        if self._progress is None:
            return  # done, or replaced by new text
        self._render_slices(SLICE_SECONDS)
        self.generation += 1
        self._shown_text_changed()  # tiles cut at the old end of the text are stale
        self._natural_width = None
        self.rendered_more.emit()
        if self._progress is not None:
            QTimer.singleShot(0, self, self._render_later)

    def _append_stream(
        self,
        text: str,
        final: bool = False,
        lex_budget: float | None = None,
        upto: int | None = None,
    ) -> None:
        if not text.startswith(self._source[: self._finished_length]):
            self._shown_text_changed()
            self.clear()
            self._finished_length = self._tail_position = 0
            self._continuation = None
            self._highlights.clear()
            self._tail.clear()
        if self._shapes is not None and self._shapes[1:3] != (self.revision(), self.textWidth()):
            self._shapes = None  # the last frame's shapes are stale: edited or re-wrapped since
        if not final and upto is None:
            words = self._plain_words(text)
            if words is not None:
                self._append_words(words)
                return
            if self._code_grew(text) or self._list_item_added(text) or self._rows_grew(text):
                return
        segments = scan_segments(text, self._finished_length, self._continuation, final)
        if upto is not None:  # show only the segments up to this boundary, all finished
            kept = [segment for segment in segments if segment.end <= upto]
            if kept and kept[-1].end == upto:
                segments = [*kept, Segment(upto, upto, kept[-1].continued, None)]
        boundary = len(text) if final else segments[-1].start
        blocks = self._blocks_of(text, segments)
        ready = self._ready(blocks, boundary - self._finished_length, None if final else lex_budget)
        cursor = QTextCursor(self)
        cursor.beginEditBlock()
        edited, before = self._show_blocks(cursor, blocks, ready)
        cursor.endEditBlock()  # the document is laid out again here
        after = line_shapes(self, edited)
        self._shapes = (edited, self.revision(), self.textWidth(), after)
        self.changed_from = changed_top(before, after, floor_above(self, edited))
        if ready:
            # The first `ready` blocks are finished: they stay as they are from now on.
            for shown in self._tail[:ready]:
                if shown.block.fence is not None:
                    self._highlights.pop(shown.block.fence, None)
            del self._tail[:ready]
            self._tail_position = self._tail[0].start if self._tail else self.characterCount() - 1
            if ready == len(blocks):
                self._finished_length = boundary
                self._continuation = None if final else segments[-1].continues
            else:
                self._finished_length += blocks[ready].start
                self._continuation = blocks[ready].continues

    def _open_block(self, text: str) -> _ShownBlock | None:
        """The open block, when `text` is the last frame's text and more and no code block
        waits to be highlighted: the shortcuts below may then show the new text unparsed."""
        if not self._tail or self._highlights or not text.startswith(self._source):
            return None
        return self._tail[-1]

    def _plain_words(self, text: str) -> str | None:
        """What to add at the end of the document when `text` is the last frame's text plus
        words that cannot change how any of it is parsed (letters, digits, spaces and a few
        marks that mean nothing in Markdown, on the same line), after a paragraph or list item
        that ends in plain text: they are shown without parsing the open block again. None
        when the text must be parsed. The next frame that is parsed finds the open block's
        source changed and inserts it again, as before."""
        shown = self._open_block(text)
        if shown is None:
            return None
        old = self._source
        added = text[len(old) :]
        line_start = _line_start(old, len(old))
        if line_start is None:
            return None
        last_line = old[line_start:]
        if (
            shown.html is None
            or shown.finished
            or not shown.ends_in_plain_text()
            or "<table" in shown.html  # Qt keeps a block after a table (a quote in an item)
            or shown.block.source.lstrip().startswith("[")  # a link definition, say
            or not _INERT_WORDS.fullmatch(added)
            or not _settled(last_line)
            or len(last_line) + len(added) >= LONG_LINE
        ):
            return None
        apart = old[-1:].isspace() or added[:1].isspace()
        if not apart and not last_line.rsplit(None, 1)[-1].isalnum():
            return None  # a word ending in a mark (`**bold**`, `a_b_`) goes on: parse it
        words = " ".join(added.split())  # as Qt's HTML import folds them
        return (" " if apart else "") + words if words else ""

    def _append_words(self, words: str) -> None:
        """Show `words` (from _plain_words) at the end, and where the text changed."""
        if not words:
            self.changed_from = None  # spaces at the end of a paragraph are not shown
            return
        self.changed_from = self._last_line_top()
        self._insert_at_end(QTextCursor(self), words)
        self._tail[-1].grown = True
        self._shapes = None

    def _last_line_top(self) -> float:
        """Where text added at the end starts changing the document: lines are broken
        greedily, so it leaves the lines above the last one as they are; the last one may
        break anew. (A first line: from the block's gap.)"""
        block = self.lastBlock()
        lines = block.layout()
        count = lines.lineCount()
        if count > 1:
            top = self.documentLayout().blockBoundingRect(block).top()
            return top - lines.boundingRect().top() + lines.lineAt(count - 1).y()
        return floor_above(self, block.position())

    def _code_grew(self, text: str) -> bool:
        """Show `text` without parsing it when it is the last frame's text plus code in the
        open code block (a top-level fence, its first line ended) that cannot close it (no
        backtick or tilde) or change as Markdown reads it (no carriage return or NUL); the
        code is appended as _extend_code does after a parse. False when it must be parsed."""
        shown = self._open_block(text)
        if shown is None:
            return False
        old = self._source
        fence = shown.block.fence
        if fence is None or shown.finished or shown.block.source[:3] not in ("```", "~~~"):
            return False
        added = text[len(old) :]
        if _CODE_BREAKING.search(added):
            return False
        opening_end = old.find("\n", self._finished_length + shown.block.start)
        if opening_end < 0:
            return False  # the fence's first line (its language) is still being written
        # The fence is open to the end of the text, which shows as its code but for a blank
        # last line (Markdown drops it at the end): anything else there, and it was closed.
        shown_end = opening_end + 1 + len(fence.code)
        held = old[shown_end:]
        if held and not _is_blank_line(held, fence.code):
            return False
        if not old.endswith(fence.code[-64:], 0, shown_end):
            return False
        code = held + added
        # The last line, looked for no further back than a line may be long (as _plain_words).
        line_start = text.rfind("\n", max(opening_end, len(text) - LONG_LINE)) + 1
        if line_start == 0:
            return False
        last_line = text[line_start:]
        if last_line and last_line.isspace():
            code = code[: code.rfind("\n") + 1]  # the new blank last line waits too
        block = shown.block
        grown = dataclasses.replace(
            block,
            source=block.source + added,
            end=block.end + len(added),
            fence=CodeFence(fence.lang, fence.code + code),
        )
        if not code:
            shown.block = grown
            self.changed_from = None
            return True
        self.changed_from = self._last_line_top()
        self._extend_code(_ShownBlock(grown, False))
        self._shapes = None
        return True

    def _list_item_added(self, text: str) -> bool:
        """Show `text` without parsing it when it is the last frame's text plus the start of
        the open list's next item, or the first words of its last item (still empty). The
        start of an item: maybe plain words ending the last one, a line break, the same kind
        of marker, a space and plain words (as _plain_words takes them). Only in a tight list,
        not nested, whose last item is one line ending in plain text (or empty): the item is
        a new block of the same QTextList, with the margins Qt's HTML import gives a list's
        items. False when the text must be parsed. The next frame that is parsed inserts the
        list again, as after _plain_words."""
        shown = self._open_block(text)
        if shown is None:
            return False
        old = self._source
        if shown.html is None or shown.finished:
            return False
        if _BLOCK_TAGS.findall(shown.html) != [shown.html[1:3]]:
            return False  # not one tight list: a loose one's items are paragraphs
        line_start = _line_start(old, len(old))
        if line_start is None:
            return False
        last_line = old[line_start:]
        last = self.lastBlock()
        bare = _BARE_MARKER.fullmatch(last_line)
        if bare is not None:
            # The item before (its line: the one before) has the same marker, and Qt shows
            # an empty item as an empty block after the list.
            before_start = _line_start(old, line_start - 1)
            marker = None if before_start is None else _ITEM_LINE.match(old, before_start)
            if marker is None or marker.group(1, 2) != bare.group(1, 2):
                return False
            if last.text() or last.textList() is not None:
                return False
            before = old[marker.end() : line_start - 1]
            if not _shows_line(last.previous(), before):
                return False
            return self._first_words_of_item(last.previous(), last_line, text[len(old) :])
        if not last_line and old[-2:-1] not in ("", "\n"):
            # The last frame ended a line, which shows nothing yet: go on from before it.
            old = old[:-1]
            line_start = _line_start(old, len(old))
            if line_start is None:
                return False
            last_line = old[line_start:]
        item = _NEW_ITEM.fullmatch(text, len(old))
        if item is None or not _in_short_list(last):
            return False
        marker = _ITEM_LINE.match(last_line)
        if marker is None or not _shows_line(last, last_line[marker.end() :]):
            return False
        head, spaces, words = item.group(1), item.group(4), item.group(5) or ""
        new_marker = item.group(2, 3)
        if new_marker != (None, None) and not words and new_marker[0] is None:
            return False  # an empty numbered item may not be one: parse it
        if (
            (words and not spaces)  # "-word" is no item
            or (new_marker != (None, None) and marker.group(1, 2) != new_marker)
            or not shown.ends_in_plain_text()
            or not _settled(last_line)
            or len(last_line) + len(head) >= LONG_LINE
            or len(words) >= LONG_LINE
        ):
            return False
        apart = old[-1:].isspace() or head[:1].isspace()
        if head.strip() and not apart and not last_line.rsplit(None, 1)[-1].isalnum():
            return False  # a word ending in a mark goes on: parse it
        self.changed_from = self._last_line_top()
        cursor = QTextCursor(self)
        cursor.beginEditBlock()  # (see _insert_at_end)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        ending = " ".join(head.split())  # as Qt's HTML import folds white space
        if ending:
            cursor.insertText((" " if apart else "") + ending)
        if words:
            cursor.insertBlock()  # in the last item's character format
            _make_next_item(cursor, last)
            cursor.insertText(" ".join(words.split()))
        elif new_marker != (None, None):
            # An empty bullet item: Qt's HTML import shows it as a block of its own after
            # the list, with no margins, and the list's last item loses its bottom margin.
            was_last = last.blockFormat()
            was_last.clearProperty(QTextFormat.Property.BlockBottomMargin)
            cursor.setBlockFormat(was_last)
            empty = QTextBlockFormat()
            empty.setIndent(0)
            cursor.insertBlock(empty, QTextCharFormat())
        cursor.endEditBlock()
        self.inserted_chars += len(item.group(0))
        shown.grown = True
        shown.ends_plain = shown.ends_plain or bool(words)
        self._shapes = None
        return True

    def _first_words_of_item(self, previous: QTextBlock, marker_line: str, added: str) -> bool:
        """Show `added`, the first words of the list's last item (its line so far:
        `marker_line`), in the empty block after the item before it (`previous`)."""
        if not marker_line.endswith(" ") and not added.startswith(" ") and added:
            return False  # "-word" is no item: parse it
        words = _ITEM_WORDS.fullmatch(added)
        if words is None or len(marker_line) + len(added) >= LONG_LINE:
            return False
        if not previous.isValid() or not _in_short_list(previous):
            return False
        if words.group(1):
            self.changed_from = floor_above(self, self.lastBlock().position())
            cursor = QTextCursor(self)
            cursor.beginEditBlock()  # (see _insert_at_end)
            cursor.movePosition(QTextCursor.MoveOperation.End)
            # The item before it lost the list's bottom margin to the empty item already.
            item_format = previous.blockFormat()
            item_format.clearProperty(QTextFormat.Property.BlockTopMargin)
            item_format.setBottomMargin(_list_bottom_margin())
            cursor.setBlockFormat(item_format)  # the same list: its object index comes with it
            cursor.insertText(" ".join(words.group(1).split()))
            cursor.endEditBlock()
            self.inserted_chars += len(added)
            self._shapes = None
            self._tail[-1].ends_plain = True
        else:
            self.changed_from = None  # spaces after a marker are not shown
        self._tail[-1].grown = True
        return True

    def _rows_grew(self, text: str) -> bool:
        """Show `text` without parsing it when it is the last frame's text plus words in the
        open table's last row, or more rows, all of plain words (as _plain_words takes them)
        between pipes: the changed cells get their new text, a new row the formats of the row
        above, as Qt's HTML import gives them. Only for a table of plain cells with a body
        row; False when the text must be parsed. The next frame that is parsed inserts the
        table again, as after _plain_words."""
        shown = self._open_block(text)
        if shown is None:
            return False
        old = self._source
        if shown.html is None or shown.finished or not shown.html.startswith("<table"):
            return False
        if _NOT_PLAIN_TABLE.search(shown.html):
            return False  # a cell with markup, or a table in a quote
        end = len(old) - 1 if old.endswith("\n") else len(old)  # a line's end shows nothing
        line_start = _line_start(old, end)
        if line_start is None or len(text) - line_start >= LONG_LINE:
            return False
        lines = text[line_start:].split("\n")
        if not lines[-1]:
            lines.pop()
        if not all(_PLAIN_ROW.fullmatch(line) for line in lines):
            return False
        table = QTextCursor(self.lastBlock().previous()).currentTable()
        # A table is shown in chunks (markdown.CHUNK_LINES rows): a new row may start one.
        if table is None or table.rows() < 2 or table.rows() + len(lines) > CHUNK_LINES:
            return False
        aligned = _column_formats(table)
        if aligned is None:
            return False
        # Its columns may widen: what changed is found as after a parse (_show_blocks).
        before = self._shapes_from(shown.start)
        cursor = QTextCursor(self)
        cursor.beginEditBlock()  # (see _insert_at_end)
        first_row = table.rows() - 1
        for number, line in enumerate(lines):
            row = first_row + number
            if number:
                table.appendRows(1)
                for column in range(table.columns()):  # the cell formats of the row above
                    table.cellAt(row, column).setFormat(table.cellAt(row - 1, column).format())
            cells = _row_cells(line, table.columns())
            for column, content in enumerate(cells):
                cell = table.cellAt(row, column)
                edit = cell.firstCursorPosition()
                if edit.block().text() != content:
                    edit.setPosition(
                        cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor
                    )
                    edit.insertText(content, QTextCharFormat())
                # Qt's HTML import aligns an empty cell as the next column (a quirk of its
                # own): the cell shows what the one-shot render shows.
                like = aligned[column if content else min(column + 1, table.columns() - 1)]
                if edit.blockFormat() != like:
                    edit.setBlockFormat(like)
        cursor.endEditBlock()
        after = line_shapes(self, shown.start)
        self._shapes = (shown.start, self.revision(), self.textWidth(), after)
        self.changed_from = changed_top(before, after, floor_above(self, shown.start))
        self.inserted_chars += len(text) - len(old)
        shown.grown = True
        return True

    def _insert_at_end(self, cursor: QTextCursor, words: str) -> None:
        # In an edit block: else insertText lays the block out at once to note the cursor's
        # x (for moving up and down), before the document lays it out again.
        cursor.beginEditBlock()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(words)  # in the format of the text it goes on from
        cursor.endEditBlock()
        self.inserted_chars += len(words)

    def _blocks_of(self, text: str, segments) -> list[MarkdownBlock]:
        """The blocks of the unfinished part, segment by segment: a chunk of a long block is
        parsed alone (with its table's header), so a growing block costs its last chunk."""
        blocks: list[MarkdownBlock] = []
        parsed: dict[tuple[str, Continuation | None, Continuation | None], list] = {}
        for segment in segments:
            source = text[segment.start : segment.end]
            if not source.strip():
                continue
            key = (source, segment.continues, segment.continued)
            found = self._parsed.get(key)
            if found is None:
                found = markdown_blocks(source, segment.continues, segment.continued)
                self.parsed_chars += len(source)
            parsed[key] = found
            shift = segment.start - self._finished_length
            for block in found:
                blocks.append(
                    dataclasses.replace(block, start=block.start + shift, end=block.end + shift)
                )
        self._parsed = parsed
        return blocks

    def _ready(self, blocks: list[MarkdownBlock], settled: int, budget: float | None) -> int:
        """How many leading `blocks` can be shown finished: those ending by `settled`, up to the
        first code block not lexed yet. Lexing goes on for `budget` seconds (None: to the end)."""
        deadline = None if budget is None else time.perf_counter() + budget
        ready, blocked = 0, False
        for block in blocks:
            if block.end > settled:
                break
            if block.fence is not None:
                job = self._highlights.get(block.fence)
                if job is None:
                    # Every waiting block gets a job, so lex_more can work through them all.
                    job = self._highlights[block.fence] = CodeHighlight(block.fence)
                blocked = blocked or not job.advance(deadline)
            ready += 0 if blocked else 1
        return ready

    def lex_more(self, budget: float) -> None:
        """Go on lexing the code blocks waiting to be shown highlighted, for `budget` seconds."""
        deadline = time.perf_counter() + budget
        for job in self._highlights.values():
            if not job.advance(deadline):
                return

    def _show_blocks(
        self, cursor: QTextCursor, blocks: list[MarkdownBlock], ready: int
    ) -> tuple[int, list[LineShape]]:
        """Make the document after the finished part show `blocks`, the first `ready` of them
        finished. Blocks shown the same way already stay, and a code block still being written
        grows in place: re-laying out text costs more than parsing it. Returns the position
        the edit started at and the shapes of the lines from there before it."""
        wanted = [_ShownBlock(block, number < ready) for number, block in enumerate(blocks)]
        kept = 0
        while kept < min(len(wanted), len(self._tail)) and wanted[kept].looks_like(
            self._tail[kept]
        ):
            self._tail[kept].finished = wanted[kept].finished
            kept += 1
        # Where the edit starts: the code block being written grows at its end; otherwise the
        # blocks from the first one that changed are cut and inserted again.
        end = self.characterCount() - 1
        if kept == len(wanted) - 1 == len(self._tail) - 1:
            if self._can_extend(wanted[kept]):
                before = self._shapes_from(end)
                self._extend_code(wanted[kept])
                return end, before
            words = self._appended_words(wanted[kept])
            if words is not None:
                before = self._shapes_from(end)
                self._insert_at_end(cursor, words)
                self._tail[-1].block, self._tail[-1].html = wanted[kept].block, wanted[kept].html
                return end, before
        edited = end if kept == len(self._tail) else self._tail[kept].start
        before = self._shapes_from(edited)
        self._cut_tail(cursor, kept)
        for shown in wanted[kept:]:
            shown.start, shown.block_format = cursor.position(), cursor.blockFormat()
            self._insert_block(cursor, shown)
            self._tail.append(shown)
            self.inserted_chars += len(shown.block.source)
        return edited, before

    def _shapes_from(self, position: int) -> list[LineShape]:
        """The shapes of the lines from `position` on (text_damage.line_shapes): the last
        frame's, when it read them from there and nothing changed since."""
        cached = self._shapes
        if cached is not None and cached[0] == position:
            return cached[3]
        return line_shapes(self, position)

    def _can_extend(self, latest: _ShownBlock) -> bool:
        """Whether all that changed is that the code block being written grew at its end."""
        shown = self._tail[-1]
        old, new = shown.block.fence, latest.block.fence
        return not (
            old is None
            or new is None
            or shown.finished
            or latest.finished
            or new.lang != old.lang
            or not new.code.startswith(old.code)
        )

    def _appended_words(self, latest: _ShownBlock) -> str | None:
        """The text to add at the end when all that changed is that the open paragraph,
        heading or list item grew by plain words: its new HTML is the old one with text (no
        tag, no line break, no run of spaces) put just before the closing tags. Inserting
        those words costs what they hold; inserting the block again costs all it holds."""
        shown = self._tail[-1]
        if shown.html is None or shown.grown or shown.finished or latest.finished:
            return None
        if latest.block.has_code:
            return None
        if latest.block.fence is not None or not _APPENDABLE.match(shown.html):
            return None
        if "<table" in shown.html:  # a quote or table in an item: Qt puts a block after it
            return None
        closing = _CLOSING_TAGS.search(shown.html)
        if closing is None:
            return None
        head, tail = shown.html[: closing.start()], shown.html[closing.start() :]
        latest.html = latest.block.html(False).strip()
        new = latest.html
        if len(new) <= len(shown.html) or not (new.startswith(head) and new.endswith(tail)):
            return None
        added = new[len(head) : len(new) - len(tail)]
        # Qt's HTML import folds runs of white space and drops it at a block's end: such text
        # shown by insertText would keep spaces the one-shot render does not have.
        if "<" in added or _FOLDED_SPACE.search(added) or _ENDS_OPEN.search(head):
            return None  # (an empty item or paragraph that gets its first words is laid out anew)
        return html.unescape(added)

    def _extend_code(self, latest: _ShownBlock) -> None:
        """Append to the code block being written what it gained (see _can_extend)."""
        shown = self._tail[-1]
        old, new = shown.block.fence, latest.block.fence
        assert old is not None and new is not None
        cursor = QTextCursor(self)
        cursor.beginEditBlock()  # (see _insert_at_end)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        formats = _code_formats(self)
        if old.code.endswith("\n"):
            cursor.setBlockFormat(formats.middle)  # no longer the block's last line
        start = cursor.position()
        _insert_code_text(cursor, formats, [(None, new.code[len(old.code) :])])
        self.inserted_chars += len(new.code) - len(old.code)
        if not old.code:
            self._name_language(start, new)
        if new.code.endswith("\n"):
            cursor.setBlockFormat(formats.last)
        cursor.endEditBlock()
        shown.block = latest.block

    def _cut_tail(self, cursor: QTextCursor, keep: int) -> None:
        """Remove the shown blocks from number `keep` on; the cursor ends at the end."""
        if keep < len(self._tail):
            cut = self._tail[keep]
            cursor.setPosition(cut.start)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            if cut.start > 0:
                # Removing a block separator leaves the block before it with the removed
                # block's format (a code block would lose its bottom margin): put it back.
                cursor.setBlockFormat(cut.block_format)
            del self._tail[keep:]
        else:
            cursor.movePosition(QTextCursor.MoveOperation.End)

    def _insert_block(self, cursor: QTextCursor, shown: _ShownBlock) -> None:
        fence = shown.block.fence
        if fence is None:
            shown.html = shown.block.html(shown.finished).strip()
            self._insert_html(cursor, shown.html)
            return
        job = self._highlights.get(fence) if shown.finished else None
        formats = _code_formats(self)
        if cursor.position() > 0:
            cursor.insertBlock(formats.first, formats.text)
        else:
            cursor.setBlockFormat(formats.first)
            cursor.setBlockCharFormat(formats.text)
        pieces = job.pieces if job is not None else [(None, fence.code)]
        start = cursor.position()
        _insert_code_text(cursor, formats, pieces)
        if fence.code.endswith("\n"):
            cursor.setBlockFormat(formats.last)  # as Qt's HTML import ends a <pre>
        self._name_language(start, fence)

    def _name_language(self, start: int, fence: CodeFence) -> None:
        """Put a code block's language on its first character (at `start`), as the HTML path
        does: a named anchor (see markdown.CODE_LANGUAGE_ANCHOR)."""
        language = language_name(fence.lang)
        if not language or fence.code[:1] in ("", "\n"):
            return
        first = QTextCursor(self)
        first.setPosition(start)
        first.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
        named = QTextCharFormat()
        named.setAnchor(True)
        named.setAnchorNames([CODE_LANGUAGE_ANCHOR + language])
        first.mergeCharFormat(named)

    def _insert_html(self, cursor: QTextCursor, fragment_html: str) -> None:
        fragment_html = fragment_html.strip()  # a newline between tags would become a space
        if cursor.position() == 0 or fragment_html.startswith("<table"):
            # Into an empty document nothing merges; a table always opens a frame of its own.
            cursor.insertHtml(fragment_html)
            return
        if fragment_html == "<hr />":
            # insertHtml would add the rule's block after a fresh one: a double rule.
            cursor.insertBlock(_first_block_format(self, fragment_html)[0], QTextCharFormat())
            return
        # A fresh block, so the new fragment does not join the last list or code block.
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        start = cursor.position()
        cursor.insertHtml(fragment_html)
        # insertHtml merges the fragment's first block into the fresh one, which keeps its plain
        # format: a paragraph would lose its spacing, a code block its background, a list its
        # first item. Give that block back the format it has in the fragment.
        block = self.findBlock(start)
        if (
            not block.text()
            and block.next().isValid()
            and block.next().textList() is not None
            and "<table" not in fragment_html
        ):
            # Qt started the fragment (a list or a table) on a block of its own: drop the
            # empty one, which would show as a blank line the one-shot render does not have.
            # (Not when the list holds a table, a quote in an item: the next block may be in
            # it, and removing text across a frame's edge, or a list with items in and out
            # of a table cell, breaks the document; Qt crashes laying it out. Inside an edit
            # block the blocks' frames are not known yet, so the HTML tells.)
            remover = QTextCursor(block)
            remover.movePosition(
                QTextCursor.MoveOperation.NextBlock, QTextCursor.MoveMode.KeepAnchor
            )
            block_format = block.next().blockFormat()
            remover.removeSelectedText()
            remover.setBlockFormat(block_format)
            return
        first_format, in_list = _first_block_format(self, fragment_html)
        QTextCursor(block).setBlockFormat(first_format)
        following = block.next().textList() if block.next().isValid() else None
        if (
            in_list
            and following is not None
            and block.textList() is None
            and "<table" not in fragment_html
        ):
            following.add(block)


_TILE_KEYS = itertools.count(1)


def _line_start(text: str, end: int) -> int | None:
    """Where the line that ends at `end` starts, looked for no further back than a line may be
    long: None when it starts further back (a reply of one endless line costs a frame what it
    adds, not what it holds)."""
    start = text.rfind("\n", max(0, end - LONG_LINE), end) + 1
    return None if start == 0 and end >= LONG_LINE else start


def _shows_line(block: QTextBlock, words: str) -> bool:
    """Whether `block` shows the one line `words` of plain text (an item is this line, not
    more lines, nor markup)."""
    return block.text() == " ".join(words.split())


def _in_short_list(block: QTextBlock) -> bool:
    """Whether `block` is an item of a list, not nested, that can take one more: a list is
    shown in chunks of markdown.CHUNK_LINES items, and the next one may start a chunk."""
    items = block.textList()
    return items is not None and items.count() < CHUNK_LINES and block.blockFormat().indent() <= 1


def _row_cells(line: str, columns: int) -> list[str]:
    """The cells of a table row's line as GFM reads them: the outer pipes dropped, as many
    cells as the table has columns (the missing ones empty), white space folded."""
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") else line
    cells = [" ".join(cell.split()) for cell in line.split("|")][:columns]
    return cells + [""] * (columns - len(cells))


def _column_formats(table: QTextTable) -> list[QTextBlockFormat] | None:
    """The block format (its alignment) of a cell with text in each column of the table's
    body, from the last rows up; None when a column has no such cell yet."""
    formats: list[QTextBlockFormat | None] = [None] * table.columns()
    for row in range(table.rows() - 1, 0, -1):  # (not row 0: a header, or the chunk's first)
        for column, known in enumerate(formats):
            block = table.cellAt(row, column).firstCursorPosition().block()
            if known is None and block.text():
                formats[column] = block.blockFormat()
        if all(known is not None for known in formats):
            return [known for known in formats if known is not None]
    return None


@functools.cache
def _list_bottom_margin() -> float:
    """The bottom margin Qt's HTML import gives a list (its last item's), not nested."""
    sample = QTextDocument()
    sample.setHtml("<ul><li>item</li></ul>")
    return sample.firstBlock().blockFormat().bottomMargin()


def _make_next_item(cursor: QTextCursor, previous: QTextBlock) -> None:
    """Make the cursor's block the item after `previous`, the list's last item until now: as
    Qt's HTML import makes a list, the list's bottom margin goes from that item to this one,
    and its top margin stays with the first item."""
    was_last = previous.blockFormat()
    now_last = QTextBlockFormat(was_last)
    now_last.clearProperty(QTextFormat.Property.BlockTopMargin)
    was_last.clearProperty(QTextFormat.Property.BlockBottomMargin)
    QTextCursor(previous).setBlockFormat(was_last)
    cursor.setBlockFormat(now_last)  # the same list: its object index comes with the format


def _is_blank_line(held: str, code: str) -> bool:
    """Whether `held`, after a code block's `code`, is a last line of only white space."""
    return held.isspace() and "\n" not in held and (not code or code.endswith("\n"))


def _settled(line: str) -> bool:
    """Whether what a line is is settled whatever words follow: after any list marker it
    starts with a letter or digit (not `#`, `>`, `[ ]`, `|`, a marker still being written)."""
    body = line.lstrip()
    marker = _LIST_MARKER.match(body)
    if marker is not None:
        body = body[marker.end() :]
    return body[:1].isalnum()


# Blocks whose text ends their HTML, so words added at its end go at the document's end: a
# paragraph, a heading, a list (its last item). Not a table or a quote (a one-cell table),
# after which Qt keeps a block of its own.
_APPENDABLE = re.compile(r"<(?:p|h[1-6]|ul|ol)[ >]")
# The closing tags that end a block's HTML (white space before them is the text's: a code
# block's last line break, say).
_CLOSING_TAGS = re.compile(r"(?:</[a-z0-9]+>\s*)+$")
# Two spaces, a tab or line break, only spaces, or a space at the end.
_FOLDED_SPACE = re.compile(r"\s\s|[^\S ]|^\s*$|\s$")
# What added to an open code block could close it, or be read other than as it is.
_CODE_BREAKING = re.compile(r"[`~\r\x00]")
# Plain text in a paragraph or list item ends the HTML: not a heading (its closing #s), not code,
# emphasis or a link.
_PLAIN_END = re.compile(r"[^\s>](?:\s*</(?:p|li|ul|ol)>)+\s*$")
_INERT = r"[^\W_]|[ ,?!'-]"  # a letter, a digit, or a mark that means nothing in Markdown
_INERT_WORDS = re.compile(rf"(?:{_INERT})*")
# A list item's first line: its marker (a bullet, or the delimiter after a number) and a space.
_ITEM_LINE = re.compile(r"(?:([-*+])|\d{1,9}([.)])) ")
# Plain words ending a list's last item and a line break, then maybe the next item: its marker,
# and maybe a space and plain words (see _INERT_WORDS).
_NEW_ITEM = re.compile(
    rf"((?:{_INERT})*)\n(?:(?:([-*+])|\d{{1,9}}([.)]))( *)([^\W_](?:{_INERT})*)?)?"
)
# A table's row of plain words (see _INERT_WORDS) between pipes (after the delimiter row, one
# of dashes is a row too).
_PLAIN_ROW = re.compile(rf"\|(?:{_INERT}|\|)*")
# In a table's HTML: a tag that is not the table's own (markup in a cell), or a nested table.
_NOT_PLAIN_TABLE = re.compile(r"<(?!/?(?:table|thead|tbody|tr|th|td)\b)|<table.*<table", re.S)
_BARE_MARKER = re.compile(r"(?:([-*+])|\d{1,9}([.)])) *")  # an item's line with no words yet
_ITEM_WORDS = re.compile(rf" *([^\W_](?:{_INERT})*)?")  # (its first words)
# The tags that open a block in a block's HTML (a list in an item, a paragraph of a loose list).
_BLOCK_TAGS = re.compile(r"<(ul|ol|p|h[1-6]|pre|table|blockquote|hr)\b")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
_ENDS_OPEN = re.compile(r"(?:\s|<[^/][^>]*>)$")  # white space or an opening tag ends it


@dataclass(eq=False)
class _ShownBlock:
    """A block of the unfinished part as shown: whether it is rendered finished, where it
    starts in the document, and the format of the block before it (removing this one
    disturbs that format)."""

    block: MarkdownBlock
    finished: bool
    start: int = 0
    block_format: QTextBlockFormat = field(default_factory=QTextBlockFormat)
    html: str | None = None  # the HTML inserted for it (None for a code block)
    grown: bool = False  # words were added after `html` without parsing (_plain_words)
    # The words added last were plain (_list_item_added), whatever `html` ends in.
    ends_plain: bool = False

    def ends_in_plain_text(self) -> bool:
        """Whether the block as shown ends in plain text: words added go on in its format."""
        return self.ends_plain or (self.html is not None and bool(_PLAIN_END.search(self.html)))

    def looks_like(self, other: _ShownBlock) -> bool:
        """Whether showing this block would show what `other` shows: only code looks
        different once finished (highlighted)."""
        return self.block == other.block and (
            self.finished == other.finished or not self.block.has_code
        )


def _insert_code_text(
    cursor: QTextCursor, formats: CodeFormats, pieces: list[tuple[object, str]]
) -> None:
    for token_type, text in pieces:
        char_format = formats.text if token_type is None else formats.token(token_type)
        for number, line in enumerate(text.split("\n")):
            if number:
                cursor.insertBlock(formats.middle, formats.text)
            if line:
                cursor.insertText(line, char_format)


@dataclass
class CodeFormats:
    """How a fenced code block looks, read from the HTML path so both paths look the same."""

    first: QTextBlockFormat
    middle: QTextBlockFormat
    last: QTextBlockFormat
    text: QTextCharFormat
    _tokens: dict = field(default_factory=dict)

    def token(self, token_type) -> QTextCharFormat:
        char_format = self._tokens.get(token_type)
        if char_format is None:
            style = token_style(token_type)
            char_format = QTextCharFormat(self.text)
            if style["color"]:
                char_format.setForeground(QColor("#" + style["color"]))
            if style["bgcolor"]:
                char_format.setBackground(QColor("#" + style["bgcolor"]))
            if style["bold"]:
                char_format.setFontWeight(QFont.Weight.Bold)
            char_format.setFontItalic(bool(style["italic"]))
            char_format.setFontUnderline(bool(style["underline"]))
            self._tokens[token_type] = char_format
        return char_format


_CODE_FORMATS: dict[tuple[str, str], CodeFormats] = {}


def _template(document: QTextDocument, html: str) -> QTextDocument:
    """`html` laid out as `document` would lay it out, to read the formats Qt gives it."""
    template = QTextDocument()
    template.setDefaultStyleSheet(document.defaultStyleSheet())
    template.setDefaultFont(document.defaultFont())
    template.setHtml(html)
    return template


def _code_formats(document: QTextDocument) -> CodeFormats:
    key = (document.defaultStyleSheet(), document.defaultFont().key())
    formats = _CODE_FORMATS.get(key)
    if formats is None:
        template = _template(document, render_markdown("```\nfirst\nmiddle\n```"))
        first = template.begin()  # a block is only valid while its document lives
        middle, last = first.next(), first.next().next()
        formats = _CODE_FORMATS[key] = CodeFormats(
            first.blockFormat(),
            middle.blockFormat(),
            last.blockFormat(),
            first.begin().fragment().charFormat(),
        )
    return formats


_LEADING_TAGS = re.compile(r"^(?:\s*<[^>]+>)+")
_FIRST_BLOCK_FORMATS: dict[tuple[str, str, str], tuple[QTextBlockFormat, bool]] = {}


def _first_block_format(
    document: QTextDocument, fragment_html: str
) -> tuple[QTextBlockFormat, bool]:
    """The format of the first block `fragment_html` makes, and whether it is a list item.
    It depends only on the tags the fragment opens with, so one parse serves them all."""
    match = _LEADING_TAGS.match(fragment_html)
    key = (
        document.defaultStyleSheet(),
        document.defaultFont().key(),
        match.group(0) if match else "",
    )
    found = _FIRST_BLOCK_FORMATS.get(key)
    if found is None:
        if len(_FIRST_BLOCK_FORMATS) > 512:
            _FIRST_BLOCK_FORMATS.clear()
        template = _template(document, fragment_html)
        first = template.begin()
        found = _FIRST_BLOCK_FORMATS[key] = (first.blockFormat(), first.textList() is not None)
    return found


def _mix(color: str, background: str, share: float) -> str:
    """`color` laid over `background` at `share` opacity, as one opaque colour."""
    front, back = QColor(color), QColor(background)
    channels = (
        round(f * share + b * (1 - share))
        for f, b in (
            (front.red(), back.red()),
            (front.green(), back.green()),
            (front.blue(), back.blue()),
        )
    )
    return QColor(*channels).name()


def _code_language(block) -> str:
    """The language named on a code block's first character (see markdown.CODE_LANGUAGE_ANCHOR)."""
    fragments = block.begin()
    if fragments.atEnd():
        return ""
    for name in fragments.fragment().charFormat().anchorNames():
        if name.startswith(CODE_LANGUAGE_ANCHOR):
            return name[len(CODE_LANGUAGE_ANCHOR) :]
    return ""


def _code_text(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines.pop()  # the highlighter's closing newline is not part of the code
    return "\n".join(lines)
