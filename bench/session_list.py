#!/usr/bin/env python3
"""10,000 sessions in a temp SQLiteStore: the list query and the real SessionPanel's first paint.

Prints, for the app's default `list_sessions()` (limit 200) and for limit=10_000 (every session):
  - the store.list_sessions() time (median of several runs)
  - time from list_sessions() + SessionPanel.set_sessions() to the list's first finished paint
    (offscreen, a shown 270x760 panel as in MainWindow) and the RSS it added (/proc/self/statm)
  - the cost of one keystroke in the search box (the proxy filters every row) and of
    scrolling the full list in 120 px steps (worst / median frame).

Usage: python bench/session_list.py [--sessions 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_chat.models import Session, title_from_message, utc_now  # noqa: E402
from desktop_chat.store.sqlite import SQLiteStore  # noqa: E402
from desktop_chat.ui.session_panel import SessionPanel  # noqa: E402
from desktop_chat.ui.theme import DARK, stylesheet  # noqa: E402

WORDS = (
    "plan trip lisbon python error sqlite query refactor email draft recipe budget review "
    "meeting notes summary translate poem bug fix deploy docker async test index"
).split()


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def populate(store: SQLiteStore, count: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    now = utc_now()
    for i in range(count):
        start = now - timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        first = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14))).capitalize()
        ended = rng.random() < 0.4
        session = Session(
            start_time=start,
            updated_at=start + timedelta(minutes=rng.randint(0, 600)),
            title=title_from_message(first) if rng.random() < 0.95 else None,
            end_time=start + timedelta(hours=1) if ended else None,
            summary=" ".join(rng.choice(WORDS) for _ in range(40)) if ended else None,
            deleted_at=now if rng.random() < 0.02 else None,
        )
        await store.create_session(session)


class PaintClock(QObject):
    """Paints the list's viewport from inside an event filter, to note when a paint finished."""

    def __init__(self, list_view):
        super().__init__()
        self.list_view = list_view
        self.clock = QElapsedTimer()
        self.painted_ns: int | None = None
        list_view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and self.clock.isValid():
            self.list_view.viewportEvent(event)
            if self.painted_ns is None and self.list_view.model().rowCount() > 0:
                self.painted_ns = self.clock.nsecsElapsed()
            return True
        return False


def median_ms(function, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def first_paint(app: QApplication, store: SQLiteStore, limit: int) -> dict[str, float]:
    """A fresh panel, shown empty; then list + set_sessions until the list has painted."""
    panel = SessionPanel()
    panel.setStyleSheet(stylesheet(DARK))
    panel.resize(270, 760)
    panel.show()
    for _ in range(5):
        app.processEvents()
    paints = PaintClock(panel.list)
    gc.collect()
    rss_before = rss_bytes()
    paints.clock.start()
    sessions = asyncio.run(store.list_sessions(limit=limit))
    listed = paints.clock.nsecsElapsed()
    panel.set_sessions(sessions, sessions[len(sessions) // 2].session_id)
    modelled = paints.clock.nsecsElapsed()
    deadline = time.perf_counter() + 30
    while paints.painted_ns is None:
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError("the session list never painted")
    done = paints.painted_ns
    rss_after = rss_bytes()
    paints.clock.invalidate()

    # One keystroke in the search box, then clearing it: the proxy re-filters every row.
    keystroke = QElapsedTimer()
    keystroke.start()
    panel.search.setText("t")
    panel.list.viewport().repaint()
    typed_ms = keystroke.nsecsElapsed() / 1e6
    keystroke.start()
    panel.search.setText("")
    panel.list.viewport().repaint()
    cleared_ms = keystroke.nsecsElapsed() / 1e6

    frames = []
    bar = panel.list.verticalScrollBar()
    frame = QElapsedTimer()
    for value in range(0, bar.maximum() + 120, 120):
        frame.start()
        bar.setValue(min(value, bar.maximum()))
        panel.list.viewport().repaint()
        frames.append(frame.nsecsElapsed() / 1e6)
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return {
        "rows": len(sessions),
        "list_ms": listed / 1e6,
        "set_ms": (modelled - listed) / 1e6,
        "paint_ms": (done - modelled) / 1e6,
        "total_ms": done / 1e6,
        "mb": (rss_after - rss_before) / 2**20,
        "typed_ms": typed_ms,
        "cleared_ms": cleared_ms,
        "frames": len(frames),
        "worst": max(frames),
        "median": statistics.median(frames),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as folder:
        store = SQLiteStore(Path(folder) / "chat.db")
        started = time.perf_counter()
        asyncio.run(populate(store, args.sessions))
        live = store._db.execute(
            "SELECT count(*) FROM sessions WHERE deleted_at IS NULL"
        ).fetchone()[0]
        print(
            f"{args.sessions} sessions ({live} not deleted) stored in {time.perf_counter() - started:.1f} s; "
            f"{os.cpu_count()} CPUs"
        )
        plan = store._db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM sessions WHERE deleted_at IS NULL"
            " AND (?1 IS NULL OR user_id IS NULL OR user_id = ?1) ORDER BY updated_at DESC LIMIT ?2",
            (None, 200),
        ).fetchall()
        print("list_sessions query plan: " + "; ".join(row[-1] for row in plan))

        for limit in (200, args.sessions):
            query_ms = median_ms(lambda: asyncio.run(store.list_sessions(limit=limit)))
            result = first_paint(app, store, limit)
            print(
                f"limit={limit:>6}: {result['rows']:>5} rows; list_sessions {query_ms:.1f} ms (median of 7); "
                f"first paint {result['total_ms']:.0f} ms = list {result['list_ms']:.0f} + "
                f"set_sessions/select {result['set_ms']:.0f} + paint {result['paint_ms']:.0f} ms; "
                f"RSS +{result['mb']:.1f} MB"
            )
            print(
                f"              one search keystroke {result['typed_ms']:.1f} ms, clearing it "
                f"{result['cleared_ms']:.1f} ms; scroll {result['frames']} frames of 120 px: worst "
                f"{result['worst']:.1f} ms, median {result['median']:.2f} ms"
            )
        asyncio.run(store.close())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
