"""A notebook renamed or moved outside Jupyter finds its history again at its next save.

The save hook calls this with the store open, before recording the save as a version::

    recovered = recover_rename(store, notebook, saved_bytes, log)  # the old path, or None

A saved notebook with no history under its name is matched, by cell ids, against the recorded
notebooks whose file no longer exists: the one holding at least half of the saved notebook's
code cell ids (and at least one) is re-keyed to the saved name. Nothing is re-keyed when two
candidates match equally well, or when the saved notebook has no cell ids (nbformat < 4.5).
A copy of a notebook (same cell ids) never takes its original's history: the original exists.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from ..store import LineageStore

#: The share of the saved notebook's code cell ids a recorded notebook must hold to be it.
MATCH = 0.5


def recover_rename(
    store: LineageStore, notebook: Path, content: bytes, log: logging.Logger
) -> str | None:
    """Re-key the history of the notebook ``notebook`` was renamed from; its old path or None.

    Never raises: the save is recorded whatever happens here (a failure is logged).
    """
    try:
        if store.has_history(str(notebook)):
            return None
        saved = code_cell_ids(content)
        old = best_match(store, saved) if saved else None
        if old is None:
            return None
        store.rename_notebook(old, str(notebook))
    except Exception:
        log.warning("jupyter_repro: could not look for %s's old name", notebook, exc_info=True)
        return None
    log.info("jupyter_repro: %s was %s: its lineage follows it", notebook, old)
    return old


def best_match(store: LineageStore, saved: set[str]) -> str | None:
    """The gone notebook whose recorded cells hold most of ``saved`` (enough of it), if one."""
    scores: dict[str, int] = {}
    for candidate in store.recorded_notebooks():
        if os.path.exists(candidate):
            continue
        shared = len(saved & store.recorded_cell_ids(candidate))
        if shared and shared >= MATCH * len(saved):
            scores[candidate] = shared
    if not scores:
        return None
    best = max(scores.values())
    winners = [name for name, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None


def code_cell_ids(content: bytes) -> set[str]:
    """The ids of the code cells of a saved notebook (none when it is not notebook JSON)."""
    try:
        data = json.loads(content)
    except ValueError:
        return set()
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return set()
    return {
        str(cell["id"])
        for cell in cells
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and cell.get("id")
    }
