"""The system-wide shortcut that opens the quick-ask window (default Ctrl+Alt+Space; Settings →
Keyboard rebinds it; QSettings keeps it under keyboard/quick_ask).

One backend per platform, chosen at run time (`backend_kind`), behind the small interface of
backend.py: X11 grabs the keys itself (x11.py, tested in a real X server); Wayland asks the
desktop portal's GlobalShortcuts (portal.py, tested against a loopback portal on a private
D-Bus); Windows (windows.py) and macOS (macos.py) use the native APIs, and are NOT run here:
only their key translation is tested. Where none applies, or the keys cannot be had, Settings
says why and how to bind `desktop-chat --quick-ask`, which asks the running app for its
quick-ask window through the single-instance channel.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QCoreApplication, QObject, QSettings
from PySide6.QtGui import QGuiApplication

from desktop_chat.ui.global_hotkey.backend import HotkeyBackend
from desktop_chat.ui.global_hotkey.keys import DEFAULT_QUICK_ASK_KEYS, Chord, HotkeyError
from desktop_chat.ui.global_hotkey.x11 import GlobalHotkey, parse_hotkey

__all__ = [
    "DEFAULT_QUICK_ASK_KEYS",
    "GlobalHotkey",
    "HotkeyError",
    "QuickAskHotkey",
    "backend_kind",
    "install_quick_ask_hotkey",
    "load_quick_ask_keys",
    "parse_hotkey",
    "save_quick_ask_keys",
]

translate = QCoreApplication.translate
log = logging.getLogger(__name__)

QUICK_ASK_KEYS = "keyboard/quick_ask"


def bind_it_yourself() -> str:
    return translate(
        "GlobalHotkey",
        "Bind the command `desktop-chat --quick-ask` to a key in your desktop's "
        "keyboard settings: it opens this app's quick-ask window.",
    )


def load_quick_ask_keys(store: QSettings) -> str:
    """The user's keys, or the default when none were saved or they no longer parse."""
    saved = str(store.value(QUICK_ASK_KEYS, "") or "")
    try:
        return Chord.parse(saved).portable() if saved else DEFAULT_QUICK_ASK_KEYS
    except HotkeyError:
        return DEFAULT_QUICK_ASK_KEYS


def save_quick_ask_keys(store: QSettings, keys: str) -> None:
    if keys == DEFAULT_QUICK_ASK_KEYS:
        store.remove(QUICK_ASK_KEYS)
    else:
        store.setValue(QUICK_ASK_KEYS, keys)
    store.sync()


def backend_kind(platform: str, qpa: str, environ: dict[str, str]) -> str:
    """ "windows", "macos", "x11", "portal" (Wayland) or "" (none): by the OS and Qt's platform
    plugin, as the app runs (an X11 app on a Wayland desktop, XWayland, grabs as on X11)."""
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        return "macos"
    if qpa == "xcb" and environ.get("DISPLAY"):
        return "x11"
    if qpa == "wayland" or (qpa != "offscreen" and environ.get("WAYLAND_DISPLAY")):
        return "portal"
    return ""


def make_backend(kind: str, keys: str, parent: QObject | None = None) -> HotkeyBackend | None:
    if kind == "x11":
        return GlobalHotkey(keys, parent)
    if kind == "portal":
        from desktop_chat.ui.global_hotkey.portal import PortalHotkey

        return PortalHotkey(keys, parent)
    if kind == "windows":
        from desktop_chat.ui.global_hotkey.windows import WindowsHotkey

        return WindowsHotkey(keys, parent)
    if kind == "macos":
        from desktop_chat.ui.global_hotkey.macos import MacHotkey

        return MacHotkey(keys, parent)
    return None


class QuickAskHotkey(QObject):
    """The window's quick-ask shortcut: `rebind(keys)` grabs the new keys, and only then
    releases the old ones and saves the new (so a refused key leaves the old one working);
    `problem_with(keys)` says in plain words why keys cannot be used, before Save."""

    def __init__(self, window, kind: str | None = None):
        super().__init__(window)
        self.window = window
        self.kind = (
            backend_kind(sys.platform, QGuiApplication.platformName(), dict(os.environ))
            if kind is None
            else kind
        )
        self.keys = load_quick_ask_keys(window.preferences_store)
        self.backend: HotkeyBackend | None = None
        self.error = ""

    @property
    def active(self) -> bool:
        return self.backend is not None and self.backend.active

    @property
    def available(self) -> bool:
        """Whether this platform has a system-wide shortcut the app can ask for."""
        return bool(self.kind)

    def start(self) -> bool:
        backend = self._grab(self.keys)
        self._use(backend)
        return backend is not None

    def problem_with(self, keys: str) -> str:
        """ "" when `keys` can open the quick-ask window system-wide here; else why not."""
        try:
            keys = Chord.parse(keys).portable()
        except HotkeyError as bad:
            return str(bad)
        if (keys == self.keys and self.active) or self.kind != "x11":
            return ""  # the portal's desktop decides (and says so); others: at Save
        probe = GlobalHotkey(keys)
        if not probe.grab():
            return probe.error
        probe.release()
        return ""

    def rebind(self, keys: str) -> bool:
        """True when `keys` now open the quick-ask window (saved for the next start too)."""
        try:
            keys = Chord.parse(keys).portable()
        except HotkeyError as bad:
            self.error = str(bad)
            return False
        if keys == self.keys and self.active:
            return True
        backend = self._grab(keys) if self.kind else None
        if backend is None and self.kind:
            return False  # the old keys still work; self.error says why
        if self.backend is not None:
            self.backend.release()
        self.keys = keys
        save_quick_ask_keys(self.window.preferences_store, keys)
        self._use(backend)
        return True

    def release(self) -> None:
        if self.backend is not None:
            self.backend.release()

    def _grab(self, keys: str) -> HotkeyBackend | None:
        backend = make_backend(self.kind, keys, self)
        if backend is None:
            self.error = translate(
                "GlobalHotkey", "this desktop offers no system-wide shortcuts to apps"
            )
            return None
        if not backend.grab():
            self.error = backend.error
            backend.deleteLater()
            return None
        # Here, not in the backends: Settings' trial grabs (problem_with) are not news.
        log.info("System-wide shortcut %s asked for the quick-ask window (%s)", keys, self.kind)
        return backend

    def _use(self, backend: HotkeyBackend | None) -> None:
        self.backend = backend
        if backend is not None:
            backend.activated.connect(lambda timestamp: self._pressed(backend, timestamp))
            backend.changed.connect(self._show_note)
        self._show_note()

    def _pressed(self, backend: HotkeyBackend, timestamp: int) -> None:
        window = self.window
        window.quick_ask()
        backend.activate_window(int(window.quick_ask_window.winId()), timestamp)

    def note(self) -> str:
        """What Settings says about the shortcut here."""
        backend = self.backend
        shown = Chord.parse(self.keys).shown()
        if backend is not None and backend.active:
            return translate(
                "GlobalHotkey",
                "{keys} opens the quick-ask window from anywhere; Settings → Keyboard changes it.",
            ).format(keys=backend.description or shown)
        if backend is not None and backend.pending:
            return translate(
                "GlobalHotkey", "Asking the desktop for {keys} (it may ask you to confirm)."
            ).format(keys=shown)
        reason = backend.error if backend is not None else self.error
        if not self.kind:
            reason = translate(
                "GlobalHotkey", "system-wide shortcuts need X11 here; this session is not X11"
            )
        return translate("GlobalHotkey", "No system-wide shortcut: {reason}. {advice}").format(
            reason=reason, advice=bind_it_yourself()
        )

    def _show_note(self) -> None:
        note = self.note()
        if self.backend is not None and not self.backend.active and not self.backend.pending:
            log.info("No system-wide shortcut for the quick-ask window: %s", self.backend.error)
        self.window.quick_ask_note = note
        dialog = getattr(getattr(self.window, "settings_ctl", None), "settings_dialog", None)
        if dialog is not None:
            dialog.set_quick_ask_note(note)


def install_quick_ask_hotkey(window, kind: str | None = None) -> QuickAskHotkey:
    """Grab the user's quick-ask keys for the window (`window.quick_ask_hotkey`; released on
    quit); the window's Settings note says what happened."""
    hotkey = QuickAskHotkey(window, kind)
    window.quick_ask_hotkey = hotkey
    if not hotkey.start():
        log.info("No system-wide shortcut for the quick-ask window: %s", hotkey.error)
    return hotkey
