"""Voice in a real X11 window, with real input (xdotool), real pixels and a real audio stack
(a PulseAudio daemon whose microphone is a 440 Hz tone: tests/support/audio.py)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage

from desktop_chat.ui.transcript import Role
from desktop_chat.ui.transcript.layout import READ_ALOUD_LABEL, STOP_READING_LABEL
from tests.support.pixels import as_array, differing_rows, failure_shot, grab_screen, ink_pixels
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window


@pytest.fixture
def app(qtbot, run, groq_server, isolated_environment, pulse):
    from tests.support.xinput import focus_window

    chat = ChatApp(qtbot, run, isolated_environment, groq_server)
    chat.window.resize(1100, 760)
    qtbot.waitExposed(chat.window)
    focus_window(chat.window)
    yield chat
    chat.close()


def lit_pixels(app: ChatApp) -> int:
    """Pixels of the meter, as the X server shows it, in the meter's (accent) colour."""
    meter = app.window.voice.meter
    pixels = as_array(grab_screen(meter)).astype(np.int16)
    accent = QColor(app.window.theme.accent)
    target = np.array([accent.red(), accent.green(), accent.blue()], dtype=np.int16)
    return int((np.abs(pixels[..., :3] - target).sum(axis=2) < 60).sum())


def same_size(first: QImage, second: QImage) -> tuple[QImage, QImage]:
    """Both images cut to the part they share (from their top-left corners)."""
    width = min(first.width(), second.width())
    height = min(first.height(), second.height())
    return first.copy(0, 0, width, height), second.copy(0, 0, width, height)


def test_click_the_mic_the_meter_moves_and_the_words_land_in_the_composer(
    app, qtbot, groq_server
) -> None:
    from tests.support.xinput import click

    voice = app.window.voice
    edit = app.window.composer.edit
    before = grab_screen(edit)
    click(voice.mic_button, voice.mic_button.rect().center())
    qtbot.waitUntil(lambda: voice.recording, timeout=5000)
    qtbot.waitUntil(lambda: voice.meter.isVisible(), timeout=2000)
    try:
        qtbot.waitUntil(lambda: lit_pixels(app) > 80, timeout=8000)  # the tone lights the bar
    except AssertionError:
        failure_shot(grab_screen(app.window), "voice-meter")
        raise
    assert ink_pixels(grab_screen(voice.clock)) > 10  # the time shows
    qtbot.waitUntil(lambda: voice.flow.recorder.elapsed() >= 1.0, timeout=8000)
    click(voice.mic_button, voice.mic_button.rect().center())

    qtbot.waitUntil(lambda: "hertz" in edit.toPlainText(), timeout=10_000)
    assert edit.toPlainText().startswith("A 440 hertz tone, ")
    assert not voice.meter.isVisible()
    # (Compared where both grabs have pixels: once in a full run the box came back 2 px wider
    # than it was before the recording.)
    shown = lambda: bool(differing_rows(*same_size(before, grab_screen(edit))))  # noqa: E731
    qtbot.waitUntil(shown, timeout=3000)
    assert groq_server.audio.uploads[-1]["file"]["content_type"] == "audio/wav"


def test_read_aloud_from_the_hover_pill_plays_and_esc_stops_it(
    app, qtbot, groq_server, pulse
) -> None:
    from tests.support.xinput import click, key, move

    groq_server.reply_text = " ".join(f"This is sentence number {n}." for n in range(10))
    app.send_and_wait("Read me something")
    view = app.window.transcript
    model = app.window.transcript_model
    reply = app.last(Role.ASSISTANT)
    row = view.visualRect(model.index_of(reply))
    bubble, _ = app.window.delegate._layout(reply, row)
    viewport = view.viewport()
    move(viewport, bubble.center())
    pill = app.window.delegate.action_rects(reply, row, True, True)[READ_ALOUD_LABEL]
    qtbot.waitUntil(lambda: ink_pixels(grab_screen(viewport), pill) > 20, timeout=3000)
    with pulse.recording() as heard:
        click(viewport, pill.center())
        qtbot.waitUntil(lambda: reply.reading_aloud, timeout=3000)
        stop = app.window.delegate.action_rects(reply, row, False)[STOP_READING_LABEL]
        move(app.window.sessions, QPoint(5, 5))  # away: the Stop pill shows without hover
        qtbot.waitUntil(lambda: ink_pixels(grab_screen(viewport), stop) > 20, timeout=3000)
        # Asked a few seconds ahead of what plays: the fifth comes once a second has played.
        qtbot.waitUntil(lambda: len(groq_server.audio.speech_requests) >= 5, timeout=10_000)
        key("Escape")
        qtbot.waitUntil(lambda: not reply.reading_aloud, timeout=5000)
    assert app.window.composer.status.text() == "Stopped reading aloud."
    assert len(groq_server.audio.speech_requests) < 10
    loud = np.abs(np.frombuffer(heard.pcm, dtype=np.int16)) > 1000
    assert loud.sum() > heard.rate * 0.5  # speech was played, from the first sentence on


def test_hold_the_rebound_dictation_key_to_talk(app, qtbot, groq_server) -> None:
    """Rebound to Ctrl+Alt+M (as Settings → Keyboard saves it), the new key held down records
    and letting it go stops and transcribes; the old Ctrl+Shift+Space does nothing."""
    from desktop_chat.ui.preferences import save_bindings
    from tests.support.xinput import _xdotool, key

    window = app.window
    voice = window.voice
    bindings = {"toggle_dictation": ("Ctrl+Alt+M",)}
    save_bindings(app.preferences, bindings)
    window.keyboard.apply_bindings(bindings)
    assert "Ctrl+Alt+M" in voice.mic_button.toolTip()
    window.composer.edit.setFocus()
    qtbot.waitUntil(window.composer.edit.hasFocus)

    key("ctrl+shift+space")  # the old key
    key("ctrl+alt+x")  # a round trip through the X server: the old key was handled by now
    assert not voice.recording

    _xdotool("keydown", "ctrl+alt+m")
    try:
        qtbot.waitUntil(lambda: voice.recording, timeout=5000)
        # Held past the hold threshold and into the X server's key repeat: the recording's
        # clock, which counts from the press, shows a second.
        qtbot.waitUntil(lambda: voice.clock.text() == "0:01", timeout=8000)
        assert voice.recording
    finally:
        _xdotool("keyup", "ctrl+alt+m")
    qtbot.waitUntil(lambda: not voice.recording, timeout=3000)
    edit = window.composer.edit
    qtbot.waitUntil(lambda: "hertz" in edit.toPlainText(), timeout=10_000)
    assert len(groq_server.audio.uploads) == 1
