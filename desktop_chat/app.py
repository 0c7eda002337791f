"""Start-up: settings, the QApplication with its qasync loop, the store, the window."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from desktop_chat import APP_ID, APP_NAME, __version__

log = logging.getLogger("desktop_chat")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="desktop-chat",
        description=f"{APP_NAME}: a desktop AI assistant that streams Groq replies and keeps "
        "every session in a local SQLite database.",
        epilog="Configuration: GROQ_API_KEY, GROQ_MODEL, GROQ_BASE_URL, MEMORY_TURNS, "
        "DESKTOP_CHAT_DATA_DIR, read from the environment or a .env file.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    import qasync
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_chat.core.chat import ChatService, ChatSettings
    from desktop_chat.llm.groq_client import GroqClient
    from desktop_chat.settings import Settings, save_key_to_keychain
    from desktop_chat.store.base import StoreError
    from desktop_chat.store.sqlite import SQLiteStore
    from desktop_chat.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    settings = Settings.load()

    try:
        store = SQLiteStore(settings.db_path)
    except StoreError as error:
        QMessageBox.critical(None, APP_NAME, str(error))
        return 1
    notice = None
    if store.moved_aside is not None:
        notice = (f"The chat database was damaged, so it was moved to {store.moved_aside} "
                  "and a fresh one was started.")

    def make_llm(key: str) -> GroqClient:
        return GroqClient(key, model=settings.groq_model, base_url=settings.groq_base_url)

    llm = make_llm(settings.groq_api_key) if settings.groq_api_key else None
    service = ChatService(store, llm, ChatSettings(memory_turns=settings.memory_turns))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    # Quitting waits for the loop: a reply being cancelled must still save what arrived.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(closed.set)

    window = MainWindow(service, make_llm, save_key_to_keychain, notice=notice)
    if notice:
        QMessageBox.warning(window, APP_NAME, notice)
    window.show()

    async def run() -> None:
        await window.start()
        await closed.wait()
        await window.wait_idle()
        if service.llm is not None:
            await service.llm.close()
        await store.close()

    with loop:
        loop.run_until_complete(run())
    return 0
