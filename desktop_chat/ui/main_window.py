"""The main window: wires the session panel, transcript and composer to the chat service."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from collections.abc import Callable, Coroutine
from pathlib import Path

from PySide6.QtCore import QMargins, QRect, QSettings, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAction,
    QCloseEvent,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import APP_NAME
from desktop_chat.core.chat import (
    ChatService,
    MessageRejected,
    ReplyOutcome,
    check_message,
)
from desktop_chat.core.export import write_export
from desktop_chat.core.links import misleading, named_host
from desktop_chat.core.models import clean_title, utc_now
from desktop_chat.llm.base import LLMClient, LLMError, LLMErrorKind
from desktop_chat.settings import KeychainUnavailable
from desktop_chat.store.base import StoreError
from desktop_chat.ui.command_palette import CommandPalette, PaletteEntry, action_entries
from desktop_chat.ui.composer import ComposerPanel
from desktop_chat.ui.conversation_controller import ConversationController
from desktop_chat.ui.dialogs import ApiKeyDialog, ShortcutsDialog
from desktop_chat.ui.plain_text import ElidedLabel, plain_message_box
from desktop_chat.ui.preferences import Preferences, take_session_prompts
from desktop_chat.ui.rate_limit import RetryCountdown
from desktop_chat.ui.session_panel import SessionPanel, SessionRole
from desktop_chat.ui.settings_dialog import SettingsDialog
from desktop_chat.ui.shortcuts import SHORTCUTS, Shortcut
from desktop_chat.ui.theme import THEMES, Theme, apply_theme
from desktop_chat.ui.transcript import (
    MessageItem,
    Role,
    StreamRenderer,
    build_transcript,
)
from desktop_chat.ui.voice import VoiceController
from desktop_chat.ui.welcome import WelcomeView

log = logging.getLogger(__name__)
UNDO_DELETE_MS = 8_000
# Enough to scroll back months of daily use and still refresh in ~10 ms; older sessions are
# found by search.
SESSION_LIST_LIMIT = 1_000
HIGHLIGHT_MS = 2_000
SIDEBAR_WIDTH = 270
# Below this window width the sidebar folds away by itself, so the chat keeps 400+ px (an
# 800x600 screen's window still has it).
SIDEBAR_AUTO_COLLAPSE_WIDTH = 720
MIN_WINDOW_SIZE = (600, 500)
NOTICE_MS = 4_000  # a notice stays this long before reply progress may replace it
QUEUED_NOTICE = "Queued — sends when the reply finishes (Esc or editing cancels)."
SIDEBAR_COLLAPSED_KEY = "window/sidebar_collapsed"
EXPORT_FOLDER_KEY = "export/folder"
DEFAULT_SIZE = (1100, 760)
SCREEN_MARGIN = 24  # room left around a window that would not fit the screen
GEOMETRY_KEY = "window/geometry"
MAXIMIZED_KEY = "window/maximized"
FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)  # a title bar and borders, until the WM says
OPEN_SESSION_KEY = "window/open_session"
RENAME_FIELD_WIDTH = 420
MODEL_PICKER_MAX_WIDTH = 240
DIALOG_MARGINS = (20, 18, 20, 16)  # as the app's own dialogs: message boxes come tighter


def reply_announcement(text: str, length: int = 80) -> str:
    """What a screen reader announces when a reply has finished: its opening words, plain."""
    words = " ".join(re.sub(r"[*_`#>|]+", " ", text).split())  # Markdown marks read as noise
    opening = words if len(words) <= length else words[:length].rstrip() + "…"
    return f"Reply finished: {opening}"


class MainWindow(QMainWindow):
    reply_finished = Signal(str)  # a reply's text once it streamed to the end (tray notices)
    closing = Signal()  # the window closes for good (not hidden to the tray): the app quits

    def __init__(
        self,
        service: ChatService,
        make_llm: Callable[[str], LLMClient],
        save_key: Callable[[str], None],
        notice: str | None = None,
        preferences_store: QSettings | None = None,
        key_source: str | None = None,
    ):
        super().__init__()
        self.service = service
        self.make_llm = make_llm
        self.save_key = save_key
        self.preferences_store = preferences_store or QSettings()
        self.preferences = Preferences.load(
            self.preferences_store,
            Preferences(
                memory_turns=service.settings.memory_turns,
                model=service.llm.model if service.llm is not None else Preferences.model,
            ),
        )
        self.theme: Theme = THEMES[self.preferences.resolved_theme()]
        self.current_session_id: str | None = None
        self.reply_task: asyncio.Task | None = None
        self.renderer: StreamRenderer | None = None
        self.key_dialog: ApiKeyDialog | None = None
        self._tasks: set[asyncio.Task] = set()
        self._startup_notice = notice
        # Where the key in use came from (Settings > API key says it); see settings.Settings.
        self.key_source = key_source or ("configured" if service.llm is not None else "none")
        self._key_rejected = False  # Groq answered 401 to the key in use
        self._auto_retry_task: asyncio.Task | None = None
        self._model_list_task: asyncio.Task | None = None

        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MIN_WINDOW_SIZE)
        apply_theme(self.theme)

        self.sessions = SessionPanel(self)
        self.sessions.setFixedWidth(SIDEBAR_WIDTH)
        self.sessions.set_theme(self.theme)
        self.transcript, self.transcript_model, self.delegate = build_transcript(self.theme, self)
        self.composer = ComposerPanel(self)
        self.welcome = WelcomeView(self)
        self.welcome.prompt_chosen.connect(self.send_starter_prompt)
        # The welcome page stands in for an empty transcript; the first message replaces it.
        self.chat_pages = QStackedWidget(self)
        self.chat_pages.addWidget(self.welcome)
        self.chat_pages.addWidget(self.transcript)
        for signal in (
            self.transcript_model.modelReset,
            self.transcript_model.rowsInserted,
            self.transcript_model.rowsRemoved,
        ):
            signal.connect(self._show_welcome_if_empty)

        self.sidebar_button = QToolButton(self)
        self.sidebar_button.setObjectName("SidebarToggle")
        self.sidebar_button.setText("☰")
        self.sidebar_button.setAccessibleName("Show or hide the sidebar")
        self.sidebar_button.setToolTip("Show / hide the sessions (Ctrl+B)")
        self.sidebar_button.setCheckable(True)
        self.sidebar_button.clicked.connect(self.toggle_sidebar)
        self.chat_title = ElidedLabel("", self)
        self.chat_title.setObjectName("ChatTitle")
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(8)
        header.addWidget(self.sidebar_button)
        header.addWidget(self.chat_title, 1)
        chat_column = QVBoxLayout()
        chat_column.setContentsMargins(0, 0, 0, 0)
        chat_column.setSpacing(8)
        chat_column.addLayout(header)
        chat_column.addWidget(self.chat_pages, 1)
        chat_column.addWidget(self.composer)
        root = QWidget(self)
        root.setObjectName("Root")
        layout = QHBoxLayout(root)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)
        layout.addWidget(self.sessions)
        layout.addLayout(chat_column, 1)
        self.setCentralWidget(root)

        self.sessions.session_activated.connect(
            lambda sid, to_composer: self._spawn(self.open_session(sid, to_composer=to_composer))
        )
        self.sessions.new_requested.connect(self.new_session)
        self.sessions.end_requested.connect(self.end_session)
        self.composer.edit.submitted.connect(self.submit)
        self.composer.send_button.clicked.connect(self.submit)
        self.composer.stop_button.clicked.connect(self._stop_clicked)
        self.composer.edit.edit_last_requested.connect(self.edit_last_message)
        self.composer.edit.paste_refused.connect(self.show_status)
        self.composer.edit.textChanged.connect(self._composer_edited)
        self.delegate.retry_clicked.connect(self.regenerate)
        self.delegate.copy_requested.connect(self.copy_text)
        self.conversation = ConversationController(self)  # versions, regenerate, edit
        self.voice = VoiceController(self)  # the mic and Read aloud (ui/voice.py)
        self.transcript.typed.connect(self._type_in_composer)
        self.delegate.link_clicked.connect(self.open_link)
        self.sessions.search_requested.connect(lambda text: self._spawn(self.search(text)))
        self.sessions.hit_activated.connect(
            lambda sid, eid: self._spawn(self.open_session(sid, focus_event=eid or None))
        )
        self._add_session_menu()
        self.undo_button = QPushButton("Undo", self.composer)
        self.undo_button.setAccessibleName("Undo delete")
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.undo_delete)
        self.composer.add_status_action(self.undo_button)
        self.change_key_button = QPushButton("Change API key…", self.composer)
        self.change_key_button.setObjectName("ChangeKeyButton")
        self.change_key_button.setAccessibleName("Change API key")
        self.change_key_button.hide()
        self.change_key_button.clicked.connect(lambda: self.ask_for_key())
        self.composer.add_status_widget(self.change_key_button)
        self.model_picker = QComboBox(self.composer)
        self.model_picker.setObjectName("ModelPicker")
        self.model_picker.setAccessibleName("Model")
        # AT-SPI names a combo box by its current entry: this says what the entry is for.
        self.model_picker.setAccessibleDescription("Model for the next reply")
        self.model_picker.setToolTip("The model for the next reply")
        # As wide as about 14 characters, not as the longest model id: the status row must
        # not widen a small window. The list opens as wide as its longest entry.
        self.model_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model_picker.setMinimumContentsLength(14)
        self.model_picker.setMaximumWidth(MODEL_PICKER_MAX_WIDTH)
        self.model_picker.addItem(self.preferences.model)  # until Groq's list arrives
        self.model_picker.view().setAccessibleName("Models")
        self.model_picker.activated.connect(self._model_picked)
        self.composer.add_status_widget(self.model_picker)
        # Tab walks the window as it reads, left to right: the sidebar, the messages (the arrow
        # keys then step through them, each read by a screen reader), the composer, its controls.
        self.transcript.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        tab_chain = [
            self.sidebar_button,
            self.sessions.search,
            self.sessions.list,
            self.sessions.new_button,
            self.sessions.end_button,
            self.sessions.more_button,
            self.transcript,
            self.composer.edit,
            self.voice.mic_button,  # Space on it starts and stops dictating
            self.composer.send_button,
            self.composer.stop_button,
            self.model_picker,
        ]
        for before, after in itertools.pairwise(tab_chain):
            QWidget.setTabOrder(before, after)
        self.retry_countdown = RetryCountdown(self, self._retry_after_rate_limit)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._forget_undo)
        self._deleted_session: str | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.sync = None  # a SyncEngine once attach_sync is called (Supabase configured)
        self._notice_until = 0.0  # reply progress leaves a notice alone until then
        self.queued_text: str | None = None  # sent when the streaming reply finishes
        self._reply_finished = False  # the last reply ended without error or stop
        self._session_titles: dict[str, str] = {}
        self.sidebar_collapsed = self.preferences_store.value(
            SIDEBAR_COLLAPSED_KEY, False, type=bool
        )
        self._auto_collapsed = False
        self.palette = CommandPalette(self.theme, self)
        self.palette.chosen.connect(self._palette_chosen)
        self.tray = None  # a desktop_chat.ui.tray.Tray where the desktop has a tray (app.py)
        self.quick_ask_window = None  # made on first use (quick_ask)
        self.quick_ask_note = ""  # shown in Settings when there is no system-wide shortcut
        self._quitting = False
        self.actions_by_name = self._bind_shortcuts(SHORTCUTS)
        self.apply_preferences()
        self._restore_geometry()
        self._show_welcome_if_empty()
        self._apply_sidebar()
        self.composer.edit.setFocus()

    # -- set-up ----------------------------------------------------------------
    def _bind_shortcuts(self, shortcuts: tuple[Shortcut, ...]) -> dict[str, QAction]:
        bound: dict[str, QAction] = {}
        for shortcut in shortcuts:
            handler = getattr(self, shortcut.action, None) if shortcut.action else None
            if handler is None:
                continue
            action = QAction(shortcut.description or shortcut.action, self)
            action.setShortcuts([QKeySequence(k) for k in shortcut.keys])
            if shortcut.scope == "sessions":
                # Delete must keep deleting text in the composer and the search box.
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.sessions.list.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                self.addAction(action)
            action.triggered.connect(handler)
            bound[shortcut.action] = action
        return bound

    async def start(self) -> None:
        """Show past sessions and, with no key, ask for one."""
        await self.service.load_session_prompts(take_session_prompts(self.preferences_store))
        await self.refresh_sessions()
        await self._reopen_last_session()
        if self._startup_notice:
            self.show_status(self._startup_notice)
        if self.service.llm is None:
            self.ask_for_key()
        else:
            self._load_model_list_soon()

    def _spawn(self, coroutine: Coroutine) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def attach_sync(self, engine) -> None:
        """Supabase sync (store/sync.py): status in the sidebar, Account in Settings, and the
        session list refreshed when another device wrote."""
        from desktop_chat.ui.account import SyncStatusLabel

        self.sync = engine
        self.sync_status = SyncStatusLabel(engine, self.sessions)
        self.sessions.layout().addWidget(self.sync_status)
        engine.on_remote_changes(lambda ids: self._spawn(self._remote_changed(ids)))

    async def _remote_changed(self, session_ids: set[str]) -> None:
        await self.refresh_sessions()
        if self.current_session_id in session_ids and not self.busy:
            await self.conversation.show_branch(self.current_session_id)
            self.transcript.follow_bottom()

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if task is self.reply_task and self.queued_text is not None:
            self._send_queued()
        if self.sync is not None:
            self.sync.kick()  # whatever the task wrote goes out soon
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            if isinstance(error, StoreError):  # e.g. another program holds the database
                log.warning("Could not save: %s", error)
                self.show_status(f"{error} Your text is kept.")
                return
            log.error("Unexpected error: %s", type(error).__name__, exc_info=error)
            self.show_status(f"Something went wrong: {type(error).__name__}. Your text is kept.")

    @property
    def busy(self) -> bool:
        return self.reply_task is not None and not self.reply_task.done()

    def show_status(self, text: str) -> None:
        self.composer.status.setText(text)

    def show_notice(self, text: str) -> None:
        """A status the reply's progress line must not overwrite at once (e.g. why a key did
        nothing while a reply streams)."""
        self.show_status(text)
        self._notice_until = time.monotonic() + NOTICE_MS / 1000

    def _show_progress(self, text: str) -> None:
        if time.monotonic() >= self._notice_until:
            self.show_status(text)

    # -- sessions --------------------------------------------------------------
    async def refresh_sessions(self) -> None:
        sessions = await self.service.store.list_sessions(limit=SESSION_LIST_LIMIT)
        self.sessions.set_sessions(sessions, self.current_session_id)
        self._session_titles = {s.session_id: s.display_title for s in sessions}
        self._show_title()

    def _show_title(self) -> None:
        """'Title — Desktop Chat' in the title bar, and the title above the chat."""
        title = self._session_titles.get(self.current_session_id or "")
        if title is None and self.current_session_id is None:
            title = "New chat"
        plain = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", title or "").split())
        # "[*]" is Qt's placeholder for a modified mark; "[*][*]" shows it literally.
        window_title = f"{plain} — {APP_NAME}" if plain else APP_NAME
        self.setWindowTitle(window_title.replace("[*]", "[*][*]"))
        self.chat_title.setText(plain or APP_NAME)

    async def open_session(
        self, session_id: str, focus_event: str | None = None, to_composer: bool = True
    ) -> None:
        """Show a session. `to_composer` moves the keyboard there (Enter on a session, the
        keyboard shortcuts); a click leaves it in the list, so Delete and F2 work next."""
        if self.busy:
            if session_id != self.current_session_id:
                self.show_notice(
                    "A reply is still streaming: wait for it, or press Esc to stop "
                    "it, before switching sessions."
                )
            self.sessions.select(self.current_session_id)
            return
        self.conversation.editing_event_id = None  # an edit belongs to the session it began in
        self.current_session_id = session_id
        await self.conversation.show_branch(session_id)
        self.sessions.select(session_id)
        self._show_title()
        session = await self.service.store.get_session(session_id)
        ended = session is not None and session.end_time is not None
        self.show_status(
            "This session was ended; sending continues it with its summary in mind."
            if ended
            else ""
        )
        if focus_event:
            self._show_event(focus_event)
        else:
            self.transcript.follow_bottom()
            if to_composer:
                self.composer.edit.setFocus()

    def _show_event(self, event_id: str) -> None:
        """Scroll to a message (a search hit) and outline it for a moment."""
        row = self.transcript_model.reveal(event_id)
        if row < 0:
            self.transcript.follow_bottom()
            return
        item = self.transcript_model.items[row]
        item.highlighted = True
        index = self.transcript_model.index(row)
        self.transcript.show_row(index)
        self.transcript_model.dataChanged.emit(index, index)

        def fade() -> None:
            if item in self.transcript_model.items:
                item.highlighted = False
                self.transcript_model.item_changed(item)

        QTimer.singleShot(HIGHLIGHT_MS, self, fade)  # dropped if the window goes first

    async def search(self, text: str) -> None:
        if not text.strip():
            self.sessions.show_results(None)
            return
        hits = await self.service.store.search(text)
        if self.sessions.search.text() == text:  # a newer query may have started meanwhile
            self.sessions.show_results(hits)

    def new_session(self) -> None:
        if self.busy:
            self.show_notice(
                "A reply is still streaming: wait for it, or press Esc to stop it, "
                "before starting a new session."
            )
            return
        self.current_session_id = None  # stored when its first message is sent
        self.conversation.editing_event_id = None
        self.transcript_model.set_events([])
        self.sessions.select(None)
        self._show_title()
        self.show_status("New session.")
        self.composer.edit.setFocus()

    def end_session(self) -> None:
        if self.busy:
            self.show_notice(
                "A reply is still streaming: wait for it, or press Esc to stop it, "
                "before ending the session."
            )
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
        self._show_title()
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
        text = self.composer.edit.toPlainText()
        if not self.busy and self.conversation.submit_edit(text):
            return
        try:
            check_message(text)
        except MessageRejected as rejected:
            self.show_notice(str(rejected))
            return
        if self.busy:
            # Typed while a reply streams: it goes out as soon as the reply is done, unless
            # the text is edited or Esc cancels it first.
            self.queued_text = text
            self.show_notice(QUEUED_NOTICE)
            return
        if self.service.llm is None:
            self.ask_for_key()
            return
        self.reply_task = self._spawn(self._send(text))

    def send_starter_prompt(self, prompt: str) -> None:
        """A prompt from the welcome page: into the composer, and sent."""
        self.composer.edit.setPlainText(prompt)
        self.composer.edit.moveCursor(self.composer.edit.textCursor().MoveOperation.End)
        self.composer.edit.setFocus()
        self.submit()

    def _show_welcome_if_empty(self) -> None:
        empty = self.transcript_model.rowCount() == 0
        if empty:
            self._refresh_welcome()
        self.chat_pages.setCurrentWidget(self.welcome if empty else self.transcript)

    def _refresh_welcome(self) -> None:
        """The welcome page names the model that will answer (or asks for a key)."""
        llm = self.service.llm
        self.welcome.set_model(llm.model if llm is not None else None)

    def _composer_edited(self) -> None:
        if self.queued_text is not None and self.composer.edit.toPlainText() != self.queued_text:
            self.cancel_queued("Not queued any more: the message was edited.")

    def cancel_queued(self, why: str) -> None:
        self.queued_text = None
        self.show_notice(why)

    def _send_queued(self) -> None:
        """After a reply task ended: send what was queued meanwhile, if the reply finished and
        the box still holds it."""
        text, self.queued_text = self.queued_text, None
        if text is None or self.busy or self.composer.edit.toPlainText() != text:
            return
        if not self._reply_finished:
            self.show_notice("Not sent yet: the reply did not finish. Press Enter to send it.")
            return
        self._notice_until = 0.0
        self.submit()

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
        outcome = await self._stream_reply(
            lambda on_piece: self.service.send(session_id, text, on_piece), restore_text=text
        )
        await self.conversation.sync_versions(session_id)
        await self.refresh_sessions()
        if outcome is not None and outcome.first_in_session:
            if await self.service.auto_title(outcome):
                await self.refresh_sessions()

    def regenerate(self) -> None:
        """Ctrl+R, Regenerate and Retry: a new version of the last reply replaces it."""
        self.conversation.regenerate()

    def previous_version(self) -> None:
        self.conversation.step_last_version(-1)

    def next_version(self) -> None:
        self.conversation.step_last_version(+1)

    async def _stream_reply(self, run, restore_text: str | None = None) -> ReplyOutcome | None:
        item = MessageItem(Role.ASSISTANT, "", model=getattr(self.service.llm, "model", None))
        self.transcript_model.append(item)
        renderer = StreamRenderer(self.transcript_model, self.delegate, item)
        self.renderer = renderer
        self.composer.set_streaming(True)
        self._show_progress("Replying…  (Esc to stop)")
        first_token_at: float | None = None  # the rate counts from here, not the wait before
        self._reply_finished = False
        pieces = 0

        def on_piece(piece: str) -> None:
            nonlocal pieces, first_token_at
            pieces += 1
            renderer.feed(piece)
            if pieces == 1:
                first_token_at = time.monotonic()
                # The message and the session's title are stored by now: list it at once.
                self._spawn(self.refresh_sessions())
            elapsed = time.monotonic() - first_token_at
            if pieces % 25 == 0 and elapsed > 0:
                self._show_progress(
                    f"Replying… {(pieces - 1) / elapsed:,.0f} tokens/s  (Esc to stop)"
                )

        try:
            outcome = await run(on_piece)
        except asyncio.CancelledError:
            renderer.finish(
                note="Stopped: the reply was cut short." if item.text or renderer.pending else None
            )
            if not item.text:
                self._drop(item)
            self.show_status("Stopped. What arrived is kept.")
            self._notice_until = 0.0
            return None
        except MessageRejected as rejected:
            self._drop(item)
            self.show_status(str(rejected))
            return None
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
            if outcome.reply_event is not None:
                item.event_id = outcome.reply_event.event_id
            streamed = time.monotonic() - first_token_at if first_token_at is not None else 0.0
            self.show_status(usage_line(outcome, streamed))
            self._reply_finished = True
            self.reply_finished.emit(item.text)
            # A screen reader stays on the composer while the reply streams: tell it the end.
            QAccessible.updateAccessibility(
                QAccessibleAnnouncementEvent(self, reply_announcement(item.text))
            )
            return outcome
        error = outcome.error
        if item.text or renderer.pending:
            renderer.finish(note="Interrupted: the reply did not finish.")
        else:
            renderer.finish()
            self._drop(item)
        error_item = MessageItem(
            Role.ERROR, error.message, retryable=error.kind != LLMErrorKind.TOO_LONG
        )
        self.transcript_model.append(error_item)
        self.transcript.follow_bottom()
        self._explain_error(error, error_item)
        return outcome

    def _drop(self, item: MessageItem) -> None:
        row = self.transcript_model.row_of(item)
        self.transcript_model.beginRemoveRows(self.transcript_model.index(row).parent(), row, row)
        del self.transcript_model.items[row]
        self.transcript_model.endRemoveRows()

    def stop_reply(self) -> None:
        if self.voice.stop():  # a recording or reading aloud goes first
            return
        if not self.busy and self.conversation.cancel_edit():
            return
        if self.queued_text is not None:  # Esc first cancels a queued message, then the reply
            self.cancel_queued("Not queued any more. Press Enter to send it.")
            return
        if self.busy:
            self.reply_task.cancel()
        else:
            self.retry_countdown.cancel()

    def _stop_clicked(self) -> None:
        """The Stop button stops the reply, queued message or not (that one then waits)."""
        if self.busy:
            self.reply_task.cancel()

    # -- layout ------------------------------------------------------------------
    def toggle_sidebar(self) -> None:
        """Ctrl+B and the ☰ button: the choice is remembered; a narrow window folds the sidebar
        again when it next gets narrow."""
        self.sidebar_collapsed = self.sessions.isVisible()
        self._auto_collapsed = False
        self.preferences_store.setValue(SIDEBAR_COLLAPSED_KEY, self.sidebar_collapsed)
        self._apply_sidebar()
        focused = QApplication.focusWidget()
        if self.sidebar_collapsed and focused is not None and self.sessions.isAncestorOf(focused):
            self.composer.edit.setFocus()  # the keyboard does not stay in a hidden panel

    def _apply_sidebar(self) -> None:
        visible = not (self.sidebar_collapsed or self._auto_collapsed)
        self.sessions.setVisible(visible)
        self.sidebar_button.setChecked(visible)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        narrow = event.size().width() < SIDEBAR_AUTO_COLLAPSE_WIDTH
        old = event.oldSize()
        if not old.isValid() or (old.width() < SIDEBAR_AUTO_COLLAPSE_WIDTH) != narrow:
            # Crossing the threshold folds or unfolds it; Ctrl+B in between still decides.
            self._auto_collapsed = narrow
            self._apply_sidebar()

    def toggle_dictation(self) -> None:
        self.voice.toggle_dictation(from_shortcut=True)

    def focus_composer(self) -> None:
        self.composer.edit.setFocus()

    def focus_search(self) -> None:
        if not self.sessions.isVisible():  # searching shows the sidebar, folded or not
            self._auto_collapsed = False
            self.sidebar_collapsed = False
            self._apply_sidebar()
        self.sessions.search.setFocus()
        self.sessions.search.selectAll()

    def edit_last_message(self) -> None:
        if not self.busy:
            self.conversation.edit_last()

    def _type_in_composer(self, text: str) -> None:
        self.composer.edit.setFocus()
        self.composer.edit.insertPlainText(text)

    def copy_last_reply(self) -> None:
        reply = next(
            (i for i in reversed(self.transcript_model.items) if i.role == Role.ASSISTANT), None
        )
        if reply is not None:
            QGuiApplication.clipboard().setText(reply.text)
            self.show_status("Copied the last reply.")

    def show_shortcuts(self) -> None:
        ShortcutsDialog(tuple(s for s in SHORTCUTS if s.label), self).open()

    def quit(self) -> None:
        self._quitting = True  # really quit, even when closing would keep the app in the tray
        self.close()

    # -- desktop: command palette, quick ask, tray -------------------------------------
    def command_palette(self) -> None:
        entries = action_entries(
            SHORTCUTS, lambda name: name in self.actions_by_name and name != "command_palette"
        )
        entries += [
            PaletteEntry("session", s.display_title, "session", s.session_id)
            for s in self.sessions.model.sessions
        ]
        self.palette.set_theme(self.theme)
        self.palette.open_with(entries)

    def _palette_chosen(self, entry: PaletteEntry) -> None:
        self.composer.edit.setFocus()  # where the focus goes unless the action moves it
        if entry.kind == "session":
            self._spawn(self.open_session(entry.target))
        elif entry.target in self.actions_by_name:
            self.actions_by_name[entry.target].trigger()

    def quick_ask(self) -> None:
        """The small always-on-top window that asks one question (system-wide shortcut)."""
        from desktop_chat.ui.quick_ask import QuickAskWindow

        if self.quick_ask_window is None:
            self.quick_ask_window = QuickAskWindow(self)
        self.quick_ask_window.open_fresh()

    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            from desktop_chat.ui.single_instance import bring_forward

            bring_forward(self)

    def copy_text(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.show_status("Copied.")

    def open_link(self, url: QUrl, text: str = "") -> None:
        """Open an http(s) link, asking first when its text names another host."""
        if url.scheme() not in ("http", "https"):
            return
        host = url.host(QUrl.ComponentFormattingOption.FullyEncoded)
        if not misleading(text, host):
            QDesktopServices.openUrl(url)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Open this link?",
            f"The link’s text reads “{named_host(text)}”, but it opens {host}.\n\n"
            f"{url.toString(QUrl.ComponentFormattingOption.FullyEncoded)}",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # model text: never markup
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Open).setText(f"Open {host}")
        box.accepted.connect(lambda: QDesktopServices.openUrl(url))
        self.link_box = box
        box.open()

    # -- session tools -----------------------------------------------------------
    def _add_session_menu(self) -> None:
        menu = QMenu(self)
        menu.setAccessibleName("Session actions")
        menu.addAction("Rename…  (F2)", self.rename_session)
        menu.addAction("Export as Markdown…", lambda: self.choose_export_file("md"))
        menu.addAction("Export as JSON…", lambda: self.choose_export_file("json"))
        menu.addAction("Import…", self.choose_import_file)
        menu.addSeparator()
        menu.addAction("Delete…  (Delete)", self.delete_session)
        self.sessions.more_button.setMenu(menu)
        self.session_menu = menu

    def _selected_session_id(self) -> str | None:
        """The session the list's selection points at, else the open one."""
        index = self.sessions.list.currentIndex()
        session = index.data(SessionRole) if index.isValid() else None
        return session.session_id if session else self.current_session_id

    def rename_session(self) -> None:
        session_id = self._selected_session_id()
        if session_id is None:
            return
        row = self.sessions.model.row_of(session_id)
        title = self.sessions.model.sessions[row].display_title if row >= 0 else ""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename session")
        dialog.setLabelText("New name:")
        dialog.setTextValue(title)
        dialog.setAccessibleName("Rename session")
        edit = dialog.findChild(QLineEdit)
        if edit is not None:
            # Room for a title, not a word (QInputDialog sizes itself to its fields on show).
            edit.setMinimumWidth(RENAME_FIELD_WIDTH)
        dialog.textValueSelected.connect(lambda text: self._spawn(self._rename(session_id, text)))
        self.rename_dialog = dialog
        dialog.open()
        if edit is not None:
            edit.selectAll()  # typing replaces the old title

    async def _rename(self, session_id: str, title: str) -> None:
        title = clean_title(title)
        if not title:
            self.show_status("A session needs a name; kept the old one.")
            return
        await self.service.store.update_session(session_id, title=title)
        await self.refresh_sessions()
        self.show_status(f"Renamed to “{title}”.")

    def delete_session(self) -> None:
        session_id = self._selected_session_id()
        if session_id is None or (self.busy and session_id == self.current_session_id):
            return
        row = self.sessions.model.row_of(session_id)
        title = self.sessions.model.sessions[row].display_title if row >= 0 else "this session"
        box = plain_message_box(
            QMessageBox.Icon.NoIcon,
            "Delete session",
            f"Delete “{title}”? You can undo this for a few seconds.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setAccessibleName("Delete session")
        box.layout().setContentsMargins(*DIALOG_MARGINS)
        box.accepted.connect(lambda: self._spawn(self._delete(session_id, title)))
        self.delete_box = box
        box.open()

    async def _delete(self, session_id: str, title: str) -> None:
        # A tombstone, not a DELETE: undo and sync both need the row.
        await self.service.store.update_session(session_id, deleted_at=utc_now())
        if session_id == self.current_session_id:
            self.current_session_id = None
            self.transcript_model.set_events([])
        await self.refresh_sessions()
        self.conversation.deleted = None  # Undo now brings back the session
        self.offer_undo(f"Deleted “{title}”.")
        self._deleted_session = session_id

    def offer_undo(self, text: str) -> None:
        """Show Undo for the latest deletion (a session, or a message: the controller's)."""
        self._deleted_session = None
        self.show_status(text)
        self.undo_button.show()
        self._undo_timer.start(UNDO_DELETE_MS)

    def undo_delete(self) -> None:
        session_id = self._deleted_session
        message_undone = self.conversation.undo_delete()
        self._forget_undo()
        if session_id and not message_undone:
            self._spawn(self._restore(session_id))

    async def _restore(self, session_id: str) -> None:
        await self.service.store.update_session(session_id, deleted_at=None)
        await self.refresh_sessions()
        self.show_status("Restored.")

    def _forget_undo(self) -> None:
        self._deleted_session = None
        self.conversation.deleted = None
        self._undo_timer.stop()
        self.undo_button.hide()

    def choose_export_file(self, kind: str) -> None:
        session_id = self._selected_session_id()
        if session_id is None:
            self.show_status("Open a session to export it.")
            return
        suffix = {"md": "Markdown (*.md)", "json": "JSON (*.json)"}[kind]
        folder = Path(self.preferences_store.value(EXPORT_FOLDER_KEY, "") or Path.home())
        if not folder.is_dir():
            folder = Path.home()
        name = export_file_name(self._session_titles.get(session_id, ""), kind)
        dialog = QFileDialog(self, "Export session", str(folder / name), suffix)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(kind)
        dialog.fileSelected.connect(
            lambda path: self._spawn(self.export_session(session_id, Path(path), kind))
        )
        self.export_dialog = dialog
        dialog.open()

    def choose_import_file(self) -> None:
        """A Desktop Chat JSON export, or a ChatGPT or Claude conversations.json."""
        folder = self.preferences_store.value(EXPORT_FOLDER_KEY, "") or str(Path.home())
        dialog = QFileDialog(
            self, "Import conversations", folder, "Conversations (*.json);;All files (*)"
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(
            lambda path: self._spawn(self.conversation.import_file(Path(path)))
        )
        self.import_dialog = dialog
        dialog.open()

    async def export_session(self, session_id: str, path: Path, kind: str) -> None:
        text = await self.service.export_text(session_id, kind)
        try:
            write_export(path, text)  # 0600: a whole conversation
        except OSError as error:
            self.show_status(f"Could not write {path}: {error.strerror}.")
            return
        self.preferences_store.setValue(EXPORT_FOLDER_KEY, str(path.parent))
        self.show_status(f"Exported to {path}.")

    # -- settings ----------------------------------------------------------------
    def apply_preferences(self) -> None:
        preferences = self.preferences
        self.service.settings.memory_turns = preferences.memory_turns
        self.service.settings.system_prompt = preferences.system_prompt
        if self.service.llm is not None:
            self.service.llm.model = preferences.model
            self.service.llm.temperature = preferences.temperature
        theme = THEMES[preferences.resolved_theme()]
        if self.model_picker.currentText() != preferences.model:
            self._show_model(preferences.model)
        if theme != self.theme:
            self.theme = theme
            apply_theme(theme)
            self.sessions.set_theme(theme)
            self.delegate.theme = theme
            self.voice.set_theme()
            self._reset_documents()
        font = QFont(self.font())
        font.setPointSizeF(preferences.font_size)
        if font != self.delegate.font:
            self.delegate.set_font(font)
            self.composer.edit.setFont(font)
            self._reset_documents()
        self.composer.set_send_key(preferences.send_key)
        self._refresh_welcome()

    def _reset_documents(self) -> None:
        for item in self.transcript_model.items:
            if not item.streaming:
                item.document = None
        self.transcript.scheduleDelayedItemsLayout()
        self.transcript.viewport().update()

    def zoom_in(self) -> None:
        self._zoom(+1.0)

    def zoom_out(self) -> None:
        self._zoom(-1.0)

    def _zoom(self, step: float) -> None:
        self.preferences.font_size += step
        self.preferences.clamp()
        self.preferences.save(self.preferences_store)
        self.apply_preferences()
        self.show_status(f"Text size {self.preferences.font_size:g} pt.")

    def open_settings(self) -> None:
        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            self.settings_dialog.raise_()
            return
        session_id = self.current_session_id
        prompt = self.service.settings.session_prompts.get(session_id) if session_id else None
        dialog = SettingsDialog(
            self.preferences, prompt, session_id is not None, self, key_source=self.key_source
        )
        from desktop_chat.ui.account import AccountSection

        # Without Supabase the section says how to turn sync on.
        account = AccountSection(self.sync, dialog)
        account.setTitle("")  # the tab is already called Account
        account.setFlat(True)
        dialog.extra.addWidget(account)
        dialog.extra.addStretch(1)
        dialog.change_key_requested.connect(lambda: self.ask_for_key())
        dialog.set_quick_ask_note(self.quick_ask_note)
        dialog.accepted.connect(lambda: self._save_settings(dialog, session_id))
        self.settings_dialog = dialog
        dialog.open()
        self._spawn(self._load_models(dialog))

    async def _load_models(self, dialog: SettingsDialog) -> None:
        if self.service.llm is None:
            dialog.set_models(None, "Add an API key to see Groq's models.")
            return
        try:
            models = await self.service.llm.models()
        except LLMError as error:
            dialog.set_models(None, error.message)
            return
        dialog.set_models(models)
        self._fill_model_picker(models)

    # -- the model picker (beside the status line) -----------------------------------
    async def load_model_list(self) -> None:
        """Fill the picker from Groq's live list; it shows the chosen model until then."""
        if self.service.llm is None:
            return
        try:
            models = await self.service.llm.models()
        except LLMError as error:
            log.info("Could not list Groq's models: %s", error.kind)
            self.model_picker.setToolTip(f"The model for the next reply. {error.message}")
            return
        self._fill_model_picker(models)

    def _load_model_list_soon(self) -> None:
        if self._model_list_task is not None:
            self._model_list_task.cancel()  # a new key: the old one's list no longer counts
        self._model_list_task = self._spawn(self.load_model_list())

    def _fill_model_picker(self, models: list[str]) -> None:
        self.model_picker.blockSignals(True)
        self.model_picker.clear()
        self.model_picker.addItems(models)
        self.model_picker.blockSignals(False)
        view = self.model_picker.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 32)
        self._show_model(self.preferences.model)

    def _show_model(self, model: str) -> None:
        self.model_picker.blockSignals(True)
        if self.model_picker.findText(model) < 0:
            self.model_picker.insertItem(0, model)  # e.g. one typed in Settings
        self.model_picker.setCurrentText(model)
        self.model_picker.blockSignals(False)

    def _model_picked(self, index: int) -> None:
        model = self.model_picker.itemText(index)
        if not model or model == self.preferences.model:
            return
        self.preferences.model = model
        self.preferences.save(self.preferences_store)
        self.apply_preferences()
        self.show_status(f"Next replies come from {model}.")
        self.composer.edit.setFocus()

    def _save_settings(self, dialog: SettingsDialog, session_id: str | None) -> None:
        self.preferences = dialog.chosen(self.preferences)
        self.preferences.save(self.preferences_store)
        if session_id is not None:  # stored with the session (the store), not in preferences
            self._spawn(self.service.set_session_prompt(session_id, dialog.session_prompt_text))
        self.apply_preferences()
        self.show_status("Settings saved.")

    # -- errors a user can act on ---------------------------------------------------
    def _explain_error(self, error: LLMError, item: MessageItem) -> None:
        """The status line says what to do next; the error bubble already says what happened.
        No dialog opens over the error: the user chooses when to change the key."""
        auto_retry = self._auto_retry_task is not None and self._auto_retry_task is self.reply_task
        self._auto_retry_task = None
        if error.kind == LLMErrorKind.AUTH:
            self._key_rejected = True
            self.change_key_button.show()
            self.show_status("Change the key (Settings → API key), then press Retry.")
        elif (
            error.kind == LLMErrorKind.RATE_LIMIT
            and error.retry_after is not None
            and not auto_retry
        ):
            self.retry_countdown.start(item, error.retry_after)
        elif error.kind == LLMErrorKind.TOO_LONG:
            # Asking again would run into the same cap: the way on is a narrower question.
            self.show_status("What arrived is kept. Ask for a shorter part to go on.")
        else:
            self.show_status("Press Retry or Ctrl+R to try again.")

    def _retry_after_rate_limit(self) -> None:
        self.regenerate()
        if self.busy:
            self._auto_retry_task = self.reply_task  # a second 429 is not retried by itself

    # -- API key ---------------------------------------------------------------
    def ask_for_key(self, reason: str | None = None) -> None:
        if self.key_dialog is not None and self.key_dialog.isVisible():
            self.key_dialog.raise_()
            return
        if self.key_source == "environment":
            note = (
                "GROQ_API_KEY is set, so it is used again at the next start: change it there "
                "too to keep the new key."
            )
            reason = f"{reason}\n\n{note}" if reason else note
        self.key_dialog = ApiKeyDialog(self, reason)
        self.key_dialog.accepted.connect(lambda: self.use_key(self.key_dialog.key))
        self.key_dialog.rejected.connect(self._key_not_changed)
        self.key_dialog.open()

    def _key_not_changed(self) -> None:
        """After "Not now": say which key is still in use, if any."""
        if self.service.llm is None:
            self.show_status("No API key yet: past sessions can be read; add a key to chat.")
        elif self._key_rejected:
            self.show_status("Key not changed: Groq rejected it, so replies fail until it is.")
        else:
            self.show_status("The API key was not changed.")

    def use_key(self, key: str) -> None:
        previous = self.service.llm
        self.service.llm = self.make_llm(key)
        self.service.llm.model = self.preferences.model
        self.service.llm.temperature = self.preferences.temperature
        self._key_rejected = False
        self.change_key_button.hide()
        if previous is not None:
            self._spawn(previous.close())
        try:
            self.save_key(key)
            self.key_source = "typed"
            self.show_status("Key saved in your system keychain.")
        except KeychainUnavailable as unavailable:
            self.key_source = "session"
            self.show_status("Key kept for this run only: this system has no keychain.")
            box = plain_message_box(
                QMessageBox.Icon.NoIcon, "Key kept for this run only", str(unavailable), parent=self
            )
            box.setObjectName("KeychainNotice")
            box.layout().setContentsMargins(*DIALOG_MARGINS)
            box.setAccessibleName("Key kept for this run only")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.keychain_notice = box
            box.open()  # not exec(): a nested event loop would stall the streaming loop
        self._load_model_list_soon()
        self._refresh_welcome()
        self.composer.edit.setFocus()

    # -- window geometry ---------------------------------------------------------------
    def _restore_geometry(self) -> None:
        """Last run's size and place, else the default size; either way inside the screen's
        available area (a 1024x700 screen gets a window that fits, not a 1100 px one)."""
        saved = self.preferences_store.value(GEOMETRY_KEY)
        if isinstance(saved, QRect) and saved.isValid():
            self.setGeometry(saved)  # the client area: saveGeometry() drifts by the title bar
            self._fit_to_screen(center=False)
        else:
            self.resize(*DEFAULT_SIZE)
            self._fit_to_screen(center=True)
        if self.preferences_store.value(MAXIMIZED_KEY) in (True, "true"):
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _fit_to_screen(self, center: bool) -> None:
        """Shrink and move the window (its client area) so that it and its frame lie inside
        the screen's available area."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        if self.isVisible():
            inner, outer = self.geometry(), self.frameGeometry()
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
            max(min(self.width(), room.width()), self.minimumWidth()),
            max(min(self.height(), room.height()), self.minimumHeight()),
        )
        rect = QRect(self.geometry().topLeft(), size)
        if center:
            rect.moveCenter(area.center())
        rect.moveLeft(max(area.left(), min(rect.left(), area.right() + 1 - rect.width())))
        rect.moveTop(max(area.top(), min(rect.top(), area.bottom() + 1 - rect.height())))
        if rect != self.geometry():
            self.setGeometry(rect)

    def save_window_state(self) -> None:
        maximized = bool(self.windowState() & Qt.WindowState.WindowMaximized)
        self.preferences_store.setValue(MAXIMIZED_KEY, maximized)
        if not maximized:
            self.preferences_store.setValue(GEOMETRY_KEY, self.geometry())
        if self.current_session_id is not None:
            self.preferences_store.setValue(OPEN_SESSION_KEY, self.current_session_id)
        else:
            self.preferences_store.remove(OPEN_SESSION_KEY)
        self.preferences_store.sync()

    async def _reopen_last_session(self) -> None:
        session_id = self.preferences_store.value(OPEN_SESSION_KEY)
        if not session_id or self.current_session_id is not None:
            return
        session = await self.service.store.get_session(str(session_id))
        if session is None or session.deleted_at is not None:
            return
        await self.open_session(session.session_id)

    # -- closing ---------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if (
            self.preferences.keep_in_tray
            and not self._quitting
            and self.tray is not None
            and self.tray.visible
        ):
            event.ignore()  # the app keeps running (and a reply keeps streaming) in the tray
            self.hide()
            return
        self.save_window_state()
        if self._model_list_task is not None:
            self._model_list_task.cancel()  # nobody is left to pick from it
        if self.quick_ask_window is not None:
            self.quick_ask_window.close()
        self.closing.emit()
        if self.busy:
            # The task records what arrived as interrupted when it runs its cancellation.
            self.reply_task.cancel()
        super().closeEvent(event)

    async def wait_idle(self) -> None:
        """Let running tasks (a cancelled reply saving its text) finish."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def usage_line(outcome: ReplyOutcome, streamed: float) -> str:
    """'312 tokens · 845 tokens/s · 1,204 in prompt', from the final chunk's usage when sent.

    The rate is over `streamed`, the seconds from the first token to the end, as the reply was
    watched: the wait before the first token is queueing and reading the prompt, not writing.
    Only a reply that came in one burst (under BURST_SECONDS, where a client clock says
    nothing) is measured by the server's own completion_time. One token has no rate."""
    usage = outcome.reply_event.payload.get("usage", {}) if outcome.reply_event else {}
    completion = usage.get("completion_tokens")
    if not completion:
        return ""
    seconds = streamed if streamed >= BURST_SECONDS else usage.get("completion_time") or streamed
    parts = [f"{completion:,} token{'' if completion == 1 else 's'}"]
    if seconds > 0 and completion > 1:
        parts.append(f"{completion / seconds:,.0f} tokens/s")
    if usage.get("prompt_tokens"):
        parts.append(f"{usage['prompt_tokens']:,} in prompt")
    return " · ".join(parts)


BURST_SECONDS = 0.05


def export_file_name(title: str, kind: str) -> str:
    """A file name from a session title: no path separators, control or reserved characters
    (Windows' too), at most 80 characters; "chat" when nothing is left."""
    name = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]+', " ", title)
    name = " ".join(name.split()).strip(" .")[:80].rstrip(" .")
    if name.upper().split(".")[0] in _RESERVED_NAMES:
        name = f"{name} chat"
    return f"{name or 'chat'}.{kind}"


_RESERVED_NAMES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
