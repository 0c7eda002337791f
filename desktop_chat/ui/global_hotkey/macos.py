"""macOS: Carbon's RegisterEventHotKey through ctypes (still the one system-wide hotkey API
that needs no accessibility permission; AppKit has none of its own).

NOT RUN ON THE MACHINES THIS PROJECT IS TESTED ON (Linux only): the key translation it uses
(keys.mac_modifiers / mac_key_code) is tested there as pure functions; the Carbon calls below
are written from HIToolbox's CarbonEvents.h and have never been executed.

InstallEventHandler on the application's event target receives kEventHotKeyPressed in the
main run loop, which Qt's Cocoa event dispatcher runs; GetEventParameter gives the pressed
hotkey's EventHotKeyID. When another app holds the keys RegisterEventHotKey returns
eventHotKeyExistsErr.
"""

from __future__ import annotations

import ctypes

from PySide6.QtCore import QCoreApplication, QObject

from desktop_chat.ui.global_hotkey.backend import HotkeyBackend
from desktop_chat.ui.global_hotkey.keys import Chord, HotkeyError, mac_key_code, mac_modifiers

translate = QCoreApplication.translate

CARBON = "/System/Library/Frameworks/Carbon.framework/Carbon"
EVENT_HOT_KEY_EXISTS = -9878  # eventHotKeyExistsErr


def four_cc(text: str) -> int:
    """Carbon's four-character codes ('keyb') as the 32-bit numbers the API takes."""
    return int.from_bytes(text.encode("ascii"), "big")


class EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


class EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


K_EVENT_CLASS_KEYBOARD = four_cc("keyb")
K_EVENT_HOT_KEY_PRESSED = 5
K_EVENT_PARAM_DIRECT_OBJECT = four_cc("----")
TYPE_EVENT_HOT_KEY_ID = four_cc("hkid")
SIGNATURE = four_cc("DChQ")
HOTKEY_ID = 1
HANDLER = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class MacHotkey(HotkeyBackend):
    def __init__(self, keys: str, parent: QObject | None = None):
        super().__init__(keys, parent)
        self._carbon = None
        self._hotkey_ref = ctypes.c_void_p()
        self._handler_ref = ctypes.c_void_p()
        self._callback = HANDLER(self._on_event)  # held: Carbon keeps only the pointer

    @property
    def active(self) -> bool:
        return bool(self._hotkey_ref.value)

    def grab(self) -> bool:
        try:
            chord = Chord.parse(self.keys)
            modifiers, key = mac_modifiers(chord), mac_key_code(chord)
        except HotkeyError as bad:
            self.error = str(bad)
            return False
        carbon = self._carbon = ctypes.CDLL(CARBON)
        carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        target = ctypes.c_void_p(carbon.GetApplicationEventTarget())
        spec = EventTypeSpec(K_EVENT_CLASS_KEYBOARD, K_EVENT_HOT_KEY_PRESSED)
        status = carbon.InstallEventHandler(
            target, self._callback, 1, ctypes.byref(spec), None, ctypes.byref(self._handler_ref)
        )
        if status == 0:
            status = carbon.RegisterEventHotKey(
                ctypes.c_uint32(key),
                ctypes.c_uint32(modifiers),
                EventHotKeyID(SIGNATURE, HOTKEY_ID),
                target,
                ctypes.c_uint32(0),
                ctypes.byref(self._hotkey_ref),
            )
        if status != 0:
            self.error = (
                translate("GlobalHotkey", "another program already uses {keys}").format(
                    keys=self.keys
                )
                if status == EVENT_HOT_KEY_EXISTS
                else translate("GlobalHotkey", "macOS refused {keys} (error {code})").format(
                    keys=self.keys, code=status
                )
            )
            self.release()
            return False
        return True

    def _on_event(self, _call_ref, event, _user_data) -> int:
        pressed = EventHotKeyID()
        self._carbon.GetEventParameter(
            ctypes.c_void_p(event),
            ctypes.c_uint32(K_EVENT_PARAM_DIRECT_OBJECT),
            ctypes.c_uint32(TYPE_EVENT_HOT_KEY_ID),
            None,
            ctypes.c_size_t(ctypes.sizeof(pressed)),
            None,
            ctypes.byref(pressed),
        )
        if pressed.signature == SIGNATURE and pressed.id == HOTKEY_ID:
            self.activated.emit(0)
        return 0  # noErr: handled

    def release(self) -> None:
        if self._carbon is None:
            return
        if self._hotkey_ref.value:
            self._carbon.UnregisterEventHotKey(self._hotkey_ref)
            self._hotkey_ref = ctypes.c_void_p()
        if self._handler_ref.value:
            self._carbon.RemoveEventHandler(self._handler_ref)
            self._handler_ref = ctypes.c_void_p()
