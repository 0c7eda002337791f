"""Colours of the glass theme, shared by the QSS and by the painted bubbles."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor


def resources_dir() -> Path:
    """resources/ beside the package in a checkout, or inside the bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@dataclass(frozen=True)
class Theme:
    name: str
    background_top: str
    background_bottom: str
    panel: str
    panel_border: str
    text: str
    muted: str
    accent: str
    link: str  # links in message text: the accent, lightened where it must read on a dark bubble
    user_bubble: str
    assistant_bubble: str
    summary_bubble: str
    error_bubble: str
    error_text: str
    code_background: str

    def color(self, name: str) -> QColor:
        return QColor(getattr(self, name))


DARK = Theme(
    name="dark",
    background_top="#1d2140",
    background_bottom="#3a1f4d",
    panel="rgba(255, 255, 255, 20)",
    panel_border="rgba(255, 255, 255, 40)",
    text="#eef0fa",
    muted="#a9aecb",
    accent="#7c8cff",
    link="#95a2ff",
    user_bubble="#4f5fd6",
    assistant_bubble="#2b2f52",
    summary_bubble="#2d4a45",
    error_bubble="#4f2530",
    error_text="#ffb4c0",
    code_background="#1b1d33",
)

LIGHT = Theme(
    name="light",
    background_top="#dfe7fb",
    background_bottom="#f4e3f3",
    panel="rgba(255, 255, 255, 150)",
    panel_border="rgba(255, 255, 255, 220)",
    text="#1d2033",
    muted="#5c627d",
    accent="#4656d8",
    link="#4656d8",
    user_bubble="#4f5fd6",
    assistant_bubble="#ffffff",
    summary_bubble="#dff2ec",
    error_bubble="#fde3e7",
    error_text="#9b1c31",
    code_background="#eef0f8",
)

THEMES = {"dark": DARK, "light": LIGHT}


def stylesheet(theme: Theme) -> str:
    """style.qss with the theme's colours filled into its {{name}} slots."""
    qss = (resources_dir() / "style.qss").read_text(encoding="utf-8")
    for name, value in vars(theme).items():
        qss = qss.replace("{{" + name + "}}", value)
    return qss
