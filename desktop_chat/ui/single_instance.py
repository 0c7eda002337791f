"""One window per data folder: a second start asks the running one to come forward, then exits.

Two instances on one `chat.db` would be two writers racing on the same sessions. The first
start listens on a local socket (a Unix socket, or a named pipe on Windows) named for the user
and the data folder; a later start connects, sends "activate", and quits. A socket left behind
by a crashed instance answers no one, so it is removed and the new start takes over.

On Unix the socket is Python's own, read by a QSocketNotifier: QtNetwork (its import and the
Python enums of its classes, ~10 ms of start-up) is loaded only on Windows, for the named pipe.
The path and the bytes are what QLocalServer/QLocalSocket use, so either side can be either.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import os
import socket as sockets
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, Qt, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

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
        self._listening: sockets.socket | None = None  # Unix: the listening socket,
        self._notifier: QSocketNotifier | None = None  # its reader,
        self._path = ""  # and its file, removed again by close()
        self._pipe_server: QLocalServer | None = None  # Windows

    def activate_running(
        self, timeout_ms: int = CONNECT_TIMEOUT_MS, message: bytes = ACTIVATE
    ) -> bool:
        """True when another instance is running (and was asked to show its window, or with
        `message=QUICK_ASK` its quick-ask window)."""
        if sys.platform == "win32":
            return self._activate_by_pipe(timeout_ms, message)
        with sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM) as client:
            client.settimeout(timeout_ms / 1000)
            try:
                client.connect(socket_path(self.name))
                client.sendall(message)
            except OSError:  # no file, nobody listening (a crash's leftover), or no answer
                return False
        return True

    def listen(self) -> bool:
        """Become the running instance. False (and the app still starts) if the socket cannot
        be made: then a second start is not caught, which is no worse than before."""
        if sys.platform == "win32":
            return self._listen_on_pipe()
        path = socket_path(self.name)
        try:
            listening = _bind_private(path)
        except OSError as error:
            log.warning("Cannot listen for other starts (%s); two windows could open", error)
            return False
        listening.setblocking(False)
        listening.listen(8)
        notifier = QSocketNotifier(listening.fileno(), QSocketNotifier.Type.Read, self)
        notifier.activated.connect(self._accept)
        self._listening, self._notifier, self._path = listening, notifier, path
        return True

    def close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._listening is not None:
            self._listening.close()
            self._listening = None
            with contextlib.suppress(OSError):
                os.unlink(self._path)
        if self._pipe_server is not None:
            self._pipe_server.close()
            self._pipe_server = None

    def _accept(self) -> None:
        while self._listening is not None:
            try:
                connection, _ = self._listening.accept()
            except OSError:  # BlockingIOError: none left
                return
            with connection:
                # The other start writes its line right after connecting, so this read is
                # immediate; a silent client costs at most 0.5 s.
                connection.settimeout(0.5)
                line = b""
                with contextlib.suppress(OSError):
                    while not line.endswith(b"\n") and len(line) < 64:
                        chunk = connection.recv(64)
                        if not chunk:
                            break
                        line += chunk
            self._received(line)

    def _received(self, line: bytes) -> None:
        if line == ACTIVATE:
            log.info("Another start asked for the window; bringing it forward")
            self.activated.emit()
        elif line == QUICK_ASK:
            log.info("Another start asked for the quick-ask window")
            self.quick_ask_requested.emit()

    # -- Windows: a named pipe, through QtNetwork ------------------------------------------
    def _activate_by_pipe(self, timeout_ms: int, message: bytes) -> bool:
        from PySide6.QtNetwork import QLocalSocket

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

    def _listen_on_pipe(self) -> bool:
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning(
                    "Cannot listen for other starts (%s); two windows could open",
                    server.errorString(),
                )
                return False
        server.newConnection.connect(lambda: self._on_pipe_connection(server))
        self._pipe_server = server
        return True

    def _on_pipe_connection(self, server: QLocalServer) -> None:
        from PySide6.QtCore import QDeadlineTimer

        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            deadline = QDeadlineTimer(500)
            while not socket.canReadLine() and not deadline.hasExpired():
                if not socket.waitForReadyRead(max(1, deadline.remainingTime())):
                    break
            line = bytes(socket.readLine().data()) if socket.canReadLine() else b""
            socket.abort()
            socket.deleteLater()
            self._received(line)


def socket_path(name: str) -> str:
    """Where QLocalServer puts a socket of this name on Unix: a relative name in Qt's temporary
    folder ($TMPDIR, else /tmp)."""
    return name if os.path.isabs(name) else os.path.join(os.environ.get("TMPDIR") or "/tmp", name)


def _bind_private(path: str) -> sockets.socket:
    """A Unix socket listening at `path` that only this user can connect to. It is bound in a
    private folder, given mode 0600 and then moved to `path` (as QLocalServer's UserAccessOption
    does), so no one else can connect between the bind and the chmod. A file already at `path`
    is a crashed instance's leftover (activate_running found no one there): it is replaced."""
    folder = tempfile.mkdtemp(prefix=".dc-", dir=os.path.dirname(path) or None)
    staged = os.path.join(folder, "s")
    listening = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    try:
        listening.bind(staged)
        os.chmod(staged, 0o600)
        os.replace(staged, path)
    except OSError:
        listening.close()
        raise
    finally:
        with contextlib.suppress(OSError):
            os.unlink(staged)
        os.rmdir(folder)
    return listening


def bring_forward(window: QWidget) -> None:
    """Show the window un-minimized, on top, with focus (as far as the window manager allows)."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
