"""What every platform's system-wide shortcut offers the quick-ask hotkey (ui/global_hotkey)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class HotkeyBackend(QObject):
    """One chord held system-wide: `grab()` (False with `error` saying why, in plain words),
    `activated(timestamp)` on each press, `release()`. A backend that learns later whether it
    worked (the desktop portal asks the user) returns True from `grab()` with `pending` set and
    emits `changed` once it knows; `description` is then how the desktop names the keys."""

    activated = Signal(int)  # the press's time (X server time on X11; 0 where unknown)
    changed = Signal()

    def __init__(self, keys: str, parent: QObject | None = None):
        super().__init__(parent)
        self.keys = keys
        self.error = ""
        self.pending = False
        self.description = ""

    @property
    def active(self) -> bool:
        raise NotImplementedError

    def grab(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def activate_window(self, window_id: int, timestamp: int) -> None:
        """Focus the quick-ask window for the press (X11 needs the press's time; others not)."""
