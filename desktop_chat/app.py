"""Start-up: settings, the QApplication with its qasync loop, the store, the window."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

from desktop_chat import APP_ID, APP_NAME, __version__, logs
from desktop_chat.core.chat import ChatService, ChatSettings
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.settings import Settings, log_dir, save_key_to_keychain
from desktop_chat.store.base import StoreError
from desktop_chat.ui import quick_enums

# The layers below the window come in with this module, before PySide6: PySide reads the source
# of every module imported after it (looking for `from __feature__ import ...`). None imports Qt.

# Before PySide6 is imported: it builds Qt's enums as Python enums, in fewer steps with this
# (ui/quick_enums.py: the same classes, ~70 ms less start-up).
quick_enums.install()

log = logging.getLogger("desktop_chat")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="desktop-chat",
        description=f"{APP_NAME}: a desktop AI assistant that streams Groq replies and keeps "
        "every session in a local SQLite database.",
        epilog="Configuration: GROQ_API_KEY, GROQ_MODEL, GROQ_VISION_MODEL, GROQ_BASE_URL, "
        "MEMORY_TURNS, "
        "DESKTOP_CHAT_DATA_DIR, read from the environment or a .env file.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window offscreen on a temporary database, draw a reply, "
        "and exit 0 if all went well (checks an installed bundle)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING"),
        help="how much goes to the log file (default INFO; message text and keys are never logged)",
    )
    parser.add_argument(
        "--quick-ask",
        action="store_true",
        help="open the quick-ask window of the running app (starting it if need "
        "be): bind this command to a key where the app cannot grab one itself",
    )
    return parser.parse_args(argv)


def _attach_console() -> None:
    """A windowed Windows build has no stdout: print --version/--self-test to the calling
    console."""
    if sys.platform != "win32" or sys.stdout is not None:
        return
    try:
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
            sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if {"--version", "--self-test", "-h", "--help"} & set(arguments):
        _attach_console()
    args = parse_args(arguments)
    if args.self_test:
        from desktop_chat.selftest import run_self_test

        return run_self_test()

    # No collections until the window has painted: start-up allocates only what lives as long
    # as the app, and the collector would walk it several times (~20 ms) to find nothing.
    gc.disable()
    log_file = logs.setup_logging(log_dir(), level=args.log_level)

    # Only what the first paint needs is imported before it: the groq SDK, httpx and the
    # Supabase client (~250 ms together) load after it, on a worker thread (see `run`).
    from PySide6.QtWidgets import QApplication, QMessageBox

    _tell_pyside_which_modules_use_it()  # before the modules it would read
    import qasync

    from desktop_chat.ui.app_icon import ICON_NAME, app_icon
    from desktop_chat.ui.first_intent import FirstIntent
    from desktop_chat.ui.language import chosen_language, install_language
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.plain_text import show_plain_message
    from desktop_chat.ui.single_instance import ACTIVATE, QUICK_ASK, SingleInstance, bring_forward
    from desktop_chat.ui.tray import install_tray

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_ID)
    app.setOrganizationName(APP_ID)  # QSettings: ~/.config/DesktopChat/DesktopChat.conf on Linux
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(ICON_NAME)  # Wayland matches the window to desktop_chat.desktop by this
    app.setWindowIcon(app_icon(largest=256))
    from PySide6.QtCore import QCoreApplication, QSettings

    translate = QCoreApplication.translate
    locale = install_language(chosen_language(QSettings()))  # before any widget is built
    # The keychain is read after the first paint (`_key_from_keychain`): keyring's import
    # alone costs ~0.1 s of CPU, and a locked keychain may wait on the user.
    settings = Settings.load(keychain=False)
    for secret in (settings.groq_api_key, settings.supabase_key):
        logs.add_secret(secret)
    log.info(
        "%s %s starting (%s, %s); data in %s; logs in %s",
        APP_NAME,
        __version__,
        "bundle" if getattr(sys, "frozen", False) else "source",
        locale.name(),
        settings.data_dir,
        log_file,
    )

    # One window per data folder: a second start brings the first one forward and exits.
    instance = SingleInstance(settings.data_dir, app)
    if instance.activate_running(message=QUICK_ASK if args.quick_ask else ACTIVATE):
        log.info(
            "%s is already running on this data folder; %s",
            APP_NAME,
            "asked it for its quick-ask window" if args.quick_ask else "brought its window forward",
        )
        return 0
    instance.listen()

    def make_llm(key: str) -> GroqClient:
        logs.add_secret(key)  # a key typed into the app is redacted from the logs too
        return GroqClient(key, model=settings.groq_model, base_url=settings.groq_base_url)

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # Opening the store reads the whole file once (the damage check): O(history), so it waits
    # for the first paint, then runs on a worker thread (sqlite releases the GIL meanwhile).
    # Two: the keychain is read while the store opens.
    workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="start-up")
    store_ready = loop.create_future()
    llm = make_llm(settings.groq_api_key) if settings.groq_api_key else None
    chat_settings = ChatSettings(
        memory_turns=settings.memory_turns,
        vision_model=settings.groq_vision_model,
        model=settings.groq_model,  # the default the saved preferences start from
    )
    service = ChatService(_StoreOpening(store_ready), llm, chat_settings)
    read_keychain = llm is None  # no GROQ_API_KEY in the environment or a config file
    if read_keychain:
        service.expect_llm()  # the welcome page names its model meanwhile
    closed = asyncio.Event()
    # Quitting waits for the loop: a reply being cancelled must still save what arrived.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(closed.set)

    def save_key(key: str) -> None:  # bound to the address it is used with now
        save_key_to_keychain(key, base_url=settings.groq_base_url)

    # The first paint shows the welcome page (a session opens once the store has): the
    # transcript and its modules (~60M instructions) are built right after it (`run`).
    window = MainWindow(
        service, make_llm, save_key, key_source=settings.key_source, transcript_later=True
    )
    instance.activated.connect(lambda: bring_forward(window))
    instance.quick_ask_requested.connect(window.quick_ask)
    window.closing.connect(closed.set)  # the quick-ask window may still be open then
    install_tray(window)  # where the desktop has a tray
    first_paint = _after_first_paint(window)
    window.show()
    if args.quick_ask:
        window.quick_ask()

    async def run() -> int:
        await first_paint
        window.build_transcript()
        reading = None
        if read_keychain:
            reading = asyncio.ensure_future(_key_from_keychain(settings, window, workers, make_llm))
        # After the paint: python-xlib's import runs `uname -p`, and the grab waits on the server;
        # the module and its key tables are imported here too, for the same reason.
        from desktop_chat.ui.global_hotkey import install_quick_ask_hotkey

        hotkey = install_quick_ask_hotkey(window)  # else Settings says how to bind one
        # An idle window wakes no one: the caret stops blinking 5 s after the last input.
        from desktop_chat.ui.caret_rest import CaretRest

        caret_rest = CaretRest(app)  # noqa: F841 - held while the app runs
        try:
            store = await loop.run_in_executor(workers, _open_store, settings.db_path)
        except StoreError as error:
            store_ready.cancel()
            if reading is not None:
                reading.cancel()
            show_plain_message(QMessageBox.Icon.Critical, window, APP_NAME, str(error))
            window.close()
            return 1
        service.store = store
        if store.moved_aside is not None:
            notice = translate(
                "App",
                "The chat database was damaged, so it was moved to {path} "
                "and a fresh one was started.",
            ).format(path=store.moved_aside)
            show_plain_message(QMessageBox.Icon.Warning, window, APP_NAME, notice)
            window.show_status(notice)
        store_ready.set_result(store)  # calls made meanwhile go on, after the notice
        await window.start(list_models=False)
        from desktop_chat.ui.first_reply_classes import name_first_reply_classes

        await name_first_reply_classes()  # else the first reply's first frames build them
        # The first reply should not pay for the SDK's imports and TLS set-up, but an idle window
        # should not hold them either (~28 MB): they load on a worker thread once the user starts
        # a message (ui/first_intent.py), with the model list, which needs them.
        intent = loop.create_future()
        if args.quick_ask or window.quick_ask_window is not None:  # opened while starting
            intent.set_result(None)
        # However it opens (the global hotkey, the tray, a second instance), a quick question is
        # on its way: its first reply should not pay for the SDK either.
        window.quick_ask_opened.connect(lambda: intent.done() or intent.set_result(None))
        about_to_ask = FirstIntent(  # noqa: F841 - held while the app runs
            [window.model_picker],
            lambda: intent.done() or intent.set_result(None),
            typed_into=window.composer.edit,
        )
        # The parsers and lexers a session's first render needs, built before the click on it.
        from desktop_chat.ui.markdown import warm_up_lexers

        about_to_read = FirstIntent(  # noqa: F841 - held while the app runs
            [window.sessions.list.viewport(), window.transcript.viewport()], warm_up_lexers
        )
        warming = asyncio.ensure_future(
            _warm_up_for_the_first_reply(intent, service, window, workers)
        )
        engine = None
        if settings.supabase_url and settings.supabase_key:
            from desktop_chat.store.sync import start_sync

            engine = await start_sync(settings, store)
        if engine is not None:
            window.attach_sync(engine)
        # What start-up made lives as long as the app: out of the collector's sight, a full
        # collection (every few seconds while a reply streams) takes ~0.1 ms instead of ~40.
        gc.freeze()
        gc.enable()
        await closed.wait()
        warming.cancel()
        if reading is not None:
            reading.cancel()
        if hotkey is not None:
            hotkey.release()
        await window.wait_idle()
        if engine is not None:
            await engine.stop()
        if service.llm is not None:
            await service.llm.close()
        await store.close()
        instance.close()
        return 0

    try:
        with loop:
            return loop.run_until_complete(run())
    finally:
        workers.shutdown(wait=False)


async def _key_from_keychain(settings, window, workers, make_llm) -> None:
    """The key saved in the keychain, read on a worker thread after the first paint, handed
    to the service the window expects it in (ChatService.expect_llm); a key saved for another
    address than GROQ_BASE_URL names now is used only if the user agrees."""
    loop = asyncio.get_running_loop()
    llm = None
    try:
        try:
            await loop.run_in_executor(workers, settings.read_keychain)
        except Exception:  # a keychain backend failing in a way keyring does not wrap
            log.exception("Could not read the API key from the keychain")
        logs.add_secret(settings.groq_api_key)
        logs.add_secret(settings.withheld_key)
        if settings.key_destination_changed:  # GROQ_BASE_URL is not where it was saved for
            from desktop_chat.ui.key_destination import ask_key_destination

            answer = loop.create_future()
            # (a cancelled read, at quit, no longer waits for the answer)
            ask_key_destination(
                settings, window, lambda send: answer.done() or answer.set_result(send)
            )
            if await answer:
                await loop.run_in_executor(workers, settings.release_withheld_key)
            else:
                log.warning(
                    "Did not send the saved key to %s (it was saved for another address)",
                    settings.groq_base_url,
                )
        if settings.groq_api_key and window.service.llm is None:  # else one was typed meanwhile
            window.settings_ctl.key_source = settings.key_source
            llm = make_llm(settings.groq_api_key)
    finally:
        window.service.llm_came(llm)
        window.refresh_welcome()


async def _warm_up_for_the_first_reply(intent, service, window, workers) -> None:
    """Once the user starts a message: the Groq client built (imports, TLS), the model list
    asked for, the common lexers built; then what they made is frozen out of the collector's
    sight, like the rest of start-up (see `run`)."""
    from desktop_chat.ui.markdown import warm_up_lexers

    await intent
    await service.llm_known()
    if service.llm is not None:
        try:
            await asyncio.get_running_loop().run_in_executor(workers, service.llm.warm_up)
        except Exception:  # the first reply will load it, and report what fails
            log.exception("Could not prepare the Groq client ahead of the first reply")
        window.settings_ctl.load_model_list_soon()
    warm_up_lexers()  # a daemon thread: nothing waits for it
    gc.freeze()


def _tell_pyside_which_modules_use_it() -> None:
    """PySide notes, for each module first imported after it, whether its source names PySide6
    (`__feature__` switching leaves modules that do not alone), through inspect.getsource,
    which walks sys.modules each time: ~45M instructions for the window's ~110 modules. The
    same test on the module's file, read as it is, costs a fraction; a module without a .py
    file gets PySide's own."""
    feature = sys.modules.get("PySide6.support.feature")
    stock = getattr(feature, "_mod_uses_pyside", None)
    if stock is None:  # another PySide: it keeps its own way
        return

    def uses_pyside(module: object) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(stock(module))

    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


def _open_store(path):
    """The SQLite store, opened on the start-up worker thread. Its module and sqlite3 are
    imported here too, after the paint (~35M instructions): nothing before it needs them."""
    from desktop_chat.store.sqlite import SQLiteStore

    return SQLiteStore(path)


class _StoreOpening:
    """Stands in for the store while it opens on a worker thread: a call waits for it."""

    def __init__(self, ready: asyncio.Future) -> None:
        self._ready = ready

    def __getattr__(self, name: str):
        async def call(*args, **kwargs):
            store = await asyncio.shield(self._ready)
            return await getattr(store, name)(*args, **kwargs)

        return call


def _after_first_paint(window, at_most: float = 2.0) -> asyncio.Future:
    """A future done once `window` has painted and the event loop is free again; or after
    `at_most` seconds, should the window never paint (e.g. started minimized).

    It watches the window's own events, not the application's: PySide wraps every object an
    application-wide Python filter sees, and the first one of a type it has no wrapper for
    makes it build the Python class of every QObject subclass it knows (~40 ms of start-up).
    The window paints itself first (its children after it, in the same turn)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    done = asyncio.get_event_loop().create_future()

    def finish() -> None:
        window.removeEventFilter(watcher)
        if not done.done():
            done.set_result(None)

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, finish)
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    QTimer.singleShot(int(at_most * 1000), finish)
    return done
