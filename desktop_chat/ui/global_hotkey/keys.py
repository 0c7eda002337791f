"""The quick-ask shortcut as each platform names it: pure functions, tested on any machine.

A chord is one key with modifiers, written as Qt writes it ("Ctrl+Alt+Space", PortableText:
what QSettings keeps and QKeySequenceEdit records). Its modifiers are Qt's names: "ctrl",
"alt", "shift", "meta" (the Super/Windows key on X11 and Windows; on macOS Qt's Ctrl is
Command and Meta is Control). `Chord.parse` checks it; the functions below translate it for
X11 (keysym names), the desktop portal (the XDG shortcuts spec's trigger), Windows (MOD_* and
VK_* codes, US layout for punctuation) and macOS (Carbon modifiers and kVK_* codes, ANSI
layout).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence

translate = QCoreApplication.translate

DEFAULT_QUICK_ASK_KEYS = "Ctrl+Alt+Space"
# Spellings people type that Qt does not know ("Super+K" is Qt's "Meta+K").
ALIASES = {"super": "Meta", "win": "Meta", "control": "Ctrl", "option": "Alt"}
STRONG_MODIFIERS = {"ctrl", "alt", "meta"}  # Shift alone with a key types a character

Key = Qt.Key
# Keys beside letters, digits and F1..F24, with their X keysym names (also the portal's).
NAMED_KEYS = {
    Key.Key_Space: "space",
    Key.Key_Return: "Return",
    Key.Key_Enter: "KP_Enter",
    Key.Key_Tab: "Tab",
    Key.Key_Backspace: "BackSpace",
    Key.Key_Escape: "Escape",
    Key.Key_Insert: "Insert",
    Key.Key_Delete: "Delete",
    Key.Key_Home: "Home",
    Key.Key_End: "End",
    Key.Key_PageUp: "Prior",
    Key.Key_PageDown: "Next",
    Key.Key_Left: "Left",
    Key.Key_Up: "Up",
    Key.Key_Right: "Right",
    Key.Key_Down: "Down",
    Key.Key_Print: "Print",
    Key.Key_Pause: "Pause",
    Key.Key_Minus: "minus",
    Key.Key_Equal: "equal",
    Key.Key_BracketLeft: "bracketleft",
    Key.Key_BracketRight: "bracketright",
    Key.Key_Semicolon: "semicolon",
    Key.Key_Apostrophe: "apostrophe",
    Key.Key_QuoteLeft: "grave",
    Key.Key_Backslash: "backslash",
    Key.Key_Comma: "comma",
    Key.Key_Period: "period",
    Key.Key_Slash: "slash",
}
MAX_FUNCTION_KEY = 24  # Windows' RegisterHotKey stops at VK_F24, macOS at F20 (below)


class HotkeyError(ValueError):
    """A chord the system-wide shortcut cannot use; the message says why in plain words."""


@dataclass(frozen=True)
class Chord:
    modifiers: frozenset[str]  # of "ctrl", "alt", "shift", "meta"
    key: Qt.Key

    @classmethod
    def parse(cls, text: str) -> Chord:
        words = [ALIASES.get(part.strip().lower(), part.strip()) for part in text.split("+")]
        sequence = QKeySequence("+".join(words)) if all(words) else QKeySequence()
        combination = sequence[0] if sequence.count() == 1 else None  # type: ignore[index]
        if combination is None or combination.key() in (Key.Key_unknown, 0):
            raise HotkeyError(
                translate(
                    "GlobalHotkey", "“{keys}” is not a key with modifiers, e.g. Ctrl+Alt+Space."
                ).format(keys=text)
            )
        key, held = combination.key(), combination.keyboardModifiers()
        modifiers = frozenset(
            name
            for name, flag in (
                ("ctrl", Qt.KeyboardModifier.ControlModifier),
                ("alt", Qt.KeyboardModifier.AltModifier),
                ("shift", Qt.KeyboardModifier.ShiftModifier),
                ("meta", Qt.KeyboardModifier.MetaModifier),
            )
            if held & flag
        )
        chord = cls(modifiers, key)
        if not modifiers & STRONG_MODIFIERS:
            raise HotkeyError(
                translate(
                    "GlobalHotkey",
                    "{keys} needs Ctrl, Alt or Super with it (e.g. Ctrl+Alt+Space): "
                    "without one it would be taken from every program.",
                ).format(keys=chord.shown())
            )
        x11_keysym_name(chord)  # a key every platform here can name, or HotkeyError
        return chord

    def portable(self) -> str:
        """As QSettings keeps it: "Ctrl+Alt+Space"."""
        return self._sequence().toString(QKeySequence.SequenceFormat.PortableText)

    def shown(self) -> str:
        """As this platform and language write it ("Strg+Alt+Leertaste", "⌘⌥Space")."""
        return self._sequence().toString(QKeySequence.SequenceFormat.NativeText)

    def _sequence(self) -> QKeySequence:
        flags = Qt.KeyboardModifier.NoModifier
        for name, flag in (
            ("ctrl", Qt.KeyboardModifier.ControlModifier),
            ("alt", Qt.KeyboardModifier.AltModifier),
            ("shift", Qt.KeyboardModifier.ShiftModifier),
            ("meta", Qt.KeyboardModifier.MetaModifier),
        ):
            if name in self.modifiers:
                flags |= flag
        return QKeySequence(flags | self.key)


def _unusable(chord: Chord) -> HotkeyError:
    return HotkeyError(
        translate("GlobalHotkey", "“{key}” is not a key this shortcut can use.").format(
            key=QKeySequence(chord.key).toString(QKeySequence.SequenceFormat.NativeText)
        )
    )


def _function_key(key: Qt.Key) -> int:
    """1 for F1 ... 24 for F24; 0 for any other key."""
    number = int(key) - int(Key.Key_F1) + 1
    return number if 1 <= number <= MAX_FUNCTION_KEY else 0


def x11_keysym_name(chord: Chord) -> str:
    """The X keysym name of the chord's key ("space", "k", "F5", "slash")."""
    key = chord.key
    if Key.Key_A <= key <= Key.Key_Z:
        return chr(int(key)).lower()
    if Key.Key_0 <= key <= Key.Key_9:
        return chr(int(key))
    if _function_key(key):
        return f"F{_function_key(key)}"
    if key in NAMED_KEYS:
        return NAMED_KEYS[key]
    raise _unusable(chord)


X11_MODIFIERS = {"ctrl": "control", "alt": "alt", "shift": "shift", "meta": "super"}


def x11_modifier_names(chord: Chord) -> frozenset[str]:
    """{"control", "alt", "shift", "super"}: X's names (Super is Mod4 in every common map)."""
    return frozenset(X11_MODIFIERS[name] for name in chord.modifiers)


def portal_trigger(chord: Chord) -> str:
    """The XDG shortcuts spec's trigger: modifiers CTRL, ALT, SHIFT, LOGO and an xkbcommon
    keysym name, joined by "+" ("CTRL+ALT+space"): GlobalShortcuts' preferred_trigger."""
    order = (("ctrl", "CTRL"), ("alt", "ALT"), ("shift", "SHIFT"), ("meta", "LOGO"))
    names = [spec for name, spec in order if name in chord.modifiers]
    return "+".join([*names, x11_keysym_name(chord)])


# Windows: RegisterHotKey's fsModifiers and virtual-key codes (winuser.h).
MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
WINDOWS_KEYS = {
    Key.Key_Space: 0x20,
    Key.Key_Return: 0x0D,
    Key.Key_Enter: 0x0D,
    Key.Key_Tab: 0x09,
    Key.Key_Backspace: 0x08,
    Key.Key_Escape: 0x1B,
    Key.Key_Insert: 0x2D,
    Key.Key_Delete: 0x2E,
    Key.Key_Home: 0x24,
    Key.Key_End: 0x23,
    Key.Key_PageUp: 0x21,
    Key.Key_PageDown: 0x22,
    Key.Key_Left: 0x25,
    Key.Key_Up: 0x26,
    Key.Key_Right: 0x27,
    Key.Key_Down: 0x28,
    Key.Key_Print: 0x2C,  # VK_SNAPSHOT
    Key.Key_Pause: 0x13,
    # The VK_OEM_* keys, where a US keyboard has these characters.
    Key.Key_Semicolon: 0xBA,
    Key.Key_Equal: 0xBB,
    Key.Key_Comma: 0xBC,
    Key.Key_Minus: 0xBD,
    Key.Key_Period: 0xBE,
    Key.Key_Slash: 0xBF,
    Key.Key_QuoteLeft: 0xC0,
    Key.Key_BracketLeft: 0xDB,
    Key.Key_Backslash: 0xDC,
    Key.Key_BracketRight: 0xDD,
    Key.Key_Apostrophe: 0xDE,
}


def windows_modifiers(chord: Chord) -> int:
    """fsModifiers for RegisterHotKey; MOD_NOREPEAT: holding the keys opens the window once."""
    flags = {"ctrl": MOD_CONTROL, "alt": MOD_ALT, "shift": MOD_SHIFT, "meta": MOD_WIN}
    mask = MOD_NOREPEAT
    for name in chord.modifiers:
        mask |= flags[name]
    return mask


def windows_virtual_key(chord: Chord) -> int:
    key = chord.key
    if Key.Key_A <= key <= Key.Key_Z or Key.Key_0 <= key <= Key.Key_9:
        return int(key)  # VK_A..VK_Z and VK_0..VK_9 are the ASCII codes
    if _function_key(key):
        return 0x70 + _function_key(key) - 1  # VK_F1 = 0x70 ... VK_F24 = 0x87
    if key in WINDOWS_KEYS:
        return WINDOWS_KEYS[key]
    raise _unusable(chord)


# macOS: Carbon's modifier bits (Events.h) and kVK_* virtual key codes (ANSI layout).
CMD_KEY, SHIFT_KEY, OPTION_KEY, CONTROL_KEY = 0x100, 0x200, 0x800, 0x1000
MAC_LETTERS = {
    "A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06, "X": 0x07,
    "C": 0x08, "V": 0x09, "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E, "R": 0x0F, "Y": 0x10,
    "T": 0x11, "1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19,
    "7": 0x1A, "8": 0x1C, "0": 0x1D, "O": 0x1F, "U": 0x20, "I": 0x22, "P": 0x23, "L": 0x25,
    "J": 0x26, "K": 0x28, "N": 0x2D, "M": 0x2E,
}  # fmt: skip
MAC_KEYS = {
    Key.Key_Space: 0x31,
    Key.Key_Return: 0x24,
    Key.Key_Enter: 0x4C,
    Key.Key_Tab: 0x30,
    Key.Key_Backspace: 0x33,  # kVK_Delete
    Key.Key_Escape: 0x35,
    Key.Key_Delete: 0x75,  # kVK_ForwardDelete
    Key.Key_Home: 0x73,
    Key.Key_End: 0x77,
    Key.Key_PageUp: 0x74,
    Key.Key_PageDown: 0x79,
    Key.Key_Left: 0x7B,
    Key.Key_Right: 0x7C,
    Key.Key_Down: 0x7D,
    Key.Key_Up: 0x7E,
    Key.Key_Equal: 0x18,
    Key.Key_Minus: 0x1B,
    Key.Key_BracketRight: 0x1E,
    Key.Key_BracketLeft: 0x21,
    Key.Key_Apostrophe: 0x27,
    Key.Key_Semicolon: 0x29,
    Key.Key_Backslash: 0x2A,
    Key.Key_Comma: 0x2B,
    Key.Key_Slash: 0x2C,
    Key.Key_Period: 0x2F,
    Key.Key_QuoteLeft: 0x32,
}
MAC_FUNCTION_KEYS = (
    0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D,
    0x67, 0x6F, 0x69, 0x6B, 0x71, 0x6A, 0x40, 0x4F, 0x50, 0x5A,
)  # fmt: skip  # kVK_F1 ... kVK_F20


def mac_modifiers(chord: Chord) -> int:
    """Carbon modifiers: Qt's Ctrl is the Command key on macOS and its Meta the Control key."""
    flags = {"ctrl": CMD_KEY, "alt": OPTION_KEY, "shift": SHIFT_KEY, "meta": CONTROL_KEY}
    mask = 0
    for name in chord.modifiers:
        mask |= flags[name]
    return mask


def mac_key_code(chord: Chord) -> int:
    key = chord.key
    if Key.Key_A <= key <= Key.Key_Z or Key.Key_0 <= key <= Key.Key_9:
        return MAC_LETTERS[chr(int(key))]
    number = _function_key(key)
    if 1 <= number <= len(MAC_FUNCTION_KEYS):
        return MAC_FUNCTION_KEYS[number - 1]
    if key in MAC_KEYS:
        return MAC_KEYS[key]
    raise _unusable(chord)
