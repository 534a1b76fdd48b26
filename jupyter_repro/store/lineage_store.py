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
nothing and raises :class:`NoLineageYet` (a StoreUnavailable) when there is no store yet. A store
a newer jupyter-repro migrated is neither read nor written: ``open`` raises :class:`SchemaTooNew`,
and so does a write once a newer release upgraded the store meanwhile. ``busy_timeout_s`` and
``attempts`` say how long a write waits for another process's lock (a few milliseconds and one
attempt for the kernel's writer thread, which retries a :class:`StoreLocked` itself).
Any file or SQLite
failure raises ``StoreUnavailable``. A store may be shared by threads (calls are serialized) and
by processes (SQLite WAL with a busy timeout and ``BEGIN IMMEDIATE`` writes).

The server also records each notebook save (``add_version``, ``versions``, ``version_content``;
see ``versions``), so saved versions can be diffed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Literal, TypeVar

from . import connection, reads, schema, versions, writes
from .errors import NoLineageYet, SchemaTooNew, unavailable
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

T = TypeVar("T")


class LineageStore:
    """A connection to one lineage database. Build it with :meth:`open`."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, attempts: int = connection.WRITE_ATTEMPTS
    ) -> None:
        self.path = path
        self._conn = conn
        self._attempts = attempts
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        path: Path,
        create: bool = True,
        *,
        busy_timeout_s: float = connection.BUSY_TIMEOUT_S,
        attempts: int = connection.WRITE_ATTEMPTS,
    ) -> LineageStore:
        """Open (and with ``create``, first make) the store at ``path``; run pending migrations.

        Migrations run in this process with the standard library's sqlite3 (see ``schema``),
        so a kernel opening a new store imports nothing more (no sqlite-utils, no pandas).
        A store with a newer schema raises ``SchemaTooNew`` before anything is written to it.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise NoLineageYet(
                f"No lineage has been recorded yet: {path.absolute()} does not exist.", path
            )
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

    def close(self) -> None:
        with self._lock:
            self._conn.close()

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
        self._write(lambda c: writes.insert_session(c, session))

    def start_execution(self, start: ExecutionStart) -> int:
        """Record the code and a ``running`` execution; returns the execution id."""
        return self._write(lambda c: writes.insert_start(c, start))

    def finish_execution(self, execution_id: int, end: ExecutionEnd) -> None:
        """Record status, timings, variables, files and outputs; KeyError if unknown."""
        self._write(lambda c: writes.update_end(c, execution_id, end))

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
        return self._read(lambda c: reads.select_sessions(c, notebook))

    def latest_session(self, notebook: str | None = None) -> Session | None:
        found = self.sessions(notebook)
        return found[-1] if found else None

    def session(self, session_id: str) -> Session | None:
        return self._read(lambda c: reads.select_session(c, session_id))

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
        which = reads.Filter(notebook, session_id, cell_id)
        return self._read(
            lambda c: reads.select_executions(c, which, order == "desc", limit, offset)
        )

    def count_executions(
        self, notebook: str | None = None, session_id: str | None = None, cell_id: str | None = None
    ) -> int:
        """How many executions match; for paging."""
        which = reads.Filter(notebook, session_id, cell_id)
        return self._read(lambda c: reads.count_executions(c, which))

    def execution(self, execution_id: int) -> Execution | None:
        which = reads.Filter(execution_id=execution_id)
        found = self._read(lambda c: reads.select_executions(c, which, False, 1, 0))
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
        return self._write(lambda c: versions.insert_version(c, notebook, content, keep))

    def versions(self, notebook: str) -> list[NotebookVersion]:
        """The saved versions of one notebook, newest first."""
        return self._read(lambda c: versions.select_versions(c, notebook))

    def version(self, version_id: int) -> NotebookVersion | None:
        return self._read(lambda c: versions.select_version(c, version_id))

    def version_content(self, version_id: int) -> bytes | None:
        """The bytes saved by that version, or None for an unknown id."""
        return self._read(lambda c: versions.select_content(c, version_id))

    # --- Plumbing. ---

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
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
            # One read transaction: a page and its variables come from the same snapshot.
            self._conn.execute("BEGIN")
            try:
                return work(self._conn)
            finally:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise unavailable(self.path, exc, doing) from exc
