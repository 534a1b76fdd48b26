"""Migrations: applied once, in process, in a ledger sqlite-utils reads and writes the same way."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from jupyter_repro.store import LineageStore, StoreUnavailable, latest_version, ledger, schema
from jupyter_repro.store.migrations import MIGRATIONS, Migration

#: First 16 hex digits of the SHA-256 of each shipped migration's statements. Stores in the wild
#: applied exactly these: a change here must be a new migration, never an edit.
SHIPPED = {
    "m001_initial": "77d452fd1b9bc6bc",
    "m002_notebook_versions": "4b8b075f1ecd708c",
    "m003_outputs": "5cc3a5a8b267ecb8",
}


def sqlite_utils_migrations(run: bool = True) -> Migrations:
    """Our migrations declared the way earlier releases did, as sqlite-utils functions."""
    declared = Migrations(ledger.MIGRATION_SET)
    for migration in MIGRATIONS:

        def apply(db: Database, migration: Migration = migration) -> None:
            if not run:
                raise AssertionError(f"{migration.name} applied twice")
            for statement in migration.statements:
                db.execute(statement)

        declared(name=migration.name)(apply)
    return declared


def ledger_rows(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as raw:
        return raw.execute(
            "SELECT migration_set, name FROM _sqlite_migrations ORDER BY rowid"
        ).fetchall()


def test_shipped_migrations_are_never_edited_or_reordered() -> None:
    shipped = [m for m in MIGRATIONS if m.name in SHIPPED]
    assert (
        [m.name for m in shipped] == list(SHIPPED) == [m.name for m in MIGRATIONS][: len(SHIPPED)]
    )
    for migration in shipped:
        digest = hashlib.sha256("\0".join(migration.statements).encode()).hexdigest()[:16]
        assert digest == SHIPPED[migration.name], f"{migration.name} changed: append a new one"
    assert len({m.name for m in MIGRATIONS}) == len(MIGRATIONS) == latest_version()


def test_sqlite_utils_sees_a_store_made_here_as_fully_migrated(tmp_path: Path) -> None:
    db_path = tmp_path / "lineage.db"
    LineageStore.open(db_path).close()
    db = Database(db_path)
    declared = sqlite_utils_migrations(run=False)
    schema_sql = "SELECT sql FROM sqlite_master WHERE tbl_name = ? ORDER BY name"
    before = db.execute(schema_sql, [ledger.TABLE]).fetchall()

    assert declared.pending(db) == []
    assert [m.name for m in declared.applied(db)] == [m.name for m in MIGRATIONS]
    declared.apply(db)  # would raise if it ran anything; must not rebuild the ledger either
    assert db.execute(schema_sql, [ledger.TABLE]).fetchall() == before
    assert ledger_rows(db_path) == [(ledger.MIGRATION_SET, m.name) for m in MIGRATIONS]
    db.close()


def test_ledger_has_the_table_and_index_sqlite_utils_creates(tmp_path: Path) -> None:
    theirs = Database(tmp_path / "theirs.db")
    Migrations(ledger.MIGRATION_SET).ensure_migrations_table(theirs)
    LineageStore.open(tmp_path / "ours.db").close()
    ours = Database(tmp_path / "ours.db")
    query = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? ORDER BY name"

    assert ours.execute(query, [ledger.TABLE]).fetchall() == (
        theirs.execute(query, [ledger.TABLE]).fetchall()
    )
    applied_at = ours.execute("SELECT applied_at FROM _sqlite_migrations").fetchone()[0]
    assert applied_at.endswith("+00:00") and applied_at[10] == " "  # str() of an aware UTC time


def test_store_migrated_by_sqlite_utils_opens_and_is_finished_here(tmp_path: Path) -> None:
    # What an earlier release left: sqlite-utils applied the first migration, then it stopped.
    db_path = tmp_path / "lineage.db"
    LineageStore.open(db_path).close()
    db_path.unlink()
    old = Database(db_path)
    sqlite_utils_migrations().apply(old, stop_before=MIGRATIONS[1].name)
    old.close()

    with LineageStore.open(db_path) as store:
        assert store.schema_version == latest_version()
    assert ledger_rows(db_path) == [(ledger.MIGRATION_SET, m.name) for m in MIGRATIONS]
    reopened = Database(db_path)
    assert sqlite_utils_migrations(run=False).pending(reopened) == []
    reopened.close()


def test_failed_migration_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "lineage.db"
    LineageStore.open(db_path).close()
    broken = Migration("m999_broken", ("CREATE TABLE half_done (a)", "NOT SQL AT ALL"))
    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS, broken))

    with pytest.raises(StoreUnavailable, match="syntax error"):
        LineageStore.open(db_path)
    with sqlite3.connect(db_path) as raw:
        assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchone()
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert len(ledger_rows(db_path)) == len(MIGRATIONS)


OPENER = """
import sys, time
from pathlib import Path
from jupyter_repro.store import LineageStore
while time.time() < float(sys.argv[2]):
    time.sleep(0.001)
LineageStore.open(Path(sys.argv[1])).close()
"""


def test_kernels_creating_one_store_at_once_apply_each_migration_once(tmp_path: Path) -> None:
    db_path = tmp_path / ".repro" / "lineage.db"
    start_at = str(time.time() + 1.5)
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(db_path), start_at],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for opener in openers:
        _, err = opener.communicate(timeout=60)
        assert opener.returncode == 0, err
    assert ledger_rows(db_path) == [(ledger.MIGRATION_SET, m.name) for m in MIGRATIONS]


NEW_STORE_IN_A_KERNEL = """
import sys
from pathlib import Path
spawned = []
sys.addaudithook(
    lambda event, _: spawned.append(event)
    if event in ("subprocess.Popen", "os.posix_spawn", "os.fork", "os.exec") else None
)
from jupyter_repro.store import LineageStore
with LineageStore.open(Path(sys.argv[1])) as store:
    assert store.schema_version >= 1, store.schema_version
print(spawned, sorted(m for m in ("sqlite_utils", "pandas", "numpy") if m in sys.modules))
"""


def test_new_store_is_migrated_in_process_without_sqlite_utils(tmp_path: Path) -> None:
    command = [sys.executable, "-c", NEW_STORE_IN_A_KERNEL, str(tmp_path / ".repro" / "l.db")]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] []"
