"""A loopback desktop portal: org.freedesktop.portal.GlobalShortcuts on a private D-Bus.

`PrivateSessionBus` starts its own `dbus-daemon --session` (never the user's bus) and gives
its address (DBUS_SESSION_BUS_ADDRESS for the app). `FakePortal(bus)` owns the portal's name,
org.freedesktop.portal.Desktop, at /org/freedesktop/portal/desktop, and speaks the real
interface (xdg-desktop-portal's data/org.freedesktop.portal.GlobalShortcuts.xml):

- CreateSession(a{sv} options) -> o handle; BindShortcuts(o session, a(sa{sv}) shortcuts,
  s parent_window, a{sv} options) -> o handle. Each handle is the Request object path
  /org/freedesktop/portal/desktop/request/SENDER/TOKEN (SENDER: the caller's unique name
  without ':' and with '.' as '_'; TOKEN: its handle_token), and the result comes afterwards
  as that object's org.freedesktop.portal.Request.Response(u response, a{sv} results) signal:
  session_handle (s) for CreateSession; shortcuts (a(sa{sv})) with each id's description and
  trigger_description for BindShortcuts.
- org.freedesktop.DBus.Properties.Get("org.freedesktop.portal.GlobalShortcuts", "version").
- org.freedesktop.portal.Session.Close on a session's path.
- `activate(shortcut_id)` emits Activated(o session_handle, s shortcut_id, t timestamp, a{sv})
  as a compositor's key press would (newer portals put an xdg-activation token in the options:
  `activation_token=`); `change_trigger(text)` emits ShortcutsChanged(o
  session_handle, a(sa{sv}) shortcuts) as the desktop's own settings would.

`FakePortal(bus, global_shortcuts=False)` is a portal without that interface (an older one):
Properties.Get answers UnknownInterface and its methods UnknownMethod. `decline=True` answers
BindShortcuts with response 1 (the user cancelled the desktop's dialog). Calls are recorded in
`calls` (member, body) for the test to read.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import Proxy, open_dbus_connection

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"


class PrivateSessionBus:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.address = self.process.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("dbus-daemon did not start")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(5)


class FakePortal:
    def __init__(
        self, bus: PrivateSessionBus, global_shortcuts: bool = True, decline: bool = False
    ) -> None:
        self.global_shortcuts = global_shortcuts
        self.decline = decline
        self.calls: list[tuple[str, tuple]] = []
        self.sessions: dict[str, str] = {}  # session handle -> the caller's unique name
        self.closed: list[str] = []
        self._send_lock = threading.Lock()
        previous = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        try:
            self.connection = open_dbus_connection(bus="SESSION")
        finally:
            if previous is None:
                os.environ.pop("DBUS_SESSION_BUS_ADDRESS")
            else:
                os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous
        reply = Proxy(message_bus, self.connection).RequestName(PORTAL_NAME, 4)  # DO_NOT_QUEUE
        if reply != (1,):  # PRIMARY_OWNER
            raise RuntimeError(f"could not own {PORTAL_NAME}: {reply}")
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    # -- what a compositor does --------------------------------------------------------------
    def activate(self, shortcut_id: str = "quick-ask", activation_token: str = "") -> None:
        options = {"activation_token": ("s", activation_token)} if activation_token else {}
        for session in self.sessions:
            self._send(
                new_signal(
                    DBusAddress(PORTAL_PATH, interface=SHORTCUTS),
                    "Activated",
                    "osta{sv}",
                    (session, shortcut_id, int(time.monotonic() * 1000), options),
                )
            )

    def change_trigger(self, trigger_description: str, shortcut_id: str = "quick-ask") -> None:
        """The user gives the shortcut other keys in the desktop's settings: ShortcutsChanged."""
        for session in self.sessions:
            info = {"description": ("s", "changed"),
                    "trigger_description": ("s", trigger_description)}  # fmt: skip
            self._send(
                new_signal(
                    DBusAddress(PORTAL_PATH, interface=SHORTCUTS),
                    "ShortcutsChanged",
                    "oa(sa{sv})",
                    (session, [(shortcut_id, info)]),
                )
            )

    def close(self) -> None:
        self._running = False
        self._thread.join(5)
        self.connection.close()

    # -- serving -----------------------------------------------------------------------------
    def _send(self, message) -> None:
        with self._send_lock:
            self.connection.send(message)

    def _serve(self) -> None:
        while self._running:
            try:
                message = self.connection.receive(timeout=0.1)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type == MessageType.method_call:
                self._answer(message)

    def _answer(self, call) -> None:
        fields = call.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        path, sender = fields.get(HeaderFields.path), fields.get(HeaderFields.sender)
        self.calls.append((member, call.body))
        if interface == "org.freedesktop.DBus.Properties" and member == "Get":
            if self.global_shortcuts and call.body == (SHORTCUTS, "version"):
                self._send(new_method_return(call, "v", (("u", 1),)))
            else:
                self._send(
                    new_error(
                        call,
                        "org.freedesktop.DBus.Error.UnknownInterface",
                        "s",
                        (f"No such interface {call.body[0]}",),
                    )
                )
        elif interface == SHORTCUTS and self.global_shortcuts and member == "CreateSession":
            options = call.body[0]
            session = self._path("session", sender, options["session_handle_token"][1])
            request = self._path("request", sender, options["handle_token"][1])
            self.sessions[session] = sender
            self._send(new_method_return(call, "o", (request,)))
            self._respond(request, 0, {"session_handle": ("s", session)})
        elif interface == SHORTCUTS and self.global_shortcuts and member == "BindShortcuts":
            session, shortcuts, _parent, options = call.body
            request = self._path("request", sender, options["handle_token"][1])
            self._send(new_method_return(call, "o", (request,)))
            if self.decline or session not in self.sessions:
                self._respond(request, 1, {})
                return
            bound = [
                (
                    shortcut_id,
                    {
                        "description": info["description"],
                        # As a desktop writes it for people: what it bound.
                        "trigger_description": ("s", info["preferred_trigger"][1]),
                    },
                )
                for shortcut_id, info in shortcuts
            ]
            self._respond(request, 0, {"shortcuts": ("a(sa{sv})", bound)})
        elif interface == "org.freedesktop.portal.Session" and member == "Close":
            self.sessions.pop(path, None)
            self.closed.append(path)
            self._send(new_method_return(call))
        else:
            self._send(
                new_error(call, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"No {member}",))
            )

    @staticmethod
    def _path(kind: str, sender: str, token: str) -> str:
        return f"{PORTAL_PATH}/{kind}/{sender.lstrip(':').replace('.', '_')}/{token}"

    def _respond(self, request: str, response: int, results: dict) -> None:
        self._send(
            new_signal(
                DBusAddress(request, interface="org.freedesktop.portal.Request"),
                "Response",
                "ua{sv}",
                (response, results),
            )
        )
