"""Wayland: the desktop portal's org.freedesktop.portal.GlobalShortcuts, over D-Bus (jeepney).

A Wayland client cannot grab keys; the compositor binds them for it. The app asks the portal
(xdg-desktop-portal) for a session (CreateSession), then for one shortcut, "quick-ask", with the
user's keys as its preferred trigger (BindShortcuts; the desktop may show a dialog and lets the
user change the keys there). Each call answers at once with a Request object whose Response
signal brings the result later, so nothing here blocks on the user: the connection's socket is
read by a QSocketNotifier, like the X11 backend's. Each press arrives as Activated(session
handle, shortcut id, timestamp, options); newer portals put an xdg-activation token in the
options, handed to Qt as XDG_ACTIVATION_TOKEN so that Wayland lets the window take the focus
(not tried on a real compositor here). Keys the user changes in the desktop's own settings
arrive as ShortcutsChanged(session handle, shortcuts), and the note follows.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections import deque

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer

from desktop_chat.ui.global_hotkey.backend import HotkeyBackend
from desktop_chat.ui.global_hotkey.keys import Chord, HotkeyError, portal_trigger

translate = QCoreApplication.translate
log = logging.getLogger(__name__)

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
SHORTCUT_ID = "quick-ask"
CALL_TIMEOUT = 5.0  # seconds for a method's own reply (the Response may come much later)


def request_path(unique_name: str, token: str) -> str:
    """Where the portal puts the Request object of a call made with `handle_token=token`."""
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{PORTAL_PATH}/request/{sender}/{token}"


class PortalHotkey(HotkeyBackend):
    """`grab()` starts the CreateSession → BindShortcuts exchange and returns True with
    `pending`; `changed` says when the desktop answered (then `active`, or `error`)."""

    def __init__(self, keys: str, parent: QObject | None = None):
        super().__init__(keys, parent)
        self._connection = None
        self._notifier: QSocketNotifier | None = None
        self._signals: deque = deque()  # signals read while waiting for a method's reply
        self._waiting: dict[str, object] = {}  # Request path -> what to do with its Response
        self._session = ""
        self._bound = False

    @property
    def active(self) -> bool:
        return self._bound

    def grab(self) -> bool:
        try:
            trigger = portal_trigger(Chord.parse(self.keys))
        except HotkeyError as bad:
            self.error = str(bad)
            return False
        try:
            from jeepney import MatchRule
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            self.error = translate("GlobalHotkey", "jeepney (D-Bus) is not installed")
            return False
        try:
            self._connection = open_dbus_connection(bus="SESSION")
        except (OSError, KeyError, ValueError, TimeoutError) as failure:
            self.error = translate("GlobalHotkey", "no D-Bus session bus ({reason})").format(
                reason=type(failure).__name__
            )
            return False
        connection = self._connection
        connection.filter(MatchRule(type="signal"), queue=self._signals)
        sender = connection.unique_name.lstrip(":").replace(".", "_")
        for rule in (
            MatchRule(
                type="signal",
                interface=REQUEST,
                member="Response",
                path_namespace=f"{PORTAL_PATH}/request/{sender}",
            ),
            MatchRule(type="signal", interface=SHORTCUTS, member="Activated", path=PORTAL_PATH),
            MatchRule(
                type="signal", interface=SHORTCUTS, member="ShortcutsChanged", path=PORTAL_PATH
            ),
        ):
            self._call_bus("AddMatch", rule)
        if not self._has_interface():
            self.error = translate("GlobalHotkey", "this desktop's portal has no global shortcuts")
            self._close()
            return False
        self._trigger = trigger
        session_token = "desktop_chat_" + secrets.token_hex(6)
        if not self._request(
            "CreateSession",
            "a{sv}",
            lambda token: (
                {"handle_token": ("s", token), "session_handle_token": ("s", session_token)},
            ),
            self._session_created,
        ):
            return False
        self._notifier = QSocketNotifier(connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        QTimer.singleShot(0, self, self._read)  # what arrived with the replies
        self.pending = True
        return True

    # -- D-Bus calls -------------------------------------------------------------------------
    def _call_bus(self, method: str, rule) -> None:
        from jeepney import message_bus, new_method_call

        self._connection.send_and_get_reply(
            new_method_call(message_bus, method, "s", (rule.serialise(),)), timeout=CALL_TIMEOUT
        )

    def _call(self, path: str, interface: str, method: str, signature: str, body: tuple):
        """The method's reply message, or None with `error` set."""
        from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call

        address = DBusAddress(path, bus_name=PORTAL_NAME, interface=interface)
        try:
            reply = self._connection.send_and_get_reply(
                new_method_call(address, method, signature, body), timeout=CALL_TIMEOUT
            )
        except (TimeoutError, OSError) as failure:
            self.error = translate("GlobalHotkey", "the desktop portal did not answer ({reason})")
            self.error = self.error.format(reason=type(failure).__name__)
            return None
        if reply.header.message_type == MessageType.error:
            self.error = translate("GlobalHotkey", "the desktop portal refused ({reason})").format(
                reason=reply.header.fields.get(HeaderFields.error_name, "error")
            )
            return None
        return reply

    def _has_interface(self) -> bool:
        reply = self._call(
            PORTAL_PATH,
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            (SHORTCUTS, "version"),
        )
        return reply is not None

    def _request(self, method: str, signature: str, body, then) -> bool:
        """Call a portal method made with a fresh handle_token; `then(response, results)` runs
        when its Request answers."""
        token = "desktop_chat_" + secrets.token_hex(6)
        path = request_path(self._connection.unique_name, token)
        self._waiting[path] = then  # before the call: the Response may overtake its reply
        reply = self._call(PORTAL_PATH, SHORTCUTS, method, signature, body(token))
        if reply is None:
            self._waiting.pop(path, None)
            self._fail()
            return False
        handle = str(reply.body[0])
        if handle != path:  # an older portal makes its own path
            self._waiting[handle] = self._waiting.pop(path)
        return True

    def _session_created(self, response: int, results: dict) -> None:
        if response != 0:
            self._refused(response)
            return
        self._session = str(results.get("session_handle", ("s", ""))[1])
        description = translate("GlobalHotkey", "Open Desktop Chat's quick-ask window")
        shortcuts = [
            (
                SHORTCUT_ID,
                {"description": ("s", description), "preferred_trigger": ("s", self._trigger)},
            ),
        ]
        self._request(
            "BindShortcuts",
            "oa(sa{sv})sa{sv}",
            lambda token: (self._session, shortcuts, "", {"handle_token": ("s", token)}),
            self._shortcuts_bound,
        )

    def _shortcuts_bound(self, response: int, results: dict) -> None:
        if response != 0:
            self._refused(response)
            return
        bound = dict(results.get("shortcuts", ("a(sa{sv})", []))[1])
        if SHORTCUT_ID not in bound:
            self.error = translate("GlobalHotkey", "the desktop did not bind {keys}").format(
                keys=self.keys
            )
            self._fail()
            return
        trigger = bound[SHORTCUT_ID].get("trigger_description", ("s", ""))[1]
        self.description = str(trigger) or self.keys
        self._bound = True
        self.pending = False
        log.info("The desktop portal bound %s for the quick-ask window", self.description)
        self.changed.emit()

    def _refused(self, response: int) -> None:
        self.error = (
            translate("GlobalHotkey", "the shortcut was declined in the desktop's dialog")
            if response == 1
            else translate("GlobalHotkey", "the desktop portal could not bind it")
        )
        self._fail()

    def _fail(self) -> None:
        self.pending = False
        self.release()
        self.changed.emit()

    # -- incoming messages -------------------------------------------------------------------
    def _read(self, *_args) -> None:
        # Handling a signal may call the portal, and its reply's wait reads on: what it read
        # sits in the parser, not the socket, so the loop goes on until both are empty.
        while self._connection is not None:
            try:
                self._connection.recv_messages(timeout=0)  # into self._signals (the filter)
            except TimeoutError:
                if not self._signals:
                    return
            except (OSError, ValueError):
                log.warning("The portal's connection closed; %s no longer works", self.keys)
                self._bound = False
                self._fail()
                return
            while self._signals and self._connection is not None:
                self._handle(self._signals.popleft())

    def _handle(self, message) -> None:
        from jeepney import HeaderFields

        fields = message.header.fields
        path, member = fields.get(HeaderFields.path), fields.get(HeaderFields.member)
        if member == "Response" and path in self._waiting:
            then = self._waiting.pop(path)
            response, results = message.body
            then(int(response), dict(results))
        elif member == "Activated" and fields.get(HeaderFields.interface) == SHORTCUTS:
            session, shortcut_id, _timestamp, options = message.body
            if self._bound and session == self._session and shortcut_id == SHORTCUT_ID:
                token = dict(options).get("activation_token", ("s", ""))[1]
                if token:  # newer portals: Qt's Wayland plugin activates the next window with it
                    os.environ["XDG_ACTIVATION_TOKEN"] = str(token)
                self.activated.emit(0)  # the portal's timestamp has no base X could use
        elif member == "ShortcutsChanged" and fields.get(HeaderFields.interface) == SHORTCUTS:
            session, shortcuts = message.body
            changed = dict(shortcuts).get(SHORTCUT_ID)
            if self._bound and session == self._session and changed is not None:
                # The user gave it other keys in the desktop's own settings.
                self.description = str(changed.get("trigger_description", ("s", self.keys))[1])
                self.changed.emit()

    def release(self) -> None:
        if self._connection is not None and self._session:
            from jeepney import DBusAddress, new_method_call

            session = DBusAddress(self._session, bus_name=PORTAL_NAME, interface=SESSION)
            with contextlib.suppress(OSError):
                self._connection.send(new_method_call(session, "Close"))
        self._bound = False
        self._session = ""
        self._close()

    def _close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.close()
            self._connection = None
        self._waiting.clear()
