"""What the user chose in Settings, persisted with QSettings."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication

from desktop_chat.core.memory import DEFAULT_SYSTEM_PROMPT
from desktop_chat.llm.audio import DEFAULT_VOICE, VOICES
from desktop_chat.llm.groq_wire import DEFAULT_SEARCH_MODEL, REASONING_EFFORTS, SEARCH_MODELS
from desktop_chat.settings import DEFAULT_MODEL
from desktop_chat.ui.shortcuts import Bindings, normal, rebindable

THEME_CHOICES = ("system", "dark", "light")
SEND_KEYS = ("enter", "ctrl+enter")
FONT_SIZES = (8.0, 24.0)


@dataclass
class Preferences:
    model: str = DEFAULT_MODEL
    temperature: float = 0.7
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    memory_turns: int = 10
    theme: str = "system"
    font_size: float = 10.5
    send_key: str = "enter"
    keep_in_tray: bool = False  # closing the window hides it to the tray; Quit quits
    voice: str = DEFAULT_VOICE  # Read aloud speaks in this Groq voice
    reasoning_effort: str = "medium"  # gpt-oss models: how long they think
    search_model: str = DEFAULT_SEARCH_MODEL  # who answers a message sent with web search
    language: str = "system"  # ui/language.py reads it at start-up (LANGUAGE_CHOICES)

    @classmethod
    def load(cls, store: QSettings, defaults: Preferences | None = None) -> Preferences:
        preferences = defaults or cls()
        for field in fields(cls):
            value = store.value(f"preferences/{field.name}")
            if value is None:
                continue
            kind = type(getattr(preferences, field.name))
            if kind is bool:  # an INI file gives back "true"/"false", and bool("false") is True
                value = str(value).strip().lower() in ("true", "1")
            try:
                setattr(preferences, field.name, kind(value))
            except (TypeError, ValueError):
                continue  # a damaged value keeps the default
        preferences.clamp()
        return preferences

    def save(self, store: QSettings) -> None:
        for name, value in asdict(self).items():
            store.setValue(f"preferences/{name}", value)
        store.sync()

    def clamp(self) -> None:
        self.temperature = min(2.0, max(0.0, self.temperature))
        self.memory_turns = min(100, max(0, self.memory_turns))
        self.font_size = min(FONT_SIZES[1], max(FONT_SIZES[0], self.font_size))
        if self.theme not in THEME_CHOICES:
            self.theme = "system"
        if self.send_key not in SEND_KEYS:
            self.send_key = "enter"
        if self.voice not in VOICES:
            self.voice = DEFAULT_VOICE
        if self.reasoning_effort not in REASONING_EFFORTS:
            self.reasoning_effort = "medium"
        if self.search_model not in SEARCH_MODELS:
            self.search_model = DEFAULT_SEARCH_MODEL
        if self.language not in ("system", "en", "de"):  # ui/language.py's LANGUAGE_CHOICES
            self.language = "system"

    def resolved_theme(self) -> str:
        if self.theme != "system":
            return self.theme
        hints = QGuiApplication.styleHints()
        return "light" if hints.colorScheme() == Qt.ColorScheme.Light else "dark"


def take_session_prompts(store: QSettings) -> dict[str, str]:
    """Per-session prompts an older version kept here (and never read back after a restart):
    removed from the preferences, returned for the chat service to store with their sessions."""
    store.beginGroup("session_prompts")
    prompts = {key: str(store.value(key)) for key in store.childKeys() if store.value(key)}
    store.endGroup()
    if prompts:
        store.remove("session_prompts")
        store.sync()
    return prompts


BINDINGS_KEY = "keyboard/bindings"


def load_bindings(store: QSettings) -> Bindings:
    """The shortcuts the user rebound (Settings → Keyboard), by action id. Ids the table no
    longer has and keys that do not parse are dropped: an older or damaged file binds nothing."""
    try:
        saved = json.loads(str(store.value(BINDINGS_KEY, "{}")))
    except ValueError:
        return {}
    if not isinstance(saved, dict):
        return {}
    known = {s.action for s in rebindable()}
    bindings: Bindings = {}
    for action, keys in saved.items():
        if action in known and isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            parsed = tuple(normal(k) for k in keys)
            if all(parsed):
                bindings[action] = parsed
    return bindings


def save_bindings(store: QSettings, bindings: Bindings) -> None:
    # JSON, not a QSettings list: keys such as "Ctrl+," hold the list separator.
    store.setValue(BINDINGS_KEY, json.dumps({a: list(k) for a, k in sorted(bindings.items())}))
    store.sync()
