"""Translations (issue 15 item 6): every text of the app through tr(), German shipped in full,
dates and numbers in the locale's way. Offscreen; tests/test_real_translations.py looks at a
real German window."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QLineEdit

from desktop_chat import i18n
from desktop_chat.ui import language
from tests.ui_helpers import ChatApp

ROOT = Path(__file__).resolve().parents[1]
GERMAN_TS = ROOT / "resources" / "i18n" / "desktop_chat_de.ts"
PLACEHOLDER = re.compile(r"\{\w*\}|%L?n")


def ts_messages(path: Path) -> list[tuple[str, str, list[str]]]:
    """(context, source, translated forms) of every message in a .ts file."""
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            if translation.get("type") == "unfinished":
                forms = []
            found.append((context.findtext("name"), message.findtext("source"), forms))
    return found


@pytest.fixture
def german(qapp):
    locale = language.install_language("de")
    yield locale
    language.install_language("en")  # as the rest of the suite runs


def test_the_committed_translations_are_complete_and_compiled() -> None:
    """scripts/update-translations --check: fails on a text added to the code and not to the
    .ts, one left unfinished, one gone from the code, or a .qm older than its .ts."""
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update-translations"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_check_notices_a_new_untranslated_text(tmp_path: Path, monkeypatch) -> None:
    """The same check, on a copy of the package with one new text in it."""
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader(
        "update_translations", str(ROOT / "scripts" / "update-translations")
    )
    script = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    monkeypatch.setitem(sys.modules, loader.name, script)  # dataclasses look their module up
    loader.exec_module(script)
    planted = tmp_path / "desktop_chat"
    planted.mkdir()
    for path in (ROOT / "desktop_chat").rglob("*.py"):
        target = planted / path.relative_to(ROOT / "desktop_chat")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(script, "SOURCES", planted)
    assert script.problems("de", script.collect()) == [], "the copy itself is complete"
    (planted / "ui" / "planted.py").write_text(
        'label.setText(translate("Planted", "A label nobody translated"))\n', encoding="utf-8"
    )
    found = script.problems("de", script.collect())
    assert sorted(found) == [
        "desktop_chat_de.ts: new text: Planted: 'A label nobody translated'",
        "desktop_chat_de.ts: not translated: Planted: 'A label nobody translated'",
    ]


def test_every_text_has_a_german_translation_with_the_same_placeholders() -> None:
    messages = ts_messages(GERMAN_TS)
    assert len(messages) > 100
    for context, source, forms in messages:
        assert forms and all(forms), f"{context}: {source!r} has no German translation"
        wanted = sorted(PLACEHOLDER.findall(source))
        for form in forms:
            # A singular may say "eine" for %n; every other placeholder must be kept.
            assert sorted(PLACEHOLDER.findall(form)) in (
                wanted,
                sorted(p for p in wanted if p not in ("%n", "%Ln")),
            ), f"{context}: {source!r} -> {form!r}"


def test_texts_reach_translate_as_literals() -> None:
    """The extraction reads string literals: an f-string, a concatenation or a .format() built
    inside translate() would be missed (and never translated). Translating a value marked
    elsewhere (a variable, a stored reason) is fine."""
    problems = []
    for path in sorted((ROOT / "desktop_chat").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", None)  # translate(...), translatable(...)
            if getattr(getattr(node.func, "value", None), "id", None) == "QCoreApplication":
                name = node.func.attr  # QCoreApplication.translate(...)
            if name not in ("translate", "translatable"):
                continue
            text = node.args[1]
            built = isinstance(text, ast.JoinedStr | ast.BinOp) or (
                isinstance(text, ast.Call) and getattr(text.func, "attr", None) == "format"
            )
            literal = isinstance(text, ast.Constant) and isinstance(text.value, str)
            if built or (name == "translatable" and not literal):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not problems, problems


def test_the_german_qm_and_qts_own_load(german) -> None:
    files = [Path(p).name for p in language.installed_translations()]
    assert files == ["desktop_chat_de.qm", "qtbase_de.qm"], files
    translate = QCoreApplication.translate
    assert translate("Welcome", "What can I help with?") == "Wobei kann ich helfen?"
    from desktop_chat.models import SearchHit
    from desktop_chat.ui.session_panel import match_count_text

    assert match_count_text(SearchHit("s", "Titel", "…", "e", 1234)) == "1.234 Treffer"
    assert translate("SyncStatus", "%n changes waiting", None, 3) == "3 Änderungen warten"
    assert translate("SyncStatus", "%n changes waiting", None, 1) == "1 Änderung wartet"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)  # Qt's own words
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Abbrechen"
    # The core's messages go through the hook the ui installed.
    from desktop_chat.store.sync import SyncStatus

    assert SyncStatus(state="online").text == "Synchronisiert"
    assert i18n.number(1234567) == "1.234.567"


def test_english_gets_its_singulars(qapp) -> None:
    language.install_language("en")
    try:
        assert QCoreApplication.translate("UsageView", "{count} tokens", None, 1) == "{count} token"
        assert (
            QCoreApplication.translate("UsageView", "{count} tokens", None, 4) == "{count} tokens"
        )
        assert [Path(p).name for p in language.installed_translations()] == ["desktop_chat_en.qm"]
    finally:
        language.install_language("en")  # as the rest of the suite runs


def test_the_language_comes_from_the_environment_then_the_setting(tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    assert language.chosen_language(store, environ={}) == "system"
    store.setValue(language.SETTING, "de")
    assert language.chosen_language(store, environ={}) == "de"
    assert language.chosen_language(store, environ={"DESKTOP_CHAT_LANGUAGE": "en"}) == "en"
    assert language.chosen_language(store, environ={"DESKTOP_CHAT_LANGUAGE": "de_AT.UTF-8"}) == "de"
    store.setValue(language.SETTING, "klingon")
    assert language.chosen_language(store, environ={}) == "system"


def test_numbers_and_dates_follow_the_locale(german) -> None:
    assert german.language() == QLocale.Language.German
    assert language.number(12000) == "12.000"
    assert language.number(2.5, 1) == "2,5"
    assert language.byte_size(1_572_864) == "1,5 MB"
    assert language.byte_size(512) == "512 Bytes"
    from desktop_chat.core.attachments import human_size  # the core, through the i18n hook

    assert human_size(1_572_864) == "1,5 MB" and human_size(1) == "1 Byte"
    moment = datetime(2026, 3, 4, 15, 7, tzinfo=UTC)
    local = moment.astimezone()
    assert language.clock_time(moment) == f"{local.hour:02d}:{local.minute:02d}"
    assert language.short_date(moment) == f"{local.day:02d}.{local.month:02d}.26"
    assert language.short_date(moment, with_year=False) == f"{local.day:02d}.{local.month:02d}"
    language.install_language("en")
    assert language.number(12000) == "12,000"


C_LOCALE_PROBE = """
import json, sys
from datetime import UTC, datetime
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from desktop_chat.ui import language
app = QApplication([])
moment = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)
shown = {"qt": QLocale.system().name(), "bare": language.short_date(moment, with_year=False)}
for choice in ("system", "en"):
    language.install_language(choice)
    shown[choice] = [language.short_date(moment), language.short_date(moment, with_year=False),
                     language.number(1234567), language.byte_size(1_572_864)]
language.install_language("de")
shown["de"] = language.short_date(moment, with_year=False)
print(json.dumps(shown))
"""


@pytest.mark.parametrize("name", ["C", "POSIX", "C.UTF-8"])
def test_under_lang_c_dates_are_written_in_english(name: str) -> None:
    """Qt's C locale writes a short date "30 11" ("d MM yyyy"): under LANG=C the app writes
    English instead, with the month's name."""
    import json
    import os

    env = dict(os.environ, LANG=name, LC_ALL=name, QT_QPA_PLATFORM="offscreen")
    env.pop("LANGUAGE", None)
    done = subprocess.run(
        [sys.executable, "-c", C_LOCALE_PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["qt"] == "C"  # Qt saw LANG=C: what the fallback is for
    english = ["30 Nov 2025", "30 Nov", "1,234,567", "1.5 MB"]
    assert shown["system"] == english
    assert shown["en"] == english
    assert shown["de"] == "30.11"  # a chosen language still writes its own way
    assert shown["bare"] == "30 Nov"  # before any language is installed (scripts, tests)


def test_relative_times_in_german(german) -> None:
    from desktop_chat.ui.session_panel import relative_time

    now = datetime.now(UTC)
    assert relative_time(now - timedelta(seconds=5), now) == "gerade eben"
    assert relative_time(now - timedelta(minutes=7), now) == "vor 7 Min."


def visible_texts(widget) -> list[str]:
    """What the window says in its labels, buttons, placeholders and menus."""
    texts = []
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        texts.append(child.text())
        texts.append(child.toolTip())
    texts += [edit.placeholderText() for edit in widget.findChildren(QLineEdit)]
    for action in widget.findChildren(QAction):
        texts.append(action.text())
    return [text for text in texts if text and text.strip()]


def test_a_german_window_speaks_german(german, qtbot, run, tmp_path: Path, groq_server) -> None:
    app = ChatApp(qtbot, run, tmp_path / "data", groq_server)
    window = app.window
    texts = visible_texts(window)
    assert "Sitzungen" in texts  # the sidebar's title
    assert "+ Neu" in texts and "Beenden" in texts
    assert "Wobei kann ich helfen?" in texts
    assert window.sessions.search.placeholderText() == "Suchen  (Strg+K)"
    english = {source for _context, source, _forms in ts_messages(GERMAN_TS)}
    german_words = {form for _c, _s, forms in ts_messages(GERMAN_TS) for form in forms}
    left = sorted(t for t in set(texts) if t in english and t not in german_words)
    assert not left, f"English left in the German window: {left}"


def test_the_language_setting_is_saved_and_used_at_the_next_start(
    qapp, qtbot, tmp_path: Path
) -> None:
    from desktop_chat.ui.preferences import Preferences
    from desktop_chat.ui.settings_dialog import SettingsDialog

    store = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    dialog = SettingsDialog(Preferences(), None, has_session=False)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "system"
    assert [dialog.language.itemText(i) for i in (1, 2)] == ["English", "Deutsch"]
    hints = [label.text() for label in dialog.findChildren(QLabel)]
    assert "A new language is used from the next start of Desktop Chat." in hints
    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    dialog.chosen(Preferences()).save(store)

    # The next start (app.py) reads the saved choice before it builds a widget.
    choice = language.chosen_language(QSettings(store.fileName(), QSettings.Format.IniFormat), {})
    assert choice == "de"
    language.install_language(choice)
    try:
        again = SettingsDialog(Preferences.load(store), None, has_session=False)
        qtbot.addWidget(again)
        assert again.windowTitle() == "Einstellungen"
        assert again.language.currentData() == "de"
        assert [again.tabs.tabText(i) for i in range(3)] == ["Modell", "Gespräch", "Darstellung"]
        again.show_section("API key")  # error messages name sections in English
        assert again.tabs.tabText(again.tabs.currentIndex()) == "API-Schlüssel"
    finally:
        language.install_language("en")  # as the rest of the suite runs


@pytest.mark.parametrize("how", ["environment", "setting"])
def test_the_real_app_starts_in_german(tmp_path: Path, groq_server, how) -> None:
    """app.py installs the language before the window is built: from DESKTOP_CHAT_LANGUAGE,
    or from Settings -> Language saved by an earlier run (the QSettings file)."""
    from tests.support.app_process import AppProcess

    home, env = tmp_path / "home", {}
    if how == "environment":
        env["DESKTOP_CHAT_LANGUAGE"] = "de"
    else:
        saved = QSettings(
            str(home / "config" / "DesktopChat" / "DesktopChat.conf"), QSettings.Format.IniFormat
        )
        saved.setValue(language.SETTING, "de")
        saved.sync()
    app = AppProcess(home, tmp_path / "data", groq=groq_server, messages=["Hallo"], env=env)
    try:
        status = app.wait_for("replied", timeout=60)["status"]
    finally:
        app.close()
    assert re.match(r"\d+ Token · [\d.]+ Token/s · \d+ im Prompt", status), status


def test_the_palette_and_the_shortcut_sheet_in_german(qapp) -> None:
    """Each action of the palette, and each row of Ctrl+/, reads differently in German than in
    English (an action with no words of its own would show its English id)."""
    from desktop_chat.ui.command_palette import action_entries
    from desktop_chat.ui.dialogs import ShortcutsDialog
    from desktop_chat.ui.shortcuts import SHORTCUTS

    def shown() -> tuple[dict[str, str], list[tuple[str, str]]]:
        titles = {e.target: e.title for e in action_entries(SHORTCUTS, lambda _name: True)}
        sheet = ShortcutsDialog(tuple(s for s in SHORTCUTS if s.label))
        rows = sheet.rows()
        sheet.deleteLater()
        return titles, rows

    english_titles, english_rows = shown()
    language.install_language("de")
    try:
        german_titles, german_rows = shown()
    finally:
        language.install_language("en")
    same = [name for name, title in german_titles.items() if title == english_titles[name]]
    assert not same, same
    assert german_titles["new_session"] == "neue Sitzung"
    assert ("Strg+N", "neue Sitzung") in german_rows
    assert ("Entf", "gewählte Sitzung löschen (mit Rückfrage)") in german_rows
    unchanged = [row for row in german_rows if row[1] in {d for _k, d in english_rows}]
    assert not unchanged, unchanged


# Where a text reaches the screen, and which argument holds it.
TEXT_ARGUMENTS = {
    **dict.fromkeys(
        (
            "setText",
            "setToolTip",
            "setPlaceholderText",
            "setWindowTitle",
            "setAccessibleName",
            "setAccessibleDescription",
            "setStatusTip",
            "setLabelText",
            "show_status",
            "show_notice",
            "show_progress",
            "offer_undo",
            "QLabel",
            "QPushButton",
            "QCheckBox",
            "QAction",
            "QGroupBox",
            "addItem",
            "addRow",
            "addAction",
            "showMessage",
        ),
        (0,),
    ),
    "addTab": (1,),
    "QMessageBox": (1, 2),
    "plain_message_box": (1, 2),
}
NOT_WORDS = {"you@example.com", "gsk_…", " pt", "☰", "⋯", "Groq"}  # the same in any language
NOT_YET: set[str] = set()  # files the final translation pass has yet to reach


def test_no_text_reaches_the_screen_without_tr() -> None:
    """A literal or an f-string handed straight to a label, button, menu, status line or
    message box is English in every language: it must go through translate() first."""
    found = []
    for path in sorted((ROOT / "desktop_chat" / "ui").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name in NOT_YET:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            call = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            texts = [node.args[i] for i in TEXT_ARGUMENTS.get(call, ()) if i < len(node.args)]
            texts += [k.value for k in node.keywords if k.arg == "note"]
            for text in texts:
                literal = isinstance(text, ast.Constant) and isinstance(text.value, str)
                words = literal and any(c.isalpha() for c in text.value)
                # An f-string of translated parts ("{keys}: {description}") has no words.
                worded_f = isinstance(text, ast.JoinedStr) and any(
                    isinstance(part, ast.Constant) and any(c.isalpha() for c in part.value)
                    for part in text.values
                )
                if (words and text.value not in NOT_WORDS) or worded_f:
                    found.append(f"{name}:{node.lineno}: {ast.unparse(text)[:70]}")
    assert not found, "\n".join(found)


# Exceptions whose words are not the app's to translate: the server's own (Supabase), the
# self-test's console report, and a programmer's mistake caught when the window is built.
NOT_FOR_PEOPLE = {"RemoteUnavailable", "RemoteRejected", "SelfTestFailed", "UnknownAction"}
WORDS = re.compile(r"[A-Za-z]{2,}[:,.;!?]? | [A-Za-z]{2,}")  # a word beside a space: not an id
# Markup and style sheets are not words; the exported Markdown file and what the model is sent
# (its instructions, the default system prompt, the files' text) stay English on purpose.
NOT_WINDOW_TEXT = {"ui/markdown.py", "ui/plain_text.py", "ui/code_boxes.py"}
FOR_THE_MODEL = {"message_text", "export_markdown", "_blockquote"}
FOR_THE_MODEL |= {"SUMMARY_INSTRUCTIONS", "TITLE_INSTRUCTIONS", "DEFAULT_SYSTEM_PROMPT"}
# Calls whose text argument is no sentence for the window, or is collected another way.
NOT_TEXT_CALLS = {"compile", "strftime", "_add_style", "attrSet", "setDefaultStyleSheet"}
NOT_TEXT_CALLS |= {"Shortcut", "_page", "RuntimeError", "UnknownAction", "translate"}
NOT_TEXT_CALLS |= {"translatable", "debug", "info", "warning", "error", "exception"}
NOT_A_SENTENCE = {"d MMM yyyy", " pt"}  # a date pattern; a unit after a number


def app_exceptions() -> dict[str, int]:
    """Every exception class the app defines, by name, with the argument holding its words
    (LLMError(kind, message): 1; every other one: 0)."""
    found = {}
    for path in (ROOT / "desktop_chat").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                re.search(r"(Error|Exception|Refused|Rejected|Unavailable|Failed)$", ast.unparse(b))
                for b in node.bases
            ):
                found[node.name] = 1 if node.name == "LLMError" else 0
    return found


def worded(text: ast.AST) -> bool:
    """A literal or f-string with words in it (an f-string of translated parts has none)."""
    if isinstance(text, ast.IfExp):
        return worded(text.body) or worded(text.orelse)
    if isinstance(text, ast.BinOp):
        return worded(text.left) or worded(text.right)
    if isinstance(text, ast.JoinedStr):
        return any(worded(part) for part in text.values)
    return (
        isinstance(text, ast.Constant)
        and isinstance(text.value, str)
        and text.value not in NOT_A_SENTENCE
        and bool(WORDS.search(text.value))
    )


def test_no_message_for_people_skips_the_translation_hook() -> None:
    """The words of every exception the app defines (found, not listed: a new one is checked
    too) go through translate(), unless they are the server's or for the log."""
    exceptions = {n: i for n, i in app_exceptions().items() if n not in NOT_FOR_PEOPLE}
    assert {"AttachmentRefused", "VoiceError", "SchemaOutdated", "LLMError"} <= set(exceptions)
    found = []
    for path in sorted((ROOT / "desktop_chat").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            call = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = exceptions.get(call)
            if index is None or len(node.args) <= index:
                continue
            if worded(node.args[index]):
                shown = ast.unparse(node.args[index])
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {shown[:70]}")
    assert not found, "\n".join(found)


def test_no_text_reaches_people_by_other_paths() -> None:
    """Words that reach the window with no widget setter at the call: an exception's message
    (AttachmentRefused, shown in the status line), a function returning a sentence (a chip's
    "Downscaled from …", a size "12 KB"), a note handed to a list or a helper shown later, a
    module constant of words. In ui/ and core/, each must come out of translate()."""
    found = []
    for path in sorted((ROOT / "desktop_chat").rglob("*.py")):
        name = path.relative_to(ROOT / "desktop_chat").as_posix()
        if name.split("/")[0] not in ("ui", "core") or name in NOT_WINDOW_TEXT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {  # inside a function for the model, or a call that holds no sentence
            id(inner)
            for node in ast.walk(tree)
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name in FOR_THE_MODEL
            )
            or (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                in NOT_TEXT_CALLS
            )
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Return) and node.value is not None:
                texts = [node.value]
            elif isinstance(node, ast.Call):
                texts = list(node.args)
            elif isinstance(node, ast.Assign) and node in tree.body:  # a module constant
                if any(getattr(t, "id", "") in FOR_THE_MODEL for t in node.targets):
                    continue
                texts = [node.value]
            else:
                continue
            found += [f"{name}:{node.lineno}: {ast.unparse(t)[:70]}" for t in texts if worded(t)]
    assert not found, "\n".join(sorted(set(found)))
