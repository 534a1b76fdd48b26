"""The SQL of forgetting: delete a notebook's, a session's or a period's records, then compact.

Use through :class:`~jupyter_repro.store.lineage_store.LineageStore`::

    plan = store.forget(notebook="/p/a.ipynb", dry_run=True)   # counts only, nothing changes
    done = store.forget(notebook="/p/a.ipynb", before=datetime(2026, 1, 1, tzinfo=timezone.utc))
    done.data_versions   # data versions no remaining record reads: delete their cached copies
    store.compact()      # VACUUM, then empty the WAL: the deleted bytes leave the files

What goes, in one transaction: the selected executions with their variables, files, outputs and
disk changes; the sessions they leave without executions (and, for a notebook or a date, that
notebook's or that period's sessions that never ran a cell); the code texts and environments
only they referenced; the notebook's saved versions (saved before the date, with one) and the
saved content no version refers to any more. A session is never selected together with a
notebook or a date. Deleted rows stay readable in the file's free pages until ``compact``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from . import versions as versions_sql


@dataclass(frozen=True)
class Selection:
    """What to forget; every filter given must hold (None: any). ``before`` is an ISO time."""

    notebook: str | None = None
    session_id: str | None = None
    before: str | None = None


@dataclass(frozen=True)
class Forgotten:
    """What a forget deleted (or, for a dry run, would delete)."""

    sessions: int
    executions: int
    versions: int
    code: int
    environments: int
    #: Content digests of data file versions only the forgotten executions read.
    data_versions: frozenset[str]

    @property
    def empty(self) -> bool:
        return not (self.sessions or self.executions or self.versions or self.data_versions)


def forget_records(conn: sqlite3.Connection, which: Selection, delete: bool) -> Forgotten:
    """Find (and with ``delete``, delete) what ``which`` selects, inside the caller's
    transaction."""
    ids = _column(conn, *_where("SELECT id FROM executions", which, _EXECUTIONS))
    gone = json.dumps(ids)
    sessions = _left_empty(conn, which, gone)
    code = _orphans(conn, gone, "code_hash")
    environments = _orphans(conn, gone, "env_id")
    data_versions = _unread(conn, gone)
    versions = _versions(conn, which)
    if delete:
        for table in ("variables", "files", "outputs", "disk_changes"):
            conn.execute(f"DELETE FROM {table} WHERE execution_id IN {_IN}", (gone,))
        conn.execute(f"DELETE FROM executions WHERE id IN {_IN}", (gone,))
        conn.execute(f"DELETE FROM sessions WHERE id IN {_IN}", (json.dumps(sessions),))
        conn.execute(f"DELETE FROM code WHERE hash IN {_IN}", (json.dumps(code),))
        conn.execute(f"DELETE FROM environments WHERE id IN {_IN}", (json.dumps(environments),))
        versions_sql.drop(conn, versions)
    return Forgotten(
        sessions=len(sessions),
        executions=len(ids),
        versions=len(versions),
        code=len(code),
        environments=len(environments),
        data_versions=frozenset(data_versions),
    )


def compact(conn: sqlite3.Connection) -> bool:
    """Rewrite the database without its free pages, then copy the WAL back and empty it.

    Without VACUUM a deleted row stays in the file's free pages, readable with a hex editor;
    without the TRUNCATE checkpoint the old pages stay in the main file while another connection
    keeps the WAL alive. False when a reader held the WAL (the checkpoint could not finish).
    """
    conn.execute("VACUUM")
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


_IN = "(SELECT value FROM json_each(?))"
# Each table's (notebook, session, time) columns.
_EXECUTIONS = ("notebook", "session_id", "started")
_SESSIONS = ("notebook", "id", "started")
_VERSIONS = ("notebook", None, "saved")


def _where(
    select: str, which: Selection, columns: tuple[str, str | None, str]
) -> tuple[str, list[object]]:
    """``select`` filtered by ``which`` on its (notebook, session, time) ``columns``."""
    notebook_column, session_column, time_column = columns
    clauses: list[tuple[str, object]] = []
    if which.notebook is not None:
        clauses.append((f"{notebook_column} = ?", which.notebook))
    if which.session_id is not None and session_column is not None:
        clauses.append((f"{session_column} = ?", which.session_id))
    if which.before is not None:
        # julianday(): stored times carry offsets and different fractions; compare instants.
        clauses.append((f"julianday({time_column}) < julianday(?)", which.before))
    where = " AND ".join(clause for clause, _ in clauses) or "1"
    return f"{select} WHERE {where}", [value for _, value in clauses]


def _column(
    conn: sqlite3.Connection, sql: str, params: list[object] | tuple[object, ...]
) -> list[Any]:
    return [row[0] for row in conn.execute(sql, params)]


def _left_empty(conn: sqlite3.Connection, which: Selection, gone: str) -> list[str]:
    """Sessions of the forgotten executions, and the selection's own sessions, that would have
    no execution left."""
    own_sql, own_params = _where("SELECT id FROM sessions", which, _SESSIONS)
    return _column(
        conn,
        f"""SELECT id FROM sessions
        WHERE (id IN (SELECT session_id FROM executions WHERE id IN {_IN}) OR id IN ({own_sql}))
        AND NOT EXISTS (SELECT 1 FROM executions e
            WHERE e.session_id = sessions.id AND e.id NOT IN {_IN})""",
        [gone, *own_params, gone],
    )


def _orphans(conn: sqlite3.Connection, gone: str, column: str) -> list[str]:
    """Values of ``column`` (code_hash, env_id) the forgotten executions use and no other does."""
    return _column(
        conn,
        f"""SELECT DISTINCT {column} FROM executions WHERE id IN {_IN} AND {column} IS NOT NULL
        AND {column} NOT IN (SELECT {column} FROM executions
            WHERE id NOT IN {_IN} AND {column} IS NOT NULL)""",
        (gone, gone),
    )


def _unread(conn: sqlite3.Connection, gone: str) -> list[str]:
    """Digests of data versions the forgotten executions read and no other execution reads."""
    return _column(
        conn,
        f"""SELECT DISTINCT hash FROM files
        WHERE execution_id IN {_IN} AND mode = 'read' AND hash IS NOT NULL
        AND hash NOT IN (SELECT hash FROM files
            WHERE execution_id NOT IN {_IN} AND mode = 'read' AND hash IS NOT NULL)""",
        (gone, gone),
    )


def _versions(conn: sqlite3.Connection, which: Selection) -> list[tuple[int, str]]:
    if which.session_id is not None:
        return []  # a save belongs to a notebook, never to a kernel session
    sql, params = _where("SELECT id, hash FROM notebook_versions", which, _VERSIONS)
    return [(row[0], row[1]) for row in conn.execute(sql, params)]
