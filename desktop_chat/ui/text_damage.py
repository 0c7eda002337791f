"""Which part of a document an edit changed, line by line (MessageDocument.changed_from).

A streamed frame inserts the reply's open block again, with a few more words, but mostly only
its last line looks any different: the lines above keep their text, formats and places. A
line's shape is what decides how it is drawn: where it lies, its text, its fragments' formats
and its block's format. The shapes from before an edit against those after it give the first
pixel row that may look different; the text above it can stay on screen as it is, and a frame
that changed no shape (a token of spaces, say) repaints nothing.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtGui import QTextBlock, QTextDocument, QTextFormat, QTextList

# (top, height, x, natural width, text, fragments' formats, block's look): a line as drawn.
LineShape = tuple[float, float, float, float, str, tuple[tuple[int, int, int], ...], object]


def line_shapes(document: QTextDocument, position: int) -> list[LineShape]:
    """The shapes of the lines from the one before the line holding `position` to the end of
    `document`, in document pixels. Lines further up are not read: an edit at `position` or
    after leaves them as they are (a line is broken before a word it cannot hold, so what
    follows a line never changes where it ends)."""
    layout = document.documentLayout()
    block = document.findBlock(position)
    shapes: list[LineShape] = []
    first = True
    while block.isValid():
        rect = layout.blockBoundingRect(block)  # lays the block out: read the lines after it
        shapes.extend(
            _block_shapes(
                block, _look(document, block), rect.top(), rect.left(), position if first else -1
            )
        )
        first = False
        block = block.next()
    return shapes


def floor_above(document: QTextDocument, position: int) -> float:
    """Where the gap above the block holding `position` starts: the bottom of the block
    before it, or the document's top."""
    previous = document.findBlock(position).previous()
    if not previous.isValid():
        return 0.0
    return document.documentLayout().blockBoundingRect(previous).bottom()


def _look(document: QTextDocument, block: QTextBlock) -> object:
    """What of a block's format shows: a list item's is its list's format and its number, not
    which list object it is in (a list inserted again is a new one that looks the same)."""
    block_format = block.blockFormat()
    index = block_format.objectIndex()
    if index < 0:
        return block.blockFormatIndex()
    group = document.object(index)
    block_format.clearProperty(QTextFormat.Property.ObjectIndex)
    number = group.itemNumber(block) if isinstance(group, QTextList) else -1
    return (block_format, group.format() if group is not None else None, number)


def _block_shapes(
    block: QTextBlock, block_format: object, top: float, left: float, position: int
) -> list[LineShape]:
    text = block.text()
    lines = block.layout()
    count = lines.lineCount()
    if count == 0:  # an empty block drawn with no line (a rule, say)
        return [(top, 0.0, left, 0.0, "", (), block_format)]
    fragments = [
        (fragment.position() - block.position(), fragment.length(), fragment.charFormatIndex())
        for fragment in (item.fragment() for item in cast(Any, block))  # (PySide's stubs)
    ]
    origin = top - lines.boundingRect().top()
    first = 0
    if position >= 0:  # from the line before the one the edit starts in
        edited = lines.lineForTextPosition(min(position - block.position(), len(text)))
        first = max(0, edited.lineNumber() - 1) if edited.isValid() else 0
    shapes: list[LineShape] = []
    for number in range(first, count):
        line = lines.lineAt(number)
        start, length = line.textStart(), line.textLength()
        end = start + length
        formats = tuple(
            (max(at, start), min(at + size, end), index)
            for at, size, index in fragments
            if at < end and at + size > start
        )
        shapes.append(
            (
                origin + line.y(),
                line.height(),
                left + line.x(),
                line.naturalTextWidth(),
                text[start:end],
                formats,
                block_format,
            )
        )
    return shapes


def changed_top(before: list[LineShape], after: list[LineShape], floor: float) -> float | None:
    """Where `after` first looks different from `before`, in document pixels: the bottom of
    the nearest line above that kept its shape, so the gap between lines (block margins, where
    code boxes, rules and cell borders are drawn) is counted as changed too; `floor` when no
    line above kept its shape. None when every line kept its shape."""
    same = 0
    while same < min(len(before), len(after)) and before[same] == after[same]:
        same += 1
    if same == len(before) == len(after):
        return None
    top = min(shape[0] for shape in (*before[same:], *after[same:]))
    # The unchanged lines starting above (beside it, in a table's row, some reach lower).
    bottoms = [shape[0] + shape[1] for shape in after[:same] if shape[0] < top]
    return min(top, max(bottoms, default=floor))
