"""Screen readers (issue 15 item 5): what AT-SPI, the Linux accessibility bus, shows of the app.

The real-window test runs the real app (tests/support/launch_app.py) on the test's X server with
its own session bus and accessibility bus, and reads it the way Orca does, through pyatspi
(tests/support/atspi_reader.py, run with the system python3, which has the bindings).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from desktop_chat.ui.main_window import reply_announcement
from desktop_chat.ui.transcript import MessageItem, Role, TranscriptModel
from tests.support.a11y import (
    CONTROL_ROLES,
    Listener,
    a11y_session_fixture,  # noqa: F401 (the a11y_session fixture)
    children_of,
    outline,
    subtree,
    unnamed_controls,
    wait_for_tree,
    xdotool,
)
from tests.support.app_process import AppProcess

# The controls a user reaches in the main window, by the role and name a screen reader says.
CONTROLS = {
    "Show or hide the sidebar": "check box",  # a checkable tool button: checked = shown
    "Search sessions": "text",
    "Sessions": "list",
    "New session": "push button",
    "End session": "push button",
    "More session actions": "push button",
    "Conversation transcript": "list",
    "Message": "text",
    "Dictate": "check box",  # the mic: a checkable button, checked while it records
    "Send message": "push button",
}
# Qt names a combo box by its current entry (what Orca reads as its value); what it is for is
# in the description.
MODEL_PICKER_DESCRIPTION = "Model for the next reply"


# -- offscreen: the words each row and the end of a reply give a screen reader ---------------


def test_message_text_for_a_screen_reader_names_role_time_version_and_text():
    at = datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
    moment = at.astimezone().strftime("%H:%M")
    model = TranscriptModel()
    model.append(MessageItem(Role.USER, "Capital of France?", timestamp=at))
    reply = MessageItem(Role.ASSISTANT, "Paris.", timestamp=at, versions=(2, 3))
    model.append(reply)
    spoken = [model.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole) for row in range(2)]
    assert spoken == [
        f"You, {moment}: Capital of France?",
        f"Assistant, {moment}, version 2 of 3: Paris.",
    ]
    reply.versions = (1, 1)  # a single version is not worth saying
    assert reply.accessible_text == f"Assistant, {moment}: Paris."


def test_typing_and_streaming_rows_say_the_reply_is_coming():
    typing = MessageItem(Role.ASSISTANT, "", streaming=True)
    assert typing.accessible_text == "Assistant is replying…"
    typing.text = "Par"
    assert typing.accessible_text.endswith(", still replying: Par")
    typing.streaming = False
    assert "replying" not in typing.accessible_text


def test_reply_announcement_is_plain_and_short():
    assert (
        reply_announcement("**Paris** is\n\nthe capital.")
        == "Reply finished: Paris is the capital."
    )
    long = reply_announcement("word " * 60)
    assert long.startswith("Reply finished: word word") and long.endswith("…")
    assert len(long) <= len("Reply finished: ") + 81


# -- the real app, read through AT-SPI ----------------------------------------------------------


@pytest.mark.real_window
def test_screen_reader_reads_messages_controls_and_the_finished_reply(
    a11y_session, groq_server, tmp_path
):
    env = a11y_session
    groq_server.reply_text = "Hello from the model."
    groq_server.tokens_per_second = 3  # slow enough to read the row while it streams
    listener = Listener(env)  # first, so the app's bridge sees a listener for announcements
    app = None
    try:
        app_env = {
            "DBUS_SESSION_BUS_ADDRESS": env["DBUS_SESSION_BUS_ADDRESS"],
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "QT_QPA_PLATFORM": "xcb",
            "DISPLAY": os.environ["DISPLAY"],
        }
        app = AppProcess(
            tmp_path / "home",
            tmp_path / "data",
            groq=groq_server,
            quit_file=tmp_path / "quit",
            env=app_env,
        )
        app.wait_for("ready", timeout=40)
        window = xdotool("search", "--sync", "--onlyvisible", "--pid", str(app.pid)).split()[0]
        xdotool("windowactivate", "--sync", window)
        # Before the first message: the welcome page's controls have names too.
        welcome = wait_for_tree(
            env,
            app.pid,
            lambda nodes: any(
                n["name"] == "What can I help with?" and "showing" in n["states"] for n in nodes
            ),
        )
        assert not unnamed_controls(welcome), outline(welcome)
        starters = [
            n["name"]
            for n in welcome
            if n["role"] == "push button"
            and n["name"].startswith("Start with: ")
            and "showing" in n["states"]
        ]
        assert len(starters) == 4, outline(welcome)

        # Typed for real: the window opens with the focus in the composer.
        xdotool("type", "--delay", "30", "Hi there")
        xdotool("key", "Return")

        # While the reply streams, its row says so.
        streaming = wait_for_tree(
            env,
            app.pid,
            lambda nodes: any(
                n["name"] == "Assistant is replying…"
                or (n["name"].startswith("Assistant, ") and ", still replying: " in n["name"])
                for n in nodes
            ),
        )
        assert not any(n["name"].endswith("Hello from the model.") for n in streaming)

        # Each message is a list item that says who, when and what.
        nodes = wait_for_tree(
            env,
            app.pid,
            lambda nodes: any(
                n["name"].startswith("Assistant, ") and "replying" not in n["name"] for n in nodes
            ),
        )
        rows = [
            n["name"]
            for n in children_of(nodes, "Conversation transcript", "list")
            if n["role"] == "list item"
        ]
        assert len(rows) == 2, rows
        assert re.fullmatch(r"You, \d\d:\d\d: Hi there", rows[0]), rows
        assert re.fullmatch(r"Assistant, \d\d:\d\d: Hello from the model\.", rows[1]), rows

        # Every control on screen has a name, and the main ones are there to be found.
        showing = [n for n in nodes if "showing" in n["states"]]
        assert not unnamed_controls(nodes), outline(nodes)
        for name, role in CONTROLS.items():
            assert any(n["name"] == name and n["role"] == role for n in showing), (
                f"no {role} {name!r} showing in\n{outline(nodes)}"
            )
        pickers = [n for n in showing if n["role"] == "combo box"]
        assert [(n["name"], n["description"]) for n in pickers] == [
            ("llama-3.1-8b-instant", MODEL_PICKER_DESCRIPTION)
        ], outline(nodes)

        # The finished reply was announced, once, in plain words.
        assert listener.next("announcement") == {
            "event": "announcement",
            "text": "Reply finished: Hello from the model.",
            "politeness": "polite",
        }
        assert listener.next("announcement", timeout=1) is None

        # A keyboard path to each control: real Tab presses move the focus through all of them.
        listener.drain()
        reached: list[str] = []
        for _ in range(2 * len(CONTROLS) + 4):
            xdotool("key", "Tab")
            focus = listener.next("focus", timeout=3)
            while (later := listener.next("focus", timeout=0.4)) is not None:
                focus = later  # entering the transcript focuses its current row, then the list
            reached.append(f"{focus['role']} {focus['name']!r}" if focus else "(nothing)")
        # In reading order: the sidebar, the messages, the composer and its controls.
        wanted = [f"{role} {name!r}" for name, role in CONTROLS.items()]
        wanted.append(f"combo box {'llama-3.1-8b-instant'!r}")
        start = reached.index(wanted[0])
        assert reached[start : start + len(wanted)] == wanted, str(reached)

        # The command palette and Settings: every control they show has a name.
        xdotool("key", "ctrl+l")  # back to the composer
        xdotool("key", "ctrl+shift+p")
        nodes = wait_for_tree(
            env,
            app.pid,
            lambda nodes: any(
                n["name"] == "Command palette" and "showing" in n["states"] for n in nodes
            ),
        )
        palette = subtree(nodes, "Command palette", "panel")
        assert not unnamed_controls(palette), outline(palette)
        assert any(
            n["name"] == "Search actions and sessions" and "focused" in n["states"] for n in palette
        ), outline(palette)
        xdotool("key", "Escape")
        xdotool("key", "ctrl+comma")
        nodes = wait_for_tree(
            env,
            app.pid,
            lambda nodes: any(
                n["name"] == "Model name" and "focused" in n["states"] for n in nodes
            ),
        )
        # All six pages are in the tree (the hidden ones not showing): every control is named,
        # down to each combo box's drop-down list.
        dialog = subtree(nodes, "Settings", "dialog")
        controls = [n for n in dialog if n["role"] in CONTROL_ROLES]
        assert len(controls) > 20 and all(n["name"].strip() for n in controls), outline(dialog)
        xdotool("key", "Escape")
    finally:
        if app is not None:
            (tmp_path / "quit").touch()
            app.close()
        listener.close()
