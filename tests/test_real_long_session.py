"""A long session in a real X11 window: older messages paged in from the store while the reader
scrolls up do not move what is on screen (pixels read from the X server), in both themes, in a
small and a large window; the rows parked while the reader is far up (model.SHOWN_ROWS) come back
drawn as a fresh open draws them."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from desktop_chat.ui.transcript.model import SHOWN_ROWS
from desktop_chat.ui.transcript_pages import PAGE_ROWS
from tests.support import xinput
from tests.support.pixels import differing_rows, failure_shot, grab_screen
from tests.test_long_sessions import long_session
from tests.test_real_transcript import settle
from tests.test_real_tree import themed_app
from tests.test_scroll_anchor import (
    rows_overlapping,
    store_varied_session,
    the_row_read,
    top_of,
)

pytestmark = pytest.mark.real_window


def shifted_difference(before: QImage, after: QImage, shift: int, height: int) -> list[int]:
    """The rows of pixels (of the top `height`) that differ once `after` is moved up by `shift`
    px. A shift of one pixel is allowed: a row first painted at the view's top edge may be
    measured a pixel off its estimate (as before paging)."""
    width, height = before.width(), height - 1
    first = before.copy(0, max(0, shift), width, height)
    second = after.copy(0, max(0, -shift), width, height)
    return differing_rows(first, second, tolerance=8)


@pytest.mark.parametrize(
    ("theme", "size"), [("dark", (1400, 900)), ("light", (700, 550))], ids=["dark", "light"]
)
def test_older_messages_come_in_above_without_moving_what_is_shown(
    qtbot, run, tmp_path, groq_server, theme: str, size: tuple[int, int]
) -> None:
    app = themed_app(qtbot, run, tmp_path, groq_server, theme, size)
    composer = app.window.composer
    xinput.move(composer, composer.rect().center())  # no row is hovered: hover lines differ
    chain = long_session(app.store, 3_000, runner=run)
    run(app.window.open_session(chain[0].session_id))
    model, view = app.window.transcript_model, app.window.transcript
    bar = view.verticalScrollBar()
    loads = 0
    while loads < 4:  # through the rows in memory, then pages fetched from the store
        bar.setValue(view.edge_margin() + 40)  # near the top, not yet where older ones come in
        settle(qtbot, app)
        before = grab_screen(view.viewport())
        first = model.items[0]
        bar.setValue(bar.value() - 80)  # the reader goes on up: older messages come in above
        qtbot.waitUntil(lambda first=first: model.items[0] is not first, timeout=5_000)
        settle(qtbot, app)
        bar.setValue(bar.value() + 80)  # and back down by as much: the same pixels as before
        settle(qtbot, app)
        after = grab_screen(view.viewport())
        # Above the floating "↓ Latest" button, which stays where it is while the text moves.
        button = view.latest_button.geometry()  # in the viewport
        above = button.top() - 2 if view.latest_button.isVisible() else before.height()
        moved = min(
            (shifted_difference(before, after, shift, above) for shift in (0, 1, -1)), key=len
        )
        if moved:
            failure_shot(before, f"long-session-{theme}-before")
            failure_shot(after, f"long-session-{theme}-after")
        assert not moved, f"{len(moved)} rows of pixels changed when older messages came in"
        loads += 1
    assert len(model.items) + len(model._older) > PAGE_ROWS  # pages came from the store
    app.close()


def scroll_to_top_until_parked(qtbot, app, loads_past: int) -> None:
    """Scroll to the top again and again (each time older messages come in) until the newest
    rows are parked, then `loads_past` times more."""
    model, view = app.window.transcript_model, app.window.transcript
    bar = view.verticalScrollBar()
    past = 0
    for _ in range(40):
        assert model.has_older, "the top of the session came and the newest rows were not parked"
        first = model.items[0]
        bar.setValue(bar.minimum())
        qtbot.waitUntil(lambda first=first: model.items[0] is not first, timeout=5_000)
        settle(qtbot, app, quiet_ms=60)
        assert model.rowCount() <= SHOWN_ROWS
        past += model.has_newer
        if past > loads_past:
            return
    raise AssertionError("scrolling up never parked the newest rows")


@pytest.mark.parametrize(
    ("theme", "size", "back"),
    [("dark", (1400, 900), "scroll"), ("light", (700, 550), "latest")],
    ids=["dark-scroll", "light-latest"],
)
def test_rows_parked_far_up_come_back_as_a_fresh_open_draws_them(
    qtbot, run, tmp_path, groq_server, theme: str, size: tuple[int, int], back: str
) -> None:
    """Far up a long session the newest rows are parked (their documents let go); back at the
    bottom, by scrolling down through them or by the Latest button, the X server shows the
    same pixels as the session opened afresh."""
    app = themed_app(qtbot, run, tmp_path, groq_server, theme, size)
    composer = app.window.composer
    xinput.move(composer, composer.rect().center())  # no row is hovered: hover lines differ
    chain = long_session(app.store, 3_000, runner=run)
    session_id = chain[0].session_id
    run(app.window.open_session(session_id))
    model, view = app.window.transcript_model, app.window.transcript
    settle(qtbot, app)
    fresh = grab_screen(view.viewport())
    scroll_to_top_until_parked(qtbot, app, loads_past=2)
    newest = model.items[-1]
    assert newest.document is None, "a parked row kept its document"
    assert view.latest_button.isVisible()
    bar = view.verticalScrollBar()
    if back == "latest":
        xinput.click(view.latest_button, view.latest_button.rect().center())
    else:
        for _ in range(60):  # down to the end of the rows shown, again and again
            if not model.has_newer and bar.value() == bar.maximum():
                break
            bar.setValue(bar.maximum())
            settle(qtbot, app, quiet_ms=60)
            assert model.rowCount() <= SHOWN_ROWS
    qtbot.waitUntil(lambda: not model.has_newer and view.following, timeout=5_000)
    xinput.move(composer, composer.rect().center())
    qtbot.waitUntil(lambda: not view.latest_button.isVisible(), timeout=3_000)
    settle(qtbot, app)
    returned = grab_screen(view.viewport())
    changed = differing_rows(fresh, returned, tolerance=8)
    if changed:
        failure_shot(fresh, f"parked-{theme}-fresh")
        failure_shot(returned, f"parked-{theme}-returned")
    assert not changed, f"{len(changed)} rows of pixels differ from a fresh open at the bottom"
    run(app.window.open_session(session_id))  # and a fresh open now draws the same
    settle(qtbot, app)
    assert not differing_rows(fresh, grab_screen(view.viewport()), tolerance=8)
    app.close()


def open_varied_session(qtbot, app, run) -> str:
    """A stored session of replies that wrap (lists, code, tables), opened at its end."""
    session_id = store_varied_session(app.store, run)
    run(app.window.open_session(session_id))
    settle(qtbot, app)
    return session_id


def assert_as_a_fresh_open_scrolled_there(
    qtbot, app, run, session_id: str, read: tuple[str, int], shown: QImage, name: str
) -> None:
    """`shown` (the viewport as the X server showed it, the row `read` at its top) is what the
    session opened afresh and scrolled so that row is there again shows."""
    model, view = app.window.transcript_model, app.window.transcript
    bar = view.verticalScrollBar()
    run(app.window.open_session(session_id))
    settle(qtbot, app)
    for _ in range(5):
        off_by = top_of(view, model, read[0]) - read[1]
        if not off_by:
            break
        bar.setValue(bar.value() + off_by)
        settle(qtbot, app)
    fresh = grab_screen(view.viewport())
    changed = differing_rows(fresh, shown, tolerance=8)
    if changed:
        failure_shot(fresh, f"{name}-fresh")
        failure_shot(shown, f"{name}-shown")
    assert not changed, f"{len(changed)} rows of pixels differ from a fresh open scrolled there"


@pytest.mark.parametrize(
    # Narrow enough that rows get wider without the sidebar (bubbles stop at BUBBLE_MAX_WIDTH).
    ("theme", "size"),
    [("dark", (1000, 800)), ("light", (800, 600))],
    ids=["dark", "light"],
)
def test_hiding_the_sidebar_lays_the_rows_out_again_at_the_new_width(
    qtbot, run, tmp_path, groq_server, theme: str, size: tuple[int, int]
) -> None:
    """The sidebar's button (Ctrl+B) changes only the transcript's width, which QListView does
    not relayout by itself: each row kept its old place with its new height, over the next.
    At the end, the X server shows what a fresh open at that width shows; scrolled up, the
    rows follow one another and the first one in view stays where it was."""
    app = themed_app(qtbot, run, tmp_path, groq_server, theme, size)
    session_id = open_varied_session(qtbot, app, run)
    window, model, view = app.window, app.window.transcript_model, app.window.transcript
    bar = view.verticalScrollBar()
    for shown in (False, True):  # hidden: wider rows; shown again: narrower
        width = view.viewport().width()
        xinput.click(window.sidebar_button, window.sidebar_button.rect().center())
        qtbot.waitUntil(lambda shown=shown: window.sessions.isVisible() == shown, timeout=3_000)
        qtbot.waitUntil(lambda width=width: view.viewport().width() != width, timeout=3_000)
        xinput.move(app.window.composer, app.window.composer.rect().center())  # no hover line
        settle(qtbot, app)
        assert view.following and bar.value() == bar.maximum()
        at_end = the_row_read(view, model)
        assert_as_a_fresh_open_scrolled_there(
            qtbot, app, run, session_id, at_end, grab_screen(view.viewport()), f"sidebar-{theme}"
        )

    bar.setValue(bar.maximum() // 2)  # scrolled up: the reader's row stays where it is
    settle(qtbot, app)
    read = the_row_read(view, model)
    xinput.click(window.sidebar_button, window.sidebar_button.rect().center())
    qtbot.waitUntil(lambda: not window.sessions.isVisible(), timeout=3_000)
    settle(qtbot, app)
    assert not rows_overlapping(view, model)
    assert top_of(view, model, read[0]) == read[1] and not view.following
    shown = grab_screen(view.viewport())
    assert_as_a_fresh_open_scrolled_there(
        qtbot, app, run, session_id, read, shown, f"sidebar-{theme}-up"
    )
    app.close()


@pytest.mark.parametrize(
    ("theme", "size"), [("dark", (1400, 900)), ("light", (800, 600))], ids=["dark", "light"]
)
def test_ctrl_equals_while_reading_keeps_the_place_read(
    qtbot, run, tmp_path, groq_server, theme: str, size: tuple[int, int]
) -> None:
    """A larger text size lays every row out again: the first row starting in the view stays
    where it was on screen (before, the text read jumped by thousands of px), and the X server
    shows what the session opened afresh at that size, scrolled there, shows."""
    app = themed_app(qtbot, run, tmp_path, groq_server, theme, size)
    session_id = open_varied_session(qtbot, app, run)
    window, model, view = app.window, app.window.transcript_model, app.window.transcript
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    xinput.move(window.composer, window.composer.rect().center())  # no hover line
    settle(qtbot, app)
    read = the_row_read(view, model)
    size_before = window.preferences.font_size
    xinput.key("ctrl+equal")  # through the X server, as typed
    qtbot.waitUntil(lambda: window.preferences.font_size > size_before, timeout=3_000)
    settle(qtbot, app)
    assert top_of(view, model, read[0]) == read[1] and not view.following
    assert not rows_overlapping(view, model)
    shown = grab_screen(view.viewport())
    assert_as_a_fresh_open_scrolled_there(qtbot, app, run, session_id, read, shown, f"zoom-{theme}")
    app.close()
