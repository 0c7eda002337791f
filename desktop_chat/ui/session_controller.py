"""Which session the window shows: the list, opening one, new, end, next/previous, search."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer

from desktop_chat import APP_NAME
from desktop_chat.i18n import translatable
from desktop_chat.llm.base import LLMError

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

# Enough to scroll back months of daily use and still refresh in ~10 ms; older sessions are
# found by search.
SESSION_LIST_LIMIT = 1_000
HIGHLIGHT_MS = 2_000
# One sentence each: a translation may need the words in another order.
STREAMING_NOTICES = {
    "switch": translatable(
        "SessionController",
        "A reply is still streaming: wait for it, or press Esc to stop it, before switching "
        "sessions.",
    ),
    "new": translatable(
        "SessionController",
        "A reply is still streaming: wait for it, or press Esc to stop it, before starting a "
        "new session.",
    ),
    "end": translatable(
        "SessionController",
        "A reply is still streaming: wait for it, or press Esc to stop it, before ending the "
        "session.",
    ),
}


def streaming_notice(what: str) -> str:
    return translate("SessionController", STREAMING_NOTICES[what])


class SessionController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.service = window.service
        self.titles: dict[str, str] = {}  # display titles of the listed sessions, by id
        panel = window.sessions
        panel.session_activated.connect(
            lambda sid, to_composer: window._spawn(self.open_session(sid, to_composer=to_composer))
        )
        panel.new_requested.connect(self.new_session)
        panel.end_requested.connect(self.end_session)
        panel.search_requested.connect(lambda text: window._spawn(self.search(text)))
        panel.hit_activated.connect(
            lambda sid, eid: window._spawn(self.open_session(sid, focus_event=eid or None))
        )
        window.branch_link.open_origin.connect(lambda: window._spawn(self.open_origin()))

    async def refresh_sessions(self) -> None:
        sessions = await self.service.list_sessions(limit=SESSION_LIST_LIMIT)
        self.window.sessions.set_sessions(sessions, self.window.current_session_id)
        self.titles = {s.session_id: s.display_title for s in sessions}
        self.show_title()

    def show_title(self) -> None:
        """'Title — Desktop Chat' in the title bar, and the title above the chat."""
        window = self.window
        title = self.titles.get(window.current_session_id or "")
        if title is None and window.current_session_id is None:
            title = translate("SessionController", "New chat")
        plain = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", title or "").split())
        # "[*]" is Qt's placeholder for a modified mark; "[*][*]" shows it literally.
        window_title = f"{plain} — {APP_NAME}" if plain else APP_NAME
        window.setWindowTitle(window_title.replace("[*]", "[*][*]"))
        window.chat_title.setText(plain or APP_NAME)

    async def open_session(
        self, session_id: str, focus_event: str | None = None, to_composer: bool = True
    ) -> None:
        """Show a session. `to_composer` moves the keyboard there (Enter on a session, the
        keyboard shortcuts); a click leaves it in the list, so Delete and F2 work next."""
        window = self.window
        if window.busy:
            if session_id != window.current_session_id:
                window.show_notice(streaming_notice("switch"))
            window.sessions.select(window.current_session_id)
            return
        window.conversation.editing_event_id = None  # an edit belongs to the session it began in
        window.current_session_id = session_id
        await window.conversation.show_branch(session_id, reaching=focus_event)
        window.sessions.select(session_id)
        self.show_title()
        window.branch_link.show_origin(await self.service.branch_origin(session_id))
        session = await self.service.session(session_id)
        ended = session is not None and session.end_time is not None
        window.show_status(
            translate(
                "SessionController",
                "This session was ended; sending continues it with its summary in mind.",
            )
            if ended
            else ""
        )
        if focus_event:
            self.show_event(focus_event)
        else:
            window.transcript.follow_bottom()
            if to_composer:
                window.composer.edit.setFocus()

    async def open_origin(self) -> None:
        """ "Branched from …": the original session, scrolled to the message it was branched
        at (whose version becomes the shown one if it was not)."""
        window = self.window
        session_id = window.current_session_id
        if session_id is None:
            return
        if window.busy:
            window.show_notice(streaming_notice("switch"))
            return
        origin = await self.service.branch_origin(session_id)
        window.branch_link.show_origin(origin)  # it may have been deleted since it was shown
        if origin is None or origin.session_id is None:
            window.show_status(
                translate(
                    "SessionController", "The session this was branched from has been deleted."
                )
            )
            return
        await self.service.open_at(origin.session_id, origin.event_id)
        await self.open_session(origin.session_id, focus_event=origin.event_id)

    async def reopen(self, session_id: str | None) -> None:
        """At start: the session open when the app last closed, if it is still there."""
        if not session_id or self.window.current_session_id is not None:
            return
        if await self.service.session(session_id) is not None:
            await self.open_session(session_id)

    def show_event(self, event_id: str) -> None:
        """Scroll to a message (a search hit) and outline it for a moment."""
        model, view = self.window.transcript_model, self.window.transcript
        row = model.reveal(event_id)
        if row < 0:
            view.follow_bottom()
            return
        item = model.items[row]
        item.highlighted = True
        index = model.index_of(item)
        view.show_row(index)
        model.dataChanged.emit(index, index)

        def fade() -> None:
            if item in model.items:
                item.highlighted = False
                model.item_changed(item)

        QTimer.singleShot(HIGHLIGHT_MS, self.window, fade)  # dropped if the window goes first

    async def search(self, text: str) -> None:
        panel = self.window.sessions
        if not text.strip():
            panel.show_results(None)
            return
        hits = await self.service.search(text)
        if panel.search.text() == text:  # a newer query may have started meanwhile
            panel.show_results(hits)

    async def remote_changed(self, session_ids: set[str]) -> None:
        """Another device wrote (sync): list it, and show the open session's new state."""
        window = self.window
        await self.refresh_sessions()
        if window.current_session_id in session_ids and not window.busy:
            await window.conversation.show_branch(window.current_session_id)
            window.transcript.follow_bottom()

    def new_session(self) -> None:
        window = self.window
        if window.busy:
            window.show_notice(streaming_notice("new"))
            return
        window.current_session_id = None  # stored when its first message is sent
        window.conversation.editing_event_id = None
        window.transcript_model.set_events([])
        window.branch_link.show_origin(None)
        window.sessions.select(None)
        self.show_title()
        window.show_status(translate("SessionController", "New session."))
        window.composer.edit.setFocus()

    def end_session(self) -> None:
        if self.window.busy:
            self.window.show_notice(streaming_notice("end"))
            return
        self.window._spawn(self._end_session())

    async def _end_session(self) -> None:
        window = self.window
        session_id = window.current_session_id
        if session_id is None:
            self.new_session()
            return
        if not self.service.has_llm:
            window.ask_for_key()
            return
        window.show_status(translate("SessionController", "Summarizing the session…"))
        try:
            event = await self.service.end_session(session_id)
        except LLMError as error:
            window.show_status(
                translate("SessionController", "Could not summarize the session: {error}").format(
                    error=error.message
                )
            )
            return
        if window.current_session_id != session_id:
            return
        if event is not None:
            from desktop_chat.ui.transcript import MessageItem

            window.transcript_model.append(MessageItem.from_event(event))
            window.transcript.follow_bottom()
        window.current_session_id = None
        window.branch_link.show_origin(None)
        window.sessions.select(None)
        await self.refresh_sessions()
        window.sessions.select(None)
        self.show_title()
        window.show_status(
            translate(
                "SessionController",
                "Session ended and summarized. Your next message starts a new session.",
            )
        )
        window.composer.edit.setFocus()

    def next_session(self) -> None:
        self._step_session(+1)

    def previous_session(self) -> None:
        self._step_session(-1)

    def _step_session(self, step: int) -> None:
        target = self.window.sessions.neighbour(self.window.current_session_id, step)
        if target:
            self.window._spawn(self.open_session(target))
