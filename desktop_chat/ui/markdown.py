"""Markdown to the HTML subset QTextDocument understands, with nothing active left in it.

Raw HTML is escaped, images become their alt text (nothing is fetched, local or remote), and
only http(s) links keep their target (bare http(s) and www. addresses become links too). Code
blocks are highlighted once, when they are finished. Task list items show a ballot box (☐/☑),
a blockquote is a one-cell table whose left border is the quote's bar (QTextDocument draws no
block borders), and tables are ruled by row: the document's style sheet gives them colours.

A streamed reply is rendered block by block (markdown_blocks): HTML for prose, and fenced code
blocks on their own, which the transcript inserts without HTML and highlights a slice at a time
(CodeHighlight).
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# markdown_it and pygments are imported when the first message is rendered, not with this
# module: the window's first paint needs neither (~20 ms and ~4 MB of start-up).
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

from desktop_chat.i18n import translate

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SAFE_SCHEMES = ("http://", "https://")


@functools.cache
def _formatter() -> HtmlFormatter:
    """Building a formatter compiles its style sheet; one serves every code block."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True, noclasses=True, style="monokai")


@functools.lru_cache(maxsize=64)
def lexer_for(lang: str) -> Lexer | None:
    """The lexer named by a fence's info string (built once: building compiles its rules)."""
    name = language_name(lang)
    if not name:
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


# Building a lexer compiles its rules: 20-120 ms the first time a language is met (Python's
# ~90 ms). Built ahead, in a background thread, the first code block of a run does not stall.
COMMON_LANGUAGES = (
    "python",
    "javascript",
    "typescript",
    "bash",
    "json",
    "sql",
    "html",
    "css",
    "java",
    "c",
    "cpp",
    "go",
    "rust",
    "yaml",
)


def warm_up_lexers(languages: tuple[str, ...] = COMMON_LANGUAGES) -> threading.Thread:
    """Build the parsers and the lexers of `languages` in a daemon thread (it only fills
    caches)."""

    def build() -> None:
        _parser(True)
        _parser(False)
        for lang in languages:
            lexer_for(lang)

    thread = threading.Thread(target=build, name="lexer-warm-up", daemon=True)
    thread.start()
    return thread


def _highlight(code: str, lang: str, _attrs: object) -> str:
    return highlighted_code(code, lang)


# Kept for the few documents about to be built: the transcript highlights a long reply's code
# blocks one idle turn at a time (pending_code), then builds its document with them.
_HIGHLIGHTED: OrderedDict[tuple[str, str], str] = OrderedDict()
HIGHLIGHTS_KEPT = 32


def highlighted_code(code: str, lang: str) -> str:
    """A fenced block's HTML, colours inline; "" when `lang` names no lexer (markdown-it then
    escapes and wraps the code itself)."""
    key = (code, lang)
    cached = _recall(_HIGHLIGHTED, key)
    if cached is not None:
        return cached
    from markdown_it.common.utils import escapeHtml
    from pygments import highlight

    lexer = lexer_for(lang)
    if lexer is None:
        return ""
    body = highlight(code, lexer, _formatter())
    html_text = f'<pre><code class="language-{escapeHtml(lang)}">{body}</code></pre>'
    return _keep(_HIGHLIGHTED, key, html_text, HIGHLIGHTS_KEPT)


def _recall(kept: OrderedDict, key: object) -> str | None:
    """What `kept` holds under `key` (now its most recently used), or None."""
    value = kept.get(key)
    if value is not None:
        kept.move_to_end(key)
    return value


def _keep(kept: OrderedDict, key: object, value: str, limit: int) -> str:
    """Put `value` in `kept`, dropping the least recently used past `limit` entries."""
    kept[key] = value
    if len(kept) > limit:
        kept.popitem(last=False)
    return value


# A fence at the start of a line and its code, as markdown-it hands them to _highlight. Fences
# it does not catch (in a list, a quote, with escapes in the info) are highlighted in the build.
_TOP_FENCE = r"(?ms)^(`{3,}|~{3,})([^\n]*)\n((?:.*?\n)??)\1[`~]*[ \t]*$"


def pending_code(source: str) -> list[tuple[str, str]]:
    """The (code, language) of `source`'s fenced blocks that highlighted_code has not kept."""
    blocks = []
    for match in re.finditer(_TOP_FENCE, source):
        info = match.group(2).strip()
        lang = info.split(maxsplit=1)[0] if info else ""
        key = (match.group(3), lang)
        if lang and "`" not in info and key not in _HIGHLIGHTED and lexer_for(lang) is not None:
            blocks.append(key)
    return blocks


_CODE_BLOCK_OPEN = re.compile(r'<pre><code(?: class="language-([^"]*)")?[^>]*>')
CODE_BLOCK_TEXT = "#f8f8f2"
# A code block's language rides on its first character as a named anchor (Qt keeps those),
# so the document can say which language each block is in (MessageDocument.code_blocks).
CODE_LANGUAGE_ANCHOR = "code-language:"


def language_name(info: str) -> str:
    """The language a fence's info string names: its first word."""
    return info.strip().split()[0] if info.strip() else ""


def _code_block_open(match: re.Match) -> str:
    anchor = f'<a name="{CODE_LANGUAGE_ANCHOR}{match.group(1)}"></a>' if match.group(1) else ""
    return f'<pre>{anchor}<span style="color: {CODE_BLOCK_TEXT}">'


# A blockquote's bar and indent come from the style sheet's table.quote / td.quote rules.
QUOTE_OPEN = (
    '<table class="quote" cellspacing="0" cellpadding="0" width="100%"><tr><td class="quote">'
)
QUOTE_CLOSE = "</td></tr></table>\n"


@functools.cache
def _parser(with_highlight: bool) -> MarkdownIt:
    """The finished-block parser (code highlighted) or the tail's, built on first use."""
    from markdown_it import MarkdownIt

    options = {"html": False, "linkify": True, "typographer": False}
    if with_highlight:
        options["highlight"] = _highlight
    parser = MarkdownIt("commonmark", options).enable(["table", "strikethrough", "linkify"])
    parser.linkify.set({"fuzzy_email": False})  # an address is not a link: only http(s) open
    parser.core.ruler.push("task_lists", _mark_task_items)
    parser.core.ruler.push("cell_alignment", _align_cells)
    parser.core.ruler.push("inert_links_and_images", _make_inert)
    parser.add_render_rule("blockquote_open", lambda *_: QUOTE_OPEN)
    parser.add_render_rule("blockquote_close", lambda *_: QUOTE_CLOSE)
    return parser


_TASK_MARK = re.compile(r"\[([ xX])\](?= |$)")
UNCHECKED_BOX, CHECKED_BOX = "\u2610", "\u2611"  # ☐ ☑: shown, not clickable


def _mark_task_items(state) -> None:
    """`- [ ] todo` / `- [x] done`: the mark becomes a ballot box, and a list made only of
    tasks loses its bullets (the boxes are the bullets)."""
    tokens = state.tokens
    lists: list[tuple[Token, list[bool]]] = []  # the open bullet lists: is each item a task
    for index, token in enumerate(tokens):
        if token.type == "bullet_list_open":
            lists.append((token, []))
        elif token.type == "bullet_list_close":
            opening, tasks = lists.pop()
            if tasks and all(tasks):
                opening.attrSet("style", "list-style-type: none")
        elif token.type == "list_item_open" and lists and token.markup in "-*+":
            lists[-1][1].append(_make_task(tokens, index))


def _make_task(tokens: list[Token], item: int) -> bool:
    """Turn the mark opening list item `item` into a ballot box; whether it had one."""
    if item + 2 >= len(tokens) or tokens[item + 1].type != "paragraph_open":
        return False
    inline = tokens[item + 2]
    match = _TASK_MARK.match(inline.content)
    children = inline.children or []
    if (
        not match
        or not children
        or children[0].type != "text"
        or not children[0].content.startswith(match.group(0))
    ):
        return False
    box = UNCHECKED_BOX if match.group(1) == " " else CHECKED_BOX
    children[0].content = box + children[0].content[len(match.group(0)) :]
    return True


def _align_cells(state) -> None:
    """Qt centres <th> by default: cells align as the markdown says (`:---:`), else left. An
    inline style on a cell would hide the style sheet's row rules from it, so say `align`."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("align", style.removeprefix("text-align:"))
            elif token.type == "th_open":
                token.attrSet("align", "left")


def _make_inert(state) -> None:
    for block in state.tokens:
        kept_links: list[bool] = []
        for token in block.children or ():
            if token.type == "image":
                token.type = "text"
                token.tag = ""
                token.content = translate("Markdown", "[image: {name}]").format(
                    name=token.content or token.attrGet("src") or ""
                )
                token.children = None
            elif token.type == "link_open":
                href = str(token.attrGet("href") or "")
                kept_links.append(href.lower().startswith(_SAFE_SCHEMES))
                if not kept_links[-1]:
                    _make_empty_text(token)  # only its text stays: nothing to click
            elif token.type == "link_close" and kept_links and not kept_links.pop():
                _make_empty_text(token)


def _make_empty_text(token: Token) -> None:
    token.type, token.tag, token.content, token.attrs, token.nesting = "text", "", "", {}, 0


def render_markdown(source: str, finished: bool = True) -> str:
    # The unfinished tail changes every frame; highlighting waits until its block is done.
    if not finished:
        return _to_qt_html(_parser(False).render(source))
    rendered = _recall(_RENDERED, source)
    if rendered is None:
        rendered = _keep(
            _RENDERED, source, _to_qt_html(_parser(True).render(source)), RENDERED_KEPT
        )
    return rendered


# The last few finished texts rendered: the transcript renders a reply in one idle turn and
# builds its document from the HTML in the next (MessageLayout.layout_steps).
_RENDERED: OrderedDict[str, str] = OrderedDict()
RENDERED_KEPT = 4


def is_rendered(source: str) -> bool:
    return source in _RENDERED


_TABLE_OPEN = re.compile(r"<table(?= |>)(?! class=)")
TABLE_OPEN_ATTRIBUTES = '<table cellspacing="0" cellpadding="6" style="border-collapse: collapse"'


def _to_qt_html(html_text: str) -> str:
    # QTextDocument ignores CSS colour on <pre>: say it inline.
    html_text = _CODE_BLOCK_OPEN.sub(_code_block_open, html_text)
    html_text = html_text.replace("</code></pre>", "</span></pre>")
    return _TABLE_OPEN.sub(TABLE_OPEN_ATTRIBUTES, html_text)


@dataclass(frozen=True)
class CodeFence:
    """A top-level fenced code block, which the transcript inserts as text, not as HTML."""

    lang: str
    code: str


@dataclass(frozen=True)
class Continuation:
    """How a chunk goes on with the block cut before it: a long table, list or paragraph is
    cut into chunks of CHUNK_LINES rows, items or lines, each rendered on its own, so a block
    that keeps growing costs a frame what its last chunk holds, not what the block holds."""

    kind: str  # "table", "list" or "paragraph"
    header: str = ""  # a table's header and delimiter lines: every chunk is parsed with them
    widths: tuple[int, ...] = ()  # a table's column widths (%), the same in every chunk
    width: int = 100  # the table's width (% of the text's), as it is in every chunk
    marker: str = ""  # a list's bullet ("-", "*", "+") or an ordered list's delimiter (".", ")")


@dataclass(frozen=True)
class MarkdownBlock:
    """One top-level block of a Markdown source: a paragraph, a list, a table, a code fence...

    Two blocks with the same source show the same (references aside), so a streamed reply's
    blocks that did not change since the last frame can be left as they are on screen.
    """

    source: str
    start: int = field(compare=False)  # where it begins and ends in the parsed text
    end: int = field(compare=False)
    fence: CodeFence | None = field(compare=False)  # set for a top-level fenced code block
    has_code: bool = field(compare=False)  # it shows highlighted code once finished
    tokens: tuple[Token, ...] = field(compare=False, repr=False)
    continues: Continuation | None = None  # it goes on with the chunk before it
    continued: Continuation | None = None  # the next chunk goes on with it

    def html(self, finished: bool) -> str:
        """The block as Qt HTML; finished, its nested code blocks are highlighted."""
        parser = _parser(finished)
        return _to_qt_html(parser.renderer.render(list(self.tokens), parser.options, {}))


def markdown_blocks(
    source: str, continues: Continuation | None = None, continued: Continuation | None = None
) -> list[MarkdownBlock]:
    """The top-level blocks of `source`, in order, with where each one lies in it.

    A block is rendered on its own (as HTML, or as a code block inserted as text, which costs
    Qt far less than a style parse per highlighted token), so it can be kept or replaced alone.
    `source` may be a chunk of a longer block: `continues` says how it goes on with the chunk
    before it, `continued` how the next one goes on with it; they join without a seam.
    """
    header = continues.header if continues is not None and continues.kind == "table" else ""
    parsed = header + source
    line_starts = [0, *(match.end() for match in re.finditer("\n", parsed))]

    def offset(line: int) -> int:
        at = line_starts[line] if line < len(line_starts) else len(parsed)
        return max(0, at - len(header))

    tokens = _parser(False).parse(parsed, {})  # parsing does not depend on highlighting
    if header:
        _drop_header(tokens)
    groups: list[list[Token]] = []
    group: list[Token] = []
    for token in tokens:
        group.append(token)
        if token.level > 0 or token.nesting == 1:
            continue  # inside a block, or opening one: it ends with its level-0 closing token
        groups.append(group)
        group = []
    blocks: list[MarkdownBlock] = []
    for number, group in enumerate(groups):
        first = group[0]
        block_continues = continues if number == 0 else None
        block_continued = continued if number == len(groups) - 1 else None
        _join_chunks(group, block_continues, block_continued)
        start, end = offset(first.map[0]), offset(first.map[1])
        fence = CodeFence(first.info, first.content) if first.type == "fence" else None
        nested = any(t.type == "fence" for t in group[1:])
        blocks.append(
            MarkdownBlock(
                source[start:end],
                start,
                end,
                fence,
                nested or (fence is not None and lexer_for(fence.lang) is not None),
                tuple(group),
                block_continues,
                block_continued,
            )
        )
    return blocks


def _drop_header(tokens: list[Token]) -> None:
    """A table chunk after the first is parsed under its table's header, shown only once."""
    for index, token in enumerate(tokens):
        if token.type == "thead_open":
            close = next(
                number
                for number in range(index, len(tokens))
                if tokens[number].type == "thead_close"
            )
            del tokens[index : close + 1]
            return


def _join_chunks(
    group: list[Token], continues: Continuation | None, continued: Continuation | None
) -> None:
    """Make a chunk meet its neighbours without a gap: no margin where the block goes on, and
    the same column widths in every chunk of a table."""
    first = group[0]
    if continues is not None and first.type in (
        "paragraph_open",
        "bullet_list_open",
        "ordered_list_open",
    ):
        _add_style(first, "margin-top: 0px")
    if continued is not None and first.type in (
        "paragraph_open",
        "bullet_list_open",
        "ordered_list_open",
    ):
        _add_style(first, "margin-bottom: 0px")
    table = continues if continues is not None and continues.kind == "table" else continued
    if first.type == "table_open" and table is not None and table.kind == "table":
        first.attrSet("width", f"{table.width}%")
        column = 0
        for token in group:
            if token.type == "tr_open":
                column = 0
            elif token.type in ("th_open", "td_open"):
                if column < len(table.widths):
                    token.attrSet("width", f"{table.widths[column]}%")
                column += 1


def _add_style(token: Token, declaration: str) -> None:
    style = str(token.attrGet("style") or "")
    token.attrSet("style", f"{style}; {declaration}" if style else declaration)


TokenType = object  # a pygments token type, such as pygments.token.Keyword


def token_style(token_type: TokenType) -> dict:
    """How the highlight style shows a token: color, bgcolor (hex, no '#'), bold, italic..."""
    return _formatter().style.style_for_token(token_type)


class CodeHighlight:
    """Lexes one code block a slice at a time, so a long block never holds up a frame."""

    def __init__(self, fence: CodeFence):
        lexer = lexer_for(fence.lang)
        self._tokens: Iterator[tuple[TokenType, str]] | None = (
            lexer.get_tokens(fence.code) if lexer is not None else None
        )
        self.pieces: list[tuple[TokenType | None, str]] = (
            [] if lexer is not None else [(None, fence.code)]
        )
        self.done = lexer is None

    def advance(self, deadline: float | None) -> bool:
        """Lex until done (True) or until `deadline` (time.perf_counter) passes (False)."""
        if self.done:
            return True
        for count, piece in enumerate(self._tokens, 1):
            self.pieces.append(piece)
            if deadline is not None and count % 8 == 0 and time.perf_counter() > deadline:
                return False
        self.done = True
        return True


CHUNK_LINES = 32  # rows, items or lines: a longer table, list or paragraph is cut in chunks
LONG_LINE = 4096  # characters: a longer line of a paragraph is cut too (before a word)
_LONG_LINE_SEARCH = 1024  # how far past LONG_LINE a cut looks for the start of a word

_BULLET = re.compile(r"([-*+])(?:[ \t]|$)")
_ORDERED = re.compile(r"\d{1,9}([.)])(?:[ \t]|$)")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_QUOTE = re.compile(r" {0,3}>")
_DELIMITER_ROW = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# A line that, first in a chunk, still reads as the paragraph's text: a letter or a number
# that is not a list marker (not `#`, `>`, `-`, `*`, `|`, a backtick...).
_PLAIN_LINE = re.compile(r"(?!\d{1,9}[.)](?:[ \t]|$))[^\W_]")
_WORD_START = re.compile(r"(?<=\s)[^\W\d_]")
_LETTER = re.compile(r"[^\W\d_]")
# Inline text left over from a delimiter that found no partner: a later chunk might have it.
_OPEN_INLINE = re.compile(r"[*_`\[\]~]")


@dataclass(frozen=True)
class Segment:
    """A stretch of a source between two boundaries: what lies before `start` is finished."""

    start: int
    end: int
    continues: Continuation | None  # it starts inside a block cut into chunks
    continued: Continuation | None  # the block goes on in the next segment


@dataclass
class _Block:
    """What the scanner knows of the top-level block being read."""

    kind: str | None = None  # "table", "list", "paragraph", "other" or None (none yet)
    start: int = 0  # where it (or its current chunk) starts
    count: int = 0  # rows, items or lines in the current chunk
    marker: str = ""  # a list's marker
    header: str = ""  # a table's header and delimiter lines
    widths: tuple[int, ...] = ()
    width: int = 100
    first_line: str = ""

    @classmethod
    def going_on(cls, continuation: Continuation | None, start: int) -> _Block:
        if continuation is None:
            return cls(start=start)
        return cls(
            continuation.kind,
            start,
            0,
            continuation.marker,
            continuation.header,
            continuation.widths,
            continuation.width,
        )


def scan_segments(
    source: str, start: int = 0, continues: Continuation | None = None, final: bool = False
) -> list[Segment]:
    """`source` from `start` (a previous boundary, inside a block cut in chunks if `continues`)
    cut at its boundaries: the last segment is the unfinished rest (to the end of `source`).

    A block is finished once a blank line follows it outside a fenced code block and the next
    line does not go on with it (an indented line, or the next item of the same list), or once
    its fence is closed. A table, list or paragraph that grows past CHUNK_LINES rows, items or
    lines is cut before its next one, when that one is complete. Boundaries never fall inside
    a fence, and depend only on the text, so scanning can resume from one (a fence indented
    under a list item belongs to the item: its end is not a boundary). `final`: the text is
    complete, its last line too.
    """
    segments: list[Segment] = []
    segment_start, segment_continues = start, continues
    block = _Block.going_on(continues, start)
    fence: str | None = None
    fence_in_list = False
    blank_end: int | None = None  # where the next segment starts if this blank line ends a block
    position = start

    def cut(at: int, continuation: Continuation | None) -> _Block:
        nonlocal segment_start, segment_continues, block
        segments.append(Segment(segment_start, at, segment_continues, continuation))
        segment_start, segment_continues = at, continuation
        block = _Block.going_on(continuation, at)
        return block

    while position < len(source):
        newline = source.find("\n", position)
        complete = newline != -1 or final
        line_end = newline if newline != -1 else len(source)
        if not complete and line_end - position <= LONG_LINE:
            break  # an unfinished line is followed once it is long enough to be cut
        line = source[position:line_end]
        line_start, position = position, line_end + 1
        if fence is not None:
            match = _FENCE.match(line)
            if (
                complete
                and match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not line.strip()[len(match.group(1)) :].strip()
            ):
                fence = None
                if not fence_in_list:
                    cut(min(position, len(source)), None)
            continue
        if not line.strip():
            if complete:
                blank_end = min(position, len(source))
            continue
        if blank_end is not None:
            goes_on = line[0] in " \t" or (
                block.kind == "list" and _list_marker(line) == block.marker
            )
            if not goes_on:
                cut(blank_end, None)
            blank_end = None
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            # Indented under a list item, it is part of the item: the list goes on after it.
            fence_in_list = line[0] in " \t" and block.kind == "list"
            if not fence_in_list:
                block.kind = "other"
            continue
        _scan_line(source, line, line_start, block, cut)
        while block.kind == "paragraph":
            at = _long_line_cut(source, max(block.start, line_start), line_end)
            if at is None:
                break
            cut(at, Continuation("paragraph"))
            block.count = 1
    segments.append(Segment(segment_start, len(source), segment_continues, None))
    return segments


def _scan_line(source: str, line: str, line_start: int, block: _Block, cut) -> None:
    """Follow one complete line of a block (not blank, not a fence)."""
    kind = block.kind
    if kind == "table":
        if line.startswith("|"):
            if block.count >= CHUNK_LINES:
                if not block.widths:
                    block.widths, block.width = _column_widths(source[block.start : line_start])
                block = cut(
                    line_start, Continuation("table", block.header, block.widths, block.width)
                )
            block.count += 1
        else:
            block.kind = "other"  # the table may go on; it is no longer cut in chunks
        return
    if kind == "list":
        marker = _list_marker(line) if line[0] not in " \t" else None
        if marker is not None and marker == block.marker:
            if block.count >= CHUNK_LINES:
                block = cut(line_start, Continuation("list", marker=marker))
            block.count += 1
            return
        if line[0] in " \t" or not _starts_block(line):
            return  # the item's own text, or a lazy continuation of it
    elif kind == "paragraph":
        if (
            block.count == 1
            and "|" in block.first_line
            and _DELIMITER_ROW.match(line)
            and "|" in line
            and _is_table(block.first_line, line)
        ):
            block.kind, block.count = "table", 0
            block.header = f"{block.first_line}\n{line}\n"
            return
        if _SETEXT_UNDERLINE.match(line):
            block.kind = None  # the paragraph was a heading
            return
        if not _starts_block(line):
            if (
                _PLAIN_LINE.match(line)
                and block.count >= CHUNK_LINES
                and block.count % CHUNK_LINES == 0
                and _inline_closed(source[block.start : line_start])
            ):
                block = cut(line_start, Continuation("paragraph"))
            block.count += 1
            block.first_line = ""
            return
    elif kind == "other":
        return  # a quote, an indented code block...: it ends at a blank line
    _start_block(line, line_start, block)


def _start_block(line: str, line_start: int, block: _Block) -> None:
    block.start, block.count, block.first_line = line_start, 1, ""
    if _HEADING.match(line) or _RULE.match(line):
        block.kind = None  # one line: the next one starts a block of its own
    elif line[0] not in " \t" and _list_marker(line) is not None:
        block.kind, block.marker = "list", _list_marker(line)
    elif _QUOTE.match(line) or line.startswith((" " * 4, "\t")):
        block.kind = "other"
    else:
        block.kind, block.first_line = "paragraph", line


def _starts_block(line: str) -> bool:
    """Whether `line` interrupts a paragraph or a list item: a heading, rule, quote or item."""
    return bool(
        _HEADING.match(line)
        or _RULE.match(line)
        or _QUOTE.match(line)
        or (line[0] not in " \t" and _list_marker(line) is not None)
    )


def _list_marker(line: str) -> str | None:
    if _RULE.match(line):
        return None
    match = _BULLET.match(line) or _ORDERED.match(line)
    return match.group(1) if match else None


def _is_table(header: str, delimiter: str) -> bool:
    tokens = _parser(False).parse(f"{header}\n{delimiter}\n", {})
    return bool(tokens) and tokens[0].type == "table_open"


def _inline_closed(text: str) -> bool:
    """Whether `text`, a paragraph's lines, leaves no delimiter open that a later line could
    close (emphasis, a code span, a link): then the lines after it render the same alone."""
    for token in _parser(False).parseInline(text.strip(), {}):
        for child in token.children or ():
            if child.type in ("text", "softbreak") and _OPEN_INLINE.search(child.content):
                return False
    return True


def _column_widths(table_source: str) -> tuple[tuple[int, ...], int]:
    """Each column's share of the table's width (%), and the table's share of the text's,
    from the text of its first chunk: a narrow table stays narrow."""
    lines = [line for line in table_source.splitlines() if line.strip()]
    widths: list[int] = []
    for number, line in enumerate(lines):
        if number == 1:
            continue  # the delimiter row
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        for column, cell in enumerate(cells):
            if column >= len(widths):
                widths.append(0)
            widths[column] = max(widths[column], len(cell.strip()), 3)
    total = sum(widths) or 1
    return (
        tuple(max(5, round(100 * width / total)) for width in widths),
        min(100, max(30, 3 * total)),
    )


def _long_line_cut(source: str, chunk_start: int, line_end: int) -> int | None:
    """Where a paragraph's overlong line is cut: the first word start LONG_LINE characters into
    the chunk, else (no space near) the first letter after that. None: no cut, or not yet."""
    if line_end - chunk_start <= LONG_LINE:
        return None
    earliest = chunk_start + LONG_LINE
    search_end = min(line_end, earliest + _LONG_LINE_SEARCH)
    match = _WORD_START.search(source, earliest, search_end)
    if match:
        return match.start()
    if search_end < earliest + _LONG_LINE_SEARCH:
        return None  # a word may yet start within reach (or the line ends before)
    match = _LETTER.search(source, search_end, line_end)
    return match.start() if match else None


def finished_prefix_length(source: str, start: int = 0) -> int:
    """How far `source` holds finished blocks (and chunks), scanning from `start` (a previous
    boundary outside any chunked block)."""
    return scan_segments(source, start)[-1].start
