#!/usr/bin/env python3
"""A reply streamed into the real app in a real X11 window, against two baselines, in one run.

Each program runs in a process of its own on the xcb platform (its own Xvfb with a window
manager when DISPLAY is unset), receiving the same loopback Groq stream through the project's
GroqClient (the real `groq` client), from a server in yet another process:
  - app:   the real MainWindow (transcript, markdown, tiles, composer), as users run it
  - bare:  a shown window that receives the stream and draws nothing (the transport's cost)
  - naive: a window that calls QTextBrowser.setMarkdown(all the text) every 16 ms
Each starts the reply as the app does once the user has typed: the groq client built, start-up's
objects frozen (gc.freeze). It prints the CPU each one used while the reply streamed, as a share
of one core (user + system time of the whole process over the wall time of the reply), median
of --runs, and the ratios the targets speak of: app / naive <= 1/5, app <= 15% at 1,000
tokens/s, <= 5% at 100, CPU(8k) / CPU(2k) <= 4.5.

With --compare-with CHECKOUT the app of that checkout (say, a git worktree of an older commit)
runs too, measured by this file, each of its runs right after the app's: a column "before".
With --history N [M ...] the app streams each reply into a stored session of N earlier messages
(bench/open_session.py's), opened as users open one, instead of a new one: a column per count,
their runs alternating, and the ratio of each to the first (a reply under 1,000 messages should
cost no more than under 10).

Usage: python bench/stream_window.py [--runs 3] [--cases 2000@1000 8000@1000 8000@100]
                                     [--compare-with CHECKOUT] [--history 10 1000]
       python bench/stream_window.py --program app --tokens 2000 --rate 1000 --port P  (one run)
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A child of --compare-with runs the app of another checkout (this file's own measuring).
_APP_FROM = sys.argv[sys.argv.index("--app-from") + 1] if "--app-from" in sys.argv else None
sys.path.insert(0, _APP_FROM or str(ROOT))

PROGRAMS = ("app", "bare", "naive")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- one program, in its own process ------------------------------------------------------
def run_program(program: str, base_url: str, api_key: str, history: int = 0) -> dict:
    import asyncio
    import tempfile

    import qasync
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QTextBrowser, QWidget

    from desktop_chat.llm.base import ChatMessage, StreamResult
    from desktop_chat.llm.groq_client import GroqClient
    from desktop_chat.ui.markdown import warm_up_lexers

    folder = tempfile.mkdtemp()
    session_id = stored_session(Path(folder) / "chat.db", history) if history else None
    app = QApplication(sys.argv[:1])
    # Closing the program's last window would quit Qt's loop and so stop the asyncio loop with
    # main() still running: client.close() below would then run outside it ("no running event
    # loop" from anyio). The loop ends when main() returns.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    warm_up_lexers().join()
    client = GroqClient(api_key, base_url=base_url)
    figures: dict = {}

    async def receive(on_piece) -> None:
        async for piece in client.stream([ChatMessage("user", "go")], StreamResult()):
            on_piece(piece)

    async def measure(stream) -> None:
        # As the app is when a reply starts: the SDK was built on a worker thread when the user
        # began typing (app.py, ui/first_intent.py), and what start-up made is frozen out of
        # the collector's sight. Else each program would count ~0.2 s of imports as streaming.
        await asyncio.get_running_loop().run_in_executor(None, client.warm_up)
        if program == "app":  # as app.py does once the window is up
            from desktop_chat.ui.first_reply_classes import name_first_reply_classes

            await name_first_reply_classes()
        gc.freeze()
        await asyncio.sleep(0.5)  # the window is painted and idle
        cpu, wall = cpu_seconds(), time.monotonic()
        await stream()
        figures["cpu"], figures["wall"] = cpu_seconds() - cpu, time.monotonic() - wall

    async def idle() -> None:
        """Back when a quarter second passes with under 2% of a core used (at most 10 s)."""
        for _ in range(40):
            cpu = cpu_seconds()
            await asyncio.sleep(0.25)
            if cpu_seconds() - cpu < 0.005:
                return

    async def main() -> None:
        try:
            await run()
        finally:
            await client.close()  # inside the loop, with the windows closed

    async def run() -> None:
        if program == "app":
            from desktop_chat.core.chat import ChatService, ChatSettings
            from desktop_chat.store.sqlite import SQLiteStore
            from desktop_chat.ui.main_window import MainWindow

            store = SQLiteStore(Path(folder) / "chat.db")
            service = ChatService(store, client, ChatSettings(auto_title=False))
            preferences = QSettings(str(Path(folder) / "p.ini"), QSettings.Format.IniFormat)
            window = MainWindow(
                service, lambda key: client, lambda key: None, preferences_store=preferences
            )
            window.resize(1280, 860)
            window.show()
            await window.start()
            if session_id is not None:
                await window.open_session(session_id)
                await idle()  # the rows near the view are laid out in idle turns after the open

            async def stream() -> None:
                window.composer.edit.setPlainText("go")
                window.replies.submit()
                # Waited on, not polled: a poll every 10 ms would be ~100 wake-ups a second of
                # the bench's own, counted as the app's.
                while window.reply_task is not None and not window.reply_task.done():
                    await asyncio.wait([window.reply_task])

            await measure(stream)
            window.close()
            await window.wait_idle()
            await store.close()
        elif program == "bare":
            window = QWidget()
            window.resize(1280, 860)
            window.show()
            received = []
            await measure(lambda: receive(received.append))
            window.close()
        else:
            browser = QTextBrowser()
            browser.resize(1280, 860)
            browser.show()
            text: list[str] = []
            timer = QTimer()
            timer.setInterval(16)
            timer.timeout.connect(lambda: browser.setMarkdown("".join(text)))
            timer.start()
            await measure(lambda: receive(text.append))
            timer.stop()
            browser.setMarkdown("".join(text))
            browser.close()

    with loop:
        loop.run_until_complete(main())
    return figures


def stored_session(path: Path, messages: int) -> str:
    """A session of `messages` earlier messages written to the database at `path`."""
    import asyncio

    from bench.open_session import populate
    from desktop_chat.store.sqlite import SQLiteStore

    store = SQLiteStore(path)
    session_id, _chars = populate(store, messages)
    asyncio.run(store.close())
    return session_id


# -- the whole comparison -----------------------------------------------------------------
SERVER = """
import sys, time
sys.path.insert(0, {root!r})
from bench.stream_render import markdown_reply
from tests.support.groq_server import FakeGroqServer
server = FakeGroqServer()
server.reply_for = lambda body: REPLIES[0]
REPLIES = [""]
server.start()
print(server.base_url, server.api_key, flush=True)
for line in sys.stdin:
    tokens, rate = (float(n) for n in line.split())
    REPLIES[0] = markdown_reply(int(tokens))
    server.tokens_per_second = rate
    print("ok", flush=True)
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", nargs="+", default=["2000@1000", "8000@1000", "8000@100"])
    parser.add_argument("--programs", nargs="+", default=list(PROGRAMS), choices=PROGRAMS)
    parser.add_argument("--program", choices=PROGRAMS, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--api-key", help=argparse.SUPPRESS)
    parser.add_argument("--app-from", help=argparse.SUPPRESS)
    parser.add_argument("--compare-with", type=Path, help="another checkout's app, measured too")
    parser.add_argument(
        "--history",
        type=int,
        nargs="+",
        help="the app streams into a stored session of this many earlier messages: one per count",
    )
    args = parser.parse_args()
    if args.program:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        figures = run_program(args.program, args.base_url, args.api_key, (args.history or [0])[0])
        print(json.dumps(figures))
        return 0

    x_server = None
    if not os.environ.get("DISPLAY"):
        from tests.support.xserver import XServer

        x_server = XServer().start()
        os.environ["DISPLAY"] = x_server.display
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(root=str(ROOT))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base_url, api_key = server.stdout.readline().split()
        shares: dict[tuple[str, str], float] = {}
        seconds: dict[tuple[str, str], float] = {}
        print(
            f"real X11 window (xcb), DISPLAY={os.environ['DISPLAY']}, {os.cpu_count()} CPUs, "
            f"median of {args.runs}"
        )
        # column -> what its child is told; the app's columns run alternating (the same load)
        children: dict[str, list[str]] = {}
        for program in args.programs:
            if program == "app" and args.history:
                for count in args.history:
                    children[f"app@{count}"] = ["--program", "app", "--history", str(count)]
                print("app@N: the reply streams under N earlier messages")
            else:
                children[program] = ["--program", program]
            if program == "app" and args.compare_with is not None:
                children["before"] = ["--program", "app", "--app-from", str(args.compare_with)]
                print(f"before: the app of {args.compare_with}")
        columns = list(children)
        app_columns = [c for c in columns if c.startswith("app") or c == "before"]
        app = app_columns[0] if app_columns else None

        def one_run(column: str) -> dict:
            command = [sys.executable, __file__, "--base-url", base_url, "--api-key", api_key]
            command += children[column]
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=600,
                env=dict(os.environ, QT_QPA_PLATFORM="xcb"),
            )
            return json.loads(done.stdout.strip().splitlines()[-1])

        print(f"{'case':>12} " + " ".join(f"{p:>16}" for p in columns))
        for case in args.cases:
            tokens, rate = case.split("@")
            server.stdin.write(f"{tokens} {rate}\n")
            server.stdin.flush()
            server.stdout.readline()
            runs: dict[str, list[dict]] = {column: [] for column in columns}
            for column in columns:
                if column in app_columns and column != app:
                    continue  # run with the first app column, alternately
                for _ in range(args.runs):
                    for each in app_columns if column == app else [column]:
                        runs[each].append(one_run(each))
            row = []
            for program in columns:
                share = [figures["cpu"] / figures["wall"] for figures in runs[program]]
                shares[(case, program)] = statistics.median(share)
                seconds[(case, program)] = statistics.median(f["cpu"] for f in runs[program])
                row.append(
                    f"{100 * shares[(case, program)]:5.1f}% ({min(share) * 100:.0f}-"
                    f"{max(share) * 100:.0f})"
                )
            print(f"{case + ' t/s':>12} " + " ".join(f"{cell:>16}" for cell in row))
        if app is not None and "naive" in columns:
            for case in args.cases:
                ratio = shares[(case, app)] / shares[(case, "naive")]
                print(f"{app} / naive at {case}: {ratio:.2f} (target <= 0.20)")
        for other in app_columns[1:]:
            for case in args.cases:
                ratio = shares[(case, other)] / shares[(case, app)]
                print(f"{other} / {app} at {case}: {ratio:.2f}")
        if app is not None and {"2000@1000", "8000@1000"} <= set(args.cases):
            ratio = seconds[("8000@1000", app)] / seconds[("2000@1000", app)]
            print(f"{app} CPU(8k)/CPU(2k) at 1,000 tokens/s: {ratio:.2f} (target <= 4.5)")
    finally:
        server.stdin.close()
        server.wait(10)
        if x_server is not None:
            x_server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
