"""The Qt classes a window's first reply names that start-up does not, named ahead of it.

PySide builds a class's Python enums the first time the class is named (QStyle alone has ~570
members). Start-up leaves them out so the window paints sooner; the first reply would then build
them while its first frames are drawn (~20 ms on the test machine: QAccessible for the
announcements, QGradient, QTextLine, dates, and QStyle where nothing before the paint named it,
as in bench/stream_window.py). app.py names them once
the window is up, a class per turn of the event loop, so no turn holds the UI long.
"""

from __future__ import annotations

import asyncio


async def name_first_reply_classes() -> None:
    from PySide6 import QtCore, QtGui, QtWidgets

    for module, name in (
        (QtWidgets, "QStyle"),
        (QtGui, "QAccessible"),
        (QtGui, "QGradient"),
        (QtGui, "QTextLine"),
        (QtCore, "QTimeZone"),
        (QtCore, "QDate"),
    ):
        getattr(module, name)
        await asyncio.sleep(0)
