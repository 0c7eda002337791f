"""Model-written text outside the transcript: shown as the characters it is, never as markup.

A session title is written by the model (auto-title), so a prompt injection can make it
`<a href="file:///etc/passwd">…</a><h1>…</h1><img src="/local/file.png">`. The attack is made
for real here: the title goes into the real store, the real window shows it in the Delete
dialog, the status line and the session tooltip, a real local image sits at the `src` path,
and the test clicks where the link would be, with a handler that records any file: URL opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtGui import QColor, QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolTip

from desktop_chat.core.export import export_json, parse_json_export
from desktop_chat.models import Session, clean_title, title_from_message
from tests.ui_helpers import ChatApp

RED = QColor(255, 0, 0)


@pytest.fixture
def red_png(tmp_path: Path) -> Path:
    """A real image on disk, big enough to blow up any widget that loads it."""
    path = tmp_path / "x.png"
    image = QImage(320, 320, QImage.Format.Format_RGB32)
    image.fill(RED)
    assert image.save(str(path))
    return path


def hostile_title(png: Path) -> str:
    return f'<a href="file:///etc/passwd">x</a><h1>big</h1><img src="{png}">'


class OpenedUrls(QObject):
    """Stands in as the desktop's handler for file: and http(s): URLs: records, opens nothing."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        for scheme in ("file", "http", "https"):
            QDesktopServices.setUrlHandler(scheme, self, "open")

    @Slot("QUrl")
    def open(self, url) -> None:  # noqa: A003
        self.urls.append(url.toString())

    def close(self) -> None:
        for scheme in ("file", "http", "https"):
            QDesktopServices.unsetUrlHandler(scheme)


def red_pixels(image: QImage) -> int:
    count = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            color = image.pixelColor(x, y)
            count += color.red() > 200 and color.green() < 60 and color.blue() < 60
    return count


def shown_text(rich_or_plain: str, label: QLabel) -> str:
    """What a reader sees in the label: its text, as Qt lays it out for the label's format."""
    if label.textFormat() == Qt.TextFormat.PlainText:
        return rich_or_plain
    document = QTextDocument()
    document.setHtml(rich_or_plain)
    return document.toPlainText()


@pytest.fixture
def chat(qtbot, run, groq_server, isolated_environment):
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    yield app
    app.close()


def add_session(chat: ChatApp, run, title: str, summary: str | None = None) -> Session:
    session = Session(title=title, summary=summary)
    run(chat.store.create_session(session))
    run(chat.window.refresh_sessions())
    chat.window.sessions.select(session.session_id)
    return session


def test_delete_dialog_and_status_show_a_hostile_title_as_text(chat, run, qtbot, red_png):
    title = hostile_title(red_png)
    session = add_session(chat, run, title)
    opened = OpenedUrls()
    try:
        chat.window.session_actions.delete_session()
        box: QMessageBox = chat.window.session_actions.delete_box
        qtbot.waitExposed(box)
        label = box.findChild(QLabel, "qt_msgbox_label")
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert (
            shown_text(label.text(), label)
            == f"Delete “{title}”? You can undo this for a few seconds."
        )
        # The image is not loaded (the label keeps to a few lines of text, no red on it)...
        assert label.sizeHint().height() < 120
        assert red_pixels(box.grab().toImage()) == 0
        # ...and a click where the link's text is opens nothing.
        for x in range(2, min(label.width(), 200), 6):
            qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=QPoint(x, 6))
        assert opened.urls == []

        box.button(QMessageBox.StandardButton.Yes).click()
        status = chat.window.composer.status
        qtbot.waitUntil(lambda: status.text().startswith("Deleted"))
        assert status.textFormat() == Qt.TextFormat.PlainText
        assert status.text() == f"Deleted “{title}”."
        assert status.sizeHint().height() < 60
        assert red_pixels(chat.window.grab().toImage()) == 0
    finally:
        opened.close()
    assert run(chat.store.get_session(session.session_id)).deleted_at is not None


def test_rename_status_shows_the_new_name_as_text(chat, run, qtbot, red_png):
    session = add_session(chat, run, "plain")
    title = hostile_title(red_png)
    run(chat.window.session_actions.rename(session.session_id, title))
    status = chat.window.composer.status
    assert status.textFormat() == Qt.TextFormat.PlainText
    assert status.text() == f"Renamed to “{title}”."
    assert status.sizeHint().height() < 60
    assert red_pixels(chat.window.grab().toImage()) == 0


def test_session_tooltip_shows_title_and_summary_as_text(chat, run, qtbot, red_png):
    title = hostile_title(red_png)
    add_session(chat, run, title)
    view = chat.window.sessions.list
    index = view.model().index(0, 0)
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    QToolTip.showText(view.viewport().mapToGlobal(view.visualRect(index).center()), tooltip, view)
    qtbot.waitUntil(
        lambda: (
            next(
                (
                    w
                    for w in QApplication.topLevelWidgets()
                    if w.objectName() == "qtooltip_label" and w.isVisible()
                ),
                None,
            )
            is not None
        )
    )
    tip = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "qtooltip_label" and w.isVisible()
    )
    # A tooltip is rich text whenever it looks like it; what it lays out must be the title.
    assert shown_text(tip.text(), tip) == title
    assert tip.sizeHint().height() < 120
    assert red_pixels(tip.grab().toImage()) == 0
    QToolTip.hideText()

    summary = f"Summary <b>bold</b> <img src='{red_png}'>\nsecond line"
    session = add_session(chat, run, "with summary")
    run(chat.store.update_session(session.session_id, summary=summary))
    run(chat.window.refresh_sessions())
    row = chat.window.sessions.model.row_of(session.session_id)
    tooltip = view.model().index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    document = QTextDocument()
    document.setHtml(tooltip)
    assert document.toPlainText() == summary


def test_sync_status_tooltip_shows_the_server_message_as_text(qtbot, red_png):
    from desktop_chat.store.sync import SyncStatus
    from desktop_chat.ui.account import SyncStatusLabel

    class Engine:
        status = SyncStatus(state="offline", message=f"<img src='{red_png}'><h1>down</h1>")

        def on_status_changed(self, callback):
            return lambda: None

    label = SyncStatusLabel(Engine())
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText
    document = QTextDocument()
    document.setHtml(label.toolTip())
    assert document.toPlainText() == Engine.status.message


# -- invisible and direction-changing characters -----------------------------------------
@pytest.mark.parametrize(
    "raw, clean",
    [
        ("\u202eexe.txt", "exe.txt"),  # shows as "txt.exe" with the override
        ("Re\u200bport", "Report"),  # a zero-width twin of "Report"
        ("\u2066iso\u2069late \u202aembed\u202c \u200fmark\u200e", "isolate embed mark"),
        ("tag\U000e0041\U000e0042 chars\ufeff", "tag chars"),
        ("two\nlines\tand\x1b[31m escapes", "two lines and[31m escapes"),
        ("\u3164\u3164", ""),  # Hangul fillers: a name that looks blank
    ],
)
def test_titles_lose_invisible_and_bidi_characters(raw, clean):
    assert clean_title(raw) == clean
    assert Session(title=raw).display_title == (clean or "New chat")


def test_every_way_a_title_is_set_cleans_it(chat, run, qtbot, groq_server):
    """First message, the model's auto-title, a rename, an import: none keeps a U+202E."""
    assert title_from_message("\u202eexe.txt is my file") == "exe.txt is my file"
    session = add_session(chat, run, "\u202egnp.exe")
    assert run(chat.store.get_session(session.session_id)).title == "gnp.exe"
    run(chat.window.session_actions.rename(session.session_id, "Re\u200bport \u202eevil"))
    assert run(chat.store.get_session(session.session_id)).title == "Report evil"
    assert chat.window.composer.status.text() == "Renamed to “Report evil”."
    imported, _ = parse_json_export(export_json(Session(title="\u202eexe.txt"), []))
    assert imported.title == "exe.txt"

    groq_server.reply_text = "\u202eexe.txt\u200b"  # the model's answer to "write a title"
    chat.service.settings.auto_title = True
    chat.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, chat.composer)  # a new session
    chat.send_and_wait("name this")
    new_id = chat.window.current_session_id
    assert new_id != session.session_id
    qtbot.waitUntil(lambda: run(chat.store.get_session(new_id)).title == "exe.txt")
    current = run(chat.store.get_session(new_id))
    raw = chat.store._db.execute(
        "SELECT title FROM sessions WHERE session_id = ?", (current.session_id,)
    ).fetchone()[0]
    assert "\u202e" not in raw and "\u200b" not in raw


def test_search_results_show_a_hostile_title_as_text(chat, run, qtbot, red_png):
    """Search results are drawn from HTML (to mark the match): the title is escaped into it."""
    from desktop_chat.models import Event, EventType

    title = hostile_title(red_png) + " \u202eplans"
    session = add_session(chat, run, title)
    run(
        chat.store.add_event(
            Event(
                session.session_id, EventType.USER_MESSAGE, {"text": "the big plans for tomorrow"}
            )
        )
    )
    panel = chat.window.sessions
    panel.search.setText("big")
    # One row per session: its title and its message both match.
    qtbot.waitUntil(lambda: panel.results.isVisible() and panel.results.model().rowCount() == 1)
    hits = [
        panel.results.model().index(row, 0).data(Qt.ItemDataRole.DisplayRole)
        for row in range(panel.results.model().rowCount())
    ]
    assert all("\u202e" not in hit for hit in hits)
    assert red_pixels(panel.results.viewport().grab().toImage()) == 0
    # Drawn as plain text (a text layout, no HTML): the title reads as its characters.
    [hit] = panel.results.model().hits
    assert hit.title == clean_title(title)
    assert hits[0].startswith(clean_title(title))
