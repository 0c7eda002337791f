"""One window per data folder: a second start asks the running one to come forward, then exits.

Two instances on one `chat.db` would be two writers racing on the same sessions. The first
start listens on a local socket (a Unix socket, or a named pipe on Windows) named for the user
and the data folder; a later start connects, sends "activate", and quits. A socket left behind
by a crashed instance answers no one, so it is removed and the new start takes over.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
QUICK_ASK = b"quick-ask\n"  # `desktop-chat --quick-ask`: open the running app's quick-ask window
CONNECT_TIMEOUT_MS = 500


def server_name(data_dir: Path) -> str:
    """The socket's name: the same for every start on this data folder by this user."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment: the folder alone still separates
        user = ""
    folder = str(Path(data_dir).expanduser().resolve())
    digest = hashlib.sha256(f"{user}\0{folder}".encode("utf-8", "surrogatepass")).hexdigest()[:20]
    name = f"desktop-chat-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if sys.platform != "win32" and runtime and os.path.isdir(runtime):
        # The per-user runtime folder (mode 0700), rather than the shared /tmp; a Unix socket
        # path must fit in 108 bytes, so a very deep runtime folder falls back to the name.
        path = str(Path(runtime) / name)
        if len(path.encode()) < 100:
            return path
    return name


class SingleInstance(QObject):
    """`activate_running()` in a second start; `listen()` in the first, which then emits
    `activated` whenever another start asks for the window."""

    activated = Signal()
    quick_ask_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("single-instance")
        self.name = server_name(data_dir)
        self.server: QLocalServer | None = None

    def activate_running(
        self, timeout_ms: int = CONNECT_TIMEOUT_MS, message: bytes = ACTIVATE
    ) -> bool:
        """True when another instance is running (and was asked to show its window, or with
        `message=QUICK_ASK` its quick-ask window)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(message)
        socket.flush()
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(timeout_ms)
        return True

    def listen(self) -> bool:
        """Become the running instance. False (and the app still starts) if the socket cannot
        be made: then a second start is not caught, which is no worse than before."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Nobody answered on it (activate_running came first), so it is a crashed
            # instance's leftover: remove it and try once more.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning(
                    "Cannot listen for other starts (%s); two windows could open",
                    server.errorString(),
                )
                return False
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def _on_connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # The other start writes its line right after connecting and then waits for the
            # bytes to go out, so this read is immediate; a silent client costs at most 0.5 s.
            deadline = QDeadlineTimer(500)
            while not socket.canReadLine() and not deadline.hasExpired():
                if not socket.waitForReadyRead(max(1, deadline.remainingTime())):
                    break
            line = bytes(socket.readLine().data()) if socket.canReadLine() else b""
            socket.abort()
            socket.deleteLater()
            if line == ACTIVATE:
                log.info("Another start asked for the window; bringing it forward")
                self.activated.emit()
            elif line == QUICK_ASK:
                log.info("Another start asked for the quick-ask window")
                self.quick_ask_requested.emit()


def bring_forward(window: QWidget) -> None:
    """Show the window un-minimized, on top, with focus (as far as the window manager allows)."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
