"""The database schema: which migrations a store has, and applying the missing ones.

The migrations themselves live in ``migrations.py`` (sqlite-utils ``Migrations``, append only).
Applied migrations are recorded in the ``_sqlite_migrations`` table (set ``jupyter_repro.store``)
and their count is mirrored in ``PRAGMA user_version``, so ``sqlite3 lineage.db 'PRAGMA
user_version'`` shows the schema version::

    migrate(conn, path)      # applies whatever is pending; safe to call on every open
    schema_version(conn)     # -> latest_version() once migrated

Checking is plain SQL: sqlite-utils imports pandas and numpy when they are installed, which a
recording kernel must not do behind its user's back (it changes ``sys.modules`` and costs a
third of a second). So a kernel (``isolated=True``) applies pending migrations in a child process,
and everyone else imports ``migrations`` only when something is pending.

Design notes. Code is content-addressed (``code.hash`` is the SHA-256 hex of the UTF-8 text) so a
cell run a hundred times is stored once. ``variables`` has one row per name an execution bound
(``removed = 0``) or deleted (``removed = 1``); folding them in id order gives the live namespace.
``REFERENCES`` clauses document relations; foreign keys are not enforced, on purpose: an
execution whose session row failed to be written is still worth keeping.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from .connection import write

MIGRATION_SET = "jupyter_repro.store"
#: Every migration in ``migrations.py``, in order (a test keeps the two in step).
MIGRATION_NAMES: tuple[str, ...] = ("m001_initial", "m002_notebook_versions")


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of this package's migrations the store has applied, in order."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not has_table:
        return []
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,),
    )
    return [name for (name,) in rows]


def is_initialized(conn: sqlite3.Connection) -> bool:
    """Whether this file has been given a schema at all (an empty new file has not)."""
    return bool(applied(conn))


def pending(conn: sqlite3.Connection) -> list[str]:
    done = set(applied(conn))
    return [name for name in MIGRATION_NAMES if name not in done]


def migrate(conn: sqlite3.Connection, path: Path | None = None, isolated: bool = False) -> None:
    """Apply pending migrations, serialized against other processes opening the same store.

    With ``isolated`` (and a ``path``), they are applied by a child Python process, so this one
    never imports sqlite-utils.
    """
    if not pending(conn):
        return  # the common case: no write, no lock, no import
    if isolated and path is not None and "sqlite_utils" not in sys.modules:
        code = "import sys; from jupyter_repro.store.schema import main; sys.exit(main(sys.argv))"
        command = [sys.executable, "-c", code, str(path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise sqlite3.OperationalError(done.stderr.strip().splitlines()[-1:] or "failed")
        return

    from sqlite_utils import Database

    from .migrations import MIGRATIONS

    db = Database(conn, recursive_triggers=False, execute_plugins=False)

    def apply(_: sqlite3.Connection) -> None:
        # Inside our BEGIN IMMEDIATE, so sqlite-utils uses savepoints, and the pending list
        # is re-read under the lock: a second kernel opening at the same time applies nothing.
        MIGRATIONS.apply(db)
        conn.execute(f"PRAGMA user_version = {schema_version(conn)}")

    write(conn, apply)


def schema_version(conn: sqlite3.Connection) -> int:
    """How many of this package's migrations the store has applied."""
    return len(applied(conn))


def latest_version() -> int:
    """The version a store has once every migration is applied."""
    return len(MIGRATION_NAMES)


def main(argv: list[str]) -> int:
    """Apply pending migrations to the store named on the command line (used by kernels)."""
    # This throwaway process only runs SQL: keep sqlite-utils from importing pandas and numpy
    # (its optional integrations), a third of a second that every new store would pay.
    for optional in ("pandas", "numpy"):
        sys.modules.setdefault(optional, None)  # type: ignore[arg-type]
    from .connection import connect

    conn = connect(Path(argv[1]))
    try:
        migrate(conn)
    finally:
        conn.close()
    return 0
