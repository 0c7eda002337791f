"""The key, rate-limit and model-picker flows, driven through the window against the loopback
Groq server: what the status line and the error bubble say matches what the app does."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from desktop_chat.settings import DEFAULT_MODEL
from desktop_chat.ui.plain_text import plain_tooltip
from desktop_chat.ui.transcript import Role
from tests.ui_helpers import ChatApp


def status(app: ChatApp) -> str:
    return app.window.composer.status.text()


def open_settings(app: ChatApp, qtbot):
    qtbot.keyClick(app.composer, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = app.window.settings_ctl.settings_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    return dialog


# -- 401 --------------------------------------------------------------------------------------
def test_a_rejected_key_points_to_what_the_ui_calls_it_without_a_dialog_over_it(
    app, qtbot, groq_server
) -> None:
    groq_server.fail_next("401")
    app.send_and_wait("Hello?")
    error = app.last(Role.ERROR)
    assert "Settings → API key" in error.text
    assert app.window.settings_ctl.key_dialog is None  # nothing stacked over the error
    assert app.window.change_key_button.isVisible()
    assert "Settings → API key" in status(app)

    # The words match the UI: Settings has a section called exactly that, with the key button.
    dialog = open_settings(app, qtbot)
    sections = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "API key" in sections
    dialog.show_section("API key")
    assert dialog.tabs.currentWidget().isAncestorOf(dialog.change_key)
    dialog.reject()

    app.window.change_key_button.click()
    key_dialog = app.window.settings_ctl.key_dialog
    qtbot.waitUntil(lambda: key_dialog is not None and key_dialog.isVisible())
    shown = " ".join(label.text() for label in key_dialog.findChildren(QLabel))
    assert "rejected" not in shown  # the error is in the transcript already, not repeated
    key_dialog.reject()  # "Not now"
    assert app.window.service.llm is not None  # the configured key is still the one used
    assert "No API key yet" not in status(app)
    assert "not changed" in status(app) and "rejected" in status(app), status(app)

    # A new key clears the hint; Retry then works.
    app.window.change_key_button.click()
    qtbot.waitUntil(lambda: app.window.settings_ctl.key_dialog.isVisible())
    app.window.settings_ctl.key_dialog.key_edit.setText(groq_server.api_key)
    app.window.settings_ctl.key_dialog.accept()
    assert not app.window.change_key_button.isVisible()
    qtbot.keyClick(app.composer, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    app.wait_idle()
    assert app.last(Role.ERROR) is None
    assert app.last(Role.ASSISTANT).text == groq_server.reply_text


def test_not_now_without_any_key_says_there_is_none(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server, key=None)
    qtbot.waitUntil(
        lambda: (
            chat.window.settings_ctl.key_dialog is not None
            and chat.window.settings_ctl.key_dialog.isVisible()
        )
    )
    chat.window.settings_ctl.key_dialog.reject()
    assert "No API key yet" in status(chat)
    chat.close()


def test_not_now_with_a_key_from_the_environment_names_it(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.window.settings_ctl.key_source = "environment"
    chat.window.ask_for_key()
    dialog = chat.window.settings_ctl.key_dialog
    qtbot.waitUntil(dialog.isVisible)
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "GROQ_API_KEY" in shown  # saving a new key does not outlive that setting
    dialog.reject()
    assert status(chat) == "The API key was not changed."
    settings = open_settings(chat, qtbot)
    assert "GROQ_API_KEY" in settings.key_status.text()
    settings.reject()
    chat.close()


# -- 429 --------------------------------------------------------------------------------------
def test_a_rate_limit_counts_down_and_retries_once_by_itself(app, qtbot, groq_server) -> None:
    groq_server.fail_next("429", retry_after=2)
    app.send_and_wait("Hello?")
    failed_at = time.monotonic()
    error = app.last(Role.ERROR)
    assert "retrying in 2 s" in error.text and "Rate limited — retrying in 2 s" in status(app)
    assert app.window.replies.retry_countdown.cancel_button.isVisible()
    assert "0 requests left" in app.window.reply_extras.usage_label.text()  # from the 429
    qtbot.waitUntil(lambda: "retrying in 1 s." in status(app), timeout=3_000)
    assert "retrying in 1 s" in error.text  # the bubble counts too
    qtbot.waitUntil(lambda: len(groq_server.requests) == 2, timeout=5_000)
    assert time.monotonic() - failed_at >= 1.5  # it waited as Groq asked
    assert not app.window.replies.retry_countdown.cancel_button.isVisible()
    app.wait_idle()
    assert app.last(Role.ERROR) is None
    assert app.last(Role.ASSISTANT).text == groq_server.reply_text
    assert groq_server.requests[1]["messages"][-1]["content"] == "Hello?"
    assert not app.window.replies.retry_countdown.active


def test_typing_cancels_the_automatic_retry(app, qtbot, groq_server) -> None:
    groq_server.fail_next("429", retry_after=1)
    app.send_and_wait("Hello?")
    assert app.window.replies.retry_countdown.active
    qtbot.keyClicks(app.composer, "actually")
    assert not app.window.replies.retry_countdown.active
    assert "cancelled" in status(app)
    assert "Press Retry" in app.last(Role.ERROR).text
    qtbot.wait(1_800)  # past the moment it would have retried
    assert len(groq_server.requests) == 1
    assert app.composer.toPlainText() == "actually"  # nothing typed is lost


def test_esc_cancels_the_automatic_retry(app, qtbot, groq_server) -> None:
    groq_server.fail_next("429", retry_after=1)
    app.send_and_wait("Hello?")
    qtbot.keyClick(app.composer, Qt.Key.Key_Escape)
    assert not app.window.replies.retry_countdown.active
    qtbot.wait(1_800)
    assert len(groq_server.requests) == 1


def test_the_cancel_button_stops_the_retry_and_keeps_what_was_typed(app, qtbot, groq_server):
    groq_server.fail_next("429", retry_after=1)
    app.send_and_wait("Hello?")
    app.composer.setPlainText("half a thought")
    app.window.replies.retry_countdown.start(app.last(Role.ERROR), 1)  # typing cancelled the first
    qtbot.mouseClick(app.window.replies.retry_countdown.cancel_button, Qt.MouseButton.LeftButton)
    assert not app.window.replies.retry_countdown.active
    qtbot.wait(1_500)
    assert len(groq_server.requests) == 1
    assert app.composer.toPlainText() == "half a thought"


def test_a_second_rate_limit_is_left_to_the_user(app, qtbot, groq_server) -> None:
    groq_server.fail_next("429", retry_after=1)
    groq_server.fail_next("429", retry_after=1)
    app.send_and_wait("Hello?")
    qtbot.waitUntil(lambda: len(groq_server.requests) == 2, timeout=4_000)
    app.wait_idle()
    assert app.last(Role.ERROR) is not None and not app.window.replies.retry_countdown.active
    assert "Press Retry" in status(app)
    qtbot.wait(1_800)
    assert len(groq_server.requests) == 2  # "retry once", not a loop against the limit


def test_retry_by_hand_during_the_countdown_retries_once(app, qtbot, groq_server) -> None:
    groq_server.fail_next("429", retry_after=1)
    app.send_and_wait("Hello?")
    qtbot.keyClick(app.composer, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    app.wait_idle()
    assert not app.window.replies.retry_countdown.active
    qtbot.wait(1_800)
    assert len(groq_server.requests) == 2
    assert app.last(Role.ASSISTANT).text == groq_server.reply_text


# -- the model picker -------------------------------------------------------------------------
def test_the_model_picker_shows_the_model_before_the_list_and_then_groqs_list(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server, key=None)
    picker = chat.window.model_picker
    assert picker.isVisible()
    assert [picker.itemText(i) for i in range(picker.count())] == [DEFAULT_MODEL]
    qtbot.waitUntil(
        lambda: (
            chat.window.settings_ctl.key_dialog is not None
            and chat.window.settings_ctl.key_dialog.isVisible()
        )
    )
    chat.window.settings_ctl.key_dialog.key_edit.setText(groq_server.api_key)
    chat.window.settings_ctl.key_dialog.accept()
    qtbot.waitUntil(lambda: picker.count() == len(groq_server.models))
    assert sorted(picker.itemText(i) for i in range(picker.count())) == sorted(groq_server.models)
    assert picker.currentText() == DEFAULT_MODEL
    chat.close()


def test_a_model_picked_in_the_window_answers_the_next_message_and_is_kept(
    qtbot, run, groq_server, isolated_environment
) -> None:
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    picker = chat.window.model_picker
    qtbot.waitUntil(lambda: picker.count() == len(groq_server.models))
    chat.send_and_wait("first")
    assert groq_server.requests[-1]["model"] == DEFAULT_MODEL
    wanted = "llama-3.3-70b-versatile"
    picker.setFocus()
    while picker.currentText() != wanted:  # the keyboard, as a person picks
        qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert "llama-3.3-70b-versatile" in status(chat)
    chat.send_and_wait("second")
    assert groq_server.requests[-1]["model"] == wanted
    stored = QSettings(str(isolated_environment / "preferences.ini"), QSettings.Format.IniFormat)
    assert stored.value("preferences/model") == wanted
    # Settings shows the same choice, and a choice there shows in the picker.
    dialog = open_settings(chat, qtbot)
    assert dialog.model.currentText() == wanted
    dialog.model.setCurrentText("openai/gpt-oss-20b")
    dialog.accept()
    assert picker.currentText() == "openai/gpt-oss-20b"
    chat.close()

    again = ChatApp(qtbot, run, isolated_environment, groq_server)
    assert again.window.model_picker.currentText() == "openai/gpt-oss-20b"
    again.send_and_wait("third")
    assert groq_server.requests[-1]["model"] == "openai/gpt-oss-20b"
    again.close()


# -- Settings ---------------------------------------------------------------------------------
def test_settings_come_in_sections_with_the_font_size_in_points(app, qtbot) -> None:
    dialog = open_settings(app, qtbot)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Model",
        "Conversation",
        "Appearance",
        "Keyboard",
        "Desktop",
        "API key",
        "Account",
    ]
    assert dialog.font_size.text() == "10.5 pt"
    dialog.font_size.stepBy(1)
    assert dialog.font_size.text() == "11.0 pt"
    for button in dialog.buttons.buttons():
        assert button.icon().isNull(), button.text()  # no stock floppy / cross
    # The slider and the number move together.
    dialog.temperature_slider.setValue(3)
    assert dialog.temperature.value() == pytest.approx(0.3)
    dialog.temperature.setValue(1.5)
    assert dialog.temperature_slider.value() == 15
    dialog.reject()


def test_a_long_status_does_not_widen_the_window(app) -> None:
    width, needed = app.window.width(), app.window.minimumSizeHint().width()
    long_text = "A notice naming a long folder: " + "/very/long/folder" * 40
    app.window.show_status(long_text)
    app.window.composer.adjustSize()
    assert app.window.minimumSizeHint().width() == needed  # the text asks for no room
    assert app.window.width() == width
    assert app.window.composer.status.text() == long_text
    assert app.window.composer.status.toolTip() == plain_tooltip(long_text)  # shown literally
