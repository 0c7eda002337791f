#!/usr/bin/env python3
"""Takes the README screenshots of a demo conversation in a real X11 window, into docs/.

Usage: python scripts/screenshot.py [--theme dark|light|all] [--out docs] [--size 1180x780]
                                    [--language de] [--settings]

--language shows the window in that language (ui/language.py; the files get a -de suffix);
--settings also takes each section of the Settings dialog (settings-<n>[-de]-<theme>.png).

The window runs on the xcb platform, and the picture is what the X server shows
(QScreen.grabWindow), as a person would see it. Without a DISPLAY it starts its own Xvfb with
a window manager (tests/support/xserver.py; Debian's xvfb, openbox and x11-utils).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.chat import ChatService  # noqa: E402
from desktop_chat.models import Event, EventType, Session, utc_now  # noqa: E402
from desktop_chat.store.sqlite import SQLiteStore  # noqa: E402

DEMO_REPLY = """Here is a small, fast way to **debounce** a function in Python:

```python
import asyncio

def debounce(delay):
    def wrap(fn):
        task = None
        def call(*args):
            nonlocal task
            if task: task.cancel()
            task = asyncio.get_running_loop().call_later(delay, fn, *args)
        return call
    return wrap
```

Why it works:
1. Each call cancels the pending one.
2. Only the last call within `delay` seconds runs.

| approach | cost per call |
|---|---|
| timer reset | O(1) |
| polling | O(n) |
"""


class OfflineModel:
    """Stands in for Groq so the screenshot needs no network and shows no key dialog."""

    model = "llama-3.1-8b-instant"

    async def close(self) -> None:
        return None


async def seed(store: SQLiteStore) -> str:
    now = utc_now()
    titles = [
        "Weekend trip to Lisbon",
        "Regex for ISO dates",
        "Explain CRDTs simply",
        "Draft: release notes 0.1",
    ]
    for age, title in enumerate(titles, start=1):
        session = Session(title=title, start_time=now - timedelta(hours=age * 7))
        await store.create_session(session)
        await store.add_event(
            Event(
                session.session_id,
                EventType.USER_MESSAGE,
                {"text": title},
                timestamp=now - timedelta(hours=age * 7),
            )
        )
        store._db.execute(
            "UPDATE sessions SET updated_at = ? WHERE session_id = ?",
            (
                (now - timedelta(hours=age * 7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                session.session_id,
            ),
        )
    session = Session(title="Debounce in Python")
    await store.create_session(session)
    # A chain, as the app writes one: the reply follows the question (the shown branch).
    question = Event(
        session.session_id,
        EventType.USER_MESSAGE,
        {"text": "How do I debounce a function in Python? Keep it short."},
    )
    await store.add_event(question)
    await store.add_event(
        Event(
            session.session_id,
            EventType.AI_RESPONSE,
            {"text": DEMO_REPLY, "model": "llama-3.1-8b-instant"},
            parent_id=question.event_id,
        )
    )
    return session.session_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--theme", default="all", choices=["dark", "light", "all"])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs"))
    parser.add_argument("--size", default="1180x780", help="the window's size, WIDTHxHEIGHT")
    parser.add_argument("--language", help="en or de (default: the source text, English)")
    parser.add_argument("--settings", action="store_true", help="also each Settings section")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    x_server = None
    if not os.environ.get("DISPLAY"):
        from tests.support.xserver import XServer

        # Room around the window for the window manager's frame: on a screen just the
        # window's size, the window fits itself inside and the grab shows black beyond it.
        x_server = XServer(screen=f"{max(1400, width + 100)}x{max(900, height + 100)}x24").start()
        os.environ["DISPLAY"] = x_server.display
    os.environ["QT_QPA_PLATFORM"] = "xcb"

    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QCursor
    from PySide6.QtWidgets import QApplication

    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.preferences import Preferences

    app = QApplication.instance() or QApplication(sys.argv)
    suffix = ""
    if args.language:
        from desktop_chat.ui.language import install_language

        install_language(args.language)
        suffix = f"-{args.language}"
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    themes = ["dark", "light"] if args.theme == "all" else [args.theme]

    async def shoot(theme_name: str) -> Path:
        with tempfile.TemporaryDirectory() as folder:
            store = SQLiteStore(Path(folder) / "chat.db")
            session_id = await seed(store)
            service = ChatService(store, OfflineModel())
            preferences = QSettings(
                str(Path(folder) / "preferences.ini"), QSettings.Format.IniFormat
            )
            Preferences(theme=theme_name).save(preferences)
            window = MainWindow(
                service, lambda key: OfflineModel(), lambda key: None, preferences_store=preferences
            )
            window.resize(width, height)
            window.window_state.fit_to_screen(center=True)  # the new size, on the screen
            window.show()
            await window.start()
            await window.open_session(session_id)
            window.composer.edit.setPlainText("Can you add a type-annotated version?")
            QCursor.setPos(0, 0)  # no hover effects in the picture
            for _ in range(10):
                app.processEvents()
                await asyncio.sleep(0.05)
            path = out / (
                f"screenshot{suffix}.png"
                if theme_name == "dark"
                else f"screenshot{suffix}-{theme_name}.png"
            )
            screen = window.screen()
            screen.grabWindow(int(window.winId())).save(str(path))
            if args.settings:
                window.settings_ctl.open_settings()
                dialog = window.settings_ctl.settings_dialog
                for index in range(dialog.tabs.count()):
                    dialog.tabs.setCurrentIndex(index)
                    for _ in range(6):
                        await asyncio.sleep(0.05)
                    shot = out / f"settings-{index}{suffix}-{theme_name}.png"
                    screen.grabWindow(int(dialog.winId())).save(str(shot))
                dialog.reject()
            window.close()
            await store.close()
            return path

    async def shoot_all() -> None:
        for theme_name in themes:
            print(f"wrote {await shoot(theme_name)}")

    try:
        with loop:
            loop.run_until_complete(shoot_all())
    finally:
        if x_server is not None:
            x_server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
