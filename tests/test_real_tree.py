"""The version switcher "‹ n/m ›" in a real X11 window (issue 12): painted where a person sees
it, readable (tesseract reads it off the X server's pixels), and clickable with the real mouse,
on a regenerated reply and on an edited message, in both themes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from desktop_chat.ui.transcript import Role
from tests.support import xinput
from tests.support.pixels import grab_screen, ink_pixels
from tests.test_real_transcript import settle
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window


def themed_app(qtbot, run, data_dir: Path, server, theme: str, size: tuple[int, int]) -> ChatApp:
    app = ChatApp(qtbot, run, data_dir, server).use_theme(theme, size)
    xinput.focus_window(app.window)
    return app


def switcher_rect(app: ChatApp, item) -> QRect:
    """Where "‹ n/m ›" is painted under `item`, in the viewport's coordinates (not hovered)."""
    model = app.window.transcript_model
    rect = app.window.transcript.visualRect(model.index_of(item))
    previous, following = app.window.delegate.version_rects(item, rect, hovered=False)
    assert previous.isValid() and following.isValid(), "no switcher is laid out"
    return previous.united(following).adjusted(-6, -3, 6, 3)


def away_from_transcript(app: ChatApp) -> None:
    """The pointer on the title above the chat: no row is hovered."""
    xinput.move(app.window.chat_title, QPoint(4, 4))


def read_text(image, path: Path) -> str:
    """What tesseract reads in `image`, scaled up 3x first (small UI text)."""
    image.save(str(path))
    big = path.with_name(path.stem + "-3x.png")
    subprocess.run(["convert", str(path), "-resize", "300%", str(big)], check=True, timeout=30)
    found = subprocess.run(
        ["tesseract", str(big), "-", "--psm", "7"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return "".join(found.split())


def regenerate(app: ChatApp, server, text: str) -> None:
    server.reply_text = text
    app.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier, app.composer)
    app.wait_idle()


def edit_first(app: ChatApp, text: str, reply: str, server) -> None:
    first = next(i for i in app.items if i.role == Role.USER)
    app.window.delegate.edit_requested.emit(first.event_id, first.text)
    app.composer.setPlainText(text)
    server.reply_text = reply
    app.qtbot.keyClick(app.composer, Qt.Key.Key_Return)
    app.wait_idle()


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(800, 600), (1400, 900)], ids=["small", "large"])
def test_version_switcher_is_painted_readable_and_clickable(
    qtbot, run, groq_server, isolated_environment, tmp_path, theme, size
) -> None:
    shots = Path(os.environ.get("DESKTOP_CHAT_SHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    name = f"tree-{theme}-{size[0]}x{size[1]}"
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme, size)
    try:
        groq_server.reply_text = "The first answer."
        app.send_and_wait("What is a tree?")
        regenerate(app, groq_server, "The second answer.")
        reply = app.last(Role.ASSISTANT)
        assert (reply.text, reply.versions) == ("The second answer.", (2, 2))
        away_from_transcript(app)
        settle(qtbot, app)
        viewport = app.window.transcript.viewport()
        area = switcher_rect(app, reply)
        image = grab_screen(viewport, area)
        assert ink_pixels(image) > 20, "nothing is painted where ‹ 2/2 › belongs"
        assert "2/2" in read_text(image, shots / f"{name}-reply-2of2.png")

        # The real mouse on ‹ brings the first answer back.
        previous, _ = app.window.delegate.version_rects(
            reply,
            app.window.transcript.visualRect(app.window.transcript_model.index_of(reply)),
        )
        xinput.click(viewport, previous.center())
        qtbot.waitUntil(lambda: app.last(Role.ASSISTANT).text == "The first answer.")
        assert app.last(Role.ASSISTANT).versions == (1, 2)

        # Three versions of the question, the middle one shown; three of its reply, too.
        edit_first(app, "What is a tree, in short?", "Short answer.", groq_server)
        edit_first(app, "What is a tree, at length?", "Long answer.", groq_server)
        question = app.items[0]
        assert question.versions == (3, 3)
        app.window.conversation.step_version(question.event_id, -1)
        qtbot.waitUntil(lambda: app.items[0].text == "What is a tree, in short?")
        regenerate(app, groq_server, "Short answer, again.")
        regenerate(app, groq_server, "Short answer, a third time.")
        app.key(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier, app.composer)
        qtbot.waitUntil(lambda: app.last(Role.ASSISTANT).text == "Short answer, again.")
        question, reply = app.items[0], app.last(Role.ASSISTANT)
        assert (question.versions, reply.versions) == ((2, 3), (2, 3))

        away_from_transcript(app)
        app.window.transcript.follow_bottom()
        settle(qtbot, app)
        grab_screen(app.window).save(str(shots / f"{name}-2of3.png"))
        for which, item in (("question", question), ("reply", reply)):
            image = grab_screen(viewport, switcher_rect(app, item))
            assert "2/3" in read_text(image, shots / f"{name}-{which}-2of3.png"), which
    finally:
        app.close()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_editing_state_and_continue_pill_in_a_real_window(
    qtbot, run, groq_server, isolated_environment, tmp_path, theme
) -> None:
    shots = Path(os.environ.get("DESKTOP_CHAT_SHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme, (1100, 760))
    try:
        groq_server.reply_text = "one two three four five six seven eight nine ten"
        hold = groq_server.hold_after(4)
        app.type_and_send("Count to ten")
        qtbot.waitUntil(lambda: hold.reached.is_set() and bool(app.items[-1].text))
        qtbot.waitUntil(lambda: bool(run(app.store.events(app.window.current_session_id))[-1].text))
        xinput.key("Escape")
        hold.release()
        app.wait_idle()
        stopped = app.last(Role.ASSISTANT)
        model, view = app.window.transcript_model, app.window.transcript
        rect = view.visualRect(model.index_of(stopped))
        xinput.focus_window(app.window)
        xinput.move(view.viewport(), rect.center())  # hovered: its pills show
        pill = app.window.delegate.continue_rect(stopped, rect)
        assert pill.isValid()
        qtbot.waitUntil(lambda: ink_pixels(grab_screen(view.viewport(), pill)) > 20, timeout=5_000)
        grab_screen(app.window).save(str(shots / f"continue-window-{theme}.png"))
        image = grab_screen(view.viewport(), pill.adjusted(3, 3, -3, -3))  # inside its border
        assert "Continue" in read_text(image, shots / f"continue-{theme}.png")

        groq_server.reply_text = " five six seven."
        xinput.click(view.viewport(), pill.center())
        qtbot.waitUntil(
            lambda: (
                not app.window.busy and app.last(Role.ASSISTANT).text.endswith(" five six seven.")
            )
        )
        app.wait_idle()

        # Up in the empty composer: the status row says the composer edits a message.
        xinput.move(app.window.chat_title, QPoint(4, 4))
        app.composer.setFocus()
        xinput.key("Up")
        qtbot.waitUntil(lambda: app.composer.toPlainText() == "Count to ten")
        status = app.window.composer.status
        assert status.isVisible() and "Editing" in status.text()
        settle(qtbot, app)
        image = grab_screen(status)
        assert "Editing" in read_text(image, shots / f"editing-status-{theme}.png")
        grab_screen(app.window).save(str(shots / f"editing-window-{theme}.png"))
        xinput.key("Escape")
        qtbot.waitUntil(lambda: app.composer.toPlainText() == "")
    finally:
        app.close()
