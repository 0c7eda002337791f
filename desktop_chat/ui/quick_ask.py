"""The quick-ask window: a small always-on-top window with its input focused on open, that
streams the answer in the same bubbles as the main transcript (build_transcript, StreamRenderer).

Each question starts a session of its own (stored like any other); Enter asks, Esc dismisses,
"Open in main window" continues that session there. Opened by the system-wide shortcut
(global_hotkey.py), the tray's "Quick ask", or `desktop-chat --quick-ask`.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import APP_NAME
from desktop_chat.core.chat import MessageRejected, check_message
from desktop_chat.llm.base import LLMError
from desktop_chat.ui.announce import announce
from desktop_chat.ui.plain_text import make_plain
from desktop_chat.ui.reply_controller import reply_announcement
from desktop_chat.ui.single_instance import bring_forward
from desktop_chat.ui.theme import stylesheet
from desktop_chat.ui.transcript import MessageItem, Role, StreamRenderer, build_transcript

translate = QCoreApplication.translate

log = logging.getLogger(__name__)
SIZE = (640, 440)


class QuickAskWindow(QWidget):
    def __init__(self, main_window):
        super().__init__(
            None,
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint,
        )
        self.main_window = main_window
        self.service = main_window.service
        self.setObjectName("QuickAsk")
        self.setWindowTitle(translate("QuickAsk", "Quick ask — {app}").format(app=APP_NAME))
        self.setAccessibleName(translate("QuickAsk", "Quick ask"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.session_id: str | None = None
        self.reply_task: asyncio.Task | None = None
        self.theme = None

        self.title = QLabel(translate("QuickAsk", "Quick ask"), self)
        self.title.setObjectName("QuickAskTitle")
        self.open_in_main = QPushButton(translate("QuickAsk", "Open in main window"), self)
        self.open_in_main.setObjectName("QuickAskOpen")
        self.open_in_main.setAccessibleName(
            translate("QuickAsk", "Open this question in the main window")
        )
        self.open_in_main.setEnabled(False)
        self.open_in_main.clicked.connect(self.continue_in_main_window)
        self.input = QLineEdit(self)
        self.input.setObjectName("QuickAskInput")
        self.input.setAccessibleName(translate("QuickAsk", "Question"))
        self.input.setPlaceholderText(
            translate("QuickAsk", "Ask anything…  Enter asks, Esc closes")
        )
        self.input.returnPressed.connect(self.ask)
        self.transcript, self.model, self.delegate = build_transcript(main_window.theme, self)
        self.transcript.setObjectName("QuickAskTranscript")
        self.transcript.setAccessibleName(translate("QuickAsk", "Answer"))
        # Tab reaches the answer (a screen reader reads it row by row); a click leaves the
        # focus, and so the typing, in the input.
        self.transcript.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.status = make_plain(QLabel("", self))
        self.status.setObjectName("Hint")

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.open_in_main)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.input)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.status)
        escape = QShortcut(QKeySequence("Esc"), self)
        escape.setContext(Qt.ShortcutContext.WindowShortcut)
        escape.activated.connect(self.dismiss)
        self.resize(*SIZE)
        self._apply_theme()

    @property
    def busy(self) -> bool:
        return self.reply_task is not None and not self.reply_task.done()

    def _apply_theme(self) -> None:
        theme = self.main_window.theme
        if theme is not self.theme:
            self.theme = theme
            self.setStyleSheet(stylesheet(theme))
            self.delegate.theme = theme
            for item in self.model.items:
                if not item.streaming:
                    item.document = None
            self.transcript.viewport().update()
        self.delegate.set_font(self.main_window.delegate.font)

    # -- opening and closing -------------------------------------------------------------
    def open_fresh(self) -> None:
        """Show with the focus in the input. Opened from hidden, a finished question makes way
        for a new one (it stays in the session list); while shown, it stays as it is."""
        self._apply_theme()
        if not self.isVisible() and not self.busy and self.model.items:
            self.session_id = None
            self.model.set_events([])
            self.open_in_main.setEnabled(False)
            self.status.setText("")
            self.input.clear()
        if not self.isVisible():
            self._place()
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()

    def _place(self) -> None:
        screen = (
            QApplication.screenAt(self.main_window.geometry().center())
            or QApplication.primaryScreen()
        )
        area = screen.availableGeometry()
        self.move(
            area.x() + (area.width() - self.width()) // 2,
            area.y() + max(0, area.height() // 5 - 40),
        )

    def dismiss(self) -> None:
        """Esc: the window goes; a reply still streaming carries on and is stored."""
        self.hide()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.busy:
            self.reply_task.cancel()  # the app quits: what arrived is stored as interrupted
        super().closeEvent(event)

    def continue_in_main_window(self) -> None:
        if self.session_id is None or self.busy:
            return
        window = self.main_window
        bring_forward(window)
        window._spawn(window.open_session(self.session_id))
        self.hide()

    # -- asking ------------------------------------------------------------------------------
    def ask(self) -> None:
        if self.busy:
            self.status.setText(translate("QuickAsk", "Wait for this answer to finish."))
            return
        text = self.input.text()
        try:
            check_message(text)
        except MessageRejected as rejected:
            self.status.setText(str(rejected))  # the question stays in the input
            return
        if not self.service.has_llm:
            self.status.setText(
                translate("QuickAsk", "Add a Groq API key in the main window first (Settings).")
            )
            return
        self.reply_task = self.main_window._spawn(self._ask(text))

    async def _ask(self, text: str) -> None:
        if self.session_id is None:
            session = await self.service.new_session()
            self.session_id = session.session_id
        session_id = self.session_id
        self.model.remove_errors()
        self.model.append(MessageItem(Role.USER, text))
        self.transcript.follow_bottom()  # as the main window does: the reply then follows
        item = MessageItem(Role.ASSISTANT, "", model=self.service.model)
        self.model.append(item)
        renderer = StreamRenderer(self.model, self.delegate, item)
        self.input.clear()
        self.open_in_main.setEnabled(False)
        self.status.setText(
            translate("QuickAsk", "Replying…  (Esc hides this window; the answer is kept)")
        )
        try:
            outcome = await self.service.send(session_id, text, renderer.feed)
        except asyncio.CancelledError:
            renderer.finish(note=translate("QuickAsk", "Stopped: the reply was cut short."))
            raise
        except (MessageRejected, LLMError) as failure:
            renderer.finish()
            self.status.setText(str(failure))
            announce(self, str(failure), assertive=True)
            if not self.input.text():
                self.input.setText(text)
            return
        except Exception:
            renderer.finish(
                note=translate("QuickAsk", "Interrupted: an unexpected error stopped the reply.")
            )
            if not self.input.text():
                self.input.setText(text)
            raise
        finally:
            self.open_in_main.setEnabled(True)
        if outcome.error is None:
            renderer.finish()
            if outcome.reply_event is not None:
                item.event_id = outcome.reply_event.event_id
            announce(self, reply_announcement(item.text))
            self.status.setText(
                translate(
                    "QuickAsk", "Enter asks a follow-up; “Open in main window” continues there."
                )
            )
        else:
            renderer.finish(
                note=translate("QuickAsk", "Interrupted: the reply did not finish.")
                if item.text
                else None
            )
            if not item.text:
                self.model.remove(item)
            self.model.append(MessageItem(Role.ERROR, outcome.error.message))
            announce(self, outcome.error.message, assertive=True)
            self.transcript.follow_bottom()
            self.status.setText(
                translate("QuickAsk", "The answer did not arrive. Press Enter to ask again.")
            )
            if not self.input.text():
                self.input.setText(text)
        await self.main_window.refresh_sessions()
        if outcome.first_in_session and await self.service.auto_title(outcome):
            await self.main_window.refresh_sessions()
