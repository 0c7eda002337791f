"""Real input through the X server (xdotool) and the real clipboard (xclip), for real-window
tests: events reach Qt the way a person's mouse and keyboard send them."""

from __future__ import annotations

import subprocess

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget


def _xdotool(*arguments: str) -> None:
    subprocess.run(["xdotool", *arguments], check=True, timeout=10)


def screen_point(widget: QWidget, point: QPoint) -> QPoint:
    return widget.mapToGlobal(point)


def pointer() -> QPoint:
    found = subprocess.run(
        ["xdotool", "getmouselocation", "--shell"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    values = dict(line.split("=", 1) for line in found.split())
    return QPoint(int(values["X"]), int(values["Y"]))


def move(widget: QWidget, point: QPoint) -> None:
    at = screen_point(widget, point)
    if pointer() != at:  # --sync waits for the pointer to move: it would wait forever
        _xdotool("mousemove", "--sync", str(at.x()), str(at.y()))


def click(widget: QWidget, point: QPoint, button: int = 1) -> None:
    move(widget, point)
    _xdotool("click", str(button))


def drag(widget: QWidget, start: QPoint, end: QPoint, steps: int = 6) -> None:
    """Press at `start`, move to `end` in a few steps (as a hand does), release."""
    move(widget, start)
    _xdotool("mousedown", "1")
    for step in range(1, steps + 1):
        move(widget, start + (end - start) * step / steps)
    _xdotool("mouseup", "1")


def key(*combos: str) -> None:
    """Press keys as xdotool names them: "ctrl+c", "Return", "Escape"."""
    _xdotool("key", "--clearmodifiers", *combos)


def focus_window(widget: QWidget) -> None:
    """Give the top-level window the X input focus (the window manager would, on a click)."""
    _xdotool("windowactivate", "--sync", str(int(widget.window().winId())))


def clipboard_text(qtbot) -> str:
    """What the X clipboard holds, read by another program (xclip). Qt keeps pumping events
    meanwhile: when the app owns the clipboard, it is the app that answers xclip."""
    reader = subprocess.Popen(
        ["xclip", "-o", "-selection", "clipboard"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        qtbot.waitUntil(lambda: reader.poll() is not None, timeout=10_000)
    finally:
        if reader.poll() is None:
            reader.kill()
    output = reader.stdout.read() if reader.stdout else ""
    return output if reader.returncode == 0 else ""


def serve_clipboard(data: bytes, target: str = "UTF8_STRING") -> subprocess.Popen:
    """xclip owns the clipboard with `data` as `target` until another program takes it (then
    it exits; `kill()` it when done)."""
    server = subprocess.Popen(
        ["xclip", "-selection", "clipboard", "-t", target, "-i"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert server.stdin is not None
    server.stdin.write(data)
    server.stdin.close()
    return server
