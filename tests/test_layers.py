"""The import contract of docs/architecture.md: ui -> core -> llm, store -> models.

Every module under desktop_chat is parsed (not imported) and each of its imports, at any depth
(a function's lazy import counts too), is checked against the rules below. Only the composition
roots (app.py, selftest.py, __main__.py) may import everything: they wire the layers together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "desktop_chat"
QT = ("PySide6", "shiboken6", "qasync")

# Per layer: the modules (by dotted prefix) it must not import, and why.
FORBIDDEN: dict[str, dict[str, str]] = {
    "desktop_chat.core": {
        "desktop_chat.ui": "the core is below the window",
        **{name: "the core imports no Qt (tested without a window)" for name in QT},
    },
    "desktop_chat.llm": {
        "desktop_chat.core": "llm is below the core",
        "desktop_chat.store": "llm knows nothing of storage",
        "desktop_chat.ui": "llm is below the window",
        **{name: "llm imports no Qt" for name in QT},
    },
    "desktop_chat.store": {
        "desktop_chat.core": "the store sees the domain types through desktop_chat.models",
        "desktop_chat.ui": "the store is below the window",
        "desktop_chat.llm": "the store knows nothing of the model provider",
        **{name: "the store imports no Qt" for name in QT},
    },
    "desktop_chat.models": {
        "desktop_chat": "the data model is the bottom: it imports nothing of the app",
        **{name: "the data model imports no Qt" for name in QT},
    },
    "desktop_chat.ui": {
        "desktop_chat.store": "the window reaches storage through the core (ChatService)",
    },
}
# Configuration, logging and the translation hook are imported by every layer (the store reads
# the keychain's service name), so they import none.
for _module in ("desktop_chat.settings", "desktop_chat.logs", "desktop_chat.i18n"):
    FORBIDDEN[_module] = {
        **{
            layer: "every layer imports it, so it imports no layer"
            for layer in (
                "desktop_chat.core",
                "desktop_chat.llm",
                "desktop_chat.store",
                "desktop_chat.ui",
                "desktop_chat.models",
            )
        },
        **{name: "it imports no Qt" for name in QT},
    }

# ui -> store imports that exist today (issue 13), each to be routed through the core; this list
# only shrinks. (module, imported module)
UI_STORE_EXEMPTIONS = {
    # SyncStatus, AuthFailed, RemoteUnavailable: the Account section and status label.
    ("desktop_chat.ui.account", "desktop_chat.store.supabase"),
    ("desktop_chat.ui.account", "desktop_chat.store.sync"),
    # StoreError: the window tells the user a save failed.
    ("desktop_chat.ui.main_window", "desktop_chat.store.base"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) imports, as absolute dotted names."""
    found: set[str] = set()
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .base import X, from .. import y
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            if target == "desktop_chat" or target.startswith("desktop_chat."):
                # `from desktop_chat import store` imports the subpackage itself
                found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(module: str, imported: set[str]) -> list[str]:
    problems = []
    for layer, rules in FORBIDDEN.items():
        if not _within(module, layer):
            continue
        for name in sorted(imported):
            for forbidden, why in rules.items():
                if not _within(name, forbidden):
                    continue
                if layer == "desktop_chat.models" and name == "desktop_chat.models":
                    continue  # its own name, from `from desktop_chat.models import ...` in itself
                if any(
                    _within(name, target) and module == source
                    for source, target in UI_STORE_EXEMPTIONS
                ):
                    continue
                problems.append(f"{module} imports {name}: {why}")
    return problems


def package_modules() -> dict[str, set[str]]:
    """Each module under desktop_chat, with what it imports."""
    return {
        module_name(path): imports_of(
            path.read_text(encoding="utf-8"),
            module_name(path),
            is_package=path.name == "__init__.py",
        )
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_layer_imports_only_downward():
    modules = package_modules()
    assert "desktop_chat.core.chat" in modules and "desktop_chat.ui.main_window" in modules
    problems = [
        problem for module, imported in modules.items() for problem in violations(module, imported)
    ]
    assert not problems, "\n".join(problems)


def test_exemptions_are_still_needed():
    """An exemption whose import is gone must leave the list, so the list only shrinks."""
    modules = package_modules()
    stale = [
        (source, target)
        for source, target in sorted(UI_STORE_EXEMPTIONS)
        if not any(_within(name, target) for name in modules[source])
    ]
    assert not stale, f"remove these from UI_STORE_EXEMPTIONS: {stale}"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "desktop_chat.core.planted",
            "from PySide6.QtCore import QTimer\n",
            "desktop_chat.core.planted imports PySide6.QtCore",
        ),
        (
            "desktop_chat.core.planted",
            "def later():\n    from desktop_chat.ui import theme\n",
            "desktop_chat.core.planted imports desktop_chat.ui",
        ),
        (
            "desktop_chat.llm.planted",
            "from desktop_chat.store.base import Store\n",
            "desktop_chat.llm.planted imports desktop_chat.store.base",
        ),
        (
            "desktop_chat.llm.planted",
            "from ..core import chat\n",
            "desktop_chat.llm.planted imports desktop_chat.core",
        ),
        (
            "desktop_chat.store.planted",
            "import desktop_chat.core.chat\n",
            "desktop_chat.store.planted imports desktop_chat.core.chat",
        ),
        (
            "desktop_chat.store.planted",
            "from desktop_chat.llm.base import ChatMessage\n",
            "desktop_chat.store.planted imports desktop_chat.llm.base",
        ),
        (
            "desktop_chat.models",
            "from desktop_chat.settings import APP_ID\n",
            "desktop_chat.models imports desktop_chat.settings",
        ),
        (
            "desktop_chat.ui.planted",
            "from desktop_chat.store.sqlite import SQLiteStore\n",
            "desktop_chat.ui.planted imports desktop_chat.store.sqlite",
        ),
        (
            "desktop_chat.ui.planted",
            "from desktop_chat import store\n",
            "desktop_chat.ui.planted imports desktop_chat.store",
        ),
        (
            "desktop_chat.settings",
            "from desktop_chat.store.sqlite import SQLiteStore\n",
            "desktop_chat.settings imports desktop_chat.store.sqlite",
        ),
    ],
)
def test_a_planted_violation_fails(module, source, expected):
    problems = violations(module, imports_of(source, module))
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("desktop_chat.store.planted", "from desktop_chat.models import Event\n"),
        ("desktop_chat.core.planted", "from desktop_chat.store.base import Store\n"),
        ("desktop_chat.core.planted", "from desktop_chat.llm.base import ChatMessage\n"),
        ("desktop_chat.ui.planted", "from desktop_chat.core.chat import ChatService\n"),
        ("desktop_chat.llm.planted", "from .base import LLMError\n"),
    ],
)
def test_a_downward_import_passes(module, source):
    assert violations(module, imports_of(source, module)) == []


def _private_names_imported(source: str, module: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if not node.level and not _within(node.module or "", "desktop_chat"):
            continue  # a library's private part (e.g. a warm-up import) is its own business
        found += [
            f"{module} imports {alias.name} from {'.' * node.level}{node.module or ''}"
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__")
        ]
    return found


def test_no_module_imports_a_private_name_of_another():
    """A leading underscore says "this module's own": a module that imports one from another
    (from another layer, above all) depends on what that module does not promise."""
    found = [
        problem
        for path in sorted(PACKAGE.rglob("*.py"))
        for problem in _private_names_imported(path.read_text(encoding="utf-8"), module_name(path))
    ]
    assert found == []


def test_a_planted_private_import_fails():
    source = "from desktop_chat.settings import _is_fail_backend\n"
    assert _private_names_imported(source, "desktop_chat.store.planted") == [
        "desktop_chat.store.planted imports _is_fail_backend from desktop_chat.settings"
    ]


def _reaches_into_the_store(source: str) -> list[str]:
    """SQL run, or a private attribute read, on anything but `self` itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        on_self = isinstance(node.value, ast.Name) and node.value.id == "self"
        if node.attr in ("execute", "executemany", "executescript") or (
            node.attr.startswith("_") and not node.attr.startswith("__") and not on_self
        ):
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_sync_uses_the_local_store_through_its_methods_only():
    """The SQLite store owns its SQL (store/sqlite_sync.py holds what sync needs); the sync
    engine decides what to push and pull, and runs no SQL of its own."""
    assert _reaches_into_the_store((PACKAGE / "store" / "sync.py").read_text()) == []
    planted = "class E:\n    def f(self):\n        return self.local._db.execute('SELECT 1')\n"
    assert _reaches_into_the_store(planted) == ["line 3: .execute", "line 3: ._db"]
