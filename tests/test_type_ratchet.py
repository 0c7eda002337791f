"""The type gate's ratchet (pyproject.toml, [[tool.mypy.overrides]] with ignore_errors) only
shrinks: a listed module that mypy would pass without its line must lose the line, and every
listed module must exist. `scripts/lint` runs mypy itself; this checks the exemptions."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
EXEMPT = "ignore_errors = true"


def exempt_modules() -> list[str]:
    overrides = tomllib.loads(PYPROJECT.read_text())["tool"]["mypy"]["overrides"]
    return [m for o in overrides if o.get("ignore_errors") for m in o["module"]]


def module_file(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def modules_with_findings(tmp_path: Path) -> set[str]:
    """Run mypy with every exemption lifted; the modules it finds something in."""
    text = PYPROJECT.read_text()
    assert text.count(EXEMPT) == 1, f"expected one '{EXEMPT}' in pyproject.toml"
    config = tmp_path / "pyproject.toml"
    config.write_text(text.replace(EXEMPT, "ignore_errors = false"))
    command = [sys.executable, "-m", "mypy", "--config-file", str(config)]
    run = subprocess.run(
        [*command, "--cache-dir", str(tmp_path / "cache"), "desktop_chat"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 2: mypy itself failed
    found = set()
    for path in re.findall(r"^([\w/]+)\.py:\d+: error:", run.stdout, re.MULTILINE):
        found.add(path.removesuffix("/__init__").replace("/", "."))
    return found


def test_every_exempt_module_exists():
    missing = [m for m in exempt_modules() if not module_file(m).is_file()]
    assert not missing, f"no such module; delete its line in pyproject.toml: {missing}"


def test_every_exempt_module_still_needs_its_exemption(tmp_path):
    exempt = exempt_modules()
    assert exempt, "the ratchet is empty: delete the override from pyproject.toml"
    passing = sorted(set(exempt) - modules_with_findings(tmp_path))
    assert not passing, (
        f"these pass mypy now; delete their lines from the ratchet in pyproject.toml: {passing}"
    )
