"""The file on disk: private permissions, kept out of git, versioned, and failing clearly."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jupyter_repro.store import (
    ExecutionStart,
    LineageStore,
    Session,
    StoreUnavailable,
    latest_version,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_something(store: LineageStore) -> int:
    store.add_session(Session("s1", None, None, "2024-01-01T00:00:00Z", os.getpid(), "h"))
    return store.start_execution(ExecutionStart("s1", None, None, "x = 1", "t0"))


def test_store_files_are_private_and_ignored_by_git(tmp_path: Path) -> None:
    db = tmp_path / "proj" / ".repro" / "lineage.db"
    old_umask = os.umask(0o022)  # the usual, permissive default: the store must not follow it
    try:
        with LineageStore.open(db) as store:
            write_something(store)
            sides = [db.with_name("lineage.db-wal"), db.with_name("lineage.db-shm")]
            assert all(side.exists() for side in sides)
            assert [mode(p) for p in (db, *sides)] == [0o600, 0o600, 0o600]
    finally:
        os.umask(old_umask)
    assert mode(db.parent) == 0o700
    assert (db.parent / ".gitignore").read_text() == "*\n"


def test_existing_gitignore_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / ".repro").mkdir()
    (tmp_path / ".repro" / ".gitignore").write_text("lineage.db\n")
    LineageStore.open(tmp_path / ".repro" / "lineage.db").close()
    assert (tmp_path / ".repro" / ".gitignore").read_text() == "lineage.db\n"


def test_reopening_applies_nothing_twice_and_version_is_readable(tmp_path: Path) -> None:
    db = tmp_path / "lineage.db"
    with LineageStore.open(db) as store:
        eid = write_something(store)
        assert store.schema_version == latest_version() >= 1
    with LineageStore.open(db) as again, LineageStore.open(db, create=False) as reader:
        assert again.schema_version == reader.schema_version == latest_version()
        assert reader.execution(eid) is not None
    with sqlite3.connect(db) as raw:
        applied = raw.execute("SELECT name FROM _sqlite_migrations").fetchall()
        assert len(applied) == latest_version()  # no duplicates
        assert raw.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_opening_without_create_makes_nothing(tmp_path: Path) -> None:
    db = tmp_path / ".repro" / "lineage.db"
    with pytest.raises(StoreUnavailable, match="No lineage has been recorded yet"):
        LineageStore.open(db, create=False)
    assert not (tmp_path / ".repro").exists()


def test_corrupt_file_raises_store_unavailable(tmp_path: Path) -> None:
    db = tmp_path / "lineage.db"
    db.write_bytes(os.urandom(8192))
    for create in (True, False):
        with pytest.raises(StoreUnavailable) as raised:
            LineageStore.open(db, create=create)
        assert str(db) in str(raised.value) and "move it aside" in str(raised.value)


def test_folder_that_cannot_be_created_raises_store_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "proj"
    blocker.write_text("a file where the project folder should be")
    db = blocker / ".repro" / "lineage.db"
    with pytest.raises(StoreUnavailable) as raised:
        LineageStore.open(db)
    assert str(db) in str(raised.value) and "JUPYTER_REPRO_DB" in str(raised.value)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_folder_raises_store_unavailable(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions; covered by the file-in-the-way test")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        with pytest.raises(StoreUnavailable, match="writable"):
            LineageStore.open(locked / ".repro" / "lineage.db")
    finally:
        locked.chmod(0o700)


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_full_disk_raises_store_unavailable(tmp_path: Path) -> None:
    # A file size limit makes the kernel refuse writes exactly as a full disk does. It is set in
    # a child process so that pytest itself is not limited.
    script = textwrap.dedent(
        f"""
        import os, resource, signal
        from pathlib import Path
        from jupyter_repro.store import ExecutionStart, LineageStore, Session, StoreUnavailable
        store = LineageStore.open(Path({str(tmp_path / "lineage.db")!r}))
        store.add_session(Session("s", None, None, "t", os.getpid(), "h"))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
        try:
            for n in range(1000):
                store.start_execution(ExecutionStart("s", None, None, os.urandom(8000).hex(), "t"))
        except StoreUnavailable as exc:
            print(exc)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Cannot write to the lineage store" in result.stdout
    assert str(tmp_path / "lineage.db") in result.stdout and "disk" in result.stdout
