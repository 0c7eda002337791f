"""A streaming frame repaints the lines that look different, not the whole open block: its cost
stays what a frame adds however long the paragraph, list or code block being written already is,
and a frame that changes nothing on screen paints nothing. Whether the pixels are right is
tests/test_real_transcript.py's (a reply held mid-stream against a fresh paint)."""

from __future__ import annotations

import statistics

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.message_document import MessageDocument, Role
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import MessageItem, StreamRenderer, build_transcript
from tests.support.groq_server import split_tokens

WORDS = ["stream", "frame", "paint", "token", "layout", "block", "queue", "render"]
GROWING = {
    # One paragraph wrapping over ~40 lines, a list of 30 items, a code block of 40 lines.
    "paragraph": " ".join(f"{WORDS[n % 8]} **{n}**" for n in range(360)),
    "list": "".join(f"- {WORDS[n % 8]} item {n} with `code`\n" for n in range(30)),
    "code": "```python\n" + "".join(f"value_{n} = step({n})\n" for n in range(40)),
}


class PaintSpy(QObject):
    """Records the height of each region the watched widget repaints."""

    def __init__(self, widget):
        super().__init__(widget)
        self.heights: list[int] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.heights.append(event.region().boundingRect().height())
        return False


def stream_in_frames(qtbot, text: str, pieces_per_frame: int = 3):
    """Stream `text` into a view tall enough never to scroll; the painted height per frame."""
    view, model, delegate = build_transcript(DARK)
    qtbot.addWidget(view)
    view.resize(760, 1400)
    view.show()
    qtbot.waitExposed(view)
    item = MessageItem(Role.ASSISTANT, "")
    model.append(item)
    renderer = StreamRenderer(model, delegate, item)
    renderer._typing.stop()  # the typing dots' own repaints are not a frame's
    spy = PaintSpy(view.viewport())
    tokens = split_tokens(text)
    frames: list[int] = []
    for start in range(0, len(tokens), pieces_per_frame):
        for piece in tokens[start : start + pieces_per_frame]:
            renderer.feed(piece)
        qtbot.wait(1)  # let a pending paint through before this frame's
        spy.heights.clear()
        renderer.flush()
        qtbot.waitUntil(lambda: renderer._shown_from is None)  # the view's half of the frame
        QApplication.processEvents()  # the window's repaint of what the frame marked dirty
        frames.append(sum(spy.heights))
    return renderer, frames, spy


@pytest.mark.parametrize("kind", list(GROWING))
def test_a_frame_repaints_what_it_added_not_the_block_it_grows(qtbot, kind) -> None:
    renderer, frames, _ = stream_in_frames(qtbot, GROWING[kind])
    document = renderer.delegate.document_for(renderer.item)
    line = QFontMetrics(QFont()).lineSpacing()
    assert document.size().height() > 25 * line, "the block grew tall"
    late = frames[-len(frames) // 4 :]
    # A frame adds a word or two: its line (a new one when it wraps), the gap above it and the
    # bubble's padding below.
    assert statistics.median(late) <= 4 * line, f"late frames paint {sorted(late)}"
    assert statistics.median(late) <= statistics.median(frames[: len(frames) // 4]) + line
    # Only a rare frame repaints more: one that cuts a paragraph in chunks, say.
    assert sum(height > 8 * line for height in frames) <= len(frames) / 50, sorted(frames)
    renderer.finish()


def test_a_frame_that_changes_nothing_on_screen_paints_nothing(qtbot) -> None:
    renderer, frames, spy = stream_in_frames(qtbot, GROWING["paragraph"][:600])
    assert all(height > 0 for height in frames), "every frame that added words painted them"
    renderer.feed("   ")  # spaces at the end of a line: drawn as nothing
    spy.heights.clear()
    renderer.flush()
    qtbot.wait(50)
    document = renderer.delegate.document_for(renderer.item)
    assert document.changed_from is None
    assert spy.heights == [], "a frame that changed nothing was painted"
    renderer.feed("more")
    renderer.flush()
    qtbot.waitUntil(lambda: bool(spy.heights))  # the next words are
    renderer.finish()


LONG = "A paragraph long enough to wrap over a few lines of the bubble, " * 3


@pytest.mark.parametrize(
    "before, after",
    [
        (LONG + "and some words that", LONG + "and some words that go on"),
        ("- one\n- two", "- one\n- two\n- three"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |"),
        ("```python\nx = 1\n", "```python\nx = 1\ny = 2\n"),
    ],
)
def test_only_the_last_line_and_what_follows_it_count_as_changed(qapp, before, after) -> None:
    document = MessageDocument(Role.ASSISTANT, "", QFont())
    document.setTextWidth(480)
    document.set_text("A first paragraph, finished.\n\n" + before, streaming=True)
    last = document.lastBlock()
    lines = last.layout()
    last_line_top = (
        document.documentLayout().blockBoundingRect(last).top()
        + lines.lineAt(lines.lineCount() - 1).y()
    )
    assert last_line_top > document.tail_top(), "the open block's last line is not its first"
    document.set_text("A first paragraph, finished.\n\n" + after, streaming=True)
    assert document.changed_from is not None
    assert document.changed_from >= last_line_top - 1, "lines above the last one count as changed"


def test_text_that_turns_into_something_else_counts_as_changed_from_its_start(qapp) -> None:
    document = MessageDocument(Role.ASSISTANT, "", QFont())
    document.setTextWidth(480)
    document.set_text("Intro.\n\nA title\nand more", streaming=True)
    top = document.tail_top()
    document.set_text("Intro.\n\nA title\n===", streaming=True)  # a heading now: bigger type
    assert document.changed_from is not None and document.changed_from <= top
