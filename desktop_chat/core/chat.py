"""The chat flows: store the message, build the prompt, stream the reply while persisting it.

A session is a tree (docs/architecture.md): every event names the one it follows (`parent_id`)
and the session names the leaf its transcript ends at (`active_leaf`). The service owns every
flow that grows or walks the tree, so the window only renders what `active_branch` returns:

* send: the new message follows the active leaf.
* regenerate / retry: a new reply beside the last one (same parent: the user message), which
  replaces it on the active branch once its first piece has arrived and been stored.
* edit: a new user message beside the edited one, then a reply to it; the old branch stays.
* continue: a stopped or cut reply is sent back as the assistant's message and the model's
  continuation is appended to it.
* switch version: the active leaf moves to the newest leaf under the chosen sibling.
* branch: the path up to an event is copied into a new session that links back to it.
* delete / undo: a tombstone in the event's payload hides it and what follows it.
Nothing is rewritten but payloads and the session's leaf, so replicas still merge by id.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_chat.core.attachments import (
    VISION_MODEL,
    Attachment,
    can_see,
    choose_images,
    data_url,
    fit_files,
    image_ids,
    vision_model_for,
)
from desktop_chat.core.export import export_json, export_markdown
from desktop_chat.core.importers import parse_import
from desktop_chat.core.memory import (
    DEFAULT_SYSTEM_PROMPT,
    build_prompt,
    history_before,
)
from desktop_chat.core.prices import reply_cost
from desktop_chat.i18n import number, translatable, translate
from desktop_chat.llm.base import (
    ChatMessage,
    LLMClient,
    LLMError,
    LLMErrorKind,
    ReasoningPiece,
    StreamResult,
    SupportsRequestOptions,
    searches_with,
)
from desktop_chat.models import (
    Event,
    EventType,
    ListedSession,
    SearchHit,
    Session,
    clean_title,
    title_from_message,
    utc_now,
)
from desktop_chat.store.base import Store

# A reply in progress is written with this mark, so a crash leaves it flagged, not silently cut.
# Stored with the reply in English (it syncs to devices in other languages); worded on display.
INCOMPLETE_ERROR = translatable("ChatService", "The app closed before this reply finished.")
STOPPED_ERROR = translatable("ChatService", "Stopped.")
# Groq's models read ~131k tokens; a message far past that would only be rejected by the server.
MAX_MESSAGE_CHARS = 400_000

SUMMARY_INSTRUCTIONS = (
    "Summarize the conversation below in 2-5 sentences for the user's own records: the topics, "
    "the facts the user shared, and any decisions or open questions. Write plain prose."
)


class MessageRejected(ValueError):
    """A message the app will not send, with the reason in plain words."""


@dataclass
class ReplyOutcome:
    user_event: Event
    reply_event: Event | None
    error: LLMError | None = None
    first_in_session: bool = False
    # What the stream reported beside the text (rate limits, sources), for the window
    result: StreamResult | None = None
    # The model the reply was asked of, when it was not the chosen one: a message with
    # images went to the vision model because the chosen model cannot see.
    switched_to: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BranchItem:
    """One event of the active branch, with its place among its versions (for "‹ n/m ›")."""

    event: Event
    version: int  # 1-based position among its siblings, oldest first
    versions: int  # how many siblings (itself included; deleted ones not)
    sibling_ids: list[str] = field(default_factory=list)  # oldest first, itself included


@dataclass
class ImportReport:
    sessions_added: int = 0
    events_added: int = 0
    session_ids: list[str] = field(default_factory=list)  # every session in the file

    @property
    def text(self) -> str:
        if not self.sessions_added and not self.events_added:
            return translate(
                "ChatService", "Nothing new to import: every message in the file is here already."
            )
        sessions = translate("ChatService", "Imported %n sessions", None, self.sessions_added)
        messages = translate("ChatService", "(%n messages).", None, self.events_added)
        return f"{sessions} {messages}"


@dataclass(frozen=True)
class BranchOrigin:
    """Where a branched session came from. `session_id` and `title` are None when the
    original session or the message it was branched at has been deleted."""

    session_id: str | None
    event_id: str
    title: str | None


@dataclass
class DeletedMessage:
    """What `delete_message` changed, so `undo_delete` can put it back."""

    session_id: str
    event_id: str
    previous_leaf: str | None
    deleted_ids: list[str] = field(default_factory=list)  # it and what followed it


TITLE_INSTRUCTIONS = (
    "Write a title of 2 to 6 words for the conversation below. Reply with the title only: "
    "no quotes, no final period."
)


@dataclass
class ChatSettings:
    memory_turns: int = 10
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    persist_interval: float = 1.0  # seconds of streamed text a crash may lose, at most
    auto_title: bool = True  # ask the model for a title after the first reply
    # Per-session system prompts, replacing the global one for that session.
    session_prompts: dict[str, str] = field(default_factory=dict[str, Any])
    model: str | None = None  # the user's choice; None keeps the client's own
    temperature: float | None = None
    # Where a message with images goes when the chosen model cannot see (GROQ_VISION_MODEL),
    # and the live model list when known (a vision model missing from it is replaced).
    vision_model: str = VISION_MODEL
    available_models: list[str] = field(default_factory=list)
    # Groq's per-request extras (Settings -> Model, and the composer's Web toggle); a client
    # given later (a new key) gets them too.
    reasoning_effort: str | None = None
    search_model: str | None = None  # None keeps the client's default
    web_search: bool = False


class ChatService:
    def __init__(self, store: Store, llm: LLMClient | None, settings: ChatSettings | None = None):
        self.store = store
        self.llm = llm
        self.settings = settings or ChatSettings()
        self._llm_coming: asyncio.Event | None = None  # set when it comes: see expect_llm

    # -- sessions --------------------------------------------------------------
    async def new_session(self) -> Session:
        session = Session()
        await self.store.create_session(session)
        return session

    async def end_session(self, session_id: str) -> Event | None:
        """Summarize the session, store the summary, and mark it ended. Raises LLMError."""
        events = [item.event for item in await self.active_branch(session_id)]
        transcript = [e for e in events if e.type != EventType.SUMMARY and e.text]
        if not transcript:
            await self.store.update_session(session_id, end_time=utc_now())
            return None
        lines = [
            f"{'User' if e.type == EventType.USER_MESSAGE else 'Assistant'}: {e.text}"
            for e in transcript
        ]
        text = "\n\n".join(lines)[-200_000:]
        summary = await (await self._require_llm()).complete(
            [ChatMessage("system", SUMMARY_INSTRUCTIONS), ChatMessage("user", text)]
        )
        summary = summary.strip()
        event = Event(
            session_id, EventType.SUMMARY, {"text": summary}, parent_id=events[-1].event_id
        )
        await self.store.add_event(event, activate=True)
        await self.store.update_session(session_id, summary=summary, end_time=utc_now())
        return event

    # -- messages --------------------------------------------------------------
    async def send(
        self,
        session_id: str,
        text: str,
        on_piece: Callable[[str], None],
        attachments: Sequence[Attachment] = (),
    ) -> ReplyOutcome:
        """Store `text` (and its attached images and files) as the user's message, then
        stream the reply into `on_piece`. An image's bytes are stored once, apart from the
        event (core/attachments.py); the event's payload names them."""
        check_message(text, allow_empty=bool(attachments))
        await self._require_llm()
        payload: dict[str, Any] = {"text": text}
        if attachments:
            fit_files(attachments)  # the window has cut them already; this only makes sure
            for attachment in attachments:
                if attachment.is_image:
                    await self.store.add_attachment(
                        session_id, attachment.attachment_id, attachment.mime, attachment.data
                    )
            payload["attachments"] = [a.payload() for a in attachments]
        user_event = Event(
            session_id,
            EventType.USER_MESSAGE,
            payload,
            parent_id=await self.active_leaf(session_id),
        )
        await self.store.add_event(user_event, activate=True)  # stored before anything is sent
        session = await self.store.get_session(session_id)
        first = session is not None and not session.title
        if first:
            title = text if text.strip() else attachments[0].name
            await self.store.update_session(session_id, title=title_from_message(title))
        outcome = await self._reply(session_id, user_event, on_piece)
        outcome.first_in_session = first
        return outcome

    async def regenerate(self, session_id: str, on_piece: Callable[[str], None]) -> ReplyOutcome:
        """A new version of the active branch's last reply: a sibling of it (a reply to the
        same user message) that replaces it on the branch from its first stored piece on.
        After an error or a stop this is Retry: the stopped reply becomes an older version,
        not a message left above the new one. With no reply yet, the last message is answered."""
        await self._require_llm()
        branch = [item.event for item in await self.active_branch(session_id)]
        last_user = next((e for e in reversed(branch) if e.type == EventType.USER_MESSAGE), None)
        if last_user is None:
            raise MessageRejected(translate("ChatService", "There is no message to answer yet."))
        return await self._reply(session_id, last_user, on_piece)

    async def retry(self, session_id: str, on_piece: Callable[[str], None]) -> ReplyOutcome:
        """Answer the last user message again (after an error, or to regenerate)."""
        return await self.regenerate(session_id, on_piece)

    async def edit(
        self, session_id: str, event_id: str, text: str, on_piece: Callable[[str], None]
    ) -> ReplyOutcome:
        """Send `text` as a new version of the user message `event_id` (a sibling of it) and
        stream the reply to it. The old message and what followed it stay, one version back."""
        check_message(text)
        await self._require_llm()
        original = await self._event_of(session_id, event_id)
        if original.type != EventType.USER_MESSAGE:
            raise MessageRejected(translate("ChatService", "Only your own messages can be edited."))
        payload: dict[str, Any] = {"text": text}
        if original.payload.get("attachments"):  # the new version keeps what was attached
            payload["attachments"] = original.payload["attachments"]
        user_event = Event(
            session_id, EventType.USER_MESSAGE, payload, parent_id=original.parent_id
        )
        await self.store.add_event(user_event, activate=True)
        return await self._reply(session_id, user_event, on_piece)

    async def continue_reply(
        self, session_id: str, on_piece: Callable[[str], None], event_id: str | None = None
    ) -> ReplyOutcome:
        """Let the model pick up a stopped or cut reply where it ended: the reply so far is
        sent as the assistant's message, and what the model adds is appended to the same
        event (`on_piece` gets only the new text). `event_id` defaults to the active branch's
        last reply."""
        await self._require_llm()
        if event_id is None:
            branch = [item.event for item in await self.active_branch(session_id)]
            reply = next((e for e in reversed(branch) if e.type == EventType.AI_RESPONSE), None)
            if reply is None:
                raise MessageRejected(translate("ChatService", "There is no reply to continue."))
        else:
            reply = await self._event_of(session_id, event_id)
            if reply.type != EventType.AI_RESPONSE:
                raise MessageRejected(translate("ChatService", "Only a reply can be continued."))
        # The message it answers: its parent, or (in a session upgraded from the flat layout,
        # where a retried reply follows the failed one) the nearest user message above it.
        above = await self.store.branch_path(reply.event_id, max_user_messages=1)
        user_event = next((e for e in above if e.type == EventType.USER_MESSAGE), None)
        if user_event is None:
            raise MessageRejected(
                translate(
                    "ChatService", "This reply answers no message, so it cannot be continued."
                )
            )
        return await self._reply(session_id, user_event, on_piece, continuing=reply)

    # -- the tree ----------------------------------------------------------------
    async def active_leaf(self, session_id: str) -> str | None:
        """The event the session's transcript ends at (None for an empty session)."""
        session = await self.store.get_session(session_id)
        if session is not None and session.active_leaf:
            return session.active_leaf
        # A session written before trees, or synced from an older app: its newest event.
        return await self.store.newest_event_id(session_id)

    async def active_branch(
        self, session_id: str, limit: int | None = None, reaching: str | None = None
    ) -> list[BranchItem]:
        """What the transcript shows (and the next request remembers): the path from the
        root to the active leaf, oldest first, each event with its versions.

        With `limit`, only the newest `limit` events of it (more when needed to reach the event
        `reaching`, e.g. a search hit): opening a session of 100,000 messages reads what the
        window shows, not the session. Whether older ones wait above: the first item's
        `event.parent_id` is not None; `branch_above` pages them in."""
        leaf = await self.active_leaf(session_id)
        if leaf is None:
            return []
        if limit is None:
            return await self._with_versions(
                session_id, _live_path(await self.store.branch_path(leaf))
            )
        tail = await self.store.branch_tail(leaf, limit)
        while reaching is not None and tail and tail[0].parent_id is not None:
            if any(e.event_id == reaching for e in tail):
                break
            tail = await self.store.branch_tail(tail[0].parent_id, limit) + tail
        if any(e.deleted for e in tail):
            # Deleted on another device while shown here: the branch stops above the deleted
            # message, which may lie above this tail. Rare, so the whole path decides.
            return (await self.active_branch(session_id))[-len(tail) :]
        return await self._with_versions(session_id, tail)

    async def branch_above(self, session_id: str, event_id: str, limit: int) -> list[BranchItem]:
        """The up to `limit` events of the branch above the event `event_id` (the oldest one
        shown), oldest first, with their versions: the next older page of the transcript. Empty
        when nothing is above, or a deleted message is (the branch is cut there)."""
        event = await self._event_of(session_id, event_id)
        if event.parent_id is None:
            return []
        page = await self.store.branch_tail(event.parent_id, limit)
        cut = max((i + 1 for i, e in enumerate(page) if e.deleted), default=0)
        return await self._with_versions(session_id, page[cut:])

    async def _with_versions(self, session_id: str, path: list[Event]) -> list[BranchItem]:
        """`path` with each event's place among its versions: one indexed query for them all."""
        versions = await self.store.versions(session_id, [e.parent_id for e in path])
        items: list[BranchItem] = []
        for event in path:
            siblings = list(versions.get(event.parent_id, []))
            if event.event_id not in siblings:
                siblings.append(event.event_id)
            items.append(
                BranchItem(event, siblings.index(event.event_id) + 1, len(siblings), siblings)
            )
        return items

    async def switch_version(
        self, session_id: str, event_id: str, step: int, limit: int | None = None
    ) -> list[BranchItem]:
        """Show the version `step` places after (negative: before) `event_id` among its
        siblings, and return the new active branch (its newest `limit` events, as
        active_branch). Past either end nothing changes."""
        event = await self._event_of(session_id, event_id)
        siblings = [
            e.event_id
            for e in await self.store.children(session_id, event.parent_id)
            if not e.deleted
        ]
        index = siblings.index(event_id) + step if event_id in siblings else -1
        if 0 <= index < len(siblings):
            return await self.select_version(session_id, siblings[index], limit)
        return await self.active_branch(session_id, limit)

    async def select_version(
        self, session_id: str, event_id: str, limit: int | None = None
    ) -> list[BranchItem]:
        """Make `event_id`'s version the shown one: the active leaf moves to the newest leaf
        under it. Returns the new active branch (its newest `limit` events)."""
        await self._event_of(session_id, event_id)
        leaf = await self.store.newest_leaf(event_id)
        await self.store.update_session(session_id, active_leaf=leaf)
        return await self.active_branch(session_id, limit)

    async def branch_session(self, session_id: str, event_id: str) -> Session:
        """A new session holding a copy of the path from the root to `event_id` (new ids,
        same texts and times), ending there; its `branched_from` names `event_id`."""
        await self._event_of(session_id, event_id)
        source = await self.store.get_session(session_id)
        path = [e for e in await self.store.branch_path(event_id) if not e.deleted]
        title = clean_title(f"{source.display_title} (branch)") if source else None
        session = Session(
            title=title,
            system_prompt=source.system_prompt if source else None,
            branched_from=event_id,
        )
        await self.store.create_session(session)
        parent: str | None = None
        for event in path:
            copy = Event(
                session.session_id,
                event.type,
                dict(event.payload),
                timestamp=event.timestamp,
                parent_id=parent,
            )
            await self.store.add_event(copy, activate=True)
            parent = copy.event_id
        return await self.store.get_session(session.session_id) or session

    async def branch_origin(self, session_id: str) -> BranchOrigin | None:
        """Where a branched session came from (None if it was not branched): the original
        session and the message it was branched at, or `title` None when either is gone."""
        session = await self.store.get_session(session_id)
        if session is None or not session.branched_from:
            return None
        event = await self.store.event(session.branched_from)
        source = await self.session(event.session_id) if event is not None else None
        if event is None or source is None or event.deleted:
            return BranchOrigin(None, session.branched_from, None)
        return BranchOrigin(source.session_id, event.event_id, source.display_title)

    async def open_at(self, session_id: str, event_id: str) -> list[BranchItem]:
        """The active branch with `event_id` on it: the shown version moves to it only when
        it is not shown already."""
        branch = await self.active_branch(session_id)
        if any(item.event.event_id == event_id for item in branch):
            return branch
        return await self.select_version(session_id, event_id)

    async def delete_message(self, session_id: str, event_id: str) -> DeletedMessage:
        """Delete a message and the versions under it (a tombstone, so it syncs and
        `undo_delete` brings it back). When it was on the active branch, the branch moves to
        its nearest remaining sibling (the one before it, else after), else to its parent."""
        event = await self._event_of(session_id, event_id)
        previous_leaf = await self.active_leaf(session_id)
        on_branch = previous_leaf is not None and any(
            e.event_id == event_id for e in await self.store.branch_path(previous_leaf)
        )
        # Every event under it gets the tombstone too, so search, export and other devices
        # leave them out without walking the tree; undo lifts exactly these.
        stamp = utc_now().isoformat()
        deleted_ids = []
        for gone in await self.store.subtree(event_id):
            if not gone.deleted:
                await self.store.update_event_payload(
                    gone.event_id, {**gone.payload, "deleted_at": stamp}
                )
                deleted_ids.append(gone.event_id)
        if on_branch:
            siblings = [
                e.event_id
                for e in await self.store.children(session_id, event.parent_id)
                if not e.deleted
            ]
            place = siblings.index(event_id) if event_id in siblings else 0
            others = siblings[:place][-1:] + [s for s in siblings[place:] if s != event_id][:1]
            nearest = others[0] if others else None
            leaf = await self.store.newest_leaf(nearest) if nearest else event.parent_id
            await self.store.update_session(session_id, active_leaf=leaf)
        return DeletedMessage(session_id, event_id, previous_leaf, deleted_ids)

    async def undo_delete(
        self, deleted: DeletedMessage, limit: int | None = None
    ) -> list[BranchItem]:
        """Put back what `delete_message` took away; returns the active branch (its newest
        `limit` events)."""
        for event_id in deleted.deleted_ids or [deleted.event_id]:
            event = await self._event_of(deleted.session_id, event_id)
            payload = {k: v for k, v in event.payload.items() if k != "deleted_at"}
            await self.store.update_event_payload(event_id, payload)
        await self.store.update_session(deleted.session_id, active_leaf=deleted.previous_leaf)
        return await self.active_branch(deleted.session_id, limit)

    async def attached_image(self, attachment_id: str) -> tuple[str, bytes] | None:
        """(mime, bytes) of an attached image, for the large view; None when it is not on
        this device (synced from another one, its bytes not pulled yet)."""
        return (await self.store.attachment_data([attachment_id])).get(attachment_id)

    # -- export ------------------------------------------------------------------
    async def export_text(self, session_id: str, kind: str) -> str:
        """The session as `kind` "json" (the whole tree, every version, re-importable) or
        "md" (the active branch: what the transcript shows)."""
        session = await self.store.get_session(session_id)
        if session is None:
            raise MessageRejected(translate("ChatService", "That session is no longer here."))
        if kind == "json":
            events = live_events(await self.store.events(session_id))
            if session.active_leaf not in {e.event_id for e in events}:
                session.active_leaf = events[-1].event_id if events else None
            return export_json(session, events)
        branch = [item.event for item in await self.active_branch(session_id)]
        return export_markdown(session, branch)

    async def import_text(self, text: str) -> ImportReport:
        """Import a Desktop Chat JSON export, or a ChatGPT or Claude `conversations.json`,
        with every branch, title and time. Importing the same file again adds nothing: ids
        come from the source's ids. Raises ImportRefused (a ValueError) with plain words."""
        report = ImportReport()
        for session, events in parse_import(text):
            new_session, added = await self.store.add_imported(session, events)
            report.sessions_added += new_session
            report.events_added += added
            report.session_ids.append(session.session_id)
        return report

    # -- per-session system prompt -----------------------------------------------
    async def set_session_prompt(self, session_id: str, prompt: str | None) -> None:
        """The session's own system prompt (None or blank: the global one again). Stored with
        the session, so it holds after a restart and follows the session to other devices."""
        prompt = prompt if prompt and prompt.strip() else None
        if prompt is None:
            self.settings.session_prompts.pop(session_id, None)
        else:
            self.settings.session_prompts[session_id] = prompt
        await self.store.update_session(session_id, system_prompt=prompt)

    async def load_session_prompts(self, legacy: dict[str, str] | None = None) -> None:
        """Fill `settings.session_prompts` from the store (what Settings shows). `legacy`:
        prompts an older version kept in the preferences file, moved into the store unless
        the session has its own already."""
        for session_id, prompt in (legacy or {}).items():
            session = await self.store.get_session(session_id)
            if session is not None and not session.system_prompt and prompt:
                await self.store.update_session(session_id, system_prompt=prompt)
        self.settings.session_prompts.update(await self.store.session_prompts())

    # -- the session list and the client, as the window asks for them ------------------
    # The window never reaches into the store or the LLM client: these are its way in.
    async def list_sessions(self, limit: int) -> list[ListedSession]:
        return await self.store.list_sessions(limit=limit)

    async def session(self, session_id: str) -> Session | None:
        """The session, or None when it is gone or deleted."""
        session = await self.store.get_session(session_id)
        return None if session is None or session.deleted_at is not None else session

    async def search(self, text: str) -> list[SearchHit]:
        return await self.store.search(text)

    async def rename_session(self, session_id: str, title: str) -> str:
        """Returns the title as stored; raises MessageRejected when nothing printable is left."""
        title = clean_title(title)
        if not title:
            raise MessageRejected(
                translate("ChatService", "A session needs a name; kept the old one.")
            )
        await self.store.update_session(session_id, title=title)
        return title

    async def delete_session(self, session_id: str) -> None:
        # A tombstone, not a DELETE: undo and sync both need the row.
        await self.store.update_session(session_id, deleted_at=utc_now())

    async def restore_session(self, session_id: str) -> None:
        await self.store.update_session(session_id, deleted_at=None)

    @property
    def has_llm(self) -> bool:
        """A client answers, or one is on its way (expect_llm)."""
        return self.llm is not None or self._llm_coming is not None

    @property
    def model(self) -> str | None:
        """The model the next reply comes from; None without a client (no key yet)."""
        if self.llm is not None:
            return self.llm.model
        return self.settings.model if self._llm_coming is not None else None

    def expect_llm(self) -> None:
        """A client is on its way (app.py reads the key from the keychain after the first
        paint): until llm_came, has_llm holds and what needs the client waits for it."""
        self._llm_coming = asyncio.Event()

    def llm_came(self, llm: LLMClient | None) -> None:
        """The client expect_llm waited for (None: there is none); a client given meanwhile
        (a key typed) stays."""
        coming, self._llm_coming = self._llm_coming, None
        if llm is not None and self.llm is None:
            self.use_llm(llm)
        if coming is not None:
            coming.set()

    async def llm_known(self) -> None:
        """Once the client on its way (expect_llm), if any, has come or not."""
        if self._llm_coming is not None:
            await self._llm_coming.wait()

    def use_llm(self, llm: LLMClient) -> LLMClient | None:
        """Answer with `llm` from now on (a new key), keeping the chosen model and temperature.
        Returns the client it replaces, for the caller to close."""
        previous, self.llm = self.llm, llm
        self.apply_choices(self.settings.model, self.settings.temperature)
        self._push_request_options()
        return previous

    def apply_request_options(
        self, reasoning_effort: str | None, search_model: str | None, web_search: bool
    ) -> None:
        """Reasoning effort, the web-search model and the Web toggle, for this client and any
        later one."""
        settings = self.settings
        settings.reasoning_effort, settings.search_model = reasoning_effort, search_model
        settings.web_search = web_search
        self._push_request_options()

    def _push_request_options(self) -> None:
        llm: object = self.llm  # any client; only some take these options
        settings = self.settings
        if isinstance(llm, SupportsRequestOptions):
            llm.reasoning_effort = settings.reasoning_effort
            if settings.search_model:
                llm.search_model = settings.search_model
            llm.web_search = settings.web_search

    def apply_choices(self, model: str | None, temperature: float | None) -> None:
        """The user's model and temperature, for this client and any later one."""
        self.settings.model, self.settings.temperature = model, temperature
        if self.llm is not None:
            if model:
                self.llm.model = model
            if temperature is not None:
                self.llm.temperature = temperature

    async def list_models(self) -> list[str]:
        """Groq's live model list. Raises LLMError (also when there is no key yet)."""
        return await (await self._require_llm()).models()

    async def _event_of(self, session_id: str, event_id: str) -> Event:
        event = await self.store.event(event_id)
        if event is None or event.session_id != session_id:
            raise MessageRejected(
                translate("ChatService", "That message is no longer in this session.")
            )
        return event

    async def _prompt_for(self, session_id: str, user_event: Event) -> list[ChatMessage]:
        turns = self.settings.memory_turns
        history = await history_before(self.store, user_event, turns)
        session = await self.store.get_session(session_id)
        system_prompt = (
            (session.system_prompt if session else None)
            or self.settings.session_prompts.get(session_id)
            or self.settings.system_prompt
        )
        return build_prompt(
            history,
            user_event.text,
            turns=turns,
            system_prompt=system_prompt,
            summary=session.summary if session else None,
            new_payload=user_event.payload,
            images=await self._images_for([*history, user_event]),
        )

    async def _images_for(self, events: Sequence[Event]) -> dict[str, str]:
        """Data URLs of the images the request re-sends: the newest first, within Groq's
        limits per request (`choose_images`); the rest are named in their message's text."""
        newest_first = [i for e in reversed(events) for i in image_ids(e.payload)]
        if not newest_first:
            return {}
        chosen = choose_images(newest_first, await self.store.attachment_sizes(newest_first))
        stored = await self.store.attachment_data(list(chosen))
        return {i: data_url(mime, data) for i, (mime, data) in stored.items()}

    def model_for(self, messages: Sequence[ChatMessage]) -> str | None:
        """The model a request goes to when it is not the chosen one: a request with images
        goes to the vision model unless the chosen model can see."""
        return self.vision_switch(any(m.images for m in messages))

    def vision_switch(self, with_images: bool) -> str | None:
        """The vision model a message goes to when it carries images and the chosen model
        cannot see them (the window says so before it is sent); else None."""
        model = self.model
        if not with_images or model is None or can_see(model):
            return None
        return vision_model_for(self.settings.vision_model, self.settings.available_models)

    def searches_web(self, with_images: bool) -> bool:
        """Whether the next message searches the web (not with images: the window says so)."""
        return searches_with(self.settings.web_search, with_images)

    def known_models(self, models: list[str]) -> None:
        """Groq's live model list: a vision model missing from it is not asked for."""
        self.settings.available_models = list(models)

    async def _reply(
        self,
        session_id: str,
        user_event: Event,
        on_piece: Callable[[str], None],
        continuing: Event | None = None,
    ) -> ReplyOutcome:
        llm = await self._require_llm()
        messages = await self._prompt_for(session_id, user_event)
        switched_to = self.model_for(messages)
        model = switched_to or llm.model
        if continuing is not None:
            # Prefill: the reply so far as the assistant's turn; the model goes on from it.
            messages.append(ChatMessage("assistant", continuing.text))
            reply = continuing
        else:
            reply = Event(session_id, EventType.AI_RESPONSE, {}, parent_id=user_event.event_id)
        parts: list[str] = [continuing.text] if continuing is not None and continuing.text else []
        # The model's thinking: kept in the payload apart from the text, never sent back.
        thinking: list[str] = [continuing.payload.get("reasoning") or ""] if continuing else []
        stored = continuing is not None
        already = saved_pieces = len(parts) + len(thinking)  # what the stored row holds
        result = StreamResult()
        save_lock = asyncio.Lock()  # the timer and the stream never write the row at once

        async def save(payload: dict[str, Any]) -> None:
            nonlocal stored, saved_pieces
            async with save_lock:
                pieces = len(parts) + len(thinking)
                reply.payload = payload
                if stored:
                    await self.store.update_event_payload(reply.event_id, payload)
                else:
                    await self.store.add_event(reply, activate=True)
                    stored = True
                saved_pieces = pieces

        base = dict(continuing.payload) if continuing is not None else {}
        for key in ("interrupted", "error"):
            base.pop(key, None)

        def outcome_parts() -> dict[str, Any]:
            extra: dict[str, Any] = {}
            if "".join(thinking):
                extra["reasoning"] = "".join(thinking)
            if result.sources:
                extra["sources"] = result.sources
            return extra

        def partial(error: str) -> dict[str, Any]:
            return {
                **base,
                "text": "".join(parts),
                "model": result.model or model,
                **outcome_parts(),
                "interrupted": True,
                "error": error,
            }

        async def save_on_a_timer() -> None:
            # A piece saves nothing by itself after the first: this timer writes what arrived,
            # so a stall (no new piece for seconds) or a crash loses at most one interval.
            while True:
                await asyncio.sleep(self.settings.persist_interval)
                if len(parts) + len(thinking) != saved_pieces:
                    await save(partial(INCOMPLETE_ERROR))

        saver: asyncio.Task[None] | None = None
        try:
            try:
                stream = (
                    llm.stream(messages, result, model=switched_to)
                    if switched_to
                    else llm.stream(messages, result)
                )
                async with contextlib.aclosing(stream) as pieces:
                    async for piece in pieces:
                        (thinking if isinstance(piece, ReasoningPiece) else parts).append(piece)
                        on_piece(piece)
                        if saver is None:  # the reply's row exists from its first piece on
                            await save(partial(INCOMPLETE_ERROR))
                            saver = asyncio.ensure_future(save_on_a_timer())
            finally:
                await _stop(saver)  # before the last save, so it never writes after it
        except LLMError as error:
            if len(parts) + len(thinking) > already:
                await save(partial(error.message))
            return ReplyOutcome(
                user_event,
                reply if stored else None,
                error,
                result=result,
                switched_to=switched_to,
            )
        except asyncio.CancelledError:
            if len(parts) + len(thinking) > already:
                await save(partial(STOPPED_ERROR))
            raise
        model = result.model or model
        payload = {**base, "text": "".join(parts), "model": model, **outcome_parts()}
        if result.usage:
            payload["usage"] = result.usage
            payload["cost"] = reply_cost(model, result.usage)  # None: unknown, shown so
        await save(payload)
        return ReplyOutcome(user_event, reply, result=result, switched_to=switched_to)

    async def auto_title(self, outcome: ReplyOutcome) -> str | None:
        """After a session's first reply, ask the model for a short title.

        The first words of the first message stay the title when the model cannot be asked or
        answers with nothing usable. Returns the new title, or None when nothing changed.
        """
        if (
            not self.settings.auto_title
            or self.llm is None
            or not outcome.ok
            or not outcome.first_in_session
            or outcome.reply_event is None
        ):
            return None
        session_id = outcome.user_event.session_id
        exchange = (
            f"User: {outcome.user_event.text[:2000]}\n\n"
            f"Assistant: {outcome.reply_event.text[:2000]}"
        )
        try:
            title = await self.llm.complete(
                [ChatMessage("system", TITLE_INSTRUCTIONS), ChatMessage("user", exchange)],
                max_tokens=24,
            )
        except LLMError:
            return None
        title = clean_title(title.strip().strip("\"'“”*#"), max_chars=80)
        if not title:
            return None
        await self.store.update_session(session_id, title=title)
        return title

    async def _require_llm(self) -> LLMClient:
        await self.llm_known()
        if self.llm is None:
            raise LLMError(
                LLMErrorKind.AUTH,
                translate("ChatService", "Add your Groq API key to start chatting."),
            )
        return self.llm


async def _stop(task: asyncio.Task[None] | None) -> None:
    """Cancel the timed saver and wait for it, so it never writes after the final save."""
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _live_path(path: list[Event]) -> list[Event]:
    """A branch, root first, down to its first deleted event (deleted on another device while
    shown here: it stops above it)."""
    shown = next((i for i, e in enumerate(path) if e.deleted), len(path))
    return path[:shown]


def live_events(events: list[Event]) -> list[Event]:
    """`events` without the deleted ones and what follows them, in the order given."""
    children: dict[str, list[str]] = {}
    for event in events:
        if event.parent_id is not None:
            children.setdefault(event.parent_id, []).append(event.event_id)
    gone: set[str] = set()
    waiting = [e.event_id for e in events if e.deleted]
    while waiting:
        event_id = waiting.pop()
        if event_id not in gone:
            gone.add(event_id)
            waiting += children.get(event_id, [])
    return [e for e in events if e.event_id not in gone]


def check_message(text: str, allow_empty: bool = False) -> None:
    """Raise MessageRejected when `text` cannot be sent (`allow_empty`: it carries
    attachments, so it may have no words of its own)."""
    if not text.strip() and not allow_empty:
        raise MessageRejected(translate("ChatService", "Type a message first."))
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageRejected(
            translate(
                "ChatService",
                "This message is {length} characters long; the model reads at most about "
                "{limit}. Shorten it or send it in parts.",
            ).format(length=number(len(text)), limit=number(MAX_MESSAGE_CHARS))
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate: it cannot be stored or sent
        raise MessageRejected(
            translate(
                "ChatService",
                "This message has a broken character (character {position}, often left by "
                "a bad copy and paste) that cannot be saved. Retype that part and send again.",
            ).format(position=number(error.start + 1))
        ) from None
