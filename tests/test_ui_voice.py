"""Voice in the window (offscreen): the mic records from a real PulseAudio daemon's tone
(tests/support/audio.py), the loopback Groq transcribes it, and Read aloud plays Groq's speech
to the daemon's speakers, read back with parec."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent

from desktop_chat.core.voice import PcmFormat, wav_file
from desktop_chat.ui.settings_dialog import SettingsDialog
from desktop_chat.ui.shortcuts import SHORTCUTS
from desktop_chat.ui.transcript import Role
from desktop_chat.ui.transcript.layout import READ_ALOUD_LABEL, STOP_READING_LABEL
from tests.support.groq_audio import VOICE_HZ, measure_wav
from tests.ui_helpers import ChatApp


@pytest.fixture
def app(qtbot, run, groq_server, isolated_environment, pulse):
    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    yield chat
    chat.close()


def record(app: ChatApp, qtbot, seconds: float = 1.0) -> None:
    """Click the mic, let it hear the tone for `seconds`, click it again."""
    voice = app.window.voice
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)
    assert voice.recording and voice.mic_button.isChecked()
    assert voice.mic_button.accessibleName() == "Stop dictating"
    qtbot.waitUntil(lambda: voice.flow.recorder.elapsed() >= seconds, timeout=8000)
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)


def test_the_mic_records_with_a_meter_and_the_words_land_at_the_cursor(
    app, qtbot, groq_server
) -> None:
    edit = app.window.composer.edit
    edit.setPlainText("Note: and then")
    cursor = edit.textCursor()
    cursor.setPosition(len("Note:"))
    edit.setTextCursor(cursor)
    voice = app.window.voice

    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)
    assert voice.meter.isVisible() and voice.clock.isVisible()
    qtbot.waitUntil(lambda: voice.meter.level > 0.3, timeout=8000)  # the tone moves the meter
    qtbot.waitUntil(lambda: voice.clock.text() == "0:01", timeout=8000)
    assert "Listening" in app.window.composer.status.text()
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)
    assert not voice.meter.isVisible()

    qtbot.waitUntil(lambda: "hertz" in edit.toPlainText(), timeout=10_000)
    text = edit.toPlainText()
    assert text.startswith("Note: A 440 hertz tone, ") and text.endswith(" long. and then")
    assert edit.textCursor().position() == len(text) - len(" and then")  # after the words

    edit.setPlainText("before")  # the cursor at the start: the words do not stick to "before"
    record(app, qtbot)
    qtbot.waitUntil(lambda: "hertz" in edit.toPlainText(), timeout=10_000)
    assert edit.toPlainText().startswith("A 440 hertz tone, ")
    assert edit.toPlainText().endswith(" long. before")
    assert groq_server.audio.uploads[-1]["model"] == "whisper-large-v3-turbo"
    assert not voice.mic_button.isChecked() and voice.mic_button.isEnabled()
    assert not any(i.role is Role.USER for i in app.items)  # not sent: the words wait for Enter


def test_no_microphone_is_said_and_nothing_typed_is_lost(app, qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/no-sound-server")
    edit = app.window.composer.edit
    edit.setPlainText("typed before")
    qtbot.mouseClick(app.window.voice.mic_button, Qt.MouseButton.LeftButton)
    assert not app.window.voice.recording and not app.window.voice.mic_button.isChecked()
    assert "microphone" in app.window.composer.status.text().lower()
    assert edit.toPlainText() == "typed before"


def test_a_silent_recording_is_said_and_not_uploaded(app, qtbot, pulse, groq_server) -> None:
    pulse.mute_mic()
    app.window.composer.edit.setPlainText("keep me")
    record(app, qtbot)
    qtbot.waitUntil(lambda: "silent" in app.window.composer.status.text(), timeout=10_000)
    assert groq_server.audio.uploads == []
    assert app.window.composer.edit.toPlainText() == "keep me"


def test_a_failed_upload_is_said_and_nothing_typed_is_lost(app, qtbot, groq_server) -> None:
    groq_server.fail_next("503")
    app.window.composer.edit.setPlainText("keep me too")
    record(app, qtbot)
    status = app.window.composer.status
    qtbot.waitUntil(lambda: "could not be transcribed" in status.text(), timeout=10_000)
    assert "error 503" in status.text()
    assert app.window.composer.edit.toPlainText() == "keep me too"
    assert app.window.voice.mic_button.isEnabled()


def test_esc_throws_a_recording_away(app, qtbot, groq_server) -> None:
    voice = app.window.voice
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: voice.flow.recorder.elapsed() >= 0.5, timeout=8000)
    qtbot.keyClick(app.window.composer.edit, Qt.Key.Key_Escape)
    assert not voice.recording and not voice.meter.isVisible()
    assert app.window.composer.status.text() == "Recording discarded."
    assert groq_server.audio.uploads == []


def test_the_mic_clicked_while_the_key_is_read_waits_for_it(app, qtbot, groq_server) -> None:
    """app.py reads the keychain's key after the first paint (a locked keychain may wait on the
    user): a click meanwhile records once the key comes, not "add a key" to one who has it."""
    service, voice = app.window.service, app.window.voice
    llm, service.llm = service.llm, None
    service.expect_llm()
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)
    assert not voice.recording
    assert app.window.composer.status.text() == "Reading your API key from the keychain…"
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)  # a second, impatient click
    service.llm_came(llm)
    qtbot.waitUntil(lambda: voice.recording, timeout=5000)
    assert voice.mic_button.isChecked() and "Listening" in app.window.composer.status.text()
    qtbot.waitUntil(lambda: voice.flow.recorder.elapsed() >= 1.0, timeout=8000)
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "hertz" in app.window.composer.edit.toPlainText(), timeout=10_000)
    assert len(groq_server.audio.uploads) == 1  # one recording, for both clicks


def test_no_key_in_the_keychain_after_the_wait_says_to_add_one(app, qtbot) -> None:
    service, voice = app.window.service, app.window.voice
    llm, service.llm = service.llm, None
    service.expect_llm()
    qtbot.mouseClick(voice.mic_button, Qt.MouseButton.LeftButton)
    service.llm_came(None)
    qtbot.waitUntil(lambda: "needs a Groq API key" in app.window.composer.status.text())
    assert not voice.recording and not voice.mic_button.isChecked()
    service.llm = llm  # closed with the app


def test_the_shortcut_taps_dictation_on_and_off(app, qtbot, groq_server) -> None:
    [row] = [s for s in SHORTCUTS if s.action == "toggle_dictation"]
    assert row.keys == ("Ctrl+Shift+Space",)
    voice = app.window.voice
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    edit = app.window.composer.edit
    qtbot.keyClick(edit, Qt.Key.Key_Space, modifiers)  # a tap: recording goes on after it
    assert voice.recording
    qtbot.waitUntil(lambda: voice.flow.recorder.elapsed() >= 1.0, timeout=8000)
    assert voice.recording
    qtbot.keyClick(edit, Qt.Key.Key_Space, modifiers)
    qtbot.waitUntil(lambda: "hertz" in edit.toPlainText(), timeout=10_000)
    assert edit.toPlainText().strip() == edit.toPlainText()  # no space before the first word


# ------------------------------------------------------------------ read aloud


def reply_pill(app: ChatApp, label: str):
    reply = app.last(Role.ASSISTANT)
    view = app.window.transcript
    index = app.window.transcript_model.index_of(reply)
    view.scrollTo(index)
    pills = app.window.delegate.action_rects(reply, view.visualRect(index), True, True)
    return reply, pills.get(label)


def click_pill(app: ChatApp, qtbot, label: str):
    reply, pill = reply_pill(app, label)
    assert pill is not None, f"no {label!r} pill"
    viewport = app.window.transcript.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pill.center())
    return reply


def choose_voice(app: ChatApp, qtbot, voice: str) -> None:
    """Settings → Desktop → Voice, then Save: the way a user picks it."""
    app.window.settings_ctl.open_settings()
    dialog = app.window.settings_ctl.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    dialog.voice.setCurrentIndex(dialog.voice.findData(voice))
    dialog.accept()
    assert app.window.preferences.voice == voice


def test_read_aloud_speaks_the_reply_in_the_voice_chosen_in_settings(
    app, qtbot, groq_server, pulse
) -> None:
    groq_server.reply_text = "**Sure.** Here is `one` sentence. And a [second](https://x.test)!"
    app.send_and_wait("Say two things")
    choose_voice(app, qtbot, "hannah")
    with pulse.recording() as heard:
        reply = click_pill(app, qtbot, READ_ALOUD_LABEL)
        assert reply.reading_aloud
        assert reply_pill(app, STOP_READING_LABEL)[1] is not None  # the pill became Stop
        qtbot.waitUntil(lambda: not reply.reading_aloud, timeout=15_000)
    bodies = groq_server.audio.speech_requests
    assert [b["input"] for b in bodies] == ["Sure.", "Here is one sentence.", "And a second!"]
    assert {b["voice"] for b in bodies} == {"hannah"}  # the setting took effect
    sound = measure_wav(wav_file(heard.sound(), PcmFormat(heard.rate, 1)))
    assert sound.hertz == pytest.approx(VOICE_HZ["hannah"], rel=0.05)  # and it was played
    assert reply_pill(app, READ_ALOUD_LABEL)[1] is not None


def test_esc_stops_reading_aloud(app, qtbot, groq_server) -> None:
    groq_server.reply_text = " ".join(f"This is sentence {n} of the reply." for n in range(8))
    app.send_and_wait("Talk a while")
    groq_server.audio.realtime = 1.0  # speech comes no faster than it plays
    reply = click_pill(app, qtbot, READ_ALOUD_LABEL)
    qtbot.waitUntil(lambda: len(groq_server.audio.speech_requests) >= 1, timeout=5000)
    qtbot.keyClick(app.window.composer.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not reply.reading_aloud, timeout=5000)
    assert app.window.composer.status.text() == "Stopped reading aloud."
    assert len(groq_server.audio.speech_requests) < 8


def test_the_stop_pill_stops_reading_and_the_menu_offers_read_aloud(
    app, qtbot, groq_server
) -> None:
    groq_server.reply_text = " ".join(f"Sentence {n} goes here." for n in range(8))
    app.send_and_wait("Talk")
    groq_server.audio.realtime = 1.0
    reply = click_pill(app, qtbot, READ_ALOUD_LABEL)
    qtbot.waitUntil(lambda: len(groq_server.audio.speech_requests) >= 1, timeout=5000)
    click_pill(app, qtbot, STOP_READING_LABEL)
    qtbot.waitUntil(lambda: not reply.reading_aloud, timeout=5000)

    view = app.window.transcript
    index = app.window.transcript_model.index_of(reply)
    point = view.visualRect(index).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.mapToGlobal(point))
    view.contextMenuEvent(event)
    labels = [a.text() for a in view.context_menu.actions()]
    view.context_menu.close()
    assert READ_ALOUD_LABEL in labels


def test_tab_reaches_the_mic_from_the_message_box_and_space_records(app, qtbot) -> None:
    voice = app.window.voice
    edit = app.window.composer.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert voice.mic_button.hasFocus()
    assert voice.mic_button.accessibleName() == "Dictate"
    qtbot.keyClick(voice.mic_button, Qt.Key.Key_Space)
    assert voice.recording
    qtbot.keyClick(voice.mic_button, Qt.Key.Key_Escape)
    assert not voice.recording
