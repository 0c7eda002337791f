"""The transcript's backdrop (ui/transcript/backdrop.py) lets Qt scroll the view by moving its
pixels only while it looks the same down each column; in a real window:
tests/test_real_backdrop.py."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMainWindow, QWidget

from desktop_chat.ui.transcript.backdrop import Backdrop


@pytest.mark.parametrize(
    "gradient, moves",
    [("x1:0, y1:0, x2:1, y2:0", True), ("x1:0, y1:0, x2:1, y2:1", False)],
)
def test_only_a_backdrop_alike_down_each_column_may_scroll_with_the_text(
    qtbot, gradient, moves
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    stops = "stop:0 #112244, stop:1 #663366"
    window.setStyleSheet(f"QMainWindow {{ background: qlineargradient({gradient}, {stops}); }}")
    viewport = QWidget()
    window.setCentralWidget(viewport)
    window.resize(400, 300)
    window.show()
    qtbot.waitExposed(window)
    assert Backdrop(viewport).same_down_each_column() is moves
