"""Colours of the glass theme, shared by the QSS and by the painted bubbles."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


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
    # Dialogs, fields and popups are opaque: text on them must read at 4.5:1 (WCAG AA) whatever
    # is behind the window, and Qt cannot blur what a translucent popup covers.
    dialog: str
    field: str
    field_border: str
    popup: str
    header: str
    accent_fill: str  # behind white text (buttons, selected items): 4.5:1 against white
    danger_fill: str
    scrollbar: str

    def color(self, name: str) -> QColor:
        return QColor(getattr(self, name))


DARK = Theme(
    name="dark",
    background_top="#1d2140",
    background_bottom="#3a1f4d",
    panel="rgba(255, 255, 255, 20)",
    panel_border="rgba(255, 255, 255, 40)",
    text="#eef0fa",
    muted="#bec2dc",
    accent="#8e9bff",
    link="#95a2ff",
    user_bubble="#4f5fd6",
    assistant_bubble="#2b2f52",
    summary_bubble="#2d4a45",
    error_bubble="#4f2530",
    error_text="#ffb4c0",
    code_background="#1b1d33",
    dialog="#22264a",
    field="#2c3158",
    field_border="#4a5080",
    popup="#2a2e54",
    header="#343a66",
    accent_fill="#5563e0",
    danger_fill="#c0435a",
    scrollbar="rgba(255, 255, 255, 115)",
)

LIGHT = Theme(
    name="light",
    background_top="#dfe7fb",
    background_bottom="#f4e3f3",
    panel="rgba(255, 255, 255, 150)",
    panel_border="rgba(255, 255, 255, 220)",
    text="#1d2033",
    muted="#4e546b",
    accent="#4656d8",
    link="#4656d8",
    user_bubble="#4f5fd6",
    assistant_bubble="#ffffff",
    summary_bubble="#dff2ec",
    error_bubble="#fde3e7",
    error_text="#9b1c31",
    code_background="#eef0f8",
    dialog="#eef1fb",
    field="#ffffff",
    field_border="#b9c0dc",
    popup="#ffffff",
    header="#e1e6f7",
    accent_fill="#4656d8",
    danger_fill="#b8334c",
    scrollbar="rgba(29, 32, 51, 150)",
)

THEMES = {"dark": DARK, "light": LIGHT}


def stylesheet(theme: Theme) -> str:
    """style.qss with the theme's colours filled into its {{name}} slots ({{icons}}: the folder
    of the arrow and check marks drawn in the theme's text colour)."""
    qss = (resources_dir() / "style.qss").read_text(encoding="utf-8")
    for name, value in vars(theme).items():
        qss = qss.replace("{{" + name + "}}", value)
    return qss.replace("{{icons}}", (resources_dir() / "icons" / theme.name).as_posix())


def palette(theme: Theme) -> QPalette:
    """The theme as a palette, for what style sheets do not reach: the default style's arrows and
    check marks, placeholder text, and widgets a style sheet rule does not name."""
    colours = {
        QPalette.ColorRole.Window: theme.dialog,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.field,
        QPalette.ColorRole.AlternateBase: theme.header,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.field,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: theme.accent_fill,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: theme.popup,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Link: theme.accent,
        QPalette.ColorRole.LinkVisited: theme.accent,
        QPalette.ColorRole.Light: theme.field_border,
        QPalette.ColorRole.Midlight: theme.field_border,
        QPalette.ColorRole.Mid: theme.field_border,
        QPalette.ColorRole.Dark: theme.dialog,
        QPalette.ColorRole.Shadow: "#000000",
    }
    result = QPalette()
    for role, value in colours.items():
        result.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    return result


def apply_theme(theme: Theme) -> None:
    """Theme the whole application, not one window: message boxes, input and file dialogs,
    menus, combo box popups and tooltips are top-level windows of their own, and a tooltip
    follows only the application's style sheet."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("apply_theme() needs the QApplication, made before any window")
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))
