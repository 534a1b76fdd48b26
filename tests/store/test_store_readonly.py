"""A read-only open writes nothing, anywhere: no byte, no modification time, no new file.

A store at rest (no ``-wal``), a store a writer has open (its commits still in the ``-wal``), the
files a writer left when it died, a store an older release wrote (migrated in memory, never on
disk), and a store on a read-only mount all read. Real SQLite files; the mount is a real
read-only bind mount in a user namespace (``unshare``), skipped where the system allows none.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jupyter_repro.store import (
    ExecutionStart,
    LineageStore,
    NoLineageYet,
    Session,
    latest_version,
)
from tests.read_only import OLDER, files, older_store, on_read_only_mount, skip_unless_possible


def record(store: LineageStore, session: str, code: str) -> None:
    store.add_session(Session(session, None, None, "2024-01-01T00:00:00Z", os.getpid(), "h"))
    store.start_execution(ExecutionStart(session, None, None, code, "t0"))


def codes(store: LineageStore) -> list[str]:
    return [e.code for e in store.executions()]


_READ = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from jupyter_repro.store import LineageStore
    with LineageStore.open(Path(sys.argv[1]), create=False, readonly=True) as store:
        store.check_pages()
        print([e.code for e in store.executions()])
    """
)


@pytest.fixture
def at_rest(tmp_path: Path) -> Path:
    db = tmp_path / "proj" / ".repro" / "lineage.db"
    with LineageStore.open(db) as store:
        record(store, "s1", "x = 1")
    assert not db.with_name("lineage.db-wal").exists()  # the last writer checkpointed and left
    return db


def test_reading_a_store_at_rest_leaves_every_byte_time_and_file_as_it_was(at_rest: Path) -> None:
    before = files(at_rest.parent)

    with LineageStore.open(at_rest, create=False, readonly=True) as store:
        found = codes(store)
        store.check_pages()
        during = files(at_rest.parent)

    assert found == ["x = 1"]
    assert during == before  # not even a -wal or -shm while it is open
    assert files(at_rest.parent) == before


def test_a_store_a_writer_has_open_is_read_with_its_commits_still_in_the_wal(
    at_rest: Path,
) -> None:
    with LineageStore.open(at_rest) as writer:
        record(writer, "s2", "y = 2")  # committed to the -wal; the main file does not hold it
        before = files(at_rest.parent, shm=False)
        assert {"lineage.db-wal", "lineage.db-shm"} <= before.keys()

        # Another process, as a CLI command is (in this one SQLite would share the writer's
        # own mapping of the -shm).
        reader = subprocess.run(
            [sys.executable, "-c", _READ, str(at_rest)], capture_output=True, text=True
        )

        assert reader.returncode == 0, reader.stderr
        assert reader.stdout.strip() == "['x = 1', 'y = 2']"
        assert files(at_rest.parent, shm=False) == before


def test_the_files_a_dead_writer_left_are_read_and_not_checkpointed(
    at_rest: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy" / ".repro"
    copy.mkdir(parents=True)
    with LineageStore.open(at_rest) as writer:
        record(writer, "s2", "y = 2")
        for name in ("lineage.db", "lineage.db-wal", "lineage.db-shm"):
            shutil.copy2(at_rest.with_name(name), copy / name)  # as a killed kernel leaves them
    before = files(copy, shm=False)

    with LineageStore.open(copy / "lineage.db", create=False, readonly=True) as store:
        found = codes(store)

    assert found == ["x = 1", "y = 2"]
    # A read-write reader closing last would have moved the -wal into the file and deleted it.
    assert files(copy, shm=False) == before


def test_a_writer_in_the_reading_process_still_writes(at_rest: Path) -> None:
    """As in the server: GET routes read while the save hook writes, beside a kernel."""
    with LineageStore.open(at_rest) as kernel:
        record(kernel, "s2", "y = 2")  # the store is in use: -wal and -shm exist
        with LineageStore.open(at_rest, create=False, readonly=True) as reader:
            assert codes(reader) == ["x = 1", "y = 2"]
            with LineageStore.open(at_rest) as writer:
                record(writer, "s3", "z = 3")  # SQLITE_READONLY with a read-only -shm mapping
            assert codes(reader) == ["x = 1", "y = 2", "z = 3"]


def test_a_checkpoint_while_it_is_open_is_read_again_not_half_read(at_rest: Path) -> None:
    with LineageStore.open(at_rest, create=False, readonly=True) as store:
        assert codes(store) == ["x = 1"]
        with LineageStore.open(at_rest) as writer:  # a kernel starts, records, exits:
            record(writer, "s2", "y = 2")  # its close checkpoints into the main file
        assert codes(store) == ["x = 1", "y = 2"]


def test_a_read_only_store_refuses_writes_and_is_never_created(at_rest: Path) -> None:
    before = files(at_rest.parent)
    with LineageStore.open(at_rest, create=False, readonly=True) as store:
        with pytest.raises(ValueError, match="opened read-only"):
            record(store, "s2", "y = 2")
    with pytest.raises(ValueError, match="never created"):
        LineageStore.open(at_rest, readonly=True)
    with pytest.raises(NoLineageYet):
        LineageStore.open(at_rest.with_name("other.db"), create=False, readonly=True)
    assert files(at_rest.parent) == before


def test_an_older_store_is_read_migrated_in_memory_and_stays_unmigrated_on_disk(
    tmp_path: Path,
) -> None:
    notebook = (tmp_path / "proj" / "analysis.ipynb").resolve()
    db = tmp_path / "proj" / ".repro" / "lineage.db"
    older_store(db, notebook)
    before = files(db.parent)

    with LineageStore.open(db, create=False, readonly=True) as store:
        version = store.schema_version
        latest = store.latest_session(str(notebook))

    assert version == latest_version()
    assert latest is not None and latest.id == "s1" and latest.notebook == str(notebook)
    assert files(db.parent) == before
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (OLDER,)


# --- A read-only mount: what root cannot write either. ---


@pytest.fixture
def read_only_mounts(tmp_path: Path) -> None:
    skip_unless_possible(tmp_path)


@pytest.mark.usefixtures("read_only_mounts")
def test_stores_on_a_read_only_mount_are_read(at_rest: Path, tmp_path: Path) -> None:
    dead = tmp_path / "dead" / ".repro"  # the files a writer that died left
    dead.mkdir(parents=True)
    with LineageStore.open(at_rest) as writer:
        record(writer, "s2", "y = 2")
        for name in ("lineage.db", "lineage.db-wal", "lineage.db-shm"):
            shutil.copy2(at_rest.with_name(name), dead / name)
    before = {folder: files(folder, shm=False) for folder in (at_rest.parent, dead)}

    rest = on_read_only_mount(tmp_path, sys.executable, "-c", _READ, str(at_rest))
    wal = on_read_only_mount(tmp_path, sys.executable, "-c", _READ, str(dead / "lineage.db"))

    assert rest.returncode == 0, rest.stderr
    assert rest.stdout.strip() == "['x = 1', 'y = 2']"
    assert wal.returncode == 0, wal.stderr
    assert wal.stdout.strip() == "['x = 1', 'y = 2']"
    assert {folder: files(folder, shm=False) for folder in before} == before
