"""The chat flow: store the message, build the prompt, stream the reply while persisting it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_chat.core.memory import (
    DEFAULT_SYSTEM_PROMPT,
    build_prompt,
)
from desktop_chat.core.models import (
    Event,
    EventType,
    Session,
    clean_title,
    title_from_message,
    utc_now,
)
from desktop_chat.llm.base import (
    ChatMessage,
    LLMClient,
    LLMError,
    LLMErrorKind,
    StreamResult,
)
from desktop_chat.store.base import Store

# A reply in progress is written with this mark, so a crash leaves it flagged, not silently cut.
INCOMPLETE_ERROR = "The app closed before this reply finished."
STOPPED_ERROR = "Stopped."
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

    @property
    def ok(self) -> bool:
        return self.error is None


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
    session_prompts: dict[str, str] = field(default_factory=dict)


class ChatService:
    def __init__(self, store: Store, llm: LLMClient | None, settings: ChatSettings | None = None):
        self.store = store
        self.llm = llm
        self.settings = settings or ChatSettings()

    # -- sessions --------------------------------------------------------------
    async def new_session(self) -> Session:
        session = Session()
        await self.store.create_session(session)
        return session

    async def end_session(self, session_id: str) -> Event | None:
        """Summarize the session, store the summary, and mark it ended. Raises LLMError."""
        events = await self.store.events(session_id)
        transcript = [e for e in events if e.type != EventType.SUMMARY and e.text]
        if not transcript:
            await self.store.update_session(session_id, end_time=utc_now())
            return None
        lines = [
            f"{'User' if e.type == EventType.USER_MESSAGE else 'Assistant'}: {e.text}"
            for e in transcript
        ]
        text = "\n\n".join(lines)[-200_000:]
        summary = await self._require_llm().complete(
            [ChatMessage("system", SUMMARY_INSTRUCTIONS), ChatMessage("user", text)]
        )
        summary = summary.strip()
        event = Event(session_id, EventType.SUMMARY, {"text": summary})
        await self.store.add_event(event)
        await self.store.update_session(session_id, summary=summary, end_time=utc_now())
        return event

    # -- messages --------------------------------------------------------------
    async def send(
        self, session_id: str, text: str, on_piece: Callable[[str], None]
    ) -> ReplyOutcome:
        """Store `text` as the user's message, then stream the reply into `on_piece`."""
        check_message(text)
        self._require_llm()
        user_event = Event(session_id, EventType.USER_MESSAGE, {"text": text})
        await self.store.add_event(user_event)  # stored before anything is sent
        session = await self.store.get_session(session_id)
        first = session is not None and not session.title
        if first:
            await self.store.update_session(session_id, title=title_from_message(text))
        outcome = await self._reply(session_id, user_event, on_piece)
        outcome.first_in_session = first
        return outcome

    async def retry(self, session_id: str, on_piece: Callable[[str], None]) -> ReplyOutcome:
        """Answer the session's last user message again (after an error, or to regenerate)."""
        self._require_llm()
        events = await self.store.recent_events(session_id, 4 * self.settings.memory_turns + 4)
        last_user = next(
            (e for e in reversed(events) if e.type == EventType.USER_MESSAGE), None
        )
        if last_user is None:
            raise MessageRejected("There is no message to answer yet.")
        return await self._reply(session_id, last_user, on_piece)

    async def _prompt_for(self, session_id: str, user_event: Event) -> list[ChatMessage]:
        turns = self.settings.memory_turns
        # Bounded read: enough rows for `turns` interactions even with failed replies in between.
        recent = await self.store.recent_events(session_id, 4 * turns + 4)
        cut = next(i for i, e in enumerate(recent) if e.event_id == user_event.event_id)
        session = await self.store.get_session(session_id)
        return build_prompt(
            recent[:cut],
            user_event.text,
            turns=turns,
            system_prompt=self.settings.session_prompts.get(session_id) or self.settings.system_prompt,
            summary=session.summary if session else None,
        )

    async def _reply(
        self, session_id: str, user_event: Event, on_piece: Callable[[str], None]
    ) -> ReplyOutcome:
        llm = self._require_llm()
        messages = await self._prompt_for(session_id, user_event)
        reply = Event(session_id, EventType.AI_RESPONSE, {})
        parts: list[str] = []
        stored = False
        saved_pieces = 0  # how many of `parts` the stored row holds
        result = StreamResult()
        save_lock = asyncio.Lock()  # the timer and the stream never write the row at once

        async def save(payload: dict) -> None:
            nonlocal stored, saved_pieces
            async with save_lock:
                pieces = len(parts)
                reply.payload = payload
                if stored:
                    await self.store.update_event_payload(reply.event_id, payload)
                else:
                    await self.store.add_event(reply)
                    stored = True
                saved_pieces = pieces

        def partial(error: str) -> dict:
            return {"text": "".join(parts), "model": llm.model, "interrupted": True,
                    "error": error}

        async def save_on_a_timer() -> None:
            # A piece saves nothing by itself after the first: this timer writes what arrived,
            # so a stall (no new piece for seconds) or a crash loses at most one interval.
            while True:
                await asyncio.sleep(self.settings.persist_interval)
                if len(parts) != saved_pieces:
                    await save(partial(INCOMPLETE_ERROR))

        saver: asyncio.Task | None = None
        try:
            try:
                async with contextlib.aclosing(llm.stream(messages, result)) as pieces:
                    async for piece in pieces:
                        parts.append(piece)
                        on_piece(piece)
                        if not stored:  # the reply's row exists from its first piece on
                            await save(partial(INCOMPLETE_ERROR))
                            saver = asyncio.ensure_future(save_on_a_timer())
            finally:
                await _stop(saver)  # before the last save, so it never writes after it
        except LLMError as error:
            if parts:
                await save(partial(error.message))
            return ReplyOutcome(user_event, reply if stored else None, error)
        except asyncio.CancelledError:
            if parts:
                await save(partial(STOPPED_ERROR))
            raise
        payload = {"text": "".join(parts), "model": result.model or llm.model}
        if result.usage:
            payload["usage"] = result.usage
        await save(payload)
        return ReplyOutcome(user_event, reply)

    async def auto_title(self, outcome: ReplyOutcome) -> str | None:
        """After a session's first reply, ask the model for a short title.

        The first words of the first message stay the title when the model cannot be asked or
        answers with nothing usable. Returns the new title, or None when nothing changed.
        """
        if (not self.settings.auto_title or self.llm is None or not outcome.ok
                or not outcome.first_in_session or outcome.reply_event is None):
            return None
        session_id = outcome.user_event.session_id
        exchange = (f"User: {outcome.user_event.text[:2000]}\n\n"
                    f"Assistant: {outcome.reply_event.text[:2000]}")
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

    def _require_llm(self) -> LLMClient:
        if self.llm is None:
            raise LLMError(LLMErrorKind.AUTH, "Add your Groq API key to start chatting.")
        return self.llm


async def _stop(task: asyncio.Task | None) -> None:
    """Cancel the timed saver and wait for it, so it never writes after the final save."""
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def check_message(text: str) -> None:
    if not text.strip():
        raise MessageRejected("Type a message first.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageRejected(
            f"This message is {len(text):,} characters long; the model reads at most about "
            f"{MAX_MESSAGE_CHARS:,}. Shorten it or send it in parts."
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate: it cannot be stored or sent
        raise MessageRejected(
            f"This message has a broken character (character {error.start + 1:,}, often left by "
            "a bad copy and paste) that cannot be saved. Retype that part and send again."
        ) from None

