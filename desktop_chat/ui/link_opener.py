"""Opening a link from model text: only http(s), and a question first when the link's text
names another host than the one it opens (core/links.py decides which)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_chat.core.links import misleading, named_host


def open_link(url: QUrl, text: str, parent: QWidget) -> QMessageBox | None:
    """Open `url`, or ask first; returns the open question, if one was asked."""
    if url.scheme() not in ("http", "https"):
        return None
    host = url.host(QUrl.ComponentFormattingOption.FullyEncoded)
    if not misleading(text, host):
        QDesktopServices.openUrl(url)
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Open this link?",
        f"The link’s text reads “{named_host(text)}”, but it opens {host}.\n\n"
        f"{url.toString(QUrl.ComponentFormattingOption.FullyEncoded)}",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # model text: never markup
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Open).setText(f"Open {host}")
    box.accepted.connect(lambda: QDesktopServices.openUrl(url))
    box.open()
    return box
