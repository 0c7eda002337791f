"""Scrolling up a long session with the mouse wheel in a real X11 window moves the text by
exactly the wheel's step, each step (pixels read from the X server): rows laid out for the first
time above the view do not push the text the reader is on. Both themes, a small and a large
window. The logic alone: tests/test_scroll_anchor.py."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop_chat.models import Session
from tests.support import xinput
from tests.support.pixels import as_array, failure_shot, grab_screen
from tests.test_real_transcript import settle
from tests.test_real_tree import themed_app
from tests.test_scroll_anchor import prepared_near_view, varied_events

pytestmark = pytest.mark.real_window

WHEEL_UP = 4  # the X server's button for a turn of the wheel away from the user
STEPS = 30


def stored_session(store, run, count: int) -> str:
    """A session of `count` varied messages (bench/open_session.py's), one transaction."""
    session = Session(title="varied")
    events = varied_events(count, session_id=session.session_id)
    session.active_leaf = events[-1].event_id
    run(store.add_imported(session, events))
    return session.session_id


def differing(before: np.ndarray, after: np.ndarray, shift: int, limit: int) -> int:
    """How many rows of pixels above `limit` differ once `before` is moved down by `shift`."""
    first = before[: limit - shift].astype(np.int16)
    second = after[shift:limit].astype(np.int16)
    return int((np.abs(first - second).max(axis=2) > 8).any(axis=1).sum())


def content_shift(before: QImage, after: QImage, limit: int) -> int:
    """How far down the text moved between two grabs: the shift that matches best."""
    a, b = as_array(before)[:, ::8], as_array(after)[:, ::8]  # every 8th column is enough
    return min(range(limit // 2), key=lambda shift: differing(a, b, shift, limit))


@pytest.mark.parametrize(
    ("theme", "size"), [("dark", (1400, 900)), ("light", (700, 550))], ids=["dark", "light"]
)
def test_each_turn_of_the_wheel_moves_the_text_by_its_step(
    qtbot, run, tmp_path, groq_server, theme: str, size: tuple[int, int]
) -> None:
    app = themed_app(qtbot, run, tmp_path, groq_server, theme, size)
    run(app.window.open_session(stored_session(app.store, run, 120)))
    view = app.window.transcript
    bar = view.verticalScrollBar()
    assert bar.isVisible()
    # The wheel turned over the scroll bar: no row is hovered (hover lines would differ).
    at = QPoint(bar.width() // 2, bar.height() // 2)
    xinput.move(bar, at)
    settle(qtbot, app)
    step = bar.singleStep() * QApplication.wheelScrollLines()
    jumps = []
    for number in range(STEPS):
        value = bar.value()
        if value - step < view.edge_margin():
            break
        before = grab_screen(view.viewport())
        xinput.click(bar, at, button=WHEEL_UP)
        qtbot.waitUntil(lambda value=value: bar.value() != value, timeout=3_000)
        settle(qtbot, app)
        after = grab_screen(view.viewport())
        # Above the floating "↓ Latest" button, which stays where it is while the text moves.
        button = view.latest_button.geometry()  # in the viewport
        limit = button.top() - 2 if view.latest_button.isVisible() else before.height()
        if differing(as_array(before), as_array(after), step, limit):
            jumps.append(content_shift(before, after, limit) - step)
            failure_shot(before, f"scroll-{theme}-{number}-before")
            failure_shot(after, f"scroll-{theme}-{number}-after")
    assert number >= STEPS - 1, f"the session ended after {number} steps"
    # Each entry: how much further than the step the text moved (0: it moved by the step, but
    # part of what was shown before was painted differently after it).
    assert not jumps, f"{len(jumps)} of {STEPS} steps of {step} px moved the text: {jumps}"
    app.close()


def test_rows_laid_out_while_idle_are_painted_where_they_belong(
    qtbot, run, tmp_path, groq_server
) -> None:
    """The view lays out rows ahead while idle (several view heights above); scrolled up to
    them, the screen shows what a full relayout of the same rows at the same place shows:
    no row painted at the place its estimated height gave it."""
    app = themed_app(qtbot, run, tmp_path, groq_server, "dark", (1400, 900))
    run(app.window.open_session(stored_session(app.store, run, 120)))
    view = app.window.transcript
    model = view.model()
    bar = view.verticalScrollBar()
    height = view.viewport().height()
    xinput.move(bar, QPoint(bar.width() // 2, bar.height() // 2))  # no row hovered
    for _ in range(2):
        qtbot.waitUntil(lambda: prepared_near_view(view, model), timeout=5_000)
        bar.setValue(bar.value() - 2 * height)  # onto rows laid out while idle
        settle(qtbot, app)
    assert bar.value() > view.edge_margin(), "the session is too short"
    shown = grab_screen(view.viewport())
    value = bar.value()
    view.scheduleDelayedItemsLayout()
    view.executeDelayedItemsLayout()
    bar.setValue(value)
    view.viewport().update()
    settle(qtbot, app)
    again = grab_screen(view.viewport())
    changed = differing(as_array(shown), as_array(again), 0, shown.height())
    if changed:
        failure_shot(shown, "prepared-shown")
        failure_shot(again, "prepared-relayout")
    assert not changed, f"{changed} rows of pixels moved in a full relayout"
    app.close()
