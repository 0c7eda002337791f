"""A session far longer than the window opens with its newest page only; scrolling up fetches
the pages above from the store, in the background, without moving what the reader looks at."""

from __future__ import annotations

from desktop_chat.ui.transcript import WINDOW_ROWS
from desktop_chat.ui.transcript_pages import PAGE_ROWS
from tests.test_long_sessions import long_session
from tests.ui_helpers import ChatApp


def held_events(model) -> int:
    """The messages the model holds: shown rows and those waiting above them."""
    return len(model.items) + len(model._older)


def test_a_long_session_opens_with_one_page_and_pages_older_ones_in_place(
    qtbot, run, tmp_path
) -> None:
    app = ChatApp(qtbot, run, tmp_path, key=None)
    chain = long_session(app.store, 1_000, versions_every=100, runner=run)
    model, view = app.window.transcript_model, app.window.transcript
    run(app.window.open_session(chain[0].session_id))
    assert model.rowCount() == WINDOW_ROWS
    assert held_events(model) == PAGE_ROWS  # not the session: one trip to the store
    assert model.items[-1].event_id == chain[-1].event_id
    bar = view.verticalScrollBar()
    seen = 0
    while model.has_older:
        bar.setValue(0)  # the reader reaches the top: the next rows come in above
        anchor = model.items[0]
        top = view.visualRect(model.index(0)).top()
        qtbot.waitUntil(lambda anchor=anchor: model.items[0] is not anchor, timeout=5_000)
        moved = view.visualRect(model.index_of(anchor)).top() - top
        assert abs(moved) <= 1, f"the row in view moved {moved} px when older ones came in"
        assert held_events(model) - len(model.items) <= PAGE_ROWS + WINDOW_ROWS
        seen += 1
    assert seen >= (1_000 - WINDOW_ROWS) // WINDOW_ROWS
    assert [item.event_id for item in model.items] == [e.event_id for e in chain]
    versions = [item.versions for item in model.items if item.versions]
    assert versions == [(2, 2)] * 10  # "‹ 2/2 ›" on every paged-in reply that has an older one
    app.close()


def test_a_search_hit_far_up_a_long_session_is_shown(qtbot, run, tmp_path) -> None:
    app = ChatApp(qtbot, run, tmp_path, key=None)
    chain = long_session(app.store, 2_000, runner=run)
    hit = chain[500]
    run(app.window.open_session(chain[0].session_id, focus_event=hit.event_id))
    model = app.window.transcript_model
    row = next(r for r, item in enumerate(model.items) if item.event_id == hit.event_id)
    assert model.items[row].highlighted
    assert app.window.transcript.visualRect(model.index(row)).intersects(
        app.window.transcript.viewport().rect()
    )
    app.close()


def test_text_size_and_theme_changes_keep_the_readers_place(
    qtbot, run, isolated_environment, groq_server
) -> None:
    """Ctrl+= / Ctrl+- and a theme change lay every row out again: the first row starting in
    the view stays where it is on screen (before, a zoom in moved the text read by ~3,800 px)."""
    from tests.test_scroll_anchor import (
        rows_overlapping,
        store_varied_session,
        the_row_read,
        top_of,
    )

    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    app.window.resize(1000, 800)
    qtbot.waitExposed(app.window)
    run(app.window.open_session(store_varied_session(app.store, run)))
    view, model = app.window.transcript, app.window.transcript_model
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(100)
    settings = app.window.settings_ctl
    for change in (settings.zoom_in, settings.zoom_in, settings.zoom_out, None):
        read_id, top = the_row_read(view, model)
        if change is None:  # as the Settings dialog saves it: the rest of the choices kept
            app.window.preferences.theme = "light"
            settings._save_and_apply()
        else:
            change()
        qtbot.wait(50)
        assert top_of(view, model, read_id) == top
        assert not rows_overlapping(view, model) and not view.following
    assert app.window.preferences.font_size == 11.5  # the zooms took effect
    assert app.window.theme.name == "light"
    app.close()
