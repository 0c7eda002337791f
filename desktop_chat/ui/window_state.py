"""The window's size, place and sidebar: restored at start, kept inside the screen, saved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

DEFAULT_SIZE = (1100, 760)
MIN_WINDOW_SIZE = (600, 500)
SCREEN_MARGIN = 24  # room left around a window that would not fit the screen
FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)  # a title bar and borders, until the WM says
GEOMETRY_KEY = "window/geometry"
MAXIMIZED_KEY = "window/maximized"
OPEN_SESSION_KEY = "window/open_session"
SIDEBAR_COLLAPSED_KEY = "window/sidebar_collapsed"
SIDEBAR_WIDTH = 270
# Below this window width the sidebar folds away by itself, so the chat keeps 400+ px (an
# 800x600 screen's window still has it).
SIDEBAR_AUTO_COLLAPSE_WIDTH = 720


class WindowState:
    def __init__(self, window: MainWindow):
        self.window = window
        self.store = window.preferences_store
        self.sidebar_collapsed = self.store.value(SIDEBAR_COLLAPSED_KEY, False, type=bool)
        self.auto_collapsed = False  # folded because the window is narrow, not by the user

    # -- geometry ------------------------------------------------------------------------
    def restore_geometry(self) -> None:
        """Last run's size and place, else the default size; either way inside the screen's
        available area (a 1024x700 screen gets a window that fits, not a 1100 px one)."""
        window = self.window
        saved = self.store.value(GEOMETRY_KEY)
        if isinstance(saved, QRect) and saved.isValid():
            window.setGeometry(saved)  # the client area: saveGeometry() drifts by the title bar
            self.fit_to_screen(center=False)
        else:
            window.resize(*DEFAULT_SIZE)
            self.fit_to_screen(center=True)
        if self.store.value(MAXIMIZED_KEY) in (True, "true"):
            window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)

    def fit_to_screen(self, center: bool) -> None:
        """Shrink and move the window (its client area) so that it and its frame lie inside
        the screen's available area."""
        window = self.window
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        if window.isVisible():
            inner, outer = window.geometry(), window.frameGeometry()
            frame = QMargins(
                inner.left() - outer.left(),
                inner.top() - outer.top(),
                outer.right() - inner.right(),
                outer.bottom() - inner.bottom(),
            )
        else:
            frame = FRAME_ALLOWANCE  # not framed by the window manager yet
        area = screen.availableGeometry().marginsRemoved(frame)  # where the client area fits
        room = area.adjusted(SCREEN_MARGIN, SCREEN_MARGIN, -SCREEN_MARGIN, -SCREEN_MARGIN)
        if room.width() < 400 or room.height() < 300:
            room = area
        size = QSize(
            max(min(window.width(), room.width()), window.minimumWidth()),
            max(min(window.height(), room.height()), window.minimumHeight()),
        )
        rect = QRect(window.geometry().topLeft(), size)
        if center:
            rect.moveCenter(area.center())
        rect.moveLeft(max(area.left(), min(rect.left(), area.right() + 1 - rect.width())))
        rect.moveTop(max(area.top(), min(rect.top(), area.bottom() + 1 - rect.height())))
        if rect != window.geometry():
            window.setGeometry(rect)

    def save(self) -> None:
        """Size, place and the open session, for the next start."""
        window = self.window
        maximized = bool(window.windowState() & Qt.WindowState.WindowMaximized)
        self.store.setValue(MAXIMIZED_KEY, maximized)
        if not maximized:
            self.store.setValue(GEOMETRY_KEY, window.geometry())
        if window.current_session_id is not None:
            self.store.setValue(OPEN_SESSION_KEY, window.current_session_id)
        else:
            self.store.remove(OPEN_SESSION_KEY)
        self.store.sync()

    def last_open_session(self) -> str | None:
        session_id = self.store.value(OPEN_SESSION_KEY)
        return str(session_id) if session_id else None

    # -- the sidebar -----------------------------------------------------------------------
    def toggle_sidebar(self) -> None:
        """Ctrl+B and the ☰ button: the choice is remembered; a narrow window folds the sidebar
        again when it next gets narrow."""
        sessions = self.window.sessions
        self.sidebar_collapsed = sessions.isVisible()
        self.auto_collapsed = False
        self.store.setValue(SIDEBAR_COLLAPSED_KEY, self.sidebar_collapsed)
        self.apply_sidebar()
        focused = QApplication.focusWidget()
        if self.sidebar_collapsed and focused is not None and sessions.isAncestorOf(focused):
            self.window.composer.edit.setFocus()  # the keyboard does not stay in a hidden panel

    def show_sidebar(self) -> None:
        """Unfold it, folded by hand or by width (searching needs it)."""
        self.auto_collapsed = False
        self.sidebar_collapsed = False
        self.apply_sidebar()

    def apply_sidebar(self) -> None:
        visible = not (self.sidebar_collapsed or self.auto_collapsed)
        self.window.sessions.setVisible(visible)
        self.window.sidebar_button.setChecked(visible)

    def resized(self, width: int, old_width: int | None) -> None:
        narrow = width < SIDEBAR_AUTO_COLLAPSE_WIDTH
        if old_width is None or (old_width < SIDEBAR_AUTO_COLLAPSE_WIDTH) != narrow:
            # Crossing the threshold folds or unfolds it; Ctrl+B in between still decides.
            self.auto_collapsed = narrow
            self.apply_sidebar()
