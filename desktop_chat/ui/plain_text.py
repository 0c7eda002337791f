"""Showing untrusted text (titles, summaries, server messages) as text, never as markup.

A QLabel, a QMessageBox and a tooltip all guess: text that looks like HTML (Qt.mightBeRichText)
is rendered as rich text, which makes a session title such as `<a href="file:///…">` a link
and `<img src="/home/…">` a local image loaded from disk. A title is model-written, so
prompt-injectable: these helpers switch the guess off.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QSizePolicy, QWidget

from desktop_chat.models import strip_invisible


def make_plain(label: QLabel) -> QLabel:
    """Show exactly the characters given: no markup, no links, no images."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    return label


class ElidedLabel(QLabel):
    """One line of plain text that never widens its window: a long one (a 200-character title
    in "Deleted “…”") ends in "…" where the label ends, and the whole of it is in the tooltip.
    `text()` is the whole text."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        make_plain(self)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setAccessibleDescription(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def is_cut(self) -> bool:
        """Whether the label shows less than its whole text (it ends in "…")."""
        return super().text() != " ".join(self._full.split())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._elide()

    def _elide(self) -> None:
        one_line = " ".join(self._full.split())
        if not self.isVisible():
            # Cut when shown, at the width it has then: a hidden label (most are, while the
            # window is built) would be cut to nothing, with a tooltip made for it.
            super().setText(one_line)
            self.setToolTip("")
            return
        shown = self.fontMetrics().elidedText(
            one_line, Qt.TextElideMode.ElideRight, max(self.width(), 1)
        )
        super().setText(shown)
        self.setToolTip(plain_tooltip(self._full) if shown != one_line else "")


def plain_tooltip(text: str | None) -> str:
    """Tooltip text that shows `text` literally. A tooltip has no text-format switch: it is
    rich text whenever it looks like it, so it is given as rich text whose every character is
    escaped (and without invisible or direction-changing characters)."""
    if not text:
        return ""
    import html  # here, not above: its entity table is not needed before the first paint

    escaped = html.escape(strip_invisible(text)).replace("\n", "<br>")
    return f"<p style='white-space:pre-wrap'>{escaped}</p>"


def plain_message_box(
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    parent: QWidget | None = None,
) -> QMessageBox:
    """A QMessageBox whose text is plain text (its label would otherwise guess)."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def show_plain_message(
    icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str
) -> None:
    """A modal message in plain text, for start-up (before the event loop runs)."""
    plain_message_box(icon, title, text, parent=parent).exec()
