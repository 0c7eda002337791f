"""A screen reader's view of the running app, through AT-SPI (run with the system python3,
which has pyatspi; the app and this script share one session bus with the a11y bus on it).

    /usr/bin/python3 tests/support/atspi_reader.py tree      # every app's tree, as JSON
    /usr/bin/python3 tests/support/atspi_reader.py listen S  # events for S seconds

`tree` prints [{"app", "pid", "nodes": [{"depth", "role", "name", "description", "states"}]}];
`listen` prints {"event": "listening"} once registered, then one JSON line per event:
{"event": "announcement", "text", "politeness"} for "object:announcement" (politeness "polite"
or "assertive"), {"event": "focus", "role", "name", ...} when an object gains the focus.
"""

from __future__ import annotations

import json
import sys

import pyatspi
from gi.repository import GLib

# object:announcement's detail1 (AT-SPI's live-region politeness)
POLITENESS = {1: "polite", 2: "assertive"}
STATES = {
    pyatspi.STATE_FOCUSED: "focused",
    pyatspi.STATE_FOCUSABLE: "focusable",
    pyatspi.STATE_SHOWING: "showing",
    pyatspi.STATE_VISIBLE: "visible",
    pyatspi.STATE_ENABLED: "enabled",
}


def describe(accessible, depth: int = 0) -> dict:
    states = accessible.getState()
    return {
        "depth": depth,
        "role": accessible.getRoleName(),
        "name": accessible.name or "",
        "description": accessible.description or "",
        "states": [word for state, word in STATES.items() if states.contains(state)],
    }


def walk(accessible, depth: int = 0, out: list | None = None) -> list:
    out = [] if out is None else out
    out.append(describe(accessible, depth))
    for index in range(min(accessible.childCount, 500)):
        child = accessible.getChildAtIndex(index)
        if child is None:
            continue
        try:
            walk(child, depth + 1, out)
        except GLib.GError:  # it went while being read (the window changed): as for a reader
            continue
    return out


def applications() -> list:
    desktop = pyatspi.Registry.getDesktop(0)
    return [
        app
        for app in (desktop.getChildAtIndex(i) for i in range(desktop.childCount))
        if app is not None
    ]


def listen(seconds: float) -> None:
    """What a screen reader hears: announcements, and each object that gains the focus."""
    from gi.repository import GLib

    def on_announcement(event) -> None:
        text = event.any_data if isinstance(event.any_data, str) else ""
        politeness = POLITENESS.get(event.detail1, str(event.detail1))
        print(
            json.dumps({"event": "announcement", "text": text, "politeness": politeness}),
            flush=True,
        )

    def on_focus(event) -> None:
        if event.detail1:
            print(json.dumps({"event": "focus", **describe(event.source)}), flush=True)

    pyatspi.Registry.registerEventListener(on_announcement, "object:announcement")
    pyatspi.Registry.registerEventListener(on_focus, "object:state-changed:focused")
    GLib.timeout_add(int(seconds * 1000), pyatspi.Registry.stop)
    GLib.idle_add(lambda: print(json.dumps({"event": "listening"}), flush=True) and False)
    pyatspi.Registry.start()


def main() -> int:
    command = sys.argv[1]
    if command == "tree":
        print(
            json.dumps(
                [
                    {"app": app.name, "pid": app.get_process_id(), "nodes": walk(app)}
                    for app in applications()
                ]
            )
        )
    elif command == "listen":
        listen(float(sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
