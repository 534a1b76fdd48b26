"""The database schema: which migrations a store has, and applying the missing ones.

The migrations are the ordered list in ``migrations.py`` (plain SQL, append only); the ledger of
applied ones is sqlite-utils' ``_sqlite_migrations`` table, written by ``ledger.py`` in its
format, and their count is mirrored in ``PRAGMA user_version``, so ``sqlite3 lineage.db 'PRAGMA
user_version'`` shows the schema version::

    migrate(conn)            # applies whatever is pending; safe to call on every open
    schema_version(conn)     # -> latest_version() once migrated
    newer_version(conn)      # -> None, or the version of a store a newer release migrated

A store holding migrations this release does not know (a newer jupyter-repro applied them) is
refused whole, before anything is applied: ``LineageStore.open`` raises ``SchemaTooNew``, and
every write re-reads ``PRAGMA user_version`` inside its transaction, so a store a newer kernel
upgrades during a session is not written to either.

Everything is the standard library's ``sqlite3``, in the calling process: a kernel creating a new
store pays a few milliseconds and imports nothing (sqlite-utils would import pandas and numpy
behind its user's back). Pending migrations are applied in one ``BEGIN IMMEDIATE`` transaction
that re-reads the ledger under the write lock, so two kernels opening a new store at once apply
nothing twice, and a failed migration leaves the store as it was.

Design notes. Code is content-addressed (``code.hash`` is the SHA-256 hex of the UTF-8 text) so a
cell run a hundred times is stored once. ``variables`` has one row per name an execution bound
(``removed = 0``) or deleted (``removed = 1``); folding them in id order gives the live namespace.
``REFERENCES`` clauses document relations; foreign keys are not enforced, on purpose: an
execution whose session row failed to be written is still worth keeping.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from . import ledger, notebook_keys
from .connection import write
from .migrations import MIGRATIONS, Migration


def is_initialized(conn: sqlite3.Connection) -> bool:
    """Whether this file has been given a schema at all (an empty new file has not)."""
    return bool(ledger.applied(conn))


def pending(conn: sqlite3.Connection) -> list[Migration]:
    """The migrations this store lacks, in the order they must run."""
    done = set(ledger.applied(conn))
    return [migration for migration in MIGRATIONS if migration.name not in done]


def migrate(conn: sqlite3.Connection, store_path: Path | None = None) -> None:
    """Apply pending migrations, serialized against other processes opening the same store.

    ``store_path``: the file ``conn`` holds a copy of (an in-memory copy a read-only open
    migrates), so migrations that depend on where the store is see its place.
    """
    if not pending(conn):
        return  # the common case: a read, no write, no lock
    write(conn, lambda c: _apply_pending(c, store_path))


def _apply_pending(conn: sqlite3.Connection, store_path: Path | None = None) -> None:
    # Under the write lock now: whatever another process applied meanwhile is not pending.
    ledger.ensure_table(conn)
    # The Python functions migrations call (m006: notebook keys, from where the store is).
    anchor = (
        notebook_keys.store_anchor(store_path)
        if store_path is not None
        else notebook_keys.connection_anchor(conn)
    )
    notebook_keys.register(conn, anchor)
    for migration in pending(conn):
        for statement in migration.statements:
            conn.execute(statement)
        ledger.record(conn, migration.name)
    conn.execute(f"PRAGMA user_version = {schema_version(conn)}")


def newer_version(conn: sqlite3.Connection) -> int | None:
    """The store's schema version when it is newer than this release's, else None.

    Newer means a migration in the ledger that is not one of ours, or a ``user_version`` past
    ``latest_version()`` (a release that kept only the pragma would still be told apart).
    """
    names = ledger.applied(conn)
    known = {migration.name for migration in MIGRATIONS}
    pragma = user_version(conn)
    if pragma > latest_version() or any(name not in known for name in names):
        return max(pragma, len(names))
    return None


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version the store's header claims (one read of the header, no table)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def schema_version(conn: sqlite3.Connection) -> int:
    """How many of this package's migrations the store has applied."""
    return len(ledger.applied(conn))


def latest_version() -> int:
    """The version a store has once every migration is applied."""
    return len(MIGRATIONS)
