"""The glass sidebar: sessions newest first, a filter box, New and End buttons."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timezone

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.models import MATCH_END, MATCH_START, SearchHit, Session
from desktop_chat.ui.language import clock_time, short_date
from desktop_chat.ui.language import number as locale_number
from desktop_chat.ui.plain_text import plain_tooltip
from desktop_chat.ui.theme import Theme

translate = QCoreApplication.translate

SessionRole = Qt.ItemDataRole.UserRole + 1
HitRole = Qt.ItemDataRole.UserRole + 2
SEARCH_DELAY_MS = 150


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return translate("SessionPanel", "just now")
    if seconds < 3600:
        return translate("SessionPanel", "%n min ago", None, int(seconds // 60))
    local = moment.astimezone()
    if seconds < 86_400 and local.date() == now.astimezone().date():
        return clock_time(moment)
    return short_date(moment, with_year=local.year != now.astimezone().year)


def last_active(session: Session) -> datetime:
    """When the session last had a message, as listed (ListedSession), else its sync clock."""
    return getattr(session, "last_activity", None) or session.updated_at


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
            return f"{session.display_title}, {relative_time(last_active(session))}"
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


@functools.cache
def _snippet_markup() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Markdown syntax a snippet may carry, each with what replaces it, in the order removed so
    the snippet reads as plain text. A snippet is a cut out of a message, so a link or a fence
    may be cut short at either end. Compiled at the first search, not while the window starts
    (~2 ms)."""
    return (
        (re.compile(r"^[ \t]*(?:```|~~~)[^\n]*$", re.M), " "),  # fences
        (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$|^[ \t|:-]*-{3,}[ \t|:-]*$", re.M), " "),  # rules
        (  # headings, quotes, list markers and task boxes
            re.compile(
                r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)",
                re.M,
            ),
            "",
        ),
        (
            re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)?"),
            r"\1",
        ),  # [text](url), ![alt](url), cut-off ones
        (re.compile(r"\]\([^)\s]*\)?"), ""),  # the end of a link whose start was cut off
        # A snippet that starts inside a link's URL: "…/path) and more" -> "… and more".
        (re.compile(r"^…[^\s(\[\]]*\)"), "…"),
        (re.compile(r"<((?:https?|mailto):[^>\s]*)>"), r"\1"),  # autolinks
        (re.compile(r"\*\*|__|~~|`+|(?<!\s)\*|\*(?!\s)|(?<!\w)_|_(?!\w)"), ""),  # emphasis, code
    )


def plain_snippet(snippet: str) -> str:
    """A search snippet as plain words: markdown syntax (headings, quotes, list markers, fences,
    emphasis, backticks, links' URLs, table rules and pipes) removed, lines joined. The match
    marks (MATCH_START / MATCH_END) are kept."""
    text = snippet
    for pattern, replacement in _snippet_markup():
        text = pattern.sub(replacement, text)
    text = text.replace("|", " ")
    return " ".join(text.split())


def split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without the match marks, and the (start, length) of each marked run."""
    plain, runs, start = [], [], None
    length = 0
    for char in marked:
        if char == MATCH_START:
            start = length
        elif char == MATCH_END:
            if start is not None and length > start:
                runs.append((start, length - start))
            start = None
        else:
            plain.append(char)
            length += 1
    if start is not None and length > start:
        runs.append((start, length - start))
    return "".join(plain), runs


def _luminance(colour: QColor) -> float:
    """WCAG relative luminance."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def readable_on(background: QColor) -> QColor:
    """Near-black or white text, whichever contrasts more with `background` (WCAG)."""
    dark, light = QColor("#14162b"), QColor("white")
    lum = _luminance(background)

    def ratio(text: QColor) -> float:
        high, low = sorted((lum, _luminance(text)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    return dark if ratio(dark) >= ratio(light) else light


def draw_marked_text(
    painter: QPainter,
    rect: QRect,
    marked: str,
    font: QFont,
    color: QColor,
    accent: QColor,
    max_lines: int,
    prefix: str = "",
    prefix_color: QColor | None = None,
) -> None:
    """`prefix` (in `prefix_color`) then `marked`, in up to `max_lines` lines, the matches on
    the accent; "…" if it goes on."""
    text, runs = split_marks(marked)
    text = prefix + text
    runs = [(start + len(prefix), length) for start, length in runs]
    ranges = []
    if prefix and prefix_color is not None:
        lead = QTextLayout.FormatRange()
        lead.start, lead.length = 0, len(prefix)
        lead_format = QTextCharFormat()
        lead_format.setForeground(prefix_color)
        lead.format = lead_format
        ranges.append(lead)
    for start, length in runs:
        highlight = QTextLayout.FormatRange()
        highlight.start, highlight.length = start, length
        char_format = QTextCharFormat()
        char_format.setBackground(accent)
        char_format.setForeground(readable_on(accent))
        highlight.format = char_format
        ranges.append(highlight)
    layout = QTextLayout(text, font)
    layout.setFormats(ranges)
    option = QTextOption()
    # One line (a title) is cut anywhere, to show as much as fits; more lines break at words.
    option.setWrapMode(
        QTextOption.WrapMode.WrapAnywhere
        if max_lines == 1
        else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    )
    layout.setTextOption(option)
    metrics = QFontMetrics(font)
    ellipsis = "…"
    cut = False
    y = 0.0
    layout.beginLayout()
    for number in range(max_lines):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(rect.width())
        line.setPosition(QPointF(0, y))
        y += metrics.lineSpacing()
        if number == max_lines - 1 and line.textStart() + line.textLength() < len(text):
            line.setLineWidth(rect.width() - metrics.horizontalAdvance(ellipsis) - 2)
            cut = True
            last = line
    layout.endLayout()
    painter.save()
    painter.setClipRect(rect)
    painter.setPen(color)
    painter.setFont(font)
    layout.draw(painter, QPointF(rect.topLeft()))
    if cut:
        end = QPointF(
            rect.left() + last.naturalTextWidth() + 1, rect.top() + last.y() + last.ascent()
        )
        painter.drawText(end, ellipsis)
    painter.restore()


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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            plain = split_marks(plain_snippet(hit.snippet))[0]
            return f"{hit.title}: {match_count_text(hit)}: {plain}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(hit.title)
        if role == HitRole:
            return hit
        return None

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()


def match_count_text(hit: SearchHit) -> str:
    if hit.event_id is None:
        return translate("SessionPanel", "title")
    return translate("SessionPanel", "{count} matches", None, hit.matches).format(
        count=locale_number(hit.matches)
    )


class RowPainter:
    """The rows' own background: selected (accent tint and bar), hovered (a faint tint) and
    the keyboard focus (an accent outline), distinct in both themes."""

    def __init__(self):
        self.theme: Theme | None = None

    def colors(self, option: QStyleOptionViewItem) -> tuple[QColor, QColor, QColor]:
        """(accent, text, secondary text) for this row. On a selected or hovered row's tint
        the muted colour would read below 4.5:1, so secondary text is the text colour there."""
        # QStyle is named when a row first paints, not at import: naming it makes PySide build
        # its eleven Python enums (~570 members, ~40M instructions), and the window's first
        # paint has no rows (the sessions are listed after it).
        from PySide6.QtWidgets import QStyle

        if self.theme is None:
            accent, text = option.palette.highlight().color(), option.palette.text().color()
            muted = QColor(text)
            muted.setAlpha(160)
        else:
            accent, text = self.theme.color("accent"), self.theme.color("text")
            muted = self.theme.color("muted")
        state = QStyle.StateFlag
        tinted = option.state & (state.State_Selected | state.State_MouseOver)
        return accent, text, text if tinted else muted

    def paint_background(self, painter: QPainter, option: QStyleOptionViewItem) -> None:
        from PySide6.QtWidgets import QStyle  # see `colors`

        accent, text, _ = self.colors(option)
        state = option.state
        rect = QRectF(option.rect).adjusted(2, 1, -2, -1)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        if state & QStyle.StateFlag.State_Selected:
            fill = QColor(accent)
            fill.setAlpha(70 if self.theme is None or self.theme.name == "dark" else 46)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 10, 10)
            painter.setBrush(accent)
            painter.drawRoundedRect(
                QRectF(rect.left() + 1, rect.top() + 10, 3, rect.height() - 20), 1.5, 1.5
            )
        elif state & QStyle.StateFlag.State_MouseOver:
            fill = QColor(text)
            fill.setAlpha(20)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 10, 10)
        if (
            state & QStyle.StateFlag.State_HasFocus
            and option.widget is not None
            and option.widget.hasFocus()
        ):
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(accent, 1.5))
            painter.drawRoundedRect(rect.adjusted(0.75, 0.75, -0.75, -0.75), 10, 10)
        painter.restore()


class SearchResultDelegate(QStyledItemDelegate):
    """One session per row: its title on one line (with how many messages match), and the best
    match's words, as plain text, on up to two lines with the matches on the accent."""

    SNIPPET_LINES = 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows = RowPainter()

    @staticmethod
    def _fonts(option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.9)
        return title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        title, small = self._fonts(option)
        height = (
            QFontMetrics(title).lineSpacing()
            + 4
            + QFontMetrics(small).lineSpacing() * self.SNIPPET_LINES
            + 16
        )
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        hit: SearchHit = index.data(HitRole)
        self.rows.paint_background(painter, option)
        accent, text, muted = self.rows.colors(option)
        title_font, small = self._fonts(option)
        rect = option.rect.adjusted(12, 8, -10, -8)
        title_rect = QRect(
            rect.left(), rect.top(), rect.width(), QFontMetrics(title_font).lineSpacing()
        )
        snippet_rect = QRect(
            rect.left(),
            title_rect.bottom() + 5,
            rect.width(),
            QFontMetrics(small).lineSpacing() * self.SNIPPET_LINES,
        )
        if hit.event_id is None:  # a title match: the title itself, marked
            draw_marked_text(painter, title_rect, hit.snippet, title_font, text, accent, 1)
            draw_marked_text(
                painter,
                snippet_rect,
                translate("SessionPanel", "Matches the title"),
                small,
                muted,
                accent,
                1,
            )
        else:
            draw_marked_text(painter, title_rect, hit.title, title_font, text, accent, 1)
            prefix = f"{match_count_text(hit)} · " if hit.matches > 1 else ""
            draw_marked_text(
                painter,
                snippet_rect,
                plain_snippet(hit.snippet),
                small,
                text,
                accent,
                self.SNIPPET_LINES,
                prefix,
                muted,
            )


class SessionDelegate(QStyledItemDelegate):
    """Two lines per session: the title, and when it was last active (with an ended mark)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows = RowPainter()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        session: Session = index.data(SessionRole)
        self.rows.paint_background(painter, option)
        _, text, muted = self.rows.colors(option)
        rect = option.rect.adjusted(12, 6, -10, -6)
        metrics = QFontMetrics(option.font)
        painter.save()
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(title_font)
        painter.setPen(text)
        title = QFontMetrics(title_font).elidedText(
            session.display_title, Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.85)
        painter.setFont(small)
        painter.setPen(muted)
        when = relative_time(last_active(session))
        if session.end_time:
            when += translate("SessionPanel", " · ended")
        painter.drawText(
            QRect(rect.left(), rect.top() + metrics.height() + 4, rect.width(), metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            when,
        )
        painter.restore()


class HoverRowsView(QListView):
    """A list whose rows show the pointer over them (the delegates paint the hover look).

    The viewport is asked for hover events when the pointer first comes over the list, not when
    the list is made: the first `viewport()` hands Python a widget Qt made, and PySide then
    builds the class of every QWidget subclass (~35M instructions), which the window's first
    paint does not need. The list hears of the pointer before its viewport does, so the
    viewport's first hover event is not missed."""

    def enterEvent(self, event) -> None:  # noqa: N802
        viewport = self.viewport()
        if not viewport.testAttribute(Qt.WidgetAttribute.WA_Hover):
            viewport.setAttribute(Qt.WidgetAttribute.WA_Hover, True)
        super().enterEvent(event)


class SessionListView(HoverRowsView):
    """The session list. A click only selects and keeps the keyboard here (so Delete and F2
    act on the clicked session); Enter opens the session and moves to the composer."""

    open_requested = Signal(QModelIndex, bool)  # index, move focus to the composer

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex(), True)
            return
        super().keyPressEvent(event)


class MenuButton(QToolButton):
    """ "···": its menu opens on press and runs until it closes. The pointer meanwhile leaves
    for the menu without the button hearing of it, so it would keep its hover outline after the
    menu closed; it asks where the pointer is instead."""

    def mousePressEvent(self, event) -> None:  # noqa: N802
        super().mousePressEvent(event)  # returns when the menu has closed
        under = self.rect().contains(self.mapFromGlobal(QCursor.pos()))
        self.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, under)
        self.update()


class SessionPanel(QWidget):
    session_activated = Signal(str, bool)  # session id, move the focus to the composer
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

        title = QLabel(translate("SessionPanel", "Sessions"), self)
        title.setObjectName("SidebarTitle")
        self.search = QLineEdit(self)
        self.search.setObjectName("SessionSearch")
        self.search.setPlaceholderText(translate("SessionPanel", "Search sessions  (Ctrl+K)"))
        self.search.setAccessibleName(translate("SessionPanel", "Search sessions"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.search_requested.emit(self.search.text()))
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._open_first_hit)

        self.list = SessionListView(self)
        self.list.setObjectName("SessionList")
        self.list.setAccessibleName(translate("SessionPanel", "Sessions"))
        self.list.setModel(self.proxy)
        self.session_delegate = SessionDelegate(self.list)
        self.list.setItemDelegate(self.session_delegate)
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setMouseTracking(True)  # hover: see HoverRowsView
        self.list.clicked.connect(lambda index: self._activated(index, False))
        self.list.open_requested.connect(self._activated)

        self.results_model = SearchResultModel(self)
        self.results = HoverRowsView(self)
        self.results.setObjectName("SearchResults")
        self.results.setAccessibleName(translate("SessionPanel", "Search results"))
        self.results.setModel(self.results_model)
        self.results_delegate = SearchResultDelegate(self.results)
        self.results.setItemDelegate(self.results_delegate)
        self.results.setUniformItemSizes(True)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setMouseTracking(True)
        self.results.clicked.connect(self._hit_chosen)
        self.results.activated.connect(self._hit_chosen)
        self.no_results = QLabel(translate("SessionPanel", "No matches."), self)
        self.no_results.setObjectName("Hint")
        self.no_results.setTextFormat(Qt.TextFormat.PlainText)
        self.no_results.setWordWrap(True)
        self.no_results.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.no_results.setContentsMargins(6, 4, 6, 4)
        # The list, the results and "No matches." take turns in one place that keeps its size,
        # so the heading and the search box stay put whatever a search finds.
        self.pages = QStackedWidget(self)
        for page in (self.list, self.results, self.no_results):
            self.pages.addWidget(page)
        self.search.installEventFilter(self)
        self.results.installEventFilter(self)

        self.new_button = QPushButton(translate("SessionPanel", "+ New"), self)
        self.new_button.setAccessibleName(translate("SessionPanel", "New session"))
        self.new_button.setToolTip(translate("SessionPanel", "Start a new session (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_requested)
        # The button's own words may be shorter than its name (the sidebar is narrow).
        self.end_button = QPushButton(translate("SessionPanel", "End session", "button"), self)
        self.end_button.setAccessibleName(translate("SessionPanel", "End session"))
        self.end_button.setToolTip(
            translate("SessionPanel", "Summarize this session and start a fresh one (Ctrl+E)")
        )
        self.end_button.clicked.connect(self.end_requested)

        self.more_button = MenuButton(self)
        self.more_button.setText("⋯")
        self.more_button.setObjectName("MoreButton")
        self.more_button.setAccessibleName(translate("SessionPanel", "More session actions"))
        self.more_button.setToolTip(
            translate("SessionPanel", "Rename, export or delete the selected session")
        )
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
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)

    def _search_changed(self, text: str) -> None:
        if not self.search.isClearButtonEnabled():
            # Made at the first letter typed, not with the window: its icon is looked up in the
            # desktop's icon theme (~30M instructions), and an empty box shows no clear button
            # (the same pixels with it or without it).
            self.search.setClearButtonEnabled(True)
            for clear_button in self.search.findChildren(QToolButton):
                clear_button.setAccessibleName(translate("SessionPanel", "Clear search"))
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self.show_results(None)

    def set_theme(self, theme: Theme) -> None:
        """Rows painted in the theme's colours; search matches on its accent."""
        self.session_delegate.rows.theme = theme
        self.results_delegate.rows.theme = theme
        if self.isVisible():  # (a hidden list paints in the new colours when shown)
            self.list.viewport().update()  # not before the first paint: see HoverRowsView
            self.results.viewport().update()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """In the search box or its results, Esc clears the search (before the window's Esc
        stops a reply) and goes back to the list; Down in the box moves into the results."""
        if watched in (self.search, self.results) and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            key = event.key()
            if key == Qt.Key.Key_Escape and self.search.text():
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self.clear_search()
                return True
            if (
                watched is self.search
                and key == Qt.Key.Key_Down
                and event.type() == QEvent.Type.KeyPress
            ):
                target = self.pages.currentWidget()
                if isinstance(target, QListView) and target.model().rowCount():
                    target.setFocus()
                    if not target.currentIndex().isValid():
                        target.setCurrentIndex(target.model().index(0, 0))
                    return True
        return super().eventFilter(watched, event)

    def clear_search(self) -> None:
        self.search.clear()  # textChanged shows the list again
        self.list.setFocus()

    def show_results(self, hits: list[SearchHit] | None) -> None:
        """Search hits in place of the session list; None goes back to the list."""
        self.results_model.set_hits(hits or [])
        if hits is None:
            self.pages.setCurrentWidget(self.list)
        elif hits:
            self.pages.setCurrentWidget(self.results)
            self.results.setCurrentIndex(self.results_model.index(0))
        else:
            self.no_results.setText(
                translate("SessionPanel", "No matches for “{query}”.").format(
                    query=self.search.text().strip()
                )
            )
            self.pages.setCurrentWidget(self.no_results)

    def _open_first_hit(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.search_requested.emit(self.search.text())
        if self.pages.currentWidget() is self.results:
            self._hit_chosen(self.results.currentIndex())

    def _hit_chosen(self, index: QModelIndex) -> None:
        hit: SearchHit | None = index.data(HitRole) if index.isValid() else None
        if hit is not None:
            self.hit_activated.emit(hit.session_id, hit.event_id or "")

    def _activated(self, proxy_index: QModelIndex, to_composer: bool) -> None:
        session: Session = proxy_index.data(SessionRole)
        if session:
            self.session_activated.emit(session.session_id, to_composer)

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
