"""The window's part in reasoning, web search and usage: built and wired by MainWindow.

It owns the composer's "Search the web" toggle and the session usage label, hands Settings'
reasoning effort and search model to the client, and after a reply puts its sources, usage
and the limits Groq reported where the transcript and the status row show them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject

from desktop_chat.core.prices import UsageTotals
from desktop_chat.ui.usage_view import SessionUsageLabel, reply_usage_text
from desktop_chat.ui.web_search import WebSearchToggle, apply_request_options, describe

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from desktop_chat.core.chat import ReplyOutcome
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.transcript import MessageItem


class ReplyExtras(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        composer = window.composer
        self.usage_label = SessionUsageLabel(composer)
        self.web_search = WebSearchToggle(composer)
        composer.add_status_widget(self.usage_label)
        composer.add_status_widget(self.web_search)
        self.web_search.toggled.connect(self._toggled)
        window.when_transcript(self._wire_transcript)

    def _wire_transcript(self) -> None:
        model = self.window.transcript_model
        model.modelReset.connect(self.update_totals)
        model.rowsInserted.connect(self.update_totals)

    def apply_options(self) -> None:
        """Settings' reasoning effort and search model, and the toggle, onto the client."""
        apply_request_options(
            self.window.service, self.window.preferences, self.web_search.isChecked()
        )

    def _toggled(self, on: bool) -> None:
        self.apply_options()
        self.window.attachments.refresh()  # attached images turn the search off: say so
        preferences = self.window.preferences
        self.window.show_status(
            describe(preferences.model, preferences.search_model)
            if on
            else translate(
                "ReplyExtras",
                "Web search off: the next messages are answered from the model alone.",
            )
        )

    def toggle_last_thinking(self) -> None:
        """Alt+T: open or close the Thinking section of the last reply that has one."""
        model = self.window.transcript_model
        item = next((i for i in reversed(model.items) if i.reasoning), None)
        if item is None:
            self.window.show_status(translate("ReplyExtras", "No reply here shows its thinking."))
            return
        self.window.delegate.toggle_thinking(item, model.index_of(item))

    def reply_done(self, item: MessageItem, outcome: ReplyOutcome) -> None:
        """A reply finished: its sources and usage onto its row, Groq's limits to the label."""
        reply = outcome.reply_event
        if reply is not None:
            sources = reply.payload.get("sources")
            item.sources = list(sources) if isinstance(sources, list) else []
            if reply.payload.get("usage"):
                item.extras["usage"] = {k: reply.payload.get(k) for k in ("usage", "cost")}
            item.size_key = None
            self.window.transcript_model.item_changed(item)
            self.window.transcript.scheduleDelayedItemsLayout()
        if outcome.result is not None:
            self.usage_label.set_limits(outcome.result.rate_limits)
        self.update_totals()

    def update_totals(self, *_args: object) -> None:
        """The open conversation's replies added up (the shown branch, older rows included)."""
        model = self.window.transcript_model
        payloads = [e.payload for e in getattr(model, "_older", [])]
        payloads += [item.extras["usage"] for item in model.items if "usage" in item.extras]
        self.usage_label.set_totals(UsageTotals.of(payloads))


def usage_suffix(outcome: ReplyOutcome) -> str:
    """' · 1,024 cached · $0.00012' for the status line after a reply."""
    reply = outcome.reply_event
    if reply is None:
        return ""
    text = reply_usage_text(reply.payload)
    tail = text.split(" · ", 1)[1] if " · " in text else ""
    return f" · {tail}" if tail else ""
