"""The sidebar, composer and layout in a real X11 window (xcb under Xvfb + openbox): real mouse
clicks and key presses through the X server (xdotool), and what the X server shows.

Set DESKTOP_CHAT_SHOTS=<folder> to keep the screenshots the tests look at.
"""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QCursor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.ui.theme import THEMES
from tests.support.pixels import (
    PaintCounter,
    as_array,
    background_colour,
    grab_screen,
    ink_pixels,
    text_contrast,
)
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window
THEME_NAMES = ("dark", "light")
LARGE = (1380, 850)


# -- driving the X server --------------------------------------------------------------------
def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, env=dict(os.environ))


def real_click(widget: QWidget, point: QPoint | None = None) -> None:
    """A mouse click the X server delivers, as a person's would be."""
    spot = widget.mapToGlobal(point if point is not None else widget.rect().center())
    xdotool("mousemove", "--sync", str(spot.x()), str(spot.y()), "click", "1")


def real_hover(widget: QWidget, point: QPoint) -> None:
    spot = widget.mapToGlobal(point)
    xdotool("mousemove", "--sync", str(spot.x()), str(spot.y()))


def real_keys(*keys: str) -> None:
    """Key presses through the X server, to whichever window has the focus."""
    xdotool("key", "--delay", "30", *keys)


def real_type(text: str) -> None:
    xdotool("type", "--delay", "8", text)


def shot(image: QImage, name: str) -> None:
    folder = os.environ.get("DESKTOP_CHAT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(folder) / f"{name}.png"))


def x_window_title(widget: QWidget) -> str:
    output = subprocess.run(
        ["xprop", "-id", str(int(widget.window().winId())), "_NET_WM_NAME"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.split("=", 1)[1].strip().strip('"')


# -- the app -----------------------------------------------------------------------------------
def open_app(
    qtbot, run, data_dir: Path, server, theme: str = "dark", size: tuple[int, int] = (1100, 760)
) -> ChatApp:
    data_dir.mkdir(parents=True, exist_ok=True)
    prefs = QSettings(str(data_dir / "preferences.ini"), QSettings.Format.IniFormat)
    prefs.setValue("preferences/theme", theme)
    prefs.sync()
    app = ChatApp(qtbot, run, data_dir, server)
    app.window.resize(*size)
    qtbot.waitExposed(app.window)
    # openbox activates a new window; until then X sends it no keys.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window, timeout=5_000)
    qtbot.waitUntil(lambda: app.window.width() == size[0] and app.window.height() == size[1])
    QCursor.setPos(QPoint(0, 0))
    return app


def seed(app: ChatApp, title: str, texts: list[str], hours_ago: float) -> str:
    start = utc_now() - timedelta(hours=hours_ago)
    session = Session(title=title, start_time=start)
    app.run(app.store.create_session(session))
    parent = None  # a chain: what the transcript shows is the branch up to the last one
    for n, text in enumerate(texts):
        event = Event(
            session.session_id,
            EventType.USER_MESSAGE if n % 2 == 0 else EventType.AI_RESPONSE,
            {"text": text},
            timestamp=start + timedelta(seconds=n),
            parent_id=parent,
        )
        app.run(app.store.add_event(event))
        parent = event.event_id
    return session.session_id


def seed_three(app: ChatApp) -> list[str]:
    ids = [
        seed(app, "Trip to Lisbon", ["trams and **pastries** in Lisbon"], 1),
        seed(app, "Python duplicates", ["remove `duplicates` keeping order"], 3),
        seed(app, "Budget review", ["numbers for the quarter"], 5),
    ]
    app.run(app.window.refresh_sessions())
    return ids


def settle(qtbot, widget: QWidget) -> None:
    """Until `widget` has painted what is pending (and so the X server has it)."""
    counter = PaintCounter(widget)
    widget.update()
    qtbot.waitUntil(lambda: counter.count > 0, timeout=3_000)
    counter.deleteLater()


def region(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def row_rect(app: ChatApp, row: int) -> QRect:
    panel = app.window.sessions
    return panel.list.visualRect(panel.proxy.index(row, 0))


def distinct(a, b, at_least: int = 10) -> bool:
    return sum(abs(int(x) - int(y)) for x, y in zip(a, b)) >= at_least


# -- search ------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", THEME_NAMES)
def test_typing_a_search_with_no_matches_moves_nothing(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server, theme)
    seed_three(app)
    panel = app.window.sessions
    real_keys("ctrl+k")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.search)
    settle(qtbot, panel)
    heading = panel.findChild(QLabel, "SidebarTitle")
    fixed = [heading, panel.new_button, panel.end_button, panel.more_button]
    before = grab_screen(panel)
    places = [region(w, panel) for w in fixed + [panel.search, panel.pages]]
    real_type("zebra")
    qtbot.waitUntil(lambda: panel.no_results.isVisible(), timeout=5_000)
    settle(qtbot, panel)
    after = grab_screen(panel)
    shot(after, f"search-no-match-{theme}")
    assert [region(w, panel) for w in fixed + [panel.search, panel.pages]] == places
    for widget in fixed:  # pixel for pixel where they were
        rect = region(widget, panel)
        assert np.array_equal(as_array(before.copy(rect)), as_array(after.copy(rect))), (
            widget.objectName() or widget.text()
        )
    hint = region(panel.no_results, panel)
    assert hint.top() - region(panel.search, panel).bottom() < 20  # right under the box
    assert text_contrast(after, hint) >= 4.5
    real_keys("Escape")  # Esc clears the search and goes back to the list
    qtbot.waitUntil(lambda: panel.search.text() == "" and panel.list.isVisible())
    assert QApplication.focusWidget() is panel.list
    app.close()


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_search_rows_are_one_per_session_with_accent_highlights(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server, theme)
    seed(
        app,
        "A very long session title that would wrap over several lines in the sidebar",
        ["**apple** pie", "apple crumble with [apple](https://example.com/apple)", "apple"],
        1,
    )
    seed(app, "Fruit", ["one apple"], 2)
    app.run(app.window.refresh_sessions())
    panel = app.window.sessions
    real_keys("ctrl+k")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.search)
    real_type("apple")
    qtbot.waitUntil(
        lambda: panel.results.isVisible() and panel.results_model.rowCount() == 2, timeout=5_000
    )
    settle(qtbot, panel.results.viewport())
    image = grab_screen(panel.results.viewport())
    shot(grab_screen(app.window), f"search-results-{theme}")
    accent = THEMES[theme].color("accent")
    pixels = as_array(image).astype(int)
    is_accent = (
        np.abs(pixels - np.array([accent.red(), accent.green(), accent.blue()])).sum(axis=2) < 12
    )
    assert is_accent.sum() > 200  # the matches sit on the theme's accent
    for row in range(2):
        rect = panel.results.visualRect(panel.results_model.index(row))
        assert rect.height() == panel.results.visualRect(panel.results_model.index(0)).height()
        assert text_contrast(image, rect) >= 4.5
    # The matched words read on the accent: their text against it.
    first_row = panel.results.visualRect(panel.results_model.index(0))
    band = is_accent[first_row.top() : first_row.bottom(), 8:]
    rows_with_accent = np.nonzero(band.any(axis=1))[0]
    cols = np.nonzero(band.any(axis=0))[0]
    word = QRect(
        8 + int(cols[0]),
        first_row.top() + int(rows_with_accent[0]),
        min(40, int(cols[-1] - cols[0]) + 1),
        int(rows_with_accent[-1] - rows_with_accent[0]) + 1,
    )
    assert text_contrast(image, word) >= 4.5
    # "3 matches ·" on the selected row's tint reads too.
    assert panel.results_model.hits[0].matches == 3
    prefix = QRect(
        first_row.left() + 12,
        first_row.top() + 8 + panel.fontMetrics().lineSpacing() + 6,
        55,
        panel.fontMetrics().lineSpacing(),
    )
    assert text_contrast(image, prefix) >= 4.5
    app.close()


# -- focus after a click -----------------------------------------------------------------------
def test_a_real_click_keeps_the_keyboard_in_the_list_for_f2_and_delete(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server)
    ids = seed_three(app)
    panel = app.window.sessions
    real_click(panel.list.viewport(), row_rect(app, 1).center())
    qtbot.waitUntil(lambda: app.window.current_session_id == ids[1])
    assert QApplication.focusWidget() is panel.list
    # The focus shows: an accent outline on the row.
    settle(qtbot, panel.list.viewport())
    row = grab_screen(panel.list.viewport(), row_rect(app, 1))
    shot(grab_screen(app.window), "list-clicked-dark")
    accent = THEMES["dark"].color("accent")
    ring = (
        np.abs(as_array(row).astype(int) - [accent.red(), accent.green(), accent.blue()]).sum(
            axis=2
        )
        < 40
    )
    assert ring[:, 2:-2].any(axis=0).sum() > row.width() * 0.8  # along the whole row
    real_keys("F2")
    qtbot.waitUntil(
        lambda: (
            getattr(app.window.session_actions, "rename_dialog", None) is not None
            and app.window.session_actions.rename_dialog.isVisible()
        ),
        timeout=5_000,
    )
    assert app.window.session_actions.rename_dialog.textValue() == "Python duplicates"
    real_keys("Escape")
    qtbot.waitUntil(lambda: not app.window.session_actions.rename_dialog.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window, timeout=5_000)
    assert QApplication.focusWidget() is panel.list
    real_keys("Delete")
    qtbot.waitUntil(
        lambda: (
            getattr(app.window.session_actions, "delete_box", None) is not None
            and app.window.session_actions.delete_box.isVisible()
        ),
        timeout=5_000,
    )
    assert "Python duplicates" in app.window.session_actions.delete_box.text()
    real_keys("Escape")
    qtbot.waitUntil(lambda: not app.window.session_actions.delete_box.isVisible())
    assert len(app.run(app.store.list_sessions())) == 3
    app.close()


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_selected_hovered_and_plain_rows_look_different_and_read_well(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server, theme)
    ids = seed_three(app)
    panel = app.window.sessions
    app.run(app.window.open_session(ids[0], to_composer=True))  # selected, focus elsewhere
    real_hover(panel.list.viewport(), row_rect(app, 2).center())
    qtbot.waitUntil(lambda: panel.list.viewport().underMouse())
    settle(qtbot, panel.list.viewport())
    image = grab_screen(panel.list.viewport())
    shot(grab_screen(app.window), f"list-selected-hovered-{theme}")
    selected, plain, hovered = (
        background_colour(as_array(image.copy(row_rect(app, r).adjusted(6, 3, -6, -3))))
        for r in range(3)
    )
    assert distinct(selected, plain) and distinct(hovered, plain) and distinct(selected, hovered)
    for number in range(3):
        rect = row_rect(app, number)
        title_band = QRect(rect.left() + 8, rect.top() + 4, rect.width() - 16, rect.height() // 2)
        time_band = QRect(
            rect.left() + 8, rect.center().y(), rect.width() // 2, rect.height() // 2 - 4
        )
        assert text_contrast(image, title_band) >= 4.5, number
        assert text_contrast(image, time_band) >= 4.5, number
    app.close()


def test_the_more_button_keeps_no_focus_ring_after_its_menu(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server)
    seed_three(app)
    button = app.window.sessions.more_button
    app.composer.setFocus()
    settle(qtbot, button)
    before = grab_screen(button)
    menu = app.window.session_actions.menu
    shown = []

    # The button's menu runs its own event loop from the click: close it from inside that.
    # As a person does: the pointer goes off the button onto the menu, and the menu closes
    # with the pointer still there (the button got no leave event while the menu held it).
    def leave_by_the_menu() -> None:
        real_hover(menu, QPoint(menu.width() // 2, menu.height() - 8))
        real_keys("Escape")

    menu.aboutToShow.connect(lambda: shown.append(True))
    menu.aboutToShow.connect(lambda: QTimer.singleShot(300, leave_by_the_menu))
    real_click(button)
    qtbot.waitUntil(lambda: bool(shown) and not menu.isVisible(), timeout=5_000)
    settle(qtbot, button)
    after = grab_screen(button)
    shot(after, "more-button-after-menu")
    assert not button.hasFocus()
    assert np.abs(as_array(before).astype(int) - as_array(after).astype(int)).max() <= 24
    app.close()


# -- composer ----------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", THEME_NAMES)
def test_the_composer_grows_for_typed_wrapped_text_and_undo_moves_nothing(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server, theme)
    app.send_and_wait("A chat to delete")
    edit = app.composer
    one_line = edit.height()
    real_click(edit)
    real_type(" ".join(["word"] * 80))
    qtbot.waitUntil(lambda: edit.toPlainText().count("word") == 80, timeout=20_000)
    qtbot.waitUntil(lambda: edit.height() == edit.sizeHint().height() > one_line * 2)
    assert edit.verticalScrollBar().maximum() == 0
    settle(qtbot, app.window.composer)
    image = grab_screen(edit.viewport())
    shot(grab_screen(app.window), f"composer-grown-{theme}")
    line = edit.fontMetrics().lineSpacing()
    bands = [
        ink_pixels(image, QRect(0, 4 + n * line, image.width(), line))
        for n in range(edit.visual_lines())
    ]
    assert all(count > 30 for count in bands), bands  # every wrapped line painted, none cut
    panel = app.window.composer
    before = (region(panel, app.window), grab_screen(edit.viewport()))
    app.run(app.window.session_actions.delete(app.window.current_session_id, "A chat to delete"))
    assert app.window.undo_button.isVisible()
    settle(qtbot, panel)
    shot(grab_screen(app.window), f"composer-undo-{theme}")
    assert region(panel, app.window) == before[0]
    # The text cursor blinks: its own few pixels may differ between the two grabs.
    cursor = edit.cursorRect().adjusted(-2, -2, 2, 2)
    unmoved = [as_array(grab_screen(edit.viewport())), as_array(before[1])]
    for pixels in unmoved:
        pixels[cursor.top() : cursor.bottom() + 1, cursor.left() : cursor.right() + 1] = 0
    assert np.array_equal(*unmoved)
    assert text_contrast(grab_screen(app.window.undo_button)) >= 4.5
    status = grab_screen(panel.status)
    assert text_contrast(status) >= 4.5
    app.close()


# -- layout ------------------------------------------------------------------------------------
def clipped_texts(window: QWidget) -> list[str]:
    """Visible labels and buttons narrower than their text (elided labels elide instead)."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.width() == 0:
            continue
        if (
            isinstance(widget, QLabel)
            and not widget.wordWrap()
            and widget.text()
            and type(widget).__name__ != "ElidedLabel"
        ):
            if widget.width() < widget.sizeHint().width() - 1:
                found.append(widget.text())
        elif isinstance(widget, QPushButton) and widget.text():
            # The text and at least 6 px of padding each side.
            if widget.width() < widget.fontMetrics().horizontalAdvance(widget.text()) + 12:
                found.append(f"{widget.text()}: {widget.width()} px")
        top_left = widget.mapTo(window, QPoint(0, 0))
        if (
            not window.rect().contains(QRect(top_left, widget.size()))
            and widget.parent() is not None
            and widget.window() is window
            and widget.objectName() not in ("qt_scrollarea_hcontainer", "qt_scrollarea_vcontainer")
        ):
            parent = widget.parentWidget()
            if parent is window or parent is window.centralWidget():
                found.append(f"outside: {widget.objectName() or type(widget).__name__}")
    return found


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_600_by_500_folds_the_sidebar_and_clips_nothing(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server, theme, size=LARGE)
    seed_three(app)
    window = app.window
    assert window.sessions.isVisible()
    shot(grab_screen(window), f"layout-1400-{theme}")
    window.resize(600, 500)
    qtbot.waitUntil(lambda: window.width() == 600 and window.height() == 500)
    qtbot.waitUntil(lambda: not window.sessions.isVisible())
    qtbot.waitUntil(lambda: window.chat_pages.width() > 500)
    settle(qtbot, window)
    shot(grab_screen(window), f"layout-600-welcome-{theme}")
    assert clipped_texts(window) == []
    screen = window.screen().availableGeometry()
    assert screen.contains(window.frameGeometry())
    for label in (window.welcome.heading, window.welcome.model_label):
        assert text_contrast(grab_screen(label)) >= 4.5
    shown = [b for b in window.welcome.prompts if b.isVisible()]
    assert shown and all(text_contrast(grab_screen(b)) >= 4.5 for b in shown)
    # Ctrl+B, for real: the sidebar comes back beside a 290 px chat, still nothing clipped.
    real_keys("ctrl+b")
    qtbot.waitUntil(lambda: window.sessions.isVisible())
    qtbot.waitUntil(lambda: window.chat_pages.width() < 320)
    settle(qtbot, window)
    shot(grab_screen(window), f"layout-600-sidebar-{theme}")
    assert clipped_texts(window) == []
    app.run(window.open_session(window.sessions.model.sessions[0].session_id))
    settle(qtbot, window)
    shot(grab_screen(window), f"layout-600-session-{theme}")
    assert clipped_texts(window) == []
    real_keys("ctrl+b")
    qtbot.waitUntil(lambda: not window.sessions.isVisible())
    app.close()


def test_the_title_bar_shows_the_sessions_title(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server)
    qtbot.waitUntil(lambda: x_window_title(app.window) == "New chat — Desktop Chat")
    session_id = seed(app, "Plan <b>Lisbon</b> [*] trip", ["hello"], 1)
    app.run(app.window.refresh_sessions())
    app.run(app.window.open_session(session_id))
    qtbot.waitUntil(
        lambda: x_window_title(app.window) == "Plan <b>Lisbon</b> [*] trip — Desktop Chat",
        timeout=5_000,
    )
    app.close()


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_the_welcome_page_and_a_starter_prompt(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server, theme, size=LARGE)
    window = app.window
    assert window.chat_pages.currentWidget() is window.welcome
    settle(qtbot, window)
    shot(grab_screen(window), f"welcome-1400-{theme}")
    for widget in [window.welcome.heading, window.welcome.model_label, *window.welcome.prompts]:
        assert text_contrast(grab_screen(widget)) >= 4.5
    button = window.welcome.prompts[0]
    real_click(button)
    qtbot.waitUntil(lambda: window.chat_pages.currentWidget() is window.transcript)
    app.wait_idle()
    assert groq_server.requests[-1]["messages"][-1]["content"] == button.prompt
    settle(qtbot, window)
    shot(grab_screen(window), f"after-starter-{theme}")
    assert Qt.TextFormat.PlainText == window.welcome.model_label.textFormat()
    app.close()


# -- while a reply streams ---------------------------------------------------------------------
def test_real_enter_while_streaming_queues_and_ctrl_tab_says_why(
    qtbot, run, isolated_environment, groq_server
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server)
    app.send_and_wait("an older session")
    app.window.new_session()
    groq_server.tokens_per_second = 60
    groq_server.reply_text = " ".join(f"word{n}" for n in range(150))  # ~2.5 s of progress
    real_click(app.composer)
    real_type("first")
    real_keys("Return")
    qtbot.waitUntil(
        lambda: (
            app.window.busy
            and app.window.current_session_id is not None
            and len(groq_server.streamed) > 2
        ),
        timeout=5_000,
    )
    session_id = app.window.current_session_id
    real_keys("ctrl+Tab")
    status = app.window.composer.status
    qtbot.waitUntil(lambda: "streaming" in status.text(), timeout=5_000)
    assert app.window.current_session_id == session_id
    tokens_then = len(groq_server.streamed)
    qtbot.waitUntil(lambda: len(groq_server.streamed) > tokens_then + 40, timeout=5_000)
    assert "streaming" in status.text()  # progress updates did not wipe it
    settle(qtbot, status)
    image = grab_screen(status)
    shot(grab_screen(app.window), "notice-while-streaming-dark")
    assert ink_pixels(image) > 100 and text_contrast(image) >= 4.5
    real_type("second")
    real_keys("Return")
    qtbot.waitUntil(lambda: status.text().startswith("Queued"), timeout=5_000)
    settle(qtbot, status)
    shot(grab_screen(app.window), "queued-dark")
    assert text_contrast(grab_screen(status)) >= 4.5
    qtbot.waitUntil(lambda: len(groq_server.requests) == 3, timeout=15_000)
    app.wait_idle(15_000)
    assert groq_server.requests[-1]["messages"][-1]["content"] == "second"
    app.close()


def test_export_suggests_the_title_in_the_last_folder(
    qtbot, run, isolated_environment, groq_server, tmp_path
) -> None:
    app = open_app(qtbot, run, isolated_environment, groq_server)
    session_id = seed(app, "Trip: Lisbon/Porto", ["hello"], 1)
    app.run(app.window.refresh_sessions())
    app.run(app.window.open_session(session_id))
    folder = tmp_path / "exports"
    folder.mkdir()
    app.run(app.window.session_actions.export_session(session_id, folder / "earlier.md", "md"))
    app.window.session_actions.choose_export_file("md")
    dialog = app.window.session_actions.export_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    settle(qtbot, dialog)
    shot(grab_screen(dialog), "export-dialog-dark")
    assert dialog.selectedFiles() == [str(folder / "Trip Lisbon Porto.md")]
    real_keys("Return")  # save under the suggested name
    qtbot.waitUntil(lambda: (folder / "Trip Lisbon Porto.md").exists(), timeout=5_000)
    assert "hello" in (folder / "Trip Lisbon Porto.md").read_text(encoding="utf-8")
    app.close()
