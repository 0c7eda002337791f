"""Images and files in the real window (offscreen): paste, drop, pick; chips that go with ×
and Backspace; downscaling said in the chip; the vision model shown; refusals in plain words
with nothing typed lost; the bubble's images and file chips; the large view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop_chat.core.attachments import IMAGE_MAX_BYTES, IMAGE_MAX_SIDE, MAX_IMAGES_PER_REQUEST
from desktop_chat.ui.attachments import image_attachment
from desktop_chat.ui.transcript import Role
from tests.support.attachment_files import noisy_png, pdf, png
from tests.support.groq_server import request_images
from tests.ui_helpers import ChatApp


@pytest.fixture
def app(qtbot, run, groq_server, isolated_environment):
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.window.resize(1000, 760)
    yield chat
    chat.close()


def chips(app: ChatApp):
    return app.window.composer.chips


def image_mime(width: int = 120, height: int = 80) -> QMimeData:
    mime = QMimeData()
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a7ab0"))
    mime.setImageData(image)
    return mime


def files_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    mime.setText("\n".join(str(p) for p in paths))  # what a file manager offers too
    return mime


def test_a_pasted_image_becomes_a_chip_and_is_sent_to_the_vision_model(app, groq_server, qtbot):
    app.composer.setFocus()
    app.composer.setPlainText("What is this?")
    app.composer.insertFromMimeData(image_mime(120, 80))  # what Ctrl+V does
    assert app.composer.toPlainText() == "What is this?"  # the image is not text
    [chip] = chips(app).chips
    assert chip.accessibleName().startswith("Image pasted image.png, 120×80")
    assert chip.remove.accessibleName() == "Remove pasted image.png"
    assert "sent as it is" in chip.toolTip()
    note = chips(app).note.text()
    assert "Goes to llama-4-scout-17b-16e-instruct" in note and "cannot see images" in note

    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    assert not chips(app).chips and chips(app).isHidden()
    body = groq_server.requests[-1]
    assert body["model"] == "meta-llama/llama-4-scout-17b-16e-instruct"
    assert [m for m, _d in request_images(body)] == ["image/png"]
    reply = app.last(Role.ASSISTANT)
    assert reply.text.startswith("I see 1 image: 120x80 image/png")
    assert reply.model == "meta-llama/llama-4-scout-17b-16e-instruct"  # the reply's label
    user = app.last(Role.USER)
    assert [a["name"] for a in user.attachments] == ["pasted image.png"]


def test_images_with_web_search_on_stay_with_the_model_that_sees_and_the_note_says_so(
    app, groq_server
):
    app.window.reply_extras.web_search.setChecked(True)
    app.composer.setFocus()
    app.composer.setPlainText("What is this?")
    app.composer.insertFromMimeData(image_mime(120, 80))
    assert "No web search for this message" in chips(app).note.text()
    app.window.reply_extras.web_search.setChecked(False)  # the toggle updates the note
    assert "web search" not in chips(app).note.text()
    app.window.reply_extras.web_search.setChecked(True)
    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    body = groq_server.requests[-1]
    assert body["model"] == "meta-llama/llama-4-scout-17b-16e-instruct" and "tools" not in body
    assert app.last(Role.ASSISTANT).text.startswith("I see 1 image")


def test_a_short_reply_leaves_its_question_and_images_in_sight(app, groq_server) -> None:
    app.window.resize(760, 560)
    groq_server.reply_text = "A short answer."
    app.composer.setPlainText("What is this?")
    app.composer.insertFromMimeData(image_mime(400, 300))
    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    app.composer.insertFromMimeData(image_mime(120, 80))  # the next message's chip: the
    app.wait_idle()  # composer grows, the transcript above it gets shorter
    view = app.window.transcript
    question = view.visualRect(view.model().index(len(app.items) - 2))
    reply = view.visualRect(view.model().index(len(app.items) - 1))
    assert app.last(Role.USER).attachments  # the row with the image strip above its bubble
    assert question.top() >= 0, "the question's images were scrolled out at the top"
    assert reply.top() < view.viewport().height()
    chips(app).clear()  # the composer shrinks back: the rows stay where they are
    app.wait_idle()
    assert view.visualRect(view.model().index(len(app.items) - 2)).top() == question.top()


def test_x_and_backspace_remove_chips(app, qtbot) -> None:
    app.composer.setFocus()
    app.composer.insertFromMimeData(image_mime())
    app.composer.insertFromMimeData(image_mime(30, 30))
    assert len(chips(app).chips) == 2
    qtbot.mouseClick(chips(app).chips[0].remove, Qt.MouseButton.LeftButton)
    assert [c.attachment.width for c in chips(app).chips] == [30]
    app.composer.setPlainText("keep me")
    app.composer.moveCursor(app.composer.textCursor().MoveOperation.End)
    app.key(Qt.Key.Key_Backspace, widget=app.composer)  # deletes a letter, not the chip
    assert app.composer.toPlainText() == "keep m" and len(chips(app).chips) == 1
    app.composer.moveCursor(app.composer.textCursor().MoveOperation.Start)
    app.key(Qt.Key.Key_Backspace, widget=app.composer)
    assert not chips(app).chips and app.composer.toPlainText() == "keep m"


def test_a_huge_image_is_downscaled_and_the_chip_says_so(app) -> None:
    big = QImage(6000, 4000, QImage.Format.Format_RGB32)
    big.fill(QColor("#884422"))
    attachment = image_attachment(QImage.fromData(noisy_png(3000, 2000)), "photo.png", 18_000_000)
    assert max(attachment.width, attachment.height) <= IMAGE_MAX_SIDE
    assert attachment.size <= IMAGE_MAX_BYTES and attachment.mime == "image/jpeg"
    mime = QMimeData()
    mime.setImageData(big)
    app.composer.insertFromMimeData(mime)
    [chip] = chips(app).chips
    assert chip.attachment.width == IMAGE_MAX_SIDE and chip.attachment.size <= IMAGE_MAX_BYTES
    assert chip.toolTip().startswith("Downscaled from 6000×4000 to 2048×1365")
    assert "4 MB" in chip.toolTip() and "33 megapixels" in chip.toolTip()


def test_a_corrupt_image_is_refused_plainly_and_nothing_typed_is_lost(app, tmp_path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50)
    app.composer.setPlainText("my long question")
    app.composer.insertFromMimeData(files_mime(broken))
    assert not chips(app).chips
    status = app.window.composer.status.text()
    assert status.startswith("broken.png could not be read as an image")
    assert app.composer.toPlainText() == "my long question"


def test_files_pasted_as_a_uri_list_become_file_chips_with_pages(app, groq_server, tmp_path):
    notes, report = tmp_path / "notes.csv", tmp_path / "report.pdf"
    notes.write_text("name,qty\napples,3\n", encoding="utf-8")
    report.write_bytes(pdf(["Page one text", "Page two text"]))
    app.composer.insertFromMimeData(files_mime(notes, report))
    names = [c.attachment.name for c in chips(app).chips]
    assert names == ["notes.csv", "report.pdf"]
    assert chips(app).chips[1].detail.text().endswith("2 pages")
    assert app.composer.toPlainText() == ""  # not the paths as text
    app.composer.setPlainText("Compare")
    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    sent = groq_server.requests[-1]["messages"][-1]["content"]
    assert '<file name="notes.csv">\nname,qty\napples,3\n' in sent
    assert '<file name="report.pdf">\nPage one text' in sent
    assert groq_server.requests[-1]["model"] == "llama-3.1-8b-instant"  # no image: no switch


def test_a_binary_and_a_huge_file_are_refused(app, tmp_path) -> None:
    binary, huge = tmp_path / "a.exe", tmp_path / "huge.log"
    binary.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" * 64)
    with huge.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    app.composer.setPlainText("draft")
    app.composer.insertFromMimeData(files_mime(binary, huge))
    status = app.window.composer.status.text()
    assert "a.exe is a binary file" in status and "huge.log is 100.0 MB" in status
    assert not chips(app).chips and app.composer.toPlainText() == "draft"


def test_a_cut_file_is_told_how_much(app, tmp_path) -> None:
    long = tmp_path / "book.txt"
    long.write_text("word " * 60_000, encoding="utf-8")  # 300,000 characters
    app.composer.insertFromMimeData(files_mime(long))
    note = chips(app).note.text()
    assert "book.txt was cut to its first 200,000 of 300,000 characters (66%)" in note
    assert chips(app).chips[0].detail.text().endswith("cut")


def test_a_drop_on_the_window_attaches(app, qtbot, tmp_path) -> None:
    """Dropped on the transcript (which takes no drops itself): the window takes it."""
    path = tmp_path / "dropped.png"
    path.write_bytes(png(50, 40))
    mime = files_mime(path)
    target = app.window.transcript.viewport()
    at = target.rect().center()
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    enter = QDragEnterEvent(at, copy, mime, left, none)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(at), copy, mime, left, none)
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()
    assert [c.attachment.name for c in chips(app).chips] == ["dropped.png"]


def test_the_pick_button_opens_a_file_dialog(app, qtbot, tmp_path, monkeypatch) -> None:
    path = tmp_path / "picked.md"
    path.write_text("# Title\n", encoding="utf-8")
    asked = []

    def pick(parent, caption, folder, filters):
        asked.append((caption, filters))
        return [str(path)], filters

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick))
    qtbot.mouseClick(app.window.composer.attach_button, Qt.MouseButton.LeftButton)
    assert asked and "*.pdf" in asked[0][1] and "*.png" in asked[0][1]
    assert [c.attachment.name for c in chips(app).chips] == ["picked.md"]
    assert app.window.composer.attach_button.accessibleName() == "Attach an image or a file"


def test_a_sixth_image_is_refused(app) -> None:
    for _ in range(MAX_IMAGES_PER_REQUEST + 1):
        app.composer.insertFromMimeData(image_mime(20, 20))
    assert len(chips(app).chips) == MAX_IMAGES_PER_REQUEST
    assert "at most 5 images" in app.window.composer.status.text()


def test_text_paste_still_pastes_text(app) -> None:
    mime = QMimeData()
    mime.setText("plain words")
    mime.setUrls([QUrl("https://example.com/x.png")])  # a link, not a local file
    app.composer.insertFromMimeData(mime)
    assert app.composer.toPlainText() == "plain words" and not chips(app).chips


def test_the_bubble_shows_file_chips_not_the_file_text_and_survives_a_reopen(
    app, run, tmp_path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("SECRET-BODY " * 50, encoding="utf-8")
    app.composer.insertFromMimeData(files_mime(notes))
    app.composer.insertFromMimeData(image_mime(60, 40))
    app.composer.setPlainText("Read this")
    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    user = app.last(Role.USER)
    assert user.text == "Read this" and "SECRET-BODY" not in user.accessible_text
    assert "attached: file notes.txt (600 bytes), image pasted image.png" in user.accessible_text
    session_id = app.window.current_session_id
    run(app.window.open_session(session_id))
    reopened = app.last(Role.USER)
    assert [a["kind"] for a in reopened.attachments] == ["file", "image"]
    model = app.window.transcript_model
    rect = app.window.transcript.visualRect(model.index_of(reopened))
    placed = app.window.delegate.attachment_rects(reopened, rect)
    bubble, _ = app.window.delegate._layout(reopened, rect)
    assert all(place.bottom() < bubble.top() for place, _entry in placed)  # above the bubble
    assert rect.height() >= bubble.bottom() - rect.top()  # the row holds the strip too


def test_a_thumbnail_click_opens_the_image_and_esc_closes_it(app, qtbot) -> None:
    app.composer.insertFromMimeData(image_mime(300, 200))
    app.composer.setPlainText("look")
    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    user = app.last(Role.USER)
    view = app.window.transcript
    model = app.window.transcript_model
    rect = view.visualRect(model.index_of(user))
    [(thumb, _entry)] = app.window.delegate.attachment_rects(user, rect)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=thumb.center())
    qtbot.waitUntil(lambda: app.window.attachments.viewer is not None, timeout=5_000)
    viewer = app.window.attachments.viewer
    qtbot.waitUntil(viewer.isVisible)
    assert viewer.picture.pixmap().size().toTuple() == (300, 200)  # the stored image
    assert viewer.windowTitle() == "pasted image.png"
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_remote_images_in_model_text_are_never_fetched(app, groq_server) -> None:
    """The reply names an image on a server that would log the fetch: nothing fetches it."""
    groq_server.reply_text = f"Here: ![pic]({groq_server.base_url}/pic.png) done"
    app.send_and_wait("show me")
    reply = app.last(Role.ASSISTANT)
    assert "[image: pic]" in app.window.delegate.document_for(reply).toPlainText()
    assert not [r for r in groq_server.request_log if r["path"].endswith("/pic.png")]


def test_editing_a_message_keeps_its_image_on_screen_and_in_the_request(app, groq_server):
    app.composer.insertFromMimeData(image_mime(70, 50))
    app.composer.setPlainText("first words")
    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    app.key(Qt.Key.Key_Up, widget=app.composer)  # edit the last message
    assert app.composer.toPlainText() == "first words"
    app.composer.setPlainText("better words")
    app.key(Qt.Key.Key_Return, widget=app.composer)
    app.wait_idle()
    user = app.last(Role.USER)
    assert user.text == "better words" and [a["kind"] for a in user.attachments] == ["image"]
    assert request_images(groq_server.requests[-1])  # the image went again
    reply = app.last(Role.ASSISTANT)
    assert reply.model == "meta-llama/llama-4-scout-17b-16e-instruct"
