"""The lineage reads behind the GET routes: plain functions, no tornado, run in worker threads.

Each opens the notebook's project store (``default_db_path``), reads, and returns JSON-ready
data; a project with no store yet reads as empty lineage::

    lineage_page(Path("/root/a.ipynb"), "a.ipynb", order="desc", offset=0, limit=100)
    execution_detail(Path("/root/a.ipynb"), 12)   # NotFound unless it is one of a.ipynb's
    cells_status(Path("/root/a.ipynb"), "a.ipynb", cells=None)

``notebook`` is always the resolved absolute path, as the recorder stores it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from ..cell_status import NotebookCell, notebook_status
from ..lineage_json import environment_json, execution_json
from ..store import LineageStore, NoLineageYet, default_db_path
from .errors import NotFound


@contextmanager
def lineage(notebook: Path) -> Iterator[LineageStore | None]:
    """The notebook's store, read-only, or None when nothing was recorded in its project yet.

    Read-only (``LineageStore.open(..., readonly=True)``): a GET never writes the store, its
    folder or a ``.repro`` symlinked elsewhere; a store an older release wrote is read through
    a migrated copy in memory, not migrated on disk (the save hook, which writes, migrates it).
    """
    db = default_db_path(notebook)
    try:
        store = LineageStore.open(db, create=False, readonly=True)
    except NoLineageYet:
        # Missing, or just created by a kernel that has not given it its schema yet: empty.
        # Any other StoreUnavailable (a broken store) propagates and is said so (503).
        yield None
        return
    with store:
        yield store


Order = Literal["asc", "desc"]


def lineage_page(
    notebook: Path, label: str, order: Order, offset: int, limit: int, cell_id: str | None = None
) -> dict[str, Any]:
    key = str(notebook)
    with lineage(notebook) as store:
        total = store.count_executions(notebook=key, cell_id=cell_id) if store else 0
        page = (
            store.executions(notebook=key, cell_id=cell_id, order=order, limit=limit, offset=offset)
            if store
            else []
        )
    return {
        "notebook": label,
        "total": total,
        "offset": offset,
        "limit": limit,
        "order": order,
        "executions": [execution_json(e) for e in page],
    }


def execution_detail(notebook: Path, execution_id: int) -> dict[str, Any]:
    with lineage(notebook) as store:
        found = store.execution(execution_id) if store else None
    if found is None or found.notebook != str(notebook):
        raise NotFound(f"No execution {execution_id} in the lineage of {notebook.name}")
    return {**execution_json(found), "environment": found.env_id}


def environment_of(notebook: Path, session_id: str | None) -> dict[str, Any] | None:
    """The environment the session (default: the latest) last ran in, or None."""
    with lineage(notebook) as store:
        if store is None:
            return None
        session = store.session(session_id) if session_id else store.latest_session(str(notebook))
        if session_id and (session is None or session.notebook != str(notebook)):
            raise NotFound(f"No session {session_id} of {notebook.name}")
        if session is None:
            return None
        # The last executions: the very last may still be running, with no environment yet.
        recent = store.executions(session_id=session.id, order="desc", limit=50)
        env_id = next((e.env_id for e in recent if e.env_id), None)
        env = store.environment(env_id) if env_id else None
    return environment_json(env) if env else None


def cells_status(
    notebook: Path, label: str, cells: Sequence[NotebookCell] | None
) -> dict[str, Any]:
    with lineage(notebook) as store:
        found = notebook_status(store, notebook, cells)
    return {
        "notebook": label,
        "session": found.session,
        "cells": [cell.to_json() for cell in found.cells],
    }


def versions(notebook: Path, label: str) -> dict[str, Any]:
    with lineage(notebook) as store:
        saved = store.versions(str(notebook)) if store else []
    return {
        "notebook": label,
        "versions": [{"id": v.id, "saved": v.saved, "hash": v.hash, "size": v.size} for v in saved],
    }
