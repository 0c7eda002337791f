#!/usr/bin/env python3
"""Streams long markdown replies into the real transcript and prints what it costs.

For a 2,000- and an 8,000-token reply at 1,000 tokens/s (offscreen, the real TranscriptView,
MessageDelegate and StreamRenderer), it prints:
  - main-thread CPU while streaming, as a share of one core (target <= 20%)
  - the worst event-loop stall seen by a 1 ms heartbeat timer (target <= 8 ms)
  - CPU(streamed) / CPU(one-shot render of the same text)
and then CPU(8k) / CPU(2k) (target <= 4.5; 4.0 would be perfectly linear).

Usage: python bench/stream_render.py [--rate 1000] [--sizes 2000 8000]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_chat.core.models import Event, EventType  # noqa: E402
from desktop_chat.ui.theme import DARK, stylesheet  # noqa: E402
from desktop_chat.ui.transcript import (  # noqa: E402
    MessageItem,
    Role,
    StreamRenderer,
    build_transcript,
)

TOKEN = re.compile(r"\s*\S{1,6}|\s+")
WORDS = ("stream render token buffer layout paint frame event loop block finished tail "
         "markdown document cursor widget python async queue latency budget").split()


def markdown_reply(tokens: int, seed: int = 7) -> str:
    """A reply of about `tokens` tokens mixing the blocks real replies have."""
    rng = random.Random(seed)
    parts: list[str] = []
    count = 0

    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    kinds = ["para", "para", "list", "code", "heading", "table"]
    while count < tokens:
        kind = rng.choice(kinds)
        if kind == "para":
            block = words(rng.randint(25, 60)).capitalize() + ", with **bold** and `code`."
        elif kind == "list":
            block = "\n".join(f"- {words(rng.randint(4, 10))}" for _ in range(rng.randint(3, 6)))
        elif kind == "code":
            lines = [f"    value_{i} = compute({i}, '{rng.choice(WORDS)}')" for i in range(rng.randint(4, 12))]
            block = "```python\ndef step():\n" + "\n".join(lines) + "\n    return value_0\n```"
        elif kind == "heading":
            block = "## " + words(3).title()
        else:
            rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(4))
            block = "| name | value |\n|---|---|\n" + rows
        parts.append(block)
        count += len(TOKEN.findall(block + "\n\n"))
    return "\n\n".join(parts)


class Harness:
    def __init__(self, app: QApplication, history: int = 0):
        self.app = app
        self.history_events = [
            Event("bench", EventType.USER_MESSAGE if n % 2 == 0 else EventType.AI_RESPONSE,
                  {"text": markdown_reply(60, seed=n) if n % 2 else f"question {n}"})
            for n in range(history)
        ]
        self.view, self.model, self.delegate = build_transcript(DARK)
        self.view.setStyleSheet(stylesheet(DARK))
        self.view.resize(900, 700)
        self.view.show()
        self.settle()

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()

    def reset(self) -> None:
        """An empty transcript, or one with `history` earlier messages above the reply."""
        self.model.set_events(self.history_events)
        self.settle()

    def one_shot(self, text: str) -> float:
        """CPU to show the same reply in one go (as opening a stored session does)."""
        self.reset()
        start = time.thread_time()
        item = MessageItem(Role.ASSISTANT, text)
        self.model.append(item)
        self.view.scrollToBottom()
        self.view.viewport().repaint()
        self.settle()
        return time.thread_time() - start

    def stream(self, text: str, rate: float) -> dict[str, float]:
        self.reset()
        pieces = TOKEN.findall(text)
        item = MessageItem(Role.ASSISTANT, "")
        self.model.append(item)
        renderer = StreamRenderer(self.model, self.delegate, item)
        clock = QElapsedTimer()
        sent = 0
        worst_stall = 0.0
        last_beat = time.perf_counter()

        def produce() -> None:
            nonlocal sent
            due = min(len(pieces), int(clock.elapsed() * rate / 1000.0) + 1)
            while sent < due:
                renderer.feed(pieces[sent])
                sent += 1

        def heartbeat() -> None:
            nonlocal last_beat, worst_stall
            now = time.perf_counter()
            worst_stall = max(worst_stall, now - last_beat - 0.001)
            last_beat = now

        producer = QTimer()
        producer.setTimerType(Qt.TimerType.PreciseTimer)
        producer.timeout.connect(produce)
        beat = QTimer()
        beat.setTimerType(Qt.TimerType.PreciseTimer)
        beat.timeout.connect(heartbeat)

        clock.start()
        wall_start = time.perf_counter()
        cpu_start = time.thread_time()
        producer.start(2)
        beat.start(1)
        last_beat = time.perf_counter()
        loop = QEventLoop()
        done = QTimer()
        done.timeout.connect(lambda: loop.quit() if sent >= len(pieces) else None)
        done.start(5)
        loop.exec()
        done.stop()
        renderer.finish()
        self.settle()
        cpu = time.thread_time() - cpu_start
        wall = time.perf_counter() - wall_start
        producer.stop()
        beat.stop()
        assert item.text == text, "the streamed text must arrive whole"
        return {"cpu": cpu, "wall": wall, "stall": worst_stall, "flushes": renderer.flushes}


def idle_cpu(seconds: float) -> float:
    """CPU share the measuring timers cost on their own (1 ms heartbeat, 2 ms producer)."""
    timers = []
    for interval in (1, 2, 5):
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(lambda: None)
        timer.start(interval)
        timers.append(timer)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start = time.thread_time()
    loop.exec()
    used = time.thread_time() - start
    for timer in timers:
        timer.stop()
    return used / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=1000.0, help="tokens per second")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000])
    parser.add_argument("--history", type=int, default=0,
                        help="earlier messages in the transcript above the streamed reply")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv)
    harness = Harness(app, args.history)
    if args.history:
        print(f"transcript holds {args.history} earlier messages")
    baseline = idle_cpu(1.0)
    print(f"the measuring timers' own cost: {baseline * 100:.1f}% of a core, subtracted below")
    results = {}
    for size in args.sizes:
        text = markdown_reply(size)
        tokens = len(TOKEN.findall(text))
        harness.stream(markdown_reply(200, seed=1), args.rate)  # warm-up
        streamed = harness.stream(text, args.rate)
        one_shot = harness.one_shot(text)
        work_cpu = max(0.0, streamed["cpu"] - baseline * streamed["wall"])
        share = work_cpu / streamed["wall"]
        results[size] = work_cpu
        print(f"{tokens:>6} tokens  {len(text):>7} chars  wall {streamed['wall']:.2f} s  "
              f"flushes {streamed['flushes']:>4}  CPU {work_cpu:.3f} s = {share * 100:.1f}% of a core  "
              f"worst stall {streamed['stall'] * 1000:.1f} ms  "
              f"one-shot render {one_shot * 1000:.0f} ms  streamed/one-shot {work_cpu / one_shot:.1f}x")
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        print(f"CPU({large // 1000}k)/CPU({small // 1000}k) = {results[large] / results[small]:.2f} "
              f"(linear = {large / small:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
