"""`DesktopChat --self-test`: start the real window offscreen and check that a bundle is whole.

It touches nothing of the user's: the database, config and logs go to a temporary folder, and
the Groq client gets a dummy key and is never called. Set DESKTOP_CHAT_SELFTEST_SCREENSHOT to a
.png path to keep a picture of the drawn window. Each step imports or loads what a missing
file in a PyInstaller bundle would break (Qt plugins, resources, SQLite, the Markdown and
highlighting code, CA certificates, keychain backends), then a stored conversation is opened in
the window and drawn. Prints one OK line and returns 0, or names the failed step and returns 1.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_chat import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.transcript import MessageItem

TIMEOUT_SECONDS = 60
DUMMY_KEY = "gsk_selftestdummykey0000000000000000"
MARKDOWN_REPLY = (
    "Here is **bold**, *italic* and `inline code`.\n\n"
    '```python\ndef greet(name):\n    return f"Hello, {name}!"\n```\n\n'
    "| a | b |\n|---|---|\n| 1 | 2 |\n"
)


class SelfTestFailed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SelfTestFailed(message)


def run_self_test() -> int:
    """Run every check; the caller must not have created a QApplication with another platform."""
    # Forced, not defaulted: the self-test must work on a machine with no display at all.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    started = time.monotonic()
    steps: list[str] = ["start"]
    try:
        with tempfile.TemporaryDirectory(
            prefix="desktop-chat-selftest-", ignore_cleanup_errors=True
        ) as tmp:
            try:
                details = _run(Path(tmp), steps.append)
            finally:
                from desktop_chat.logs import close_logging

                close_logging()  # the log file is in tmp: let it go before tmp is removed
    except SelfTestFailed as failed:
        print(f"self-test FAILED at {steps[-1]}: {failed}", file=sys.stderr)
        return 1
    except BaseException as error:  # noqa: BLE001 - anything else is a broken bundle too: say what and where
        import traceback

        traceback.print_exc()
        print(f"self-test FAILED at {steps[-1]}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    print(
        f"self-test OK: {APP_NAME} {__version__} ({'bundle' if _frozen() else 'source'}), "
        f"{details}, {seconds:.1f} s"
    )
    return 0


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _run(tmp: Path, step: Callable[[str], None]) -> str:
    step("resources")
    from desktop_chat.ui.app_icon import app_icon, icons_dir
    from desktop_chat.ui.theme import resources_dir

    resources = resources_dir()
    check((resources / "style.qss").is_file(), f"no style.qss in {resources}")
    check(any(icons_dir().glob("*.png")), f"no icon PNGs in {icons_dir()}")

    step("logging")
    import logging

    from desktop_chat import logs

    log_file = logs.setup_logging(tmp / "logs", stderr_level=None)
    if log_file is None:
        raise SelfTestFailed(f"cannot write logs to {tmp / 'logs'}")
    logging.getLogger("desktop_chat.selftest").info("self-test with key %s", DUMMY_KEY)
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = log_file.read_text(encoding="utf-8")
    check("self-test with key" in written, "the log file stayed empty")
    check(DUMMY_KEY not in written, "a key reached the log file unredacted")

    step("modules")
    modules = _import_all_modules()

    step("libraries")
    import ssl

    import certifi
    from pygments.lexers import get_lexer_by_name

    ssl.create_default_context(cafile=certifi.where())  # the CA bundle httpx uses for Groq
    get_lexer_by_name("python")  # lexers are imported by name at run time
    from pypdf import PdfReader  # attached PDFs: the app imports it on first use

    check(callable(PdfReader), "pypdf, which reads attached PDFs, is missing")
    _check_keyring_backends()

    step("Qt")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] if sys.argv else APP_ID])
    )
    # As app.py: closing the window must not stop the loop while its tasks wind down.
    app.setQuitOnLastWindowClosed(False)
    check(
        QGuiApplication.platformName() == "offscreen",
        f"Qt runs on the {QGuiApplication.platformName()!r} platform, not offscreen",
    )
    icon = app_icon()
    check(not icon.isNull(), "the app icon did not load")
    app.setWindowIcon(icon)

    step("translations")
    from desktop_chat.ui.language import install_language, installed_translations

    install_language("de")  # the app's German and Qt's own (standard buttons)
    loaded = sorted(Path(path).name for path in installed_translations())
    check(loaded == ["desktop_chat_de.qm", "qtbase_de.qm"], f"German loaded only {loaded}")
    install_language("en")

    step("store")
    import qasync

    from desktop_chat.core.chat import ChatService, ChatSettings
    from desktop_chat.llm.groq_client import GroqClient
    from desktop_chat.models import Event, EventType, Session
    from desktop_chat.store.sqlite import SQLiteStore
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.transcript import MessageItem, Role

    store = SQLiteStore(tmp / "data" / "chat.db")

    def make_llm(key: str) -> GroqClient:
        return GroqClient(key, base_url="http://127.0.0.1:9")  # never called

    llm = make_llm(DUMMY_KEY)
    service = ChatService(store, llm, ChatSettings())
    app.setQuitOnLastWindowClosed(False)  # as in app.py: closing waits for the window's tasks
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    result: dict[str, str] = {}

    async def exercise() -> None:
        session = Session(title="Self-test")
        await store.create_session(session)
        await store.add_event(
            Event(session.session_id, EventType.USER_MESSAGE, {"text": "Show me some Markdown"})
        )
        await store.add_event(
            Event(
                session.session_id,
                EventType.AI_RESPONSE,
                {"text": MARKDOWN_REPLY, "model": "self-test"},
            )
        )
        stored = await store.events(session.session_id)
        check(len(stored) == 2, f"the store returned {len(stored)} events, not 2")

        step("window")
        from PySide6.QtCore import QSettings

        # The test's own preferences: closing the window saves its place, not in the user's.
        preferences = QSettings(str(tmp / "preferences.ini"), QSettings.Format.IniFormat)
        window = MainWindow(service, make_llm, lambda _key: None, preferences_store=preferences)
        window.setWindowIcon(icon)
        window.show()
        await window.start()
        await window.open_session(session.session_id)
        item = MessageItem(Role.ASSISTANT, MARKDOWN_REPLY)
        window.transcript_model.append(item)  # the path a finished streamed reply takes
        for _ in range(5):
            # The loop paints while it waits. Not processEvents(): inside a task it would run
            # other tasks' first steps re-entrantly, which asyncio refuses (and they never run).
            await asyncio.sleep(0.02)

        step("render")
        result["window"] = _check_rendered(window, item)
        window.close()
        await window.wait_idle()
        await llm.close()
        await store.close()

    try:
        with loop:
            loop.run_until_complete(asyncio.wait_for(exercise(), TIMEOUT_SECONDS))
    finally:
        asyncio.set_event_loop(None)
    return f"{modules} modules, {result['window']}, resources in {resources}"


def _check_rendered(window: MainWindow, item: MessageItem) -> str:
    from PySide6.QtGui import QColor

    image = window.grab().toImage()
    screenshot = os.environ.get("DESKTOP_CHAT_SELFTEST_SCREENSHOT")  # to look at what was drawn
    if screenshot:
        image.save(screenshot)
    check(
        not image.isNull() and image.width() > 200 and image.height() > 200,
        f"the window grabbed as {image.width()}x{image.height()}",
    )
    colours = {
        image.pixel(x, y) for y in range(0, image.height(), 4) for x in range(0, image.width(), 4)
    }
    check(len(colours) > 50, f"the window looks blank ({len(colours)} colours)")

    document = item.document
    if document is None:
        raise SelfTestFailed("the assistant bubble was never laid out")
    text = document.toPlainText()
    check("bold" in text and "**" not in text, "the Markdown was not rendered")
    check("Hello, {name}!" in text, "the code block is missing from the bubble")

    # The bubble as the transcript's viewport paints it: its fill, and text drawn on it.
    view = window.transcript
    view.scrollToBottom()
    row = view.visualRect(window.transcript_model.index_of(item))
    check(row.height() > 20, "the assistant bubble has no size in the transcript")
    bubble = view.viewport().grab(row).toImage()
    fill = QColor(window.theme.assistant_bubble)
    fill_pixels = ink_pixels = 0
    for y in range(bubble.height()):
        for x in range(bubble.width()):
            pixel = bubble.pixel(x, y)
            red, green, blue = (pixel >> 16) & 255, (pixel >> 8) & 255, pixel & 255
            distance = abs(red - fill.red()) + abs(green - fill.green()) + abs(blue - fill.blue())
            fill_pixels += distance == 0
            ink_pixels += distance > 150
    check(fill_pixels > 1000, "no assistant bubble was painted")
    check(ink_pixels > 200, f"the assistant bubble shows no text ({ink_pixels} text pixels)")
    return f"window {image.width()}x{image.height()}, bubble {row.width()}x{row.height()}"


def _import_all_modules() -> int:
    """Import every module of the app: one that imports a package or a Qt module the bundle
    left out fails here, not when the user opens that part of the app."""
    import importlib
    import pkgutil

    import desktop_chat

    names = [
        module.name
        for module in pkgutil.walk_packages(desktop_chat.__path__, "desktop_chat.")
        if module.name != "desktop_chat.__main__"
    ]
    check(len(names) >= 10, f"found only {len(names)} modules of the app: {names}")
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise SelfTestFailed(f"{name} cannot be imported: {error}") from error
    return len(names)


def _check_keyring_backends() -> None:
    """keyring finds its backends through package metadata, which a bundle must carry."""
    from importlib.metadata import entry_points

    backends = entry_points(group="keyring.backends")
    check(backends, "no keyring backends: the key could not be kept in the OS keychain")
    loaded = []
    for backend in backends:
        try:
            backend.load()
            loaded.append(backend.name)
        except Exception:  # noqa: BLE001 - a backend for another OS may fail to import; keyring skips those
            continue
    check(loaded, "no keyring backend could be imported")
