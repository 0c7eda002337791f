"""The streaming renderer's shortcuts must not show anything different: tiles give the pixels a
direct draw gives, code blocks lexed between frames end up highlighted, and the view that steps
ahead of the text never loses sight of its end."""

from __future__ import annotations

import itertools
import math

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap, QPixmapCache, QTextCursor, QTextTable

from desktop_chat.ui.code_boxes import is_code
from desktop_chat.ui.message_document import PROGRESSIVE_CHARS, MessageDocument, Role
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
    draw_document(painter, document, clip, QColor("#e0e0e0"), document.tiles_key, settled)
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


def test_a_reply_that_ends_leaves_the_view_following_a_newer_one(qtbot, qapp) -> None:
    first, _ = streaming_into(qtbot, 400)
    view, model = first.view, first.model
    assert view.text_end() == first.content_bottom()
    newer_item = MessageItem(Role.ASSISTANT, "")
    model.append(newer_item)
    newer = StreamRenderer(model, first.delegate, newer_item)
    newer.feed("the newer reply " * 40)
    newer.flush()
    qapp.processEvents()
    first.finish()  # e.g. stopped after the next reply had begun
    assert view.text_end() is not None, "the newer reply's text end is still followed"
    assert view.text_end() == newer.content_bottom()
    newer.finish()
    assert view.text_end() is None


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
            text_end = view.text_end() - bar.value()
            assert 0 < text_end <= view.viewport().height(), "the newest text stays in view"
    assert bar.value() > 0
    assert 0 < len(moves) < frames / 2, "the view moves in steps, not at every frame"
    # Scrolled past the text into the room below it, the view comes back to the text.
    bar.setValue(bar.maximum())
    renderer.feed(" one more line" * 8)
    renderer.flush()
    qtbot.waitUntil(lambda: 0 < view.text_end() - bar.value() <= view.viewport().height())
    # When the reply ends, the room below its text must not vanish under the reader.
    qapp.processEvents()
    resting, room = bar.value(), view.text_end()
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
    """Text that has all arrived (or a long reply laid out a slice at a time) is all settled,
    so the last tile, cut where the text ended, is cached; the text that follows must not
    show through a hole. (While streaming, a blank line alone does not settle the block
    before it: the next line may go on with it.)"""
    paragraph = "A paragraph of several words that ends at a blank line.\n\n"
    document = MessageDocument(Role.ASSISTANT, "", QFont())
    document.setTextWidth(480)
    text = "# Heading\n\n"
    while document.size().height() < 1.5 * TILE_HEIGHT:
        text += paragraph
        document.set_text(text, streaming=False)
    assert document.settled_height(streaming=False) == document.size().height()
    clip = QRectF(0, 0, 480, 4 * TILE_HEIGHT)
    QPixmapCache.clear()
    paint(document, clip, 1.0, settled=document.settled_height(streaming=False))  # a cut tile
    while document.settled_height(streaming=True) < 2.5 * TILE_HEIGHT:
        text += paragraph
        document.set_text(text + "## Next", streaming=True)
    grown = paint(document, clip, 1.0, settled=document.settled_height(streaming=True)).toImage()
    assert grown == paint(document, clip, 1.0, settled=0).toImage()


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
            cell = (
                cell_format.leftBorder(),
                cell_format.bottomBorder(),
                cell_format.bottomBorderBrush().color().name(),
                cell_format.background().color().name(),
                table.format().cellPadding(),
            )
        runs, fragments = [], block.begin()
        while not fragments.atEnd():
            char_format = fragments.fragment().charFormat()
            runs.append(
                (
                    fragments.fragment().text().strip(),
                    char_format.foreground().color().name(),
                    char_format.fontWeight(),
                    char_format.anchorHref(),
                )
            )
            fragments += 1
        found.append(
            (
                block.text().strip(),
                int(block_format.alignment()),
                block_format.topMargin(),
                block_format.bottomMargin(),
                block_format.leftMargin(),
                block_format.indent(),
                text_list.format().style() if text_list is not None else None,
                cell,
                [run for run in runs if run[0]],
            )
        )
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


WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
GROWING = {
    "table": "| name | value | note |\n|:--|--:|:-:|\n"
    + "".join(f"| {WORDS[n % 8]} **{n}** | {n * 7} | `x{n}` |\n" for n in range(300)),
    "list": "".join(f"- {WORDS[n % 8]} item {n} with `code`\n" for n in range(300)),
    "ordered loose list": "".join(
        f"{n + 1}. step {n}\n\n   more about {n}\n\n" for n in range(200)
    ),
    "task list": "".join(f"- [{' x'[n % 2]}] task {n}\n" for n in range(300)),
    "paragraph": "".join(f"Line {n} of one paragraph with **bold** words\n" for n in range(300)),
    "long line": " ".join(f"word{n} *a*" for n in range(4000)),
}


@pytest.mark.parametrize("kind", list(GROWING))
def test_a_block_that_keeps_growing_costs_a_frame_what_it_adds(qapp, kind) -> None:
    # A table, list or paragraph that never ends is cut in chunks: a frame parses and lays
    # out again only the chunk still growing, however long the block already is.
    text = GROWING[kind]
    document = MessageDocument(Role.ASSISTANT, "", QFont())
    document.setTextWidth(480)
    work = []
    for end in range(40, len(text) + 1, 40):
        parsed, inserted = document.parsed_chars, document.inserted_chars
        document.set_text(text[:end], streaming=True)
        work.append((document.parsed_chars - parsed, document.inserted_chars - inserted))
    tenth = len(work) // 10
    early, late = work[: 2 * tenth], work[-tenth:]
    for column, what in ((0, "parsed"), (1, "laid out")):
        most_early = max(frame[column] for frame in early)
        most_late = max(frame[column] for frame in late)
        assert most_late <= 2 * most_early, f"{what} per frame grows with the block"
        assert most_late < len(text) / 4, f"{what} per frame is a good part of the block"
    assert document.tail_top() > document.size().height() / 2, "chunks above settle"


@pytest.mark.parametrize("kind", list(GROWING))
def test_a_block_cut_in_chunks_looks_the_same_streamed_and_in_one_go(qtbot, kind) -> None:
    text = "Before it\n\n" + GROWING[kind] + "\n\nAfter it"
    streamed = MessageDocument(Role.ASSISTANT, "", QFont())
    streamed.setTextWidth(480)
    for step, end in enumerate(range(1, len(text) + 1, 53)):
        streamed.set_text(text[:end], streaming=True)
        if step % 25 == 0:
            afresh = MessageDocument(Role.ASSISTANT, "", QFont())
            afresh.setTextWidth(480)
            afresh.set_text(text[:end], streaming=True)
            assert structure(streamed) == structure(afresh), f"differs after {end} chars"
    streamed.set_text(text, streaming=False)
    one_shot = MessageDocument(Role.ASSISTANT, text, QFont(), progressive=kind == "long line")
    one_shot.setTextWidth(480)
    qtbot.waitUntil(lambda: not one_shot.render_pending)  # a long one is laid out in slices
    assert structure(streamed) == structure(one_shot)
    assert pixels(streamed) == pixels(one_shot)


def test_a_chunked_table_keeps_its_columns_header_and_alignment(qapp) -> None:
    document = MessageDocument(Role.ASSISTANT, GROWING["table"], QFont())
    document.setTextWidth(480)
    tables = [
        frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)
    ]
    assert len(tables) > 5, "cut in chunks"
    headers = [
        table
        for table in tables
        if table.cellAt(0, 0).firstCursorPosition().block().text() == "name"
    ]
    assert len(headers) == 1, "one header row, at the top"
    layout = document.documentLayout()
    for table in tables:
        lefts = [
            layout.blockBoundingRect(table.cellAt(0, column).firstCursorPosition().block()).left()
            for column in range(3)
        ]
        assert lefts == pytest.approx(first_lefts(tables[0], layout), abs=1)
        alignment = table.cellAt(table.rows() - 1, 1).firstCursorPosition().blockFormat()
        assert alignment.alignment() & Qt.AlignmentFlag.AlignRight
    bottoms = [layout.frameBoundingRect(table).bottom() for table in tables]
    tops = [layout.frameBoundingRect(table).top() for table in tables]
    assert all(
        abs(top - bottom) <= 1 for top, bottom in zip(tops[1:], bottoms[:-1], strict=True)
    ), "no gaps"


def first_lefts(table: QTextTable, layout) -> list[float]:
    return [
        layout.blockBoundingRect(table.cellAt(0, column).firstCursorPosition().block()).left()
        for column in range(3)
    ]


def test_a_long_saved_reply_is_laid_out_a_slice_per_turn(qtbot) -> None:
    text = "\n\n".join(GROWING.values()) * 3
    assert len(text) > PROGRESSIVE_CHARS
    assert not MessageDocument(Role.ASSISTANT, text, QFont()).render_pending, "only if asked"
    document = MessageDocument(Role.ASSISTANT, text, QFont(), progressive=True)
    assert document.render_pending, "not all laid out at once"
    first = document.toPlainText()
    assert 0 < len(first) < len(text) / 4
    slices = []
    document.rendered_more.connect(lambda: slices.append(document.parsed_chars))
    qtbot.waitUntil(lambda: not document.render_pending, timeout=20_000)
    assert len(slices) > 5
    steps = [later - earlier for earlier, later in itertools.pairwise(slices)]
    assert max(steps) < len(text) / 4, "each slice parses a slice, not the whole reply"
    streamed = MessageDocument(Role.ASSISTANT, "", QFont())
    for end in range(0, len(text), 997):
        streamed.set_text(text[:end], streaming=True)
    streamed.set_text(text, streaming=False)
    assert structure(document) == structure(streamed)


def test_new_text_stops_a_slow_layout_under_way(qtbot) -> None:
    document = MessageDocument(Role.ASSISTANT, GROWING["paragraph"] * 20, QFont(), progressive=True)
    assert document.render_pending
    document.set_text("short now", streaming=False)
    assert not document.render_pending and document.toPlainText().strip() == "short now"
    qtbot.wait(20)  # the slice scheduled before must not write the old text back
    assert document.toPlainText().strip() == "short now"


@pytest.mark.real_window
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_construct_streamed_in_a_real_window_shows_what_it_shows_opened_fresh(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    import os

    from PySide6.QtCore import QPoint, QSettings
    from PySide6.QtGui import QCursor

    from desktop_chat.ui.preferences import Preferences
    from tests.support.pixels import differing_rows, ink_pixels
    from tests.test_real_transcript import pages
    from tests.ui_helpers import ChatApp

    groq_server.reply_text = EVERY_CONSTRUCT
    groq_server.tokens_per_second = 150
    isolated_environment.mkdir(parents=True, exist_ok=True)
    Preferences(theme=theme).save(
        QSettings(str(isolated_environment / "preferences.ini"), QSettings.Format.IniFormat)
    )
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    app.window.resize(1100, 900)
    qtbot.waitExposed(app.window)
    QCursor.setPos(QPoint(0, 0))  # no hover effects in the shots
    app.send_and_wait("Show me every construct.", timeout=60_000)
    limit = app.window.transcript.verticalScrollBar().maximum()
    streamed = pages(qtbot, app, limit)
    run(app.window.open_session(app.window.current_session_id))
    fresh = pages(qtbot, app, limit)
    shots = os.environ.get("DESKTOP_CHAT_SHOTS")  # a folder to keep the pages in, to look at
    for number, (seen, expected) in enumerate(zip(streamed, fresh, strict=True)):
        if shots:
            seen.save(f"{shots}/constructs-{theme}-streamed-{number}.png")
            expected.save(f"{shots}/constructs-{theme}-fresh-{number}.png")
        assert ink_pixels(expected) > 1000
        rows = differing_rows(seen, expected, tolerance=40)
        assert not rows, f"page {number} differs in {len(rows)} pixel rows (first y={rows[0]})"
    app.close()


@pytest.mark.parametrize(
    "source",
    [
        "Intro\n\n- a\n  ```\n  x = 1\n  ```\n- b\n- c\n\nAfter.",
        "Steps:\n\n1. Install it:\n\n   ```bash\n   pip install thing\n   ```\n\n2. Run it:\n\n"
        "   ```python\n   import thing\n   ```\n\n3. Done.\n\nAfter.",
    ],
)
def test_a_list_whose_items_hold_code_streams_as_one_list(qapp, source) -> None:
    one_shot = MessageDocument(Role.ASSISTANT, source, QFont())
    one_shot.setTextWidth(480)
    streamed = MessageDocument(Role.ASSISTANT, "", QFont())
    streamed.setTextWidth(480)
    for end in range(1, len(source) + 1, 2):
        streamed.set_text(source[:end], streaming=True)
    streamed.set_text(source, streaming=False)
    assert structure(streamed) == structure(one_shot)
    assert pixels(streamed) == pixels(one_shot)
