"""Words for people from the layers that import no Qt (core, llm, store).

The core builds messages a person reads (why a reply stopped, why a file cannot be imported,
the sync status). It calls `translate(context, text)` here; the ui installs Qt's translator at
start-up (`install`, done by `ui/language.py`), and until then, or in tests of the core, the
English source text comes back. Placeholders are `str.format` names (`{wait}`), filled in after
translating, so a translation may move them; `%n` is the count of a plural (`n`), as in Qt.

`scripts/update-translations` (pyside6-lupdate) finds these calls by the name `translate`, so
the text must be a string literal at the call. A text kept for later (a constant, or a reason
stored with a reply) is marked with `translatable(context, text)`, which the script tells
lupdate to read as QT_TRANSLATE_NOOP, and translated where it is shown. A stored reason stays
in English in the database (it syncs to devices in other languages) and is worded on display.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str, "str | None", int], str]


def _english(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return text.replace("%n", str(n)) if n >= 0 else text


def _english_number(value: int) -> str:
    return f"{value:,}"


def _english_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


_translator: Translator = _english
_number: Callable[[int], str] = _english_number
_size: Callable[[int], str] = _english_size


def install(
    translator: Translator | None,
    number: Callable[[int], str] | None = None,
    size: Callable[[int], str] | None = None,
) -> None:
    """Use `translator` (QCoreApplication.translate's signature), `number` (the locale's
    digit grouping) and `size` (a file size the locale's way) from now on; None: English."""
    global _translator, _number, _size
    _translator = translator or _english
    _number = number or _english_number
    _size = size or _english_size


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return _translator(context, text, disambiguation, n)


def number(value: int) -> str:
    """A count as the reader's locale writes it: 12,000 / 12.000."""
    return _number(value)


def byte_size(size: int) -> str:
    """A file size in bytes, KB (1,024 bytes) or MB, as the reader's locale writes it."""
    return _size(size)


def translatable(context: str, text: str) -> str:
    """Marks `text` for extraction under `context` and returns it untranslated."""
    return text
