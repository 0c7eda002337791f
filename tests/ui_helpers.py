"""Helpers for driving the real window from tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from desktop_chat.core.chat import ChatService, ChatSettings
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.store.sqlite import SQLiteStore
from desktop_chat.ui.main_window import DEFAULT_SIZE, GEOMETRY_KEY, MainWindow
from desktop_chat.ui.transcript import Role


class ChatApp:
    """One running instance of the app: store, service and window on a data dir."""

    def __init__(
        self,
        qtbot,
        run,
        data_dir: Path,
        server=None,
        *,
        key: str | None = "server",
        memory_turns: int = 10,
        stall_timeout: float = 5.0,
        auto_title: bool = False,
    ):
        self.qtbot, self.run = qtbot, run
        self.store = SQLiteStore(data_dir / "chat.db")
        self.saved_keys: list[str] = []

        def make_llm(api_key: str) -> GroqClient:
            return GroqClient(
                api_key,
                base_url=server.base_url if server else "http://127.0.0.1:9",
                stall_timeout=stall_timeout,
            )

        if key == "server":
            key = server.api_key
        llm = make_llm(key) if key else None
        self.service = ChatService(
            self.store, llm, ChatSettings(memory_turns=memory_turns, auto_title=auto_title)
        )
        # Preferences in the test's own folder, never the user's.
        self.preferences = QSettings(str(data_dir / "preferences.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(
            self.service, make_llm, self._save_key, preferences_store=self.preferences
        )
        qtbot.addWidget(self.window)
        # The window fits itself to the screen, and the offscreen screen is 800x600: where the
        # sidebar folds away. Tests get the default size a desktop screen gives, unless the
        # window has a size of its own to come back to.
        if self.preferences.value(GEOMETRY_KEY) is None:
            self.window.resize(*DEFAULT_SIZE)
        self.window.show()
        run(self.window.start())

    def _save_key(self, key: str) -> None:
        from desktop_chat.settings import save_key_to_keychain

        save_key_to_keychain(key)
        self.saved_keys.append(key)

    def use_theme(self, theme: str, size: tuple[int, int] = (1100, 760)) -> ChatApp:
        """Switch to `theme` as Settings does (saved, then applied), at `size`, shown."""
        from desktop_chat.ui.preferences import Preferences

        Preferences(theme=theme).save(self.preferences)
        self.window.preferences = Preferences.load(self.preferences, Preferences())
        self.window.settings_ctl.apply_preferences()
        self.window.resize(*size)
        self.qtbot.waitExposed(self.window)
        return self

    # -- driving -----------------------------------------------------------------
    @property
    def composer(self):
        return self.window.composer.edit

    @property
    def items(self):
        return self.window.transcript_model.items

    def type_and_send(self, text: str) -> None:
        self.composer.setFocus()
        self.composer.setPlainText(text)
        self.qtbot.keyClick(self.composer, Qt.Key.Key_Return)

    def send_and_wait(self, text: str, timeout: int = 10_000) -> None:
        self.type_and_send(text)
        self.wait_idle(timeout)

    def wait_idle(self, timeout: int = 10_000) -> None:
        self.qtbot.waitUntil(
            lambda: self.window.reply_task is not None and not self.window.busy, timeout=timeout
        )
        self.run(self.window.wait_idle())

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier, widget=None) -> None:
        self.qtbot.keyClick(widget or self.window.focusWidget() or self.window, key, modifier)

    def last(self, role: Role):
        return next((i for i in reversed(self.items) if i.role == role), None)

    def close(self) -> None:
        self.window.close()
        self.run(self.window.wait_idle())
        if self.service.llm is not None:
            self.run(self.service.llm.close())
        self.run(self.store.close())
