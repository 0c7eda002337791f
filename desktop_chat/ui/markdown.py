"""Markdown to the HTML subset QTextDocument understands, with nothing active left in it.

Raw HTML is escaped, images become their alt text (nothing is fetched, local or remote), and
only http(s) links keep their target. Code blocks are highlighted once, when they are finished.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SAFE_SCHEMES = ("http://", "https://")


# Building a formatter compiles its style sheet; one serves every code block.
_FORMATTER = HtmlFormatter(nowrap=True, noclasses=True, style="monokai")


def _highlight(code: str, lang: str, _attrs: object) -> str:
    try:
        lexer = get_lexer_by_name(lang.strip().split()[0]) if lang.strip() else None
    except ClassNotFound:
        lexer = None
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
    html_text = (_FINISHED if finished else _TAIL).render(source)
    # QTextDocument ignores CSS colour on <pre> and table borders in CSS: say it inline.
    html_text = _CODE_BLOCK_OPEN.sub(f'<pre><span style="color: {CODE_BLOCK_TEXT}">', html_text)
    html_text = html_text.replace("</code></pre>", "</span></pre>")
    return html_text.replace("<table>", '<table border="1" cellspacing="0" cellpadding="4">')


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
