"""A hostile session title in a real X11 window: the Delete dialog and the status line show it
as text, load no image, and stay readable, in both themes, in a small and a large window."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop_chat.models import Session
from tests.support.pixels import as_array, grab_screen, text_contrast
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window


def red_pixels(image: QImage) -> int:
    pixels = as_array(image).astype(np.int16)
    return int(((pixels[:, :, 0] > 200) & (pixels[:, :, 1] < 60) & (pixels[:, :, 2] < 60)).sum())


def keep(image: QImage, name: str) -> None:
    """Save a screenshot when DESKTOP_CHAT_SHOTS names a folder (to look at by eye)."""
    folder = os.environ.get("DESKTOP_CHAT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("size", [(800, 600), (1400, 900)], ids=["small", "large"])
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_hostile_title_shows_as_text_on_screen(
    qtbot, run, groq_server, isolated_environment, tmp_path, theme, size
):
    png = tmp_path / "x.png"
    image = QImage(320, 320, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 0, 0))
    assert image.save(str(png))
    title = f'<a href="file:///etc/passwd">x</a><h1>big</h1><img src="{png}">'

    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    try:
        chat.window.preferences.theme = theme
        chat.window.settings_ctl.apply_preferences()
        chat.window.resize(*size)
        session = Session(title=title)
        run(chat.store.create_session(session))
        run(chat.window.refresh_sessions())
        chat.window.sessions.select(session.session_id)
        qtbot.waitExposed(chat.window)

        width = chat.window.width()
        chat.window.session_actions.delete_session()
        box: QMessageBox = chat.window.session_actions.delete_box
        qtbot.waitExposed(box)
        label = box.findChild(QLabel, "qt_msgbox_label")
        # The X server shows the dialog once it is mapped and painted: its text readable.
        qtbot.waitUntil(lambda: text_contrast(grab_screen(label)) >= 4.5, timeout=5_000)
        shot = grab_screen(box)
        keep(shot, f"delete-{theme}-{size[0]}")
        assert red_pixels(shot) == 0  # the image file was not loaded
        assert label.height() < 120  # a line or two of text, no <h1>, no image

        box.button(QMessageBox.StandardButton.Yes).click()
        status = chat.window.composer.status
        qtbot.waitUntil(lambda: status.text() == f"Deleted “{title}”.")
        qtbot.waitUntil(lambda: text_contrast(grab_screen(status)) >= 4.5)
        window_shot = grab_screen(chat.window)
        keep(window_shot, f"status-{theme}-{size[0]}")
        assert red_pixels(window_shot) == 0
        assert chat.window.width() == width  # a long title does not push the window wider
        fits = status.fontMetrics().horizontalAdvance(status.text()) <= status.width()
        assert fits or status.toolTip()  # cut to fit, with the whole of it on hover
    finally:
        chat.close()
