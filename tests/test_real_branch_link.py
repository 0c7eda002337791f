""" "Branched from <title>" in a real X11 window: painted readable in the header (measured on
the X server's pixels, read back by tesseract), clicked with the real mouse, both themes, small
and large windows; and the plain note once the original is deleted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from tests.support import xinput
from tests.support.pixels import failure_shot, grab_screen, text_contrast
from tests.support.readability import ocr, settle
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(700, 550), (1400, 900)], ids=["small", "large"])
def test_the_branch_link_reads_and_a_real_click_opens_the_original(
    qtbot, run, isolated_environment, groq_server, theme, size
) -> None:
    app = ChatApp(qtbot, run, isolated_environment, groq_server).use_theme(theme, size)
    xinput.focus_window(app.window)
    for n in range(3):
        groq_server.reply_text = f"Reply {n}. " + "Some text to scroll past. " * 40
        app.send_and_wait(f"Message {n}")
    source = app.window.current_session_id
    event_id = app.items[1].event_id
    app.run(app.window.service.rename_session(source, "Coast trip"))
    app.window.conversation.branch(event_id)
    qtbot.waitUntil(lambda: app.window.current_session_id not in (None, source))
    branch = app.window.current_session_id
    button = app.window.branch_link.button
    qtbot.waitUntil(button.isVisible)
    settle(qtbot, app.window)
    shot = grab_screen(app.window)
    failure_shot(shot, f"branch-link-{theme}-{size[0]}x{size[1]}")
    rect = button.rect().adjusted(4, 4, -4, -4)
    rect.moveTopLeft(button.mapTo(app.window, rect.topLeft()))
    assert text_contrast(shot, rect) >= 4.5
    assert "Branchedfrom" in "".join(ocr(grab_screen(button)).split())
    assert app.window.frameGeometry().width() <= size[0] + 40  # the header kept its width

    xinput.click(button, button.rect().center())
    qtbot.waitUntil(lambda: app.window.current_session_id == source)
    model, view = app.window.transcript_model, app.window.transcript
    row = next(r for r, item in enumerate(model.items) if item.event_id == event_id)
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(view.visualRect(model.index(row))))

    # The original deleted: reopening the branch shows a plain note, readable, no link.
    app.run(app.window.service.delete_session(source))
    app.run(app.window.open_session(branch))
    note = app.window.branch_link.note
    qtbot.waitUntil(note.isVisible)
    assert not button.isVisible()
    settle(qtbot, app.window)
    shot = grab_screen(app.window)
    failure_shot(shot, f"branch-note-{theme}-{size[0]}x{size[1]}")
    rect = note.contentsRect()
    rect.moveTopLeft(note.mapTo(app.window, rect.topLeft()))
    assert text_contrast(shot, rect) >= 4.5
    xinput.click(note, QPoint(4, note.height() // 2))  # a note, not a link: nothing opens
    qtbot.wait(100)
    assert app.window.current_session_id == branch
    app.close()
