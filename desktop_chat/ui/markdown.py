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
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SAFE_SCHEMES = ("http://", "https://")


# Building a formatter compiles its style sheet; one serves every code block.
_FORMATTER = HtmlFormatter(nowrap=True, noclasses=True, style="monokai")


@functools.lru_cache(maxsize=64)
def lexer_for(lang: str) -> Lexer | None:
    """The lexer named by a fence's info string (built once: building compiles its rules)."""
    name = lang.strip().split()[0] if lang.strip() else ""
    try:
        return get_lexer_by_name(name) if name else None
    except ClassNotFound:
        return None


# Building a lexer compiles its rules: 20-120 ms the first time a language is met (Python's
# ~90 ms). Built ahead, in a background thread, the first code block of a run does not stall.
COMMON_LANGUAGES = ("python", "javascript", "typescript", "bash", "json", "sql", "html", "css",
                    "java", "c", "cpp", "go", "rust", "yaml")


def warm_up_lexers(languages: tuple[str, ...] = COMMON_LANGUAGES) -> threading.Thread:
    """Build the lexers of `languages` in a daemon thread (it only fills lexer_for's cache)."""
    def build() -> None:
        for lang in languages:
            lexer_for(lang)

    thread = threading.Thread(target=build, name="lexer-warm-up", daemon=True)
    thread.start()
    return thread


def _highlight(code: str, lang: str, _attrs: object) -> str:
    lexer = lexer_for(lang)
    if lexer is None:
        return ""  # markdown-it escapes and wraps it itself
    body = highlight(code, lexer, _FORMATTER)
    return f"<pre><code>{body}</code></pre>"


_CODE_BLOCK_OPEN = re.compile(r"<pre><code[^>]*>")
CODE_BLOCK_TEXT = "#f8f8f2"


# A blockquote's bar and indent come from the style sheet's table.quote / td.quote rules.
QUOTE_OPEN = ('<table class="quote" cellspacing="0" cellpadding="0" width="100%">'
              '<tr><td class="quote">')
QUOTE_CLOSE = "</td></tr></table>\n"


def _make_parser(with_highlight: bool) -> MarkdownIt:
    options = {"html": False, "linkify": True, "typographer": False}
    if with_highlight:
        options["highlight"] = _highlight
    parser = MarkdownIt("commonmark", options).enable(["table", "strikethrough", "linkify"])
    parser.linkify.set({"fuzzy_email": False})  # an address is not a link: only http(s) open
    parser.core.ruler.push("task_lists", _mark_task_items)
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
    if not match or not children or children[0].type != "text" \
            or not children[0].content.startswith(match.group(0)):
        return False
    box = UNCHECKED_BOX if match.group(1) == " " else CHECKED_BOX
    children[0].content = box + children[0].content[len(match.group(0)):]
    return True


def _make_inert(state) -> None:
    for block in state.tokens:
        kept_links: list[bool] = []
        for token in block.children or ():
            if token.type == "image":
                token.type = "text"
                token.tag = ""
                token.content = f"[image: {token.content or token.attrGet('src') or ''}]"
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


_FINISHED = _make_parser(with_highlight=True)
# The unfinished tail changes every frame; highlighting waits until its block is done.
_TAIL = _make_parser(with_highlight=False)


def render_markdown(source: str, finished: bool = True) -> str:
    return _to_qt_html((_FINISHED if finished else _TAIL).render(source))


_CELL_ALIGN = re.compile(r'<(th|td) style="text-align:(left|center|right)">')
TABLE_OPEN = '<table cellspacing="0" cellpadding="6" style="border-collapse: collapse">'


def _to_qt_html(html_text: str) -> str:
    # QTextDocument ignores CSS colour on <pre>: say it inline.
    html_text = _CODE_BLOCK_OPEN.sub(f'<pre><span style="color: {CODE_BLOCK_TEXT}">', html_text)
    html_text = html_text.replace("</code></pre>", "</span></pre>")
    # Qt centres <th> by default; cells align as the markdown says (`:---:`), else left. An
    # inline style on a cell would hide the style sheet's row rules from it: use `align`.
    html_text = _CELL_ALIGN.sub(r'<\1 align="\2">', html_text).replace("<th>", '<th align="left">')
    return html_text.replace("<table>", TABLE_OPEN)


@dataclass(frozen=True)
class CodeFence:
    """A top-level fenced code block, which the transcript inserts as text, not as HTML."""

    lang: str
    code: str


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

    def html(self, finished: bool) -> str:
        """The block as Qt HTML; finished, its nested code blocks are highlighted."""
        parser = _FINISHED if finished else _TAIL
        return _to_qt_html(parser.renderer.render(list(self.tokens), parser.options, {}))


def markdown_blocks(source: str) -> list[MarkdownBlock]:
    """The top-level blocks of `source`, in order, with where each one lies in it.

    A block is rendered on its own (as HTML, or as a code block inserted as text, which costs
    Qt far less than a style parse per highlighted token), so it can be kept or replaced alone.
    """
    line_starts = [0, *(match.end() for match in re.finditer("\n", source))]

    def offset(line: int) -> int:
        return line_starts[line] if line < len(line_starts) else len(source)

    blocks: list[MarkdownBlock] = []
    group: list[Token] = []
    for token in _TAIL.parse(source, {}):  # parsing does not depend on highlighting
        group.append(token)
        if token.level > 0 or token.nesting == 1:
            continue  # inside a block, or opening one: it ends with its level-0 closing token
        first = group[0]
        start, end = offset(first.map[0]), offset(first.map[1])
        fence = CodeFence(first.info, first.content) if first.type == "fence" else None
        nested = any(t.type == "fence" for t in group[1:])
        blocks.append(MarkdownBlock(
            source[start:end], start, end, fence,
            nested or (fence is not None and lexer_for(fence.lang) is not None), tuple(group)))
        group = []
    return blocks


TokenType = object  # a pygments token type, such as pygments.token.Keyword


def token_style(token_type: TokenType) -> dict:
    """How the highlight style shows a token: color, bgcolor (hex, no '#'), bold, italic..."""
    return _FORMATTER.style.style_for_token(token_type)


class CodeHighlight:
    """Lexes one code block a slice at a time, so a long block never holds up a frame."""

    def __init__(self, fence: CodeFence):
        lexer = lexer_for(fence.lang)
        self._tokens: Iterator[tuple[TokenType, str]] | None = (
            lexer.get_tokens(fence.code) if lexer is not None else None)
        self.pieces: list[tuple[TokenType | None, str]] = (
            [] if lexer is not None else [(None, fence.code)])
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


def finished_prefix_length(source: str, start: int = 0) -> int:
    """How far `source` holds finished blocks, scanning from `start` (a previous boundary).

    A block is finished once a blank line follows it outside a fenced code block, or once its
    fence is closed. Boundaries never fall inside a fence, so scanning can resume from one.
    """
    boundary = start
    position = start
    fence: str | None = None
    while True:
        newline = source.find("\n", position)
        if newline == -1:
            return boundary
        line = source[position:newline]
        position = newline + 1
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
            elif not line.strip():
                boundary = position
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                and not line.strip()[len(match.group(1)):].strip():
            fence = None
            boundary = position
