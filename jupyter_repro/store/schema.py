"""The database schema, as an append-only list of sqlite-utils migrations.

To change the schema, ADD a function decorated with ``@MIGRATIONS()`` at the end of this module;
never edit or reorder one that has shipped: stores in the wild have already applied it. Applied
migrations are recorded in the ``_sqlite_migrations`` table (set ``jupyter_repro.store``) and their
count is mirrored in ``PRAGMA user_version``, so ``sqlite3 lineage.db 'PRAGMA user_version'``
shows the schema version::

    migrate(conn)            # applies whatever is pending; safe to call on every open
    schema_version(conn)     # -> latest_version() once migrated

Design notes. Code is content-addressed (``code.hash`` is the SHA-256 hex of the UTF-8 text) so a
cell run a hundred times is stored once. ``variables`` has one row per name an execution bound
(``removed = 0``) or deleted (``removed = 1``); folding them in id order gives the live namespace.
``REFERENCES`` clauses document relations; foreign keys are not enforced, on purpose: an
execution whose session row failed to be written is still worth keeping.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .connection import write

MIGRATIONS = Migrations("jupyter_repro.store")


def _run(db: Database, *statements: str) -> None:
    for statement in statements:
        db.execute(statement)


def _database(conn: sqlite3.Connection) -> Database:
    return Database(conn, recursive_triggers=False, execute_plugins=False)


def is_initialized(conn: sqlite3.Connection) -> bool:
    """Whether this file has been given a schema at all (an empty new file has not)."""
    return bool(MIGRATIONS.applied(_database(conn)))


def migrate(conn: sqlite3.Connection) -> None:
    """Apply pending migrations, serialized against other processes opening the same store."""
    db = _database(conn)
    if not MIGRATIONS.pending(db):
        return  # the common case: no write, no lock

    def apply(_: sqlite3.Connection) -> None:
        # Inside our BEGIN IMMEDIATE, so sqlite-utils uses savepoints, and the pending list
        # is re-read under the lock: a second kernel opening at the same time applies nothing.
        MIGRATIONS.apply(db)
        conn.execute(f"PRAGMA user_version = {schema_version(conn)}")

    write(conn, apply)


def schema_version(conn: sqlite3.Connection) -> int:
    """How many of this package's migrations the store has applied."""
    return len(MIGRATIONS.applied(_database(conn)))


def latest_version() -> int:
    """The version a store has once every migration in this module is applied."""
    with Database(memory=True, execute_plugins=False) as empty:
        return len(MIGRATIONS.pending(empty))


# --- Migrations: append only, below this line. ---


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY, kernel_id TEXT, notebook TEXT, started TEXT NOT NULL,
            pid INTEGER NOT NULL, hostname TEXT NOT NULL, kernel_name TEXT)""",
        "CREATE INDEX sessions_notebook ON sessions (notebook, started)",
        "CREATE TABLE code (hash TEXT PRIMARY KEY, text TEXT NOT NULL)",
        """CREATE TABLE environments (
            id TEXT PRIMARY KEY, captured TEXT NOT NULL, data TEXT NOT NULL)""",
        """CREATE TABLE executions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions (id),
            notebook TEXT, cell_id TEXT, execution_count INTEGER,
            code_hash TEXT NOT NULL REFERENCES code (hash),
            started TEXT NOT NULL, ended TEXT, duration_ms REAL, status TEXT NOT NULL,
            error_name TEXT, error_message TEXT,
            env_id TEXT REFERENCES environments (id), rng TEXT NOT NULL DEFAULT '{}')""",
        "CREATE INDEX executions_session ON executions (session_id, id)",
        "CREATE INDEX executions_notebook ON executions (notebook, id)",
        "CREATE INDEX executions_cell ON executions (cell_id, id)",
        # rowid kept (not WITHOUT ROWID) so rows read back in the order the recorder gave them.
        """CREATE TABLE variables (
            execution_id INTEGER NOT NULL REFERENCES executions (id),
            name TEXT NOT NULL, hash TEXT, type TEXT, summary TEXT NOT NULL DEFAULT '{}',
            complete INTEGER NOT NULL DEFAULT 1, unhashable INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (execution_id, name))""",
        # For "where did this variable / this file change?", across sessions.
        "CREATE INDEX variables_name ON variables (name, execution_id)",
        """CREATE TABLE files (
            execution_id INTEGER NOT NULL REFERENCES executions (id),
            path TEXT NOT NULL, mode TEXT NOT NULL CHECK (mode IN ('read', 'write')),
            hash TEXT, size INTEGER, mtime_ns INTEGER,
            PRIMARY KEY (execution_id, path, mode))""",
        "CREATE INDEX files_path ON files (path, execution_id)",
    )
