"""Windows: RegisterHotKey, with the WM_HOTKEY message read by a QAbstractNativeEventFilter.

NOT RUN ON THE MACHINES THIS PROJECT IS TESTED ON (Linux only): the key translation it uses
(keys.windows_modifiers / windows_virtual_key) is tested there as pure functions; this file's
calls into user32 are written from the Win32 documentation and have never been executed.

RegisterHotKey(NULL, id, ...) binds the keys to the calling (GUI) thread: Windows posts
WM_HOTKEY to that thread's queue, and Qt's event dispatcher hands every message it takes from
the queue to the application's native event filters ("windows_generic_MSG") first. When
another program registered the keys, RegisterHotKey fails with ERROR_HOTKEY_ALREADY_REGISTERED.
"""

from __future__ import annotations

import ctypes

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QObject

from desktop_chat.ui.global_hotkey.backend import HotkeyBackend
from desktop_chat.ui.global_hotkey.keys import (
    Chord,
    HotkeyError,
    windows_modifiers,
    windows_virtual_key,
)

translate = QCoreApplication.translate

WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
HOTKEY_ID = 0x5143  # ours, within the 0x0000..0xBFFF an application may use


class _HotkeyFilter(QAbstractNativeEventFilter):
    def __init__(self, on_press):
        super().__init__()
        self._on_press = on_press

    def nativeEventFilter(self, event_type, message):  # noqa: N802 - Qt's name
        if bytes(event_type) == b"windows_generic_MSG":
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            if msg.message == WM_HOTKEY and msg.wParam == HOTKEY_ID:
                self._on_press(int(msg.time))
                return True, 0
        return False, 0


class WindowsHotkey(HotkeyBackend):
    def __init__(self, keys: str, parent: QObject | None = None):
        super().__init__(keys, parent)
        self._filter: _HotkeyFilter | None = None
        self._registered = False

    @property
    def active(self) -> bool:
        return self._registered

    def grab(self) -> bool:
        try:
            chord = Chord.parse(self.keys)
            modifiers, key = windows_modifiers(chord), windows_virtual_key(chord)
        except HotkeyError as bad:
            self.error = str(bad)
            return False
        user32 = ctypes.WinDLL("user32", use_last_error=True)
        if not user32.RegisterHotKey(None, HOTKEY_ID, modifiers, key):
            code = ctypes.get_last_error()
            self.error = (
                translate("GlobalHotkey", "another program already uses {keys}").format(
                    keys=self.keys
                )
                if code == ERROR_HOTKEY_ALREADY_REGISTERED
                else translate("GlobalHotkey", "Windows refused {keys} (error {code})").format(
                    keys=self.keys, code=code
                )
            )
            return False
        self._registered = True
        self._filter = _HotkeyFilter(self.activated.emit)
        QCoreApplication.instance().installNativeEventFilter(self._filter)
        return True

    def release(self) -> None:
        if self._filter is not None:
            QCoreApplication.instance().removeNativeEventFilter(self._filter)
            self._filter = None
        if self._registered:
            ctypes.WinDLL("user32").UnregisterHotKey(None, HOTKEY_ID)
            self._registered = False
