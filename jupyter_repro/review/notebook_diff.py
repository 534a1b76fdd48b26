"""Cell-level changes between two notebooks, by nbdime's diff, without run noise.

Usage::

    result = diff_notebooks(old_nb, new_nb)     # nbformat 4 dicts
    result.cells        # (CellChange("modified", "code", 2, 2, ("@@ -1 +1 @@", "-x = 1", ...)),)
    result.nbdime       # nbdime's diff model of result.base -> the normalised new notebook

Both notebooks are first normalised (``normalise``): execution counts, cell and notebook
metadata (tags kept) and output noise (``outputs.normalise_outputs``) go, so they never show as
changes. nbdime aligns the cells (by cell id first, then by content); a cell removed in one place
and added with the same content elsewhere is reported as moved. ``code_only`` compares only the
code of code cells, for a notebook against what a recording ran.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

import nbdime
import nbformat

from .clean_text import source
from .outputs import is_image, kind, normalise_outputs, summarise

Change = Literal["added", "removed", "moved", "modified"]


@dataclass(frozen=True)
class CellChange:
    change: Change
    cell_type: str
    a_index: int | None  # position in A, from 0; None for an added cell
    b_index: int | None  # position in B, from 0; None for a removed cell
    source_diff: tuple[str, ...]  # unified diff lines; the whole source for added and removed
    outputs: tuple[str, ...]  # one line per output change ("image changed (image/png)", ...)


@dataclass(frozen=True)
class NotebookDiff:
    base: dict[str, Any]  # normalised A
    nbdime: list[dict[str, Any]]  # nbdime's diff from ``base`` to normalised B, ids left out
    cells: tuple[CellChange, ...]


def normalise(nb: dict[str, Any], code_only: bool = False) -> nbformat.NotebookNode:
    cells = []
    for cell in nb.get("cells", []):
        kind_ = cell.get("cell_type", "code")
        if code_only and kind_ != "code":
            continue
        tags = cell.get("metadata", {}).get("tags")
        clean: dict[str, Any] = {"cell_type": kind_, "source": source(cell), "metadata": {}}
        if tags and not code_only:
            clean["metadata"]["tags"] = list(tags)
        if "id" in cell:
            clean["id"] = cell["id"]  # kept for nbdime to align cells; never reported
        if kind_ == "code":
            outputs = [] if code_only else normalise_outputs(cell.get("outputs", []))
            clean.update(execution_count=None, outputs=outputs)
        elif cell.get("attachments") and not code_only:
            clean["attachments"] = cell["attachments"]
        cells.append(clean)
    return nbformat.from_dict({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def line_diff(a: str, b: str) -> tuple[str, ...]:
    lines = difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1)
    return tuple(list(lines)[2:])  # without the "---"/"+++" file header


def output_changes(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> tuple[str, ...]:
    found = []
    for i in range(max(len(a), len(b))):
        x, y = (a[i] if i < len(a) else None), (b[i] if i < len(b) else None)
        if x == y:
            continue
        if x is None and y is not None:
            found.append(f"added {summarise(y)}")
        elif y is None and x is not None:
            found.append(f"removed {summarise(x)}")
        elif x is not None and y is not None and is_image(x) and is_image(y):
            found.append(f"image changed ({kind(y)})")
        elif x is not None and y is not None:
            found.append(f"{kind(y)} changed: {summarise(x)} -> {summarise(y)}")
    return tuple(found)


def _compare(change: Change, a: Any, b: Any, ia: int, ib: int) -> CellChange:
    outputs = output_changes(a.get("outputs", []), b.get("outputs", []))
    extras: tuple[str, ...] = ("tags changed",) if a.metadata != b.metadata else ()
    if a.get("attachments") != b.get("attachments"):
        extras += ("attachments changed",)
    if a.cell_type != b.cell_type:
        extras += (f"was a {a.cell_type} cell",)
    return CellChange(change, b.cell_type, ia, ib, line_diff(a.source, b.source), outputs + extras)


def _content(cell: Any) -> tuple[str, str]:
    return cell.cell_type, cell.source


def _whole(change: Change, cell: Any, ia: int | None, ib: int | None) -> CellChange:
    mark = "+" if change == "added" else "-"
    lines = tuple(mark + line for line in cell.source.splitlines())
    return CellChange(change, cell.cell_type, ia, ib, lines, ())


def _without_ids(entries: list[Any]) -> list[dict[str, Any]]:
    kept = []
    for entry in entries:
        if entry["op"] == "patch" and entry["key"] != "cells":
            inner = [e for e in entry["diff"] if e["key"] != "id"]
            if inner:
                kept.append({**entry, "diff": inner})
        elif entry["op"] == "patch":
            kept.append({**entry, "diff": _without_ids(entry["diff"])})
        else:
            kept.append(dict(entry))
    return kept


def diff_notebooks(a: dict[str, Any], b: dict[str, Any], code_only: bool = False) -> NotebookDiff:
    """What changed from notebook ``a`` to notebook ``b`` (nbformat 4 dicts)."""
    na, nb = normalise(a, code_only), normalise(b, code_only)
    model = nbdime.diff_notebooks(na, nb)
    ops: list[Any] = next((e["diff"] for e in model if e["key"] == "cells"), [])
    found: list[tuple[int, CellChange]] = []
    added: list[int] = []  # B indices, kept until moves are matched
    removed: list[tuple[int, int]] = []  # (position in B, A index)
    shift = 0  # B index minus A index at the current op
    inserted: dict[int, int] = {}  # A index -> how many cells were inserted before it
    for op in ops:
        key = op["key"]
        if op["op"] == "addrange":
            added += [key + shift + i for i in range(len(op["valuelist"]))]
            shift += len(op["valuelist"])
            inserted[key] = len(op["valuelist"])
        elif op["op"] == "removerange":
            # nbdime puts the insertion before the removal at one key; a replaced cell should
            # read as removed, then added, so it sorts at the insertion's place.
            at = key + shift - inserted.get(key, 0)
            removed += [(at, key + i) for i in range(op["length"])]
            shift -= op["length"]
        elif op["op"] == "patch":
            change = _compare("modified", na.cells[key], nb.cells[key + shift], key, key + shift)
            if change.source_diff or change.outputs:  # else only the cell id differed
                found.append((key + shift, change))
    for position, ia in removed:
        cell = na.cells[ia]
        same = [ib for ib in added if _content(nb.cells[ib]) == _content(cell)]
        if same:
            added.remove(same[0])
            found.append((same[0], _compare("moved", cell, nb.cells[same[0]], ia, same[0])))
        else:
            found.append((position, _whole("removed", cell, ia, None)))
    found += [(ib, _whole("added", nb.cells[ib], None, ib)) for ib in added]
    # By position in B; a cell removed there is listed before one added at the same place.
    found.sort(key=lambda item: (item[0], item[1].change != "removed"))
    return NotebookDiff(dict(na), _without_ids(model), tuple(change for _, change in found))
