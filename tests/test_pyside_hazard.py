"""Regression test for the PySide6 6.12.0 None-refcount bug (docs/architecture.md, "Known hazard").

6.12.0 on Python 3.11 drops a reference to None on every processEvents() and on every
QTextBlock.textList() that returns None; after a few thousand calls the process dies with
"Fatal Python error: none_dealloc". Here both calls run many times and None's reference
count must not fall.
"""

from __future__ import annotations

import gc
import sys

import PySide6
from PySide6.QtGui import QTextDocument


def test_pinned_pyside_is_not_the_broken_release() -> None:
    major, minor = (int(part) for part in PySide6.__version__.split(".")[:2])
    assert (major, minor) == (6, 11), PySide6.__version__


def test_none_refcount_survives_process_events_and_text_list(qapp) -> None:
    document = QTextDocument()
    document.setPlainText("\n".join(f"line {i}" for i in range(50)))  # blocks with no list
    gc.collect()  # other tests' garbage must not move the count while we measure
    before = sys.getrefcount(None)
    for _ in range(400):
        qapp.processEvents()
        block = document.begin()
        while block.isValid():
            assert block.textList() is None
            block = block.next()
    # 400 x 51 calls: a leak of one reference each would show as ~20,000 fewer; unrelated
    # objects going away move the count by a few hundred at most.
    assert sys.getrefcount(None) >= before - 2_000
