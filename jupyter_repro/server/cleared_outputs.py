"""Which outputs a save cleared, and earlier saved versions without them.

The save hook compares each save with the version saved before it, and rewrites the older
versions of the notebook when the user cleared outputs::

    cleared = cleared_outputs(previous_bytes, saved_bytes)   # None: nothing was cleared
    without_outputs(older_bytes, cleared)                    # new bytes; None: nothing to remove

A cell's outputs were cleared when it had outputs in the previous save and, still in the
notebook (by cell id), has none now; every earlier version then loses that cell's outputs, from
whichever run they came. A save without any output after one that had some ("Clear All Outputs")
clears every cell, cells deleted since included. Notebooks without cell ids (nbformat < 4.5)
cannot tell which cell is which: there, fewer cells with outputs than before clears every cell.
Bytes that are not a notebook's JSON clear nothing and are never rewritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cleared:
    """The cells (by id) whose outputs were cleared, or every cell."""

    cells: frozenset[str] = frozenset()
    every_cell: bool = False

    def covers(self, cell: dict[str, Any]) -> bool:
        return self.every_cell or cell.get("id") in self.cells


def cleared_outputs(previous: bytes, current: bytes) -> Cleared | None:
    """What the save of ``current`` cleared of ``previous``; None when nothing."""
    before, after = _code_cells(previous), _code_cells(current)
    if before is None or after is None:
        return None
    had = [cell for cell in before if cell.get("outputs")]
    if not had:
        return None
    if after and not any(cell.get("outputs") for cell in after):
        return Cleared(every_cell=True)
    if not all(isinstance(cell.get("id"), str) for cell in (*before, *after)):
        fewer = sum(1 for cell in after if cell.get("outputs")) < len(had)
        return Cleared(every_cell=True) if fewer else None
    now = {cell["id"]: cell for cell in after}
    gone = frozenset(
        cell["id"] for cell in had if cell["id"] in now and not now[cell["id"]].get("outputs")
    )
    return Cleared(gone) if gone else None


def without_outputs(content: bytes, cleared: Cleared) -> bytes | None:
    """``content`` with the cleared cells' outputs removed; None when it has none of them."""
    notebook = _load(content)
    cells = _code_cells_of(notebook)
    if cells is None:
        return None
    changed = False
    for cell in cells:
        if cell.get("outputs") and cleared.covers(cell):
            cell["outputs"] = []
            changed = True
    if not changed:
        return None
    # nbformat's own layout, so the version still diffs line by line against its neighbours.
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _code_cells(content: bytes) -> list[dict[str, Any]] | None:
    return _code_cells_of(_load(content))


def _code_cells_of(notebook: Any) -> list[dict[str, Any]] | None:
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return None
    return [
        cell
        for cell in notebook["cells"]
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]


def _load(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return None
