"""What the model is shown: the system prompt, the session summary, and the last N interactions
of the active branch.

A session is a tree; memory follows only the path from the message being answered up to the
root (`history_before`), never the other versions. The path is read with one recursive query
that walks up by primary key and stops after N user messages, so its cost depends on N, not on
the session's length or its number of branches (tests/test_tree.py measures it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from desktop_chat.core.attachments import image_ids, message_text
from desktop_chat.llm.base import ChatMessage
from desktop_chat.models import Event, EventType

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful, concise assistant in a desktop chat app. "
    "Answer in Markdown when structure helps."
)
# A rough, provider-neutral estimate; good enough to stay clear of the context limit.
CHARS_PER_TOKEN = 4


class PathReader(Protocol):
    async def branch_path(
        self, leaf_id: str, max_user_messages: int | None = None
    ) -> list[Event]: ...


async def history_before(store: PathReader, event: Event, turns: int) -> list[Event]:
    """The active branch above `event` (oldest first), enough for `turns` interactions: what
    the model remembers when it answers `event` (or, for a reply, regenerates it)."""
    if event.parent_id is None or turns <= 0:
        return []
    history = await store.branch_path(event.parent_id, max_user_messages=turns)
    return [e for e in history if not e.deleted]


@dataclass
class Interaction:
    user: Event
    reply: Event | None = None


def group_interactions(events: Sequence[Event]) -> list[Interaction]:
    """Pair each user message with the last reply that follows it (a retry supersedes a failure)."""
    interactions: list[Interaction] = []
    for event in events:
        if event.type == EventType.USER_MESSAGE:
            interactions.append(Interaction(user=event))
        elif event.type == EventType.AI_RESPONSE and interactions and event.text:
            interactions[-1].reply = event
    return interactions


def build_prompt(
    history: Sequence[Event],
    new_message: str,
    *,
    turns: int,
    system_prompt: str = DEFAULT_SYSTEM_PROMPT,
    summary: str | None = None,
    context_tokens: int = 131_072,
    reserve_tokens: int = 4_096,
    new_payload: Mapping[str, Any] | None = None,
    images: Mapping[str, str] | None = None,
) -> list[ChatMessage]:
    """The messages of one request. `history` is the session before `new_message`, oldest first.

    `new_payload`: the new message's payload (its attached files' texts join its text).
    `images`: data URLs by attachment id of the images to send (`choose_images` picks them);
    each goes with the message that carries it, other images are only named in the text."""
    images = images or {}

    def user_message(text: str, payload: Mapping[str, Any]) -> ChatMessage:
        urls = [images[i] for i in image_ids(payload) if i in images]
        return ChatMessage("user", message_text(text, payload), urls)

    system = system_prompt
    if summary:
        system += "\n\nSummary of this conversation so far:\n" + summary
    window = group_interactions(history)[-turns:] if turns > 0 else []

    def as_messages(interaction: Interaction) -> list[ChatMessage]:
        messages = [user_message(interaction.user.text, interaction.user.payload)]
        if interaction.reply is not None:
            messages.append(ChatMessage("assistant", interaction.reply.text))
        return messages

    budget = (context_tokens - reserve_tokens) * CHARS_PER_TOKEN
    last = user_message(new_message, new_payload or {})
    budget -= len(system) + len(last.content)
    kept: list[list[ChatMessage]] = []
    for interaction in reversed(window):  # newest first, so trimming drops the oldest
        messages = as_messages(interaction)
        cost = sum(len(m.content) for m in messages)
        if cost > budget:
            break
        budget -= cost
        kept.append(messages)

    prompt = [ChatMessage("system", system)]
    for messages in reversed(kept):
        prompt.extend(messages)
    prompt.append(last)
    return prompt
