"""The log file: where it goes, that it rotates, and that no key or message text reaches it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from desktop_chat import logs
from desktop_chat.logs import RedactingFilter, setup_logging

GROQ_KEY = "gsk_" + "A1b2C3d4E5f6G7h8I9j0" * 2
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlX29mX3RoZV90b2tlbg"


NOISY = ("httpx", "httpcore", "groq", "asyncio", "qasync")


@pytest.fixture
def restore_logging():
    """setup_logging changes process-wide state: put the root logger and the libraries'
    levels back as they were."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in NOISY}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name, noisy_level in levels.items():
        logging.getLogger(name).setLevel(noisy_level)


@pytest.fixture
def log_file(tmp_path: Path, restore_logging):
    return setup_logging(tmp_path / "logs", stderr_level=None)


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "line",
    [
        f"Groq request with key {GROQ_KEY} failed",
        f"headers: {{'Authorization': 'Bearer {GROQ_KEY}'}}",
        "Authorization: Bearer abc.def-ghi_jkl",
        f"Supabase token {JWT}",
        "url=https://x.supabase.co/rest/v1/events?apikey=secretvalue123&select=*",
        'payload {"api_key": "plain-secret-value"}',
    ],
)
def test_secret_shapes_are_redacted(line: str) -> None:
    redacted = RedactingFilter().redact(line)
    assert "[redacted]" in redacted
    for secret in (GROQ_KEY, JWT, "abc.def-ghi_jkl", "secretvalue123", "plain-secret-value"):
        assert secret not in redacted


def test_ordinary_text_is_left_alone() -> None:
    line = "Groq request failed: rate_limit (RateLimitError, HTTP 429); retry in 3 seconds"
    assert RedactingFilter().redact(line) == line


def test_configured_key_values_are_redacted_whatever_their_shape(log_file: Path) -> None:
    odd_key = "not-shaped-like-any-key-0123"
    logs.add_secret(odd_key)
    logging.getLogger("desktop_chat.test").warning("the server echoed %s back", odd_key)
    text = read(log_file)
    assert "the server echoed [redacted] back" in text
    assert odd_key not in text


def test_log_file_in_the_log_dir_at_info(log_file: Path, tmp_path: Path) -> None:
    assert log_file == tmp_path / "logs" / "desktop-chat.log"
    logging.getLogger("desktop_chat.test").debug("debug detail")
    logging.getLogger("desktop_chat.test").info("started with key %s", GROQ_KEY)
    text = read(log_file)
    assert "INFO desktop_chat.test: started with key gsk_[redacted]" in text
    assert "debug detail" not in text  # INFO is the default level
    assert GROQ_KEY not in text


def test_tracebacks_are_redacted_too(log_file: Path) -> None:
    try:
        raise RuntimeError(f"HTTP 401 for key {GROQ_KEY}")
    except RuntimeError:
        logging.getLogger("desktop_chat.test").exception("request failed")
    text = read(log_file)
    assert "RuntimeError: HTTP 401 for key gsk_[redacted]" in text
    assert GROQ_KEY not in text


def test_the_file_rotates(log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handler = next(
        h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(log_file)
    )
    monkeypatch.setattr(handler, "maxBytes", 2_000)
    for number in range(200):
        logging.getLogger("desktop_chat.test").info("line %d of a long session", number)
    handler.flush()
    rotated = sorted(p.name for p in log_file.parent.iterdir())
    assert rotated == [
        "desktop-chat.log",
        "desktop-chat.log.1",
        "desktop-chat.log.2",
        "desktop-chat.log.3",
    ]


def test_an_unwritable_log_dir_does_not_stop_the_app(tmp_path: Path, restore_logging) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert setup_logging(blocker / "logs", stderr_level=None) is None


def test_the_app_logs_no_message_text_at_info(
    groq_server, qtbot, run, isolated_environment, log_file: Path
) -> None:
    """A whole exchange, with the log file set up as the app does: the words typed and the
    words of the reply are nowhere in it."""
    from tests.ui_helpers import ChatApp

    groq_server.reply_text = "Zebra-unicorns-8812 graze on the **far** side of the moon."
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    app.send_and_wait("Tell me about the zebra-unicorn-4471")
    app.close()
    text = read(log_file)
    assert "zebra-unicorn-4471" not in text
    assert "Zebra-unicorns-8812" not in text
    assert groq_server.api_key not in text
    assert "INFO" in text  # the exchange did log (httpx's request line at least)


@pytest.mark.parametrize("log_level", ["INFO", "DEBUG"])
def test_groq_log_debug_puts_no_prompt_and_no_key_in_the_log(
    groq_server, tmp_path: Path, log_level: str
) -> None:
    """GROQ_LOG=debug makes the groq SDK log each request's options, the prompt included, and
    install its own stderr handler. The real app, started that way (and with --log-level DEBUG
    too), must keep the prompt, the reply and the key out of its log file and stderr."""
    from tests.support.app_process import AppProcess

    marker, reply_marker = "Marker-question-5531", "Marker-reply-7719"
    groq_server.reply_text = f"{reply_marker} is the answer."
    home = tmp_path / "home"
    child = AppProcess(
        home,
        tmp_path / "data",
        groq=groq_server,
        quit=True,
        messages=[f"What is {marker}?"],
        args=["--log-level", log_level],
        env={"GROQ_LOG": "debug"},
    )
    try:
        assert child.wait_for("replied", timeout=30)
        assert child.wait_for("exit")["code"] == 0
        child.wait()
    finally:
        child.close()
    assert groq_server.requests[0]["messages"][-1]["content"] == f"What is {marker}?"
    [log] = (home / "state").rglob(logs.LOG_FILE_NAME)
    text = log.read_text(encoding="utf-8")
    assert "POST" in text and "chat/completions" in text  # the request itself is logged
    for secret in (marker, reply_marker, groq_server.api_key):
        assert secret not in text
        assert secret not in child.stderr


def test_a_handler_a_library_installed_itself_is_guarded_too(
    tmp_path: Path, restore_logging, capsys
) -> None:
    """groq's GROQ_LOG=debug calls logging.basicConfig when it is imported before the app set
    up logging: that stderr handler gets the same filters."""
    import sys

    foreign = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(foreign)
    setup_logging(tmp_path / "logs", stderr_level=None)
    logging.getLogger("groq._base_client").setLevel(logging.DEBUG)
    logging.getLogger("groq._base_client").debug("Request options: {'content': 'secret words'}")
    logging.getLogger("groq._base_client").warning("key %s refused", GROQ_KEY)
    err = capsys.readouterr().err
    assert "secret words" not in err
    assert "refused" in err and GROQ_KEY not in err
