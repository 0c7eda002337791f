"""What a reader does with the text in the transcript: select it with the mouse (drag,
double-click for a word), copy it, follow or hover its links, type through to the composer, and
the context menu of a message. A part of TranscriptView (view.py), kept apart so the view itself
is about scrolling and following."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import QListView, QMenu, QToolTip

from desktop_chat.ui.message_document import Role
from desktop_chat.ui.transcript.delegate import MessageDelegate
from desktop_chat.ui.transcript.layout import READ_ALOUD_LABEL, STOP_READING_LABEL, shown_label
from desktop_chat.ui.transcript.model import ItemRole, MessageItem, TranscriptModel

translate = QCoreApplication.translate


class TextInteraction(QListView):
    """TranscriptView's mouse, keyboard and context-menu handling of the text it shows. Needs
    the view's `_selecting`, `_drag_start`, `_selected`, `context_menu` and its signals `typed`,
    `branch_requested`, `delete_requested` (set up by TranscriptView)."""

    # -- selecting text ------------------------------------------------------------
    def _item_at(self, position: QPoint) -> tuple[MessageItem | None, QRect]:
        index = self.indexAt(position)
        if not index.isValid():
            return None, QRect()
        return index.data(ItemRole), self.visualRect(index)

    def _delegate(self) -> MessageDelegate:
        return self.itemDelegate()

    def select_text(self, item: MessageItem | None, anchor: int = 0, position: int = 0) -> None:
        """Select text of one message (document positions), or clear the selection (None)."""
        previous, self._selected = self._selected, item
        if previous is not None and previous is not item:
            previous.selection = None
            self._repaint_item(previous)
        if item is not None:
            item.selection = (anchor, position)
            self._repaint_item(item)

    def _repaint_item(self, item: MessageItem) -> None:
        model = self.model()
        if isinstance(model, TranscriptModel):
            index = model.index_of(item)  # invalid for a row parked or gone: nothing to repaint
            if index.isValid():
                self.viewport().update(self.visualRect(index))

    def selected_text(self) -> str:
        item = self._selected
        if item is None or item.selection is None or item.document is None:
            return ""
        cursor = QTextCursor(item.document)
        cursor.setPosition(item.selection[0])
        cursor.setPosition(item.selection[1], QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            item, rect = self._item_at(event.position().toPoint())
            self._drag_start = event.position().toPoint()
            self._selecting = item
            if item is not None and item.role != Role.ERROR:
                at = self._delegate().text_position(item, rect, event.position().toPoint())
                self.select_text(item, at, at)
            else:
                self.select_text(None)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        item = self._selecting
        if item is not None and event.buttons() & Qt.MouseButton.LeftButton and item.selection:
            model = self.model()
            index = model.index_of(item)  # invalid for a row parked or gone
            if index.isValid():
                rect = self.visualRect(index)
                at = self._delegate().text_position(item, rect, event.position().toPoint())
                self.select_text(item, item.selection[0], at)
            return
        super().mouseMoveEvent(event)
        over_link = False
        hovered, rect = self._item_at(event.position().toPoint())
        if hovered is not None:
            link = self._delegate().link_at(hovered, rect, event.position().toPoint())
            over_link = link is not None
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor
            if over_link
            else Qt.CursorShape.IBeamCursor
            if hovered is not None
            else Qt.CursorShape.ArrowCursor
        )

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        item, self._selecting = self._selecting, None
        if item is not None and item.selection and item.selection[0] != item.selection[1]:
            return  # a drag that selected text is not a click on a link or a pill
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        item, rect = self._item_at(event.position().toPoint())
        if item is None or item.document is None or item.role == Role.ERROR:
            return super().mouseDoubleClickEvent(event)
        cursor = QTextCursor(item.document)
        cursor.setPosition(self._delegate().text_position(item, rect, event.position().toPoint()))
        cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        self.select_text(item, cursor.anchor(), cursor.position())
        self._selecting = None

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            text = self.selected_text()
            if text:
                self._delegate().copy_requested.emit(text)
            return
        current = self.currentIndex().data(ItemRole) if self.currentIndex().isValid() else None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current and current.reasoning:
            self._delegate().toggle_thinking(current, self.currentIndex())
            return
        if event.matches(QKeySequence.StandardKey.SelectAll) and self._selected is not None:
            item = self._selected
            self.select_text(item, 0, item.document.characterCount() - 1)
            return
        if (
            event.text()
            and event.text().isprintable()
            and not (
                event.modifiers()
                & (
                    Qt.KeyboardModifier.ControlModifier
                    | Qt.KeyboardModifier.AltModifier
                    | Qt.KeyboardModifier.MetaModifier
                )
            )
        ):
            self.typed.emit(event.text())  # typing goes on in the composer
            return
        super().keyPressEvent(event)

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            item, rect = self._item_at(event.pos())
            url = self._delegate().link_at(item, rect, event.pos()) if item is not None else None
            if url is None:
                QToolTip.hideText()
                return True
            # Where the link really goes, whatever its text says. Encoded, it holds no markup.
            QToolTip.showText(
                event.globalPos(),
                translate("Transcript", "Opens {url}").format(
                    url=url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
                ),
                self.viewport(),
            )
            return True
        return super().viewportEvent(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        item, rect = self._item_at(event.pos())
        if item is None:
            return
        delegate = self._delegate()
        menu = QMenu(self)
        selected = self.selected_text() if item is self._selected else ""
        copy = menu.addAction(
            translate("Transcript", "Copy"), lambda: delegate.copy_requested.emit(selected)
        )
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setEnabled(bool(selected))
        menu.addAction(
            translate("Transcript", "Copy message"), lambda: delegate.copy_requested.emit(item.text)
        )
        if item.document is not None:
            menu.addAction(
                translate("Transcript", "Select all"),
                lambda: self.select_text(item, 0, item.document.characterCount() - 1),
            )
        if item.role == Role.ASSISTANT and item.text and not item.streaming:
            menu.addAction(
                shown_label(STOP_READING_LABEL if item.reading_aloud else READ_ALOUD_LABEL),
                lambda: delegate.read_aloud_requested.emit(item),
            )
        if item.event_id and item.role != Role.ERROR and not item.streaming:
            menu.addSeparator()
            menu.addAction(
                translate("Transcript", "Branch to a new session"),
                lambda: self.branch_requested.emit(item.event_id),
            )
            menu.addAction(
                translate("Transcript", "Delete message"),
                lambda: self.delete_requested.emit(item.event_id),
            )
        url = delegate.link_at(item, rect, event.pos())
        if url is not None:
            menu.addSeparator()
            text = delegate.link_text_at(item, rect, event.pos())
            menu.addAction(
                translate("Transcript", "Open link"), lambda: delegate.link_clicked.emit(url, text)
            )
            menu.addAction(
                translate("Transcript", "Copy link address"),
                lambda: delegate.copy_requested.emit(url.toString()),
            )
        self.context_menu = menu
        menu.popup(event.globalPos())
