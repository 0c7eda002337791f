"""A reply in the window: send what was typed, stream the reply into the transcript, stop it,
queue a message typed meanwhile, and say what to do after an error (401, 429, too long)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

from desktop_chat.core.chat import MessageRejected, ReplyOutcome, check_message
from desktop_chat.i18n import translatable
from desktop_chat.llm.base import LLMError, LLMErrorKind
from desktop_chat.ui.announce import announce
from desktop_chat.ui.language import number
from desktop_chat.ui.rate_limit import RetryCountdown
from desktop_chat.ui.reply_extras import usage_suffix

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.transcript import MessageItem, TranscriptModel

QUEUED_NOTICE = translatable(
    "ReplyController", "Queued — sends when the reply finishes (Esc or editing cancels)."
)
BURST_SECONDS = 0.05
# s between updates of the "Replying… N tokens/s" line: a figure that changes 40 times a second
# cannot be read, and each change repaints the composer's glass panel and the window's backdrop
# under it (~45,000 px at 1280x860: a slow reply's frames paint less).
PROGRESS_STEP_S = 1.0

# What the chat service is asked to do, given where each piece of the reply goes.
ReplyRun = Callable[[Callable[[str], None]], Awaitable[ReplyOutcome]]


def reply_announcement(text: str, length: int = 80) -> str:
    """What a screen reader announces when a reply has finished: its opening words, plain."""
    words = " ".join(re.sub(r"[*_`#>|]+", " ", text).split())  # Markdown marks read as noise
    opening = words if len(words) <= length else words[:length].rstrip() + "…"
    return translate("ReplyController", "Reply finished: {opening}").format(opening=opening)


def usage_line(outcome: ReplyOutcome, streamed: float) -> str:
    """'312 tokens · 845 tokens/s · 1,204 in prompt' (the locale's digits), from the final
    chunk's usage when sent.

    The rate is over `streamed`, the seconds from the first token to the end, as the reply was
    watched: the wait before the first token is queueing and reading the prompt, not writing.
    Only a reply that came in one burst (under BURST_SECONDS, where a client clock says
    nothing) is measured by the server's own completion_time. One token has no rate."""
    usage = outcome.reply_event.payload.get("usage", {}) if outcome.reply_event else {}
    completion = usage.get("completion_tokens")
    if not completion:
        return ""
    seconds = streamed if streamed >= BURST_SECONDS else usage.get("completion_time") or streamed
    # The count picks the plural form; the digits are the locale's (number()).
    count = number(completion)
    parts = [translate("ReplyController", "{count} tokens", None, completion).format(count=count)]
    if seconds > 0 and completion > 1:
        rate = number(completion / seconds)
        parts.append(translate("ReplyController", "{rate} tokens/s").format(rate=rate))
    if usage.get("prompt_tokens"):
        prompt = number(usage["prompt_tokens"])
        parts.append(translate("ReplyController", "{count} in prompt").format(count=prompt))
    return " · ".join(parts)


def _drop(model: TranscriptModel, item: MessageItem) -> None:
    """Take an empty reply row away (through the model's own methods; rows after it stay)."""
    row = model.row_of(item)
    if row >= 0:  # (a session opened since has taken it away already)
        model.insert_items(row, model.take_from(row)[1:])


class ReplyController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.service = window.service
        self.queued_text: str | None = None  # sent when the streaming reply finishes
        self.finished = False  # the last reply ended without error or stop
        self._auto_retry_task: asyncio.Task | None = None
        self.retry_countdown = RetryCountdown(window, self._retry_after_rate_limit)
        composer = window.composer
        composer.edit.submitted.connect(self.submit)
        composer.send_button.clicked.connect(self.submit)
        composer.stop_button.clicked.connect(self.stop_clicked)
        composer.edit.textChanged.connect(self._composer_edited)
        window.welcome.prompt_chosen.connect(self.send_starter_prompt)
        window.when_transcript(self._wire_transcript)

    def _wire_transcript(self) -> None:
        self.window.delegate.retry_clicked.connect(self.regenerate)
        self.window.delegate.copy_requested.connect(self.copy_text)

    # -- sending -----------------------------------------------------------------------
    def submit(self) -> None:
        window = self.window
        text = window.composer.edit.toPlainText()
        if not window.busy and window.conversation.submit_edit(text):
            return
        attachments = window.attachments.pending()
        try:
            check_message(text, allow_empty=bool(attachments))
        except MessageRejected as rejected:
            window.show_notice(str(rejected))
            return
        if window.busy:
            # Typed while a reply streams: it goes out as soon as the reply is done, unless
            # the text is edited or Esc cancels it first.
            self.queued_text = text
            window.show_notice(translate("ReplyController", QUEUED_NOTICE))
            return
        if not self.service.has_llm:
            window.ask_for_key()
            return
        window.reply_task = window._spawn(self._send(text, attachments))

    def send_starter_prompt(self, prompt: str) -> None:
        """A prompt from the welcome page: into the composer, and sent."""
        edit = self.window.composer.edit
        edit.setPlainText(prompt)
        edit.moveCursor(edit.textCursor().MoveOperation.End)
        edit.setFocus()
        self.submit()

    def regenerate(self) -> None:
        """Ctrl+R, Regenerate and Retry: a new version of the last reply replaces it."""
        self.window.conversation.regenerate()

    async def _send(self, text: str, attachments: list | None = None) -> None:
        from desktop_chat.ui.transcript import (
            MessageItem,
            Role,
        )  # (see MainWindow.build_transcript)

        window = self.window
        attachments = attachments or []
        if window.current_session_id is None:
            window.transcript_model.set_events([])
            session = await self.service.new_session()
            window.current_session_id = session.session_id
        session_id = window.current_session_id
        window.transcript_model.remove_errors()
        entries = [a.payload() for a in attachments]
        window.transcript_model.append(MessageItem(Role.USER, text, attachments=entries))
        window.transcript.follow_bottom()

        window.composer.edit.clear()
        window.attachments.clear()
        try:
            outcome = await self.stream_reply(
                lambda on_piece: self.service.send(session_id, text, on_piece, attachments),
                restore_text=text,
                model=window.attachments.vision_switch(attachments),
            )
        except BaseException:
            window.attachments.restore(attachments)  # nothing attached is lost either
            raise
        await window.conversation.sync_versions(session_id)
        await window.refresh_sessions()
        titled = outcome is not None and outcome.first_in_session
        if titled and await self.service.auto_title(outcome):
            await window.refresh_sessions()

    def copy_last_reply(self) -> None:
        from desktop_chat.ui.transcript import Role

        items = self.window.transcript_model.items
        reply = next((i for i in reversed(items) if i.role == Role.ASSISTANT), None)
        if reply is not None:
            QGuiApplication.clipboard().setText(reply.text)
            self.window.show_status(translate("ReplyController", "Copied the last reply."))

    def copy_text(self, text: str) -> None:
        """A message's Copy button, or a code block's."""
        QGuiApplication.clipboard().setText(text)
        self.window.show_status(translate("ReplyController", "Copied."))

    # -- a message typed while a reply streams -------------------------------------------
    def _composer_edited(self) -> None:
        edit = self.window.composer.edit
        if self.queued_text is not None and edit.toPlainText() != self.queued_text:
            self.cancel_queued(
                translate("ReplyController", "Not queued any more: the message was edited.")
            )

    def cancel_queued(self, why: str) -> None:
        self.queued_text = None
        self.window.show_notice(why)

    def reply_task_done(self) -> None:
        """After a reply task ended: send what was queued meanwhile, if the reply finished and
        the box still holds it."""
        window = self.window
        text, self.queued_text = self.queued_text, None
        if text is None or window.busy or window.composer.edit.toPlainText() != text:
            return
        if not self.finished:
            window.show_notice(
                translate(
                    "ReplyController",
                    "Not sent yet: the reply did not finish. Press Enter to send it.",
                )
            )
            return
        window.notice_until = 0.0
        self.submit()

    # -- streaming -----------------------------------------------------------------------
    async def stream_reply(
        self, run: ReplyRun, restore_text: str | None = None, model: str | None = None
    ) -> ReplyOutcome | None:
        """Run `run` (a chat-service flow) with a new assistant row that its pieces stream
        into; say how it ended. `restore_text` goes back into an empty composer on a crash.
        `model`: the one that answers when it is not the chosen one (images, a vision model)."""
        from desktop_chat.ui.transcript import MessageItem, Role, StreamRenderer

        window = self.window
        answering = model or self.service.model
        model, composer = window.transcript_model, window.composer
        item = MessageItem(Role.ASSISTANT, "", model=answering)
        model.append(item)
        renderer = StreamRenderer(model, window.delegate, item)
        window.renderer = renderer
        composer.set_streaming(True)
        window.show_progress(translate("ReplyController", "Replying…  (Esc to stop)"))
        first_token_at: float | None = None  # the rate counts from here, not the wait before
        self.finished = False
        pieces = 0
        progress_at = 0.0  # when the rate was last shown

        def on_piece(piece: str) -> None:
            nonlocal pieces, first_token_at, progress_at
            pieces += 1
            renderer.feed(piece)
            now = time.monotonic()
            if pieces == 1:
                first_token_at = progress_at = now
                # The message and the session's title are stored by now: list it at once.
                window._spawn(window.refresh_sessions())
            elapsed = now - first_token_at
            if now - progress_at >= PROGRESS_STEP_S and elapsed > 0:
                progress_at = now
                window.show_progress(
                    translate("ReplyController", "Replying… {rate} tokens/s  (Esc to stop)").format(
                        rate=number((pieces - 1) / elapsed)
                    )
                )

        try:
            outcome = await run(on_piece)
        except asyncio.CancelledError:
            renderer.finish(
                note=translate("ReplyController", "Stopped: the reply was cut short.")
                if item.text or renderer.pending
                else None
            )
            if not item.text:
                _drop(model, item)
            window.show_status(translate("ReplyController", "Stopped. What arrived is kept."))
            window.notice_until = 0.0
            return None
        except MessageRejected as rejected:
            _drop(model, item)
            window.show_status(str(rejected))
            return None
        except Exception:
            renderer.finish(
                note=translate(
                    "ReplyController", "Interrupted: an unexpected error stopped the reply."
                )
            )
            if restore_text and not composer.edit.toPlainText():
                composer.edit.setPlainText(restore_text)
            raise
        finally:
            composer.set_streaming(False)
            window.renderer = None
        if outcome.error is None:
            renderer.finish()
            if outcome.reply_event is not None:
                item.event_id = outcome.reply_event.event_id
            streamed = time.monotonic() - first_token_at if first_token_at is not None else 0.0
            # Not read out: the announcement below says the reply is done, in its own words.
            usage = usage_line(outcome, streamed) + usage_suffix(outcome)
            window.show_status(usage, announce=False)
            window.reply_extras.reply_done(item, outcome)
            self.finished = True
            window.reply_finished.emit(item.text)
            # A screen reader stays on the composer while the reply streams: tell it the end.
            announce(window, reply_announcement(item.text))
            return outcome
        error = outcome.error
        if item.text or renderer.pending:
            renderer.finish(
                note=translate("ReplyController", "Interrupted: the reply did not finish.")
            )
        else:
            renderer.finish()
            _drop(model, item)
        error_item = MessageItem(
            Role.ERROR, error.message, retryable=error.kind != LLMErrorKind.TOO_LONG
        )
        model.append(error_item)
        announce(window, error.message, assertive=True)  # then the status says what to do
        window.transcript.follow_bottom()
        window.reply_extras.usage_label.set_limits(error.rate_limits)  # "0 requests left"
        self._explain_error(error, error_item)
        return outcome

    # -- stopping ------------------------------------------------------------------------
    def stop_reply(self) -> None:
        """Esc: cancels an edit, then a queued message, then the reply, then a countdown."""
        window = self.window
        if not window.busy and window.conversation.cancel_edit():
            return
        if self.queued_text is not None:
            self.cancel_queued(
                translate("ReplyController", "Not queued any more. Press Enter to send it.")
            )
            return
        if window.busy:
            window.reply_task.cancel()
        else:
            self.retry_countdown.cancel()

    def stop_clicked(self) -> None:
        """The Stop button stops the reply, queued message or not (that one then waits)."""
        if self.window.busy:
            self.window.reply_task.cancel()

    # -- errors a user can act on -----------------------------------------------------------
    def _explain_error(self, error: LLMError, item: MessageItem) -> None:
        """The status line says what to do next; the error bubble already says what happened.
        No dialog opens over the error: the user chooses when to change the key."""
        window = self.window
        auto_retry = (
            self._auto_retry_task is not None and self._auto_retry_task is window.reply_task
        )
        self._auto_retry_task = None
        if error.kind == LLMErrorKind.AUTH:
            window.settings_ctl.key_rejected()
            window.show_status(
                translate(
                    "ReplyController", "Change the key (Settings → API key), then press Retry."
                )
            )
        elif (
            error.kind == LLMErrorKind.RATE_LIMIT
            and error.retry_after is not None
            and not auto_retry
        ):
            self.retry_countdown.start(item, error.retry_after)
        elif error.kind == LLMErrorKind.TOO_LONG:
            # Asking again would run into the same cap: the way on is a narrower question.
            window.show_status(
                translate(
                    "ReplyController", "What arrived is kept. Ask for a shorter part to go on."
                )
            )
        else:
            window.show_status(translate("ReplyController", "Press Retry or Ctrl+R to try again."))

    def _retry_after_rate_limit(self) -> None:
        self.regenerate()
        if self.window.busy:
            self._auto_retry_task = self.window.reply_task  # a second 429 is not retried by itself
