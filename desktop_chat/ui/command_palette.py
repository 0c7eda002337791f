"""The command palette (Ctrl+Shift+P): every action of the shortcut table and every session,
fuzzy matched as you type; Up/Down/Enter/Esc or the mouse.

It is a child of the window drawn over its top, not a window of its own: it needs no window
manager or compositor for its rounded glass look, and it goes when the focus leaves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.fuzzy import fuzzy_filter
from desktop_chat.ui.shortcuts import Bindings, Shortcut, keys_for, shown_title
from desktop_chat.ui.theme import Theme

translate = QCoreApplication.translate

MAX_ROWS = 200  # enough to scroll through; a longer list helps no one choose
ROW_HEIGHT = 34
WIDTH = 560
EntryRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class PaletteEntry:
    kind: str  # "action" or "session"
    title: str  # plain text: a session's title may be model text
    detail: str  # the action's key, or "session"
    target: str  # the action's name, or the session's id


def action_entries(
    shortcuts: tuple[Shortcut, ...],
    runnable: Callable[[str], bool],
    bindings: Bindings | None = None,
) -> list[PaletteEntry]:
    """One entry per action the window binds, named by its description, with its first key
    (the user's own where they rebound it)."""
    entries = []
    for shortcut in shortcuts:
        if not shortcut.action or not runnable(shortcut.action):
            continue
        keys = keys_for(shortcut, bindings or {})
        key = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText) if keys else ""
        entries.append(PaletteEntry("action", shown_title(shortcut), key, shortcut.action))
    return entries


class _EntryDelegate(QStyledItemDelegate):
    """Title on the left, the key (or "session") muted on the right; both plain text."""

    def __init__(self, theme: Theme, parent=None):
        super().__init__(parent)
        self.theme = theme

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        entry: PaletteEntry = index.data(EntryRole)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        rect = option.rect.adjusted(4, 1, -4, -1)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected or hovered:
            # The user bubble's blue, not the accent: white text on it reads at AA (5.3:1) in
            # both themes, where the dark theme's lighter accent gives 2.9:1.
            fill = QColor(self.theme.user_bubble)
            if not selected:
                fill.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 8, 8)
        text_colour = QColor("white") if selected else QColor(self.theme.text)
        detail_colour = QColor("white") if selected else QColor(self.theme.muted)
        inner = rect.adjusted(12, 0, -12, 0)
        metrics = option.fontMetrics
        detail_width = metrics.horizontalAdvance(entry.detail) + 8 if entry.detail else 0
        painter.setPen(detail_colour)
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, entry.detail
        )
        painter.setPen(text_colour)
        title_rect = QRect(inner.left(), inner.top(), inner.width() - detail_width, inner.height())
        title = metrics.elidedText(entry.title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(
            title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title
        )
        painter.restore()


class CommandPalette(QFrame):
    """Built once per window; `open_with(entries)` fills and shows it, `chosen` says what ran."""

    chosen = Signal(object)  # the PaletteEntry picked

    def __init__(self, theme: Theme, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("CommandPalette")
        self.setAccessibleName(translate("CommandPalette", "Command palette"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.entries: list[PaletteEntry] = []
        self.search = QLineEdit(self)
        self.search.setObjectName("PaletteSearch")
        self.search.setAccessibleName(translate("CommandPalette", "Search actions and sessions"))
        self.search.setPlaceholderText(translate("CommandPalette", "Type an action or a session…"))
        self.search.setClearButtonEnabled(True)
        for button in self.search.findChildren(QToolButton):  # the clear button Qt adds
            button.setAccessibleName(translate("CommandPalette", "Clear the search"))
        self.list = QListWidget(self)
        self.list.setObjectName("PaletteList")
        self.list.setAccessibleName(translate("CommandPalette", "Matching actions and sessions"))
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the search field
        self.list.setMouseTracking(True)
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # elided
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.delegate = _EntryDelegate(theme, self.list)
        self.list.setItemDelegate(self.delegate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self._refilter)
        self.search.installEventFilter(self)
        self.list.itemClicked.connect(self._run_item)
        parent.installEventFilter(self)  # follow the window's size
        self.hide()

    def set_theme(self, theme: Theme) -> None:
        self.delegate.theme = theme
        self.list.viewport().update()

    # -- showing -----------------------------------------------------------------
    def open_with(self, entries: list[PaletteEntry]) -> None:
        self.entries = entries
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._refilter("")
        self._place()
        if not self.isVisible():
            QApplication.instance().focusChanged.connect(self._focus_moved)
        self.show()
        self.raise_()
        self.search.setFocus()

    def dismiss(self) -> None:
        if not self.isVisible():
            return
        try:
            QApplication.instance().focusChanged.disconnect(self._focus_moved)
        except (RuntimeError, TypeError):
            pass
        self.hide()

    def _place(self) -> None:
        """Centred near the top, as tall as the matches (up to what the window leaves room for)."""
        window = self.parentWidget()
        width = min(WIDTH, window.width() - 32)
        room = max(3, min(10, (window.height() - 160) // ROW_HEIGHT))
        rows = max(1, min(room, self.list.count()))
        height = 10 + self.search.sizeHint().height() + 8 + rows * ROW_HEIGHT + 6 + 10
        height = min(height, window.height() - 64)
        self.setGeometry((window.width() - width) // 2, 48, width, height)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and not self.isAncestorOf(new):
            self.dismiss()  # a click elsewhere in the window, or another window

    # -- matching ----------------------------------------------------------------
    def _refilter(self, text: str) -> None:
        found = fuzzy_filter(text, self.entries, lambda entry: entry.title, limit=MAX_ROWS)
        self.list.clear()
        for entry in found:
            item = QListWidgetItem(entry.title)
            item.setData(EntryRole, entry)
            item.setToolTip("")
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
        if self.isVisible():
            self._place()

    @property
    def shown_entries(self) -> list[PaletteEntry]:
        return [self.list.item(row).data(EntryRole) for row in range(self.list.count())]

    # -- keys and choosing -------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            if self.isVisible():
                self._place()
            return False
        keys = (
            Qt.Key.Key_Down,
            Qt.Key.Key_Up,
            Qt.Key.Key_PageDown,
            Qt.Key.Key_PageUp,
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Escape,
        )
        if watched is self.search and event.type() == QEvent.Type.ShortcutOverride:
            if event.key() in keys:
                event.accept()  # these keys are the palette's, not the window's (Esc stops a reply)
            return False
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self._move(key)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._run_item(self.list.currentItem())
                return True
            if key == Qt.Key.Key_Escape:
                self.dismiss()
                self.parentWidget().setFocus()
                return True
        return False

    def _move(self, key: Qt.Key) -> None:
        count = self.list.count()
        if not count:
            return
        page = max(1, self.list.viewport().height() // ROW_HEIGHT - 1)
        step = {
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_PageDown: page,
            Qt.Key.Key_PageUp: -page,
        }[key]
        row = self.list.currentRow()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = (row + step) % count  # wrap around, as other palettes do
        else:
            row = min(count - 1, max(0, row + step))
        self.list.setCurrentRow(row)

    def _run_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        entry = item.data(EntryRole)
        self.dismiss()
        self.chosen.emit(entry)
