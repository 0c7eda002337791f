"""Images and files in a real X11 window, both themes: an image pasted from the real clipboard
(xclip serves image/png), a file pasted as the real text/uri-list, the chips and the bubble's
thumbnail and file chip as the X server shows them, the large view opened with a real click
and closed with a real Esc."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

from desktop_chat.ui.transcript import Role
from tests.support import xinput
from tests.support.attachment_files import pdf, solid_png
from tests.support.pixels import as_array, failure_shot, grab_screen, text_contrast
from tests.test_real_transcript import settle
from tests.test_real_tree import themed_app

pytestmark = pytest.mark.real_window

RED = (224, 48, 30)


def red_share(image) -> float:
    """How much of `image` is the test picture's red (JPEG previews shift it a little)."""
    pixels = as_array(image).astype(int)
    red = (pixels[..., 0] > 180) & (pixels[..., 1] < 100) & (pixels[..., 2] < 90)
    return float(np.count_nonzero(red)) / max(1, red.size)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_pasted_image_and_file_show_as_chips_then_in_the_bubble(
    qtbot, run, groq_server, isolated_environment, tmp_path: Path, theme: str
) -> None:
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme, (1000, 720))
    chips = app.window.composer.chips
    picture = solid_png(400, 300, RED)
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf(["First page", "Second page"]))
    servers: list[subprocess.Popen] = []
    try:
        app.composer.setFocus()
        servers.append(xinput.serve_clipboard(picture, "image/png"))
        qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasImage(), timeout=5_000)
        xinput.key("ctrl+v")
        qtbot.waitUntil(lambda: len(chips.chips) == 1, timeout=5_000)
        servers.append(xinput.serve_clipboard(f"{report.as_uri()}\r\n".encode(), "text/uri-list"))
        qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasUrls(), timeout=5_000)
        xinput.key("ctrl+v")
        qtbot.waitUntil(lambda: len(chips.chips) == 2, timeout=5_000)
        assert app.composer.toPlainText() == ""  # neither came in as text

        image_chip, file_chip = chips.chips
        assert image_chip.attachment.width == 400 and file_chip.attachment.pages == 2
        qtbot.waitUntil(lambda: image_chip.thumb.isVisible(), timeout=3_000)
        qtbot.wait(150)
        shown = grab_screen(image_chip.thumb)
        if red_share(shown) < 0.8:
            failure_shot(shown, f"chip-{theme}")
        assert red_share(shown) >= 0.8, "the chip's thumbnail is not on screen"
        name = grab_screen(file_chip.name)
        assert text_contrast(name) >= 4.5

        app.composer.setPlainText("What is this?")
        xinput.key("Return")
        app.wait_idle()
        settle(qtbot, app)
        user = app.last(Role.USER)
        model = app.window.transcript_model
        row = app.window.transcript.visualRect(model.index_of(user))
        (thumb, _image), (chip, _file) = app.window.delegate.attachment_rects(user, row)
        viewport = app.window.transcript.viewport()
        inner = thumb.adjusted(6, 6, -6, -6)
        in_bubble = grab_screen(viewport, inner)
        if red_share(in_bubble) < 0.8:
            failure_shot(grab_screen(viewport), f"bubble-{theme}")
        assert red_share(in_bubble) >= 0.8, "the image is not painted in the transcript"
        assert text_contrast(grab_screen(viewport, chip.adjusted(50, 4, -4, -4))) >= 4.5
        bubble_right = row.right() - 14  # SIDE_MARGIN: the strip ends where the bubble does
        assert abs(max(thumb.right(), chip.right()) - bubble_right) <= 2

        xinput.click(viewport, thumb.center())
        qtbot.waitUntil(
            lambda: (
                app.window.attachments.viewer is not None
                and app.window.attachments.viewer.isVisible()
            ),
            timeout=5_000,
        )
        viewer = app.window.attachments.viewer
        qtbot.waitExposed(viewer)
        qtbot.wait(150)
        picture_label = viewer.picture
        pix = picture_label.pixmap()
        center = QRect(0, 0, pix.width() // 2, pix.height() // 2)
        center.moveCenter(picture_label.rect().center())
        assert red_share(grab_screen(picture_label, center)) >= 0.9
        assert (pix.width(), pix.height()) == (400, 300)  # the stored image, not the preview
        xinput.key("Escape")
        qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=5_000)
    finally:
        for server in servers:
            server.kill()
        app.close()
