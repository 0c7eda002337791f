"""A link whose text names one host but opens another asks first; its real target shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from desktop_chat.core.links import misleading, named_host
from desktop_chat.ui.transcript import Role
from tests.test_ui_tools import click, row_rect
from tests.ui_helpers import ChatApp


@pytest.mark.parametrize(
    ("text", "host", "asks"),
    [
        ("https://bank.example", "evil.example", True),
        ("bank.example/login", "evil.example", True),
        ("www.bank.example", "bank.example", False),
        ("docs.python.org", "python.org", False),
        ("https://bank.example", "bank.example", False),
        ("the docs", "evil.example", False),
        ("here", "bank.example", False),
        ("bаnk.example", "bank.example", True),  # a Cyrillic "а": another name altogether
    ],
)
def test_link_text_that_names_another_host_is_misleading(text, host, asks) -> None:
    assert misleading(text, host) is asks


def test_named_host_reads_a_url_or_a_bare_name() -> None:
    assert named_host("https://user@Bank.Example:8443/x?y") == "bank.example"
    assert named_host("no host here") is None


class Opened(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened():
    """Qt's own hook for where http(s) URLs go: here, a list instead of a browser."""
    handler = Opened()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


def test_a_link_faking_its_target_asks_before_opening(
    qtbot, run, groq_server, isolated_environment, opened
) -> None:
    groq_server.reply_text = (
        "Log in at [https://bank.example](https://evil.example/steal) "
        "or read [the docs](https://docs.example/)."
    )
    app = ChatApp(qtbot, run, isolated_environment, groq_server)
    app.send_and_wait("links")
    reply = app.last(Role.ASSISTANT)
    rect = row_rect(app, reply)
    delegate = app.window.delegate

    click(qtbot, app, delegate.anchor_rect(reply, rect, "https://docs.example/").center())
    assert opened.urls == ["https://docs.example/"]  # its text names no host: opened at once

    click(qtbot, app, delegate.anchor_rect(reply, rect, "https://evil.example/steal").center())
    box = app.window.link_box
    qtbot.waitUntil(box.isVisible)
    assert opened.urls == ["https://docs.example/"]  # not yet
    assert "bank.example" in box.text() and "evil.example" in box.text()
    assert box.textFormat().name == "PlainText"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Open).click()
    assert opened.urls[-1] == "https://evil.example/steal"
    app.close()
