"""A store a newer release migrated is refused whole; a locked store fails fast when asked to.

The refusal names both schema versions, writes nothing, and reaches the CLI as a usage error
(exit 2, one message, no traceback).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from jupyter_repro.cli import cli
from jupyter_repro.store import (
    ExecutionStart,
    LineageStore,
    SchemaTooNew,
    Session,
    StoreLocked,
    latest_version,
)


def make_newer(db: Path, ledger: bool = True) -> int:
    """Turn a store into one a future release migrated; returns its schema version."""
    future = latest_version() + 1
    with contextlib.closing(sqlite3.connect(db)) as raw, raw:
        if ledger:
            raw.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('jupyter_repro.store', 'm999_from_the_future', 'later')"
            )
        raw.execute(f"PRAGMA user_version = {future}")
    return future


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("ledger", [True, False], ids=["ledger", "user_version-only"])
@pytest.mark.parametrize("create", [True, False], ids=["writer", "reader"])
def test_newer_store_is_refused_on_open_naming_both_versions(tmp_path, ledger, create):
    db = tmp_path / "lineage.db"
    LineageStore.open(db).close()
    future = make_newer(db, ledger)
    before = digest(db)

    with pytest.raises(SchemaTooNew) as refused:
        LineageStore.open(db, create=create)

    assert (refused.value.found, refused.value.known) == (future, latest_version())
    message = str(refused.value)
    assert f"schema version {future}, newer than version {latest_version()}" in message
    assert str(db) in message and "\n" not in message
    assert digest(db) == before


def test_write_after_a_newer_release_upgraded_the_store_is_refused(tmp_path):
    db = tmp_path / "lineage.db"
    with LineageStore.open(db) as store:
        store.add_session(Session("s1", None, None, "t", 1, "h"))
        make_newer(db)  # another kernel, of a newer release, opened it meanwhile
        with pytest.raises(SchemaTooNew):
            store.start_execution(ExecutionStart("s1", None, "c1", "x = 1", "t"))
    with contextlib.closing(sqlite3.connect(db)) as raw:
        assert raw.execute("SELECT count(*) FROM executions").fetchone() == (0,)


def test_locked_store_raises_store_locked_within_the_busy_timeout_asked(tmp_path):
    db = tmp_path / "lineage.db"
    LineageStore.open(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with LineageStore.open(db, busy_timeout_s=0.01, attempts=1) as store:
            start = time.perf_counter()
            with pytest.raises(StoreLocked):
                store.add_session(Session("s1", None, None, "t", 1, "h"))
            waited = time.perf_counter() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert waited < 0.5  # the default (10 s, three attempts) stalled kernels 30 s a cell


@pytest.mark.parametrize(
    "command",
    [["log"], ["state"], ["env"], ["export"], ["pipeline", "--to", "make"], ["run"]],
    ids=lambda c: c[0],
)
def test_cli_refuses_a_newer_store_with_exit_2_and_one_message(tmp_path, monkeypatch, command):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    notebook = tmp_path / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), notebook)
    db = tmp_path / ".repro" / "lineage.db"
    LineageStore.open(db).close()
    future = make_newer(db)

    result = CliRunner().invoke(cli, [*command, str(notebook)])

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"schema version {future}, newer than version {latest_version()}" in result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1  # one line
