"""Markdown rendering: block boundaries for streaming, and a streamed reply that ends up looking
like the same reply rendered in one go."""

from __future__ import annotations

from PySide6.QtGui import QFont

from desktop_chat.ui.markdown import finished_prefix_length, render_markdown
from desktop_chat.ui.transcript import MessageDocument, Role

SOURCE = (
    "Intro paragraph\n\n```python\ndef step():\n    return 1\n```\n\n1. one\n2. two\n\n"
    "# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nclosing words"
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
            found.append((block.text().strip(), block.blockFormat().nonBreakableLines(),
                          block.textList() is not None, block.blockFormat().headingLevel()))
        block = block.next()
    return found


def test_a_streamed_reply_ends_with_the_structure_of_a_one_shot_render(qapp) -> None:
    one_shot = MessageDocument(Role.ASSISTANT, SOURCE, QFont())
    streamed = MessageDocument(Role.ASSISTANT, "", QFont())
    for end in range(1, len(SOURCE) + 1, 5):
        streamed.set_text(SOURCE[:end], streaming=True)
    streamed.set_text(SOURCE, streaming=False)
    assert blocks(streamed) == blocks(one_shot)
    assert ("def step():", True, False, 0) in blocks(streamed)  # the code block's first line
    [(_, code)] = streamed.code_blocks()
    assert code == "def step():\n    return 1"
