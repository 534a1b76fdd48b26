"""The block of ``.gitattributes`` lines that ``jupyter repro git-setup`` owns.

Usage::

    write_block(Path(".gitattributes"), ["*.ipynb diff=jupyter-repro merge=jupyternotebook"])
    remove_block(Path(".gitattributes"))      # True when there was one

The lines sit between two marker comments, so they can be found, updated in place and removed
without touching any other line of the file. Writing the same block twice changes nothing; a
file that held nothing but the block is deleted when the block is removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

BEGIN = "# >>> jupyter-repro git-setup (remove with: jupyter repro git-setup --undo)"
END = "# <<< jupyter-repro git-setup"


def _split(text: str) -> tuple[list[str], list[str] | None, list[str]]:
    """(lines before the block, the block's lines or None, lines after it)."""
    lines = text.splitlines(keepends=True)
    stripped = [line.rstrip("\r\n") for line in lines]
    if BEGIN not in stripped:
        return lines, None, []
    start = stripped.index(BEGIN)
    end = stripped.index(END, start) if END in stripped[start:] else len(lines) - 1
    return lines[:start], lines[start : end + 1], lines[end + 1 :]


def render(lines: Sequence[str]) -> list[str]:
    return [BEGIN + "\n", *(line + "\n" for line in lines), END + "\n"]


def read_block(path: Path) -> list[str] | None:
    """The lines inside the block (markers excluded), or None without a block."""
    if not path.is_file():
        return None
    _, block, _ = _split(path.read_text(encoding="utf-8"))
    return None if block is None else [line.rstrip("\r\n") for line in block[1:-1]]


def write_block(path: Path, lines: Sequence[str]) -> bool:
    """Make the block hold exactly ``lines``; True when the file changed."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    before, block, after = _split(text)
    wanted = render(lines)
    if block == wanted:
        return False
    if block is None:
        # Appended last: for one path git lets the last matching line win, so these attributes
        # take precedence over older `*.ipynb diff=...` lines.
        if before and not before[-1].endswith("\n"):
            before[-1] += "\n"
        new = "".join(before) + "".join(wanted)
    else:
        new = "".join(before) + "".join(wanted) + "".join(after)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
    return True


def remove_block(path: Path) -> bool:
    """Remove the block (and the file when nothing else is left); True when there was one."""
    if not path.is_file():
        return False
    before, block, after = _split(path.read_text(encoding="utf-8"))
    if block is None:
        return False
    rest = "".join(before) + "".join(after)
    if rest.strip():
        path.write_text(rest, encoding="utf-8")
    else:
        path.unlink()
    return True
