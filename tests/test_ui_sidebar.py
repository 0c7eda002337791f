"""The sidebar, driven through the real window (offscreen): search that moves nothing, one row
per session, plain snippets, Esc, focus after a click, order after edits, collapsing, the
window title and export names. tests/test_real_sidebar.py checks the same on a real X server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolButton

from desktop_chat.models import Event, EventType, Session, utc_now
from desktop_chat.ui.main_window import SIDEBAR_AUTO_COLLAPSE_WIDTH, export_file_name
from desktop_chat.ui.session_panel import plain_snippet, split_marks
from desktop_chat.ui.theme import THEMES
from tests.ui_helpers import ChatApp


def seed(
    app: ChatApp, title: str, texts: list[str], hours_ago: float = 1.0
) -> tuple[str, list[str]]:
    """A stored session with these messages, `hours_ago` old; returns its id and event ids."""
    start = utc_now() - timedelta(hours=hours_ago)
    session = Session(title=title, start_time=start)
    app.run(app.store.create_session(session))
    ids = []
    for n, text in enumerate(texts):
        event = Event(
            session.session_id,
            EventType.USER_MESSAGE if n % 2 == 0 else EventType.AI_RESPONSE,
            {"text": text},
            timestamp=start + timedelta(seconds=n),
            parent_id=ids[-1] if ids else None,
        )  # a chain: the transcript's branch
        app.run(app.store.add_event(event))
        ids.append(event.event_id)
    return session.session_id, ids


def refresh(app: ChatApp) -> None:
    app.run(app.window.refresh_sessions())


def titles(app: ChatApp) -> list[str]:
    proxy = app.window.sessions.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def global_rects(app: ChatApp) -> list[QRect]:
    panel = app.window.sessions
    widgets = [
        panel.findChild(type(panel.no_results), "SidebarTitle"),
        panel.search,
        panel.new_button,
        panel.more_button,
        panel.pages,
    ]
    return [QRect(w.mapTo(app.window, QPoint(0, 0)), w.size()) for w in widgets]


# -- search ----------------------------------------------------------------------------------
def test_a_search_with_no_matches_moves_nothing_in_the_sidebar(app, qtbot) -> None:
    seed(app, "Lisbon trip", ["trams and pastries"])
    refresh(app)
    qtbot.waitExposed(app.window)
    panel = app.window.sessions
    before = global_rects(app)
    for text, page in (
        ("zebra", panel.no_results),
        ("", panel.list),
        ("tram", panel.results),
        ("tramx", panel.no_results),
        ("", panel.list),
    ):
        panel.search.setText(text)
        qtbot.waitUntil(lambda page=page: panel.pages.currentWidget() is page)
        QApplication.processEvents()
        assert global_rects(app) == before, text
    panel.search.setText("zebra")
    qtbot.waitUntil(lambda: panel.no_results.isVisible())
    assert "No matches" in panel.no_results.text() and "zebra" in panel.no_results.text()
    assert panel.no_results.textFormat() == Qt.TextFormat.PlainText


def test_one_row_per_session_with_a_count_and_a_plain_snippet(app, qtbot) -> None:
    many, ids = seed(
        app,
        "Cooking " + "very long title " * 8,
        [
            "**apple** pie",
            "see [the recipe](https://example.com/apple) for `apple` apple apple",
            "pear",
            "# Apple heading",
        ],
        hours_ago=3,
    )
    seed(app, "Fruit", ["one apple here"], hours_ago=1)
    refresh(app)
    panel = app.window.sessions
    panel.search.setText("apple")
    qtbot.waitUntil(lambda: panel.results_model.rowCount() == 2)
    hits = {h.title.split()[0]: h for h in panel.results_model.hits}
    assert hits["Cooking"].matches == 3 and hits["Fruit"].matches == 1
    row = panel.results_model.hits.index(hits["Cooking"])
    shown = panel.results_model.index(row).data()
    assert "3 matches" in shown
    for markup in ("**", "`", "https://", "](", "# "):
        assert markup not in shown, markup
    # Every row one height (the title is one elided line, the snippet two at most).
    heights = {panel.results.visualRect(panel.results_model.index(r)).height() for r in range(2)}
    assert len(heights) == 1
    # Activating opens the session at its best-matching message.
    panel.results.setCurrentIndex(panel.results_model.index(row))
    qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window.current_session_id == many)
    best = next(i for i in app.items if i.event_id == hits["Cooking"].event_id)
    assert best.highlighted and best.event_id == ids[1]


@pytest.mark.parametrize(
    "markdown, plain",
    [
        ("**bold** and __strong__ and *it* and _em_", "bold and strong and it and em"),
        ("# Heading\n## \x02Sub\x03 heading", "Heading \x02Sub\x03 heading"),
        ("see [the docs](https://example.com/x) now", "see the docs now"),
        ("![a cat](http://img/cat.png) [cut link](https://exa…", "a cat cut link"),
        ("…ple.com/path) and \x02more\x03", "… and \x02more\x03"),
        ("use `pip install` then\n```python\nprint(1)\n```", "use pip install then print(1)"),
        ("> quoted\n- item\n1. first\n- [x] done", "quoted item first done"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a b 1 2"),
        ("snake_case and 2 * 3 stay", "snake_case and 2 * 3 stay"),
        ("**\x02apple\x03** pie", "\x02apple\x03 pie"),
    ],
)
def test_snippets_read_as_plain_text(markdown, plain) -> None:
    assert plain_snippet(markdown) == plain


def test_the_search_box_gets_its_named_clear_button_at_the_first_letter(app, qtbot) -> None:
    """The clear button (its icon looked up in the icon theme) is made when there is something to
    clear, not with the window (an empty box shows none)."""
    qtbot.waitExposed(app.window)
    search = app.window.sessions.search
    assert not search.isClearButtonEnabled()
    qtbot.keyClicks(search, "t")
    buttons = [b for b in search.findChildren(QToolButton) if b.isVisible()]
    assert [b.accessibleName() for b in buttons] == ["Clear search"]
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: search.text() == "")


def test_esc_in_the_search_box_clears_it_and_goes_back_to_the_list(app, qtbot, groq_server) -> None:
    seed(app, "Lisbon trip", ["trams and pastries"])
    refresh(app)
    panel = app.window.sessions
    qtbot.keyClick(app.composer, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.search, "tram")
    qtbot.waitUntil(lambda: panel.pages.currentWidget() is panel.results)
    # Esc in the box is the search's, even while a reply streams: the reply goes on.
    hold = groq_server.hold_after(2)
    app.window.composer.edit.setPlainText("hello")
    app.window.replies.submit()
    qtbot.waitUntil(hold.reached.is_set)
    panel.search.setFocus()
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    assert panel.search.text() == ""
    assert panel.pages.currentWidget() is panel.list
    assert QApplication.focusWidget() is panel.list
    assert app.window.busy  # not stopped
    # From the results (Down from the box) too.
    qtbot.keyClicks(panel.search, "tram")
    qtbot.waitUntil(lambda: panel.pages.currentWidget() is panel.results)
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.results
    qtbot.keyClick(panel.results, Qt.Key.Key_Escape)
    assert panel.search.text() == "" and QApplication.focusWidget() is panel.list
    assert app.window.busy
    hold.release()
    app.wait_idle()


def accent_pixels(image: QImage, accent: QColor) -> int:
    found = 0
    for y in range(0, image.height()):
        for x in range(0, image.width()):
            colour = image.pixelColor(x, y)
            if (
                abs(colour.red() - accent.red()) < 6
                and abs(colour.green() - accent.green()) < 6
                and abs(colour.blue() - accent.blue()) < 6
            ):
                found += 1
    return found


def test_search_highlights_use_the_themes_accent(app, qtbot) -> None:
    seed(app, "Zoo", ["a zebra walked by"])
    refresh(app)
    panel = app.window.sessions
    panel.search.setText("zebra")
    qtbot.waitUntil(lambda: panel.results_model.rowCount() == 1)
    panel.results.clearSelection()
    panel.results.setCurrentIndex(panel.results_model.index(-1))
    for name in ("dark", "light"):
        theme = THEMES[name]
        app.window.preferences.theme = name
        app.window.settings_ctl.apply_preferences()
        rect = panel.results.visualRect(panel.results_model.index(0))
        image = panel.results.viewport().grab(rect).toImage()
        other = THEMES["light" if name == "dark" else "dark"].color("accent")
        assert accent_pixels(image, theme.color("accent")) > 40, name
        assert accent_pixels(image, other) == 0, name


def test_split_marks_keeps_the_positions_of_matches() -> None:
    assert split_marks("a \x02bc\x03 d \x02e\x03") == ("a bc d e", [(2, 2), (7, 1)])


# -- focus and order -------------------------------------------------------------------------
def click_row(app: ChatApp, qtbot, title: str) -> None:
    panel = app.window.sessions
    row = titles(app).index(title)
    rect = panel.list.visualRect(panel.proxy.index(row, 0))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_click_opens_the_session_and_keeps_the_keyboard_in_the_list(app, qtbot) -> None:
    first, _ = seed(app, "First", ["one"], hours_ago=2)
    seed(app, "Second", ["two"], hours_ago=1)
    refresh(app)
    qtbot.waitExposed(app.window)
    panel = app.window.sessions
    click_row(app, qtbot, "First")
    qtbot.waitUntil(lambda: app.window.current_session_id == first)
    assert QApplication.focusWidget() is panel.list
    qtbot.keyClick(panel.list, Qt.Key.Key_F2)
    qtbot.waitUntil(app.window.session_actions.rename_dialog.isVisible)
    assert app.window.session_actions.rename_dialog.textValue() == "First"
    app.window.session_actions.rename_dialog.reject()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    qtbot.waitUntil(app.window.session_actions.delete_box.isVisible)
    assert "First" in app.window.session_actions.delete_box.text()
    app.window.session_actions.delete_box.button(QMessageBox.StandardButton.Cancel).click()
    app.window.activateWindow()  # offscreen, closing the box does not hand activation back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    # The keyboard way: Enter opens the current session and moves on to the composer.
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Up)
    assert panel.list.currentIndex().data() == "Second"
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window.current_session_id != first)
    focused = QApplication.focusWidget()
    assert focused is app.composer, (focused, getattr(focused, "text", lambda: "")())


def test_rename_and_undo_delete_keep_the_order_and_the_time(app, qtbot) -> None:
    seed(app, "Older", ["one"], hours_ago=5)
    seed(app, "Newer", ["two"], hours_ago=2)
    refresh(app)
    assert titles(app) == ["Newer", "Older"]
    panel = app.window.sessions
    older = panel.model.sessions[1]
    app.run(app.window.session_actions.rename(older.session_id, "Older, renamed"))
    assert titles(app) == ["Newer", "Older, renamed"]
    assert panel.model.sessions[1].last_activity == older.last_activity
    app.run(app.window.session_actions.delete(older.session_id, "Older, renamed"))
    assert titles(app) == ["Newer"]
    app.window.session_actions.undo_delete()
    qtbot.waitUntil(lambda: titles(app) == ["Newer", "Older, renamed"])
    assert panel.model.sessions[1].last_activity == older.last_activity


# -- layout ----------------------------------------------------------------------------------
def test_ctrl_b_folds_the_sidebar_and_the_choice_is_remembered(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    window = chat.window
    window.resize(1200, 800)
    qtbot.waitUntil(lambda: window.width() == 1200)
    assert window.sessions.isVisible() and window.sidebar_button.isChecked()
    composer_width = window.composer.width()
    qtbot.keyClick(chat.composer, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert not window.sessions.isVisible() and not window.sidebar_button.isChecked()
    qtbot.waitUntil(lambda: window.composer.width() > composer_width + 250)  # the chat got it
    chat.close()
    again = ChatApp(qtbot, run, isolated_environment, groq_server)
    again.window.resize(1200, 800)
    qtbot.waitUntil(lambda: again.window.width() == 1200)
    assert not again.window.sessions.isVisible()
    qtbot.mouseClick(again.window.sidebar_button, Qt.MouseButton.LeftButton)
    assert again.window.sessions.isVisible()
    prefs = QSettings(str(isolated_environment / "preferences.ini"), QSettings.Format.IniFormat)
    assert prefs.value("window/sidebar_collapsed", type=bool) is False
    again.close()


def test_a_narrow_window_folds_the_sidebar_and_fits_600_by_500(app, qtbot) -> None:
    window = app.window
    window.resize(1100, 760)
    qtbot.waitUntil(lambda: window.width() == 1100)
    assert window.sessions.isVisible()
    window.resize(600, 500)
    qtbot.waitUntil(lambda: window.size().width() == 600 and window.size().height() == 500)
    assert not window.sessions.isVisible()
    assert window.minimumSizeHint().width() <= 600 and window.minimumSizeHint().height() <= 500
    # Ctrl+K still reaches the search: it unfolds the sidebar.
    qtbot.keyClick(app.composer, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.sessions.isVisible() and QApplication.focusWidget() is window.sessions.search
    window.resize(SIDEBAR_AUTO_COLLAPSE_WIDTH + 200, 700)
    qtbot.waitUntil(lambda: window.width() == SIDEBAR_AUTO_COLLAPSE_WIDTH + 200)
    assert window.sessions.isVisible()
    window.resize(600, 500)
    qtbot.waitUntil(lambda: window.width() == 600)
    assert not window.sessions.isVisible()
    qtbot.waitUntil(lambda: window.chat_pages.width() > 500)  # the layout gave the chat the room
    # Everything in the window inside it, nothing squeezed below its minimum.
    for widget in (
        window.composer,
        window.composer.send_button,
        window.chat_pages,
        window.sidebar_button,
        window.chat_title,
    ):
        top_left = widget.mapTo(window, QPoint(0, 0))
        assert window.rect().contains(QRect(top_left, widget.size())), widget.objectName()
        assert widget.width() >= widget.minimumSizeHint().width(), widget.objectName()


def test_the_window_title_is_the_sessions_title(app, qtbot) -> None:
    assert app.window.windowTitle() == "New chat — Desktop Chat"
    session_id, _ = seed(app, "Plan <b>Lisbon</b> [*] trip\nnow", ["hello"])
    refresh(app)
    app.run(app.window.open_session(session_id))
    # Qt reads "[*]" as a placeholder; "[*][*]" shows "[*]" (test_real_sidebar reads the X title).
    assert app.window.windowTitle() == "Plan <b>Lisbon</b> [*][*] trip now — Desktop Chat"
    assert app.window.chat_title.textFormat() == Qt.TextFormat.PlainText
    app.run(app.window.session_actions.rename(session_id, "Renamed"))
    assert app.window.windowTitle() == "Renamed — Desktop Chat"
    app.window.new_session()
    assert app.window.windowTitle() == "New chat — Desktop Chat"


# -- export ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "title, name",
    [
        ("Trip to Lisbon", "Trip to Lisbon.md"),
        ('a/b\\c: d? <e> |f| *g* "h"', "a b c d e f g h.md"),
        ("  ..  ", "chat.md"),
        ("CON", "CON chat.md"),
        ("x" * 200, "x" * 80 + ".md"),
        ("line\nbreak\ttab", "line break tab.md"),
    ],
)
def test_export_file_names_come_from_the_title(title, name) -> None:
    assert export_file_name(title, "md") == name


def test_export_suggests_the_title_in_the_last_export_folder(app, qtbot, tmp_path) -> None:
    session_id, _ = seed(app, "Trip: Lisbon/Porto", ["hello"])
    refresh(app)
    app.run(app.window.open_session(session_id))
    app.window.session_actions.choose_export_file("md")
    dialog = app.window.session_actions.export_dialog
    assert dialog.selectedFiles()[0].endswith("/Trip Lisbon Porto.md")
    dialog.reject()
    folder = tmp_path / "exports"
    folder.mkdir()
    app.run(app.window.session_actions.export_session(session_id, folder / "first.md", "md"))
    assert (folder / "first.md").read_text(encoding="utf-8")
    app.window.session_actions.choose_export_file("json")
    dialog = app.window.session_actions.export_dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.selectedFiles()[0] == str(folder / "Trip Lisbon Porto.json")
    dialog.reject()


def test_titles_in_tooltips_stay_text(app, qtbot) -> None:
    hostile = "<img src='file:///etc/passwd'><b>bold</b>"
    seed(app, hostile, ["an <img> here"])
    refresh(app)
    panel = app.window.sessions
    tip = panel.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip and "&lt;b&gt;bold" in tip
    app.run(app.window.open_session(panel.model.sessions[0].session_id))
    assert "<img" not in app.window.chat_title.toolTip()
    app.window.show_status(hostile)
    assert "<img" not in app.window.composer.status.toolTip()
    panel.search.setText("img")
    qtbot.waitUntil(lambda: panel.results_model.rowCount() == 1)
    assert "<img" not in panel.results_model.index(0).data(Qt.ItemDataRole.ToolTipRole)
