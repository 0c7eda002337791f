#!/usr/bin/env python3
"""Figures measured in a real X11 window (xcb), every program in its own process, one run.

Prints a table of:
  - transport: the CPU share of one core a bare window (PySide6 + qasync, xcb, nothing drawn)
    spends receiving a reply from the loopback Groq server at 1,000 tokens/s, through
    `GroqClient.stream` (desktop_chat/llm/groq_client.py) and, as the baseline, through the
    groq SDK's parsed stream (`chat.completions.create(stream=True)`, one model object per chunk)
  - start-up to a painted, usable window: the app (`desktop_chat.app.main`) on a data dir holding
    `--sessions` sessions and `--events` events, against a bare PySide6 + qasync window (ratio)
  - idle: CPU share and RSS of the app and of the bare window, from 6 s after start-up (the
    caret has come to rest by then) for 10 s

Each figure is one function (`transport_cpu`, `startup_time`, `idle_figures`), each measured
program a child process of this one (`--child ...`); the loopback server runs here, so its CPU
is not counted. With DISPLAY unset it starts its own Xvfb + openbox.

Usage: python bench/real_window.py [--tokens 2000] [--rate 1000] [--runs 3]
                                   [--sessions 10000] [--events 200000] [--only startup]
                                   [--compare-with CHECKOUT] [--data-cache DIR] [--callgrind]
                                   [--key-in environment|keychain]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--child" not in sys.argv:  # a child finds the app on its PYTHONPATH (see --compare-with)
    sys.path.insert(0, str(ROOT))

WORDS = (
    "stream render token buffer layout paint frame event loop block finished tail "
    "markdown document cursor widget python async queue latency budget"
).split()


# ---------------------------------------------------------------------- the X server


@contextmanager
def x_display():
    """DISPLAY as set, or a private Xvfb + openbox for the duration of the run."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            "1400x900x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = ":" + pipe.readline().strip()
    wm = subprocess.Popen(
        ["openbox"],
        env=dict(os.environ, DISPLAY=display),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # openbox announces itself on the root window
        probe = subprocess.run(
            ["xprop", "-display", display, "-root", "_NET_SUPPORTING_WM_CHECK"],
            capture_output=True,
            text=True,
        )
        if "window id" in probe.stdout:
            break
        time.sleep(0.05)
    try:
        yield display
    finally:
        for process in (wm, xvfb):
            process.terminate()
            process.wait(5)


def child_env(display: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROQ_", "SUPABASE_"))}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT), **extra)
    return env


def run_child(args: list[str], env: dict[str, str], timeout: float = 300) -> dict:
    """Run `bench/real_window.py --child ...`; its last stdout line is a JSON result."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------- figures


def reply_of(tokens: int) -> str:
    """Markdown-ish prose the loopback server splits into exactly `tokens` pieces."""
    from tests.support.groq_server import split_tokens

    rng = random.Random(tokens)
    words: list[str] = []
    while len(words) < tokens:
        words.append(" " + rng.choice(WORDS)[:6])
    text = "".join(words)
    assert len(split_tokens(text)) == tokens
    return text


def transport_cpu(server, display: str, tokens: int, rate: float, runs: int) -> dict[str, dict]:
    """CPU share of one core while a bare window receives `tokens` at `rate` tokens/s, nothing
    drawn: through GroqClient.stream and through the SDK's parsed chunks (the baseline)."""
    server.reply_for = lambda body: reply_of(int(body["messages"][-1]["content"]))
    server.tokens_per_second = rate
    figures: dict[str, dict] = {}
    env = child_env(display)
    samples: dict[str, list[dict]] = {"groq_client": [], "sdk_chunks": []}
    for _ in range(runs):  # interleaved, so both see the same machine
        for variant in samples:
            samples[variant].append(
                run_child(["transport", variant, server.base_url, server.api_key, str(tokens)], env)
            )
    for variant, results in samples.items():
        shares = sorted(r["cpu_share"] for r in results)
        figures[variant] = {
            "cpu_share": statistics.median(shares),
            "range": (shares[0], shares[-1]),
            "tokens_per_second": statistics.median(r["tokens"] / r["wall"] for r in results),
            "pieces": results[0]["pieces"],
        }
    server.tokens_per_second = None
    return figures


def populate(data_dir: Path, sessions: int, events: int) -> None:
    """A chat.db with `sessions` sessions and `events` events, written by the app's own schema."""
    from desktop_chat.store.sqlite import SQLiteStore

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "chat.db"
    store = SQLiteStore(path)
    store._db.close()
    rng = random.Random(3)
    now = datetime.now(timezone.utc)
    per_session = max(1, events // sessions)

    def ts(when: datetime) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    db = sqlite3.connect(path)
    with db:
        db.execute("PRAGMA journal_mode=WAL")
        session_rows, event_rows = [], []
        for s in range(sessions):
            sid = str(uuid.uuid4())
            start = now - timedelta(minutes=rng.randint(0, 60 * 24 * 700))
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
            session_rows.append((sid, ts(start), title, ts(start + timedelta(minutes=30))))
            for e in range(per_session):
                kind = "user_message" if e % 2 == 0 else "ai_response"
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
                event_rows.append(
                    (
                        str(uuid.uuid4()),
                        sid,
                        kind,
                        ts(start + timedelta(seconds=e)),
                        json.dumps({"text": text}),
                    )
                )
        db.executemany(
            "INSERT INTO sessions (session_id, start_time, title, updated_at) VALUES (?, ?, ?, ?)",
            session_rows,
        )
        db.executemany(
            "INSERT INTO events (event_id, session_id, type, timestamp, payload) "
            "VALUES (?, ?, ?, ?, ?)",
            event_rows,
        )
        db.execute("DELETE FROM outbox")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def key_environment(server, folder: Path, key_in: str) -> dict[str, str]:
    """Where the app finds its key: GROQ_API_KEY ("environment"), or only the keychain
    ("keychain", as for a user who typed it into the app: a keyring backend on a file in
    `folder`, tests/support/file_keyring.py)."""
    if key_in == "environment":
        return {"GROQ_API_KEY": server.api_key, "GROQ_BASE_URL": server.base_url}
    from tests.support.file_keyring import keychain_file

    # PYTHONPATH: the child imports the backend from the tree it runs (see --compare-with).
    return {"GROQ_BASE_URL": server.base_url, "PYTHONPATH": str(ROOT)} | keychain_file(
        folder, server.api_key, saved_for=server.base_url
    )


def startup_time(
    server,
    display: str,
    data_dir: Path,
    home: Path,
    runs: int,
    other_checkout: Path | None = None,
    key_in: str = "environment",
) -> dict[str, dict]:
    """Seconds from spawning the process to a painted window whose event loop is free again,
    for the app on `data_dir` and for a bare PySide6 + qasync window (median of `runs`); with
    `other_checkout`, also for the app as that source tree has it ("other": e.g. before)."""
    from tests.support.app_process import app_environment

    # An installed app (wheel or bundle) runs from bytecode; a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module at each start (~70 ms of CPU).
    for tree in (ROOT, other_checkout):
        if tree is not None:
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(tree / "desktop_chat")],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    app_env = app_environment(home, data_dir, **key_environment(server, home, key_in))
    app_env.update(child_env(display))
    programs = {"bare": child_env(display), "app": app_env}
    if other_checkout is not None:
        # Its own copy of the data: a newer app migrates the file, which an older one refuses.
        other_data = data_dir.with_name(data_dir.name + "-other")
        shutil.copytree(data_dir, other_data)
        programs["other"] = dict(
            app_env, PYTHONPATH=str(other_checkout), DESKTOP_CHAT_DATA_DIR=str(other_data)
        )
    samples: dict[str, list[dict]] = {name: [] for name in programs}
    for _ in range(runs):
        for name, env in programs.items():
            program = "bare" if name == "bare" else "app"
            samples[name].append(spawn_until_painted(program, env, cwd=home))
    figures = {}
    for program, results in samples.items():
        times = sorted(r["painted"] for r in results)
        listed = sorted(r["listed"] for r in results if r["listed"] is not None)
        figures[program] = {
            "seconds": statistics.median(times),
            "range": (times[0], times[-1]),
            "listed": statistics.median(listed) if listed else None,
            "cpu": statistics.median(r["painted_cpu"] for r in results),
            # The least of the runs: on a shared machine noise only ever adds CPU time.
            "cpu_least": min(r["painted_cpu"] for r in results),
            "idle_cpu_share": statistics.median(r["idle_cpu_share"] for r in results),
            "idle_rss_mb": statistics.median(r["idle_rss_mb"] for r in results),
            # Each run's program against the bare window started just before it, then the
            # median of those: what drifts over the minutes of the bench cancels out.
            "paired": (
                statistics.median(
                    r["painted"] / b["painted"]
                    for r, b in zip(results, samples["bare"], strict=True)
                ),
                statistics.median(
                    r["painted_cpu"] / b["painted_cpu"]
                    for r, b in zip(results, samples["bare"], strict=True)
                ),
            ),
        }
    return figures


EXIT_WHEN_PAINTED = "DC_BENCH_EXIT_WHEN_PAINTED"


def startup_instructions(
    server,
    display: str,
    data_dir: Path,
    other_checkout: Path | None = None,
    key_in: str = "environment",
) -> dict[str, int]:
    """Instructions each program runs until its window has painted, counted by valgrind's
    callgrind (all its threads; a fresh home each): the same count run after run, whatever
    else the machine does, where the timings above move by a fifth."""
    from tests.support.app_process import app_environment

    programs: dict[str, tuple[str, dict[str, str]]] = {"bare": ("bare", child_env(display))}
    trees = {"app": ROOT} | ({"other": other_checkout} if other_checkout is not None else {})
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="dc-callgrind-") as folder:
        for name, tree in trees.items():
            home, data = Path(folder) / f"home-{name}", Path(folder) / f"data-{name}"
            home.mkdir()
            shutil.copytree(data_dir, data)
            env = app_environment(home, data, **key_environment(server, home, key_in))
            env.update(child_env(display), PYTHONPATH=str(tree))
            programs[name] = ("app", env)
        for name, (program, env) in programs.items():
            child = subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--callgrind-out-file=/dev/null",
                    sys.executable,
                    __file__,
                    "--child",
                    program,
                ],
                env=dict(env, **{EXIT_WHEN_PAINTED: "1"}),
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=600,
            )
            # "==PID== Collected : N" for the process itself (and for any fork of it).
            collected = [line for line in child.stderr.splitlines() if "== Collected :" in line]
            if child.returncode != 0 or not collected:
                raise RuntimeError(f"{name} under callgrind:\n{child.stderr[-3000:]}")
            counts[name] = max(int(line.rsplit(":", 1)[1]) for line in collected)
    return counts


def spawn_until_painted(program: str, env: dict[str, str], cwd: Path, idle: float = 10.0) -> dict:
    """Start `--child <program>`, wait for its "painted" line (and the app's "listed" line),
    6 s more, then watch it idle for `idle` seconds (CPU from /proc/<pid>/stat, RSS from
    /proc/<pid>/status); then end it."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", program],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        marks: dict[str, float] = {}
        for key in ("painted_at", "listed_at") if program == "app" else ("painted_at",):
            line = child.stdout.readline()
            if not line:
                raise RuntimeError(f"{program} exited early:\n{child.stderr.read()[-3000:]}")
            marks.update(
                {k: v - started if k.endswith("_at") else v for k, v in json.loads(line).items()}
            )
        # Let start-up's deferred work finish, and the caret come to rest (ui/caret_rest.py: it
        # stops blinking 5 s after the last input): idle means nobody has typed for a while.
        time.sleep(6.0)
        cpu_before, wall_before = cpu_seconds(child.pid), time.monotonic()
        time.sleep(idle)
        cpu_share = (cpu_seconds(child.pid) - cpu_before) / (time.monotonic() - wall_before)
        return {
            "painted": marks["painted_at"],
            "listed": marks.get("listed_at"),
            "painted_cpu": marks["painted_cpu"],
            "idle_cpu_share": cpu_share,
            "idle_rss_mb": rss_mb(child.pid),
        }
    finally:
        child.kill()
        child.wait(10)
        child.stdout.close()
        child.stderr.close()


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------------- the children


def child_transport(variant: str, base_url: str, api_key: str, tokens: int) -> dict:
    """A bare xcb window with a qasync loop receives one reply; nothing is drawn."""
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop_chat.llm.base import ChatMessage, StreamResult
    from desktop_chat.llm.groq_client import GroqClient

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(800, 600)
    window.show()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def via_groq_client(client: GroqClient, count: int) -> list[str]:
        pieces: list[str] = []
        async for piece in client.stream([ChatMessage("user", str(count))], StreamResult()):
            pieces.append(piece)
        return pieces

    async def via_sdk_chunks(client, count: int) -> list[str]:
        # What GroqClient.stream did before: the SDK's parsed stream, a model object per chunk.
        pieces: list[str] = []
        stream = await client.chat.completions.create(
            model="llama-3.1-8b-instant",
            messages=[{"role": "user", "content": str(count)}],
            stream=True,
        )
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
        return pieces

    async def main() -> dict:
        if variant == "groq_client":
            client = GroqClient(api_key, base_url=base_url)
            receive = via_groq_client
        else:
            import groq

            client = groq.AsyncGroq(api_key=api_key, base_url=base_url, max_retries=0)
            receive = via_sdk_chunks
        await receive(client, 50)  # warm: connection, imports, caches
        await asyncio.sleep(0.5)
        cpu, wall = time.process_time(), time.monotonic()
        pieces = await receive(client, tokens)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        await client.close()
        return {
            "cpu_share": cpu / wall,
            "wall": wall,
            "tokens": tokens,
            "pieces": len(pieces),
            "chars": sum(map(len, pieces)),
        }

    with loop:
        return loop.run_until_complete(main())


def report_first_paint(app, is_window, listing=None) -> None:
    """Print {"painted_at": monotonic} once a window `is_window` accepts has painted and the
    event loop has come back to its queue (the window is usable). With `listing(window) ->
    (widget, listed)`, then print {"listed_at": ...} once `listed()` holds when `widget` paints.

    The watcher sits on the application only until the window's first event, then on the window
    alone. An application-wide Python filter would tax what it measures: PySide wraps every
    object each event is sent to, and the first object of a type it has no wrapper for makes it
    build the Python class of every QObject subclass it knows (~40 ms), which the app itself
    does not need before its first paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    def report(key: str) -> None:
        cpu = time.process_time()  # CPU since the process began, all threads
        print(json.dumps({key: time.monotonic(), key.replace("_at", "_cpu"): cpu}), flush=True)

    class FirstPaint(QObject):
        found = False
        listed = None

        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            if not self.found:
                if watched.isWidgetType() and is_window(watched):
                    # Events of the window only from now on. (The wrapper seen while its
                    # constructor runs may not be the final one: keep none of it.)
                    self.found = True
                    app.removeEventFilter(self)
                    watched.installEventFilter(self)
                return False
            if event.type() != QEvent.Type.Paint:
                return False
            watched.removeEventFilter(self)
            if self.listed is None:  # the window's first paint
                QTimer.singleShot(0, lambda: self.painted(watched))
            elif self.listed():
                QTimer.singleShot(0, lambda: report("listed_at"))
            else:
                watched.installEventFilter(self)
            return False

        def painted(self, window) -> None:
            report("painted_at")
            if os.environ.get(EXIT_WHEN_PAINTED):  # counted under callgrind: up to here
                os._exit(0)
            if listing is not None:
                # Only now: `listing` may hand Python a widget Qt made (a list's viewport),
                # which makes PySide build the class of every QWidget subclass (~7 ms).
                widget, self.listed = listing(window)
                widget.installEventFilter(self)

    app._first_paint = FirstPaint()
    app.installEventFilter(app._first_paint)


def child_bare() -> None:
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    report_first_paint(app, lambda w: isinstance(w, QMainWindow))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = QMainWindow()
    window.resize(1100, 760)
    window.show()
    with loop:
        loop.run_forever()


def child_app() -> None:
    # As `python -m desktop_chat` does: the app's module first (what it imports before PySide6
    # is cheaper than after: PySide reads the source of every module imported once it is in).
    import importlib

    main = importlib.import_module("desktop_chat.app").main
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # app.main() takes the running instance
    report_first_paint(
        app,
        lambda w: type(w).__name__ == "MainWindow",
        listing=lambda w: (w.sessions.list.viewport(), lambda: w.sessions.list.model().rowCount()),
    )
    sys.exit(main([]))


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--slow-rate", type=float, default=100, help="a second transport row at this rate (0: none)"
    )
    parser.add_argument("--slow-tokens", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--only", choices=("transport", "startup"), default=None)
    parser.add_argument(
        "--compare-with",
        type=Path,
        default=None,
        metavar="CHECKOUT",
        help="also time the app's start-up from this source tree (e.g. before;"
        " the data is written by this tree's schema, which an older tree whose"
        " schema is behind refuses with a dialog)",
    )
    parser.add_argument(
        "--data-cache",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the generated data dir here and start later runs from a copy of it",
    )
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="with the start-up: also count each program's instructions until painted"
        " (valgrind's callgrind; ~20 s a program)",
    )
    parser.add_argument(
        "--key-in",
        choices=("environment", "keychain"),
        default="environment",
        help="start-up: where the app finds its key (keychain: as for a user who typed it in)",
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.child:
        kind, rest = args.child[0], args.child[1:]
        if kind == "transport":
            print(json.dumps(child_transport(rest[0], rest[1], rest[2], int(rest[3]))))
        elif kind == "bare":
            child_bare()
        elif kind == "app":
            child_app()
        return

    from tests.support.groq_server import FakeGroqServer

    rows: list[tuple[str, str, str]] = []
    with x_display() as display, FakeGroqServer() as server:
        if args.only in (None, "transport"):
            speeds = [(args.tokens, args.rate)]
            if args.slow_rate:
                speeds.append((args.slow_tokens, args.slow_rate))
            for tokens, rate in speeds:
                figures = transport_cpu(server, display, tokens, rate, args.runs)
                for variant, label in (
                    ("groq_client", "GroqClient.stream"),
                    ("sdk_chunks", "baseline: the SDK's parsed chunks"),
                ):
                    f = figures[variant]
                    rows.append(
                        (
                            f"transport, {tokens} tokens @{rate:g}/s: {label}",
                            f"{f['cpu_share']:.1%} of a core",
                            f"range {f['range'][0]:.1%}-{f['range'][1]:.1%}, "
                            f"{f['tokens_per_second']:.0f} tokens/s, {f['pieces']} pieces",
                        )
                    )
        if args.only in (None, "startup"):
            scratch = Path(tempfile.mkdtemp(prefix="dc-bench-"))
            try:
                data_dir, home = scratch / "data", scratch / "home"
                home.mkdir()
                built = time.monotonic()
                cached = args.data_cache and args.data_cache / f"{args.sessions}-{args.events}"
                if cached and (cached / "chat.db").exists():
                    shutil.copytree(cached, data_dir)
                else:
                    populate(data_dir, args.sessions, args.events)
                    if cached:
                        shutil.copytree(data_dir, cached)
                print(
                    f"(data dir: {args.sessions} sessions, {args.events} events, "
                    f"{(data_dir / 'chat.db').stat().st_size / 1e6:.0f} MB, "
                    f"built in {time.monotonic() - built:.0f} s)",
                    file=sys.stderr,
                )
                figures = startup_time(
                    server, display, data_dir, home, args.runs, args.compare_with, args.key_in
                )
                if args.callgrind:
                    counts = startup_instructions(
                        server, display, data_dir, args.compare_with, args.key_in
                    )
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            app, bare = figures["app"], figures["bare"]
            rows.append(
                (
                    "start-up to a painted window: the app",
                    f"{app['seconds']:.2f} s",
                    f"range {app['range'][0]:.2f}-{app['range'][1]:.2f}, "
                    f"{args.sessions} sessions, {args.events} events",
                )
            )
            rows.append(
                (
                    "start-up until the session list shows: the app",
                    f"{app['listed']:.2f} s",
                    "the newest 1,000 sessions listed",
                )
            )
            rows.append(
                (
                    "start-up: baseline, a bare PySide6 + qasync window",
                    f"{bare['seconds']:.2f} s",
                    f"range {bare['range'][0]:.2f}-{bare['range'][1]:.2f}",
                )
            )
            rows.append(
                (
                    "start-up ratio app / bare",
                    f"{app['seconds'] / bare['seconds']:.2f}x",
                    "target <= 1.5x",
                )
            )
            rows.append(
                (
                    "start-up CPU until painted: app / bare",
                    f"{app['cpu'] / bare['cpu']:.2f}x",
                    f"{app['cpu']:.2f} s / {bare['cpu']:.2f} s of CPU (less noisy than wall "
                    "time on a busy machine)",
                )
            )
            rows.append(
                (
                    "start-up, median of each run's own ratio: app / bare",
                    f"{app['paired'][0]:.2f}x",
                    f"wall time; CPU until painted {app['paired'][1]:.2f}x (each run's app "
                    "against the bare window started just before it)",
                )
            )
            rows.append(
                (
                    "start-up CPU until painted, least of the runs: app / bare",
                    f"{app['cpu_least'] / bare['cpu_least']:.2f}x",
                    f"{app['cpu_least']:.2f} s / {bare['cpu_least']:.2f} s",
                )
            )
            if args.callgrind:
                rows.append(
                    (
                        "start-up instructions until painted: app / bare",
                        f"{counts['app'] / counts['bare']:.2f}x",
                        f"{counts['app'] / 1e6:,.0f}M / {counts['bare'] / 1e6:,.0f}M (callgrind)",
                    )
                )
                if "other" in counts:
                    rows.append(
                        (
                            f"start-up instructions: the app from {args.compare_with}",
                            f"{counts['other'] / counts['bare']:.2f}x",
                            f"{counts['other'] / 1e6:,.0f}M",
                        )
                    )
            compared = [("the app", app), ("bare window", bare)]
            if "other" in figures:
                other = figures["other"]
                rows.append(
                    (
                        f"start-up: the app from {args.compare_with}",
                        f"{other['seconds']:.2f} s",
                        f"{other['seconds'] / bare['seconds']:.2f}x bare; list shows at "
                        f"{other['listed']:.2f} s; CPU until painted {other['cpu']:.2f} s "
                        f"({other['cpu'] / bare['cpu']:.2f}x bare; least "
                        f"{other['cpu_least'] / bare['cpu_least']:.2f}x; each run's own "
                        f"ratio {other['paired'][0]:.2f}x wall, {other['paired'][1]:.2f}x CPU)",
                    )
                )
                compared.append((f"the app from {args.compare_with}", other))
            for name, f in compared:
                rows.append(
                    (
                        f"idle: {name}",
                        f"{f['idle_rss_mb']:.0f} MB RSS",
                        f"CPU {f['idle_cpu_share']:.2%} of a core (over 10 s)",
                    )
                )
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>16}  {note}")


if __name__ == "__main__":
    main()
