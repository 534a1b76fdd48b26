"""The migration ledger: which migrations a store has applied, in sqlite-utils' own format.

The ledger is the ``_sqlite_migrations`` table sqlite-utils' ``Migrations`` keeps, one row per
applied migration (``migration_set``, ``name``, ``applied_at``), and this module writes it the
way sqlite-utils does: the same table and unique index, our rows under the set
``jupyter_repro.store``, ``applied_at`` as ``str()`` of an aware UTC datetime. So stores made by
earlier releases (which applied migrations through sqlite-utils) need no conversion, and
sqlite-utils, pointed at a store made here, sees the same migrations applied::

    applied(conn)                 # ["m001_initial", ...] in the order they were applied
    ensure_table(conn); record(conn, "m003_...")   # inside the caller's write transaction

Standard library only: kernels create stores, and must not import sqlite-utils (it imports
pandas and numpy when they are installed).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

MIGRATION_SET = "jupyter_repro.store"
TABLE = "_sqlite_migrations"

# sqlite-utils' Table.create(..., pk="id") and create_index(["migration_set", "name"],
# unique=True), character for character, so both tools find what they expect.
_CREATE_TABLE = f"""CREATE TABLE IF NOT EXISTS "{TABLE}" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
)"""
_CREATE_INDEX = f"""CREATE UNIQUE INDEX IF NOT EXISTS "idx_{TABLE}_migration_set_name"
    ON "{TABLE}" ("migration_set", "name")"""


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of this package's migrations the store has applied, in order."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    if not has_table:
        return []
    rows = conn.execute(
        f'SELECT name FROM "{TABLE}" WHERE migration_set = ? ORDER BY rowid', (MIGRATION_SET,)
    )
    return [name for (name,) in rows]


def ensure_table(conn: sqlite3.Connection) -> None:
    """Create the ledger if the store has none yet (an existing one is left as it is)."""
    conn.execute(_CREATE_TABLE)
    conn.execute(_CREATE_INDEX)


def record(conn: sqlite3.Connection, name: str) -> None:
    """Note that migration ``name`` is applied, in the caller's transaction."""
    conn.execute(
        f'INSERT INTO "{TABLE}" (migration_set, name, applied_at) VALUES (?, ?, ?)',
        (MIGRATION_SET, name, str(datetime.now(timezone.utc))),
    )
