"""The main window: wires the session panel, transcript and composer to the chat service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from desktop_chat import APP_NAME
from desktop_chat.core.chat import ChatService, MessageRejected, check_message
from desktop_chat.llm.base import LLMClient, LLMError, LLMErrorKind
from desktop_chat.settings import KeychainUnavailable
from desktop_chat.ui.composer import ComposerPanel
from desktop_chat.ui.dialogs import ApiKeyDialog, ShortcutsDialog
from desktop_chat.ui.session_panel import SessionPanel
from desktop_chat.ui.shortcuts import SHORTCUTS, Shortcut
from desktop_chat.ui.theme import DARK, Theme, stylesheet
from desktop_chat.ui.transcript import (
    MessageDelegate,
    MessageItem,
    Role,
    StreamRenderer,
    TranscriptModel,
    TranscriptView,
)

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        service: ChatService,
        make_llm: Callable[[str], LLMClient],
        save_key: Callable[[str], None],
        theme: Theme = DARK,
        notice: str | None = None,
    ):
        super().__init__()
        self.service = service
        self.make_llm = make_llm
        self.save_key = save_key
        self.theme = theme
        self.current_session_id: str | None = None
        self.reply_task: asyncio.Task | None = None
        self.renderer: StreamRenderer | None = None
        self.key_dialog: ApiKeyDialog | None = None
        self._tasks: set[asyncio.Task] = set()
        self._startup_notice = notice

        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self.resize(1100, 760)
        self.setStyleSheet(stylesheet(theme))

        self.sessions = SessionPanel(self)
        self.sessions.setFixedWidth(270)
        self.transcript_model = TranscriptModel(self)
        self.transcript = TranscriptView(self)
        self.delegate = MessageDelegate(self.transcript, theme)
        self.transcript.setModel(self.transcript_model)
        self.transcript.setItemDelegate(self.delegate)
        self.composer = ComposerPanel(self)

        chat_column = QVBoxLayout()
        chat_column.setContentsMargins(0, 0, 0, 0)
        chat_column.setSpacing(8)
        chat_column.addWidget(self.transcript, 1)
        chat_column.addWidget(self.composer)
        root = QWidget(self)
        root.setObjectName("Root")
        layout = QHBoxLayout(root)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)
        layout.addWidget(self.sessions)
        layout.addLayout(chat_column, 1)
        self.setCentralWidget(root)

        self.sessions.session_activated.connect(lambda sid: self._spawn(self.open_session(sid)))
        self.sessions.new_requested.connect(self.new_session)
        self.sessions.end_requested.connect(self.end_session)
        self.composer.edit.submitted.connect(self.submit)
        self.composer.send_button.clicked.connect(self.submit)
        self.composer.stop_button.clicked.connect(self.stop_reply)
        self.composer.edit.edit_last_requested.connect(self.edit_last_message)
        self.delegate.retry_clicked.connect(self.regenerate)
        self.actions_by_name = self._bind_shortcuts(SHORTCUTS)
        self.composer.edit.setFocus()

    # -- set-up ----------------------------------------------------------------
    def _bind_shortcuts(self, shortcuts: tuple[Shortcut, ...]) -> dict[str, QAction]:
        bound: dict[str, QAction] = {}
        for shortcut in shortcuts:
            handler = getattr(self, shortcut.action, None) if shortcut.action else None
            if handler is None:
                continue
            action = QAction(shortcut.description, self)
            action.setShortcuts([QKeySequence(k) for k in shortcut.keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(handler)
            self.addAction(action)
            bound[shortcut.action] = action
        return bound

    async def start(self) -> None:
        """Show past sessions and, with no key, ask for one."""
        await self.refresh_sessions()
        if self._startup_notice:
            self.show_status(self._startup_notice)
        if self.service.llm is None:
            self.ask_for_key()

    def _spawn(self, coroutine: Coroutine) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            log.error("Unexpected error: %s", type(error).__name__, exc_info=error)
            self.show_status(f"Something went wrong: {type(error).__name__}. Your text is kept.")

    @property
    def busy(self) -> bool:
        return self.reply_task is not None and not self.reply_task.done()

    def show_status(self, text: str) -> None:
        self.composer.status.setText(text)

    # -- sessions --------------------------------------------------------------
    async def refresh_sessions(self) -> None:
        sessions = await self.service.store.list_sessions()
        self.sessions.set_sessions(sessions, self.current_session_id)

    async def open_session(self, session_id: str) -> None:
        if self.busy:
            self.show_status("A reply is still streaming. Press Esc to stop it first.")
            self.sessions.select(self.current_session_id)
            return
        events = await self.service.store.events(session_id)
        self.current_session_id = session_id
        self.transcript_model.set_events(events)
        self.transcript.follow_bottom()
        self.sessions.select(session_id)
        session = await self.service.store.get_session(session_id)
        ended = session is not None and session.end_time is not None
        self.show_status("This session was ended; sending continues it with its summary in mind."
                         if ended else "")
        self.composer.edit.setFocus()

    def new_session(self) -> None:
        if self.busy:
            self.show_status("A reply is still streaming. Press Esc to stop it first.")
            return
        self.current_session_id = None  # stored when its first message is sent
        self.transcript_model.set_events([])
        self.sessions.select(None)
        self.show_status("New session.")
        self.composer.edit.setFocus()

    def end_session(self) -> None:
        if self.busy:
            self.show_status("A reply is still streaming. Press Esc to stop it first.")
            return
        self._spawn(self._end_session())

    async def _end_session(self) -> None:
        session_id = self.current_session_id
        if session_id is None:
            self.new_session()
            return
        if self.service.llm is None:
            self.ask_for_key()
            return
        self.show_status("Summarizing the session…")
        try:
            event = await self.service.end_session(session_id)
        except LLMError as error:
            self.show_status(f"Could not summarize the session: {error.message}")
            return
        if self.current_session_id != session_id:
            return
        if event is not None:
            self.transcript_model.append(MessageItem.from_event(event))
            self.transcript.follow_bottom()
        self.current_session_id = None
        self.sessions.select(None)
        await self.refresh_sessions()
        self.sessions.select(None)
        self.show_status("Session ended and summarized. Your next message starts a new session.")
        self.composer.edit.setFocus()

    def next_session(self) -> None:
        self._step_session(+1)

    def previous_session(self) -> None:
        self._step_session(-1)

    def _step_session(self, step: int) -> None:
        target = self.sessions.neighbour(self.current_session_id, step)
        if target:
            self._spawn(self.open_session(target))

    # -- messages --------------------------------------------------------------
    def submit(self) -> None:
        if self.busy:
            self.show_status("Wait for the reply to finish, or press Esc to stop it.")
            return
        text = self.composer.edit.toPlainText()
        try:
            check_message(text)
        except MessageRejected as rejected:
            self.show_status(str(rejected))
            return
        if self.service.llm is None:
            self.ask_for_key()
            return
        self.reply_task = self._spawn(self._send(text))

    async def _send(self, text: str) -> None:
        if self.current_session_id is None:
            self.transcript_model.set_events([])
            session = await self.service.new_session()
            self.current_session_id = session.session_id
        session_id = self.current_session_id
        self.transcript_model.remove_errors()
        self.transcript_model.append(MessageItem(Role.USER, text))
        self.transcript.follow_bottom()

        self.composer.edit.clear()
        await self._stream_reply(
            lambda on_piece: self.service.send(session_id, text, on_piece), restore_text=text
        )
        await self.refresh_sessions()

    def regenerate(self) -> None:
        if self.busy or self.current_session_id is None:
            return
        if self.service.llm is None:
            self.ask_for_key()
            return
        self.transcript_model.remove_errors()
        session_id = self.current_session_id
        self.reply_task = self._spawn(
            self._stream_reply(lambda on_piece: self.service.retry(session_id, on_piece))
        )

    async def _stream_reply(self, run, restore_text: str | None = None) -> None:
        item = MessageItem(Role.ASSISTANT, "")
        self.transcript_model.append(item)
        renderer = StreamRenderer(self.transcript_model, self.delegate, item)
        self.renderer = renderer
        self.composer.set_streaming(True)
        self.show_status("Replying…  (Esc to stop)")
        try:
            outcome = await run(renderer.feed)
        except asyncio.CancelledError:
            renderer.finish(note="Stopped: the reply was cut short." if item.text or renderer._pending else None)
            if not item.text:
                self._drop(item)
            self.show_status("Stopped. What arrived is kept.")
            return
        except MessageRejected as rejected:
            self._drop(item)
            self.show_status(str(rejected))
            return
        except Exception:
            renderer.finish(note="Interrupted: an unexpected error stopped the reply.")
            if restore_text and not self.composer.edit.toPlainText():
                self.composer.edit.setPlainText(restore_text)
            raise
        finally:
            self.composer.set_streaming(False)
            self.renderer = None
        if outcome.error is None:
            renderer.finish()
            self.show_status("")
            return
        error = outcome.error
        if item.text or renderer._pending:
            renderer.finish(note="Interrupted: the reply did not finish.")
        else:
            renderer.finish()
            self._drop(item)
        self.transcript_model.append(MessageItem(Role.ERROR, error.message, retryable=True))
        self.transcript.follow_bottom()
        self.show_status("Press Retry or Ctrl+R to try again.")
        if error.kind == LLMErrorKind.AUTH:
            self.ask_for_key(reason=error.message)

    def _drop(self, item: MessageItem) -> None:
        row = self.transcript_model.row_of(item)
        self.transcript_model.beginRemoveRows(self.transcript_model.index(row).parent(), row, row)
        del self.transcript_model.items[row]
        self.transcript_model.endRemoveRows()

    def stop_reply(self) -> None:
        if self.busy:
            self.reply_task.cancel()

    def focus_composer(self) -> None:
        self.composer.edit.setFocus()

    def focus_search(self) -> None:
        self.sessions.search.setFocus()
        self.sessions.search.selectAll()

    def edit_last_message(self) -> None:
        last_user = next((i for i in reversed(self.transcript_model.items) if i.role == Role.USER), None)
        if last_user is not None and not self.busy:
            self.composer.edit.setPlainText(last_user.text)
            self.composer.edit.moveCursor(self.composer.edit.textCursor().MoveOperation.End)

    def copy_last_reply(self) -> None:
        reply = next((i for i in reversed(self.transcript_model.items) if i.role == Role.ASSISTANT), None)
        if reply is not None:
            QGuiApplication.clipboard().setText(reply.text)
            self.show_status("Copied the last reply.")

    def show_shortcuts(self) -> None:
        ShortcutsDialog(tuple(s for s in SHORTCUTS if self.implements(s)), self).open()

    def implements(self, shortcut: Shortcut) -> bool:
        return not shortcut.action or shortcut.action in self.actions_by_name

    def quit(self) -> None:
        self.close()

    # -- API key ---------------------------------------------------------------
    def ask_for_key(self, reason: str | None = None) -> None:
        if self.key_dialog is not None and self.key_dialog.isVisible():
            return
        self.key_dialog = ApiKeyDialog(self, reason)
        self.key_dialog.accepted.connect(lambda: self.use_key(self.key_dialog.key))
        self.key_dialog.rejected.connect(
            lambda: self.show_status("No API key yet: past sessions can be read; add a key to chat.")
        )
        self.key_dialog.open()

    def use_key(self, key: str) -> None:
        previous = self.service.llm
        self.service.llm = self.make_llm(key)
        if previous is not None:
            self._spawn(previous.close())
        try:
            self.save_key(key)
            self.show_status("Key saved in your system keychain.")
        except KeychainUnavailable as unavailable:
            self.show_status(str(unavailable))
            box = QMessageBox(QMessageBox.Icon.Information, "Key kept for this run only",
                              str(unavailable), QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not exec(): a nested event loop would stall the streaming loop
        self.composer.edit.setFocus()

    # -- closing ---------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.busy:
            # The task records what arrived as interrupted when it runs its cancellation.
            self.reply_task.cancel()
        super().closeEvent(event)

    async def wait_idle(self) -> None:
        """Let running tasks (a cancelled reply saving its text) finish."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
