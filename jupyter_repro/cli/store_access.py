"""Open the lineage store for a command, turning every problem into a one-line input error.

Commands that only read open it read-only (``open_store``, ``open_recorded_store``): nothing in
``.repro`` changes, and a store on a read-only mount reads. Each checks the store's pages first
(``LineageStore.check_pages``), so a damaged store is refused (exit 2, saying what to do)
whichever records the command would have read.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..common import notebook_file
from ..store import LineageStore, NoLineageYet, Session, StoreUnavailable, default_db_path
from .input_errors import InputError, StoreError

__all__ = ["InputError", "StoreError"]


def refuse_unreadable_store(notebook: Path) -> None:
    """Exit 2 (StoreError) when the store ``notebook`` would record into is damaged or was
    written by a newer jupyter-repro; a store not created yet is fine. Read-only: a command
    that records checks before it starts, and changes nothing if it is refused."""
    try:
        with LineageStore.open(default_db_path(notebook), create=False, readonly=True) as store:
            store.check_pages()
    except NoLineageYet:
        pass
    except StoreUnavailable as exc:
        raise StoreError(str(exc)) from exc


def notebook_key(notebook: str | None) -> str | None:
    """The notebook as store calls take it: an absolute, resolved path (the store keys it
    relative to the project root itself, see ``store.notebook_keys``)."""
    return str(Path(notebook).expanduser().resolve()) if notebook else None


def open_store(notebook: str | None, db: str | None) -> LineageStore | None:
    """The store that holds ``notebook``'s lineage, read-only, or None when nothing was
    recorded yet.

    ``notebook``, when it exists, must be a notebook (nbformat 4): anything else is an input
    error (exit 2). A notebook path that does not exist is one too unless the store still holds
    its lineage, which happens when the notebook was deleted or moved after it ran.
    """
    if notebook and Path(notebook).exists():
        read_notebook(Path(notebook))
    path = Path(db).expanduser() if db else default_db_path(Path(notebook) if notebook else None)
    try:
        store: LineageStore | None = LineageStore.open(path, create=False, readonly=True)
    except NoLineageYet:
        store = None
    except StoreUnavailable as exc:
        raise StoreError(str(exc)) from exc
    try:
        if store is not None:
            store.check_pages()
        if notebook and not Path(notebook).exists():
            known = store is not None and store.latest_session(notebook_key(notebook)) is not None
            if not known:
                raise InputError(f"No such notebook: {notebook}")
    except BaseException:
        if store is not None:
            store.close()
        raise
    return store


def pick_session(
    store: LineageStore | None, notebook: str | None, session: str | None
) -> Session | None:
    """The session named by ``--session`` (which must exist), else the latest one."""
    if session:
        found = store.session(session) if store else None
        if found is None:
            raise InputError(f"Unknown session: {session}")
        return found
    return store.latest_session(notebook_key(notebook)) if store else None


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook (nbformat 4), or fail with a one-line input error."""
    try:
        return notebook_file.read_notebook(path)
    except notebook_file.NotebookUnreadable as error:
        raise InputError(str(error)) from error


def open_recorded_store(notebook: Path, db: str | None) -> LineageStore:
    """The store holding NOTEBOOK's recordings, read-only; an input error when it is invalid
    or unrecorded."""
    store = open_store(str(notebook), db)
    if store is None:
        raise InputError(f"No recorded session for {notebook}: run it in the repro kernel first")
    return store
