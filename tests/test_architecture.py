"""The code map stays true: ARCHITECTURE.md names every module, every package says what it holds.

A newcomer reads ARCHITECTURE.md first; a module it does not mention is a module nobody can find.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "jupyter_repro"
MAP = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
SKIPPED = {"labextension", "__pycache__"}


def _modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not SKIPPED & set(path.relative_to(PACKAGE).parts) and path.name != "_version.py"
    )


def _packages() -> list[Path]:
    return sorted({path.parent for path in _modules()})


def _row(folder: str) -> str:
    """The table row of ARCHITECTURE.md whose first cell names ``folder``."""
    for line in MAP.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells and cells[0] == f"`{folder}`":
            return line
    return ""


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_architecture_names_every_module_in_its_package_row(module: Path) -> None:
    relative = module.relative_to(PACKAGE)
    if len(relative.parts) == 1:  # a top-level module has a row of its own
        assert _row(relative.name), f"ARCHITECTURE.md has no row for `{relative.name}`"
        return
    folder = relative.parent.as_posix() + "/"
    row = _row(folder)
    assert row, f"ARCHITECTURE.md has no row for `{folder}`"
    if module.name == "__init__.py":
        return
    assert re.search(rf"`{re.escape(module.stem)}(\.py)?`", row), (
        f"ARCHITECTURE.md's `{folder}` row does not mention `{module.stem}`: say what it does"
    )


@pytest.mark.parametrize("package", _packages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_says_what_it_holds_and_may_import(package: Path) -> None:
    init = package / "__init__.py"
    assert init.is_file(), f"{package.relative_to(ROOT)} has no __init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert len(docstring.split()) >= 8, f"{init.relative_to(ROOT)} needs a docstring"
    if package != PACKAGE:
        assert re.search(r"\bmay import\b", docstring, re.IGNORECASE), (
            f"{init.relative_to(ROOT)}'s docstring does not say what the package may import"
        )


@pytest.mark.parametrize(
    "folder",
    sorted(p for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"),
    ids=lambda p: p.name,
)
def test_architecture_names_every_test_folder(folder: Path) -> None:
    message = f"ARCHITECTURE.md's test table lacks tests/{folder.name}/"
    assert f"`tests/{folder.name}/`" in MAP, message
