"""Voice in the window: the composer's mic (dictation) and a reply's Read aloud.

The flows are core/voice.py's; this module draws them. The mic button (or the dictation
shortcut, Ctrl+Shift+Space unless rebound: tap to start and to stop, or hold it down and let go
to stop) records from the default input
while the status row shows a level meter and the time; stopping uploads the recording and the
words land in the composer at the cursor, to edit or send. Esc throws a recording away.
Read aloud (a reply's hover pill or context menu) speaks it in Settings' voice; the pill turns
into "■ Stop reading", and Esc stops it too. Failures are said in the status row; nothing typed
is touched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QSizePolicy, QWidget

if TYPE_CHECKING:
    from desktop_chat.core.voice import DictationFlow, Player, ReadAloudFlow, Recorder
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.transcript import MessageItem

METER_STEP_MS = 50
HOLD_TO_TALK_S = 0.6  # the shortcut held this long: letting go stops the recording
# X11's key repeat sends a release and a press every ~40 ms while a key is held, and Qt cannot
# always tell them from a real release (the press may not have arrived yet): a release is
# taken as letting go only when no press of the key follows within this time.
REPEAT_GAP_MS = 150
REPEAT_DELAY_MIN_S = 0.2  # no key repeats this soon after its press: a release before is a tap
translate = QCoreApplication.translate
DICTATION_KEYS = "Ctrl+Shift+Space"


def mic_icon(colour: QColor, recording: bool, size: int = 18) -> QIcon:
    """A microphone (or, while recording, a stop square), drawn: no emoji font needed."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x: sharp on high-DPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if recording:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(size * 0.25, size * 0.25, size * 0.5, size * 0.5), 2, 2)
    else:
        pen = QPen(colour, size / 10)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(size * 0.36, size * 0.1, size * 0.28, size * 0.5), 4, 4)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        arc = QPainterPath()
        arc.moveTo(size * 0.22, size * 0.42)
        arc.cubicTo(size * 0.22, size * 0.82, size * 0.78, size * 0.82, size * 0.78, size * 0.42)
        painter.drawPath(arc)
        painter.drawLine(QPointF(size * 0.5, size * 0.72), QPointF(size * 0.5, size * 0.9))
    painter.end()
    return QIcon(pixmap)


def _application() -> QCoreApplication:
    app = QApplication.instance()
    assert app is not None  # the window exists, so the application does
    return app


class LevelMeter(QWidget):
    """How loud the microphone is: a bar that jumps up and falls back slowly."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LevelMeter")
        self.setAccessibleName(translate("Voice", "Microphone level"))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.level = 0.0
        self.colour = QColor("#4caf7a")
        self.track = QColor(128, 128, 128, 90)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(90, 10)

    def set_level(self, peak: float) -> None:
        # Speech peaks are short: show them at once, let them fall over ~0.5 s.
        self.level = max(min(1.0, peak), self.level * 0.8)
        self.setAccessibleDescription(f"{round(self.level * 100)}%")
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        rect = QRectF(self.rect()).adjusted(0, 1, 0, -1)
        painter.setBrush(self.track)
        painter.drawRoundedRect(rect, 4, 4)
        # A little loudness shows: the bar follows the level's square root, as ears do.
        filled = QRectF(rect.left(), rect.top(), rect.width() * self.level**0.5, rect.height())
        painter.setBrush(self.colour)
        painter.drawRoundedRect(filled, 4, 4)


class VoiceController(QObject):
    """Wires the mic, the meter and Read aloud to the window (built by MainWindow)."""

    def __init__(
        self,
        window: MainWindow,
        recorder: Callable[[], Recorder] | None = None,
        player: Callable[[], Player] | None = None,
    ) -> None:
        """`recorder`, `player`: what records and plays (default: PortAudio's, ui/voice_audio).
        The flows and the audio code are imported at the first use, not before the window's
        first paint."""
        super().__init__(window)
        self.window = window
        self._recorder = recorder
        self._player = player
        self.flow: DictationFlow | None = None
        self.reading_item: MessageItem | None = None
        self.read_task: asyncio.Task[None] | None = None
        self.transcribe_task: asyncio.Task[None] | None = None
        self._key_wait: asyncio.Task[None] | None = None  # (_after_the_key)
        self._then: Callable[[], None] = lambda: None
        self._pressed_at: float | None = None  # when the shortcut started this recording
        self._shortcut: QAction | None = None  # the table's dictation row (follow_shortcut)
        self._released_at: float | None = None  # the held key's last release (key repeat)
        self._let_go = QTimer(self)
        self._let_go.setSingleShot(True)
        self._let_go.setInterval(REPEAT_GAP_MS)
        self._let_go.timeout.connect(self.finish_dictation)
        self._started_at = 0.0  # the clock shows the time since the click, as a person counts

        composer = window.composer
        self.mic_button = QPushButton(composer)
        self.mic_button.setObjectName("MicButton")
        self.mic_button.setCheckable(True)
        self.mic_button.setAccessibleName(translate("Voice", "Dictate"))
        self._show_keys([QKeySequence(DICTATION_KEYS)])
        self.mic_button.setIconSize(QSize(18, 18))
        self.mic_button.clicked.connect(lambda: self.toggle_dictation())
        composer.add_input_button(self.mic_button)
        # Tab goes from the message box to the mic, then on to Send.
        QWidget.setTabOrder(composer.edit, self.mic_button)
        QWidget.setTabOrder(self.mic_button, composer.send_button)

        self.meter = LevelMeter(composer)
        self.clock = QLabel("", composer)
        self.clock.setObjectName("RecordingTime")
        self.clock.setTextFormat(Qt.TextFormat.PlainText)
        self.clock.setAccessibleName(translate("Voice", "Recording time"))
        for widget in (self.meter, self.clock):
            composer.add_status_widget(widget)
            widget.hide()
        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(METER_STEP_MS)
        self._meter_timer.timeout.connect(self._tick)
        window.when_transcript(
            lambda: window.delegate.read_aloud_requested.connect(self.toggle_read_aloud)
        )
        window.closing.connect(self.stop)  # no microphone or speaker left open at quit
        self.set_theme()

    def follow_shortcut(self, action: QAction) -> None:
        """The dictation row of the shortcut table (ui/keyboard.py): its keys, the user's own
        once rebound, are the ones held to talk and the ones the mic's tooltip names."""
        self._shortcut = action
        action.setAutoRepeat(False)  # a held key's repeats must not stop what the press began
        action.changed.connect(lambda: self._show_keys(action.shortcuts()))
        self._show_keys(action.shortcuts())

    def _show_keys(self, keys: list[QKeySequence]) -> None:
        named = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        if named:
            tip = translate("Voice", "Dictate ({keys})").format(keys=named)
            description = translate(
                "Voice", "Record your voice; the words land in the message box. {keys}."
            ).format(keys=named)
        else:  # the user took the key away: the button is the way
            tip = translate("Voice", "Dictate")
            description = translate(
                "Voice", "Record your voice; the words land in the message box."
            )
        self.mic_button.setToolTip(tip)
        self.mic_button.setAccessibleDescription(description)

    def _held_keys(self) -> set[Qt.Key]:
        """The keys whose release ends a held recording: each binding's last key, without its
        modifiers (a person lets go of Ctrl and Shift in any order)."""
        keys = self._shortcut.shortcuts() if self._shortcut else [QKeySequence(DICTATION_KEYS)]
        # QKeySequence[i] is a QKeyCombination at run time; PySide6's stubs do not say so.
        return {k[k.count() - 1].key() for k in keys if not k.isEmpty()}  # type: ignore[index]

    def set_theme(self) -> None:
        theme = self.window.theme
        self.meter.colour = QColor(theme.accent)
        self._show_mic_state()

    # ------------------------------------------------------------------ dictation

    @property
    def recording(self) -> bool:
        if self.flow is None:
            return False
        from desktop_chat.core.voice import DictationState

        return self.flow.state is DictationState.RECORDING

    def _make_recorder(self) -> Recorder:
        if self._recorder is None:
            from desktop_chat.ui.voice_audio import PortAudioRecorder

            self._recorder = PortAudioRecorder
        return self._recorder()

    def _make_player(self) -> Player:
        if self._player is None:
            from desktop_chat.ui.voice_audio import PortAudioPlayer

            self._player = PortAudioPlayer
        return self._player()

    def toggle_dictation(self, from_shortcut: bool = False) -> None:
        if self.recording:
            self.finish_dictation()
        elif self.transcribe_task is None or self.transcribe_task.done():
            self.start_dictation(from_shortcut)

    def _after_the_key(self, then: Callable[[], None]) -> bool:
        """True if the key is still being read from the keychain (app.py reads it after the
        first paint; a locked keychain may wait on the user): `then` runs once it is known,
        instead of telling the user to add a key they have."""
        service = self.window.service
        if service.llm is not None or not service.has_llm:
            return False
        self._then = then  # the last thing asked for meanwhile is what runs
        if self._key_wait is None or self._key_wait.done():
            self.window.show_status(translate("Voice", "Reading your API key from the keychain…"))

            async def wait() -> None:
                await service.llm_known()
                self._then()

            self._key_wait = self.window._spawn(wait())
        return True

    def start_dictation(self, from_shortcut: bool = False) -> None:
        if self._after_the_key(lambda: self.start_dictation(from_shortcut)):
            self._show_mic_state()
            return
        llm = self.window.service.llm
        if llm is None:
            self._show_mic_state()
            self.window.show_status(
                translate("Voice", "Dictation needs a Groq API key. Add one in Settings.")
            )
            return
        from desktop_chat.core.voice import DictationFlow, VoiceError

        self.flow = DictationFlow(llm, self._make_recorder)
        try:
            self.flow.start()
        except VoiceError as error:
            self.flow = None
            self._show_mic_state()
            self.window.show_notice(error.message)
            return
        if from_shortcut:
            self._pressed_at = time.monotonic()
            self._released_at = None
            _application().installEventFilter(self)
        self.meter.level = 0.0
        self._started_at = time.monotonic()
        self.clock.setText("0:00")
        self.meter.show()
        self.clock.show()
        self._meter_timer.start()
        self._show_mic_state()
        self.window.show_status(translate("Voice", "Listening… click ■ to stop, Esc to cancel."))

    def _tick(self) -> None:
        recorder = self.flow.recorder if self.flow is not None else None
        if recorder is None:
            return
        self.meter.set_level(recorder.level())
        seconds = int(time.monotonic() - self._started_at)
        self.clock.setText(f"{seconds // 60}:{seconds % 60:02d}")
        from desktop_chat.ui.voice_audio import MAX_RECORDING_S

        if recorder.elapsed() >= MAX_RECORDING_S:
            self.finish_dictation()

    def finish_dictation(self) -> None:
        flow = self.flow
        if flow is None or not self.recording:
            return
        self._end_recording_view()
        self.window.show_status(translate("Voice", "Transcribing…"))
        self.mic_button.setEnabled(False)
        self.transcribe_task = self.window._spawn(self._transcribe(flow))

    async def _transcribe(self, flow: DictationFlow) -> None:
        from desktop_chat.core.voice import VoiceError

        try:
            text = await flow.finish()
        except VoiceError as error:
            self.window.show_notice(error.message)
            return
        finally:
            self.mic_button.setEnabled(True)
            self._show_mic_state()
        edit = self.window.composer.edit
        cursor = edit.textCursor()
        typed = edit.toPlainText()
        before, after = typed[: cursor.position()], typed[cursor.position() :]
        # Dictated words do not stick to the words around them.
        if before and not before[-1].isspace():
            text = " " + text
        if after and not after[0].isspace():
            text += " "
        cursor.insertText(text)
        edit.setTextCursor(cursor)
        edit.setFocus()
        self.window.show_status(translate("Voice", "Dictated. Check the words, then send."))

    def cancel_dictation(self) -> bool:
        """Esc while recording: throw the recording away. True if there was one."""
        flow = self.flow
        if flow is None or not self.recording:
            return False
        flow.cancel()
        self._end_recording_view()
        self._show_mic_state()
        self.window.show_status(translate("Voice", "Recording discarded."))
        return True

    def _end_recording_view(self) -> None:
        self._meter_timer.stop()
        self.meter.hide()
        self.clock.hide()
        self._let_go.stop()
        if self._pressed_at is not None:
            _application().removeEventFilter(self)
            self._pressed_at = None

    def _show_mic_state(self) -> None:
        recording = self.recording
        self.mic_button.setChecked(recording)
        colour = QColor("white") if recording else QColor(self.window.theme.text)
        self.mic_button.setIcon(mic_icon(colour, recording))
        self.mic_button.setAccessibleName(
            translate("Voice", "Stop dictating") if recording else translate("Voice", "Dictate")
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Hold to talk, while the shortcut's recording runs: its key let go after
        HOLD_TO_TALK_S stops the recording (a tap leaves it running until the next press). A
        press straight after a release is the key repeating, not a second press: it is eaten
        (and the shortcut it would fire), and the release does not count."""
        if self._pressed_at is None:
            return False
        kind = event.type()
        if kind == QEvent.Type.Shortcut and watched is self._shortcut:
            return self._key_repeating()
        if not isinstance(event, QKeyEvent) or event.key() not in self._held_keys():
            return False
        if kind == QEvent.Type.KeyRelease:
            held = time.monotonic() - self._pressed_at
            self._released_at = time.monotonic() if held >= REPEAT_DELAY_MIN_S else None
            if held >= HOLD_TO_TALK_S:
                self._let_go.start()
            return False
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return self._key_repeating()
        return False

    def _key_repeating(self) -> bool:
        """A press of the held key now is its repeat: the key was not let go."""
        released = self._released_at
        if released is None or time.monotonic() - released >= REPEAT_GAP_MS / 1000:
            return False
        self._let_go.stop()
        return True

    # ------------------------------------------------------------------ read aloud

    def toggle_read_aloud(self, item: MessageItem) -> None:
        if item is self.reading_item:
            self.stop_reading()
            return
        self.stop_reading()
        if self._after_the_key(lambda: self.toggle_read_aloud(item)):
            return
        llm = self.window.service.llm
        if llm is None:
            self.window.show_status(
                translate("Voice", "Reading aloud needs a Groq API key. Add one in Settings.")
            )
            return
        self.reading_item = item
        item.reading_aloud = True
        self._repaint()
        from desktop_chat.core.voice import ReadAloudFlow

        self.read_task = self.window._spawn(self._read(item, ReadAloudFlow(llm)))

    async def _read(self, item: MessageItem, flow: ReadAloudFlow) -> None:
        from desktop_chat.core.voice import VoiceError

        voice = self.window.preferences.voice
        self.window.show_status(translate("Voice", "Reading aloud… Esc stops."))

        def progress(index: int, count: int) -> None:
            if count > 1:
                self.window.show_status(
                    translate("Voice", "Reading aloud ({index} of {count})… Esc stops.").format(
                        index=index + 1, count=count
                    ),
                    announce=False,  # a screen reader would talk over the voice reading
                )

        try:
            await flow.read(item.text, voice, self._make_player(), progress)
            self.window.show_status("")
        except VoiceError as error:
            self.window.show_notice(error.message)
        except asyncio.CancelledError:
            self.window.show_status(translate("Voice", "Stopped reading aloud."))
            raise
        finally:
            item.reading_aloud = False
            if self.reading_item is item:
                self.reading_item = None
            self._repaint()

    def stop_reading(self) -> bool:
        """Stop reading aloud. True if something was being read."""
        task = self.read_task
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def stop(self) -> bool:
        """Esc: a recording is discarded, else reading aloud stops. True if either was on."""
        return self.cancel_dictation() or self.stop_reading()

    def _repaint(self) -> None:
        view = self.window.transcript
        view.scheduleDelayedItemsLayout()
        view.viewport().update()
