"""A long session in pages: the transcript holds the newest messages of the active branch, and
older ones are fetched from the store as the reader scrolls towards the top.

Opening reads `PAGE_ROWS` events (ChatService.active_branch with a limit), so a session of
100,000 messages opens as fast as one of 300. The model shows the newest WINDOW_ROWS of them and
keeps the rest in memory; when fewer than WINDOW_ROWS wait there, it asks (older_wanted) and the
next page is fetched in the background, before the reader gets to it, so scrolling up never
waits for the store and nothing jumps (TranscriptView.show_older keeps the rows in place).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject

from desktop_chat.core.chat import BranchItem, ChatService
from desktop_chat.ui.transcript.model import WINDOW_ROWS, TranscriptModel
from desktop_chat.ui.transcript.view import TranscriptView

# Events read per trip to the store: the window shown at once plus as many waiting above it.
PAGE_ROWS = 2 * WINDOW_ROWS


def version_marks(items: list[BranchItem]) -> dict[str, tuple[int, int]]:
    """(which, of how many) by event id, for the messages that have other versions."""
    return {i.event.event_id: (i.version, i.versions) for i in items if i.versions > 1}


def show_page(model: TranscriptModel, items: list[BranchItem]) -> None:
    """Show the newest part of a branch; the model asks for what lies above it."""
    more = bool(items) and items[0].event.parent_id is not None
    model.set_events([i.event for i in items], version_marks(items), more_in_store=more)


class OlderPages(QObject):
    """Fetches the page above the oldest message the model holds whenever it asks."""

    def __init__(
        self,
        service: Callable[[], ChatService],
        model: TranscriptModel,
        view: TranscriptView,
        session_id: Callable[[], str | None],
        spawn: Callable[[Coroutine[Any, Any, None]], Any],
    ):
        super().__init__(view)
        self._service = service
        self._model = model
        self._view = view
        self._session_id = session_id
        self._spawn = spawn
        self._asking: tuple[int, str] | None = None  # (model generation, oldest id) asked for
        model.older_wanted.connect(self._fetch)

    def _fetch(self) -> None:
        session_id, oldest = self._session_id(), self._model.oldest_event_id
        ask = (self._model.generation, oldest or "")
        if session_id is None or oldest is None or ask == self._asking:
            return
        self._asking = ask
        self._spawn(self._load(session_id, oldest, ask))

    async def _load(self, session_id: str, oldest: str, ask: tuple[int, str]) -> None:
        try:
            page = await self._service().branch_above(session_id, oldest, PAGE_ROWS)
        finally:
            if self._asking == ask:
                self._asking = None
        model = self._model
        if (model.generation, model.oldest_event_id) != ask or self._session_id() != session_id:
            return  # another session, or the same one shown again, meanwhile
        model.add_older([i.event for i in page], version_marks(page))
        if self._view.verticalScrollBar().value() < self._view.edge_margin():
            self._view.show_older()  # the reader got to the top before the page did
