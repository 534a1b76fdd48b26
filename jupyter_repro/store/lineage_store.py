"""The lineage store: one SQLite file per project, written by kernels, read by everyone else.

The recorder calls, in this order, with one transaction each::

    with LineageStore.open(default_db_path(notebook)) as store:
        store.add_session(session)
        execution_id = store.start_execution(start)     # before the cell runs
        store.add_environment(env)                      # whenever it was captured
        store.finish_execution(execution_id, end)       # after it ran
        store.replace_outputs(execution_id, outputs)    # outputs that came after that
        store.update_variables(execution_id, changed)   # digests hashed after that

Readers open an existing store with ``LineageStore.open(path, create=False)``, which creates
nothing and raises :class:`NoLineageYet` (a StoreUnavailable) when there is no store yet; with
``readonly=True`` it also writes nothing, anywhere: no migration, no journal switch, no side file
(``connection.connect_readonly``), so it reads a store on a read-only mount and leaves its bytes
and times as they were. A store a release older than this one wrote is then read through a
migrated copy in memory (one bigger than ``MAX_MEMORY_COPY`` is refused, saying how to upgrade
it), and a read that a writer's checkpoint may have torn is read again. A store
a newer jupyter-repro migrated is neither read nor written: ``open`` raises :class:`SchemaTooNew`,
and so does a write once a newer release upgraded the store meanwhile. ``busy_timeout_s`` and
``attempts`` say how long a write waits for another process's lock (a few milliseconds and one
attempt for the kernel's writer thread, which retries a :class:`StoreLocked` itself).
Any file or SQLite
failure raises ``StoreUnavailable``. A store may be shared by threads (calls are serialized) and
by processes (SQLite WAL with a busy timeout and ``BEGIN IMMEDIATE`` writes).

The server also records each notebook save (``add_version``, ``versions``, ``version_content``;
see ``versions``), so saved versions can be diffed.

Notebooks are passed and handed back as absolute paths; the store keeps them relative to the
project root (``notebook_keys``), so a moved or cloned project reads its history where it is now.
``rename_notebook(old, new)`` files a notebook's (or a folder's) history under a new name;
executions a running kernel records afterwards follow its session row (see ``renames``).
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Literal, TypeVar

from . import connection, reads, renames, schema, versions, writes
from . import forget as forget_sql
from .errors import NoLineageYet, SchemaTooNew, StoreUnavailable, unavailable
from .models import (
    Environment,
    Execution,
    ExecutionEnd,
    ExecutionStart,
    NotebookVersion,
    OutputFingerprint,
    Session,
    VariableState,
)
from .notebook_keys import NotebookKeys

T = TypeVar("T")
#: Reads of a store at rest that a writer changed meanwhile: retried this many times in all.
READ_ATTEMPTS = 3
#: The largest store a read-only open migrates in memory (a store an older release wrote).
MAX_MEMORY_COPY = 512 * 1024 * 1024


class LineageStore:
    """A connection to one lineage database. Build it with :meth:`open`."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, attempts: int = connection.WRITE_ATTEMPTS
    ) -> None:
        self.path = path
        self._conn = conn
        self._attempts = attempts
        self._lock = threading.RLock()
        self._keys = NotebookKeys.for_store(path)
        #: Opened with ``readonly``: writes are refused, nothing on disk changes.
        self.readonly = False
        self._stamp: connection.Stamp | None = None  # of a store at rest, opened immutable

    @classmethod
    def open(
        cls,
        path: Path,
        create: bool = True,
        *,
        readonly: bool = False,
        busy_timeout_s: float = connection.BUSY_TIMEOUT_S,
        attempts: int = connection.WRITE_ATTEMPTS,
    ) -> LineageStore:
        """Open (and with ``create``, first make) the store at ``path``; run pending migrations.

        Migrations run in this process with the standard library's sqlite3 (see ``schema``),
        so a kernel opening a new store imports nothing more (no sqlite-utils, no pandas).
        A store with a newer schema raises ``SchemaTooNew`` before anything is written to it.
        ``readonly`` (with ``create=False``): nothing is written, pending migrations included
        (see the module docstring).
        """
        path = Path(path)
        if readonly and create:
            raise ValueError("a read-only store is never created: pass create=False")
        if not create and not path.is_file():
            raise NoLineageYet(
                f"No lineage has been recorded yet: {path.absolute()} does not exist.", path
            )
        if readonly:
            return cls._open_readonly(path, busy_timeout_s)
        try:
            if create:
                connection.create_file(path)
            conn = connection.connect(path, busy_timeout_s)
        except (OSError, sqlite3.Error) as exc:
            raise unavailable(path, exc, "open") from exc
        store = cls(path, conn, attempts)
        try:
            with store._guard("open"):
                if not create and not schema.is_initialized(conn):
                    raise NoLineageYet(
                        f"No lineage has been recorded yet in {path.absolute()}.", path
                    )
                store._refuse_newer(conn)
                schema.migrate(conn)
        except BaseException:
            store.close()
            raise
        connection.tighten_modes(path)  # the migration's first write just made the -wal file
        return store

    @classmethod
    def _open_readonly(cls, path: Path, busy_timeout_s: float) -> LineageStore:
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                conn, stamp = connection.connect_readonly(path, busy_timeout_s)
            except (OSError, sqlite3.Error) as exc:
                raise unavailable(path, exc, "open") from exc
            store = cls(path, conn)
            store.readonly, store._stamp = True, stamp
            try:
                with store._guard("open"):
                    if not schema.is_initialized(conn):
                        raise NoLineageYet(
                            f"No lineage has been recorded yet in {path.absolute()}.", path
                        )
                    store._refuse_newer(conn)
                    if schema.pending(conn):
                        store._conn, store._stamp = _migrated_copy(conn, path), None
                        conn.close()
                    # Unchanged since it opened (the copy included): nothing was read torn.
                    if stamp is None or connection.stamp(path) == stamp:
                        return store
            except StoreUnavailable:
                store.close()
                # Read while a writer checkpointed into the file: read it again.
                if stamp is None or connection.stamp(path) == stamp or attempt == READ_ATTEMPTS:
                    raise
                continue
            except BaseException:
                store.close()
                raise
            store.close()
        raise unavailable(path, sqlite3.OperationalError(_KEPT_CHANGING), "read")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def check_pages(self) -> None:
        """Raise StoreUnavailable (the file is damaged, move it aside) unless SQLite's
        ``quick_check`` finds every page sound: a damaged page is found before a command
        relies on the store, not only when a query happens to read it. Reads the whole file
        (tens of milliseconds for tens of megabytes); writes nothing."""
        found = self._read(lambda c: str(c.execute("PRAGMA quick_check(1)").fetchone()[0]))
        if found != "ok":
            damage = sqlite3.DatabaseError(f"database disk image is malformed: {found}")
            raise unavailable(self.path, damage, "read")

    def __enter__(self) -> LineageStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """How many schema migrations this store has applied."""
        return self._read(schema.schema_version)

    # --- Writes: one transaction each. ---

    def add_session(self, session: Session) -> None:
        """Record a session; one of a notebook renamed away meanwhile is filed under its new
        name (see ``renames``)."""
        keyed = dataclasses.replace(session, notebook=self._key(session.notebook))
        gone = session.notebook is not None and not os.path.exists(session.notebook)
        self._write(lambda c: writes.insert_session(c, keyed, follow_rename=gone))

    def start_execution(self, start: ExecutionStart) -> int:
        """Record the code and a ``running`` execution; returns the execution id.

        The execution is filed under its session's notebook as the store has it *now* (so a
        notebook renamed while its kernel runs keeps its new name); ``start.notebook`` only
        when the session row is missing.
        """
        keyed = dataclasses.replace(start, notebook=self._key(start.notebook))
        return self._write(lambda c: writes.insert_start(c, keyed))

    def finish_execution(self, execution_id: int, end: ExecutionEnd) -> None:
        """Record status, timings, variables, files and outputs; KeyError if unknown."""
        self._write(lambda c: writes.update_end(c, execution_id, end))

    def add_execution(self, start: ExecutionStart, end: ExecutionEnd) -> int:
        """``start_execution`` and ``finish_execution`` in one transaction (a cell that ended
        before its start was written: one commit instead of two); returns the execution id."""

        keyed = dataclasses.replace(start, notebook=self._key(start.notebook))
        return self._write(lambda c: writes.insert_whole(c, keyed, end))

    def update_variables(
        self, execution_id: int, changed: Sequence[VariableState], unchanged: Sequence[str] = ()
    ) -> None:
        """Replace provisional variable digests of a finished execution with final ones."""
        self._write(lambda c: writes.update_variables(c, execution_id, changed, unchanged))

    def replace_outputs(self, execution_id: int, outputs: Sequence[OutputFingerprint]) -> None:
        """Rewrite a finished execution's output fingerprints (outputs that arrived late)."""
        self._write(lambda c: writes.replace_outputs(c, execution_id, outputs))

    def add_environment(self, env: Environment) -> str:
        """Store ``env`` unless its id is already there; returns the id."""
        return self._write(lambda c: writes.insert_environment(c, env))

    # --- Reads. ---

    def sessions(self, notebook: str | None = None) -> list[Session]:
        """Sessions, oldest first, of one notebook or of all."""
        key = self._key(notebook)
        return self._read(lambda c: reads.select_sessions(c, key, self._keys.absolute))

    def latest_session(self, notebook: str | None = None) -> Session | None:
        found = self.sessions(notebook)
        return found[-1] if found else None

    def session(self, session_id: str) -> Session | None:
        return self._read(lambda c: reads.select_session(c, session_id, self._keys.absolute))

    def executions(
        self,
        notebook: str | None = None,
        session_id: str | None = None,
        cell_id: str | None = None,
        order: Literal["asc", "desc"] = "asc",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Execution]:
        """A page of executions matching every filter given, by id (execution order)."""
        if order not in ("asc", "desc"):
            raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
        which = reads.Filter(self._key(notebook), session_id, cell_id)
        place = self._keys.absolute
        return self._read(
            lambda c: reads.select_executions(c, which, order == "desc", limit, offset, place)
        )

    def count_executions(
        self, notebook: str | None = None, session_id: str | None = None, cell_id: str | None = None
    ) -> int:
        """How many executions match; for paging."""
        which = reads.Filter(self._key(notebook), session_id, cell_id)
        return self._read(lambda c: reads.count_executions(c, which))

    def execution(self, execution_id: int) -> Execution | None:
        which = reads.Filter(execution_id=execution_id)
        place = self._keys.absolute
        found = self._read(lambda c: reads.select_executions(c, which, False, 1, 0, place))
        return found[0] if found else None

    def environment(self, env_id: str) -> Environment | None:
        return self._read(lambda c: reads.select_environment(c, env_id))

    def live_state(self, session_id: str) -> dict[str, VariableState]:
        """Every variable alive at the end of the session, with its latest recorded state."""
        return self._read(lambda c: reads.live_state(c, session_id))

    def code(self, code_hash: str) -> str | None:
        """The text of the code with this hash (see ``code_hash``)."""
        return self._read(lambda c: reads.select_code(c, code_hash))

    def read_digests(self) -> set[str]:
        """The content digest of every data file version any recorded cell read."""
        return self._read(reads.select_read_digests)

    # --- Notebook versions: one per save, for diffs (see ``versions``). ---

    def add_version(
        self, notebook: str, content: bytes, keep: int | None = None
    ) -> NotebookVersion:
        """Record a save of ``notebook`` (absolute path); keep its ``keep`` newest versions."""
        key = self._keys.key(notebook)
        saved = self._write(lambda c: versions.insert_version(c, key, content, keep))
        return self._placed([saved])[0]

    def versions(self, notebook: str) -> list[NotebookVersion]:
        """The saved versions of one notebook, newest first."""
        key = self._keys.key(notebook)
        return self._placed(self._read(lambda c: versions.select_versions(c, key)))

    def version(self, version_id: int) -> NotebookVersion | None:
        found = self._read(lambda c: versions.select_version(c, version_id))
        return self._placed([found])[0] if found else None

    def version_content(self, version_id: int) -> bytes | None:
        """The bytes saved by that version, or None for an unknown id."""
        return self._read(lambda c: versions.select_content(c, version_id))

    # --- Notebook identity: keys relative to the project (see ``notebook_keys``). ---

    def _key(self, notebook: str | None) -> str | None:
        """How the store names ``notebook`` (an absolute path): relative to the project root.

        Use it in new SQL that filters by notebook; public methods take absolute paths.
        """
        return None if notebook is None else self._keys.key(notebook)

    def _absolute(self, key: str | None) -> str | None:
        """The absolute path a stored notebook key names where the project is now."""
        return None if key is None else self._keys.absolute(key)

    def _placed(self, records: list[NotebookVersion]) -> list[NotebookVersion]:
        """``records`` naming their notebook by absolute path, where the project is now."""
        return [dataclasses.replace(r, notebook=self._keys.absolute(r.notebook)) for r in records]

    def rename_notebook(
        self, old: str, new: str, folder: bool = False, dry_run: bool = False
    ) -> renames.Renamed:
        """File the history of notebook ``old`` (every notebook under ``old`` with ``folder``)
        under ``new``: sessions, executions and saved versions. Counts what moved (with
        ``dry_run``, what would move, changing nothing)."""
        old_key, new_key = self._keys.key(old), self._keys.key(new)
        return self._write(lambda c: renames.rekey(c, old_key, new_key, folder, dry_run))

    def recorded_notebooks(self) -> list[str]:
        """Every notebook with recorded sessions or executions (absolute paths, as now placed)."""
        return [self._keys.absolute(k) for k in self._read(renames.select_notebooks)]

    def recorded_cell_ids(self, notebook: str) -> set[str]:
        """The ids of the cells recorded for ``notebook``."""
        key = self._keys.key(notebook)
        return self._read(lambda c: renames.select_cell_ids(c, key))

    def has_history(self, notebook: str) -> bool:
        """Whether any session, execution or saved version is filed under ``notebook``."""
        key = self._keys.key(notebook)
        return self._read(lambda c: renames.has_history(c, key))

    # --- Plumbing. ---

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self.readonly:
            raise ValueError(f"{self.path} was opened read-only: open it without readonly")

        def checked(conn: sqlite3.Connection) -> T:
            # Under the write lock: a newer kernel may have upgraded the store since it opened.
            if schema.user_version(conn) > schema.latest_version():
                self._refuse_newer(conn)
            return work(conn)

        with self._guard("write to"):
            return connection.write(self._conn, checked, self._attempts)

    def _refuse_newer(self, conn: sqlite3.Connection) -> None:
        found = schema.newer_version(conn)
        if found is not None:
            raise SchemaTooNew(self.path, found, schema.latest_version())

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._guard("read"):
            for attempt in range(1, READ_ATTEMPTS + 1):
                try:
                    result = self._read_once(work)
                except sqlite3.DatabaseError:
                    if attempt == READ_ATTEMPTS or not self._reopen_if_changed():
                        raise
                    continue
                if not self._reopen_if_changed():
                    return result
            raise sqlite3.OperationalError(_KEPT_CHANGING)

    def _read_once(self, work: Callable[[sqlite3.Connection], T]) -> T:
        # One read transaction: a page and its variables come from the same snapshot.
        self._conn.execute("BEGIN")
        try:
            return work(self._conn)
        finally:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    def _changed(self) -> bool:
        """Whether a writer changed the main file of a store opened at rest (immutable) since:
        what was read may mix pages from before and after its checkpoint."""
        return self._stamp is not None and connection.stamp(self.path) != self._stamp

    def _reopen_if_changed(self) -> bool:
        if not self._changed():
            return False
        fresh = LineageStore._open_readonly(self.path, connection.BUSY_TIMEOUT_S)
        self._conn.close()
        self._conn, self._stamp = fresh._conn, fresh._stamp
        return True

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise unavailable(self.path, exc, doing) from exc

    # --- Forgetting and retention (see ``forget``, and ``versions`` for saved versions). ---

    def forget(
        self,
        notebook: str | None = None,
        session_id: str | None = None,
        before: datetime | None = None,
        dry_run: bool = False,
    ) -> forget_sql.Forgotten:
        """Delete the records of a notebook (absolute path), of a session, from before a time,
        matching every filter given; with ``dry_run``, count them and change nothing.

        One transaction; call :meth:`compact` afterwards so the deleted bytes leave the file.
        """
        which = forget_sql.Selection(self._key(notebook), session_id, _utc_iso(before))
        if dry_run:
            return self._read(lambda c: forget_sql.forget_records(c, which, delete=False))
        return self._write(lambda c: forget_sql.forget_records(c, which, delete=True))

    def compact(self) -> bool:
        """VACUUM the store and empty its WAL into it; False when a reader kept the WAL."""
        with self._guard("compact"):
            return forget_sql.compact(self._conn)

    def expire_versions(self, saved_before: datetime) -> int:
        """Drop the saved versions of every notebook saved before ``saved_before``; how many."""
        cutoff = _utc_iso(saved_before)
        assert cutoff is not None
        return self._write(lambda c: versions.expire(c, cutoff))

    def rewrite_versions(
        self, notebook: str, below_id: int, change: Callable[[bytes], bytes | None]
    ) -> int:
        """Give each version of ``notebook`` older than ``below_id`` the content ``change``
        returns for it (None: unchanged); the replaced content is zeroed. How many changed."""
        key = self._keys.key(notebook)
        return self._write(lambda c: versions.rewrite(c, key, below_id, change))


def _utc_iso(moment: datetime | None) -> str | None:
    """``moment`` as an ISO time in UTC; a naive one is taken as UTC already."""
    if moment is None:
        return None
    aware = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
    return aware.astimezone(timezone.utc).isoformat()


_KEPT_CHANGING = "the store kept changing while it was read; try again"


def _migrated_copy(conn: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """An in-memory copy of the store ``conn`` reads, with the pending migrations applied there
    (a read-only open never migrates the file)."""
    size = connection.stamp(path)
    if size is not None and size[1] > MAX_MEMORY_COPY:
        raise StoreUnavailable(
            f"The lineage store {path.absolute()} was written by an earlier jupyter-repro and is "
            "too big to upgrade in memory for reading: open it once with write access (run a "
            "cell of a notebook in the project, or `jupyter repro run`), then read it again.",
            path,
        )
    copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        copy.row_factory = sqlite3.Row
        conn.backup(copy)
        schema.migrate(copy, store_path=path)
    except BaseException:
        copy.close()
        raise
    return copy
