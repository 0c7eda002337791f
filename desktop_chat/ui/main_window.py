"""The main window: builds the session panel, transcript and composer, and wires them to the
controllers that do each job (docs/architecture.md, "The window"):

* `SessionController` (ui/session_controller.py): the list, open / new / end, search;
* `SessionActions` (ui/session_actions.py): rename, delete with undo, export, import;
* `ReplyController` (ui/reply_controller.py): send, stream a reply, stop, queue, errors;
* `ConversationController` (ui/conversation_controller.py): versions, edit, branch, delete;
* `SettingsController` (ui/settings_controller.py): Settings, preferences, model, API key;
* `WindowState` (ui/window_state.py): size, place, the sidebar;
* `KeyboardController` (ui/keyboard.py): the shortcut table bound, the overlay, the palette.

None of them reaches into the store or the LLM client: they call the chat service.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import APP_NAME
from desktop_chat.core.chat import ChatService
from desktop_chat.llm.base import LLMClient
from desktop_chat.store.base import StoreError
from desktop_chat.ui import raster  # noqa: F401 - Qt's painting set-up, before the paint
from desktop_chat.ui.announce import announce as announce_text
from desktop_chat.ui.attachments_controller import AttachmentsController
from desktop_chat.ui.branch_link import BranchLink
from desktop_chat.ui.composer import ComposerPanel
from desktop_chat.ui.keyboard import KeyboardController
from desktop_chat.ui.link_opener import open_link
from desktop_chat.ui.plain_text import ElidedLabel
from desktop_chat.ui.preferences import load_bindings, take_session_prompts
from desktop_chat.ui.reply_controller import (
    QUEUED_NOTICE,
    ReplyController,
    reply_announcement,
    usage_line,
)
from desktop_chat.ui.reply_extras import ReplyExtras
from desktop_chat.ui.session_actions import SessionActions, export_file_name
from desktop_chat.ui.session_controller import SessionController
from desktop_chat.ui.session_panel import SessionPanel
from desktop_chat.ui.settings_controller import SettingsController, build_model_picker
from desktop_chat.ui.theme import THEMES, Theme, apply_theme
from desktop_chat.ui.voice import VoiceController
from desktop_chat.ui.welcome import WelcomeView
from desktop_chat.ui.window_state import (
    DEFAULT_SIZE,
    GEOMETRY_KEY,
    MIN_WINDOW_SIZE,
    SIDEBAR_AUTO_COLLAPSE_WIDTH,
    SIDEBAR_WIDTH,
    WindowState,
)

if TYPE_CHECKING:
    from desktop_chat.ui.command_palette import CommandPalette
    from desktop_chat.ui.conversation_controller import ConversationController
    from desktop_chat.ui.transcript import (
        MessageDelegate,
        StreamRenderer,
        TranscriptModel,
        TranscriptView,
    )

translate = QCoreApplication.translate

# Names other modules and tests import from here.
__all__ = [
    "DEFAULT_SIZE",
    "GEOMETRY_KEY",
    "QUEUED_NOTICE",
    "SIDEBAR_AUTO_COLLAPSE_WIDTH",
    "MainWindow",
    "export_file_name",
    "reply_announcement",
    "usage_line",
]

log = logging.getLogger(__name__)
NOTICE_MS = 4_000  # a notice stays this long before reply progress may replace it


class MainWindow(QMainWindow):
    reply_finished = Signal(str)  # a reply's text once it streamed to the end (tray notices)
    closing = Signal()  # the window closes for good (not hidden to the tray): the app quits
    quick_ask_opened = Signal()  # by the hotkey, the tray or another instance: warm up (app.py)

    def __init__(
        self,
        service: ChatService,
        make_llm: Callable[[str], LLMClient],
        save_key: Callable[[str], None],
        notice: str | None = None,
        preferences_store: QSettings | None = None,
        key_source: str | None = None,
        transcript_later: bool = False,
    ):
        """`transcript_later`: the transcript is built when `build_transcript()` is called, or
        when it is first used (app.py calls it right after the window's first paint)."""
        super().__init__()
        self.service = service
        self.make_llm = make_llm
        self.save_key = save_key
        self.preferences_store = preferences_store or QSettings()
        self.preferences = SettingsController.load_preferences(self)
        self.theme: Theme = THEMES[self.preferences.resolved_theme()]
        # What the controllers share: the open session and the reply streaming into it.
        self.current_session_id: str | None = None
        self.reply_task: asyncio.Task | None = None
        self.renderer: StreamRenderer | None = None
        self.notice_until = 0.0  # reply progress leaves a notice alone until then
        self._tasks: set[asyncio.Task] = set()
        self._startup_notice = notice
        self.sync = None  # a SyncEngine once attach_sync is called (Supabase configured)
        self.tray = None  # a desktop_chat.ui.tray.Tray where the desktop has a tray (app.py)
        self.quick_ask_window = None  # made on first use (quick_ask)
        self.quick_ask_note = ""  # shown in Settings when there is no system-wide shortcut
        self.quick_ask_hotkey = None  # its system-wide keys (ui/global_hotkey, from app.py)
        self._quitting = False
        self.link_box: QMessageBox | None = None  # the last "Open this link?" asked
        # The transcript (view, model, delegate) and what is wired to it once it is built.
        self._transcript: tuple[TranscriptView, TranscriptModel, MessageDelegate] | None = None
        self._transcript_wiring: list[Callable[[], object]] = []
        self.transcript_font = QFont()  # the messages' font: what a new delegate starts with

        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MIN_WINDOW_SIZE)
        apply_theme(self.theme)
        self._build_widgets(transcript=not transcript_later)
        self._lay_out()

        self.window_state = WindowState(self)
        self.sessions_ctl = SessionController(self)
        self.session_actions = SessionActions(self)
        self.settings_ctl = SettingsController(self, key_source)
        self.replies = ReplyController(self)
        # Versions, regenerate, edit: made with the transcript it works on (`conversation`).
        self._conversation: ConversationController | None = None
        self.when_transcript(self._make_conversation)
        self.voice = VoiceController(self)  # the mic and Read aloud (ui/voice.py)
        self.attachments = AttachmentsController(self, self.composer, self.service)
        self.when_transcript(
            lambda: self.delegate.image_clicked.connect(self.attachments.open_image)
        )
        self.keyboard = KeyboardController(self)
        self._wire()
        self.keyboard.bind(self._action_table())
        self.keyboard.apply_bindings(load_bindings(self.preferences_store))  # Settings → Keyboard
        self.voice.follow_shortcut(self.keyboard.actions["toggle_dictation"])  # hold to talk

        self.settings_ctl.apply_preferences()
        self.window_state.restore_geometry()
        self._show_welcome_if_empty()
        self.window_state.apply_sidebar()
        self.composer.edit.setFocus()

    # -- building ------------------------------------------------------------------------
    def _build_widgets(self, transcript: bool) -> None:
        # Each widget is made inside the one it is laid out in: moved there by a layout, it and
        # all its children would take their style sheet's style again (~20M instructions).
        self.root = root = QWidget(self)
        root.setObjectName("Root")
        self.chat_pages = QStackedWidget(root)
        self.sessions = SessionPanel(root)
        self.sessions.setFixedWidth(SIDEBAR_WIDTH)
        self.sessions.set_theme(self.theme)
        if transcript:
            self.build_transcript()
        self.composer = ComposerPanel(root)
        self.welcome = WelcomeView(self.chat_pages)
        # The welcome page stands in for an empty transcript; the first message replaces it.
        self.chat_pages.addWidget(self.welcome)
        if self._transcript is not None:
            self.chat_pages.addWidget(self.transcript)

        self.sidebar_button = QToolButton(root)
        self.sidebar_button.setObjectName("SidebarToggle")
        self.sidebar_button.setText("☰")
        self.sidebar_button.setAccessibleName(translate("MainWindow", "Show or hide the sidebar"))
        self.sidebar_button.setToolTip(translate("MainWindow", "Show / hide the sessions (Ctrl+B)"))
        self.sidebar_button.setCheckable(True)
        self.chat_title = ElidedLabel("", root)
        self.chat_title.setObjectName("ChatTitle")
        self.branch_link = BranchLink(root)  # "Branched from …" when the session is a branch

        self.undo_button = QPushButton(translate("MainWindow", "Undo"), self.composer)
        self.undo_button.setAccessibleName(translate("MainWindow", "Undo delete"))
        self.undo_button.hide()
        self.composer.add_status_action(self.undo_button)
        self.change_key_button = QPushButton(
            translate("MainWindow", "Change API key…"), self.composer
        )
        self.change_key_button.setObjectName("ChangeKeyButton")
        self.change_key_button.setAccessibleName(translate("MainWindow", "Change API key"))
        self.change_key_button.hide()
        self.composer.add_status_widget(self.change_key_button)
        self.model_picker = build_model_picker(self.composer, self.preferences.model)
        self.composer.add_status_widget(self.model_picker)
        self.reply_extras = ReplyExtras(self)  # web search toggle, session usage, sources
        self._command_palette: CommandPalette | None = None  # made on first use (`palette`)

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(8)
        header.addWidget(self.sidebar_button)
        header.addWidget(self.chat_title, 1)
        header.addWidget(self.branch_link)
        chat_column = QVBoxLayout()
        chat_column.setContentsMargins(0, 0, 0, 0)
        chat_column.setSpacing(8)
        chat_column.addLayout(header)
        chat_column.addWidget(self.chat_pages, 1)
        chat_column.addWidget(self.composer)
        root = self.root
        layout = QHBoxLayout(root)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)
        layout.addWidget(self.sessions)
        layout.addLayout(chat_column, 1)
        self.setCentralWidget(root)
        # Tab walks the window as it reads, left to right: the sidebar, the messages (the arrow
        # keys then step through them, each read by a screen reader), the composer, its controls.
        # (A transcript built later takes its place in the chain then: build_transcript.)
        messages = [] if self._transcript is None else [self.transcript]
        tab_chain = [
            self.sidebar_button,
            self.sessions.search,
            self.sessions.list,
            self.sessions.new_button,
            self.sessions.end_button,
            self.sessions.more_button,
            *messages,
            self.composer.edit,
            self.composer.send_button,
            self.composer.stop_button,
            self.model_picker,
            self.reply_extras.web_search,
        ]
        for before, after in itertools.pairwise(tab_chain):
            QWidget.setTabOrder(before, after)

    def _wire(self) -> None:
        """What the widgets' signals do that no controller took on itself."""
        self.when_transcript(self._wire_transcript)
        self.sidebar_button.clicked.connect(self.window_state.toggle_sidebar)
        self.composer.edit.edit_last_requested.connect(self.edit_last_message)
        self.composer.edit.paste_refused.connect(self.show_status)

    def _wire_transcript(self) -> None:
        for signal in (
            self.transcript_model.modelReset,
            self.transcript_model.rowsInserted,
            self.transcript_model.rowsRemoved,
        ):
            signal.connect(self._show_welcome_if_empty)
        self.delegate.link_clicked.connect(self.open_link)
        self.transcript.typed.connect(self._type_in_composer)

    # -- the transcript, built after the first paint -------------------------------------------
    def build_transcript(self) -> None:
        """Build the transcript (view, model, bubble delegate) if it is not built yet, and run
        what was waiting for it (`when_transcript`).

        The window's first paint shows the welcome page, never a transcript (a session opens
        once the store has), so app.py has this called right after that paint: its modules and
        the Markdown code under them (~60M instructions) are then not imported before it."""
        if self._transcript is not None:
            return
        from desktop_chat.ui.transcript import build_transcript

        view, model, delegate = build_transcript(self.theme, self.chat_pages)
        self._transcript = view, model, delegate
        if delegate.font != self.transcript_font:  # Settings' font size (settings_controller)
            delegate.set_font(self.transcript_font)
        view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab stops at the messages (_lay_out)
        if self.centralWidget() is not None:  # the window is laid out: take the page's place
            self.chat_pages.addWidget(view)
            QWidget.setTabOrder(self.sessions.more_button, view)
            QWidget.setTabOrder(view, self.composer.edit)
        wiring, self._transcript_wiring = self._transcript_wiring, []
        for wire in wiring:
            wire()

    def when_transcript(self, wire: Callable[[], object]) -> None:
        """Call `wire` once the transcript is built (at once if it is): the controllers connect
        to its signals this way."""
        if self._transcript is None:
            self._transcript_wiring.append(wire)
        else:
            wire()

    def _make_conversation(self) -> None:
        from desktop_chat.ui.conversation_controller import ConversationController

        self._conversation = ConversationController(self)

    @property
    def conversation(self) -> ConversationController:
        if self._conversation is None:
            self.build_transcript()
        assert self._conversation is not None
        return self._conversation

    @property
    def transcript_built(self) -> bool:
        return self._transcript is not None

    def _transcript_parts(self) -> tuple[TranscriptView, TranscriptModel, MessageDelegate]:
        if self._transcript is None:  # used before app.py built it: build it now
            self.build_transcript()
        assert self._transcript is not None
        return self._transcript

    @property
    def transcript(self) -> TranscriptView:
        return self._transcript_parts()[0]

    @property
    def transcript_model(self) -> TranscriptModel:
        return self._transcript_parts()[1]

    @property
    def delegate(self) -> MessageDelegate:
        return self._transcript_parts()[2]

    # -- the shortcut table's actions ------------------------------------------------------
    def _action_table(self) -> dict[str, Callable[[], object]]:
        """Every action id of ui/shortcuts.py and what it does: the keys, the command palette
        and the Ctrl+/ overlay all go through this one table."""
        replies, sessions, actions = self.replies, self.sessions_ctl, self.session_actions
        settings, state, keyboard = self.settings_ctl, self.window_state, self.keyboard
        return {
            # Esc: a recording or reading aloud goes first, then the reply's own order.
            "stop_reply": lambda: self.voice.stop() or replies.stop_reply(),
            "new_session": sessions.new_session,
            "end_session": sessions.end_session,
            "focus_search": self.focus_search,
            "focus_composer": self.focus_composer,
            "next_session": sessions.next_session,
            "previous_session": sessions.previous_session,
            "regenerate": replies.regenerate,
            "previous_version": lambda: self.conversation.step_last_version(-1),
            "next_version": lambda: self.conversation.step_last_version(+1),
            "copy_last_reply": replies.copy_last_reply,
            "toggle_dictation": lambda: self.voice.toggle_dictation(from_shortcut=True),
            "rename_session": actions.rename_session,
            "delete_session": actions.delete_session,
            "open_settings": settings.open_settings,
            "zoom_in": settings.zoom_in,
            "zoom_out": settings.zoom_out,
            "show_shortcuts": keyboard.show_overlay,
            "toggle_sidebar": state.toggle_sidebar,
            "command_palette": keyboard.command_palette,
            "toggle_web_search": self.reply_extras.web_search.toggle,
            "toggle_thinking": self.reply_extras.toggle_last_thinking,
            "quit": self.quit,
        }

    @property
    def palette(self) -> CommandPalette:  # type: ignore[override]  # not QWidget.palette()
        """The command palette (Ctrl+Shift+P), built the first time it is asked for: the
        first paint does not show it."""
        if self._command_palette is None:
            from desktop_chat.ui.command_palette import CommandPalette

            self._command_palette = CommandPalette(self.theme, self)
            self._command_palette.chosen.connect(self.keyboard.palette_chosen)
        return self._command_palette

    # -- start, tasks, status ----------------------------------------------------------------
    async def start(self, list_models: bool = True) -> None:
        """Show past sessions and, with no key, ask for one. `list_models`: fill the model
        picker now (app.py waits for the user to start a message: the list needs the SDK)."""
        await self.service.load_session_prompts(take_session_prompts(self.preferences_store))
        await self.refresh_sessions()
        await self.sessions_ctl.reopen(self.window_state.last_open_session())
        if self._startup_notice:
            self.show_status(self._startup_notice)
        await self.service.llm_known()  # (a key read from the keychain after the paint)
        if not self.service.has_llm:
            self.ask_for_key()
        elif list_models:
            self.settings_ctl.load_model_list_soon()

    def _spawn(self, coroutine: Coroutine) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if task is self.reply_task:
            self.replies.reply_task_done()
        if self.sync is not None:
            self.sync.kick()  # whatever the task wrote goes out soon
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            if isinstance(error, StoreError):  # e.g. another program holds the database
                log.warning("Could not save: %s", error)
                self.show_status(
                    translate("MainWindow", "{error} Your text is kept.").format(error=error)
                )
                return
            log.error("Unexpected error: %s", type(error).__name__, exc_info=error)
            self.show_status(
                translate("MainWindow", "Something went wrong: {error}. Your text is kept.").format(
                    error=type(error).__name__
                )
            )

    async def wait_idle(self) -> None:
        """Let running tasks (a cancelled reply saving its text) finish."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def attach_sync(self, engine) -> None:
        """Supabase sync (store/sync.py): status in the sidebar, Account in Settings, and the
        session list refreshed when another device wrote."""
        from desktop_chat.ui.account import SyncStatusLabel

        self.sync = engine
        self.sync_status = SyncStatusLabel(engine, self.sessions)
        self.sessions.layout().addWidget(self.sync_status)
        engine.on_remote_changes(lambda ids: self._spawn(self.sessions_ctl.remote_changed(ids)))

    @property
    def busy(self) -> bool:
        return self.reply_task is not None and not self.reply_task.done()

    def show_status(self, text: str, announce: bool = True) -> None:
        """The status line under the composer. A notice (`announce`) is told to a screen reader
        too (ui/announce.py), and shown whole above the composer when the line cuts it; the
        progress line and a countdown (`announce=False`) change too often for either."""
        self.composer.show_status(text, whole=announce)
        if announce:
            announce_text(self, text)

    def show_notice(self, text: str) -> None:
        """A status the reply's progress line must not overwrite at once (e.g. why a key did
        nothing while a reply streams)."""
        self.show_status(text)
        self.notice_until = time.monotonic() + NOTICE_MS / 1000

    def show_progress(self, text: str) -> None:
        if time.monotonic() >= self.notice_until:
            self.show_status(text, announce=False)  # twice a second: not read out

    # -- what other modules ask of the window (app.py, tray, quick ask, controllers) ----------
    async def open_session(
        self, session_id: str, focus_event: str | None = None, to_composer: bool = True
    ) -> None:
        await self.sessions_ctl.open_session(session_id, focus_event, to_composer)

    async def refresh_sessions(self) -> None:
        await self.sessions_ctl.refresh_sessions()

    def new_session(self) -> None:
        self.sessions_ctl.new_session()

    def ask_for_key(self, reason: str | None = None) -> None:
        self.settings_ctl.ask_for_key(reason)

    # -- the chat page ------------------------------------------------------------------------
    def _show_welcome_if_empty(self) -> None:
        empty = self._transcript is None or self.transcript_model.rowCount() == 0
        if empty:
            self.refresh_welcome()
        self.chat_pages.setCurrentWidget(self.welcome if empty else self.transcript)

    def refresh_welcome(self) -> None:
        """The welcome page names the model that will answer (or asks for a key)."""
        self.welcome.set_model(self.service.model)

    def focus_composer(self) -> None:
        self.composer.edit.setFocus()

    def focus_search(self) -> None:
        if not self.sessions.isVisible():  # searching shows the sidebar, folded or not
            self.window_state.show_sidebar()
        self.sessions.search.setFocus()
        self.sessions.search.selectAll()

    def edit_last_message(self) -> None:
        if not self.busy:
            self.conversation.edit_last()

    def _type_in_composer(self, text: str) -> None:
        self.composer.edit.setFocus()
        self.composer.edit.insertPlainText(text)

    def open_link(self, url: QUrl, text: str = "") -> None:
        """Open an http(s) link, asking first when its text names another host."""
        self.link_box = open_link(url, text, self) or self.link_box

    # -- desktop: quick ask, tray ----------------------------------------------------------
    def quick_ask(self) -> None:
        """The small always-on-top window that asks one question (system-wide shortcut)."""
        from desktop_chat.ui.quick_ask import QuickAskWindow

        if self.quick_ask_window is None:
            self.quick_ask_window = QuickAskWindow(self)
        self.quick_ask_window.open_fresh()
        self.quick_ask_opened.emit()

    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            from desktop_chat.ui.single_instance import bring_forward

            bring_forward(self)

    def quit(self) -> None:
        self._quitting = True  # really quit, even when closing would keep the app in the tray
        self.close()

    # -- Qt events -------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        old = event.oldSize()
        self.window_state.resized(event.size().width(), old.width() if old.isValid() else None)

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
        self.window_state.save()
        self.settings_ctl.stop_loading()
        if self.quick_ask_window is not None:
            self.quick_ask_window.close()
        self.closing.emit()
        if self.busy:
            # The task records what arrived as interrupted when it runs its cancellation.
            self.reply_task.cancel()
        super().closeEvent(event)
