"""The SQL of each read, turning rows into the frozen records of ``models``.

Use through :class:`~jupyter_repro.store.lineage_store.LineageStore`. A page of executions costs
four queries whatever its size: the page itself, then the variables, the files (with those others
changed meanwhile) and the outputs of all its executions at once (ids passed as one JSON array, so
there is no limit on the page size)::

    select_executions(conn, Filter(notebook="/p/a.ipynb"), descending=True, limit=50, offset=0)
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .liveness import StatusJudge
from .models import (
    CHANGED_ON_DISK,
    Environment,
    Execution,
    FileAccess,
    OutputFingerprint,
    Session,
    VariableState,
)

_EXECUTIONS = """
SELECT e.*, c.text AS code, s.pid AS session_pid, s.hostname AS session_hostname,
    e.status = 'running' AND EXISTS (
        SELECT 1 FROM executions later WHERE later.session_id = e.session_id AND later.id > e.id
    ) AS superseded
FROM executions e
LEFT JOIN code c ON c.hash = e.code_hash
LEFT JOIN sessions s ON s.id = e.session_id
"""
_IN_PAGE = "execution_id IN (SELECT value FROM json_each(?))"
# The files each execution read and wrote, then those others changed meanwhile: one query.
_FILES = f"""
SELECT 0 AS kind, rowid AS pos, execution_id, path, mode, hash, size, mtime_ns FROM files
WHERE {_IN_PAGE}
UNION ALL
SELECT 1, rowid, execution_id, path, '{CHANGED_ON_DISK}', NULL, size, mtime_ns FROM disk_changes
WHERE {_IN_PAGE}
ORDER BY kind, pos
"""


@dataclass(frozen=True)
class Filter:
    """Which executions to read; None means any."""

    notebook: str | None = None
    session_id: str | None = None
    cell_id: str | None = None
    execution_id: int | None = None

    def sql(self) -> tuple[str, list[object]]:
        pairs = [
            ("e.notebook = ?", self.notebook),
            ("e.session_id = ?", self.session_id),
            ("e.cell_id = ?", self.cell_id),
            ("e.id = ?", self.execution_id),
        ]
        used = [(clause, value) for clause, value in pairs if value is not None]
        where = " AND ".join(clause for clause, _ in used) or "1"
        return where, [value for _, value in used]


#: How a stored notebook key becomes the path handed out (``notebook_keys``); identity here.
Place = Callable[[str], str]


def _as_stored(key: str) -> str:
    return key


def select_executions(
    conn: sqlite3.Connection,
    which: Filter,
    descending: bool,
    limit: int | None,
    offset: int,
    place: Place = _as_stored,
) -> list[Execution]:
    where, params = which.sql()
    direction = "DESC" if descending else "ASC"
    sql = f"{_EXECUTIONS} WHERE {where} ORDER BY e.id {direction} LIMIT ? OFFSET ?"
    rows = conn.execute(sql, [*params, -1 if limit is None else limit, offset]).fetchall()
    return _assemble(conn, rows, place)


def count_executions(conn: sqlite3.Connection, which: Filter) -> int:
    where, params = which.sql()
    return int(
        conn.execute(f"SELECT count(*) FROM executions e WHERE {where}", params).fetchone()[0]
    )


def _assemble(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], place: Place
) -> list[Execution]:
    ids = json.dumps([row["id"] for row in rows])
    changed: dict[int, list[VariableState]] = defaultdict(list)
    removed: dict[int, list[str]] = defaultdict(list)
    for v in conn.execute(f"SELECT * FROM variables WHERE {_IN_PAGE} ORDER BY rowid", (ids,)):
        if v["removed"]:
            removed[v["execution_id"]].append(v["name"])
        else:
            changed[v["execution_id"]].append(to_variable(v))
    files: dict[int, list[FileAccess]] = defaultdict(list)
    disk: dict[int, list[FileAccess]] = defaultdict(list)
    for f in conn.execute(_FILES, (ids, ids)):
        into = disk if f["mode"] == CHANGED_ON_DISK else files
        into[f["execution_id"]].append(
            FileAccess(f["path"], f["mode"], f["hash"], f["size"], f["mtime_ns"])
        )
    outputs: dict[int, list[OutputFingerprint]] = defaultdict(list)
    for o in conn.execute(f"SELECT * FROM outputs WHERE {_IN_PAGE} ORDER BY rowid", (ids,)):
        outputs[o["execution_id"]].append(
            OutputFingerprint(
                o["idx"], o["output_type"], o["mime"], o["size"], o["hash"], o["name"]
            )
        )
    judge = StatusJudge()
    return [
        Execution(
            id=row["id"],
            session_id=row["session_id"],
            notebook=None if row["notebook"] is None else place(row["notebook"]),
            cell_id=row["cell_id"],
            execution_count=row["execution_count"],
            code=row["code"] or "",
            code_hash=row["code_hash"],
            started=row["started"],
            ended=row["ended"],
            duration_ms=row["duration_ms"],
            status=judge.status(
                row["status"], bool(row["superseded"]), row["session_hostname"], row["session_pid"]
            ),
            error_name=row["error_name"],
            error_message=row["error_message"],
            env_id=row["env_id"],
            rng=json.loads(row["rng"] or "{}"),
            changed=tuple(changed.get(row["id"], ())),
            removed=tuple(removed.get(row["id"], ())),
            files=tuple(files.get(row["id"], ())),
            outputs=tuple(outputs.get(row["id"], ())),
            changed_on_disk=tuple(disk.get(row["id"], ())),
            incomplete=row["incomplete"],
        )
        for row in rows
    ]


def to_variable(row: sqlite3.Row) -> VariableState:
    return VariableState(
        name=row["name"],
        hash=row["hash"],
        type=row["type"],
        summary=json.loads(row["summary"]),
        complete=bool(row["complete"]),
        unhashable=bool(row["unhashable"]),
    )


def select_sessions(
    conn: sqlite3.Connection, notebook: str | None, place: Place = _as_stored
) -> list[Session]:
    where, params = ("WHERE notebook = ?", [notebook]) if notebook is not None else ("", [])
    sql = f"SELECT * FROM sessions {where} ORDER BY started, rowid"
    return [to_session(row, place) for row in conn.execute(sql, params)]


def select_session(
    conn: sqlite3.Connection, session_id: str, place: Place = _as_stored
) -> Session | None:
    row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return to_session(row, place) if row else None


def select_environment(conn: sqlite3.Connection, env_id: str) -> Environment | None:
    row = conn.execute("SELECT * FROM environments WHERE id = ?", (env_id,)).fetchone()
    return Environment(id=row["id"], data=json.loads(row["data"])) if row else None


def select_code(conn: sqlite3.Connection, code_hash: str) -> str | None:
    row = conn.execute("SELECT text FROM code WHERE hash = ?", (code_hash,)).fetchone()
    return str(row["text"]) if row else None


def select_read_digests(conn: sqlite3.Connection) -> set[str]:
    """Every content digest a lineage record says a cell read (the data cache keeps these)."""
    rows = conn.execute("SELECT DISTINCT hash FROM files WHERE mode = 'read' AND hash IS NOT NULL")
    return {str(row["hash"]) for row in rows}


def to_session(row: sqlite3.Row, place: Place = _as_stored) -> Session:
    return Session(
        id=row["id"],
        kernel_id=row["kernel_id"],
        notebook=None if row["notebook"] is None else place(row["notebook"]),
        started=row["started"],
        pid=row["pid"],
        hostname=row["hostname"],
        kernel_name=row["kernel_name"],
    )


def live_state(conn: sqlite3.Connection, session_id: str) -> dict[str, VariableState]:
    # SQLite takes bare columns from the row holding MAX(): the last word on each name,
    # in execution order. A removal as last word means the name is gone.
    rows = conn.execute(
        """SELECT v.*, MAX(v.execution_id) AS last FROM variables v
        JOIN executions e ON e.id = v.execution_id
        WHERE e.session_id = ? GROUP BY v.name ORDER BY v.name""",
        (session_id,),
    )
    return {row["name"]: to_variable(row) for row in rows if not row["removed"]}
