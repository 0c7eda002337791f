"""The glass sidebar: sessions newest first, a filter box, New and End buttons."""

from __future__ import annotations

import html
from datetime import datetime, timezone

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.models import Session
from desktop_chat.store.base import MATCH_END, MATCH_START, SearchHit
from desktop_chat.ui.plain_text import plain_tooltip

SessionRole = Qt.ItemDataRole.UserRole + 1
HitRole = Qt.ItemDataRole.UserRole + 2
SEARCH_DELAY_MS = 150


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    local = moment.astimezone()
    if seconds < 86_400 and local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    if local.year == now.astimezone().year:
        return local.strftime("%d %b")
    return local.strftime("%d %b %Y")


class SessionListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.sessions: list[Session] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.sessions)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        session = self.sessions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return session.display_title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{session.display_title}, {relative_time(session.updated_at)}"
        if role == Qt.ItemDataRole.ToolTipRole:  # model-written: shown as text, never markup
            return plain_tooltip(session.summary or session.display_title)
        if role == SessionRole:
            return session
        return None

    def set_sessions(self, sessions: list[Session]) -> None:
        self.beginResetModel()
        self.sessions = list(sessions)
        self.endResetModel()

    def row_of(self, session_id: str) -> int:
        return next((i for i, s in enumerate(self.sessions) if s.session_id == session_id), -1)


def snippet_html(snippet: str) -> str:
    """The match marked in bold on a tint; everything else escaped, so text stays text."""
    escaped = html.escape(snippet.replace("\n", " "))
    return (escaped.replace(html.escape(MATCH_START), "<b style='background-color:#6b5bd6; color:white'>")
            .replace(html.escape(MATCH_END), "</b>"))


class SearchResultModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list[SearchHit] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        plain = hit.snippet.replace(MATCH_START, "").replace(MATCH_END, "")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{hit.title}: {plain}"
        if role == HitRole:
            return hit
        return None

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()


class SearchResultDelegate(QStyledItemDelegate):
    """The session's title, and the matching words highlighted in their context."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(200, QFontMetrics(option.font).height() * 3 + 20)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        hit: SearchHit = index.data(HitRole)
        style_option = QStyleOptionViewItem(option)
        self.initStyleOption(style_option, index)
        style_option.text = ""
        if option.widget:
            option.widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, style_option,
                                              painter, option.widget)
        rect = option.rect.adjusted(10, 6, -10, -6)
        color = option.palette.text().color().name()
        title = html.escape(hit.title) if hit.event_id else snippet_html(hit.snippet)
        body = snippet_html(hit.snippet) if hit.event_id else "<i>title</i>"
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setTextWidth(rect.width())
        document.setHtml(f"<div style='color:{color}'><b>{title}</b><br/>"
                         f"<span style='font-size:small'>{body}</span></div>")
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRect(0, 0, rect.width(), rect.height()))
        document.drawContents(painter)
        painter.restore()


class SessionDelegate(QStyledItemDelegate):
    """Two lines per session: the title, and when it was last active (with an ended mark)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        session: Session = index.data(SessionRole)
        style_option = QStyleOptionViewItem(option)
        self.initStyleOption(style_option, index)
        style_option.text = ""
        widget = option.widget
        style = widget.style() if widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, style_option, painter, widget)
        rect = option.rect.adjusted(10, 6, -10, -6)
        metrics = QFontMetrics(option.font)
        painter.save()
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(title_font)
        painter.setPen(option.palette.text().color())
        title = QFontMetrics(title_font).elidedText(session.display_title, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.85)
        painter.setFont(small)
        muted = option.palette.text().color()
        muted.setAlpha(150)
        painter.setPen(muted)
        when = relative_time(session.updated_at)
        if session.end_time:
            when += " · ended"
        painter.drawText(QRect(rect.left(), rect.top() + metrics.height() + 4, rect.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, when)
        painter.restore()


class SessionPanel(QWidget):
    session_activated = Signal(str)
    hit_activated = Signal(str, str)  # session id, event id ("" for a title match)
    search_requested = Signal(str)
    new_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.model = SessionListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)

        title = QLabel("Sessions", self)
        title.setObjectName("SidebarTitle")
        self.search = QLineEdit(self)
        self.search.setObjectName("SessionSearch")
        self.search.setPlaceholderText("Search sessions  (Ctrl+K)")
        self.search.setAccessibleName("Search sessions")
        self.search.setClearButtonEnabled(True)
        for clear_button in self.search.findChildren(QToolButton):
            clear_button.setAccessibleName("Clear search")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.search_requested.emit(self.search.text()))
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._open_first_hit)

        self.list = QListView(self)
        self.list.setObjectName("SessionList")
        self.list.setAccessibleName("Sessions")
        self.list.setModel(self.proxy)
        self.list.setItemDelegate(SessionDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.clicked.connect(self._activated)
        self.list.activated.connect(self._activated)

        self.results_model = SearchResultModel(self)
        self.results = QListView(self)
        self.results.setObjectName("SearchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(SearchResultDelegate(self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.clicked.connect(self._hit_chosen)
        self.results.activated.connect(self._hit_chosen)
        self.results.hide()
        self.no_results = QLabel("No matches.", self)
        self.no_results.setObjectName("Hint")
        self.no_results.hide()

        self.new_button = QPushButton("+ New", self)
        self.new_button.setAccessibleName("New session")
        self.new_button.setToolTip("Start a new session (Ctrl+N)")
        self.new_button.clicked.connect(self.new_requested)
        self.end_button = QPushButton("End session", self)
        self.end_button.setAccessibleName("End session")
        self.end_button.setToolTip("Summarize this session and start a fresh one (Ctrl+E)")
        self.end_button.clicked.connect(self.end_requested)

        self.more_button = QToolButton(self)
        self.more_button.setText("⋯")
        self.more_button.setObjectName("MoreButton")
        self.more_button.setAccessibleName("More session actions")
        self.more_button.setToolTip("Rename, export or delete the selected session")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.end_button)
        buttons.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 12, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.no_results)
        layout.addLayout(buttons)

    def _search_changed(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self.show_results(None)

    def show_results(self, hits: list[SearchHit] | None) -> None:
        """Search hits in place of the session list; None goes back to the list."""
        searching = hits is not None
        self.results_model.set_hits(hits or [])
        self.results.setVisible(searching and bool(hits))
        self.no_results.setVisible(searching and not hits)
        self.list.setVisible(not searching)
        if hits:
            self.results.setCurrentIndex(self.results_model.index(0))

    def _open_first_hit(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.search_requested.emit(self.search.text())
        if self.results.isVisible():
            self._hit_chosen(self.results.currentIndex())

    def _hit_chosen(self, index: QModelIndex) -> None:
        hit: SearchHit | None = index.data(HitRole) if index.isValid() else None
        if hit is not None:
            self.hit_activated.emit(hit.session_id, hit.event_id or "")

    def _activated(self, proxy_index: QModelIndex) -> None:
        session: Session = proxy_index.data(SessionRole)
        if session:
            self.session_activated.emit(session.session_id)

    def set_sessions(self, sessions: list[Session], current_id: str | None) -> None:
        self.model.set_sessions(sessions)
        self.select(current_id)

    def select(self, session_id: str | None) -> None:
        row = self.model.row_of(session_id) if session_id else -1
        if row < 0:
            self.list.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(row))
        self.list.setCurrentIndex(index)

    def neighbour(self, session_id: str | None, step: int) -> str | None:
        rows = self.proxy.rowCount()
        if rows == 0:
            return None
        row = self.model.row_of(session_id) if session_id else -1
        current = self.proxy.mapFromSource(self.model.index(row)).row() if row >= 0 else -1
        target = (current + step) % rows if current >= 0 else 0
        return self.proxy.index(target, 0).data(SessionRole).session_id
