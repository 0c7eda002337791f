"""Fenced code blocks drawn as rounded boxes with a header strip (language, Copy).

The document lays a code block out with its own background and the margins that leave room for
the box's padding and header (message_document's `pre` style); the box itself is painted under
the text by the transcript. Only the blocks inside the part being painted are looked at, so a
paint costs what is on screen, however long the reply.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QTextBlock, QTextDocument, QTextFormat

CODE_BLOCK_BACKGROUND = "#23243a"
CODE_HEADER = 26  # px of the box above its first line: the language label and the Copy pill
CODE_PADDING = 10  # px of the box around its text, left, right and below
CODE_GAP = 6  # px between a box and the text around it
CODE_RADIUS = 8
# What message_document's style sheet gives a <pre>: the box's room around the text.
CODE_BLOCK_CSS = (
    f"background-color: {CODE_BLOCK_BACKGROUND}; white-space: pre-wrap; "
    f"margin-top: {CODE_HEADER + CODE_GAP}px; "
    f"margin-bottom: {CODE_PADDING + CODE_GAP}px; "
    f"margin-left: {CODE_PADDING}px; margin-right: {CODE_PADDING}px;"
)
_BACKGROUND = QColor(CODE_BLOCK_BACKGROUND)
_NEAR_END_BLOCKS = 4  # blocks looked at from the end before a hit test (visible_boxes)


def is_code(block: QTextBlock) -> bool:
    """Whether a block is a line of a code block (they, and only they, have its background)."""
    block_format = block.blockFormat()
    return (
        block_format.hasProperty(QTextFormat.Property.BackgroundBrush)
        and block_format.background().color() == _BACKGROUND
    )


def starts_code(block: QTextBlock) -> bool:
    """Whether a code line is its block's first: only a first line has a top margin (the
    header's room), so two code blocks in a row are two boxes."""
    return is_code(block) and block.blockFormat().topMargin() > 0


def box_around(document: QTextDocument, first: QTextBlock, last: QTextBlock) -> QRectF:
    """The box of the code block whose lines run from `first` to `last`, in document pixels."""
    layout = document.documentLayout()
    top_rect, bottom_rect = layout.blockBoundingRect(first), layout.blockBoundingRect(last)
    line = first.layout().lineAt(0) if first.layout().lineCount() else None
    left = top_rect.left() + (line.x() if line is not None else CODE_PADDING) - CODE_PADDING
    width = (line.width() if line is not None else top_rect.width()) + 2 * CODE_PADDING
    top = top_rect.top() - CODE_HEADER
    # A code block's text ends with a newline, which Qt shows as an empty last line: that line
    # is the box's bottom padding.
    bottom = bottom_rect.bottom() + (0 if last != first and not last.text() else CODE_PADDING)
    return QRectF(left, top, width, bottom - top)


def visible_boxes(document: QTextDocument, clip: QRectF) -> list[QRectF]:
    """The code boxes that meet `clip` (document pixels). A box running on above or below the
    clip is cut a little outside it, so its rounded ends are never drawn where they are not."""
    layout = document.documentLayout()
    block = _block_near_end(document, clip.top() - CODE_PADDING)
    if block is None:
        position = layout.hitTest(
            QPointF(0, max(0.0, clip.top() - CODE_PADDING)), Qt.HitTestAccuracy.FuzzyHit
        )
        block = document.findBlock(max(0, position))
    if block.previous().isValid():
        # From the block above: a box ending just above the clip may still reach into it
        # (its bottom padding), and the hit lands in the margin below it, on the next block.
        block = block.previous()
    if not block.isValid():
        return []
    boxes: list[QRectF] = []
    first: QTextBlock | None = None
    last = block  # the run's last code block: set together with `first`
    starts_above = False
    while block.isValid() and layout.blockBoundingRect(block).top() <= clip.bottom() + CODE_HEADER:
        if is_code(block):
            if first is not None and starts_code(block):
                boxes.append(_cut(box_around(document, first, last), clip, starts_above, False))
                first = None
            if first is None:
                first = block
                starts_above = not starts_code(block)
            last = block
        elif first is not None:
            boxes.append(_cut(box_around(document, first, last), clip, starts_above, False))
            first = None
        block = block.next()
    if first is not None:
        boxes.append(
            _cut(
                box_around(document, first, last),
                clip,
                starts_above,
                block.isValid() and is_code(block) and not starts_code(block),
            )
        )
    return boxes


def _block_near_end(document: QTextDocument, top: float) -> QTextBlock | None:
    """The block at `top` when it is one of the document's last few (a streaming reply's
    changed lines are), found from the end: a hit test costs more. None when it is not."""
    layout = document.documentLayout()
    block = document.lastBlock()
    for _ in range(_NEAR_END_BLOCKS):
        if not block.isValid():
            return None
        if layout.blockBoundingRect(block).top() <= top:
            return block
        block = block.previous()
    return None


def _cut(box: QRectF, clip: QRectF, above: bool, below: bool) -> QRectF:
    margin = 2 * CODE_RADIUS + 2
    if above:
        box.setTop(min(box.top(), clip.top() - margin))
    if below:
        box.setBottom(max(box.bottom(), clip.bottom() + margin))
    return box


def paint_boxes(painter: QPainter, document: QTextDocument, clip: QRectF) -> None:
    """Draw the code boxes inside `clip` (the painter at the document's origin)."""
    boxes = visible_boxes(document, clip)
    if not boxes:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(255, 255, 255, 22))
    painter.setBrush(_BACKGROUND)
    for box in boxes:
        painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), CODE_RADIUS, CODE_RADIUS)
    painter.restore()
