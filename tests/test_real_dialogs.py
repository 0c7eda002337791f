"""Dialogs, theme and window geometry in a real X11 window (xcb on Xvfb + openbox): every text a
dialog shows reads at 4.5:1 or better in both themes, measured on the pixels the X server shows,
and no dialog or notice pushes the window off the screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QToolTip,
    QWidget,
)

from desktop_chat.ui.dialogs import ApiKeyDialog, ShortcutsDialog
from tests.support.pixels import grab_screen
from tests.support.readability import contrast_report, ocr, settle, unreadable
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window
SHOTS = Path(os.environ.get("DESKTOP_CHAT_TEST_SHOTS", "/tmp/desktop-chat-shots"))
LONG_STATUS = (
    "A notice with a long path in it: /home/someone/.config/DesktopChat/"
    + "very-long-folder-name/" * 12
    + " and more words after it, " * 8
)


def themed_app(qtbot, run, data_dir: Path, server, theme: str, **kwargs) -> ChatApp:
    data_dir.mkdir(parents=True, exist_ok=True)
    preferences = QSettings(str(data_dir / "preferences.ini"), QSettings.Format.IniFormat)
    preferences.setValue("preferences/theme", theme)
    preferences.sync()
    app = ChatApp(qtbot, run, data_dir, server, **kwargs)
    QCursor.setPos(QPoint(0, 0))  # no hover effects in the measurements
    settle(qtbot, app.window)
    return app


def top_level(kind, visible=True):
    return next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, kind) and (w.isVisible() or not visible)
        ),
        None,
    )


def measure(qtbot, window: QWidget, screen_name: str, theme: str) -> list[str]:
    """Contrast of every text in `window`; saves the shot for people to look at."""
    settle(qtbot, window)
    image = grab_screen(window)
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.save(str(SHOTS / f"{screen_name}-{theme}.png"))
    report = contrast_report(window, image)
    assert report, f"{screen_name}: no text found to measure"
    return [f"{screen_name}: {line}" for line in unreadable(report)]


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_dialog_reads_at_aa_contrast(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    keyring.set_keyring(NoKeyring())  # so that saving a key shows the keychain notice
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme, key=None)
    window = app.window
    window.resize(1100, 760)
    failures: list[str] = []

    key_dialog = window.settings_ctl.key_dialog
    qtbot.waitUntil(lambda: key_dialog is not None and key_dialog.isVisible())
    failures += measure(qtbot, key_dialog, "key-dialog", theme)
    key_dialog.key_edit.setText(groq_server.api_key)
    key_dialog.accept()
    qtbot.waitUntil(lambda: top_level(QMessageBox) is not None)
    failures += measure(qtbot, top_level(QMessageBox), "keychain-notice", theme)
    top_level(QMessageBox).accept()

    app.send_and_wait("Hello there")
    failures += measure(qtbot, window, "main-window", theme)

    window.settings_ctl.open_settings()
    settings = window.settings_ctl.settings_dialog
    qtbot.waitUntil(lambda: settings.model.count() > 1)
    for index in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(index)
        failures += measure(qtbot, settings, f"settings-{settings.tabs.tabText(index)}", theme)
    settings.tabs.setCurrentIndex(2)
    settings.theme.showPopup()
    popup = settings.theme.view().window()
    qtbot.waitExposed(popup)
    failures += measure(qtbot, popup, "settings-theme-list", theme)
    settings.theme.hidePopup()
    settings.tabs.setCurrentIndex(0)
    settings.model.showPopup()
    popup = settings.model.view().window()
    qtbot.waitExposed(popup)
    failures += measure(qtbot, popup, "settings-model-list", theme)
    settings.model.hidePopup()
    settings.reject()

    window.model_picker.showPopup()
    popup = window.model_picker.view().window()
    qtbot.waitExposed(popup)
    failures += measure(qtbot, popup, "model-picker-list", theme)
    window.model_picker.hidePopup()

    window.keyboard.show_overlay()
    qtbot.waitUntil(lambda: top_level(ShortcutsDialog) is not None)
    failures += measure(qtbot, top_level(ShortcutsDialog), "shortcuts", theme)
    top_level(ShortcutsDialog).close()

    window.sessions.list.setFocus()
    window.sessions.list.setCurrentIndex(window.sessions.proxy.index(0, 0))
    window.session_actions.rename_session()
    qtbot.waitUntil(lambda: window.session_actions.rename_dialog.isVisible())
    failures += measure(qtbot, window.session_actions.rename_dialog, "rename", theme)
    window.session_actions.rename_dialog.reject()
    window.session_actions.delete_session()
    qtbot.waitUntil(lambda: window.session_actions.delete_box.isVisible())
    failures += measure(qtbot, window.session_actions.delete_box, "delete", theme)
    window.session_actions.delete_box.reject()

    menu = window.session_actions.menu
    menu.popup(window.sessions.more_button.mapToGlobal(QPoint(0, 0)) - QPoint(0, 160))
    qtbot.waitExposed(menu)
    menu.setActiveAction(menu.actions()[0])  # one item selected: white on the accent
    failures += measure(qtbot, menu, "session-menu", theme)
    menu.hide()

    window.session_actions.choose_export_file("md")
    qtbot.waitUntil(lambda: window.session_actions.export_dialog.isVisible())
    assert (
        window.session_actions.export_dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        or window.session_actions.export_dialog.findChild(QLineEdit) is not None
    )  # Qt's own dialog, themed
    failures += measure(qtbot, window.session_actions.export_dialog, "export", theme)
    window.session_actions.export_dialog.reject()

    button = window.composer.send_button
    QCursor.setPos(button.mapToGlobal(button.rect().center()))  # a tooltip hides off its widget
    qtbot.waitUntil(lambda: button.underMouse())
    QToolTip.showText(
        button.mapToGlobal(button.rect().center()), "Send (Enter)", button, button.rect(), 60_000
    )
    qtbot.waitUntil(
        lambda: any(
            w.isVisible() and w.inherits("QTipLabel") for w in QApplication.topLevelWidgets()
        )
    )
    tip = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel"))
    failures += measure(qtbot, tip, "tooltip", theme)
    QToolTip.hideText()

    assert not failures, "\n".join(failures)
    app.close()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_settings_text_is_read_back_by_ocr(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    """What the fields say can be read off the screen (the bug: near-white on white)."""
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme)
    app.window.settings_ctl.open_settings()
    settings = app.window.settings_ctl.settings_dialog
    settings.tabs.setCurrentIndex(settings.tabs.indexOf(settings.font_size.parentWidget()))
    settle(qtbot, settings)
    read = ocr(grab_screen(settings))
    assert "10.5 pt" in read and "Theme" in read and "Send key" in read, read
    assert ("Dark" if theme == "dark" else "Light") in read, read
    settings.tabs.setCurrentIndex(0)
    settle(qtbot, settings)
    read = ocr(grab_screen(settings))
    assert "llama-3.1-8b-instant" in read and "Temperature" in read, read
    settings.reject()
    app.close()


def test_settings_buttons_show_no_stock_icons(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = themed_app(qtbot, run, isolated_environment, groq_server, "dark")
    app.window.settings_ctl.open_settings()
    settings = app.window.settings_ctl.settings_dialog
    settle(qtbot, settings)
    for button in settings.buttons.buttons():
        assert button.icon().isNull(), button.text()  # Fusion would add a floppy and a cross
        assert button.text() in ocr(grab_screen(button))
    settings.reject()
    app.close()


def test_the_shortcut_list_fits_without_scrolling_and_cuts_nothing(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = themed_app(qtbot, run, isolated_environment, groq_server, "dark")
    app.window.resize(1100, 760)  # the default size
    app.window.keyboard.show_overlay()
    qtbot.waitUntil(lambda: top_level(ShortcutsDialog) is not None)
    dialog = top_level(ShortcutsDialog)
    settle(qtbot, dialog)
    assert not dialog.scroll.verticalScrollBar().isVisible()
    for label in dialog.description_labels + dialog.key_labels:
        # Every line of every description is inside the sheet and fully tall.
        needed = (
            label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
        )
        assert label.height() >= needed - 1, label.text()
        assert label.width() >= label.minimumSizeHint().width(), label.text()
        bottom = label.mapTo(dialog.scroll.viewport(), QPoint(0, label.height())).y()
        assert bottom <= dialog.scroll.viewport().height(), label.text()
    read = ocr(grab_screen(dialog))
    assert "summarize it and start fresh" in read, read
    assert dialog.frameGeometry().height() <= app.window.frameGeometry().height() + 40
    dialog.close()
    app.close()


def test_rename_dialog_is_wide_enough_and_selects_the_title(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = themed_app(qtbot, run, isolated_environment, groq_server, "light")
    app.send_and_wait("Plan a three-day trip to the coast with a friend")
    window = app.window
    window.sessions.list.setFocus()
    window.sessions.list.setCurrentIndex(window.sessions.proxy.index(0, 0))
    qtbot.keyClick(window.sessions.list, Qt.Key.Key_F2)
    qtbot.waitUntil(
        lambda: (
            isinstance(getattr(window.session_actions, "rename_dialog", None), QInputDialog)
            and window.session_actions.rename_dialog.isVisible()
        )
    )
    dialog = window.session_actions.rename_dialog
    settle(qtbot, dialog)
    edit = dialog.findChild(QLineEdit)
    assert dialog.width() >= 420
    assert edit.selectedText() == edit.text() != ""
    qtbot.keyClicks(edit, "Coast trip")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.sessions.proxy.index(0, 0).data() == "Coast trip")
    app.close()


def within(window: QWidget) -> QRect | None:
    """None when the window's frame is inside its screen's available area, else that area."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    return None if available.contains(window.frameGeometry()) else available


def test_no_dialog_or_notice_pushes_the_window_off_the_screen(
    qtbot, run, isolated_environment, groq_server
) -> None:
    keyring.set_keyring(NoKeyring())
    app = themed_app(qtbot, run, isolated_environment, groq_server, "dark", key=None)
    window = app.window
    size = window.size()
    assert within(window) is None, window.frameGeometry()

    def check(after: str) -> None:
        settle(qtbot, window)
        assert window.size() == size, f"after {after}: {window.size()} (was {size})"
        assert within(window) is None, f"after {after}: {window.frameGeometry()} leaves the screen"

    dialog = window.settings_ctl.key_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    check("the key dialog")
    dialog.key_edit.setText(groq_server.api_key)
    dialog.accept()
    qtbot.waitUntil(lambda: top_level(QMessageBox) is not None)
    check("the keychain notice")
    top_level(QMessageBox).accept()
    check("closing the keychain notice")
    app.send_and_wait("Hello")
    window.settings_ctl.open_settings()
    qtbot.waitUntil(lambda: window.settings_ctl.settings_dialog.isVisible())
    check("Settings")
    window.settings_ctl.settings_dialog.reject()
    window.keyboard.show_overlay()
    qtbot.waitUntil(lambda: top_level(ShortcutsDialog) is not None)
    check("the shortcuts")
    top_level(ShortcutsDialog).close()
    window.sessions.list.setCurrentIndex(window.sessions.proxy.index(0, 0))
    window.session_actions.rename_session()
    qtbot.waitUntil(lambda: window.session_actions.rename_dialog.isVisible())
    check("rename")
    window.session_actions.rename_dialog.reject()
    window.session_actions.delete_session()
    qtbot.waitUntil(lambda: window.session_actions.delete_box.isVisible())
    check("delete")
    window.session_actions.delete_box.reject()
    window.show_status(LONG_STATUS)
    check("a long status text")
    assert "very-long-folder-name" in window.composer.status.toolTip()  # the whole text on hover
    composer_height = window.composer.height()
    window.change_key_button.show()
    check("the Change API key button")
    assert window.composer.height() == composer_height  # nothing jumps when it appears
    app.close()


def test_size_position_and_open_session_come_back_at_the_next_start(
    qtbot, run, groq_server, isolated_environment
) -> None:
    first = themed_app(qtbot, run, isolated_environment, groq_server, "dark")
    first.send_and_wait("Remember where I was")
    session_id = first.window.current_session_id
    first.window.setGeometry(150, 120, 900, 640)
    qtbot.waitUntil(lambda: first.window.geometry() == QRect(150, 120, 900, 640))
    settle(qtbot, first.window)
    placed = first.window.geometry()
    first.close()

    again = themed_app(qtbot, run, isolated_environment, groq_server, "dark")
    qtbot.waitUntil(lambda: again.window.current_session_id == session_id)
    assert again.window.size() == placed.size()
    assert (again.window.geometry().topLeft() - placed.topLeft()).manhattanLength() <= 4
    assert again.items[0].text == "Remember where I was"
    assert again.window.sessions.list.currentIndex().isValid()
    again.close()


SMALL_SCREEN_PROBE = """
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from desktop_chat.core.chat import ChatService, ChatSettings
from desktop_chat.store.sqlite import SQLiteStore
from desktop_chat.ui.main_window import MainWindow

app = QApplication([])
folder = Path(sys.argv[1])
preferences = QSettings(str(folder / "preferences.ini"), QSettings.Format.IniFormat)
window = MainWindow(ChatService(SQLiteStore(folder / "chat.db"), None, ChatSettings()),
                    lambda key: None, lambda key: None, preferences_store=preferences)
window.show()
deadline = time.monotonic() + 10
while time.monotonic() < deadline:  # until the window manager has framed it
    app.processEvents()
    if window.isVisible() and window.frameGeometry().top() < window.geometry().top():
        break
    time.sleep(0.01)
else:
    sys.exit("the window manager never framed the window")
for _ in range(20):
    app.processEvents()  # and placed it
available = window.screen().availableGeometry()
frame = window.frameGeometry()
print(json.dumps({"available": available.getRect(), "frame": frame.getRect()}))
"""


@pytest.mark.parametrize("screen", ["1024x700x24", "1280x720x24", "800x600x24"])
def test_the_window_opens_inside_a_small_screen(tmp_path, screen) -> None:
    """A fresh start on a screen smaller than the default 1100x760 window."""
    from tests.support.xserver import XServer

    server = XServer(screen=screen).start()
    try:
        env = dict(os.environ, DISPLAY=server.display, QT_QPA_PLATFORM="xcb")
        result = subprocess.run(
            [sys.executable, "-c", SMALL_SCREEN_PROBE, str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).resolve().parents[1],
            check=False,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    available, frame = QRect(*shown["available"]), QRect(*shown["frame"])
    assert available.contains(frame), f"{frame} does not fit {available}"


def test_the_api_key_dialog_follows_the_theme(qtbot) -> None:
    """Even opened on its own (no window stylesheet to inherit), before the window exists."""
    from desktop_chat.ui.theme import DARK, apply_theme

    apply_theme(DARK)
    dialog = ApiKeyDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    failures = measure(qtbot, dialog, "key-dialog-alone", "dark")
    assert not failures, "\n".join(failures)
    dialog.close()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_scrollbar_can_be_seen(qtbot, run, isolated_environment, groq_server, theme) -> None:
    """WCAG's 3:1 for parts of the interface: the handle against the panel behind it (in the
    light theme it was white on near-white)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    from tests.support.pixels import as_array, background_colour, contrast_ratio

    groq_server.reply_text = "\n\n".join(f"Paragraph {n} of a long answer." for n in range(80))
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme)
    app.send_and_wait("Tell me a lot")
    bar = app.window.transcript.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.isVisible() and bar.maximum() > 0)
    bar.setValue(0)  # the handle at the top, the track below it
    settle(qtbot, app.window)
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    slider = bar.style().subControlRect(
        QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, bar
    )
    pixels = as_array(grab_screen(bar))
    handle = background_colour(
        pixels[
            slider.top() + 4 : slider.bottom() - 4, slider.center().x() : slider.center().x() + 1
        ]
    )
    track = background_colour(pixels[slider.bottom() + 10 :, :])
    assert contrast_ratio(handle, track) >= 3.0, (handle, track)
    app.close()


def test_switching_the_theme_restyles_every_dialog_opened_after(
    qtbot, run, isolated_environment, groq_server
) -> None:
    from tests.support.pixels import as_array, background_colour, relative_luminance

    app = themed_app(qtbot, run, isolated_environment, groq_server, "dark")
    window = app.window
    window.settings_ctl.open_settings()
    settings = window.settings_ctl.settings_dialog
    qtbot.waitUntil(settings.isVisible)
    settings.theme.setCurrentIndex(settings.theme.findData("light"))
    settings.accept()
    window.keyboard.show_overlay()
    qtbot.waitUntil(lambda: top_level(ShortcutsDialog) is not None)
    dialog = top_level(ShortcutsDialog)
    failures = measure(qtbot, dialog, "shortcuts-after-switch", "light")
    assert not failures, "\n".join(failures)
    assert relative_luminance(background_colour(as_array(grab_screen(dialog)))) > 0.7  # light
    dialog.close()
    menu = window.session_actions.menu
    menu.popup(window.mapToGlobal(QPoint(200, 200)))
    qtbot.waitExposed(menu)
    failures = measure(qtbot, menu, "menu-after-switch", "light")
    assert not failures, "\n".join(failures)
    assert relative_luminance(background_colour(as_array(grab_screen(menu)))) > 0.7
    menu.hide()
    app.close()
