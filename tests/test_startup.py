"""Start-up paints first: the store, the groq SDK and the Supabase client come after the paint.

The real `desktop_chat.app.main` runs in a child process (offscreen, and on xcb in the
real-window pass) with a watcher that notes,
at the window's first paint, which heavy modules are loaded and whether the store is open yet;
then, once the sessions are listed, that the idle window still has not loaded the SDK or the
Markdown parsers; that the pointer coming over the session list builds the parsers and lexers
(not the SDK); then it types a letter and waits, sending nothing, for the Groq client to be
warmed up ahead of the first reply.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_chat.settings import DEFAULT_MODEL
from tests.support.app_process import app_environment
from tests.support.file_keyring import keychain_file
from tests.support.groq_server import FakeGroqServer

# A watcher's lines that note the name of each Python enum built from here on (`built`),
# after desktop_chat.app has installed its own builder (ui/quick_enums.py): that one is noted.
RECORD_ENUMS = """
built = []
import desktop_chat.app
create = enum.EnumType._create_
def record(cls, class_name, *args, **kwargs):
    built.append(class_name)
    return create(cls, class_name, *args, **kwargs)
enum.EnumType._create_ = record
"""

WATCHER = (
    r"""
import enum, json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

HEAVY = ("groq", "httpx", "supabase", "pydantic", "markdown_it", "pygments", "keyring")
# Enums PySide builds when QStyle and QAccessible are first named (ui/first_reply_classes.py).
FIRST_REPLY_ENUMS = {"PrimitiveElement", "AnnouncementPoliteness"}
"""
    + RECORD_ENUMS
    + r"""app = QApplication(sys.argv[:1])
seen = {}

def main_window():
    return next((w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow"), None)

class Watcher(QObject):
    def eventFilter(self, watched, event):
        window = main_window()
        if (event.type() == QEvent.Type.Paint and window is not None and watched.isWidgetType()
                and watched.window() is window and "painted" not in seen):
            seen["painted"] = {
                "loaded": [m for m in HEAVY if m in sys.modules],
                "store": type(window.service.store).__name__,
                "first_reply_enums": sorted(FIRST_REPLY_ENUMS & set(built)),
            }
        return False

watcher = Watcher()
app.installEventFilter(watcher)
started = time.monotonic()

def poll():
    window = main_window()
    llm = window.service.llm if window is not None else None
    warmed = llm is not None and llm._sdk_client is not None and "groq" in sys.modules
    listed = window is not None and window.sessions.list.model().rowCount() > 0
    if listed and "idle" not in seen:
        seen["idle"] = {"since": time.monotonic()}
    idle = seen.get("idle")
    if idle is not None and "hovered" not in seen and time.monotonic() - idle["since"] > 1.5:
        # Start-up is over and nobody came near: the SDK and the parsers are still not loaded.
        # Now the pointer comes over the session list.
        idle["loaded"] = [m for m in HEAVY if m in sys.modules]
        idle["first_reply_enums"] = sorted(FIRST_REPLY_ENUMS & set(built))
        seen["hovered"] = {}
        QApplication.sendEvent(window.sessions.list.viewport(), QEvent(QEvent.Type.Enter))
    from desktop_chat.ui import markdown
    hovered = seen.get("hovered")
    if hovered is not None and "typed" not in seen and markdown.lexer_for.cache_info().currsize:
        # The parsers and lexers are built (in the background) before any click: now type.
        markdown.warm_up_lexers().join()
        hovered["loaded"] = [m for m in HEAVY if m in sys.modules]
        hovered["parsers"] = markdown._parser.cache_info().currsize
        seen["typed"] = True
        window.composer.edit.insertPlainText("H")
    if warmed and "typed" not in seen:
        seen["warmed_before_typing"] = True
    if (warmed and "typed" in seen) or time.monotonic() - started > 20:
        seen["warmed"] = warmed
        seen["store_after"] = type(window.service.store).__name__ if window else None
        seen["sessions_listed"] = window.sessions.list.model().rowCount() if window else None
        print(json.dumps(seen), flush=True)
        window.close()
    else:
        QTimer.singleShot(20, poll)

QTimer.singleShot(20, poll)
from desktop_chat.app import main
sys.exit(main([]))
"""
)


def make_history(data_dir: Path, sessions: int) -> None:
    import asyncio

    from desktop_chat.models import Event, EventType, Session
    from desktop_chat.store.sqlite import SQLiteStore

    async def fill() -> None:
        store = SQLiteStore(data_dir / "chat.db")
        for i in range(sessions):
            session = Session(title=f"Session {i}")
            await store.create_session(session)
            await store.add_event(
                Event(session.session_id, EventType.USER_MESSAGE, {"text": f"question {i}"})
            )
        await store.close()

    data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(fill())


def watch_start(
    tmp_path: Path,
    groq_server: FakeGroqServer,
    watcher: str,
    platform: str = "offscreen",
    sessions: int = 0,
    keychain: dict[str, str] | None = None,
) -> tuple[dict, str]:
    """Start the app under `watcher` (a script that prints a JSON report as its last line) on a
    fresh data dir holding `sessions` of history; the report and the app's stderr. The key is
    in the environment, or with `keychain` (tests/support/file_keyring.py) only there."""
    data_dir, home = tmp_path / "data", tmp_path / "home"
    home.mkdir()
    if sessions:
        make_history(data_dir, sessions)
    key = {"GROQ_API_KEY": groq_server.api_key} if keychain is None else keychain
    env = app_environment(
        home, data_dir, GROQ_BASE_URL=groq_server.base_url, QT_QPA_PLATFORM=platform, **key
    )
    done = subprocess.run(
        [sys.executable, "-c", watcher],
        env=env,
        cwd=home,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.mark.parametrize(
    "platform", ["offscreen", pytest.param("xcb", marks=pytest.mark.real_window)]
)
def test_the_window_paints_before_the_store_and_the_sdk_then_warms_the_client(
    tmp_path: Path, groq_server: FakeGroqServer, platform: str
) -> None:
    seen, stderr = watch_start(tmp_path, groq_server, WATCHER, platform, sessions=30)
    # The first paint waited for none of it: no SDK, no Supabase, no Markdown parser or lexers,
    # no keychain (the key is in the environment), and the store still opening.
    assert seen["painted"]["loaded"] == []
    assert seen["painted"]["store"] == "_StoreOpening"
    # The Qt classes the first reply names are named after the paint, before any reply.
    assert "AnnouncementPoliteness" not in seen["painted"]["first_reply_enums"]
    assert seen["idle"]["first_reply_enums"] == ["AnnouncementPoliteness", "PrimitiveElement"]
    # Afterwards the store is the real one and the sessions are listed; the idle window has not
    # loaded the SDK (~28 MB); the first letter typed builds the Groq client, with its
    # imports, before any reply was asked for.
    assert seen["store_after"] == "SQLiteStore"
    assert seen["sessions_listed"] == 30
    assert seen["idle"]["loaded"] == [] and "warmed_before_typing" not in seen
    # The pointer over the session list builds the Markdown parsers and lexers, not the SDK.
    assert seen["hovered"] == {"loaded": ["markdown_it", "pygments"], "parsers": 2}
    assert seen["warmed"] is True
    # The warm-up sends nothing (the window itself asks for the model list at start).
    assert [r["path"] for r in groq_server.request_log] in ([], ["/openai/v1/models"])
    assert "Traceback" not in stderr


KEYCHAIN_WATCHER = r"""
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog

app = QApplication(sys.argv[:1])
seen = {}
started = time.monotonic()

def main_window():
    return next((w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow"), None)

class Watcher(QObject):
    def eventFilter(self, watched, event):
        window = main_window()
        if (event.type() == QEvent.Type.Paint and window is not None and watched is window
                and "painted" not in seen):
            seen["painted"] = {
                "keyring": "keyring" in sys.modules,
                "welcome": window.welcome.model_label.text(),
            }
        return False

watcher = Watcher()
app.installEventFilter(watcher)

def poll():
    window = main_window()
    llm = window.service.llm if window is not None else None
    listed = window is not None and window.sessions.list.model().rowCount() > 0
    asking = any(type(w).__name__ == "ApiKeyDialog" and w.isVisible()
                 for w in app.topLevelWidgets())
    if llm is not None and listed and "typed" not in seen:
        seen["typed"] = True
        window.composer.edit.insertPlainText("H")  # the first sign of a message: warm up
    warmed = llm is not None and llm._sdk_client is not None
    if warmed or asking or time.monotonic() - started > 20:
        seen["warmed"] = warmed
        seen["key"] = llm._api_key if llm is not None else None
        seen["key_source"] = window.settings_ctl.key_source
        seen["welcome"] = window.welcome.model_label.text()
        seen["dialogs"] = [type(w).__name__ for w in app.topLevelWidgets()
                           if isinstance(w, QDialog) and w.isVisible()]
        print(json.dumps(seen), flush=True)
        window.close()
    else:
        QTimer.singleShot(20, poll)

QTimer.singleShot(20, poll)
from desktop_chat.app import main
sys.exit(main([]))
"""


@pytest.mark.parametrize(
    "platform", ["offscreen", pytest.param("xcb", marks=pytest.mark.real_window)]
)
def test_a_key_in_the_keychain_is_read_after_the_first_paint(
    tmp_path: Path, groq_server: FakeGroqServer, platform: str
) -> None:
    """keyring's import alone costs ~0.1 s: the window paints first, naming the model the
    keychain's key will answer with (not asking for a key), then the key comes and is used."""
    keychain = keychain_file(tmp_path, groq_server.api_key, saved_for=groq_server.base_url)
    seen, stderr = watch_start(
        tmp_path, groq_server, KEYCHAIN_WATCHER, platform, sessions=1, keychain=keychain
    )
    assert seen["painted"] == {"keyring": False, "welcome": f"Model: {DEFAULT_MODEL}"}
    assert seen["key"] == groq_server.api_key and seen["key_source"] == "keychain"
    assert seen["warmed"] is True  # the first letter typed built the client, as with GROQ_API_KEY
    assert seen["welcome"] == f"Model: {DEFAULT_MODEL}" and seen["dialogs"] == []
    assert "Traceback" not in stderr


def test_with_no_key_anywhere_the_window_asks_for_one_once_the_keychain_is_read(
    tmp_path: Path, groq_server: FakeGroqServer
) -> None:
    keychain = keychain_file(tmp_path, "", saved_for=None)
    seen, stderr = watch_start(
        tmp_path, groq_server, KEYCHAIN_WATCHER, sessions=1, keychain=keychain
    )
    assert seen["painted"]["keyring"] is False
    assert seen["key"] is None and seen["key_source"] == "none"
    assert seen["welcome"] == "Add a Groq API key to start chatting."
    assert seen["dialogs"] == ["ApiKeyDialog"]
    assert "Traceback" not in stderr


QUICK_ASK_WATCHER = r"""
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
seen = {}
started = time.monotonic()

def poll():
    window = next((w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow"), None)
    llm = window.service.llm if window is not None else None
    warmed = llm is not None and llm._sdk_client is not None
    if window is not None and window.sessions.list.model().rowCount() and "asked" not in seen:
        seen["asked"] = time.monotonic()
        seen["warmed_before"] = warmed
        window.quick_ask()  # what the global hotkey's press calls (ui/global_hotkey.py)
    if (warmed and "asked" in seen) or time.monotonic() - started > 20:
        seen["warmed"] = warmed
        print(json.dumps(seen), flush=True)
        window.close()
    else:
        QTimer.singleShot(20, poll)

QTimer.singleShot(20, poll)
from desktop_chat.app import main
sys.exit(main([]))
"""


def test_the_quick_ask_hotkey_warms_the_client_for_its_first_reply(
    tmp_path: Path, groq_server: FakeGroqServer
) -> None:
    seen, stderr = watch_start(tmp_path, groq_server, QUICK_ASK_WATCHER, sessions=3)
    assert seen["warmed_before"] is False  # the idle window had not built it
    assert seen["warmed"] is True, "opening quick ask did not warm the Groq client up"
    assert "Traceback" not in stderr


FIRST_PAINT_WATCHER = r"""
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QFrame

# What the first paint shows none of: built on first use, imported after the paint.
DEFERRED = ("desktop_chat.ui.settings_dialog", "desktop_chat.ui.command_palette",
            "desktop_chat.ui.quick_ask", "desktop_chat.ui.global_hotkey", "Xlib",
            "PySide6.QtNetwork", "groq", "pygments", "markdown_it")
app = QApplication(sys.argv[:1])

class Watcher(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and type(watched).__name__ == "MainWindow":
            app.removeEventFilter(self)
            print(json.dumps({
                "loaded": [m for m in DEFERRED if m in sys.modules],
                "palette_built": any(type(w).__name__ == "CommandPalette"
                                     for w in watched.findChildren(QFrame)),
                "composer_focused": watched.focusWidget() is watched.composer.edit,
            }), flush=True)
            QTimer.singleShot(0, watched.close)
        return False

watcher = Watcher()
app.installEventFilter(watcher)
from desktop_chat.app import main
sys.exit(main([]))
"""


@pytest.mark.parametrize(
    "platform", ["offscreen", pytest.param("xcb", marks=pytest.mark.real_window)]
)
def test_the_first_paint_builds_no_dialog_palette_or_hotkey(
    tmp_path: Path, groq_server: FakeGroqServer, platform: str
) -> None:
    painted, stderr = watch_start(tmp_path, groq_server, FIRST_PAINT_WATCHER, platform)
    # The Settings dialog and the command palette are imported and built when first opened, the
    # global hotkey (python-xlib) imported and installed after the paint; the single-instance
    # socket is Python's own (no QtNetwork); the SDK and the parsers come later.
    assert painted["loaded"] == []
    assert painted["palette_built"] is False
    # Usable at once: the keys go to the composer as soon as the window is active.
    assert painted["composer_focused"] is True
    assert "Traceback" not in stderr


SOURCE_SCAN_WATCHER = r"""
import inspect, json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

feature = sys.modules["PySide6.support.feature"]
stock = feature._mod_uses_pyside
read = []  # modules whose source inspect was asked for
getsource = inspect.getsource
def counted(module):
    read.append(module)
    return getsource(module)
inspect.getsource = counted
app = QApplication(sys.argv[:1])

class Watcher(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and type(watched).__name__ == "MainWindow":
            app.removeEventFilter(self)
            with_source = [m.__name__ for m in read[started:]
                           if getattr(m, "__file__", "").endswith(".py")]
            table = feature.pyside_feature_dict
            ours = [name for name in table if name.startswith("desktop_chat.")]
            print(json.dumps({
                "read": with_source,
                "noted": {name: table[name] for name in ours},
                "pyside_would_note": {name: 0 if stock(sys.modules[name]) else -1 for name in ours},
            }), flush=True)
            QTimer.singleShot(0, watched.close)
        return False

watcher = Watcher()
app.installEventFilter(watcher)
from desktop_chat.app import main
started = len(read)
sys.exit(main([]))
"""


def test_pyside_notes_which_modules_use_it_without_asking_inspect(
    tmp_path: Path, groq_server: FakeGroqServer
) -> None:
    seen, stderr = watch_start(tmp_path, groq_server, SOURCE_SCAN_WATCHER)
    # PySide's test of each module imported after it ran on the module's file (app.py), not
    # through inspect.getsource, and noted what its own would have. (Here PySide came first:
    # what main() imports before its own PySide import, for the log file, still went to it.)
    assert seen["read"] == ["shutil"]
    assert len(seen["noted"]) > 40  # the window's modules
    assert seen["noted"] == seen["pyside_would_note"]
    assert set(seen["noted"].values()) == {0, -1}  # ui modules, and core ones they import
    assert "Traceback" not in stderr


WIDGET_AFTER_PAINT = [
    "desktop_chat.ui.transcript.view",
    "desktop_chat.ui.transcript.model",
    "desktop_chat.ui.message_document",
    "desktop_chat.ui.markdown",
    "desktop_chat.ui.conversation_controller",
    "sqlite3",
    "desktop_chat.store.sqlite",
]
WIDGET_CLASSES_WATCHER = (
    r"""
import enum, json, sys
from PySide6.QtCore import QEvent, QObject, QTimer, Qt
from PySide6.QtWidgets import QApplication

# Enums of widget classes the window never names: PySide builds them (with the class of every
# QWidget subclass) the first time it is handed a widget Qt made, e.g. a scroll area's viewport.
EVERY_WIDGET_CLASS = {"WizardOption", "DragMode", "TickPosition"}
# Not before the paint: the log file rotates without logging.handlers (and the pickle it
# brings), tooltips escape with html once one is shown, the voice flows and audio code load
# at the first recording or reading aloud, the image and attachment code at the first one.
NOT_BEFORE_PAINT = (
    "logging.handlers",
    "pickle",
    "html",
    "desktop_chat.core.voice",
    "desktop_chat.ui.attachments",
)
# Built after the paint: the transcript, the Markdown code under it, the store's module.
AFTER_PAINT = ("desktop_chat.ui.transcript.view", "desktop_chat.ui.transcript.model",
               "desktop_chat.ui.message_document", "desktop_chat.ui.markdown",
               "desktop_chat.ui.conversation_controller", "sqlite3", "desktop_chat.store.sqlite")
"""
    + RECORD_ENUMS
    + r"""app = QApplication(sys.argv[:1])
seen = {}
after_first_paint = desktop_chat.app._after_first_paint

def watched_paint(window, at_most=2.0):
    # A filter on the window alone, as app.py's: an application-wide Python filter would hand
    # PySide every object (and so build every class) itself.
    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and "painted" not in seen:
                seen["painted"] = {
                    "every_widget_class": sorted(EVERY_WIDGET_CLASS & set(built)),
                    "loaded": [m for m in AFTER_PAINT if m in sys.modules],
                    "not_yet": [m for m in NOT_BEFORE_PAINT if m in sys.modules],
                    "transcript_built": window.transcript_built,
                    "page": window.chat_pages.currentWidget() is window.welcome,
                }
            return False
    window._test_first_paint = FirstPaint(window)
    window.installEventFilter(window._test_first_paint)
    done = after_first_paint(window, at_most)
    done.add_done_callback(lambda _: QTimer.singleShot(200, lambda: hover(window)))
    return done

def hover(window):
    # The pointer comes over the lists: their viewports now get hover events (rows light up).
    panel = window.sessions
    hovered = {}
    for name, view in (("list", panel.list), ("results", panel.results)):
        QApplication.sendEvent(view, QEvent(QEvent.Type.Enter))
        hovered[name] = view.viewport().testAttribute(Qt.WidgetAttribute.WA_Hover)
    seen["hovered"] = hovered
    seen["after"] = [m for m in AFTER_PAINT if m in sys.modules]
    seen["transcript_built"] = window.transcript_built
    seen["transcript_page"] = window.chat_pages.indexOf(window.transcript) >= 0
    print(json.dumps(seen), flush=True)
    window.close()

desktop_chat.app._after_first_paint = watched_paint
sys.exit(desktop_chat.app.main([]))
"""
)


@pytest.mark.parametrize(
    "platform", ["offscreen", pytest.param("xcb", marks=pytest.mark.real_window)]
)
def test_the_first_paint_shows_no_transcript_hands_python_no_widget_qt_made(
    tmp_path: Path, groq_server: FakeGroqServer, platform: str
) -> None:
    seen, stderr = watch_start(tmp_path, groq_server, WIDGET_CLASSES_WATCHER, platform, sessions=3)
    # No viewport made by Qt was asked for before the paint (the session lists set up their
    # hover when the pointer first comes, the transcript makes its own viewport, the composer
    # measures its inside): PySide had not yet built the class of every QWidget subclass.
    # The welcome page shows: the transcript (its modules, the Markdown code under them, the
    # conversation controller) is built right after the paint; the store's module and sqlite3
    # are imported on the worker thread that opens it.
    assert seen["painted"] == {
        "every_widget_class": [],
        "loaded": [],
        "not_yet": [],
        "transcript_built": False,
        "page": True,
    }
    assert seen["after"] == WIDGET_AFTER_PAINT
    assert seen["transcript_built"] is True and seen["transcript_page"] is True
    assert seen["hovered"] == {"list": True, "results": True}
    assert "Traceback" not in stderr
