"""The glass sidebar: sessions newest first, a filter box, New and End buttons."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QToolButton,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.models import Session

SessionRole = Qt.ItemDataRole.UserRole + 1


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
        if role == Qt.ItemDataRole.ToolTipRole:
            return session.summary or session.display_title
        if role == SessionRole:
            return session
        return None

    def set_sessions(self, sessions: list[Session]) -> None:
        self.beginResetModel()
        self.sessions = list(sessions)
        self.endResetModel()

    def row_of(self, session_id: str) -> int:
        return next((i for i, s in enumerate(self.sessions) if s.session_id == session_id), -1)


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
    new_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.model = SessionListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        title = QLabel("Sessions", self)
        title.setObjectName("SidebarTitle")
        self.search = QLineEdit(self)
        self.search.setObjectName("SessionSearch")
        self.search.setPlaceholderText("Search sessions  (Ctrl+K)")
        self.search.setAccessibleName("Search sessions")
        self.search.setClearButtonEnabled(True)
        for clear_button in self.search.findChildren(QToolButton):
            clear_button.setAccessibleName("Clear search")
        self.search.textChanged.connect(self.proxy.setFilterFixedString)

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

        self.new_button = QPushButton("+ New", self)
        self.new_button.setAccessibleName("New session")
        self.new_button.setToolTip("Start a new session (Ctrl+N)")
        self.new_button.clicked.connect(self.new_requested)
        self.end_button = QPushButton("End session", self)
        self.end_button.setAccessibleName("End session")
        self.end_button.setToolTip("Summarize this session and start a fresh one (Ctrl+E)")
        self.end_button.clicked.connect(self.end_requested)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 12, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

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
