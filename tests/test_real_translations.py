"""The German window in a real X11 window (xcb on Xvfb + openbox), both themes, a large and a
small window: what the X server shows reads as German (tesseract -l deu), and no label or
button is narrower or shorter than its German text needs (German words run longer)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from desktop_chat.ui import language
from desktop_chat.ui.plain_text import ElidedLabel
from tests.support.pixels import failure_shot, grab_screen
from tests.support.readability import ocr, settle
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window
SHOTS = Path(os.environ.get("DESKTOP_CHAT_TEST_SHOTS", "/tmp/desktop-chat-shots"))
# Words of the English window that German replaces; none may be read off the German screen.
ENGLISH_ONLY = re.compile(
    r"\b(Sessions|Send|New session|End session|Search sessions|What can I help|Settings|"
    r"Appearance|Conversation|Model:|Cancel|Save|Theme|Language)\b"
)


@pytest.fixture
def german(qapp):
    yield language.install_language("de")
    language.install_language("en")  # as the rest of the suite runs


def german_app(qtbot, run, data_dir: Path, server, theme: str, size) -> ChatApp:
    data_dir.mkdir(parents=True, exist_ok=True)
    preferences = QSettings(str(data_dir / "preferences.ini"), QSettings.Format.IniFormat)
    preferences.setValue("preferences/theme", theme)
    preferences.sync()
    app = ChatApp(qtbot, run, data_dir, server)
    app.window.resize(*size)
    QCursor.setPos(QPoint(0, 0))  # no hover effects in the pictures
    settle(qtbot, app.window)
    return app


def cut_texts(window: QWidget) -> list[str]:
    """Labels and buttons shown narrower or shorter than their text needs. A label that wraps
    is measured at its width; an eliding label (ElidedLabel) shows "…" by design."""
    cut = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if not widget.isVisibleTo(window) or isinstance(widget, ElidedLabel):
            continue
        text = widget.text().replace("&", "")
        if not text.strip():
            continue
        hint = widget.sizeHint()
        if isinstance(widget, QLabel) and widget.wordWrap():
            need_width, need_height = 0, widget.heightForWidth(widget.width())
        else:
            need_width, need_height = hint.width(), hint.height()
        if widget.width() < need_width or widget.height() < need_height:
            cut.append(
                f"{widget.objectName() or type(widget).__name__} {text!r}: "
                f"{widget.width()}x{widget.height()} < {need_width}x{need_height}"
            )
    return cut


def look(qtbot, window: QWidget, name: str) -> str:
    """Save what the X server shows of `window` for people to look at; return its OCR text."""
    settle(qtbot, window)
    image = grab_screen(window)
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.save(str(SHOTS / f"{name}.png"))
    text = ocr(image, "deu")
    if ENGLISH_ONLY.search(text):
        failure_shot(image, f"english-{name}")
    return text


@pytest.mark.parametrize("size", [(1400, 900), (700, 550)], ids=["large", "small"])
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_german_main_window_and_settings_read_german_and_fit(
    german, qtbot, run, isolated_environment, groq_server, theme, size
) -> None:
    app = german_app(qtbot, run, isolated_environment, groq_server, theme, size)
    window = app.window
    tag = f"{theme}-{size[0]}x{size[1]}"

    text = look(qtbot, window, f"de-main-{tag}")
    assert "Wobei kann ich helfen" in text, text
    if size[0] >= 1000:  # the sidebar folds away in a small window
        assert "Sitzungen" in text, text
    assert not ENGLISH_ONLY.findall(text), text
    assert not cut_texts(window)

    app.send_and_wait("Hallo")  # a session in the list, a reply with its usage line
    text = look(qtbot, window, f"de-chat-{tag}")
    assert "Token" in text and "tokens" not in text, text
    if size[0] >= 1000:
        assert "gerade eben" in text, text  # the session's time in the list
    assert not ENGLISH_ONLY.findall(text), text
    assert not cut_texts(window)

    window.settings_ctl.open_settings()
    settings = window.settings_ctl.settings_dialog
    qtbot.waitUntil(lambda: settings.isVisible())
    for index in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(index)
        shown = look(qtbot, settings, f"de-settings-{index}-{tag}")
        assert not ENGLISH_ONLY.findall(shown), (settings.tabs.tabText(index), shown)
        assert not cut_texts(settings), settings.tabs.tabText(index)
    assert "Einstellungen" in settings.windowTitle()
    settings.reject()


@pytest.mark.parametrize("size", [(1400, 900), (700, 550)], ids=["large", "small"])
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_attachment_chips_and_refusals_read_german(
    german, qtbot, run, isolated_environment, groq_server, tmp_path, theme, size
) -> None:
    """A PDF and a binary file pasted (Ctrl+V, a file list on the X clipboard): the chip's
    size and pages and the refusal in the status line are German on screen."""
    from PySide6.QtGui import QGuiApplication

    from tests.support import xinput
    from tests.support.attachment_files import pdf

    app = german_app(qtbot, run, isolated_environment, groq_server, theme, size)
    window = app.window
    report = tmp_path / "bericht.pdf"
    report.write_bytes(pdf(["Erste Seite", "Zweite Seite"]))
    program = tmp_path / "programm.bin"
    program.write_bytes(b"\x7fELF\x00\x00" * 200)
    files = f"{report.as_uri()}\r\n{program.as_uri()}\r\n".encode()
    server = xinput.serve_clipboard(files, "text/uri-list")
    try:
        qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasUrls(), timeout=5_000)
        app.composer.setFocus()
        qtbot.waitUntil(app.composer.hasFocus)
        xinput.key("ctrl+v")
        chips = window.composer.chips
        qtbot.waitUntil(lambda: len(chips.chips) == 1, timeout=5_000)
    finally:
        server.terminate()
        server.wait(10)
    [chip] = chips.chips
    assert chip.detail.text().endswith("· 2 Seiten"), chip.detail.text()
    assert window.composer.status.text().startswith("programm.bin ist eine Binärdatei")
    text = look(qtbot, window.composer, f"de-attachments-{theme}-{size[0]}x{size[1]}")
    assert "2 Seiten" in text, text
    assert "Binär" in text or "Datei" in text, text  # the refusal, in German words
    assert not re.search(r"\b(pages|binary|cannot|attached)\b", text), text
    assert not cut_texts(window.composer)
