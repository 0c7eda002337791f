"""Logging: a rotating file in the user log dir, with anything that looks like a secret redacted.

What may be logged at INFO (the default): what happened and why — error kinds, exception
types, HTTP statuses, paths. Never an API key or token, and never the text of a message:
that stays in the chat database. The redacting filter is a second line of defence, on every
handler, for keys that slip into an exception message or a third-party library's log line.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

LOG_FILE_NAME = "desktop-chat.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3  # desktop-chat.log.1 .. .3: at most ~4 MB of logs
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Groq keys, and the look-alikes of other providers (sk-..., sk-proj-...).
    (re.compile(r"\bgsk_[A-Za-z0-9]{6,}"), "gsk_" + REDACTED),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), "sk-" + REDACTED),
    # JSON Web Tokens (Supabase anon keys and access tokens): three base64url parts.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
    # Authorization headers.
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]+"), r"\1\2" + REDACTED),
    # key=value, "api_key": "value", apiKey: value ...
    (
        re.compile(
            r"(?i)\b((?:api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|password|secret)"
            r"[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,;}]+"
        ),
        r"\1" + REDACTED,
    ),
)


class RedactingFilter(logging.Filter):
    """Rewrites each record so no known secret, nor anything shaped like one, reaches a handler."""

    def __init__(self, secrets: Iterable[str | None] = ()):
        super().__init__()
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, secret: str | None) -> None:
        """Redact this exact value too (a configured key). Very short values are ignored: they
        would blank out ordinary words."""
        if secret and len(secret.strip()) >= 8:
            self._secrets.add(secret.strip())

    def redact(self, text: str) -> str:
        # Longest first, so a secret that contains another is replaced whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: keep what we can, redacted
            message = f"{record.msg} {record.args}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


APP_LOGGERS = ("desktop_chat", "__main__")


class LibraryDetailFilter(logging.Filter):
    """Drops other libraries' records below INFO, whatever their loggers' levels.

    GROQ_LOG=debug sets the groq and httpx loggers to DEBUG at import time (after
    setup_logging ran), and groq then logs every request's options: the prompt, word for word.
    A handler-level filter holds however a library sets its own logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            return True
        return any(
            record.name == name or record.name.startswith(name + ".") for name in APP_LOGGERS
        )


class PrivateRotatingFileHandler(logging.FileHandler):
    """A log file readable only by its owner (0600), whatever the umask: it names the folders
    and sessions a user works with. Past `maxBytes` it is moved to `.1` (`.1` to `.2`, ... up
    to `backupCount`), as logging.handlers.RotatingFileHandler does: that module is not
    imported because it brings pickle, queue and socket code in before the window's first
    paint (~11M instructions)."""

    def __init__(self, filename: Path, maxBytes: int, backupCount: int, encoding: str) -> None:  # noqa: N803 - RotatingFileHandler's names
        super().__init__(filename, mode="a", encoding=encoding, delay=True)
        self.maxBytes = maxBytes
        self.backupCount = backupCount

    def _open(self) -> io.TextIOWrapper:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if hasattr(os, "fchmod"):  # a file an older version made with the umask's 0644
            os.fchmod(descriptor, 0o600)
        return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full_with(record):
                self._roll_over()
        except Exception:  # noqa: BLE001 - as logging does: a log line must not stop the app
            self.handleError(record)
            return
        super().emit(record)

    def _full_with(self, record: logging.LogRecord) -> bool:
        if not os.path.isfile(self.baseFilename) and os.path.exists(self.baseFilename):
            return False  # a device or a pipe (e.g. /dev/null) does not rotate
        if self.stream is None:
            self.stream = self._open()
        line = f"{self.format(record)}{self.terminator}"
        self.stream.seek(0, os.SEEK_END)  # an appending file's position starts at 0 (Windows)
        return self.stream.tell() + len(line) >= self.maxBytes

    def _roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # FileHandler opens it again at the next line
        for number in range(self.backupCount, 0, -1):
            older = f"{self.baseFilename}.{number - 1}" if number > 1 else self.baseFilename
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{number}")


_filter = RedactingFilter()
_library_filter = LibraryDetailFilter()


def add_secret(secret: str | None) -> None:
    """Redact this value from every log line from now on (e.g. a key typed into the app)."""
    _filter.add_secret(secret)


def guard_handlers() -> None:
    """Put the filters on every handler of the root logger, including one a library added
    itself (groq's GROQ_LOG calls logging.basicConfig, a stderr handler of its own)."""
    for handler in logging.getLogger().handlers:
        for guard in (_library_filter, _filter):  # dropping first: no work on dropped records
            if guard not in handler.filters:
                handler.addFilter(guard)


def close_logging() -> None:
    """Remove and close the handlers setup_logging added (the file stays readable and movable)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_desktop_chat", False):
            root.removeHandler(handler)
            handler.close()


def setup_logging(
    log_dir: Path,
    level: int | str = logging.INFO,
    secrets: Iterable[str | None] = (),
    stderr_level: int | None = logging.WARNING,
) -> Path | None:
    """Send the app's and its libraries' logs to `<log_dir>/desktop-chat.log` (rotated at 1 MB,
    three old files kept) and warnings to stderr when there is one. Returns the log file, or
    None when the folder cannot be written (then only stderr gets the logs)."""
    for secret in secrets:
        _filter.add_secret(secret)
    close_logging()
    root = logging.getLogger()
    formatter = logging.Formatter(FORMAT)
    handlers: list[logging.Handler] = []
    file_path = log_dir / LOG_FILE_NAME
    log_file: Path | None = file_path  # None once it turns out it cannot be written
    try:
        if not log_dir.is_dir():
            log_dir.mkdir(mode=0o700, parents=True)
        handlers.append(
            PrivateRotatingFileHandler(
                file_path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
        )
    except OSError as exc:
        log_file = None
        print(
            f"Desktop Chat: cannot write logs to {log_dir} ({exc.strerror or exc})", file=sys.stderr
        )
    if stderr_level is not None and sys.stderr is not None:  # None in a windowed Windows app
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(stderr_level if log_file else min(stderr_level, logging.INFO))
        handlers.append(console)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler._desktop_chat = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    guard_handlers()
    root.setLevel(level)
    # Request lines from httpx are fine at INFO (method, URL, status); nothing lower.
    for noisy in ("httpx", "httpcore", "groq", "asyncio", "qasync"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, root.level))
    return log_file
