"""The SQL of notebook versions: one row per save, content stored once per hash.

Use through :class:`~jupyter_repro.store.lineage_store.LineageStore`::

    version = store.add_version("/p/analysis.ipynb", saved_bytes, keep=200)
    store.versions("/p/analysis.ipynb")   # newest first
    store.version_content(version.id)     # the saved bytes

Content is addressed by the SHA-256 of the saved bytes and compressed with zlib (notebook JSON
shrinks five to ten times). ``keep`` bounds a notebook's history: older versions go, and so does
content no version refers to any more; ``expire`` drops versions saved before a time (the
project's ``versions_days``), ``rewrite`` replaces older versions' content (outputs the user
has since cleared, see ``server.cleared_outputs``). Every function runs inside the caller's
transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone

from .models import NotebookVersion

_COLUMNS = "v.id, v.notebook, v.saved, v.hash, c.size"
_JOIN = "notebook_versions v JOIN notebook_contents c ON c.hash = v.hash"


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def insert_version(
    conn: sqlite3.Connection, notebook: str, content: bytes, keep: int | None
) -> NotebookVersion:
    digest = _insert_content(conn, content)
    saved = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    cursor = conn.execute(
        "INSERT INTO notebook_versions (notebook, saved, hash) VALUES (?, ?, ?)",
        (notebook, saved, digest),
    )
    assert cursor.lastrowid is not None  # always set after a one-row INSERT
    if keep is not None:
        _prune(conn, notebook, keep)
    return NotebookVersion(cursor.lastrowid, notebook, saved, digest, len(content))


def _insert_content(conn: sqlite3.Connection, content: bytes) -> str:
    digest = content_hash(content)
    conn.execute(
        """INSERT OR IGNORE INTO notebook_contents (hash, size, compression, content)
        VALUES (?, ?, 'zlib', ?)""",
        (digest, len(content), zlib.compress(content, 6)),
    )
    return digest


def _prune(conn: sqlite3.Connection, notebook: str, keep: int) -> None:
    old = conn.execute(
        "SELECT id, hash FROM notebook_versions WHERE notebook = ? ORDER BY id DESC LIMIT -1 "
        "OFFSET ?",
        (notebook, max(keep, 1)),
    ).fetchall()
    drop(conn, [(row["id"], row["hash"]) for row in old])


def drop(conn: sqlite3.Connection, versions: Sequence[tuple[int, str]]) -> None:
    """Delete these (id, hash) versions, and their content unless another version keeps it."""
    if not versions:
        return
    conn.execute(
        "DELETE FROM notebook_versions WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps([version_id for version_id, _ in versions]),),
    )
    _drop_unreferenced(conn, {digest for _, digest in versions})


def _drop_unreferenced(conn: sqlite3.Connection, hashes: Iterable[str]) -> None:
    # Content is shared by hash, across notebooks too: drop only what nothing refers to.
    conn.execute(
        """DELETE FROM notebook_contents WHERE hash IN (SELECT value FROM json_each(?))
        AND NOT EXISTS (SELECT 1 FROM notebook_versions v WHERE v.hash = notebook_contents.hash)""",
        (json.dumps(sorted(hashes)),),
    )


def expire(conn: sqlite3.Connection, saved_before: str) -> int:
    """Delete every version saved before ``saved_before`` (an ISO time); how many went."""
    old = conn.execute(
        "SELECT id, hash FROM notebook_versions WHERE julianday(saved) < julianday(?)",
        (saved_before,),
    ).fetchall()
    drop(conn, [(row["id"], row["hash"]) for row in old])
    return len(old)


def rewrite(
    conn: sqlite3.Connection,
    notebook: str,
    below_id: int,
    change: Callable[[bytes], bytes | None],
) -> int:
    """Replace the content of the notebook's versions older than ``below_id`` with
    ``change(content)`` where that is not None; how many versions changed.

    The replaced content is deleted unless another version keeps it, with SQLite's
    ``secure_delete`` on (the freed bytes are zeroed, not left in the file's free pages).
    """
    rows = conn.execute(
        f"SELECT v.id, v.hash, c.compression, c.content FROM {_JOIN} "
        "WHERE v.notebook = ? AND v.id < ? ORDER BY v.id",
        (notebook, below_id),
    ).fetchall()
    replaced: set[str] = set()
    for row in rows:
        changed = change(_decompress(row["compression"], row["content"]))
        if changed is None or content_hash(changed) == row["hash"]:
            continue
        digest = _insert_content(conn, changed)
        conn.execute("UPDATE notebook_versions SET hash = ? WHERE id = ?", (digest, row["id"]))
        replaced.add(row["hash"])
    (was,) = conn.execute("PRAGMA secure_delete").fetchone()
    conn.execute("PRAGMA secure_delete = ON")
    try:
        _drop_unreferenced(conn, replaced)
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(was)}")
    return sum(1 for row in rows if row["hash"] in replaced)


def select_versions(conn: sqlite3.Connection, notebook: str) -> list[NotebookVersion]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM {_JOIN} WHERE v.notebook = ? ORDER BY v.id DESC", (notebook,)
    )
    return [_to_version(row) for row in rows]


def select_version(conn: sqlite3.Connection, version_id: int) -> NotebookVersion | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM {_JOIN} WHERE v.id = ?", (version_id,)).fetchone()
    return _to_version(row) if row else None


def select_content(conn: sqlite3.Connection, version_id: int) -> bytes | None:
    row = conn.execute(
        f"SELECT c.compression, c.content FROM {_JOIN} WHERE v.id = ?", (version_id,)
    ).fetchone()
    if row is None:
        return None
    return _decompress(row["compression"], row["content"])


def _decompress(compression: str, content: bytes) -> bytes:
    if compression != "zlib":
        raise sqlite3.DataError(f"unknown compression {compression!r} of version content")
    return zlib.decompress(content)


def _to_version(row: sqlite3.Row) -> NotebookVersion:
    return NotebookVersion(row["id"], row["notebook"], row["saved"], row["hash"], row["size"])
