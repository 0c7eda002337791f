"""The transcript in a real X11 window: what a streamed reply leaves on screen is what the same
reply shows when opened fresh, page by page, as the X server shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QCursor, QImage

from tests.support.pixels import differing_rows, grab_screen, ink_pixels
from tests.ui_helpers import ChatApp

pytestmark = pytest.mark.real_window

SECTIONS = "\n\n".join(
    f"## Step {n}: a heading\n\n"
    f"Paragraph {n} explains the step with **bold**, `inline code` and enough words to wrap "
    f"across more than one line of the bubble.\n\n"
    f"- first point of {n}\n- second point, a little longer\n- third\n\n"
    f"```python\ndef step_{n}(values):\n    for value in values:\n        print(value)\n"
    f"    return len(values) * {n}\n```\n\n"
    f"1. numbered one\n2. numbered two"
    for n in range(1, 6)
)
LONG_REPLY = f"# Plan\n\nAn opening paragraph before the steps.\n\n{SECTIONS}\n\nThat is all."


class PaintCounter(QObject):
    def __init__(self, widget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def settle(qtbot, app: ChatApp) -> None:
    """Wait until the viewport has painted what is pending and the X server has it."""
    viewport = app.window.transcript.viewport()
    counter = PaintCounter(viewport)
    viewport.update()
    qtbot.waitUntil(lambda: counter.count > 0, timeout=3_000)
    counter.deleteLater()


def pages(qtbot, app: ChatApp, limit: int) -> list[QImage]:
    """The viewport as the X server shows it, scrolled a page at a time down to `limit`."""
    view = app.window.transcript
    bar = view.verticalScrollBar()
    step = view.viewport().height() // 2
    shots = []
    for value in range(0, limit + 1, step):
        bar.setValue(value)
        settle(qtbot, app)
        shots.append(grab_screen(view.viewport()))
    return shots


@pytest.mark.parametrize("rate", [30, 100, 400, 2000])
def test_a_streamed_reply_shows_what_the_reply_opened_fresh_shows(qtbot, run, isolated_environment,
                                                                  groq_server, rate) -> None:
    groq_server.reply_text = LONG_REPLY
    groq_server.tokens_per_second = rate
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    app.window.resize(1280, 860)
    qtbot.waitExposed(app.window)
    QCursor.setPos(QPoint(0, 0))  # no hover effects in the shots
    app.send_and_wait("Plan it in steps.", timeout=60_000)
    settle(qtbot, app)
    view = app.window.transcript
    streamed_limit = view.verticalScrollBar().maximum()

    run(app.window.open_session(app.window.current_session_id))
    settle(qtbot, app)
    limit = min(streamed_limit, view.verticalScrollBar().maximum())
    fresh = pages(qtbot, app, limit)
    # Streamed state again: the same session, but shown through the streamed documents is gone
    # once reopened, so grab the streamed pages first in a second run of the same reply.
    app.close()

    app = ChatApp(qtbot, run, isolated_environment / "again", groq_server)
    app.window.resize(1280, 860)
    qtbot.waitExposed(app.window)
    app.send_and_wait("Plan it in steps.", timeout=60_000)
    streamed = pages(qtbot, app, limit)
    for number, (seen, expected) in enumerate(zip(streamed, fresh, strict=True)):
        assert ink_pixels(expected) > 1000
        rows = differing_rows(seen, expected, tolerance=40)
        if rows:
            seen.save(f"/tmp/lead/streamed-{rate}-{number}.png")
            expected.save(f"/tmp/lead/fresh-{rate}-{number}.png")
        assert not rows, (f"page {number} at {rate} tokens/s differs from the fresh render in "
                          f"{len(rows)} pixel rows (first at y={rows[0]})")
    app.close()


@pytest.mark.parametrize("after", [47, 100, 150])
def test_a_reply_paused_mid_stream_shows_what_a_fresh_paint_shows(qtbot, run, isolated_environment,
                                                                  groq_server, after) -> None:
    """While a reply streams, the screen holds what a full repaint without any cached tile
    would draw: no holes, no half lines."""
    from PySide6.QtGui import QPixmapCache

    from tests.support.groq_server import split_tokens

    groq_server.reply_text = LONG_REPLY
    groq_server.tokens_per_second = 40  # a frame for nearly every piece, paragraph ends too
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    app.window.resize(1280, 860)
    qtbot.waitExposed(app.window)
    QCursor.setPos(QPoint(0, 0))
    hold = groq_server.hold_after(after)
    app.type_and_send("Plan it in steps.")
    qtbot.waitUntil(hold.reached.is_set, timeout=20_000)
    sent = "".join(split_tokens(LONG_REPLY)[:after])
    renderer = lambda: app.window.renderer  # noqa: E731
    qtbot.waitUntil(lambda: renderer() is not None and renderer().item.text == sent
                    and not renderer().pending, timeout=10_000)
    qtbot.wait(150)  # the view's half of the frame, and a lexing slice, are timers of their own
    settle(qtbot, app)
    viewport = app.window.transcript.viewport()
    streamed = grab_screen(viewport)
    QPixmapCache.clear()
    viewport.repaint()
    fresh = grab_screen(viewport)
    hold.release()
    rows = differing_rows(streamed, fresh, tolerance=40)
    if rows:
        streamed.save(f"/tmp/lead/held-{after}.png")
        fresh.save(f"/tmp/lead/held-fresh-{after}.png")
    assert ink_pixels(fresh) > 500
    assert not rows, f"{len(rows)} pixel rows differ from a fresh paint (first at y={rows[0]})"
    app.wait_idle(30_000)
    app.close()
