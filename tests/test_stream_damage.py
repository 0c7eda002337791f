"""A streaming frame repaints the lines that look different, not the whole open block: its cost
stays what a frame adds however long the paragraph, list or code block being written already is,
and a frame that changes nothing on screen paints nothing. Whether the pixels are right is
tests/test_real_transcript.py's (a reply held mid-stream against a fresh paint)."""

from __future__ import annotations

import statistics

import pytest
from PySide6.QtCore import QEvent, QObject, QRect, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.message_document import MessageDocument, Role
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import MessageItem, StreamRenderer, build_transcript
from desktop_chat.ui.transcript.bubble import draw_bubble
from tests.support.groq_server import split_tokens

WORDS = ["stream", "frame", "paint", "token", "layout", "block", "queue", "render"]
GROWING = {
    # One paragraph wrapping over ~40 lines, a list of 30 items, a code block of 40 lines.
    "paragraph": " ".join(f"{WORDS[n % 8]} **{n}**" for n in range(360)),
    "list": "".join(f"- {WORDS[n % 8]} item {n} with `code`\n" for n in range(30)),
    "code": "```python\n" + "".join(f"value_{n} = step({n})\n" for n in range(40)),
}


class PaintSpy(QObject):
    """Records the bounding rect of each region the watched widget repaints."""

    def __init__(self, widget):
        super().__init__(widget)
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.region().boundingRect())
        return False

    def painted_height(self) -> int:
        return sum(rect.height() for rect in self.rects)


def streaming_view(qtbot, width: int, height: int):
    """A shown transcript with an empty reply streaming into it: (view, renderer, spy on the
    viewport's repaints)."""
    view, model, delegate = build_transcript(DARK)
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    item = MessageItem(Role.ASSISTANT, "")
    model.append(item)
    renderer = StreamRenderer(model, delegate, item)
    renderer._typing.stop()  # the typing dots' own repaints are not a frame's
    return view, renderer, PaintSpy(view.viewport())


def a_frame(qtbot, renderer: StreamRenderer, spy: PaintSpy, pieces: list[str]) -> None:
    """Feed `pieces` and show them as one frame; `spy` then holds that frame's repaints."""
    qtbot.wait(1)  # let a pending paint through before this frame's
    for piece in pieces:
        renderer.feed(piece)  # (its timer would flush them in the next turn of the loop)
    spy.rects.clear()
    renderer.flush()
    qtbot.waitUntil(lambda: renderer._shown_from is None)  # the view's half of the frame
    QApplication.processEvents()  # the window's repaint of what the frame marked dirty


def stream_in_frames(qtbot, text: str, pieces_per_frame: int = 3):
    """Stream `text` into a view tall enough never to scroll; the painted height per frame."""
    _, renderer, spy = streaming_view(qtbot, 760, 1400)
    tokens = split_tokens(text)
    frames: list[int] = []
    for start in range(0, len(tokens), pieces_per_frame):
        a_frame(qtbot, renderer, spy, tokens[start : start + pieces_per_frame])
        frames.append(spy.painted_height())
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
    # Only a rare frame repaints more: one that cuts a paragraph in chunks, say, or widens
    # the bubble (while its text is still narrower than the measure: early).
    assert sum(height > 8 * line for height in late) <= max(1, len(late) / 50), late
    renderer.finish()


def test_a_frame_that_changes_nothing_on_screen_paints_nothing(qtbot) -> None:
    renderer, frames, spy = stream_in_frames(qtbot, GROWING["paragraph"][:600])
    assert all(height > 0 for height in frames), "every frame that added words painted them"
    renderer.feed("   ")  # spaces at the end of a line: drawn as nothing
    spy.rects.clear()
    renderer.flush()
    qtbot.wait(50)
    document = renderer.delegate.document_for(renderer.item)
    assert document.changed_from is None
    assert spy.rects == [], "a frame that changed nothing was painted"
    renderer.feed("more")
    renderer.flush()
    qtbot.waitUntil(lambda: bool(spy.rects))  # the next words are
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


def test_a_bubble_drawn_in_strips_shows_what_it_shows_drawn_whole(qapp) -> None:
    # The delegate draws the part of a bubble around the strip being repainted (32 px past
    # it, MessageDelegate._visible_part): its rows must be those of the whole bubble, or the
    # edges of a streaming reply would show where each frame's strip began.
    bubble, fill, margin = QRect(20, 20, 150, 540), QColor("#2b2f52"), 32

    def painted(areas: list[QRect]) -> QImage:
        image = QImage(200, 600, QImage.Format.Format_ARGB32_Premultiplied)
        for area in areas:
            painter = QPainter(image)
            painter.setClipRect(area)
            painter.fillRect(area, QColor("#232143"))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            top = max(bubble.top(), area.top() - margin)
            bottom = min(bubble.bottom(), area.bottom() + margin)
            part = QRect(bubble.left(), top, bubble.width(), max(0, bottom - top))
            draw_bubble(painter, QRectF(part), fill)
            painter.end()
        return image

    whole = painted([QRect(0, 0, 200, 600)])
    for top in range(0, 570, 9):
        for height in (14, 31, 60, 125):
            strip = QRect(0, top, 200, height)
            image = painted([QRect(0, 0, 200, 600), strip])
            for y in range(top, min(600, top + height)):
                for x in (19, 20, 21, 168, 169, 170, 171):  # the left and right edges
                    assert image.pixel(x, y) == whole.pixel(x, y), f"strip {top}+{height}: {x},{y}"


def test_a_bubble_that_widens_with_its_text_is_repainted_whole(qtbot) -> None:
    # A reply narrower than the measure has a bubble that fits its text: a longer line widens
    # it along all its lines, above the one that changed too.
    text = "".join(f"- item {'word ' * n}\n" for n in range(1, 12))
    view, renderer, spy = streaming_view(qtbot, 900, 700)
    widened = 0
    width = -1
    for piece in split_tokens(text):
        a_frame(qtbot, renderer, spy, [piece])
        row = view.visualRect(renderer.model.index(0))
        bubble = renderer.delegate.bubble_rect(renderer.item, row)
        if width not in (-1, bubble.width()):
            widened += 1
            assert spy.rects, "the frame that widened the bubble painted nothing"
            painted = spy.rects[0]
            for rect in spy.rects[1:]:
                painted = painted.united(rect)
            assert painted.top() <= bubble.top() and painted.bottom() >= bubble.bottom()
        width = bubble.width()
    assert widened >= 5, "the bubble grew with its text"
    renderer.finish()
