#!/usr/bin/env python3
"""Regenerates the README's keyboard table from the shortcut table the app binds."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop_chat.ui.shortcuts import markdown_table  # noqa: E402

BLOCK = re.compile(r"(<!-- shortcuts:begin[^\n]*-->\n).*?(<!-- shortcuts:end -->)", re.S)


def updated(readme: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + markdown_table() + "\n" + m.group(2), readme)


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(updated(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {path}")
