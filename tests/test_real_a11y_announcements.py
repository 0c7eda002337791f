"""Screen readers (issue 15 item 5): what the app announces while the reader's focus stays in
the composer, heard over AT-SPI ("object:announcement") from the real app on the test's X
server: a finished reply, errors (a dropped connection, a rate limit and its countdown, a
rejected key), a stopped reply, saved settings, an exported session, a deleted session with
its Undo.
Errors are assertive (said at once), the rest polite; a countdown is said once, not each second.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.a11y import (
    Listener,
    a11y_session_fixture,  # noqa: F401 (the a11y_session fixture)
    wait_for_tree,
    xdotool,
)
from tests.support.app_process import AppProcess

pytestmark = pytest.mark.real_window


def announced(listener: Listener, start: str, timeout: float = 20) -> dict:
    """The next announcement that starts with `start` (others before it are passed over, and
    kept in `listener.passed` for the failure message)."""
    while (event := listener.next("announcement", timeout=timeout)) is not None:
        if event["text"].startswith(start):
            return event
        listener.passed.append(event["text"])
    raise AssertionError(f"no announcement {start!r}; heard {listener.passed}")


def ask(text: str) -> None:
    xdotool("key", "ctrl+l")  # the composer
    xdotool("type", "--delay", "20", text)
    xdotool("key", "Return")


def focus_on(listener: Listener, name: str, key: str = "Tab", presses: int = 8) -> None:
    """Press `key` until the focus is on the control called `name`."""
    seen = []
    for _ in range(presses):
        xdotool("key", key)
        focus = listener.next("focus", timeout=3)
        while (later := listener.next("focus", timeout=0.4)) is not None:
            focus = later  # a list's row, then the list: the last one holds the focus
        seen.append(focus and f"{focus['role']} {focus['name']!r}")
        if focus is not None and focus["name"] == name:
            return
    raise AssertionError(f"Tab never reached {name!r}: {seen}")


def wait_for_focus(listener: Listener, name: str, timeout: float = 10) -> None:
    """Until the control called `name` gains the focus (a dialog opening, say)."""
    seen = []
    while (focus := listener.next("focus", timeout=timeout)) is not None:
        if focus["name"] == name:
            return
        seen.append(f"{focus['role']} {focus['name']!r}")
    raise AssertionError(f"{name!r} never took the focus: {seen}")


def test_errors_stops_and_statuses_are_announced(a11y_session, groq_server, tmp_path: Path):
    env = a11y_session
    groq_server.reply_text = "Hello from the model."
    listener = Listener(env, seconds=240)
    app = None
    try:
        app = AppProcess(
            tmp_path / "home",
            tmp_path / "data",
            groq=groq_server,
            quit_file=tmp_path / "quit",
            env={
                "DBUS_SESSION_BUS_ADDRESS": env["DBUS_SESSION_BUS_ADDRESS"],
                "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
                "QT_QPA_PLATFORM": "xcb",
                "DISPLAY": os.environ["DISPLAY"],
            },
        )
        app.wait_for("ready", timeout=40)
        window = xdotool("search", "--sync", "--onlyvisible", "--pid", str(app.pid)).split()[0]
        xdotool("windowactivate", "--sync", window)
        # A reply: its end, politely, and not its usage line.
        ask("Hello")
        assert announced(listener, "Reply finished: ") == {
            "event": "announcement",
            "text": "Reply finished: Hello from the model.",
            "politeness": "polite",
        }
        assert listener.next("announcement", timeout=1) is None  # no "12 tokens · …"

        # A dropped connection: the error at once, then what to do, politely.
        groq_server.fail_next("drop", after=2)
        ask("Network trouble")
        error = announced(listener, "The connection to Groq was lost")
        assert error["politeness"] == "assertive"
        assert announced(listener, "Press Retry or Ctrl+R")["politeness"] == "polite"

        # A rate limit: the error, then the countdown said once, not at each second's tick.
        groq_server.fail_next("429", retry_after=30)
        ask("Rate limit")
        assert announced(listener, "Groq's rate limit was reached")["politeness"] == "assertive"
        countdown = announced(listener, "Rate limited — retrying in 30 s")
        assert countdown["politeness"] == "polite"
        assert listener.next("announcement", timeout=2.5) is None  # two ticks went by unsaid
        xdotool("key", "Escape")
        assert announced(listener, "Automatic retry cancelled.")["politeness"] == "polite"

        # A reply stopped with Esc while it streams.
        groq_server.tokens_per_second = 4
        groq_server.reply_text = "A slow reply that will be stopped before its end, word by word."
        ask("Slowly")
        wait_for_tree(
            env,
            app.pid,
            lambda nodes: any(", still replying: " in n["name"] for n in nodes),
        )
        xdotool("key", "Escape")
        assert announced(listener, "Stopped. What arrived is kept.")["politeness"] == "polite"
        groq_server.tokens_per_second = None

        # A rejected key.
        groq_server.fail_next("401")
        ask("Bad key")
        assert announced(listener, "Groq rejected the API key")["politeness"] == "assertive"
        assert announced(listener, "Change the key")["politeness"] == "polite"

        # Settings saved, from the keyboard: Ctrl+, then Tab to Save and press it.
        xdotool("key", "ctrl+comma")
        focus_on(listener, "Save settings", presses=20)
        xdotool("key", "space")
        assert announced(listener, "Settings saved.")["politeness"] == "polite"

        # The session exported from the keyboard: "···", Space, Down to the item, Return, then
        # the file dialog's name field. Space opens the menu with QMenu.exec(), a nested event
        # loop until it closes: a QTest key press in the test's own process would wait in it for
        # ever; here xdotool only sends the keys and the menu runs in the app's process.
        target = tmp_path / "exports" / "hello chat.md"
        target.parent.mkdir()
        focus_on(listener, "More session actions", key="shift+Tab", presses=12)
        xdotool("key", "space")
        focus_on(listener, "Export as Markdown…", key="Down", presses=6)
        xdotool("key", "Return")
        wait_for_focus(listener, "File name:")
        xdotool("key", "ctrl+a")  # over the suggested name
        xdotool("type", "--delay", "20", str(target))
        xdotool("key", "Return")
        assert announced(listener, "Exported to ") == {
            "event": "announcement",
            "text": f"Exported to {target}.",
            "politeness": "polite",
        }
        exported = target.read_text(encoding="utf-8")
        assert "**Assistant**\n\nHello from the model." in exported
        assert exported.endswith("**You**\n\nBad key\n")  # the session as it is now
        assert target.stat().st_mode & 0o777 == 0o600  # a whole conversation

        # The session deleted from the keyboard (the session list, Delete, the dialog's Delete):
        # said with where Undo is.
        listener.drain()
        focus_on(listener, "Sessions", key="shift+Tab", presses=12)
        xdotool("key", "Delete")
        focus_on(listener, "Delete", presses=4)
        xdotool("key", "space")
        deleted = announced(listener, "Deleted “")
        assert deleted["text"].endswith("Undo is beside the status line for a few seconds.")
        assert deleted["politeness"] == "polite"
    finally:
        if app is not None:
            (tmp_path / "quit").touch()
            app.close()
        listener.close()
