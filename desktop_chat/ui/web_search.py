"""The composer's "Search the web" toggle, and the request options the window hands the client.

On, the next messages go to a Groq compound system (Settings → Model: "Web search with"), or,
from a gpt-oss model, use its browser_search tool (llm/groq_wire.py decides). It stays on until
turned off; it is not remembered across starts, so a search is always the user's choice.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QPushButton, QWidget

from desktop_chat.core.chat import ChatService
from desktop_chat.i18n import translatable
from desktop_chat.llm.groq_wire import DEFAULT_SEARCH_MODEL, is_gpt_oss
from desktop_chat.ui.preferences import Preferences

translate = QCoreApplication.translate

LABEL = translatable("WebSearch", "Search the web")


class WebSearchToggle(QPushButton):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(translate("WebSearch", "Web"), parent)
        self.setObjectName("WebSearchToggle")
        self.setCheckable(True)
        self.setAccessibleName(translate("WebSearch", LABEL))
        self.setAccessibleDescription(
            translate("WebSearch", "When on, the next messages search the web first")
        )
        self.setToolTip(
            translate("WebSearch", "Search the web (Alt+W)")
        )  # bound in ui/shortcuts.py


def describe(model: str, search_model: str) -> str:
    """What the toggle does for the next message, in words for the status line."""
    if is_gpt_oss(model):
        return translate(
            "WebSearch", "Web search on: {model} uses its browser search tool."
        ).format(model=model)
    return translate("WebSearch", "Web search on: the next messages go to {model}.").format(
        model=search_model or DEFAULT_SEARCH_MODEL
    )


def apply_request_options(service: ChatService, preferences: Preferences, web_search: bool) -> None:
    """Reasoning effort, the search model and the toggle, for the chat service's client."""
    service.apply_request_options(
        preferences.reasoning_effort, preferences.search_model, web_search
    )
