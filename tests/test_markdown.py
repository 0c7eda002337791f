"""Markdown rendering: block boundaries for streaming, and a streamed reply that ends up looking
like the same reply rendered in one go."""

from __future__ import annotations

from PySide6.QtGui import QFont

from desktop_chat.ui.code_boxes import is_code
from desktop_chat.ui.markdown import (
    finished_prefix_length,
    lexer_for,
    render_markdown,
    warm_up_lexers,
)
from desktop_chat.ui.message_document import MessageDocument, Role

SOURCE = (
    "Intro paragraph\n\n```python\ndef step():\n    return 1\n```\n\n1. one\n2. two\n\n"
    "# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA paragraph after a table\n\n"
    "Another, with **bold**\n\n- item\n- item two\n\n```\nplain code\n```\n\n"
    "| x |\n|---|\n| 3 |\n\n> quoted\n\nclosing words"
)


def test_boundaries_fall_after_blank_lines_and_closed_fences_only() -> None:
    text = "para\n\n```\ncode\n\nmore code\n"
    assert text[: finished_prefix_length(text)] == "para\n\n"  # never inside an open fence
    text += "```\nafter"
    assert text[: finished_prefix_length(text)] == "para\n\n```\ncode\n\nmore code\n```\n"
    assert finished_prefix_length("no boundary yet") == 0


def test_raw_html_and_images_stay_inert() -> None:
    html = render_markdown('<script>x</script> ![pic](https://e.com/p.png) [a](javascript:1)')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "[image: pic]" in html
    assert "href" not in html


def blocks(document: MessageDocument) -> list[tuple[str, bool, bool, int]]:
    found, block = [], document.begin()
    while block.isValid():
        if block.text().strip():
            found.append((block.text().strip(), is_code(block),
                          block.textList() is not None, block.blockFormat().headingLevel()))
        block = block.next()
    return found


def looks(document: MessageDocument) -> list[tuple]:
    """Each block's text, margins and background, and each run's text, colour and weight."""
    found, block = [], document.begin()
    while block.isValid():
        runs, fragments = [], block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            char_format = fragment.charFormat()
            runs.append((fragment.text(), char_format.foreground().color().name(),
                         char_format.fontWeight(), char_format.fontItalic()))
            fragments += 1
        block_format = block.blockFormat()
        found.append((block.text(), block_format.topMargin(), block_format.bottomMargin(),
                      block_format.background().color().name(), runs))
        block = block.next()
    return found


def stripped(found: list[tuple]) -> list[tuple]:
    """`looks` without the spaces Qt leaves at the end of some blocks."""
    return [(text.strip(), *rest[:-1], [(run[0].strip(), *run[1:]) for run in rest[-1]])
            for text, *rest in found]


def test_streamed_code_blocks_look_like_one_shot_ones(qapp) -> None:
    source = ("Look:\n\n```python\ndef step(x):\n    return x * 2  # twice\n```\n\n"
              "```\nplain\n```\n\nend")
    one_shot = MessageDocument(Role.ASSISTANT, source, QFont())
    streamed = MessageDocument(Role.ASSISTANT, "", QFont())
    for end in range(1, len(source) + 1, 3):
        streamed.set_text(source[:end], streaming=True)
    code = [entry for entry in looks(streamed) if entry[3] != "#000000"]
    assert code == [entry for entry in looks(one_shot) if entry[3] != "#000000"]
    colours = {run[1] for entry in code for run in entry[4]}
    assert len(colours) >= 3, "the finished python block is highlighted while still streaming"


def test_lexing_a_finished_code_block_waits_for_later_frames_when_over_budget(qapp) -> None:
    code = "\n".join(f"value_{n} = compute({n}, 'x')" for n in range(200))
    source = f"```python\n{code}\n```\n\nafter"
    document = MessageDocument(Role.ASSISTANT, "", QFont())
    document.set_text(source, streaming=True, lex_budget=0.0)  # no time at all
    assert document.highlight_pending
    assert document.code_blocks()[0][1] == code  # shown meanwhile, unhighlighted
    assert document.tail_top() == 0  # and still part of the tail
    calls = 1
    while document.highlight_pending:
        document.set_text(source, streaming=True, lex_budget=0.001)
        calls += 1
    assert calls > 2, "a 200-line block takes more than one 1 ms slice to lex"
    one_shot = MessageDocument(Role.ASSISTANT, source, QFont())
    assert looks(document)[:-1] == looks(one_shot)[:-1]  # all but the streamed tail "after"
    assert document.tail_top() > 0


def test_a_streamed_reply_ends_with_the_structure_of_a_one_shot_render(qapp) -> None:
    one_shot = MessageDocument(Role.ASSISTANT, SOURCE, QFont())
    streamed = MessageDocument(Role.ASSISTANT, "", QFont())
    for end in range(1, len(SOURCE) + 1, 5):
        streamed.set_text(SOURCE[:end], streaming=True)
    streamed.set_text(SOURCE, streaming=False)
    assert blocks(streamed) == blocks(one_shot)
    # Spacing too: each block's margins and background, each run's colour and weight.
    assert stripped(looks(streamed)) == stripped(looks(one_shot))
    assert ("def step():", True, False, 0) in blocks(streamed)  # the code block's first line
    codes = [code for _, code in streamed.code_blocks()]
    assert codes == ["def step():\n    return 1", "plain code"]


def test_every_frame_of_a_stream_looks_like_that_text_shown_afresh(qapp) -> None:
    # The tail is updated in place (kept segments, a code block extended line by line); at every
    # step that must give exactly what rendering the same text into an empty document gives.
    source = SOURCE.replace("plain code", "plain code\nsecond line\n\nafter a blank line")
    streamed = MessageDocument(Role.ASSISTANT, "", QFont())
    for end in range(1, len(source) + 1, 2):
        streamed.set_text(source[:end], streaming=True)
        afresh = MessageDocument(Role.ASSISTANT, "", QFont())
        afresh.set_text(source[:end], streaming=True)
        assert looks(streamed) == looks(afresh), f"differs after {source[:end]!r}"


def test_lexers_are_built_ahead_so_the_first_code_block_does_not_wait() -> None:
    lexer_for.cache_clear()
    warm_up_lexers(("python", "no-such-language")).join(timeout=30)
    built = lexer_for.cache_info().currsize
    lexer_for("python")  # now only a cache hit
    assert built == 2 and lexer_for.cache_info().hits == 1
    assert lexer_for("no-such-language") is None
