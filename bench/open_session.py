#!/usr/bin/env python3
"""Opens a stored long session in the real transcript and prints what it costs.

A temp SQLiteStore holds one session per `--messages` size (a chain of alternating user /
assistant messages; replies are markdown of varied length with lists, code blocks and tables).
A shown 900x700 TranscriptView + TranscriptModel + MessageDelegate (the widgets MainWindow uses)
opens it the way a click on the session does (ConversationController.show_branch):
ChatService.active_branch(session, PAGE_ROWS) -> show_page -> follow_bottom, so the store reads
the newest page of the active branch (ui/transcript_pages.py), not the session. `--compare-full`
also opens it the way it was opened before paging: the whole branch (active_branch without a
limit), in the same run. It prints, per size:
  - time from the click to the first paint that shows the opened session at its final position
    (the bottom, as the app opens it; target < 150 ms), split into load / model / layout+paint:
    the cold open (after the parsers and lexers are built, as the app builds them when the
    pointer comes over the session list), then the median of `--runs` warm ones
  - memory added by the open (RSS from /proc/self/statm)
  - scrolling the loaded rows top to bottom in 120 px steps, a synchronous repaint each step
    (no idle time between: the worst case)
  - scrolling a freshly opened session top to bottom at 60 steps a second, the event loop
    running between them as between a user's wheel events: frames missed (target: none)
Offscreen by default; `--real` runs it in a real X11 window (xcb, its own Xvfb + openbox when
DISPLAY is unset).

`--scroll-up ROWS` measures only a reader going far up instead: the session opened at the bottom
(the whole branch in memory, so the store is not in the figures), then scrolled up one 120 px step
a frame at 60 a second, the event loop running between, until ROWS messages have passed. It
prints the frames missed, the worst step, the rows the view holds and what a relayout of them
costs there (each streamed line that wraps pays it), the memory added, and what a step of a
window being resized costs there (the view 8 px narrower, 30 times: every row laid out again at
the new width, the one read kept in place, and painted).
With `--compare-with CHECKOUT` the same is measured with the app of that checkout (say, a git
worktree of an older commit), each in its own process, alternately, and the ratios are printed.

Usage: python bench/open_session.py [--messages 10000,100000] [--runs 3] [--compare-full]
                                    [--real] [--profile]
       python bench/open_session.py --scroll-up 4000 [--runs 3] [--real] [--compare-with DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import itertools
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A child of --compare-with measures the app of another checkout (this file's own measuring).
_APP_FROM = sys.argv[sys.argv.index("--app-from") + 1] if "--app-from" in sys.argv else None
sys.path.insert(0, str(ROOT))
if _APP_FROM:
    sys.path.insert(0, _APP_FROM)
if "--real" in sys.argv and os.environ.get("QT_QPA_PLATFORM") != "xcb":
    # Re-run under xcb, on DISPLAY or on a private Xvfb + openbox (bench/real_window.py's).
    from bench.real_window import x_display

    with x_display() as display:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        raise SystemExit(subprocess.run([sys.executable, *sys.argv], env=env).returncode)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_chat.core.chat import ChatService  # noqa: E402
from desktop_chat.models import Event, EventType, Session, utc_now  # noqa: E402
from desktop_chat.store.sqlite import SQLiteStore  # noqa: E402
from desktop_chat.ui.markdown import warm_up_lexers  # noqa: E402
from desktop_chat.ui.theme import DARK, stylesheet  # noqa: E402
from desktop_chat.ui.transcript import TranscriptView, build_transcript  # noqa: E402
from desktop_chat.ui.transcript.model import ItemRole  # noqa: E402
from desktop_chat.ui.transcript_pages import PAGE_ROWS, show_page, version_marks  # noqa: E402

TARGET_MS = 150.0
WORDS = (
    "the a to of and in that is for it with as on be this you can use or by not are from "
    "function value return request session database index query cache layout render widget "
    "thread event loop async await token stream buffer python sqlite markdown document "
    "performance memory latency config option error retry timeout network server client "
    "example because however therefore instead simply usually probably important"
).split()
LANGS = ("python", "bash", "sql", "javascript", "")


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def sentence(rng: random.Random, low: int = 6, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"`{rng.choice(WORDS)}()`"
    if rng.random() < 0.2:
        words[rng.randrange(len(words))] = f"**{rng.choice(WORDS)}**"
    return " ".join(words).capitalize() + rng.choice(".....?!")


def user_text(rng: random.Random) -> str:
    if rng.random() < 0.08:  # a pasted snippet or error
        lines = [
            f'  File "app.py", line {rng.randint(1, 400)}, in {rng.choice(WORDS)}'
            for _ in range(rng.randint(3, 10))
        ]
        return sentence(rng) + "\n\n" + "\n".join(lines) + "\nValueError: " + sentence(rng, 3, 8)
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def assistant_text(rng: random.Random) -> str:
    # Reply lengths are skewed: most a few paragraphs, some long (median ~1.5 k chars).
    blocks = max(1, min(40, int(rng.lognormvariate(1.6, 0.7))))
    parts = []
    for _ in range(blocks):
        kind = rng.choices(
            ("para", "list", "code", "heading", "table", "quote"), weights=(10, 4, 3, 2, 1, 1)
        )[0]
        if kind == "para":
            parts.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 5))))
        elif kind == "list":
            marker = rng.choice(("-", "1."))
            parts.append(
                "\n".join(f"{marker} {sentence(rng, 3, 12)}" for _ in range(rng.randint(2, 7)))
            )
        elif kind == "code":
            lines = [
                f'    {rng.choice(WORDS)}_{i} = {rng.choice(WORDS)}({i}, "{rng.choice(WORDS)}")'
                for i in range(rng.randint(3, 25))
            ]
            parts.append(
                f"```{rng.choice(LANGS)}\ndef {rng.choice(WORDS)}():\n"
                + "\n".join(lines)
                + "\n    return None\n```"
            )
        elif kind == "heading":
            parts.append("#" * rng.randint(2, 3) + " " + sentence(rng, 2, 5).rstrip(".?!"))
        elif kind == "table":
            rows = "\n".join(
                f"| {rng.choice(WORDS)} | {rng.randint(1, 9999)} | {sentence(rng, 2, 6)} |"
                for _ in range(rng.randint(2, 8))
            )
            parts.append("| name | value | note |\n|---|---|---|\n" + rows)
        else:
            parts.append("> " + sentence(rng))
    return "\n\n".join(parts)


def populate(store: SQLiteStore, messages: int, seed: int = 11) -> tuple[str, int]:
    """One session of `messages` events in one chain, written in one transaction."""
    rng = random.Random(seed)
    session = Session(title="A long conversation", start_time=utc_now() - timedelta(days=30))
    asyncio.run(store.create_session(session))
    chars, rows, parent = 0, [], None
    for i in range(messages):
        if i % 2 == 0:
            kind, payload = EventType.USER_MESSAGE, {"text": user_text(rng)}
        else:
            kind = EventType.AI_RESPONSE
            payload = {
                "text": assistant_text(rng),
                "model": "llama-3.1-8b-instant",
                "usage": {"prompt_tokens": 900, "completion_tokens": 300},
            }
        chars += len(payload["text"])
        event = Event(
            session.session_id,
            kind,
            payload,
            timestamp=session.start_time + timedelta(seconds=30 * i),
            parent_id=parent,
        )
        rows.append(
            (
                event.event_id,
                event.session_id,
                str(kind),
                event.timestamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                json.dumps(payload),
                parent,
            )
        )
        parent = event.event_id
    with store._db:  # add_event commits each row: 100,000 of them would take minutes
        store._db.executemany(
            "INSERT INTO events (event_id, session_id, type, timestamp, payload, parent_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        store._db.execute(
            "UPDATE sessions SET active_leaf = ? WHERE session_id = ?", (parent, session.session_id)
        )
    return session.session_id, chars


class PaintHookedView(TranscriptView):
    """The real view, noting when each paint finishes and whether it showed the goal."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.clock = QElapsedTimer()
        self.first_paint_ns: int | None = None
        self.goal_paint_ns: int | None = None
        self.goal = None  # a callable: True once the view shows what we wait for
        self.paints = 0

    def paintEvent(self, event):  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self.clock.isValid():
            return
        self.paints += 1
        now = self.clock.nsecsElapsed()
        if self.first_paint_ns is None:
            self.first_paint_ns = now
        if self.goal_paint_ns is None and self.goal is not None and self.goal():
            self.goal_paint_ns = now


class Bench:
    def __init__(self, app: QApplication, store: SQLiteStore, session_id: str):
        self.app = app
        self.store = store
        self.service = ChatService(store, None)
        self.session_id = session_id
        self.view, self.model, self.delegate = build_transcript(DARK, view_class=PaintHookedView)
        self.view.setStyleSheet(stylesheet(DARK))
        self.view.resize(900, 700)
        self.view.show()
        self.settle()
        # As the app after start-up (app.py): what lives as long as the process is out of the
        # collector's sight, or a full collection would walk it (~25 ms here) mid-scroll.
        gc.freeze()

    def settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()

    def settle_range(self) -> None:
        """Run the event loop until the scroll range has held still for 10 turns: layout goes
        on after the first paint (rows measured near the view, laid out ahead while idle)."""
        bar = self.view.verticalScrollBar()
        stable, maximum = 0, -1
        while stable < 10:
            self.app.processEvents()
            stable = stable + 1 if bar.maximum() == maximum else 0
            maximum = bar.maximum()

    def close_session(self) -> None:
        self.model.set_events([])
        self.view.follow_bottom()
        self.settle()
        gc.collect()

    def _at_bottom(self) -> bool:
        rows = self.model.rowCount()
        if rows == 0:
            return False
        bar = self.view.verticalScrollBar()
        last = self.view.visualRect(self.model.index(rows - 1))
        return (
            bar.value() == bar.maximum()
            and last.isValid()
            and last.bottom() <= self.view.viewport().height() + 2
            and last.intersects(self.view.viewport().rect())
        )

    def _at_top(self) -> bool:
        rows = self.model.rowCount()
        first = self.view.visualRect(self.model.index(0)) if rows else None
        return bool(rows) and first.isValid() and first.top() == 0

    def open(self, follow_bottom: bool = True, full: bool = False) -> dict[str, float]:
        """Open the session as a click does (ConversationController.show_branch); time to the
        first finished paint. `full`: the whole active branch, as before paging."""
        self.close_session()
        rss_before = rss_bytes()
        view = self.view
        view.first_paint_ns = view.goal_paint_ns = None
        view.paints = 0
        view.goal = self._at_bottom if follow_bottom else self._at_top
        clock = view.clock
        clock.start()
        limit = None if full else PAGE_ROWS
        branch = asyncio.run(self.service.active_branch(self.session_id, limit))
        loaded = clock.nsecsElapsed()
        if full:
            self.model.set_events([i.event for i in branch], version_marks(branch))
        else:
            show_page(self.model, branch)
        if follow_bottom:
            view.follow_bottom()
        else:
            view._follow = False  # as if the user had scrolled up: stay at the top
            view.verticalScrollBar().setValue(0)
        modelled = clock.nsecsElapsed()
        deadline = time.perf_counter() + 60
        worst_stall = 0.0
        while view.goal_paint_ns is None:
            before = time.perf_counter()
            self.app.processEvents()
            worst_stall = max(worst_stall, time.perf_counter() - before)
            if view.goal_paint_ns is None and view.goal():
                view.viewport().repaint()  # layout is final: paint it now if Qt has not yet
            if time.perf_counter() > deadline:
                raise RuntimeError("the view never showed the opened session")
        done = view.goal_paint_ns
        view.clock.invalidate()
        self.settle()
        rss_after = rss_bytes()
        return {
            "load_ms": loaded / 1e6,
            "model_ms": (modelled - loaded) / 1e6,
            "paint_ms": (done - modelled) / 1e6,
            "total_ms": done / 1e6,
            "first_any_ms": (view.first_paint_ns or done) / 1e6,
            "paints": view.paints,
            "stall_ms": worst_stall * 1000,
            "mb": (rss_after - rss_before) / 2**20,
            "events": len(branch),
        }

    def scroll(self, step: int = 120) -> dict[str, float]:
        """Scroll top to bottom; each frame is setValue + a synchronous repaint."""
        bar = self.view.verticalScrollBar()
        self.settle_range()
        bar.setValue(0)
        self.settle()
        frames = []
        clock = QElapsedTimer()
        value = 0
        while True:
            clock.start()
            bar.setValue(value)
            self.view.viewport().repaint()
            frames.append(clock.nsecsElapsed() / 1e6)
            if value >= bar.maximum():
                break
            value = min(bar.maximum(), value + step)
        frames.sort()
        return {
            "frames": len(frames),
            "worst": frames[-1],
            "median": statistics.median(frames),
            "p95": frames[int(len(frames) * 0.95) - 1],
            "over16": sum(f > 16.7 for f in frames),
            "height_px": bar.maximum() + self.view.viewport().height(),
        }

    def paced_scroll(
        self, step: int = 120, fresh: bool = True, period_ms: float = 1000 / 60
    ) -> dict[str, float]:
        """Scroll top to bottom one step a frame, 60 a second, the event loop running between
        the steps as it runs between a user's wheel events (so idle work, such as rows laid
        out ahead, runs there too). A frame is missed when the gap between two steps' repaints
        is over 1.5 periods: the screen showed the same picture for two refreshes or more.
        `fresh`: the session opened anew (no row laid out but those first shown); else the
        rows as the last scroll left them, all laid out: what is missed then is the machine's
        (other processes, the X server) and the painting's, the same-run baseline."""
        bar = self.view.verticalScrollBar()
        if fresh:
            self.close_session()
            self.open(follow_bottom=False)
            while self.model.has_older and self.model.show_older():  # the rows scroll() scrolls
                pass
        bar.setValue(0)
        self.settle_range()

        def step_down() -> bool:
            bar.setValue(min(bar.maximum(), bar.value() + step))
            return bar.value() >= bar.maximum()

        return self._paced(step_down, period_ms)

    def _paced(self, step: Callable[[], bool], period_ms: float) -> dict[str, float]:
        """Call `step` (a scroll; True: the last one) once a period, each followed by a
        synchronous repaint, the event loop running between. The gaps between repaints (a frame
        is missed when one is over 1.5 periods) and what each step and its repaint cost."""
        ends: list[float] = []
        costs: list[float] = []
        loop = QEventLoop()

        def frame() -> None:
            started = time.perf_counter()
            last = step()
            self.view.viewport().repaint()
            ends.append(time.perf_counter())
            costs.append((ends[-1] - started) * 1000)
            if last:
                loop.quit()

        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(round(period_ms))
        timer.timeout.connect(frame)
        timer.start()
        loop.exec()
        timer.stop()
        gaps = sorted((b - a) * 1000 for a, b in itertools.pairwise(ends))
        return {
            "frames": len(ends),
            "missed": sum(gap > 1.5 * period_ms for gap in gaps),
            "worst_gap": gaps[-1],
            "median_gap": statistics.median(gaps),
            "worst_step": max(costs),
            "median_step": statistics.median(costs),
        }

    def scroll_up(self, rows: int, step: int = 120, period_ms: float = 1000 / 60) -> dict:
        """Open at the bottom (the whole branch in memory: the store is not measured), then
        scroll up one step a frame at 60 a second, the event loop running between (older rows
        come in as in the app), until `rows` messages are below the view's top. Then time a
        relayout of the rows the view holds, there."""
        self.close_session()
        rss_before = rss_bytes()
        self.open(full=True)
        self.settle_range()
        view, model = self.view, self.model
        bar = view.verticalScrollBar()

        def passed() -> int:
            top = view.indexAt(QPoint(1, 0)).data(ItemRole)
            return len(model.items) - model.items.index(top) if top is not None else 0

        def step_up() -> bool:
            bar.setValue(max(bar.minimum(), bar.value() - step))
            return passed() >= rows or (bar.value() == bar.minimum() and not model.has_older)

        paced = self._paced(step_up, period_ms)
        self.settle_range()
        relayouts = []
        for _ in range(5):
            started = time.perf_counter()
            view.scheduleDelayedItemsLayout()
            view.executeDelayedItemsLayout()
            relayouts.append((time.perf_counter() - started) * 1000)
        resizes = []
        width, height = view.width(), view.height()
        for step in range(1, 31):  # a window edge dragged: the rows rewrap at each new width
            started = time.perf_counter()
            view.resize(width - 8 * step, height)
            view.viewport().repaint()
            resizes.append((time.perf_counter() - started) * 1000)
            self.settle()
        view.resize(width, height)
        gc.collect()
        return {
            "resize_ms": statistics.median(resizes),
            "resize_worst_ms": max(resizes),
            "passed": passed(),
            "frames": paced["frames"],
            "missed": paced["missed"],
            "worst_step_ms": paced["worst_step"],
            "median_step_ms": paced["median_step"],
            "view_rows": model.rowCount(),
            "relayout_ms": statistics.median(relayouts),
            "mb": (rss_bytes() - rss_before) / 2**20,
        }


def report_open(label: str, result: dict[str, float]) -> None:
    verdict = "OK" if result["total_ms"] < TARGET_MS else f"OVER the {TARGET_MS:.0f} ms target"
    print(
        f"{label}: first paint {result['total_ms']:.0f} ms ({verdict})  = "
        f"active_branch ({result['events']} events) {result['load_ms']:.0f} + "
        f"set_events/scroll {result['model_ms']:.0f} + "
        f"layout+paint {result['paint_ms']:.0f} ms;  first paint of any kind at "
        f"{result['first_any_ms']:.0f} ms, {result['paints']} paints, longest event-loop turn "
        f"{result['stall_ms']:.0f} ms;  RSS +{result['mb']:.1f} MB"
    )


def bench_size(app: QApplication, folder: Path, messages: int, args) -> None:
    store = SQLiteStore(folder / f"chat-{messages}.db")
    started = time.perf_counter()
    session_id, chars = populate(store, messages)
    print(
        f"\n{messages:,} messages, {chars / 1e6:.2f} M chars, stored in "
        f"{time.perf_counter() - started:.1f} s; view 900x700 "
        f"{os.environ['QT_QPA_PLATFORM']}; {os.cpu_count()} CPUs"
    )
    bench = Bench(app, store, session_id)
    # As the app: it builds the Markdown parsers and common lexers when the pointer first comes
    # over the session list, before a click opens a session (app.py, ui/first_intent.py).
    warm_up_lexers().join()
    report_open("cold open (follow bottom, as the app)", bench.open())
    report_open("warm open, staying at the top", bench.open(follow_bottom=False))
    variants = [("paged", False)] + ([("whole branch", True)] if args.compare_full else [])
    for name, full in variants:
        warm = [bench.open(full=full) for _ in range(args.runs)]
        middle = sorted(warm, key=lambda r: r["total_ms"])[len(warm) // 2]
        report_open(f"{name}: warm open, median of {args.runs}", middle)

    scroll = bench.scroll(args.step)
    print(
        f"scroll the loaded rows top->bottom in {args.step} px steps over "
        f"{scroll['height_px'] / 1000:.0f} k px: {scroll['frames']} frames, worst "
        f"{scroll['worst']:.1f} ms, median {scroll['median']:.1f} ms, p95 {scroll['p95']:.1f} ms, "
        f"{scroll['over16']} frames over 16.7 ms"
    )
    for fresh, label in ((True, "a fresh open"), (False, "again, every row laid out")):
        paced = bench.paced_scroll(args.step, fresh)
        print(
            f"scroll {label}, top->bottom one {args.step} px step a frame at 60 a second, the "
            f"event loop running between: {paced['frames']} frames, {paced['missed']} missed "
            f"(a gap over 25 ms; worst {paced['worst_gap']:.0f} ms, median "
            f"{paced['median_gap']:.1f}), steps median {paced['median_step']:.1f} ms, worst "
            f"{paced['worst_step']:.1f} ms"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        bench.open()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
    bench.view.close()
    asyncio.run(store.close())


SCROLL_UP_FIGURES = (
    ("missed", "frames missed", "{:.0f}"),
    ("worst_step_ms", "worst step ms", "{:.1f}"),
    ("median_step_ms", "median step ms", "{:.2f}"),
    ("view_rows", "rows in the view", "{:.0f}"),
    ("relayout_ms", "relayout there ms", "{:.2f}"),
    ("mb", "RSS added MB", "{:.0f}"),
    ("resize_ms", "resize step ms", "{:.1f}"),
    ("resize_worst_ms", "worst resize ms", "{:.1f}"),
)


def scroll_up_once(folder: Path, args) -> dict:
    store = SQLiteStore(folder / f"chat-{args.messages}.db")
    session_id, _chars = populate(store, int(args.messages))
    app = QApplication.instance() or QApplication(sys.argv)
    bench = Bench(app, store, session_id)
    warm_up_lexers().join()
    result = bench.scroll_up(args.scroll_up, args.step)
    bench.view.close()
    asyncio.run(store.close())
    return result


def compare_scroll_up(args) -> None:
    """Each program (this checkout's app, and --compare-with's) in its own process, taking
    turns, `--runs` times; the median of each figure and their ratio."""
    programs = {"this checkout": None}
    if args.compare_with is not None:
        programs[f"{args.compare_with}"] = str(args.compare_with)
    results: dict[str, list[dict]] = {name: [] for name in programs}
    for _ in range(args.runs):
        for name, app_from in programs.items():
            command = [sys.executable, __file__, "--child", "--scroll-up", str(args.scroll_up)]
            command += ["--messages", str(args.messages), "--step", str(args.step)]
            if app_from:
                command += ["--app-from", app_from]
            done = subprocess.run(command, capture_output=True, text=True, timeout=900)
            if done.returncode:
                raise SystemExit(f"{name}: {done.stderr[-2000:]}")
            results[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = next(iter(results.values()))[0]
    print(
        f"scroll up {first['passed']:,} of {int(args.messages):,} messages from the bottom, one "
        f"{args.step} px step a frame at 60 a second ({first['frames']} frames); view 900x700 "
        f"{os.environ['QT_QPA_PLATFORM']}; {os.cpu_count()} CPUs; median of {args.runs}"
    )
    names = list(results)
    print(f"{'':>20}" + "".join(f"{name[-24:]:>26}" for name in names))
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key, _, _ in SCROLL_UP_FIGURES}
        for name, runs in results.items()
    }
    for key, label, shape in SCROLL_UP_FIGURES:
        cells = "".join(f"{shape.format(medians[name][key]):>26}" for name in names)
        print(f"{label:>20}{cells}")
    if len(names) == 2:
        mine, other = (medians[name] for name in names)
        for key in ("relayout_ms", "mb", "worst_step_ms", "resize_ms"):
            if other[key] > 0:
                print(f"ratio {key}: this checkout / the other = {mine[key] / other[key]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", default="10000", help="session sizes, comma separated")
    parser.add_argument("--runs", type=int, default=3, help="warm re-opens after the cold one")
    parser.add_argument("--step", type=int, default=120, help="scroll step in pixels")
    parser.add_argument(
        "--compare-full", action="store_true", help="also open the whole branch (before paging)"
    )
    parser.add_argument("--real", action="store_true", help="a real X11 window (xcb)")
    parser.add_argument("--profile", action="store_true", help="cProfile one warm open")
    parser.add_argument("--scroll-up", type=int, help="only: scroll up through this many rows")
    parser.add_argument("--compare-with", type=Path, help="another checkout's app, measured too")
    parser.add_argument("--app-from", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.scroll_up:
        if not args.child:
            compare_scroll_up(args)
            return 0
        with tempfile.TemporaryDirectory(prefix="bench-open-") as folder:
            print(json.dumps(scroll_up_once(Path(folder), args)))
        return 0

    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory(prefix="bench-open-") as folder:
        for messages in (int(size) for size in args.messages.split(",")):
            bench_size(app, Path(folder), messages, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
