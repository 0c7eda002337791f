"""The streaming renderer's shortcuts must not show anything different: tiles give the pixels a
direct draw gives, code blocks lexed between frames end up highlighted, and the view that steps
ahead of the text never loses sight of its end."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap, QPixmapCache

from desktop_chat.ui.code_boxes import is_code
from desktop_chat.ui.message_document import MessageDocument, Role
from desktop_chat.ui.text_tiles import TILE_HEIGHT, draw_document
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import MessageItem, StreamRenderer, build_transcript

REPLY = "\n\n".join(
    f"Paragraph {n} with **bold**, `code` and enough words to wrap across several lines of the "
    f"bubble so that text crosses the edges between tiles.\n\n```python\ndef step_{n}(x):\n"
    f"    return x * {n}  # times {n}\n```\n\n| a | b |\n|---|---|\n| {n} | {n * n} |"
    for n in range(8)
)


def paint(document: MessageDocument, clip: QRectF, ratio: float, settled: float) -> QPixmap:
    pixmap = QPixmap(math.ceil(document.textWidth() * ratio), math.ceil(clip.bottom() * ratio) + 1)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    draw_document(painter, document, clip, QColor("#e0e0e0"), document.serial, document.revision,
                  settled)
    painter.end()
    return pixmap


def test_tiles_paint_the_same_pixels_as_drawing_the_text_directly(qapp) -> None:
    document = MessageDocument(Role.ASSISTANT, REPLY, QFont())
    document.setTextWidth(480)
    assert document.size().height() > 4 * TILE_HEIGHT
    clip = QRectF(0, 37, 480, 3 * TILE_HEIGHT + 50)  # starts and ends inside tiles
    for ratio in (1.0, 2.0):
        QPixmapCache.clear()
        direct = paint(document, clip, ratio, settled=0).toImage()
        cold = paint(document, clip, ratio, settled=math.inf).toImage()
        warm = paint(document, clip, ratio, settled=math.inf).toImage()
        assert cold == direct, f"tiles differ from a direct draw at ratio {ratio}"
        assert warm == direct, f"cached tiles differ from a direct draw at ratio {ratio}"
    # Half settled, as while streaming: tiles above, direct drawing below.
    half = paint(document, clip, 1.0, settled=2 * TILE_HEIGHT + 10).toImage()
    assert half == paint(document, clip, 1.0, settled=0).toImage()


def test_changed_text_is_never_painted_from_stale_tiles(qapp) -> None:
    document = MessageDocument(Role.ASSISTANT, REPLY, QFont())
    document.setTextWidth(480)
    clip = QRectF(0, 0, 480, 2 * TILE_HEIGHT)
    before = paint(document, clip, 1.0, settled=math.inf).toImage()
    document.set_text(REPLY.replace("Paragraph 0", "Changed 0"), streaming=False)
    after = paint(document, clip, 1.0, settled=math.inf).toImage()
    assert after != before
    assert after == paint(document, clip, 1.0, settled=0).toImage()


def code_colours(document: MessageDocument) -> list[set[str]]:
    """The text colours used in each code block's lines."""
    found, block = [], document.begin()
    current: set[str] | None = None
    while block.isValid():
        if is_code(block):
            current = set() if current is None else current
            fragments = block.begin()
            while not fragments.atEnd():
                current.add(fragments.fragment().charFormat().foreground().color().name())
                fragments += 1
        elif current is not None:
            found.append(current)
            current = None
        block = block.next()
    return found


def streaming_into(qtbot, height: int) -> tuple[StreamRenderer, MessageItem]:
    """A transcript view on screen with an empty reply about to stream into it."""
    view, model, delegate = build_transcript(DARK)
    qtbot.addWidget(view)
    view.resize(700, height)
    view.show()
    item = MessageItem(Role.ASSISTANT, "")
    model.append(item)
    return StreamRenderer(model, delegate, item), item


def test_a_burst_of_finished_code_blocks_is_highlighted_between_frames(qtbot) -> None:
    renderer, item = streaming_into(qtbot, 500)
    delegate = renderer.delegate
    renderer.feed(REPLY + "\n\nstill streaming")  # eight code blocks finish in one frame
    document = delegate.document_for(item)
    qtbot.waitUntil(lambda: renderer.flushes > 0 and not document.highlight_pending)
    colours = code_colours(document)
    assert len(colours) == 8
    assert all(len(used) >= 3 for used in colours), "every block is highlighted"
    assert document.toPlainText().endswith("still streaming")
    renderer.finish()


def test_the_view_steps_ahead_of_streamed_text_and_keeps_its_end_in_sight(qtbot, qapp) -> None:
    renderer, item = streaming_into(qtbot, 400)
    view = renderer.view
    bar = view.verticalScrollBar()
    moves = []
    bar.valueChanged.connect(moves.append)
    frames = 0
    for number, word in enumerate((REPLY + " the end").split(" "), 1):
        renderer.feed(word + " ")
        if number % 12 == 0:  # about what a frame collects at 1,000 tokens/s
            renderer.flush()
            qapp.processEvents()  # the view catches up in a turn of its own
            qapp.processEvents()
            frames += 1
            text_end = view.content_bottom() - bar.value()
            assert 0 < text_end <= view.viewport().height(), "the newest text stays in view"
    assert bar.value() > 0
    assert 0 < len(moves) < frames / 2, "the view moves in steps, not at every frame"
    # Scrolled past the text into the room below it, the view comes back to the text.
    bar.setValue(bar.maximum())
    renderer.feed(" one more line" * 8)
    renderer.flush()
    qtbot.waitUntil(lambda: 0 < view.content_bottom() - bar.value() <= view.viewport().height())
    # When the reply ends, the room below its text must not vanish under the reader.
    qapp.processEvents()
    resting, room = bar.value(), view.content_bottom()
    renderer.finish()
    qtbot.waitUntil(lambda: bar.maximum() == bar.value())
    assert bar.value() == resting, "the view does not jump when the reply ends"
    assert item.min_height > 0
    # The next row gives the room back.
    renderer.model.append(MessageItem(Role.USER, "next question"))
    assert item.min_height == 0
    qtbot.waitUntil(lambda: bar.maximum() < resting + view.viewport().height() - (room - resting))


def test_tiles_of_a_streaming_reply_never_go_stale(qapp) -> None:
    # Tiles cover only settled text and stay cached while the reply grows below them: at every
    # step the picture must be the one a direct draw of the same document gives.
    document = MessageDocument(Role.ASSISTANT, "", QFont())
    document.setTextWidth(480)
    checked = 0
    for end in range(40, len(REPLY) + 1, 97):
        document.set_text(REPLY[:end], streaming=True)
        settled = document.settled_height(streaming=True)
        clip = QRectF(0, 0, 480, document.size().height())
        tiled = paint(document, clip, 1.0, settled=settled).toImage()
        assert tiled == paint(document, clip, 1.0, settled=0).toImage(), f"stale after {end}"
        checked += settled >= TILE_HEIGHT
    assert checked > 5, "the reply settles into tiles as it streams"


def test_the_last_tile_is_drawn_again_when_the_text_below_it_grows(qapp) -> None:
    """A stream that pauses at a paragraph's end has every block finished, so the last tile,
    cut where the text ended, is cached; the text that follows must not show through a hole."""
    paragraph = "A paragraph of several words that ends at a blank line.\n\n"
    document = MessageDocument(Role.ASSISTANT, "", QFont())
    document.setTextWidth(480)
    text = "# Heading\n\n"
    while document.size().height() < 1.5 * TILE_HEIGHT:
        text += paragraph
        document.set_text(text, streaming=True)
    assert document.settled_height(streaming=True) == document.size().height()
    clip = QRectF(0, 0, 480, 4 * TILE_HEIGHT)
    QPixmapCache.clear()
    paint(document, clip, 1.0, settled=document.settled_height(streaming=True))  # caches a cut tile
    while document.settled_height(streaming=True) < 2.5 * TILE_HEIGHT:
        text += paragraph
        document.set_text(text + "## Next", streaming=True)
    grown = paint(document, clip, 1.0, settled=document.settled_height(streaming=True)).toImage()
    assert grown == paint(document, clip, 1.0, settled=0).toImage()
