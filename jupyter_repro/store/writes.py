"""The SQL of each recorder call. Every function runs inside the caller's one transaction.

Use through :class:`~jupyter_repro.store.lineage_store.LineageStore`, which wraps each call in
``connection.write``; these functions never commit::

    write(conn, lambda c: insert_session(c, session))
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from .models import (
    CHANGED_ON_DISK,
    STATUS_RUNNING,
    Environment,
    ExecutionEnd,
    ExecutionStart,
    FileAccess,
    OutputFingerprint,
    Session,
    VariableState,
)


def code_hash(text: str) -> str:
    """The content address of a cell's code: SHA-256 hex of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_json(value: Any) -> str:
    # Sorted keys: equal data gives equal text. default=str: a numpy scalar in a summary must
    # not cost the whole execution record.
    return json.dumps(value, sort_keys=True, default=str)


def insert_session(conn: sqlite3.Connection, s: Session, follow_rename: bool = False) -> None:
    """Write the session row; with ``follow_rename`` (its notebook file is gone), under the name
    the notebook was renamed to, if it was (``renames``)."""
    notebook = s.notebook
    if follow_rename and notebook is not None:
        row = conn.execute("SELECT new FROM notebook_renames WHERE old = ?", (notebook,)).fetchone()
        notebook = row[0] if row else notebook
    conn.execute(
        """INSERT INTO sessions (id, kernel_id, notebook, started, pid, hostname, kernel_name)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET kernel_id = excluded.kernel_id,
            notebook = excluded.notebook, started = excluded.started, pid = excluded.pid,
            hostname = excluded.hostname, kernel_name = excluded.kernel_name""",
        (s.id, s.kernel_id, notebook, s.started, s.pid, s.hostname, s.kernel_name),
    )


def insert_start(conn: sqlite3.Connection, start: ExecutionStart) -> int:
    digest = code_hash(start.code)
    conn.execute("INSERT OR IGNORE INTO code (hash, text) VALUES (?, ?)", (digest, start.code))
    # The notebook is the session's as stored now: a rename re-keys the session row, and every
    # execution its kernel records afterwards follows (one indexed lookup, no extra statement).
    cursor = conn.execute(
        """INSERT INTO executions (session_id, notebook, cell_id, code_hash, started, status)
        VALUES (?, COALESCE((SELECT notebook FROM sessions WHERE id = ?), ?), ?, ?, ?, ?)""",
        (
            start.session_id,
            start.session_id,
            start.notebook,
            start.cell_id,
            digest,
            start.started,
            STATUS_RUNNING,
        ),
    )
    assert cursor.lastrowid is not None  # always set after a one-row INSERT
    return cursor.lastrowid


def update_end(
    conn: sqlite3.Connection, execution_id: int, end: ExecutionEnd, fresh: bool = False
) -> None:
    cursor = conn.execute(
        """UPDATE executions SET execution_count = ?, ended = ?, duration_ms = ?, status = ?,
            error_name = ?, error_message = ?, env_id = ?, rng = ?, incomplete = ?
        WHERE id = ?""",
        (
            end.execution_count,
            end.ended,
            end.duration_ms,
            end.status,
            end.error_name,
            end.error_message,
            end.env_id,
            to_json(end.rng),
            end.incomplete,
            execution_id,
        ),
    )
    if cursor.rowcount != 1:
        raise KeyError(f"no execution {execution_id} in the lineage store")
    _insert_what_it_did(conn, execution_id, end, fresh)


def insert_whole(conn: sqlite3.Connection, start: ExecutionStart, end: ExecutionEnd) -> int:
    """An execution that ended before its start was written: the start and end in one go, and
    none of the deletes a second report of an execution needs (half the statements)."""
    execution_id = insert_start(conn, start)
    update_end(conn, execution_id, end, fresh=True)
    return execution_id


def _insert_what_it_did(
    conn: sqlite3.Connection, execution_id: int, end: ExecutionEnd, fresh: bool
) -> None:
    """Variables, files, changes on disk and outputs of an execution. Finishing twice (a retried
    hook) keeps the latest report only, so they are deleted first unless the row is ``fresh``;
    OR REPLACE absorbs a name or file the recorder listed twice. Empty lists cost no statement:
    this runs on a trivial cell's path."""
    if not fresh:
        for table in ("variables", "files", "disk_changes", "outputs"):
            conn.execute(f"DELETE FROM {table} WHERE execution_id = ?", (execution_id,))
    # A name both rebound and deleted in one cell exists at the end: "changed" wins.
    bound = {v.name for v in end.changed}
    removed = [(execution_id, name) for name in end.removed if name not in bound]
    if end.changed:
        conn.executemany(
            """INSERT OR REPLACE INTO variables
            (execution_id, name, hash, type, summary, complete, unhashable, removed)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0)""",
            [
                (execution_id, v.name, v.hash, v.type, to_json(v.summary), v.complete, v.unhashable)
                for v in end.changed
            ],
        )
    if removed:
        conn.executemany(
            "INSERT OR REPLACE INTO variables (execution_id, name, removed) VALUES (?, ?, 1)",
            removed,
        )
    own = [f for f in end.files if f.mode != CHANGED_ON_DISK]
    if own:
        conn.executemany(
            """INSERT OR REPLACE INTO files (execution_id, path, mode, hash, size, mtime_ns)
            VALUES (?, ?, ?, ?, ?, ?)""",
            [(execution_id, f.path, f.mode, f.hash, f.size, f.mtime_ns) for f in own],
        )
    others = [f for f in end.files if f.mode == CHANGED_ON_DISK]
    if others:
        _insert_disk_changes(conn, execution_id, others)
    if end.outputs:
        _insert_outputs(conn, execution_id, end.outputs)


def _insert_disk_changes(
    conn: sqlite3.Connection, execution_id: int, changes: Sequence[FileAccess]
) -> None:
    """Files someone else changed while the execution ran: a table of their own, never `files`."""
    conn.executemany(
        """INSERT OR REPLACE INTO disk_changes (execution_id, path, size, mtime_ns)
        VALUES (?, ?, ?, ?)""",
        [(execution_id, f.path, f.size, f.mtime_ns) for f in changes],
    )


def update_variables(
    conn: sqlite3.Connection,
    execution_id: int,
    changed: Sequence[VariableState],
    unchanged: Sequence[str] = (),
) -> None:
    """Digests that came after the execution was written (hashed off the cell's path) replace
    its provisional ones; ``unchanged`` names turned out not to have changed: no longer listed."""
    conn.executemany(
        "DELETE FROM variables WHERE execution_id = ? AND name = ? AND removed = 0",
        [(execution_id, name) for name in unchanged],
    )
    conn.executemany(
        """INSERT OR REPLACE INTO variables
        (execution_id, name, hash, type, summary, complete, unhashable, removed)
        VALUES (?, ?, ?, ?, ?, ?, ?, 0)""",
        [
            (execution_id, v.name, v.hash, v.type, to_json(v.summary), v.complete, v.unhashable)
            for v in changed
        ],
    )


def replace_outputs(
    conn: sqlite3.Connection, execution_id: int, outputs: Sequence[OutputFingerprint]
) -> None:
    """The execution's output fingerprints become ``outputs``, in their order."""
    conn.execute("DELETE FROM outputs WHERE execution_id = ?", (execution_id,))
    _insert_outputs(conn, execution_id, outputs)


def _insert_outputs(
    conn: sqlite3.Connection, execution_id: int, outputs: Sequence[OutputFingerprint]
) -> None:
    conn.executemany(
        """INSERT OR REPLACE INTO outputs
        (execution_id, idx, output_type, mime, name, size, hash) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [(execution_id, o.index, o.output_type, o.mime, o.name, o.size, o.hash) for o in outputs],
    )


def insert_environment(conn: sqlite3.Connection, env: Environment) -> str:
    # The id is a content hash: a second insert of the same id is the same environment.
    captured = datetime.now(timezone.utc).isoformat()
    conn.execute(
        "INSERT OR IGNORE INTO environments (id, captured, data) VALUES (?, ?, ?)",
        (env.id, captured, to_json(env.data)),
    )
    return env.id
