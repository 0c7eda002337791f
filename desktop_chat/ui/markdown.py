"""Markdown to the HTML subset QTextDocument understands, with nothing active left in it.

Raw HTML is escaped, images become their alt text (nothing is fetched, local or remote), and
only http(s) links keep their target. Code blocks are highlighted once, when they are finished.

A streamed reply is rendered as segments: HTML for prose, and fenced code blocks on their own,
which the transcript inserts without HTML and highlights a slice per frame (see CodeHighlight).
"""

from __future__ import annotations

import functools
import html
import re
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


def _highlight(code: str, lang: str, _attrs: object) -> str:
    lexer = lexer_for(lang)
    if lexer is None:
        return ""  # markdown-it escapes and wraps it itself
    body = highlight(code, lexer, _FORMATTER)
    return f"<pre><code>{body}</code></pre>"


_CODE_BLOCK_OPEN = re.compile(r"<pre><code[^>]*>")
CODE_BLOCK_TEXT = "#f8f8f2"


def _make_parser(with_highlight: bool) -> MarkdownIt:
    options = {"html": False, "linkify": False, "typographer": False}
    if with_highlight:
        options["highlight"] = _highlight
    parser = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    parser.core.ruler.push("inert_links_and_images", _make_inert)
    return parser


def _make_inert(state) -> None:
    for block in state.tokens:
        for token in block.children or ():
            if token.type == "image":
                token.type = "text"
                token.tag = ""
                token.content = f"[image: {token.content or token.attrGet('src') or ''}]"
                token.children = None
            elif token.type == "link_open":
                href = str(token.attrGet("href") or "")
                if not href.lower().startswith(_SAFE_SCHEMES):
                    token.attrs.pop("href", None)


_FINISHED = _make_parser(with_highlight=True)
# The unfinished tail changes every frame; highlighting waits until its block is done.
_TAIL = _make_parser(with_highlight=False)


def render_markdown(source: str, finished: bool = True) -> str:
    return _to_qt_html((_FINISHED if finished else _TAIL).render(source))


def _to_qt_html(html_text: str) -> str:
    # QTextDocument ignores CSS colour on <pre> and table borders in CSS: say it inline.
    html_text = _CODE_BLOCK_OPEN.sub(f'<pre><span style="color: {CODE_BLOCK_TEXT}">', html_text)
    html_text = html_text.replace("</code></pre>", "</span></pre>")
    return html_text.replace("<table>", '<table border="1" cellspacing="0" cellpadding="4">')


@dataclass(frozen=True)
class CodeFence:
    """A top-level fenced code block, which the transcript inserts as text, not as HTML."""

    lang: str
    code: str
    start: int = field(default=0, compare=False)  # where its opening fence is in the source


def markdown_segments(source: str, finished: bool = True) -> list[str | CodeFence]:
    """The source as HTML runs (str) and top-level fenced code blocks, in order.

    Inserting a highlighted block as HTML costs Qt a style parse per token; inserting its
    text with ready-made formats is several times cheaper, which matters once per frame.
    """
    parser = _FINISHED if finished else _TAIL
    env: dict = {}
    segments: list[str | CodeFence] = []
    run: list[Token] = []
    line_starts: list[int] | None = None
    for token in parser.parse(source, env):
        if token.type == "fence" and token.level == 0:
            if run:
                segments.append(_to_qt_html(parser.renderer.render(run, parser.options, env)))
                run = []
            if line_starts is None:
                line_starts = [0, *(match.end() for match in re.finditer("\n", source))]
            segments.append(CodeFence(token.info, token.content, line_starts[token.map[0]]))
        else:
            run.append(token)
    if run:
        segments.append(_to_qt_html(parser.renderer.render(run, parser.options, env)))
    return segments


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


def render_plain(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br/>") + "</p>"


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
