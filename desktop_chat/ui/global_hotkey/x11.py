"""X11: the system-wide shortcut that opens the quick-ask window (default Ctrl+Alt+Space).

A real passive grab: XGrabKey on the root window through python-xlib's own connection, read by
a QSocketNotifier on that connection's socket, so the key reaches the app whichever window has
the focus. The grab is made for each combination of the lock modifiers (Caps Lock, Num Lock),
which X counts as modifiers too, and released on quit or when the user picks other keys. When
another program holds the keys, XGrabKey fails with BadAccess: `error` says so in plain words.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication

from desktop_chat.ui.global_hotkey.backend import HotkeyBackend
from desktop_chat.ui.global_hotkey.keys import (
    DEFAULT_QUICK_ASK_KEYS,
    Chord,
    HotkeyError,
    x11_keysym_name,
    x11_modifier_names,
)

translate = QCoreApplication.translate

log = logging.getLogger(__name__)


def parse_hotkey(text: str) -> tuple[frozenset[str], str]:
    """'Ctrl+Alt+Space' -> ({'control', 'alt'}, 'space'): X's modifier names and keysym name."""
    chord = Chord.parse(text)
    return x11_modifier_names(chord), x11_keysym_name(chord)


def x11_session() -> bool:
    return (
        sys.platform.startswith("linux")
        and bool(os.environ.get("DISPLAY"))
        and QGuiApplication.platformName() == "xcb"
    )


class GlobalHotkey(HotkeyBackend):
    """The X11 backend: `activated` carries the X server's time of the key press."""

    def __init__(self, keys: str = DEFAULT_QUICK_ASK_KEYS, parent: QObject | None = None):
        super().__init__(keys, parent)
        self._display = None
        self._notifier: QSocketNotifier | None = None
        self._grabs: list[tuple[int, int]] = []  # (keycode, modifier mask) as grabbed
        self._keycode = 0
        self._mask = 0
        self._significant = 0

    @property
    def active(self) -> bool:
        return bool(self._grabs)

    def grab(self) -> bool:
        if not x11_session():
            self.error = translate(
                "GlobalHotkey", "system-wide shortcuts need X11 here; this session is not X11"
            )
            return False
        try:
            from Xlib import XK, X, error
            from Xlib import display as xdisplay
        except ImportError:
            self.error = translate("GlobalHotkey", "python-xlib is not installed")
            return False
        try:
            modifiers, keysym_name = parse_hotkey(self.keys)
        except HotkeyError as bad:
            self.error = str(bad)
            return False
        try:
            self._display = xdisplay.Display()
        except (error.DisplayError, OSError) as failure:
            self.error = translate("GlobalHotkey", "cannot reach the X server ({reason})").format(
                reason=type(failure).__name__
            )
            return False
        display = self._display
        masks = {
            "control": X.ControlMask,
            "alt": X.Mod1Mask,
            "shift": X.ShiftMask,
            "super": X.Mod4Mask,
        }
        self._mask = 0
        for name in modifiers:
            self._mask |= masks[name]
        self._significant = X.ControlMask | X.Mod1Mask | X.ShiftMask | X.Mod4Mask
        self._keycode = display.keysym_to_keycode(XK.string_to_keysym(keysym_name))
        if not self._keycode:
            self.error = translate("GlobalHotkey", "this keyboard has no {key} key").format(
                key=keysym_name
            )
            self._close_display()
            return False
        numlock = self._modifier_mask_of("Num_Lock")
        lock_variants = {0, X.LockMask, numlock, numlock | X.LockMask}
        root = display.screen().root
        catcher = error.CatchError(error.BadAccess)
        for extra in sorted(lock_variants):
            root.grab_key(
                self._keycode,
                self._mask | extra,
                True,
                X.GrabModeAsync,
                X.GrabModeAsync,
                onerror=catcher,
            )
            self._grabs.append((self._keycode, self._mask | extra))
        display.sync()
        if catcher.get_error() is not None:
            self.error = translate("GlobalHotkey", "another program already uses {keys}").format(
                keys=self.keys
            )
            self.release()
            return False
        self._notifier = QSocketNotifier(display.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read_events)
        QTimer.singleShot(0, self, self._read_events)  # anything sync() already buffered
        return True

    def _modifier_mask_of(self, keysym_name: str) -> int:
        """Which of Mod1..Mod5 a key (Num Lock) sits on in this keyboard map, as a mask."""
        from Xlib import XK

        keycode = self._display.keysym_to_keycode(XK.string_to_keysym(keysym_name))
        if not keycode:
            return 0
        for index, keycodes in enumerate(self._display.get_modifier_mapping()):
            if keycode in keycodes:
                return 1 << index
        return 0

    def _read_events(self, *_args) -> None:
        from Xlib import X, error

        display = self._display
        if display is None:
            return
        try:
            while display.pending_events():
                event = display.next_event()
                if (
                    event.type == X.KeyPress
                    and event.detail == self._keycode
                    and event.state & self._significant == self._mask
                ):
                    self.activated.emit(int(event.time))
        except error.ConnectionClosedError:
            log.warning(
                "The X server closed the shortcut's connection; %s no longer works", self.keys
            )
            self._grabs = []
            self.release()

    def activate_window(self, window_id: int, timestamp: int) -> None:
        """Ask the window manager to focus `window_id` for the key press at `timestamp`.

        The press reached this connection, not Qt's, so Qt's own activation request carries an
        older user time and a window manager that prevents focus stealing may refuse it. This
        request says it comes from the user's key press (source 2, with its time)."""
        if self._display is None:
            return
        from Xlib import X
        from Xlib.protocol import event as xevent

        display = self._display
        root = display.screen().root
        message = xevent.ClientMessage(
            window=display.create_resource_object("window", window_id),
            client_type=display.intern_atom("_NET_ACTIVE_WINDOW"),
            data=(32, [2, timestamp, 0, 0, 0]),
        )
        root.send_event(message, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        display.flush()

    def release(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._display is not None and self._grabs:
            root = self._display.screen().root
            for keycode, mask in self._grabs:
                root.ungrab_key(keycode, mask)
            self._display.sync()
        self._grabs = []
        self._close_display()

    def _close_display(self) -> None:
        if self._display is not None:
            from Xlib import error

            with contextlib.suppress(error.ConnectionClosedError, OSError):  # X went first
                self._display.close()
            self._display = None
