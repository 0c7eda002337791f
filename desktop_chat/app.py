"""Start-up: settings, the QApplication with its qasync loop, the store, the window."""

from __future__ import annotations

import argparse
import asyncio
import gc
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
    parser.add_argument("--self-test", action="store_true",
                        help="open the window offscreen on a temporary database, draw a reply, "
                        "and exit 0 if all went well (checks an installed bundle)")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING"),
                        help="how much goes to the log file (default INFO; message text and keys "
                        "are never logged)")
    parser.add_argument("--quick-ask", action="store_true",
                        help="open the quick-ask window of the running app (starting it if need "
                        "be): bind this command to a key where the app cannot grab one itself")
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

    from desktop_chat import logs
    from desktop_chat.settings import log_dir

    log_file = logs.setup_logging(log_dir(), level=args.log_level)

    import qasync
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_chat.core.chat import ChatService, ChatSettings
    from desktop_chat.llm.groq_client import GroqClient
    from desktop_chat.settings import Settings, save_key_to_keychain
    from desktop_chat.store.base import StoreError
    from desktop_chat.store.sqlite import SQLiteStore
    from desktop_chat.store.sync import start_sync
    from desktop_chat.ui.app_icon import ICON_NAME, app_icon
    from desktop_chat.ui.global_hotkey import install_quick_ask_hotkey
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.markdown import warm_up_lexers
    from desktop_chat.ui.plain_text import show_plain_message
    from desktop_chat.ui.single_instance import ACTIVATE, QUICK_ASK, SingleInstance, bring_forward
    from desktop_chat.ui.tray import install_tray

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_ID)
    app.setOrganizationName(APP_ID)  # QSettings: ~/.config/DesktopChat/DesktopChat.conf on Linux
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(ICON_NAME)  # Wayland matches the window to desktop_chat.desktop by this
    app.setWindowIcon(app_icon())
    settings = Settings.load()
    if settings.key_destination_changed:  # GROQ_BASE_URL is not where the key was saved for
        from desktop_chat.ui.key_destination import confirm_key_destination

        if confirm_key_destination(settings):
            settings.release_withheld_key()
        else:
            log.warning("Did not send the saved key to %s (it was saved for another address)",
                        settings.groq_base_url)
    for secret in (settings.groq_api_key, settings.withheld_key, settings.supabase_key):
        logs.add_secret(secret)
    log.info("%s %s starting (%s); data in %s; logs in %s", APP_NAME, __version__,
             "bundle" if getattr(sys, "frozen", False) else "source", settings.data_dir, log_file)

    # One window per data folder: a second start brings the first one forward and exits.
    instance = SingleInstance(settings.data_dir, app)
    if instance.activate_running(message=QUICK_ASK if args.quick_ask else ACTIVATE):
        log.info("%s is already running on this data folder; %s", APP_NAME,
                 "asked it for its quick-ask window" if args.quick_ask
                 else "brought its window forward")
        return 0
    instance.listen()

    try:
        store = SQLiteStore(settings.db_path)
    except StoreError as error:
        show_plain_message(QMessageBox.Icon.Critical, None, APP_NAME, str(error))
        return 1
    notice = None
    if store.moved_aside is not None:
        notice = (f"The chat database was damaged, so it was moved to {store.moved_aside} "
                  "and a fresh one was started.")

    def make_llm(key: str) -> GroqClient:
        logs.add_secret(key)  # a key typed into the app is redacted from the logs too
        return GroqClient(key, model=settings.groq_model, base_url=settings.groq_base_url)

    llm = make_llm(settings.groq_api_key) if settings.groq_api_key else None
    service = ChatService(store, llm, ChatSettings(memory_turns=settings.memory_turns))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    # Quitting waits for the loop: a reply being cancelled must still save what arrived.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(closed.set)

    def save_key(key: str) -> None:  # bound to the address it is used with now
        save_key_to_keychain(key, base_url=settings.groq_base_url)

    window = MainWindow(service, make_llm, save_key, notice=notice,
                        key_source=settings.key_source)
    instance.activated.connect(lambda: bring_forward(window))
    instance.quick_ask_requested.connect(window.quick_ask)
    window.closing.connect(closed.set)  # the quick-ask window may still be open then
    install_tray(window)  # where the desktop has a tray
    hotkey = install_quick_ask_hotkey(window)  # X11; otherwise Settings says how to bind one
    if notice:
        show_plain_message(QMessageBox.Icon.Warning, window, APP_NAME, notice)
    window.show()
    if args.quick_ask:
        window.quick_ask()
    warm_up_lexers()

    async def run() -> None:
        await window.start()
        # What start-up made lives as long as the app: out of the collector's sight, a full
        # collection (every few seconds while a reply streams) takes ~0.1 ms instead of ~40.
        gc.freeze()
        engine = await start_sync(settings, store)  # None unless Supabase is configured
        if engine is not None:
            window.attach_sync(engine)
        await closed.wait()
        if hotkey is not None:
            hotkey.release()
        await window.wait_idle()
        if engine is not None:
            await engine.stop()
        if service.llm is not None:
            await service.llm.close()
        await store.close()
        instance.close()

    with loop:
        loop.run_until_complete(run())
    return 0
