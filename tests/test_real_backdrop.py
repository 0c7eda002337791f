"""The transcript paints the window's backdrop under its bubbles itself (transcript/backdrop.py),
so Qt paints nothing beneath it at each frame. In a real X11 window, both themes: what shows
between the bubbles is what Qt showed there when it painted the window beneath, and scrolling
moves the text, never the backdrop (Qt moves the viewport's pixels and paints only the strip
that comes into view: the window's gradient runs across it, the same down each column)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QCursor

from tests.support.pixels import PaintCounter, differing_rows, failure_shot, grab_screen
from tests.test_real_transcript import LONG_REPLY, settle
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window


def themed_app(qtbot, run, data_dir, server, theme: str) -> ChatApp:
    app = ChatApp(qtbot, run, data_dir, server).use_theme(theme)
    QCursor.setPos(QPoint(0, 0))  # no hover effects in the shots
    return app


@pytest.mark.parametrize("theme", ["dark", "light", "dark, then light"])
def test_between_the_bubbles_shows_what_qt_paints_beneath_the_view(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    groq_server.reply_text = "A short reply."
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme.split(",")[0])
    app.send_and_wait("hello")
    settle(qtbot, app)
    if theme.endswith("then light"):  # switched while the window is open
        app.use_theme("light")
        settle(qtbot, app)
    viewport = app.window.transcript.viewport()
    below = QRect(0, viewport.height() // 2, viewport.width(), viewport.height() // 2)
    painted_by_view = grab_screen(viewport, below)  # empty: nothing but the backdrop
    # Without the viewport, the window's own widgets paint that place.
    root = app.window.centralWidget()
    counter = PaintCounter(root)
    spot = QRect(viewport.mapTo(root, below.topLeft()), below.size())
    viewport.hide()
    root.update(spot)
    qtbot.waitUntil(lambda: counter.count > 0)
    qtbot.wait(100)  # the paint reaches the X server
    painted_by_window = grab_screen(root, spot)
    viewport.show()
    # The gradient's rounding depends on where Qt's strips begin: a step of one in 255 at most.
    rows = differing_rows(painted_by_view, painted_by_window, tolerance=1)
    if rows:
        failure_shot(painted_by_view, f"backdrop-view-{theme[-5:]}")
        failure_shot(painted_by_window, f"backdrop-window-{theme[-5:]}")
    assert not rows, f"{len(rows)} rows differ (first at y={rows[0]})"
    app.close()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_scrolling_moves_the_text_not_the_backdrop(
    qtbot, run, isolated_environment, groq_server, theme
) -> None:
    groq_server.reply_text = LONG_REPLY
    groq_server.tokens_per_second = 2000
    app = themed_app(qtbot, run, isolated_environment, groq_server, theme)
    app.send_and_wait("Plan it in steps.", timeout=60_000)
    settle(qtbot, app)
    view = app.window.transcript
    bar = view.verticalScrollBar()
    assert bar.maximum() > 400
    counter = PaintCounter(view.viewport())
    for step in (-137, -211, 90):  # up and down, as the reader scrolls
        painted = counter.count
        bar.setValue(bar.value() + step)
        qtbot.waitUntil(lambda painted=painted: counter.count > painted)  # the scroll repaints
        qtbot.wait(150)
        # The pixels on screen moved; only the strip that came into view was painted (the
        # backdrop is the same down each column: backdrop.same_down_each_column), and the
        # "Latest" button where it was put back.
        button = view.latest_button.size()
        strip = view.viewport().width() * (abs(step) + 2) + 2 * button.width() * button.height()
        assert sum(counter.areas[painted:]) <= strip, (counter.areas[painted:], strip)
        scrolled = grab_screen(view.viewport())
        settle(qtbot, app)  # settle repaints the whole viewport: drawn afresh, not moved
        fresh = grab_screen(view.viewport())
        rows = differing_rows(scrolled, fresh, tolerance=2)
        if rows:
            failure_shot(scrolled, f"scrolled-{theme}")
            failure_shot(fresh, f"fresh-{theme}")
        assert not rows, f"scrolled by {step}: {len(rows)} rows differ (first at y={rows[0]})"
    app.close()
