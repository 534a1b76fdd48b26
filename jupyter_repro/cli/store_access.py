"""Open the lineage store for a command, turning every problem into a one-line usage error."""

from __future__ import annotations

from pathlib import Path

import click
import nbformat

from ..common import notebook_file
from ..store import LineageStore, NoLineageYet, Session, StoreUnavailable, default_db_path


class StoreError(click.ClickException):
    """A store that cannot be read (damaged, locked, written by a newer jupyter-repro): one
    ``Error: ...`` line saying what to do, no usage text (the command was right), exit code 2."""

    exit_code = 2


def refuse_unreadable_store(notebook: Path) -> None:
    """Exit 2 (StoreError) when the store ``notebook`` would record into is damaged or was
    written by a newer jupyter-repro; a store not created yet is fine."""
    try:
        LineageStore.open(default_db_path(notebook), create=False).close()
    except NoLineageYet:
        pass
    except StoreUnavailable as exc:
        raise StoreError(str(exc)) from exc


def notebook_key(notebook: str | None) -> str | None:
    """The notebook as the recorder stores it: an absolute, resolved path."""
    return str(Path(notebook).expanduser().resolve()) if notebook else None


def open_store(notebook: str | None, db: str | None) -> LineageStore | None:
    """The store that holds ``notebook``'s lineage, or None when nothing was recorded yet.

    A notebook path that does not exist is an input error (exit 2) unless the store still holds
    its lineage, which happens when the notebook was deleted or moved after it ran.
    """
    path = Path(db).expanduser() if db else default_db_path(Path(notebook) if notebook else None)
    try:
        store: LineageStore | None = LineageStore.open(path, create=False)
    except NoLineageYet:
        store = None
    except StoreUnavailable as exc:
        raise StoreError(str(exc)) from exc
    if notebook and not Path(notebook).exists():
        known = store is not None and store.latest_session(notebook_key(notebook)) is not None
        if not known:
            raise click.UsageError(f"No such notebook: {notebook}")
    return store


def pick_session(
    store: LineageStore | None, notebook: str | None, session: str | None
) -> Session | None:
    """The session named by ``--session`` (which must exist), else the latest one."""
    if session:
        found = store.session(session) if store else None
        if found is None:
            raise click.UsageError(f"Unknown session: {session}")
        return found
    return store.latest_session(notebook_key(notebook)) if store else None


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, or fail with a one-line usage error."""
    try:
        return notebook_file.read_notebook(path)
    except notebook_file.NotebookUnreadable as error:
        raise click.UsageError(str(error)) from error


def open_recorded_store(notebook: Path, db: str | None) -> LineageStore:
    """The store holding NOTEBOOK's recordings; a usage error when it is invalid or unrecorded."""
    if notebook.exists():
        read_notebook(notebook)
    store = open_store(str(notebook), db)
    if store is None:
        raise click.UsageError(
            f"No recorded session for {notebook}: run it in the repro kernel first"
        )
    return store
