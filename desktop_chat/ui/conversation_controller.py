"""The conversation tree in the window: versions, regenerate, edit (issue 12).

The chat service owns the tree (core/chat.py); this controller only asks it for the active
branch and shows that, so what the transcript shows is what the next request remembers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from desktop_chat.core.chat import DeletedMessage, MessageRejected, check_message
from desktop_chat.i18n import translatable
from desktop_chat.llm.base import ReasoningPiece
from desktop_chat.models import EventType
from desktop_chat.ui.transcript import MessageItem, Role
from desktop_chat.ui.transcript_pages import PAGE_ROWS, OlderPages, show_page

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

EDITING_STATUS = translatable(
    "ConversationController", "Editing — Esc to cancel. Enter sends it as a new version."
)

_ROLE_OF_TYPE = {
    EventType.USER_MESSAGE: Role.USER,
    EventType.AI_RESPONSE: Role.ASSISTANT,
    EventType.SUMMARY: Role.SUMMARY,
}


class ConversationController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.editing_event_id: str | None = None  # the user message the composer edits
        self._draft_before_edit = ""  # what the composer held when Edit was pressed
        window.delegate.version_step.connect(self.step_version)
        window.delegate.edit_requested.connect(self.start_edit)
        window.delegate.continue_requested.connect(self.continue_reply)
        window.transcript.branch_requested.connect(self.branch)
        window.transcript.delete_requested.connect(self.delete)
        self.deleted: DeletedMessage | None = None  # what the Undo button puts back
        self.older_pages = OlderPages(
            lambda: window.service,
            window.transcript_model,
            window.transcript,
            lambda: window.current_session_id,
            window._spawn,
        )

    @property
    def _model(self):
        return self.window.transcript_model

    # -- showing the active branch ---------------------------------------------------
    async def show_branch(self, session_id: str, reaching: str | None = None) -> None:
        """The newest messages of the active branch (down from `reaching` too, when given:
        a search hit); older ones are paged in as the reader scrolls up (OlderPages)."""
        branch = await self.window.service.active_branch(session_id, PAGE_ROWS, reaching)
        show_page(self._model, branch)

    async def sync_versions(self, session_id: str) -> None:
        """After a reply: give the rows at the bottom their event ids and "‹ n/m ›" from the
        active branch, in place (no reset: the reply just streamed stays where it is)."""
        rows = [item for item in self._model.items if item.role != Role.ERROR]
        branch = await self.window.service.active_branch(session_id, max(1, len(rows)))
        if session_id != self.window.current_session_id:
            return
        rows = [item for item in self._model.items if item.role != Role.ERROR]
        for item, entry in zip(reversed(rows), reversed(branch), strict=False):
            if item.role != _ROLE_OF_TYPE.get(entry.event.type):
                break
            versions = (entry.version, entry.versions) if entry.versions > 1 else None
            if item.event_id != entry.event.event_id or item.versions != versions:
                item.event_id = entry.event.event_id
                item.versions = versions
                self._model.item_changed(item)

    # -- switching versions ------------------------------------------------------------
    def step_version(self, event_id: str, step: int) -> None:
        session_id = self.window.current_session_id
        if session_id is None or not event_id:
            return
        if self.window.busy:
            self.window.show_notice(
                translate(
                    "ConversationController",
                    "Wait for the reply to finish, or press Esc to stop it.",
                )
            )
            return
        self.window._spawn(self._step_version(session_id, event_id, step))

    async def _step_version(self, session_id: str, event_id: str, step: int) -> None:
        branch = await self.window.service.switch_version(session_id, event_id, step, PAGE_ROWS)
        if session_id != self.window.current_session_id:
            return
        show_page(self._model, branch)
        self.window.transcript.follow_bottom()
        shown = next((i for i in branch if event_id in i.sibling_ids), None)
        if shown is not None:
            self.window.show_status(
                translate("ConversationController", "Version {number} of {count}.").format(
                    number=shown.version, count=shown.versions
                )
            )

    def step_last_version(self, step: int) -> None:
        """Alt+Left / Alt+Right: the newest message on screen that has versions."""
        item = next(
            (i for i in reversed(self._model.items) if i.versions is not None and i.event_id), None
        )
        if item is None:
            self.window.show_status(
                translate("ConversationController", "No message here has other versions.")
            )
            return
        self.step_version(item.event_id, step)

    # -- regenerate / retry --------------------------------------------------------------
    def regenerate(self) -> None:
        window = self.window
        session_id = window.current_session_id
        if window.busy or session_id is None:
            return
        if not window.service.has_llm:
            window.ask_for_key()
            return
        window.reply_task = window._spawn(self._regenerate(session_id))

    async def _regenerate(self, session_id: str) -> None:
        window = self.window
        self._model.remove_errors()
        # The reply being replaced leaves the screen now; it stays one version back.
        last_user = next(
            (
                row
                for row in range(len(self._model.items) - 1, -1, -1)
                if self._model.items[row].role == Role.USER
            ),
            None,
        )
        old_reply = self._model.take_from(last_user + 1) if last_user is not None else []
        await window.replies.stream_reply(
            lambda on_piece: window.service.retry(session_id, on_piece)
        )
        start = last_user + 1 if last_user is not None else 0
        if not any(i.role == Role.ASSISTANT for i in self._model.items[start:]):
            # Nothing new was kept (stopped before a word, or failed): the old reply is still
            # the one the next request remembers, so it comes back, above any error.
            self._model.insert_items(start, old_reply)
        await self.sync_versions(session_id)

    # -- editing a user message ----------------------------------------------------------
    def start_edit(self, event_id: str, text: str) -> None:
        window = self.window
        if window.busy:
            window.show_status(
                translate(
                    "ConversationController",
                    "Wait for the reply to finish, or press Esc to stop it.",
                )
            )
            return
        if not event_id:
            window.show_status(
                translate(
                    "ConversationController",
                    "This message is still being saved; try again in a moment.",
                )
            )
            return
        if self.editing_event_id is None:
            self._draft_before_edit = window.composer.edit.toPlainText()
        self.editing_event_id = event_id
        edit = window.composer.edit
        edit.setPlainText(text)
        edit.moveCursor(edit.textCursor().MoveOperation.End)
        edit.setFocus()
        window.show_status(translate("ConversationController", EDITING_STATUS))

    def edit_last(self) -> None:
        """Up in an empty composer: edit the last message of the branch."""
        item = next((i for i in reversed(self._model.items) if i.role == Role.USER), None)
        if item is not None:
            self.start_edit(item.event_id or "", item.text)

    def cancel_edit(self) -> bool:
        """Esc while editing: the composer gets back what it held before. False: not editing."""
        if self.editing_event_id is None:
            return False
        self.editing_event_id = None
        self.window.composer.edit.setPlainText(self._draft_before_edit)
        self._draft_before_edit = ""
        self.window.show_status(translate("ConversationController", "Edit cancelled."))
        return True

    def submit_edit(self, text: str) -> bool:
        """Enter while editing sends `text` as a new version. False: not editing."""
        event_id = self.editing_event_id
        session_id = self.window.current_session_id
        if event_id is None or session_id is None:
            return False
        try:
            check_message(text)
        except MessageRejected as rejected:
            self.window.show_notice(str(rejected))
            return True
        self.editing_event_id = None
        self._draft_before_edit = ""
        self.window.reply_task = self.window._spawn(self._edit(session_id, event_id, text))
        return True

    async def _edit(self, session_id: str, event_id: str, text: str) -> None:
        window = self.window
        self._model.remove_errors()
        row = next((r for r, i in enumerate(self._model.items) if i.event_id == event_id), None)
        if row is None:
            row = self._model.reveal(event_id)
        # The edited message and what followed it leave the screen (one version back).
        attached: list[dict] = []  # the new version keeps the old one's images and files
        if row is not None and row >= 0:
            taken = self._model.take_from(row)
            attached = taken[0].attachments if taken else []
        self._model.append(MessageItem(Role.USER, text, attachments=attached))
        window.transcript.follow_bottom()
        window.composer.edit.clear()
        await window.replies.stream_reply(
            lambda on_piece: window.service.edit(session_id, event_id, text, on_piece),
            restore_text=text,
            model=window.service.vision_switch(any(a["kind"] == "image" for a in attached)),
        )
        await self.sync_versions(session_id)

    # -- continue a stopped or cut reply -------------------------------------------------
    def continue_reply(self, event_id: str) -> None:
        window = self.window
        session_id = window.current_session_id
        if window.busy or session_id is None or not event_id:
            return
        if not window.service.has_llm:
            window.ask_for_key()
            return
        window.reply_task = window._spawn(self._continue(session_id, event_id))

    async def _continue(self, session_id: str, event_id: str) -> None:
        window = self.window
        self._model.remove_errors()
        row = next((r for r, i in enumerate(self._model.items) if i.event_id == event_id), None)
        if row is None:
            return
        old = self._model.take_from(row)[0]  # streamed again below: what it had, then the rest

        async def run(on_piece):
            if old.reasoning:  # its Thinking section stays, folded once the text comes
                on_piece(ReasoningPiece(old.reasoning))
            on_piece(old.text)  # the service passes on only the new text
            return await window.service.continue_reply(session_id, on_piece, event_id=event_id)

        await window.replies.stream_reply(run)
        await self.sync_versions(session_id)

    # -- branch, delete ------------------------------------------------------------------
    def _idle_session(self) -> str | None:
        """The open session, when nothing streams into it (else the user is told why not)."""
        session_id = self.window.current_session_id
        if session_id is not None and self.window.busy:
            self.window.show_notice(
                translate(
                    "ConversationController",
                    "Wait for the reply to finish, or press Esc to stop it.",
                )
            )
            return None
        return session_id

    def branch(self, event_id: str) -> None:
        session_id = self._idle_session()
        if session_id is not None:
            self.window._spawn(self._branch(session_id, event_id))

    async def _branch(self, session_id: str, event_id: str) -> None:
        session = await self.window.service.branch_session(session_id, event_id)
        await self.window.refresh_sessions()
        await self.window.open_session(session.session_id)
        self.window.show_status(
            translate("ConversationController", "Branched into “{title}”.").format(
                title=session.display_title
            )
        )

    def delete(self, event_id: str) -> None:
        session_id = self._idle_session()
        if session_id is not None:
            self.window._spawn(self._delete(session_id, event_id))

    async def _delete(self, session_id: str, event_id: str) -> None:
        self.deleted = await self.window.service.delete_message(session_id, event_id)
        await self.show_branch(session_id)
        self.window.session_actions.offer_undo(
            translate("ConversationController", "Deleted the message and what followed it.")
        )

    def undo_delete(self) -> bool:
        """Undo: put the deleted message back. False when no message was deleted."""
        deleted, self.deleted = self.deleted, None
        if deleted is None:
            return False
        self.window._spawn(self._undo_delete(deleted))
        return True

    async def _undo_delete(self, deleted: DeletedMessage) -> None:
        branch = await self.window.service.undo_delete(deleted, PAGE_ROWS)
        if self.window.current_session_id == deleted.session_id:
            show_page(self._model, branch)
            self.window.transcript.follow_bottom()
        self.window.show_status(translate("ConversationController", "Message restored."))

    # -- import --------------------------------------------------------------------------
    async def import_file(self, path: Path) -> None:
        window = self.window
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            why = (
                error.strerror
                if isinstance(error, OSError)
                else translate("ConversationController", "it is not UTF-8 text")
            )
            window.show_status(
                translate("ConversationController", "Could not read {name}: {reason}.").format(
                    name=path.name, reason=why
                )
            )
            return
        try:
            report = await window.service.import_text(text)
        except ValueError as refused:  # ImportRefused: what the file is not, in plain words
            window.show_status(str(refused))
            return
        await window.refresh_sessions()
        if report.session_ids and not window.busy:
            await window.open_session(report.session_ids[0])
        window.show_status(report.text)
