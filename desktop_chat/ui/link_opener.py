"""Opening a link from model text: only http(s), and a question first when the link's text
names another host than the one it opens (core/links.py decides which)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_chat.core.links import misleading, named_host

translate = QCoreApplication.translate


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
        translate("LinkOpener", "Open this link?"),
        translate(
            "LinkOpener", "The link’s text reads “{name}”, but it opens {host}.\n\n{url}"
        ).format(
            name=named_host(text),
            host=host,
            url=url.toString(QUrl.ComponentFormattingOption.FullyEncoded),
        ),
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # model text: never markup
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Open).setText(
        translate("LinkOpener", "Open {host}").format(host=host)
    )
    box.accepted.connect(lambda: QDesktopServices.openUrl(url))
    box.open()
    return box
