"""A streaming reply's frames are paced on what a whole frame costs (the window's repaint, not
only the transcript's paint), come at most 10 times a second (the first piece after a pause at
once), and the "tokens/s" line does not repaint the composer at every few pieces."""

from __future__ import annotations

import subprocess
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from desktop_chat.ui.message_document import Role
from desktop_chat.ui.reply_controller import PROGRESS_STEP_S
from desktop_chat.ui.theme import DARK
from desktop_chat.ui.transcript import MessageItem, StreamRenderer, build_transcript
from desktop_chat.ui.transcript.stream_renderer import FLUSH_INTERVAL_MS, MAX_FLUSH_INTERVAL_MS


class SlowPanel(QWidget):
    """A panel beside the transcript whose paint costs `cost` s of CPU."""

    def __init__(self, cost: float):
        super().__init__()
        self.cost = cost
        self.paints = 0
        self.setMinimumWidth(120)

    def paintEvent(self, event) -> None:  # noqa: N802
        self.paints += 1
        end = time.thread_time() + self.cost
        while time.thread_time() < end:
            pass


def window_with_transcript(qtbot, panel: QWidget):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QHBoxLayout(window)
    view, model, delegate = build_transcript(DARK, window)
    layout.addWidget(panel)
    layout.addWidget(view, 1)
    window.resize(900, 500)
    window.show()
    qtbot.waitExposed(window)
    item = MessageItem(Role.ASSISTANT, "")
    model.append(item)
    return StreamRenderer(model, delegate, item)


def a_frame(qtbot, renderer: StreamRenderer, panel: SlowPanel, words: str) -> None:
    """A frame of new text after a window repaint that painted `panel` (beside the view)."""
    renderer.feed(words)
    renderer.flush()
    qtbot.waitUntil(lambda: renderer._shown_from is None)  # the view caught up
    qtbot.wait(50)  # and repainted
    painted = panel.paints
    panel.update()
    qtbot.waitUntil(lambda: panel.paints > painted)
    renderer.feed(words)
    renderer.flush()
    qtbot.waitUntil(lambda: renderer._shown_from is None)  # paced on the panel's repaint


def test_frames_are_paced_on_the_whole_window_repaint(qtbot) -> None:
    slow = SlowPanel(0.03)  # 30 ms a repaint: the next frame must wait 300 ms (capped)
    renderer = window_with_transcript(qtbot, slow)
    a_frame(qtbot, renderer, slow, "some words streaming in " * 10)
    assert renderer.interval_ms == MAX_FLUSH_INTERVAL_MS, "the panel's paint counts too"
    renderer.finish()


def test_a_cheap_window_streams_at_10_frames_a_second_at_most(qtbot) -> None:
    panel = SlowPanel(0.0)
    renderer = window_with_transcript(qtbot, panel)
    a_frame(qtbot, renderer, panel, "a few words ")
    assert FLUSH_INTERVAL_MS == 100
    assert renderer.interval_ms == FLUSH_INTERVAL_MS
    # 1,000 tokens a second for a second.
    feeder = QTimer()
    feeder.setInterval(5)
    sent = []
    feeder.timeout.connect(lambda: (renderer.feed("tok " * 5), sent.append(5)))
    before, started = renderer.flushes, time.monotonic()
    feeder.start()
    qtbot.waitUntil(lambda: sum(sent) >= 1000, timeout=10000)
    feeder.stop()
    frames, seconds = renderer.flushes - before, time.monotonic() - started
    assert frames <= 10 * seconds + 2, f"{frames} frames in {seconds:.2f} s"
    renderer.finish()


def test_the_first_piece_after_a_pause_is_shown_at_once(qtbot) -> None:
    panel = SlowPanel(0.0)
    renderer = window_with_transcript(qtbot, panel)
    renderer.feed("The first words")
    started = time.monotonic()
    qtbot.waitUntil(lambda: renderer.flushes == 1, timeout=1000)
    assert time.monotonic() - started < FLUSH_INTERVAL_MS / 2000, "not held for a frame"
    assert renderer.item.text == "The first words"
    # A piece right after a frame waits for the interval; one after a pause does not.
    renderer.feed(" and more")
    started = time.monotonic()
    qtbot.waitUntil(lambda: renderer.flushes == 2, timeout=1000)
    assert time.monotonic() - started >= FLUSH_INTERVAL_MS / 1000 * 0.8
    qtbot.wait(FLUSH_INTERVAL_MS * 2)
    renderer.feed(" after a pause")
    started = time.monotonic()
    qtbot.waitUntil(lambda: renderer.flushes == 3, timeout=1000)
    assert time.monotonic() - started < FLUSH_INTERVAL_MS / 2000
    renderer.finish()


def test_wide_fills_are_not_sliced_across_threads() -> None:
    """Painting a tall bubble side starts no threads: Qt's raster painter would hand it to a
    pool of threads in slices, which costs more than the fill (see text_tiles)."""
    script = (
        "import os, sys\n"
        "from PySide6.QtCore import QLineF\n"
        "from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter\n"
        "app = QGuiApplication(sys.argv[:1])\n"
        "import desktop_chat.ui.transcript\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "image = QImage(800, 800, QImage.Format.Format_ARGB32_Premultiplied)\n"
        "painter = QPainter(image)\n"
        "painter.setRenderHint(QPainter.RenderHint.Antialiasing)\n"
        "painter.setPen(QColor(255, 255, 255, 28))\n"
        "for x in range(40):\n"
        "    painter.drawLine(QLineF(10.5 + x, 0, 10.5 + x, 799))\n"
        "painter.end()\n"
        "print(len(os.listdir('/proc/self/task')) - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0", "threads were started to paint"


def test_the_rate_line_changes_once_a_second_at_most(app, qtbot, groq_server) -> None:
    groq_server.tokens_per_second = 400
    groq_server.reply_text = " ".join(f"w{n}" for n in range(1200))  # 3 s
    shown = []
    show_progress = app.window.show_progress
    app.window.show_progress = lambda text: (shown.append(text), show_progress(text))
    started = time.monotonic()
    app.send_and_wait("hello")
    seconds = time.monotonic() - started
    rates = [text for text in shown if "tokens/s" in text]
    assert rates, "the rate is shown while the reply streams"
    assert len(rates) <= seconds / PROGRESS_STEP_S + 1, rates
