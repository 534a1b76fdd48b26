"""The SQL of a rename: the history of a notebook (or of a folder's notebooks) under a new key.

Use through :meth:`~jupyter_repro.store.lineage_store.LineageStore.rename_notebook`, which
converts paths to keys (``notebook_keys``) and runs this in one write transaction::

    rekey(conn, "old.ipynb", "new.ipynb", folder=False, dry_run=False)  # -> Renamed(...)

Sessions, executions and saved versions move together. Executions a running kernel records
afterwards take their notebook from the session row (``writes.insert_start``), so they follow;
``notebook_renames`` remembers where each old key went, so a session a kernel starts later
under the old name (a restart keeps the name the kernel was launched with) follows too, as long
as no file has the old name again (``writes.insert_session``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

#: The tables naming a notebook, in the order they are re-keyed.
TABLES = ("sessions", "executions", "notebook_versions")


@dataclass(frozen=True)
class Renamed:
    """What a rename moved (or would move): notebooks as ``(old key, new key)``, row counts."""

    notebooks: tuple[tuple[str, str], ...]
    sessions: int
    executions: int
    versions: int

    @property
    def empty(self) -> bool:
        return not self.notebooks


def rekey(conn: sqlite3.Connection, old: str, new: str, folder: bool, dry_run: bool) -> Renamed:
    """Move ``old``'s rows to ``new`` (with ``folder``: every key under ``old/`` too)."""
    moves = {old: new} if _known(conn, old) else {}
    if folder:
        prefix = old.rstrip("/") + "/"
        for key in _keys_under(conn, prefix):
            moves[key] = new.rstrip("/") + "/" + key[len(prefix) :]
    counts = [0, 0, 0]
    for source, target in sorted(moves.items()):
        for index, table in enumerate(TABLES):
            if dry_run:
                sql = f"SELECT count(*) FROM {table} WHERE notebook = ?"
                counts[index] += int(conn.execute(sql, (source,)).fetchone()[0])
            else:
                sql = f"UPDATE {table} SET notebook = ? WHERE notebook = ?"
                counts[index] += conn.execute(sql, (target, source)).rowcount
        if not dry_run:
            _remember(conn, source, target)
    return Renamed(tuple(sorted(moves.items())), *counts)


def _remember(conn: sqlite3.Connection, source: str, target: str) -> None:
    """Note where ``source`` went, for sessions a kernel still starts under its old name."""
    renamed = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    conn.execute("DELETE FROM notebook_renames WHERE old = ?", (target,))  # a live name again
    conn.execute("UPDATE notebook_renames SET new = ? WHERE new = ?", (target, source))
    conn.execute(
        """INSERT INTO notebook_renames (old, new, renamed) VALUES (?, ?, ?)
        ON CONFLICT (old) DO UPDATE SET new = excluded.new, renamed = excluded.renamed""",
        (source, target, renamed),
    )


def _known(conn: sqlite3.Connection, key: str) -> bool:
    return any(
        conn.execute(f"SELECT 1 FROM {table} WHERE notebook = ? LIMIT 1", (key,)).fetchone()
        for table in TABLES
    )


def _keys_under(conn: sqlite3.Connection, prefix: str) -> list[str]:
    # substr, not LIKE: a folder name may hold % or _.
    union = " UNION ".join(
        f"SELECT notebook FROM {table} WHERE substr(notebook, 1, ?) = ?" for table in TABLES
    )
    params: list[object] = []
    for _ in TABLES:
        params += [len(prefix), prefix]
    return [str(row[0]) for row in conn.execute(union, params)]


def select_notebooks(conn: sqlite3.Connection) -> list[str]:
    """Every notebook key with recorded sessions or executions."""
    rows = conn.execute(
        """SELECT notebook FROM sessions WHERE notebook IS NOT NULL
        UNION SELECT notebook FROM executions WHERE notebook IS NOT NULL"""
    )
    return sorted(str(row[0]) for row in rows)


def select_cell_ids(conn: sqlite3.Connection, key: str) -> set[str]:
    """The cell ids recorded for a notebook key."""
    rows = conn.execute(
        "SELECT DISTINCT cell_id FROM executions WHERE notebook = ? AND cell_id IS NOT NULL", (key,)
    )
    return {str(row[0]) for row in rows}


def has_history(conn: sqlite3.Connection, key: str) -> bool:
    """Whether anything is recorded under the key: a session, an execution or a saved version."""
    return _known(conn, key)
