"""Three-way merge of notebooks through nbdime, where re-runs alone never conflict.

Usage::

    merged, conflicted = merge(base, local, remote)     # nbformat NotebookNodes, changed in place

nbdime merges what people edit (sources, cells added, removed and moved, metadata) and marks a
real conflict its way: inline ``<<<<<<< local`` / ``>>>>>>> remote`` markers in a cell's source,
conflicting outputs and metadata recorded for ``nbdime mergetool``. Before it runs, each cell's
run transients (execution count, outputs, JupyterLab's timing) are made equal on the three
versions, taken from one side per cell:

1. the side that changed the cell's source, when only one did: its outputs came from that code;
2. else the side whose outputs changed, when only one side's did (the other did not re-run it);
3. else local (the branch being merged into).

A cell one side removed takes the other side's transients on the base too, so a re-run never
keeps a cell the other branch deleted. The notebook's ``language_info`` and ``widgets`` metadata
(rewritten by every run) are taken from local when both sides changed them differently. Cells
are matched across versions by nbdime's own notebook diff, the alignment its merge then uses.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Iterator
from typing import Any

from nbdime.diffing.notebooks import diff_notebooks
from nbdime.merging import merge_notebooks
from nbformat import NotebookNode

from .transients import run_state, set_run_state

#: Notebook metadata every run rewrites (the kernel's version; saved widget models).
RUN_METADATA = ("language_info", "widgets")

#: nbdime's command-line defaults, as its git merge driver passes them.
_NBDIME_ARGS = Namespace(
    merge_strategy="inline",
    input_strategy=None,
    output_strategy=None,
    ignore_transients=True,
    log_level="WARNING",
)


def matched_cells(base: NotebookNode, other: NotebookNode) -> dict[int, int]:
    """Base cell index -> index of the same cell in ``other``, for cells ``other`` kept."""
    diff = diff_notebooks(base, other)
    cells: list[Any] = next((e["diff"] for e in diff if e["key"] == "cells"), [])
    ops = sorted(cells, key=lambda op: (op["key"], op["op"] != "addrange"))
    pairs: dict[int, int] = {}
    b = o = 0
    for op in ops:
        while b < op["key"]:
            pairs[b], b, o = o, b + 1, o + 1
        if op["op"] == "addrange":
            o += len(op["valuelist"])
        elif op["op"] == "removerange":
            b += op["length"]
        else:  # "patch": the same cell, changed
            pairs[b], b, o = o, b + 1, o + 1
    while b < len(base.cells):
        pairs[b], b, o = o, b + 1, o + 1
    return pairs


def _source(cell: dict[str, Any]) -> str:
    value = cell.get("source", "")
    return "".join(value) if isinstance(value, list) else str(value)


def chosen_side(base: NotebookNode, local: NotebookNode, remote: NotebookNode) -> NotebookNode:
    """The version of one cell whose transients the merge keeps (the module's rules 1-3)."""
    for key in (_source, lambda cell: cell.get("outputs", [])):
        local_changed, remote_changed = key(local) != key(base), key(remote) != key(base)
        if local_changed != remote_changed:
            return remote if remote_changed else local
    return local


def _code_triples(
    base: NotebookNode, local: NotebookNode, remote: NotebookNode
) -> Iterator[tuple[NotebookNode, NotebookNode | None, NotebookNode | None]]:
    in_local, in_remote = matched_cells(base, local), matched_cells(base, remote)
    for i, cell in enumerate(base.cells):
        ours = local.cells[in_local[i]] if i in in_local else None
        theirs = remote.cells[in_remote[i]] if i in in_remote else None
        if all(c is None or c.cell_type == "code" for c in (cell, ours, theirs)):
            yield cell, ours, theirs


def align_transients(base: NotebookNode, local: NotebookNode, remote: NotebookNode) -> None:
    """Give each code cell the same transients on all three versions (see the module doc)."""
    for cell, ours, theirs in _code_triples(base, local, remote):
        chosen = ours if theirs is None else theirs if ours is None else None
        if ours is not None and theirs is not None:
            chosen = chosen_side(cell, ours, theirs)
        if chosen is None:  # removed on both sides: nbdime agrees by itself
            continue
        state = run_state(chosen)
        for version in (cell, ours, theirs):
            if version is not None:
                set_run_state(version, state)
    for key in RUN_METADATA:
        was, ours_value, theirs_value = (nb.metadata.get(key) for nb in (base, local, remote))
        if was not in (ours_value, theirs_value) and ours_value != theirs_value:
            if ours_value is None:
                remote.metadata.pop(key, None)
            else:
                remote.metadata[key] = ours_value


def merge(
    base: NotebookNode, local: NotebookNode, remote: NotebookNode
) -> tuple[NotebookNode, bool]:
    """(the merged notebook, whether nbdime left conflicts in it); the inputs are changed."""
    align_transients(base, local, remote)
    merged, decisions = merge_notebooks(base, local, remote, _NBDIME_ARGS)
    return merged, any(decision.conflict for decision in decisions)
