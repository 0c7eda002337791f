"""The streaming renderer's shortcuts must not show anything different: tiles give the pixels a
direct draw gives, code blocks lexed between frames end up highlighted, and the view that steps
ahead of the text never loses sight of its end."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap, QPixmapCache, QTextCursor

from desktop_chat.ui.message_document import MessageDocument, Role
from desktop_chat.ui.text_tiles import TILE_HEIGHT, draw_document
from desktop_chat.ui.theme import DARK, LIGHT
from desktop_chat.ui.transcript import MessageItem, StreamRenderer, build_transcript
from tests.test_markdown import EVERY_CONSTRUCT

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
        if block.blockFormat().nonBreakableLines():
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


def structure(document: MessageDocument) -> list[tuple]:
    """What each block shows and how: its text, alignment, margins, indent, list style, the
    table cell around it (borders, fill), and each run's colour, weight and link."""
    found, block = [], document.begin()
    while block.isValid():
        block_format = block.blockFormat()
        text_list = block.textList()
        table = QTextCursor(block).currentTable()
        cell = None
        if table is not None:
            cell_format = table.cellAt(block.position()).format().toTableCellFormat()
            cell = (cell_format.leftBorder(), cell_format.bottomBorder(),
                    cell_format.bottomBorderBrush().color().name(),
                    cell_format.background().color().name(), table.format().cellPadding())
        runs, fragments = [], block.begin()
        while not fragments.atEnd():
            char_format = fragments.fragment().charFormat()
            runs.append((fragments.fragment().text().strip(),
                         char_format.foreground().color().name(), char_format.fontWeight(),
                         char_format.anchorHref()))
            fragments += 1
        found.append((block.text().strip(), int(block_format.alignment()),
                      block_format.topMargin(), block_format.bottomMargin(),
                      block_format.leftMargin(), block_format.indent(),
                      text_list.format().style() if text_list is not None else None,
                      cell, [run for run in runs if run[0]]))
        block = block.next()
    return found


def test_every_construct_streamed_looks_as_it_does_rendered_in_one_go(qapp) -> None:
    # Task lists, a blockquote, a rule, bare links, aligned tables, a nested list and code:
    # each frame must show what the same text shows afresh, and the end what a one-shot shows.
    for theme in (DARK, LIGHT):
        streamed = MessageDocument(Role.ASSISTANT, "", QFont(), theme)
        streamed.setTextWidth(480)
        for step, end in enumerate(range(1, len(EVERY_CONSTRUCT) + 1, 3)):
            streamed.set_text(EVERY_CONSTRUCT[:end], streaming=True)
            afresh = MessageDocument(Role.ASSISTANT, "", QFont(), theme)
            afresh.setTextWidth(480)
            afresh.set_text(EVERY_CONSTRUCT[:end], streaming=True)
            assert structure(streamed) == structure(afresh), f"after {EVERY_CONSTRUCT[:end]!r}"
            if step % 8 == 0:
                assert pixels(streamed) == pixels(afresh), f"after {EVERY_CONSTRUCT[:end]!r}"
        streamed.set_text(EVERY_CONSTRUCT, streaming=False)
        one_shot = MessageDocument(Role.ASSISTANT, EVERY_CONSTRUCT, QFont(), theme)
        one_shot.setTextWidth(480)
        assert structure(streamed) == structure(one_shot)
        assert streamed.size() == one_shot.size()
        assert pixels(streamed) == pixels(one_shot)
        rules = [entry for entry in structure(one_shot) if entry[0] == "" and entry[7] is None]
        assert rules, "the rule is there"


def pixels(document: MessageDocument):
    return paint(document, QRectF(0, 0, 480, document.size().height()), 1.0, settled=0).toImage()
