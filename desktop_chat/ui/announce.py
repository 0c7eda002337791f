"""What a screen reader is told without moving its focus (AT-SPI "object:announcement").

A screen reader stays where the user is, usually the composer, while the app works: a reply
streams in, an error comes back, a session is deleted. The status line below the composer
says each of these, but a status label changing its text is not read out; an announcement is.
`announce` is polite by default (said after what the reader is saying); errors are assertive
(said at once). The status line announces each new status itself (MainWindow.show_status), except
what changes many times a second or counts down (the reply's progress, a retry's seconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def announce(source: QWidget, text: str, assertive: bool = False) -> None:
    """Say `text` now, from `source` (a widget of the window it concerns)."""
    if not text.strip():
        return
    # Imported at the first announcement, not with the window: naming QAccessible makes PySide
    # build its eight Python enums (~190 members, ~12M instructions) before the first paint.
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    event = QAccessibleAnnouncementEvent(source, text)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)
