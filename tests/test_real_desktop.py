"""The desktop citizen in a real X server: the system-wide Ctrl+Alt+Space grab pressed while
another program has the focus, the tray icon in a real tray host (trayer), and the command
palette and quick-ask window as the X server shows them, measured in both themes.

Screenshots go to $DESKTOP_CHAT_SHOTS when set (to look at), else to the test's tmp folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.global_hotkey import GlobalHotkey, install_quick_ask_hotkey
from desktop_chat.ui.transcript import Role
from desktop_chat.ui.tray import install_tray, notice_text
from tests.support import xinput
from tests.support.pixels import grab_screen, ink_pixels, text_contrast
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window

AA = 4.5


def shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DESKTOP_CHAT_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def themed(qtbot, run, data_dir: Path, server, theme: str, size=(1100, 760)) -> ChatApp:
    return ChatApp(qtbot, run, data_dir, server).use_theme(theme, size)


def xdotool(*arguments: str) -> str:
    return subprocess.run(
        ["xdotool", *arguments], check=True, capture_output=True, text=True, timeout=10
    ).stdout.strip()


def active_x_window() -> int:
    found = subprocess.run(
        ["xdotool", "getactivewindow"], capture_output=True, text=True, check=False, timeout=10
    )
    return int(found.stdout.strip() or 0)


def visible_window(qtbot, classname: str) -> int:
    """The X window of that class once mapped. Polled, not `search --sync`: xdotool exits 1
    when a window it lists vanishes meanwhile (BadWindow), as other tests' windows do."""
    found: list[str] = []

    def mapped() -> bool:
        result = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--classname", classname],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        found[:] = result.stdout.split()
        return bool(found)

    qtbot.waitUntil(mapped, timeout=10_000)
    return int(found[0])


def other_program(qtbot, title: str) -> tuple[subprocess.Popen, int]:
    """Another X client (xmessage) with the input focus: the app is in the background."""
    process = subprocess.Popen(
        [
            "xmessage",
            "-name",
            title,
            "-geometry",
            "+40+40",
            f"{title}: another program has the focus",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    window_id = visible_window(qtbot, title)
    xdotool("windowactivate", "--sync", str(window_id))
    qtbot.waitUntil(lambda: active_x_window() == window_id, timeout=5_000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is None, timeout=5_000)
    return process, window_id


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(5)


def click_at(point: QPoint, button: int) -> None:
    """A real click at a point of the screen (the tray icon lives in another program's window)."""
    if xinput.pointer() != point:  # --sync would wait forever for a move to where it is
        xdotool("mousemove", "--sync", str(point.x()), str(point.y()))
    xdotool("click", str(button))


def numlock_on() -> bool:
    """Whether the X server's modifier state has Num Lock locked (X counts it as a modifier)."""
    from Xlib import XK, display

    connection = display.Display()
    try:
        keycode = connection.keysym_to_keycode(XK.string_to_keysym("Num_Lock"))
        mask = next(
            1 << index
            for index, keycodes in enumerate(connection.get_modifier_mapping())
            if keycode in keycodes
        )
        return bool(connection.screen().root.query_pointer().mask & mask)
    finally:
        connection.close()


def test_the_system_wide_shortcut_opens_quick_ask_over_another_program(
    qtbot, run, isolated_environment, groq_server
) -> None:
    groq_server.reply_text = "Paris."
    app = themed(qtbot, run, isolated_environment, groq_server, "dark")
    window = app.window
    hotkey = install_quick_ask_hotkey(window)
    assert hotkey is not None and hotkey.active, window.quick_ask_note
    assert "Ctrl+Alt+Space opens the quick-ask window" in window.quick_ask_note
    window.hide()  # the shortcut works with the main window hidden (e.g. in the tray)
    process = None
    try:
        process, other = other_program(qtbot, "hotkeytest")
        # A second client cannot take the same keys while the app holds them.
        rival = GlobalHotkey()
        assert not rival.grab() and "another program already uses" in rival.error

        subprocess.run(["xdotool", "key", "ctrl+alt+space"], check=True, timeout=10)
        qtbot.waitUntil(
            lambda: window.quick_ask_window is not None and window.quick_ask_window.isVisible(),
            timeout=5_000,
        )
        quick = window.quick_ask_window
        qtbot.waitUntil(lambda: active_x_window() == int(quick.winId()), timeout=5_000)
        qtbot.waitUntil(quick.input.hasFocus, timeout=5_000)
        assert QApplication.activeWindow() is quick
        # The X server's focus is in the input: typed keys land there.
        xdotool("type", "--delay", "20", "Capital of France?")
        qtbot.waitUntil(lambda: quick.input.text() == "Capital of France?", timeout=5_000)
        xinput.key("Return")
        qtbot.waitUntil(
            lambda: quick.reply_task is not None and quick.reply_task.done(), timeout=10_000
        )
        assert [i.text for i in quick.model.items if i.role == Role.ASSISTANT] == ["Paris."]
        xinput.key("Escape")
        qtbot.waitUntil(lambda: not quick.isVisible(), timeout=5_000)

        # With Num Lock on (a modifier to X), the shortcut still works.
        xdotool("windowactivate", "--sync", str(other))
        qtbot.waitUntil(lambda: active_x_window() == other, timeout=5_000)
        was_on = numlock_on()
        subprocess.run(["xdotool", "key", "Num_Lock"], check=True, timeout=10)
        qtbot.waitUntil(lambda: numlock_on() != was_on, timeout=5_000)
        try:
            subprocess.run(["xdotool", "key", "ctrl+alt+space"], check=True, timeout=10)
            qtbot.waitUntil(quick.isVisible, timeout=5_000)
            qtbot.waitUntil(quick.input.hasFocus, timeout=5_000)
            assert quick.model.items == []  # a fresh question
        finally:
            subprocess.run(["xdotool", "key", "Num_Lock"], check=True, timeout=10)
        quick.dismiss()
        qtbot.waitUntil(lambda: not quick.isVisible(), timeout=5_000)

        # And with Caps Lock on.
        xdotool("windowactivate", "--sync", str(other))
        qtbot.waitUntil(lambda: active_x_window() == other, timeout=5_000)
        subprocess.run(["xdotool", "key", "Caps_Lock"], check=True, timeout=10)
        try:
            subprocess.run(["xdotool", "key", "ctrl+alt+space"], check=True, timeout=10)
            qtbot.waitUntil(quick.isVisible, timeout=5_000)
        finally:
            subprocess.run(["xdotool", "key", "Caps_Lock"], check=True, timeout=10)
        quick.dismiss()
    finally:
        if process is not None:
            stop(process)
        hotkey.release()  # even after a failure: a grab left behind fails the next tests
    # Released: another program can take the keys now.
    again = GlobalHotkey()
    assert again.grab(), again.error
    again.release()
    app.close()


@pytest.fixture
def tray_host(qtbot):
    """trayer, a small X11 system tray (the XEmbed protocol Qt's xcb tray icon speaks)."""
    if not shutil.which("trayer"):
        pytest.fail("trayer is missing: scripts/system-deps --test installs it")
    from PySide6.QtWidgets import QSystemTrayIcon

    process = subprocess.Popen(
        [
            "trayer",
            "--edge",
            "bottom",
            "--align",
            "right",
            "--widthtype",
            "pixel",
            "--width",
            "96",
            "--height",
            "32",
            "--SetDockType",
            "true",
            "--transparent",
            "false",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        qtbot.waitUntil(QSystemTrayIcon.isSystemTrayAvailable, timeout=10_000)
        yield process
    finally:
        stop(process)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_tray_icon_menu_and_notice_in_a_real_tray(
    qtbot, run, isolated_environment, groq_server, tray_host, theme, tmp_path
) -> None:
    shots = shots_dir(tmp_path)
    app = themed(qtbot, run, isolated_environment, groq_server, theme)
    window = app.window
    tray = install_tray(window)
    assert tray is not None and tray.visible
    qtbot.waitUntil(lambda: not tray.icon.geometry().isEmpty(), timeout=5_000)
    screen = QApplication.primaryScreen()

    def icon_pixels():
        area = tray.icon.geometry()  # where the tray host put it: it may move as it embeds it
        return screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).toImage()

    # The app's icon is painted in the tray, embedded (XEmbed) by the tray host.
    qtbot.waitUntil(lambda: ink_pixels(icon_pixels()) > 20, timeout=5_000)
    area = tray.icon.geometry()
    tray_area = area.adjusted(-60, -8, 4, 4)
    screen.grabWindow(
        0, tray_area.x(), tray_area.y(), tray_area.width(), tray_area.height()
    ).toImage().save(str(shots / f"tray-icon-{theme}.png"))

    # A right click on the icon opens its menu, themed and readable.
    click_at(area.center(), 3)
    qtbot.waitUntil(tray.menu.isVisible, timeout=5_000)
    QCursor.setPos(QPoint(0, 0))
    qtbot.waitUntil(lambda: tray.menu.activeAction() is None, timeout=3_000)
    menu_shot = grab_screen(tray.menu)
    menu_shot.save(str(shots / f"tray-menu-{theme}.png"))
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == ["Hide window", "New chat", "Quick ask", "Quit"]
    for action in tray.menu.actions():
        if action.isSeparator():
            continue
        rect = tray.menu.actionGeometry(action)
        assert text_contrast(menu_shot, rect) >= AA, (action.text(), theme)
    xinput.key("Escape")
    qtbot.waitUntil(lambda: not tray.menu.isVisible(), timeout=5_000)

    # Kept in the tray: the close button hides the window; a reply finishing is announced.
    window.preferences.keep_in_tray = True
    window.close()
    assert not window.isVisible()
    with qtbot.waitSignal(tray.notified, timeout=10_000) as notice:
        window.composer.edit.setPlainText("Say hello")
        window.replies.submit()
        app.wait_idle()
    assert notice.args[1] == notice_text(groq_server.reply_text)

    # A left click on the icon brings the window back.
    click_at(area.center(), 1)
    qtbot.waitUntil(window.isVisible, timeout=5_000)
    closings = []
    window.closing.connect(lambda: closings.append(True))
    window.quit()
    assert closings == [True]
    tray.hide()
    app.close()


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(800, 600), (1400, 900)])
def test_the_command_palette_on_screen(
    qtbot, run, isolated_environment, groq_server, theme, size, tmp_path
) -> None:
    shots = shots_dir(tmp_path)
    app = themed(qtbot, run, isolated_environment, groq_server, theme, size)
    window = app.window
    for title in ("Plan the garden party", "Kitchen tap repair"):
        app.send_and_wait(title)
        window.new_session()
    xinput.focus_window(window)
    QCursor.setPos(QPoint(0, 0))
    xinput.key("ctrl+shift+p")
    palette = window.palette
    qtbot.waitUntil(palette.isVisible, timeout=5_000)
    qtbot.waitUntil(palette.search.hasFocus, timeout=5_000)
    xdotool("type", "--delay", "20", "pa")  # actions and sessions both match
    qtbot.waitUntil(lambda: palette.search.text() == "pa", timeout=5_000)
    kinds = {entry.kind for entry in palette.shown_entries}
    assert kinds == {"action", "session"}
    xinput.key("Down")
    qtbot.waitUntil(lambda: palette.list.currentRow() == 1, timeout=3_000)
    qtbot.wait(50)  # one frame for the X server to show the repaint
    shot = grab_screen(palette)
    grab_screen(window).save(str(shots / f"palette-{theme}-{size[0]}x{size[1]}.png"))
    assert not palette.list.horizontalScrollBar().isVisible()
    assert palette.geometry().right() < window.width() and palette.geometry().top() >= 0
    offset = palette.list.mapTo(palette, QPoint(0, 0))
    for row in range(min(4, palette.list.count())):
        rect = palette.list.visualItemRect(palette.list.item(row)).translated(offset)
        left = QRect(rect.left() + 8, rect.top() + 4, rect.width() // 2, rect.height() - 8)
        assert ink_pixels(shot, left) > 20, row  # the title is painted
        assert text_contrast(shot, left) >= AA, (row, theme)
        right = QRect(rect.right() - 140, rect.top() + 4, 132, rect.height() - 8)
        assert text_contrast(shot, right) >= AA, (row, theme)  # the key or "session"
    xinput.key("Return")
    qtbot.waitUntil(lambda: not palette.isVisible(), timeout=5_000)
    app.close()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_quick_ask_window_on_screen(
    qtbot, run, isolated_environment, groq_server, theme, tmp_path
) -> None:
    shots = shots_dir(tmp_path)
    groq_server.reply_text = (
        "Boil the water, then:\n\n1. warm the pot\n2. add **one spoon** "
        "per cup\n\n```python\nsteep(minutes=4)\n```"
    )
    app = themed(qtbot, run, isolated_environment, groq_server, theme)
    window = app.window
    window.quick_ask()
    quick = window.quick_ask_window
    qtbot.waitExposed(quick)
    qtbot.waitUntil(quick.input.hasFocus, timeout=5_000)
    xdotool("type", "--delay", "20", "How do I make tea?")
    qtbot.waitUntil(lambda: quick.input.text() == "How do I make tea?", timeout=5_000)
    xinput.key("Return")
    qtbot.waitUntil(
        lambda: quick.reply_task is not None and quick.reply_task.done(), timeout=10_000
    )
    QCursor.setPos(QPoint(0, 0))
    qtbot.wait(50)  # one frame for the X server to show the repaint
    shot = grab_screen(quick)
    shot.save(str(shots / f"quick-ask-{theme}.png"))
    assert bool(quick.windowFlags() & Qt.WindowType.WindowStaysOnTopHint)
    title = quick.title.geometry()
    assert text_contrast(shot, title) >= AA, theme
    button = quick.open_in_main.geometry()
    assert text_contrast(shot, button.adjusted(4, 4, -4, -4)) >= AA, theme
    viewport = quick.transcript.viewport()
    view_origin = viewport.mapTo(quick, QPoint(0, 0))
    answer = quick.model.items[-1]
    row = quick.transcript.visualRect(quick.model.index_of(answer))
    assert row.top() >= 0 and row.top() < viewport.height() // 2  # the answer is in view
    answer_rect = row.intersected(viewport.rect()).translated(view_origin)
    assert ink_pixels(shot, answer_rect) > 200  # the rendered answer is on screen
    assert text_contrast(shot, answer_rect) >= AA, theme
    qtbot.mouseClick(quick.open_in_main, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_session_id == quick.session_id, timeout=5_000)
    qtbot.waitUntil(lambda: not quick.isVisible(), timeout=5_000)
    app.close()
