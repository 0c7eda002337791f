#!/usr/bin/env python3
"""Times reading a reply's memory (the last MEMORY_TURNS interactions of the active branch) in
sessions of 21 events (10 interactions and a question) and of 10,000 events, and in one with 5
extra versions of every reply.

One temp SQLite file; each figure is the median of --runs reads of `history_before` (the one
recursive query of store.branch_path). Prints milliseconds and the ratio to the small session:
a ratio near 1 means the cost does not grow with the session or its branches.

Usage: python bench/memory_path.py [--runs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.memory import history_before
from desktop_chat.store.sqlite import SQLiteStore
from tests.test_memory_cost import TURNS, chain_session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "chat.db")
        cases = {
            "21 events": chain_session(store, 21),
            "10,000 events": chain_session(store, 10_001),
            "2,000 events + 5 versions of each reply": chain_session(store, 2_001, 5),
        }
        loop = asyncio.new_event_loop()
        medians = {}
        for name, event in cases.items():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                loop.run_until_complete(history_before(store, event, TURNS))
                times.append(time.perf_counter() - start)
            medians[name] = statistics.median(times)
        base = medians["21 events"]
        for name, median in medians.items():
            print(f"{name:>40}: {median * 1000:.3f} ms  (x{median / base:.2f})")
        loop.run_until_complete(store.close())
        loop.close()


if __name__ == "__main__":
    main()
