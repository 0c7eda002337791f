"""The language of the window: Qt translators, and the locale dates and numbers are written in.

Chosen at start-up (`install_language`), highest first: `DESKTOP_CHAT_LANGUAGE` (`en`, `de`,
`system`), the Settings choice (`preferences/language`), the system's locale. The app's own
words come from resources/i18n/desktop_chat_<lang>.qm (made from the .ts by
scripts/update-translations, and committed, so a checkout, an editable install and the bundle
all find it in resources/); Qt's own (standard buttons, the text-field menu) from Qt's
qtbase_<lang>.qm. A change in Settings takes effect at the next start: retranslating every
built widget in place would need each one to rebuild its texts on LanguageChange.

Dates and numbers go through `locale()`: the system's locale, or the chosen language's
(de -> de_DE) when that is not the system's language. Under LANG=C (Qt's C locale, which writes
a short date "30 11") the system's locale is taken to be British English with the month's name
in short dates: "30 Nov", "14:05", "1,234".
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTime,
    QTranslator,
)

from desktop_chat import i18n
from desktop_chat.ui.theme import resources_dir

LANGUAGE_CHOICES = ("system", "en", "de")  # what Settings offers; "en" is the source text
SHIPPED = ("de",)
ENV_NAME = "DESKTOP_CHAT_LANGUAGE"
SETTING = "preferences/language"

_installed: list[QTranslator] = []
# LANG=C, LC_ALL=POSIX: a locale with no words or formats of its own; English stands in.
C_FALLBACK = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
C_FALLBACK_DATE = "d MMM yyyy"  # "30 Nov 2026": C's "30 11" reads as nothing


def translations_dir() -> Path:
    return resources_dir() / "i18n"


def qt_translations_dirs() -> list[str]:
    """Where Qt's own .qm files are: Qt's configured folder, and in a PyInstaller bundle the
    copy build.spec keeps (PySide6/Qt/translations), should the two differ."""
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        folders.append(str(Path(frozen_root) / "PySide6" / "Qt" / "translations"))
    return folders


def chosen_language(store: QSettings | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """ "system", "en" or "de": the environment's choice, else the saved one, else "system"."""
    for value in (environ.get(ENV_NAME), store.value(SETTING) if store is not None else None):
        choice = str(value or "").strip().lower().replace("-", "_").split("_")[0]
        if choice in LANGUAGE_CHOICES:
            return choice
    return "system"


def system_locale() -> QLocale:
    """The system's locale, or C_FALLBACK under LANG=C."""
    system = QLocale.system()
    return C_FALLBACK if _is_c(system) else system


def _is_c(locale: QLocale) -> bool:
    return locale.language() == QLocale.Language.C


def locale_for(choice: str) -> QLocale:
    system = system_locale()
    if choice == "system":
        return system
    wanted = QLocale(choice)
    return system if system.language() == wanted.language() else wanted


def install_language(choice: str) -> QLocale:
    """Install the translators for `choice` (replacing earlier ones) and make its locale the
    default one; returns that locale."""
    app = _app()
    remove_translations()
    locale = locale_for(choice)
    QLocale.setDefault(locale)
    # English has a .qm too, for its plurals ("%n matches" -> "1 match"); Qt's is not needed.
    sources = [("desktop_chat", [str(translations_dir())])]
    if locale.language() != QLocale.Language.English:
        sources.append(("qtbase", qt_translations_dirs()))
    for name, folders in sources:
        translator = QTranslator(app)
        if any(translator.load(locale, name, "_", folder) for folder in folders):
            app.installTranslator(translator)
            _installed.append(translator)
    i18n.install(QCoreApplication.translate, number, byte_size)
    return locale


def _app() -> QCoreApplication:
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("ui/language.py needs the QApplication first")
    return app


def remove_translations() -> None:
    """Back to the source text (English) and the system's locale."""
    app = _app()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(system_locale())
    i18n.install(None)


def installed_translations() -> list[str]:
    """The .qm files in use, for the self-test and the log."""
    return [translator.filePath() for translator in _installed]


def locale() -> QLocale:
    """The default set by install_language, else the system's (C_FALLBACK for LANG=C)."""
    default = QLocale()
    return C_FALLBACK if _is_c(default) else default


def number(value: int | float, decimals: int = 0) -> str:
    """1234567 -> "1,234,567" (en) or "1.234.567" (de)."""
    if isinstance(value, int) or decimals == 0:
        return locale().toString(round(value))
    return locale().toString(float(value), "f", decimals)


def byte_size(size: int) -> str:
    """A file size as the locale writes it, in units of 1,024 bytes (as the limits are set):
    "512 bytes", "12 KB", "1.5 MB" / "512 Bytes", "12 KB", "1,5 MB"."""
    translate = QCoreApplication.translate
    if size < 1024:
        return translate("Sizes", "%n bytes", None, size)
    if size < 1024 * 1024:
        return translate("Sizes", "{size} KB").format(size=number(size / 1024))
    return translate("Sizes", "{size} MB").format(size=number(size / (1024 * 1024), 1))


_YEAR = r"^y+[^dMy]*|[^dMy]*y+$"  # the year, first or last, with its separator


def clock_time(moment: datetime) -> str:
    """The local time of day as the locale writes it: "2:05 PM" / "14:05"."""
    local = moment.astimezone()
    return locale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)


def short_date(moment: datetime, with_year: bool = True) -> str:
    """The local date in the locale's short form ("12/1/26" / "01.12.26"), or without the year
    (the same form with the year cut off: "12/1" / "01.12"); under LANG=C "30 Nov 2026" /
    "30 Nov"."""
    local = moment.astimezone()
    date = QDate(local.year, local.month, local.day)
    pattern = locale().dateFormat(QLocale.FormatType.ShortFormat)
    if _is_c(QLocale.system()) and locale().language() == QLocale.Language.English:
        pattern = C_FALLBACK_DATE
    if not with_year:
        pattern = re.sub(_YEAR, "", pattern) or pattern
    return locale().toString(date, pattern)
