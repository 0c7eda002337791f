"""Settings → Model rows for reasoning effort and the web search model."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from desktop_chat.llm.groq_wire import REASONING_EFFORTS, SEARCH_MODELS
from desktop_chat.ui.plain_text import make_plain
from desktop_chat.ui.preferences import Preferences

translate = QCoreApplication.translate


def reasoning_combos(parent: QWidget, preferences: Preferences) -> tuple[QComboBox, QComboBox]:
    """(reasoning effort, web search model), set to the saved choices; `currentData()` is the
    value to save."""
    effort = QComboBox(parent)
    effort.setAccessibleName(translate("ReasoningSettings", "Reasoning effort"))
    effort.view().setAccessibleName(
        translate("ReasoningSettings", "Reasoning efforts")
    )  # the drop-down list too
    for value in REASONING_EFFORTS:
        effort.addItem(value.capitalize(), value)
    effort.setCurrentIndex(max(0, effort.findData(preferences.reasoning_effort)))
    search = QComboBox(parent)
    search.setAccessibleName(translate("ReasoningSettings", "Web search with"))
    search.view().setAccessibleName(translate("ReasoningSettings", "Web search models"))
    for value in SEARCH_MODELS:
        search.addItem(value, value)
    search.setCurrentIndex(max(0, search.findData(preferences.search_model)))
    return effort, search


def reasoning_rows(
    parent: QWidget, effort: QComboBox, search: QComboBox
) -> list[tuple[str, QWidget]]:
    """(label, field) rows for the Model page."""
    return [
        (translate("ReasoningSettings", "Reasoning effort"), effort),
        (
            "",
            _hint(
                translate(
                    "ReasoningSettings", "gpt-oss models: how long they think before answering."
                ),
                parent,
            ),
        ),
        (translate("ReasoningSettings", "Web search with"), search),
        (
            "",
            _hint(
                translate(
                    "ReasoningSettings",
                    "Answers messages sent with “Search the web” (gpt-oss searches itself).",
                ),
                parent,
            ),
        ),
    ]


def _hint(text: str, parent: QWidget) -> QLabel:
    label = make_plain(QLabel(text, parent))
    label.setObjectName("Hint")
    label.setWordWrap(True)
    return label
