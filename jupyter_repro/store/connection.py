"""Creating the database file safely, connecting to it, and running write transactions.

``create_file(path)`` makes the folder (0700, with a ``.gitignore`` of ``*``) and an empty file
(0600) *before* SQLite sees it, so the lineage, which may name data files and show error messages,
is never readable by other users, even for an instant. ``connect(path)`` opens it in WAL mode with
a busy timeout; it never creates a file. ``write(conn, work)`` runs ``work(conn)`` in one
``BEGIN IMMEDIATE`` transaction, retried a few times if the database stays locked::

    create_file(path)
    conn = connect(path)
    new_id = write(conn, lambda c: c.execute("INSERT ...").lastrowid)

``connect_readonly(path)`` opens it for reading only, writing nothing anywhere (see its
docstring for how a store at rest and a store in use differ), so readers work on a read-only
mount and leave the folder as they found it.

SQLite errors and OSErrors pass through; the store turns them into ``StoreUnavailable``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .errors import is_locked

T = TypeVar("T")

BUSY_TIMEOUT_S = 10.0
#: Attempts at a write transaction when it still finds the database locked after the timeout.
WRITE_ATTEMPTS = 3
#: Attempts at switching a new file to WAL (see ``_enter_wal``): about 2.5 s in all.
WAL_ATTEMPTS = 15
FILE_MODE = 0o600
DIR_MODE = 0o700


def create_file(path: Path) -> None:
    """Create the store's folder and an empty database file with private permissions."""
    folder = path.parent
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if created:
        # mkdir's mode is filtered by the umask; say it once more, exactly.
        os.chmod(folder, DIR_MODE)
    if created or folder.name == ".repro":
        _write_if_missing(folder / ".gitignore", "*\n")
    # O_CREAT without O_EXCL: two kernels starting at once may both get here; neither truncates.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))


def _write_if_missing(path: Path, text: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def connect(path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Open an existing database file (``mode=rw``: SQLite never creates it) in WAL mode.

    ``busy_timeout_s`` is how long a statement waits for another connection's lock before
    failing with "database is locked"; the kernel's writer thread waits a few milliseconds and
    retries itself, so a locked store never holds it in SQLite for long.
    """
    uri = path.absolute().as_uri() + "?mode=rw"
    # isolation_level=None: no implicit BEGIN; write() says BEGIN IMMEDIATE itself.
    # check_same_thread=False: the store serializes use with its own lock.
    conn = sqlite3.connect(
        uri, uri=True, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    try:
        conn.row_factory = sqlite3.Row
        # The first statement reads the header: a corrupt file fails here, not later.
        _enter_wal(conn)
        # In WAL mode NORMAL only risks the last commits on power loss, never corruption.
        conn.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        conn.close()
        raise
    tighten_modes(path)
    return conn


#: What identifies the bytes of the main file: inode, size, mtime (ns).
Stamp = tuple[int, int, int]


def connect_readonly(
    path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S
) -> tuple[sqlite3.Connection, Stamp | None]:
    """Open an existing database file for reading only: SQLite writes nothing into the store
    and leaves no file behind.

    A store in use (its ``-wal`` and ``-shm`` exist: a writer has it open, or died with it open)
    opens ``mode=ro``: the writers' recent commits are read from the ``-wal`` through the
    ``-shm`` wal-index, which a reader updates like any WAL reader does (read marks; a rebuilt
    index after a writer died): it holds no data and SQLite keeps no content there. On a
    read-only mount SQLite maps it read-only by itself. (``readonly_shm=1`` would spare even
    that, but a process that also writes the store, the server, would then share the read-only
    mapping and fail every write with SQLITE_READONLY.) A store at rest (no ``-wal``) opens
    ``immutable=1``: SQLite reads the main file alone, with no lock and no side file, where a
    plain ``mode=ro`` connection would create ``-wal`` and ``-shm`` and, unable to checkpoint,
    leave them behind, or not open at all on a read-only mount (sqlite.org/wal.html, "Read-Only
    Databases"). Immutable means no one writes meanwhile, so the second value is the main
    file's ``Stamp`` (None for a store in use): a reader compares it with ``stamp(path)`` after
    reading, and reads again when a writer changed the file meanwhile.
    """
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    if wal.exists() and shm.exists():
        try:
            return _open_readonly(path, "mode=ro", busy_timeout_s), None
        except sqlite3.OperationalError:
            pass  # the writer closed meanwhile (and removed both): the store is at rest now
    before = stamp(path)
    return _open_readonly(path, "mode=ro&immutable=1", busy_timeout_s), before


def stamp(path: Path) -> Stamp | None:
    """The main file's inode, size and modification time; None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _open_readonly(path: Path, query: str, busy_timeout_s: float) -> sqlite3.Connection:
    uri = path.absolute().as_uri() + "?" + query
    conn = sqlite3.connect(
        uri, uri=True, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    try:
        conn.row_factory = sqlite3.Row
        # The first statement reads the header: a corrupt file fails here, not later.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def _enter_wal(conn: sqlite3.Connection) -> None:
    """Switch a new file to WAL, or find it already there.

    Switching needs the file to itself, and SQLite answers "locked" at once, without waiting
    for the busy timeout, when kernels opening a new store together race for it: retried.
    """
    for attempt in range(1, WAL_ATTEMPTS + 1):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if attempt == WAL_ATTEMPTS or not is_locked(exc):
                raise
            time.sleep(0.02 * attempt)


def tighten_modes(path: Path) -> None:
    """Make the -wal and -shm files 0600 too (SQLite copies the database's mode; be sure)."""
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):  # absent, or not ours to change: nothing to do
            if side.stat().st_mode & 0o077:
                os.chmod(side, FILE_MODE)


def write(
    conn: sqlite3.Connection,
    work: Callable[[sqlite3.Connection], T],
    attempts: int = WRITE_ATTEMPTS,
) -> T:
    """Run ``work`` in one write transaction; roll back if it raises."""
    for attempt in range(1, attempts + 1):
        try:
            # IMMEDIATE takes the write lock up front, so two writers never deadlock
            # upgrading from read to write; the busy timeout makes the wait quiet.
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result
        except sqlite3.OperationalError as exc:
            if attempt == attempts or not is_locked(exc):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")
