#!/usr/bin/env python3
"""Streams long markdown replies into the real transcript and prints what it costs.

For a 2,000- and an 8,000-token reply at 1,000 tokens/s (offscreen, the real TranscriptView,
MessageDelegate and StreamRenderer), it prints:
  - main-thread CPU while streaming, as a share of one core (target <= 20%)
  - the worst event-loop stall seen by a 1 ms heartbeat timer (target <= 8 ms), and the main
    thread's own CPU between two heartbeats (p99, worst, how often over 8 ms): a stall the
    code caused, as opposed to one where the machine did not run the process
  - CPU(streamed) / CPU(one-shot render of the same text)
and then CPU(8k) / CPU(2k) (target <= 4.5; 4.0 would be perfectly linear).

Shared machines stall on their own: before streaming it measures that noise the same way (the
worst heartbeat gap while idle, and the worst CPU time measured for a fixed ~2 ms task), so
the worst figures can be read against it.

With --case NAME it streams one block that never ends instead, and prints each frame's
main-thread CPU (the flush, the view catching up, the paint) at the start and at the end of
the stream, as a share of a one-shot render of the whole text, measured in the same run
(target: the end within ~2x of the start, i.e. a frame costs what it adds):
  table2000  a 2,000-row table        list       a 2,000-item list
  paragraph  a 2,000-line paragraph
  stars100k, backticks530k: opening a saved reply of 100k `*a`, or of 530 KB of mixed
             backticks (no stream): the longest the event loop is held, and the total

Usage: python bench/stream_render.py [--rate 1000] [--sizes 2000 8000] [--case NAME]
"""

from __future__ import annotations

import argparse
import gc
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

from desktop_chat.models import Event, EventType  # noqa: E402
from desktop_chat.ui.markdown import warm_up_lexers  # noqa: E402
from desktop_chat.ui.message_document import MessageDocument  # noqa: E402
from desktop_chat.ui.theme import DARK, stylesheet  # noqa: E402
from desktop_chat.ui.transcript import (  # noqa: E402
    MessageItem,
    Role,
    StreamRenderer,
    build_transcript,
)

TOKEN = re.compile(r"\s*\S{1,6}|\s+")
WORDS = (
    "stream render token buffer layout paint frame event loop block finished tail "
    "markdown document cursor widget python async queue latency budget"
).split()


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
            lines = [
                f"    value_{i} = compute({i}, '{rng.choice(WORDS)}')"
                for i in range(rng.randint(4, 12))
            ]
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
        warm_up_lexers().join()  # as the app does at start-up, off the event loop
        self.history_events = [
            Event(
                "bench",
                EventType.USER_MESSAGE if n % 2 == 0 else EventType.AI_RESPONSE,
                {"text": markdown_reply(60, seed=n) if n % 2 else f"question {n}"},
            )
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
        renderer = TimedRenderer(self.model, self.delegate, item)
        clock = QElapsedTimer()
        sent = 0
        worst_stall = 0.0
        busy: list[float] = []  # main-thread CPU between consecutive heartbeats
        last_beat = time.perf_counter()
        last_cpu = time.thread_time()

        def produce() -> None:
            nonlocal sent
            due = min(len(pieces), int(clock.elapsed() * rate / 1000.0) + 1)
            while sent < due:
                renderer.feed(pieces[sent])
                sent += 1

        def heartbeat() -> None:
            nonlocal last_beat, worst_stall, last_cpu
            now, cpu_now = time.perf_counter(), time.thread_time()
            worst_stall = max(worst_stall, now - last_beat - 0.001)
            # The main thread's own CPU between two beats: a stall our code caused, as
            # opposed to one where the machine did not run the process at all.
            busy.append(cpu_now - last_cpu)
            last_beat, last_cpu = now, cpu_now

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
        last_beat, last_cpu = time.perf_counter(), time.thread_time()
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
        busy.sort()
        return {
            "cpu": cpu,
            "wall": wall,
            "stall": worst_stall,
            "busy_max": busy[-1],
            "busy_p99": busy[int(len(busy) * 0.99)],
            "busy_over_8ms": sum(b > 0.008 for b in busy),
            "flushes": renderer.flushes,
            "frames": renderer.frames,
        }


class TimedRenderer(StreamRenderer):
    """The real renderer, with each frame's main-thread CPU written down: its flush, the view
    catching up, and the paint that follows (read at the next frame)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.frames: list[tuple[float, int]] = []  # (CPU s, characters the frame added)
        self._shown = 0

    def flush(self) -> None:
        started = time.thread_time()
        before = len(self.item.text) + sum(map(len, self._pending))
        super().flush()
        paint = self.view.last_paint_cost if self.view is not None else 0.0
        if self.frames:  # the previous frame's paint is known now
            cost, added = self.frames[-1]
            self.frames[-1] = (cost + paint, added)
        self.frames.append((time.thread_time() - started, before - self._shown))
        self._shown = before

    def _show(self) -> None:
        started = time.thread_time()
        super()._show()
        if self.frames:
            cost, added = self.frames[-1]
            self.frames[-1] = (cost + time.thread_time() - started, added)


def idle_baseline(seconds: float) -> dict[str, float]:
    """What the machine does with no reply streaming: the CPU share the measuring timers
    (1 ms heartbeat, 2 ms producer) cost on their own, the worst heartbeat gap, and how long a
    fixed ~2 ms task, run every 10 ms, is measured to take at worst (its CPU time included)."""
    worst_gap = 0.0
    last_beat = time.perf_counter()
    task_times: list[float] = []

    def heartbeat() -> None:
        nonlocal worst_gap, last_beat
        now = time.perf_counter()
        worst_gap = max(worst_gap, now - last_beat - 0.001)
        last_beat = now

    rounds = _rounds_for(0.002)

    def fixed_task() -> None:
        start = time.thread_time()
        _spin(rounds)
        task_times.append(time.thread_time() - start)

    timers = []
    for interval, slot in ((1, heartbeat), (2, lambda: None), (5, lambda: None)):
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(slot)
        timer.start(interval)
        timers.append(timer)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start = time.thread_time()
    last_beat = time.perf_counter()
    loop.exec()
    used = time.thread_time() - start
    # The fixed task runs after the timers' own cost is known, so it does not inflate it.
    task = QTimer()
    task.timeout.connect(fixed_task)
    task.start(10)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    for timer in (*timers, task):
        timer.stop()
    task_times.sort()
    return {
        "share": used / seconds,
        "gap": worst_gap,
        "task_median": task_times[len(task_times) // 2],
        "task_worst": task_times[-1],
        "task_over_8ms": sum(t > 0.008 for t in task_times),
        "task_runs": len(task_times),
    }


def _spin(rounds: int) -> int:
    total = 0
    for number in range(rounds):
        total += number * number
    return total


def _rounds_for(seconds: float) -> int:
    """Loop rounds that take about `seconds` of CPU here (the median of a few tries)."""
    samples = []
    for _ in range(15):
        start = time.thread_time()
        _spin(10_000)
        samples.append(time.thread_time() - start)
    return int(10_000 * seconds / sorted(samples)[len(samples) // 2])


GROWING_BLOCKS = {
    "table2000": lambda: (
        "| name | value |\n|---|---|\n"
        + "".join(f"| {WORDS[n % len(WORDS)]} **{n}** | {n * 7 % 1000} |\n" for n in range(2000))
    ),
    "list": lambda: "".join(
        f"- {WORDS[n % len(WORDS)]} item {n} with `code` and words\n" for n in range(2000)
    ),
    "paragraph": lambda: "".join(
        f"Line {n} of one paragraph with **bold** words that never ends\n" for n in range(2000)
    ),
    "code": lambda: (
        "```python\n"
        + "".join(f"value_{n} = compute({n}, 'text')  # line {n}\n" for n in range(2000))
    ),
}


def mixed_backticks(size: int = 530_000) -> str:
    """One long line of code spans of one to three backticks, and stray backticks."""
    return ("`a` ``b`` ```c``` d`e " * (size // 22 + 1))[:size]


SAVED_REPLIES = {
    "stars100k": lambda: "*a" * 100_000,
    "backticks530k": mixed_backticks,
}


def growing_block(harness: Harness, case: str, rate: float) -> None:
    """Stream one block that never ends; compare its frames at the start and at the end."""
    text = GROWING_BLOCKS[case]()
    harness.stream(markdown_reply(200, seed=1), rate)  # warm-up
    streamed = harness.stream(text, rate)
    one_shot = harness.one_shot(text)
    frames = streamed["frames"]
    tenth = max(1, len(frames) // 10)

    def window(part: list[tuple[float, int]]) -> tuple[float, float]:
        return (
            sum(cost for cost, _ in part) / len(part),
            sum(added for _, added in part) / len(part),
        )

    start_cost, start_added = window(frames[1 : tenth + 1])  # the first frame builds the view
    end_cost, end_added = window(frames[-tenth:])
    print(
        f"{case}: {len(text)} chars, {len(frames)} frames, one-shot render "
        f"{one_shot * 1000:.0f} ms, streamed CPU {streamed['cpu']:.2f} s "
        f"= {streamed['cpu'] / one_shot:.1f}x one-shot, worst stall "
        f"{streamed['stall'] * 1000:.0f} ms"
    )
    print(
        f"        per frame, first tenth: {start_cost * 1000:.2f} ms "
        f"({start_cost / one_shot * 100:.2f}% of one-shot) for {start_added:.0f} new chars"
    )
    print(
        f"        per frame, last tenth:  {end_cost * 1000:.2f} ms "
        f"({end_cost / one_shot * 100:.2f}% of one-shot) for {end_added:.0f} new chars"
    )
    per_char = (end_cost / max(end_added, 1)) / (start_cost / max(start_added, 1))
    print(
        f"        end/start per frame {end_cost / start_cost:.2f}x, per new char "
        f"{per_char:.2f}x (target <= ~2)"
    )


def open_saved(harness: Harness, text: str) -> None:
    """Open a saved reply: the longest the event loop is held, and the time to show it all."""
    harness.reset()
    worst_gap = 0.0
    last_beat = time.perf_counter()

    def heartbeat() -> None:
        nonlocal worst_gap, last_beat
        now = time.perf_counter()
        worst_gap = max(worst_gap, now - last_beat)
        last_beat = now

    beat = QTimer()
    beat.setTimerType(Qt.TimerType.PreciseTimer)
    beat.timeout.connect(heartbeat)
    beat.start(1)
    start, cpu_start = time.perf_counter(), time.thread_time()
    last_beat = start
    MessageDocument.progressive = True
    delegate = harness.delegate
    original_document_for = delegate.document_for

    def document_for(item: MessageItem) -> MessageDocument:
        # The wiring a progressive document needs: re-measure its row after each slice.
        built = item.document
        document = original_document_for(item)
        if document is not built:
            row = harness.model.index(harness.model.row_of(item))
            document.rendered_more.connect(lambda: delegate.sizeHintChanged.emit(row))
        return document

    delegate.document_for = document_for
    item = MessageItem(Role.ASSISTANT, text)
    harness.model.append(item)
    harness.view.scrollToBottom()
    harness.settle()
    document = delegate.document_for(item)
    while document.render_pending:
        harness.app.processEvents()
    harness.settle()
    beat.stop()
    heartbeat()
    print(
        f"open a saved {len(text) // 1000} KB reply: shown whole after "
        f"{time.perf_counter() - start:.2f} s ({time.thread_time() - cpu_start:.2f} s CPU); "
        f"longest the event loop was held {worst_gap * 1000:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=1000.0, help="tokens per second")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000])
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="earlier messages in the transcript above the streamed reply",
    )
    parser.add_argument(
        "--case",
        choices=[*GROWING_BLOCKS, *SAVED_REPLIES],
        help="one block that never ends (or a huge saved reply), see above",
    )
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv)
    harness = Harness(app, args.history)
    gc.freeze()  # as the app does once started: a full collection then skips what start-up made
    if args.case in SAVED_REPLIES:
        open_saved(harness, SAVED_REPLIES[args.case]())
        return 0
    if args.case:
        growing_block(harness, args.case, args.rate)
        return 0
    if args.history:
        print(f"transcript holds {args.history} earlier messages")
    idle = idle_baseline(2.0)
    baseline = idle["share"]
    print(f"the measuring timers' own cost: {baseline * 100:.1f}% of a core, subtracted below")
    print(
        f"the machine's noise, idle: worst heartbeat gap {idle['gap'] * 1000:.1f} ms; "
        f"a fixed task of {idle['task_median'] * 1000:.1f} ms CPU measured up to "
        f"{idle['task_worst'] * 1000:.1f} ms, over 8 ms {idle['task_over_8ms']} times "
        f"in {idle['task_runs']}"
    )
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
        print(
            f"{tokens:>6} tokens  {len(text):>7} chars  wall {streamed['wall']:.2f} s  "
            f"flushes {streamed['flushes']:>4}  "
            f"CPU {work_cpu:.3f} s = {share * 100:.1f}% of a core"
        )
        print(
            f"        worst stall {streamed['stall'] * 1000:.1f} ms; main thread busy between "
            f"heartbeats: p99 {streamed['busy_p99'] * 1000:.1f} ms, worst "
            f"{streamed['busy_max'] * 1000:.1f} ms, {streamed['busy_over_8ms']} times over 8 ms"
        )
        print(
            f"        one-shot render {one_shot * 1000:.0f} ms  "
            f"streamed/one-shot {work_cpu / one_shot:.1f}x"
        )
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        ratio = results[large] / results[small]
        print(
            f"CPU({large // 1000}k)/CPU({small // 1000}k) = {ratio:.2f} "
            f"(linear = {large / small:.1f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
