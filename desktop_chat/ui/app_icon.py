"""The app icon, from the PNG sizes in resources/icons/ (rendered from its SVG by scripts/make-icons)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

from desktop_chat.ui.theme import resources_dir

ICON_NAME = "desktop_chat"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def app_icon(largest: int | None = None) -> QIcon:
    """Every PNG size of the icon (up to `largest` px), so each place (title bar, task bar,
    switcher) gets a sharp one. A null QIcon when the files are missing: the app then runs with
    the platform's default."""
    icon = QIcon()
    for png in sorted(icons_dir().glob(f"{ICON_NAME}-*.png")):
        if largest is None or int(png.stem.rsplit("-", 1)[1]) <= largest:
            icon.addFile(str(png))
    return icon
