"""Notebook keys: how the store names a notebook, so a moved project or a clone finds its history.

A notebook is stored under its *key*: its path relative to the store's anchor, with ``/``
separators, when it lies under the anchor; its absolute path otherwise. Records read back name
the notebook by ``anchor / key``: where the project is *now*. Callers never see keys; the store
converts both ways (``LineageStore._key`` and ``_absolute``)::

    keys = NotebookKeys.for_store(Path("/home/ann/proj/.repro/lineage.db"))
    keys.key("/home/ann/proj/analysis/clean.ipynb")    # 'analysis/clean.ipynb'
    keys.absolute("analysis/clean.ipynb")              # '/home/ann/proj/analysis/clean.ipynb'

The anchor of a project's own store (``<root>/.repro/<file>``) is ``<root>``, the folder holding
``.repro/``, wherever it has been moved or cloned to. A store anywhere else (``JUPYTER_REPRO_DB``,
``--db``) is *shared*: a notebook is keyed relative to its own project root when that root is a
git repository (so clones of one repository share their history), by its absolute path
otherwise; relative keys read back under the project root of the current directory, unless this
store object was handed that notebook's path before (then that path). Two repositories sharing
one store therefore share the history of notebooks at the same relative path.

Keys are idempotent (a key given as a notebook is returned unchanged) and the same function
converts the keys of stores written before keys existed (``register`` makes it the SQL function
``repro_notebook_key`` that migration ``m006`` calls).
"""

from __future__ import annotations

import functools
import os
import posixpath
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .location import STORE_DIR, project_root

#: The SQL function (one argument: a stored notebook or file path) giving its key.
SQL_FUNCTION = "repro_notebook_key"


@dataclass
class NotebookKeys:
    """The key conversion of one store; ``anchor`` is None for a shared store."""

    anchor: str | None
    _keys: dict[str, str] = field(default_factory=dict)
    _seen: dict[str, str] = field(default_factory=dict)
    _read_anchor: str | None = None

    @classmethod
    def for_store(cls, db_path: Path | str) -> NotebookKeys:
        return cls(store_anchor(Path(db_path)))

    def key(self, notebook: str) -> str:
        """The key of ``notebook`` (an absolute path, or already a key)."""
        found = self._keys.get(notebook)
        if found is None:
            found = notebook_key(notebook, self.anchor)
            self._keys[notebook] = found
            if self.anchor is None and found != notebook:
                self._seen[found] = notebook
        return found

    def absolute(self, key: str) -> str:
        """The absolute path a stored key names now."""
        if key.startswith("/"):
            return key
        if self.anchor is not None:
            return f"{self.anchor.rstrip('/')}/{key}"
        seen = self._seen.get(key)
        if seen is not None:
            return seen
        if self._read_anchor is None:
            self._read_anchor = str(project_root(Path.cwd()))
        return posixpath.join(self._read_anchor, key)


def store_anchor(db_path: Path) -> str | None:
    """The folder holding ``.repro/`` for a project's own store, else None (a shared store)."""
    db_path = Path(os.path.realpath(db_path))
    if db_path.parent.name != STORE_DIR:
        return None
    return str(db_path.parent.parent)


def notebook_key(notebook: str, anchor: str | None) -> str:
    """``notebook`` relative to ``anchor`` when under it (else absolute); see the module doc."""
    if not os.path.isabs(notebook):
        return notebook  # already a key
    path = os.path.normpath(notebook)
    root = anchor if anchor is not None else _repository_root(path)
    if root is None:
        return path
    relative = _under(path, root)
    return relative if relative is not None else path


def file_key(path: str, anchor: str | None) -> str:
    """A data file's path relative to a project store's anchor when under it, else as stored.

    The recorder already stores files under its project root relatively; this converts what an
    older store may hold. A shared store's files are left alone (their root is unknown).
    """
    if anchor is None or not os.path.isabs(path):
        return path
    relative = _under(os.path.normpath(path), anchor)
    return relative if relative is not None else path


def register(conn: sqlite3.Connection, anchor: str | None) -> None:
    """Make ``repro_notebook_key(path)`` and ``repro_file_key(path)`` SQL functions on ``conn``."""
    # Cached: a migration calls it once per row, and a shared store's keys look for .git.
    keyed = functools.lru_cache(maxsize=4096)(lambda value: notebook_key(value, anchor))
    conn.create_function(
        SQL_FUNCTION,
        1,
        lambda value: None if value is None else keyed(str(value)),
        deterministic=True,
    )
    conn.create_function(
        "repro_file_key",
        1,
        lambda value: None if value is None else file_key(str(value), anchor),
        deterministic=True,
    )


def connection_anchor(conn: sqlite3.Connection) -> str | None:
    """The anchor of the store file ``conn`` has open (None for a shared or in-memory store)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    file = row[2] if row is not None else ""
    return store_anchor(Path(file)) if file else None


def _under(path: str, root: str) -> str | None:
    root = root.rstrip("/") or "/"
    if path == root:
        return None
    prefix = root if root.endswith("/") else root + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def _repository_root(notebook: str) -> str | None:
    root = project_root(Path(notebook).parent)
    return str(root) if (root / ".git").exists() else None
