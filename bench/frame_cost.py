#!/usr/bin/env python3
"""What one streaming frame costs, part by part, counted in a way a busy machine does not blur.

A reply (bench/stream_render.markdown_reply) is streamed into the real transcript (TranscriptView,
MessageDelegate, StreamRenderer), --tokens tokens per frame, each frame as the app makes it:
the pieces fed, the flush (MessageDocument.set_text), the view catching up and the repaint,
all run by processing the events they post. The first tenth of the frames warms up.

It prints the main thread's CPU per frame and, of it, the flush, the catch-up and the paint.
With --callgrind it runs itself under valgrind's callgrind, counting instructions only while
the measured frames run (the loop is called through sys.call_tracing, the toggle), and prints
instructions per frame: the same figure run after run, whatever else the machine does, so two
checkouts can be compared in minutes (`--app-from CHECKOUT` measures another one's app).
Offscreen (QT_QPA_PLATFORM=offscreen) unless told otherwise: it counts the app's work, not X's.

Usage: python bench/frame_cost.py [--reply 2000] [--tokens 5] [--callgrind] [--app-from DIR]
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_APP_FROM = sys.argv[sys.argv.index("--app-from") + 1] if "--app-from" in sys.argv else None
sys.path.insert(0, _APP_FROM or str(ROOT))
sys.path.insert(1, str(ROOT))  # this file's own helpers (bench.stream_render)


def measure(reply_tokens: int, per_frame: int, under_callgrind: bool) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from bench.stream_render import TOKEN, markdown_reply
    from desktop_chat.ui.markdown import warm_up_lexers
    from desktop_chat.ui.theme import DARK, stylesheet
    from desktop_chat.ui.transcript import MessageItem, Role, StreamRenderer, build_transcript

    warm_up_lexers().join()
    view, model, delegate = build_transcript(DARK)
    view.setStyleSheet(stylesheet(DARK))
    view.resize(900, 760)
    view.show()
    for _ in range(3):
        app.processEvents()
    pieces = TOKEN.findall(markdown_reply(reply_tokens))
    item = MessageItem(Role.ASSISTANT, "")
    model.append(item)
    renderer = StreamRenderer(model, delegate, item)
    spent = {"flush": 0.0, "catch-up": 0.0, "paint": 0.0}

    def timed(name: str, call):
        def run(*args, **kwargs):
            started = time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                spent[name] += time.thread_time() - started

        return run

    if not under_callgrind:  # (the timing itself would be counted)
        renderer.flush = timed("flush", renderer.flush)
        renderer._show = timed("catch-up", renderer._show)
        view.paintEvent = timed("paint", view.paintEvent)

    frames = [pieces[i : i + per_frame] for i in range(0, len(pieces), per_frame)]

    def frame(group: list[str]) -> None:
        for piece in group:
            renderer.feed(piece)
        renderer.flush()
        app.processEvents()  # the catch-up, posted by the flush
        app.processEvents()  # the repaint, posted by the catch-up

    warm = len(frames) // 10
    for group in frames[:warm]:
        frame(group)
    gc.collect()
    gc.freeze()
    for name in spent:
        spent[name] = 0.0

    def run() -> float:
        started = time.thread_time()
        for group in frames[warm:]:
            frame(group)
        return time.thread_time() - started

    measured = len(frames) - warm
    if under_callgrind:
        sys.call_tracing(run, ())  # callgrind counts only inside this call (--toggle-collect)
        print(f"frames {measured}")
        return
    cpu = run()
    parts = ", ".join(f"{name} {1000 * seconds / measured:.2f}" for name, seconds in spent.items())
    print(f"{measured} frames of {per_frame} tokens: {1000 * cpu / measured:.2f} ms of CPU each")
    print(f"  of it (ms): {parts}")


def callgrind(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=sys_call_tracing",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--reply",
            str(args.reply),
            "--tokens",
            str(args.tokens),
            "--under-callgrind",
        ]
        if args.app_from:
            command += ["--app-from", args.app_from]
        done = subprocess.run(command, capture_output=True, text=True)
        counted = re.search(r"Collected : (\d+)", done.stderr)
        frames = re.search(r"frames (\d+)", done.stdout)
        if done.returncode != 0 or counted is None or frames is None:
            print(done.stdout + done.stderr[-3000:])
            return 1
        per_frame = int(counted.group(1)) / int(frames.group(1))
        count = frames.group(1)
        print(f"{count} frames of {args.tokens} tokens: {per_frame / 1e6:.2f}M instructions each")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reply", type=int, default=2000, help="the reply's length in tokens")
    parser.add_argument("--tokens", type=int, default=5, help="tokens a frame (5: 100/s)")
    parser.add_argument("--callgrind", action="store_true", help="count instructions instead")
    parser.add_argument("--app-from", help="measure the app of this checkout")
    parser.add_argument("--under-callgrind", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.callgrind:
        return callgrind(args)
    measure(args.reply, args.tokens, args.under_callgrind)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
