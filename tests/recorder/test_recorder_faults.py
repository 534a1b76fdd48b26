"""Faults injected under a real recording kernel: the user's cells look as in a plain kernel.

Each test runs the same cells in a plain ipykernel (one, shared) and in a recording kernel with
a fault injected: a locked store, a store of a newer release, ``.repro/`` deleted, a read-only
``.repro/``, a full disk (a small tmpfs), damaged pages, hostile objects, Stop while hashing.
Every cell's outputs must be equal, but for the recorder's one-line notices, which must each
appear exactly once. Kernels are started as in real use: not under pytest's own capture, so
ipykernel forwards what is written to file descriptor 2 into the cell, as it does for users.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from jupyter_repro.recorder.record_writer import NEWER, RecordWriter
from jupyter_repro.store import (
    ExecutionEnd,
    ExecutionStart,
    LineageStore,
    Session,
    latest_version,
)

from .kernels import Reply, collect, execute, kernel, send

NOTICE = "[jupyter-repro]"
Kernel = tuple[KernelManager, BlockingKernelClient]


@contextlib.contextmanager
def started(cwd: Path, db: Path | None = None, name: str = "repro-python3") -> Iterator[Kernel]:
    """A kernel as a user gets it: pytest's marker removed, so fd 2 is forwarded to cells."""
    with contextlib.ExitStack() as stack:
        marker = os.environ.pop("PYTEST_CURRENT_TEST", None)
        try:
            pair = stack.enter_context(kernel(cwd, db, name=name))
        finally:
            if marker is not None:
                os.environ["PYTEST_CURRENT_TEST"] = marker
        yield pair


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlockingKernelClient]:
    """One plain ipykernel for every comparison in this module."""
    with started(tmp_path_factory.mktemp("plain"), name="python3") as (_, client):
        yield client


def same_as_plain(plain: BlockingKernelClient, cells: list[str], seen: list[Reply]) -> list[str]:
    """Assert each reply equals the plain kernel's but for notices; return the notices."""
    notices: list[str] = []
    for code, mine in zip(cells, seen, strict=True):
        theirs = execute(plain, code)
        lines = mine.stderr.splitlines(keepends=True)
        notes = [line for line in lines if line.startswith(NOTICE)]
        rest = "".join(line for line in lines if not line.startswith(NOTICE))
        assert replace(mine, stderr=rest, execution_count=None) == replace(
            theirs, execution_count=None
        ), code
        notices += [note.rstrip("\n") for note in notes]
    for note in notices:
        assert "Traceback" not in note and "\n" not in note
    return notices


def run(client: BlockingKernelClient, cells: list[str]) -> list[Reply]:
    return [execute(client, code) for code in cells]


def records(db: Path) -> list[Any]:
    with LineageStore.open(db, create=False) as store:
        return store.executions()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "lineage.db"


@pytest.fixture
def writer(db: Path) -> Iterator[RecordWriter]:
    """A recorder's writer thread on ``db``, as a kernel has one."""
    writer = RecordWriter(db, Session("s1", None, None, "t", os.getpid(), "h"))
    yield writer
    writer.close(5.0)


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def only(notices: list[str], fragment: str) -> str:
    """The one notice there is, which must say ``fragment``."""
    assert len(notices) == 1, notices
    assert fragment in notices[0], notices[0]
    return notices[0]


# -- a locked store ------------------------------------------------------------------------------


def test_locked_store_delays_records_never_cells_and_exit_flushes_them(tmp_path, plain):
    db = tmp_path / ".repro" / "lineage.db"
    cells = ["x = 0"] + [f"x += {i}\nprint(x)" for i in range(1, 7)]
    late = ["y = 1", "y += 1"]
    with started(tmp_path) as (manager, client):
        seen = [execute(client, cells[0])]  # the store exists now, this cell in it
        holder = sqlite3.connect(db, isolation_level=None, timeout=0, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the store
        took = []
        for code in cells[1:]:
            start = time.perf_counter()
            seen.append(execute(client, code))
            took.append(time.perf_counter() - start)
        assert [e.code for e in records(db)] == ["x = 0"]  # records wait...
        holder.execute("ROLLBACK")
        assert wait_for(lambda: len(records(db)) == len(cells))  # ...and arrive, in order
        # Still locked when the kernel is shut down: its exit waits for the lock to go.
        holder.execute("BEGIN EXCLUSIVE")
        seen += run(client, late)
        release = threading.Timer(1.0, holder.execute, ("ROLLBACK",))
        release.start()
        manager.shutdown_kernel(now=False)
        release.join()
        holder.close()

    plain_took = []
    for code in cells[1:]:
        start = time.perf_counter()
        execute(plain, code)
        plain_took.append(time.perf_counter() - start)
    assert same_as_plain(plain, cells + late, seen) == []
    # 30 s per cell before the writer thread; a few ms now (the first locked cell waits a
    # short grace for a lock that may be brief). Loose bounds: CI machines are noisy.
    assert max(took) < 1.0, took
    assert statistics.median(took) < statistics.median(plain_took) + 0.1, (took, plain_took)
    executions = records(db)
    assert [e.code for e in executions] == cells + late
    assert {e.status for e in executions} == {"ok"}
    assert all(e.ended is not None and e.incomplete is None for e in executions)
    assert [v.name for v in executions[-1].changed] == ["y"]


# -- a store written by a newer release ----------------------------------------------------------


def newer_store(db: Path) -> int:
    """A store a future jupyter-repro migrated; returns its schema version."""
    LineageStore.open(db).close()
    future = latest_version() + 1
    with contextlib.closing(sqlite3.connect(db)) as raw, raw:
        raw.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            ("jupyter_repro.store", "m999_from_the_future", "2031-01-01 00:00:00+00:00"),
        )
        raw.execute(f"PRAGMA user_version = {future}")
    return future


def test_newer_schema_stops_recording_with_one_notice_naming_both_versions(tmp_path, plain):
    db = tmp_path / ".repro" / "lineage.db"
    future = newer_store(db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    cells = ["a = 1", "print(a)", "b = a + 1"]

    with started(tmp_path) as (_, client):
        seen = run(client, cells)

    note = only(same_as_plain(plain, cells, seen), f"schema version {future}")
    assert f"version {latest_version()} " in note and "Upgrade jupyter-repro" in note
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # nothing written
    with contextlib.closing(sqlite3.connect(db)) as raw:
        assert raw.execute("SELECT count(*) FROM executions").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def test_store_upgraded_by_a_newer_release_mid_session_is_not_written(
    writer: RecordWriter, db: Path
):
    first = writer.start(ExecutionStart("s1", None, "c1", "a = 1", "t"))
    writer.finish(first, ExecutionEnd(1, "t", 1.0, "ok"))
    assert writer.settle(10.0)
    with contextlib.closing(sqlite3.connect(db)) as raw, raw:
        raw.execute(f"PRAGMA user_version = {latest_version() + 1}")
    second = writer.start(ExecutionStart("s1", None, "c2", "b = 2", "t"))
    writer.finish(second, ExecutionEnd(2, "t", 1.0, "ok"))
    assert writer.settle(10.0)
    problems = writer.take_problems()

    assert writer.halted
    assert [p.key for p in problems] == [NEWER]
    assert f"schema version {latest_version() + 1}" in problems[0].message
    with contextlib.closing(sqlite3.connect(db)) as raw:
        assert raw.execute("SELECT code_hash FROM executions").fetchall() == [
            (hashlib.sha256(b"a = 1").hexdigest(),)
        ]


# -- .repro/ deleted, read-only, on a full disk, damaged -----------------------------------------


def test_deleted_store_folder_is_recreated_private_and_recording_goes_on(tmp_path, plain, capfd):
    folder = tmp_path / ".repro"
    cells = ["import logging\nlogging.basicConfig(level=logging.WARNING)\na = 1", "b = 2", "c = 3"]
    cleanup = "logging.getLogger().handlers.clear()"
    with started(tmp_path) as (_, client):
        seen = [execute(client, cells[0])]
        shutil.rmtree(folder)  # git clean -fdx
        seen += run(client, cells[1:])
        execute(client, cleanup)
    execute(plain, cleanup)

    only(same_as_plain(plain, cells, seen), "was deleted during this session")
    assert "was deleted during this session" in capfd.readouterr().err  # the kernel's log
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / ".gitignore").read_text() == "*\n"
    assert (folder / "lineage.db").stat().st_mode & 0o777 == 0o600
    with LineageStore.open(folder / "lineage.db", create=False) as store:
        executions = store.executions()
        sessions = store.sessions()
    assert [e.code for e in executions] == cells[1:] + [cleanup]
    assert {e.status for e in executions} == {"ok"}
    assert [s.id for s in sessions] == [executions[0].session_id]  # later records stay valid


@contextlib.contextmanager
def mounted(target: Path, *options: str) -> Iterator[None]:
    """``mount`` something at ``target`` (root only), unmounted (lazily) afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a file system; run the suite as root to test this")
    done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a file system here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only: a read-only bind mount for root (who ignores modes), else 0500."""
    if os.geteuid() == 0:
        with mounted(folder, "--bind", str(folder)):
            subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
            yield
        return
    folder.chmod(0o500)
    try:
        yield
    finally:
        folder.chmod(0o700)


def test_read_only_store_folder_says_so_once(tmp_path, plain):
    folder = tmp_path / ".repro"
    LineageStore.open(folder / "lineage.db").close()  # recorded by an earlier session
    cells = ["a = 1", "print(a)"]
    with read_only(folder), started(tmp_path) as (_, client):
        seen = run(client, cells)

    note = only(same_as_plain(plain, cells, seen), "lineage is not recorded in this kernel")
    assert "Make the file and its folder writable" in note and "runs normally" in note
    assert records(folder / "lineage.db") == []


def test_full_disk_loses_records_with_one_notice_and_recording_resumes(tmp_path, plain):
    disk = tmp_path / "disk"
    disk.mkdir()
    big = "# " + "x" * 600_000 + "\n"  # a cell whose code needs more room than is left
    cells = ["a = 1", big + "b = 2", big.replace("x", "y") + "c = 3", "d = 4"]
    with mounted(disk, "-t", "tmpfs", "-o", "size=2m", "tmpfs"):
        project = disk / "project"
        project.mkdir()
        with started(project) as (_, client):
            seen = [execute(client, cells[0])]
            filler = disk / "filler"
            with contextlib.suppress(OSError), open(filler, "wb") as handle:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            seen += run(client, cells[1:3])
            filler.unlink()
            seen.append(execute(client, cells[3]))
        executions = records(project / ".repro" / "lineage.db")

    only(same_as_plain(plain, cells, seen), "Free some disk space")
    assert [e.code for e in executions] == ["a = 1", "d = 4"]
    assert {e.status for e in executions} == {"ok"}


def test_damaged_store_mid_session_says_so_once(tmp_path, plain):
    db = tmp_path / ".repro" / "lineage.db"
    cells = ["a = 1", "b = 2", "print('still here')"]
    with started(tmp_path) as (_, client):
        seen = [execute(client, cells[0])]
        with contextlib.closing(sqlite3.connect(db)) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the main file now
        page = 4096
        with open(db, "r+b") as handle:  # the header stays, every other page is garbage
            handle.seek(page)
            handle.write(b"\xa5" * (db.stat().st_size - page))
        seen += run(client, cells[1:])

    only(same_as_plain(plain, cells, seen), "The file is damaged")


# -- hostile objects and Stop --------------------------------------------------------------------

HOSTILE = [
    "import weakref\nclass Thing: pass\nthing = Thing()\ndead = weakref.proxy(thing)\ndel thing",
    """class Hostile:
    def __eq__(self, other): raise RuntimeError('eq')
    __hash__ = object.__hash__
    def __len__(self): raise RuntimeError('len')
    def __getattr__(self, name): raise RuntimeError('getattr ' + name)
    def __reduce__(self): raise RuntimeError('reduce')
    def __reduce_ex__(self, protocol): raise RuntimeError('reduce_ex')
    @property
    def __class__(self): raise RuntimeError('class')
hostile = Hostile()""",
    "box = [dead, hostile]\nbag = {'h': hostile, 'd': dead}",
    "n = 1\nprint(n)",
    "dead",
    "hostile.anything",
    "bag['h'] == 1",
    "n += 1\nprint(n)",
]


def test_hostile_objects_are_opaque_and_lineage_goes_on(tmp_path, plain):
    db = tmp_path / "lineage.db"
    with started(tmp_path, db) as (_, client):
        seen = run(client, HOSTILE)

    assert same_as_plain(plain, HOSTILE, seen) == []
    executions = records(db)
    assert [e.code for e in executions] == HOSTILE
    assert [e.status for e in executions] == ["error" if reply.error else "ok" for reply in seen]
    assert all(e.incomplete is None for e in executions)
    recorded = {v.name: v for e in executions for v in e.changed}
    assert {"dead", "hostile", "box", "bag", "n"} <= recorded.keys()
    assert recorded["dead"].unhashable  # opaque: what a dead proxy pointed to is unknown
    assert [v.name for v in executions[-1].changed] == ["n"]  # lineage goes on


def test_stop_while_hashing_keeps_the_record_marked_incomplete(tmp_path, plain):
    db = tmp_path / "lineage.db"
    # Hashed on the cell's path (no time budget), so Stop can land in the middle of it.
    (tmp_path / ".repro").mkdir()
    (tmp_path / ".repro" / "settings.json").write_text('{"hash_time_budget_ms": 0}')
    slow = (
        "class Point:\n"
        "    def __init__(self, i):\n"
        "        self.i, self.tag = i, [i]\n"
        "big = [Point(i) for i in range(60_000)]  # seconds to hash, object by object\n"
        "print('done', flush=True)"
    )
    cells = [slow, "del big\nprint('after')"]
    with started(tmp_path, db) as (manager, client):
        seen = [stop_after_output(manager, client, slow), execute(client, cells[1])]

    notices = same_as_plain(plain, cells, seen)
    first, second = records(db)
    if not notices and first.incomplete is None:
        pytest.skip("the recorder had finished with the cell before Stop landed")
    only(notices, "Stop was pressed while")
    assert first.status == "ok" and first.ended is not None
    assert first.incomplete is not None and "Stop" in first.incomplete
    assert second.status == "ok" and second.incomplete is None


def stop_after_output(manager: KernelManager, client: BlockingKernelClient, code: str) -> Reply:
    """Run ``code``; press Stop 0.3 s after it printed, while the recorder works on it."""
    pressed = []

    def press_stop(seen: Reply) -> None:
        if "done" in seen.stdout and not pressed:
            time.sleep(0.3)
            manager.interrupt_kernel()
            pressed.append(True)

    return collect(client, send(client, code), press_stop)


# -- the writer: quick cells written whole off their path, long ones on disk while they run ------


def test_a_quick_cell_is_written_whole_and_a_long_one_is_on_disk_while_it_runs(
    writer: RecordWriter, db: Path
):
    warm = writer.start(ExecutionStart("s1", None, "c0", "w = 0", "t"))
    writer.finish(warm, ExecutionEnd(1, "t", 1.0, "ok"))
    assert writer.settle(10.0)

    # A quick cell: its start waits for its end, and the two are written as one record, never
    # seen `running` (a reader polling throughout sees no half-written execution).
    seen: list[list[tuple[str | None, str]]] = []
    quick = writer.start(ExecutionStart("s1", None, "c1", "a = 1", "t"))
    seen.append([(e.cell_id, e.status) for e in records(db)])
    writer.finish(quick, ExecutionEnd(2, "t", 1.0, "ok"))
    assert writer.settle(10.0)
    seen.append([(e.cell_id, e.status) for e in records(db)])
    assert seen == [[("c0", "ok")], [("c0", "ok"), ("c1", "ok")]]

    # A long cell: its `running` record is on disk soon after it starts (a kernel killed
    # mid-cell leaves it), then finished in place.
    long = writer.start(ExecutionStart("s1", None, "c2", "train()", "t"))
    assert wait_for(lambda: len(records(db)) == 3, timeout=2.0)
    assert records(db)[-1].status == "running"
    writer.finish(long, ExecutionEnd(3, "t", 1.0, "ok"))
    assert writer.settle(10.0)
    assert [(e.cell_id, e.status) for e in records(db)][-1] == ("c2", "ok")
    assert len(records(db)) == 3


def test_ends_held_for_idle_are_written_by_settle_and_at_exit(writer: RecordWriter, db: Path):
    # A kernel writes a quick cell's end once idle (``later``); if that call never comes (the
    # kernel stops first), closing the writer writes it; a next cell's settle does too.
    never: list[Any] = []
    first = writer.start(ExecutionStart("s1", None, "c1", "a = 1", "t"))
    writer.finish(first, ExecutionEnd(1, "t", 1.0, "ok"), later=never.append)
    assert writer.settle(10.0)
    assert [(e.cell_id, e.status) for e in records(db)] == [("c1", "ok")]
    last = writer.start(ExecutionStart("s1", None, "c2", "b = 2", "t"))
    writer.finish(last, ExecutionEnd(2, "t", 1.0, "ok"), later=never.append)
    assert writer.close(10.0)
    assert [(e.cell_id, e.status) for e in records(db)] == [("c1", "ok"), ("c2", "ok")]
    assert len(never) == 2  # scheduled, never run
