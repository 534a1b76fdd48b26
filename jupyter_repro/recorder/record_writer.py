"""Writes the recorder's records to the lineage store on one background thread, in order.

A cell's path only queues records; this thread opens the store, writes them one transaction
each, and copes with what the store does meanwhile::

    writer = RecordWriter(db_path, session)
    ticket = writer.start(execution_start)      # before the cell: queued, returns at once
    writer.environment(env)
    writer.finish(ticket, execution_end, later=loop.call_soon)  # after the cell
    writer.late_variables(ticket, changed)      # digests hashed off the cell's path, later
    writer.settle()                             # before the next cell: all of it is on disk
    for problem in writer.take_problems(): ...  # the recorder shows these in the cell
    writer.close(timeout=3.0)                   # at exit: flush, waiting at most that long

- **A quick cell costs one transaction, written once the kernel is idle.** An execution's start
  waits ``START_GRACE_S`` on the thread for its end; a cell that ends sooner (most do) is written
  whole, start and end in one transaction. In a kernel the end is held until the kernel has sent
  the cell's reply and gone idle (``later``: a call on its event loop), then written on the
  kernel's thread while the writer thread is idle: on the cell's path, or by another thread,
  it cost each cell about half a millisecond, fighting ipykernel's threads for the GIL while the
  reply was sent; once idle it still takes that long, but while the client reads the reply,
  and no cell's reply waits for it (a queued next cell does, through ``settle``). It is on
  disk a moment after the idle status and always before the next cell runs (``settle`` at
  ``pre_run_cell``, which a silent execution triggers too). A longer cell has its ``running``
  record on disk ``START_GRACE_S`` after it began, as a kernel killed mid-cell must leave it.
- **A locked store delays records, not cells.** SQLite waits ``BUSY_TIMEOUT_S`` for another
  process's lock, then this thread retries with a growing pause while the queue keeps the
  records, in order. ``settle`` waits for a healthy writer (at most ``SETTLE_S``) but only
  ``LOCKED_GRACE_S`` into a lock, and not at all later in it.
- **A deleted store is recreated.** Before each write the file's identity is checked (SQLite
  would keep writing to an unlinked inode, losing everything); a store deleted or replaced is
  opened again (``create_file`` restores the folder's 0700 mode and ``.gitignore``), the session
  and environments are written again, and an execution started in the old file is started
  again, so later records stay valid. Reported once as a problem.
- **Failures are reported, never raised.** A store that cannot be opened, or was written by a
  newer jupyter-repro (``SchemaTooNew``), halts the writer (nothing more is written) with a
  problem saying so; a write that fails (full disk, damaged file) is dropped and reported, and
  later writes are tried as usual. ``take_problems`` hands them to the thread cells run in.

A ``Ticket`` is an execution's place in the store: its id there once its start is written,
and which opening of the file that id belongs to.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..store import (
    Environment,
    ExecutionEnd,
    ExecutionStart,
    LineageStore,
    NoLineageYet,
    OutputFingerprint,
    SchemaTooNew,
    Session,
    StoreLocked,
    StoreUnavailable,
    VariableState,
)

log = logging.getLogger(__name__)

#: How long one write waits in SQLite for another process's lock before this thread retries.
BUSY_TIMEOUT_S = 0.01
#: Pauses between retries of a locked write: doubling from the first to the last.
RETRY_FIRST_S = 0.01
RETRY_MAX_S = 0.25
#: ``settle``: the longest wait for a healthy writer, and for one that met a lock.
SETTLE_S = 1.0
LOCKED_GRACE_S = 0.02
#: How long an execution's start waits for its end before it is written alone. Most cells end
#: sooner: start and end then go in one transaction, written once the cell is over instead of
#: competing with it; a longer cell (the ones a kernel may die in) has its ``running`` record
#: on disk this long after it began.
START_GRACE_S = 0.05

#: Problem keys: each is shown to the user at most once per kernel.
UNAVAILABLE, NEWER, WRITE_FAILED, RECREATED, BUG = (
    "store-unavailable",
    "store-newer",
    "write-failed",
    "store-recreated",
    "writer-bug",
)

Operation = Callable[[LineageStore], None]
#: Schedules a call for once the kernel is idle (its event loop's ``call_soon``).
Schedule = Callable[[Callable[[], None]], object]
#: Fills in an execution's end just before it is written (see ``finish``).
Completion = Callable[[ExecutionEnd], ExecutionEnd]


@dataclass(frozen=True)
class Problem:
    """Something the user should hear about once; ``halted``: nothing more is recorded."""

    key: str
    message: str
    halted: bool = False


class Ticket:
    """One execution's row: written by the writer thread only."""

    __slots__ = ("generation", "id", "start")

    def __init__(self, start: ExecutionStart) -> None:
        self.start = start
        self.id: int | None = None
        self.generation = 0  # which opening of the store ``id`` belongs to


@dataclass(frozen=True)
class _Queued:
    """A queued write; a start or an end names its execution, so the two can be joined."""

    run: Operation
    starts: Ticket | None = None
    ends: tuple[Ticket, ExecutionEnd] | None = None


#: What ``_claim`` answers: the caller writes the whole execution, or its end only.
_WHOLE, _END = "whole", "end"
#: What ``_join_end`` answers when the cell's thread took the start back.
_CLAIMED = _Queued(lambda store: None)


class RecordWriter:
    """The writer thread of one recorder (see module docstring)."""

    def __init__(self, path: Path, session: Session) -> None:
        self.path = path
        self.session = session
        self._store: LineageStore | None = None
        self._identity: tuple[int, int] | None = None
        self._generation = 0
        self._environments: dict[str, Environment] = {}
        self._queue: collections.deque[_Queued] = collections.deque()
        self._cv = threading.Condition()
        self._submitted = self._done = 0
        self._locked_since: float | None = None
        self._grace: Ticket | None = None  # the start waiting ``START_GRACE_S`` for its end
        # Ends ``finish`` keeps for later, and the thread that holds them (cells run in it).
        self._held: list[tuple[Ticket, ExecutionEnd, Completion | None]] = []
        self._holder: int | None = None
        self._closing = self._abandon = self._halted = False
        self._wake = threading.Event()
        self._problems: collections.deque[Problem] = collections.deque()
        self._pid = os.getpid()  # a forked child (background hashing) must never write
        self._thread = threading.Thread(target=self._run, name="jupyter-repro-writer", daemon=True)
        self._thread.start()

    # -- the cell's side: queue and return --------------------------------------------------
    def open(self) -> None:
        """Open the store and write the session now, before any record (at kernel start)."""
        self._submit(lambda store: None)

    def start(self, start: ExecutionStart) -> Ticket:
        ticket = Ticket(start)
        self._submit(lambda store: self._write_start(store, ticket), starts=ticket)
        return ticket

    def finish(
        self,
        ticket: Ticket,
        end: ExecutionEnd,
        later: Schedule | None = None,
        complete: Completion | None = None,
    ) -> None:
        """Write ``ticket``'s end: now, or (``later`` given) in a call ``later`` schedules for
        once the kernel is idle, on the thread that runs it; on that thread if this writer's
        thread is idle, else by the thread. ``complete`` fills in, just before, what may as well
        be read then (what only the user's cells change), on the caller's thread. What is held
        for later is written first by ``settle``, ``close`` and any record queued after it."""
        if later is None:
            self._write_end(ticket, complete(end) if complete is not None else end)
            return
        with self._cv:
            self._held.append((ticket, end, complete))
            self._holder = threading.get_ident()
        later(self.write_held)

    def write_held(self) -> None:
        """Write the ends held for later (see ``finish``); never raises, not even on Stop."""
        with self._cv:
            held, self._held = self._held, []
        for ticket, end, complete in held:
            try:
                if complete is not None:
                    end = complete(end)
            except BaseException:  # Stop pressed (completions never fail): written as it was
                log.debug("jupyter-repro: completing a record was cut short", exc_info=True)
            try:
                self._write_end(ticket, end)
            except BaseException:  # Stop pressed: _write_end queued it for the thread
                log.debug("jupyter-repro: a record is left to the writer thread", exc_info=True)

    def _finisher(self, ticket: Ticket, end: ExecutionEnd) -> Operation:
        def finish(store: LineageStore) -> None:
            if ticket.id is None or ticket.generation != self._generation:
                self._write_start(store, ticket)  # never written, or written to a deleted file
            assert ticket.id is not None
            store.finish_execution(ticket.id, end)

        return finish

    def _write_end(self, ticket: Ticket, end: ExecutionEnd) -> None:
        finish = self._finisher(ticket, end)
        claimed = self._claim(ticket)
        if claimed is not None:
            try:
                if self._write_here(ticket, end, whole=claimed == _WHOLE):
                    return
            except BaseException:  # Stop pressed meanwhile: the thread writes it, then re-raise
                self._submit(finish)
                raise
        self._submit(finish, ends=(ticket, end))

    def _claim(self, ticket: Ticket) -> str | None:
        """Whether the caller may write ``ticket``'s end itself, the thread being idle:
        ``_WHOLE`` when its start, still waiting for its end on the thread, was taken back
        (start and end then go in one transaction), ``_END`` when only the end is left; None
        when it may not (see ``_write_here``)."""
        with self._cv:
            if (
                self._store is None
                or self._locked_since is not None
                or self._halted
                or self._closing
            ):
                return None
            if self._grace is ticket and not self._queue:
                self._grace = None  # the thread's wait ends with nothing to write
            elif (
                len(self._queue) == 1
                and self._queue[0].starts is ticket
                and self._done == self._submitted - 1  # and nothing in flight
            ):
                self._queue.popleft()  # the thread had not even picked it up
            elif (
                not self._queue
                and self._done == self._submitted
                and ticket.id is not None
                and ticket.generation == self._generation
            ):
                return _END  # a long cell: its start is on disk, the thread has nothing to do
            else:
                return None
            self._done += 1  # the start: written by the caller, with its end
            self._cv.notify_all()
            return _WHOLE

    def _write_here(self, ticket: Ticket, end: ExecutionEnd, whole: bool) -> bool:
        """Write an execution's end (``whole``: with its start) on the caller's thread, the
        store's lock permitting at once.

        The thread is idle (nothing queued, nothing in flight): writing here saves the cell two
        thread switches, which cost more than the write itself. False, with nothing written, when
        the store is locked (after ``BUSY_TIMEOUT_S``), was deleted or replaced, or failed: the
        thread then writes it as usual, and reports what it meets.
        """
        store = self._store
        if store is None or self._file_identity() != self._identity:
            return False
        try:
            if whole:
                # One assignment: no Stop lands between id and generation (a half-set ticket
                # would have its start written twice by the fallback).
                ticket.id, ticket.generation = (
                    store.add_execution(ticket.start, end),
                    self._generation,
                )
            else:
                assert ticket.id is not None
                store.finish_execution(ticket.id, end)
        except Exception:  # locked, full, damaged: the thread's to handle
            log.debug("jupyter-repro: writing on the cell's thread failed", exc_info=True)
            return False
        return True

    def replace_outputs(self, ticket: Ticket, outputs: Sequence[OutputFingerprint]) -> None:
        def replace(store: LineageStore) -> None:
            if ticket.id is not None and ticket.generation == self._generation:
                store.replace_outputs(ticket.id, outputs)

        self._submit(replace)

    def late_variables(
        self, ticket: Ticket, changed: Sequence[VariableState], unchanged: Sequence[str] = ()
    ) -> None:
        """Final digests of variables hashed after the execution's end was queued."""

        def update(store: LineageStore) -> None:
            if ticket.id is not None and ticket.generation == self._generation:
                store.update_variables(ticket.id, changed, unchanged)

        self._submit(update)

    def environment(self, env: Environment) -> None:
        def add(store: LineageStore) -> None:
            self._environments[env.id] = env  # written again if the file is recreated
            store.add_environment(env)

        self._submit(add)

    @property
    def halted(self) -> bool:
        return self._halted

    @property
    def opened(self) -> bool:
        """Whether the thread met the store yet: opened it, or halted trying."""
        return self._store is not None or self._halted

    def take_problems(self) -> list[Problem]:
        """Problems met since the last call, oldest first."""
        taken = []
        while self._problems:
            taken.append(self._problems.popleft())
        return taken

    def settle(self, timeout: float = SETTLE_S) -> bool:
        """Wait until everything queued so far is written; False if it is not yet.

        Waits at most ``timeout``, and only ``LOCKED_GRACE_S`` after the writer met a lock: a
        store another process holds delays records, never the cell.
        """
        self.write_held()
        deadline = time.monotonic() + timeout
        with self._cv:
            target = self._submitted
            while self._done < target and not self._halted:
                limit = deadline
                if self._locked_since is not None:
                    limit = min(limit, self._locked_since + LOCKED_GRACE_S)
                remaining = limit - time.monotonic()
                if remaining <= 0:
                    return False
                self._cv.wait(remaining)
            return True

    def pending(self) -> int:
        """How many queued records are not written yet."""
        with self._cv:
            return self._submitted - self._done

    def close(self, timeout: float) -> bool:
        """Write what is queued, waiting at most ``timeout``; then stop. True if all written."""
        if os.getpid() != self._pid:
            return False  # a fork of the kernel: that queue and store are not its own
        self.write_held()
        with self._cv:
            self._closing = True
            self._cv.notify_all()
        self._thread.join(timeout)
        if not self._thread.is_alive():
            return True
        self._abandon = True
        self._wake.set()
        self._thread.join(0.5)
        log.warning(
            "%d lineage record(s) not written to %s: the store stayed locked past %.1f s",
            self.pending(),
            self.path,
            timeout,
        )
        return False

    def read_digests(self) -> set[str]:
        """The data file versions the store's records name (a read, on the caller's thread)."""
        try:
            with LineageStore.open(self.path, create=False) as store:
                return store.read_digests()
        except NoLineageYet:
            return set()

    # -- the writer thread ------------------------------------------------------------------
    def _submit(
        self,
        operation: Operation,
        starts: Ticket | None = None,
        ends: tuple[Ticket, ExecutionEnd] | None = None,
    ) -> None:
        if os.getpid() != self._pid:
            return
        if self._held and threading.get_ident() == self._holder:
            self.write_held()  # in order: what follows may name a held execution
        with self._cv:
            self._queue.append(_Queued(operation, starts, ends))
            self._submitted += 1
            self._cv.notify_all()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._queue and not self._closing:
                    self._cv.wait()
                if not self._queue:
                    break
                queued = self._queue.popleft()
                taken = 1
                if queued.starts is not None:
                    joined = self._join_end(queued.starts)
                    if joined is _CLAIMED:
                        continue  # written and counted by the cell's thread
                    if joined is not None:
                        queued, taken = joined, 2
            try:
                self._apply(queued.run)
            except BaseException:  # the thread must outlive any one record
                log.exception("jupyter-repro: a lineage record was lost")
            finally:
                with self._cv:
                    self._done += taken
                    self._cv.notify_all()
        self._close_store()

    def _join_end(self, ticket: Ticket) -> _Queued | None:
        """The start of ``ticket`` and its end as one write, when the end comes (next in the
        queue) within ``START_GRACE_S``; else None: the start is written alone. A start the
        cell's thread claimed meanwhile (``_claim``) is ``_CLAIMED``. Holds ``_cv``."""
        deadline = time.monotonic() + START_GRACE_S
        self._grace = ticket
        try:
            while not self._queue and not self._closing and self._grace is ticket:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cv.wait(remaining)
            if self._grace is not ticket:
                return _CLAIMED
        finally:
            self._grace = None
        ends = self._queue[0].ends if self._queue else None
        if ends is None or ends[0] is not ticket:
            return None
        self._queue.popleft()
        end = ends[1]
        return _Queued(lambda store: self._write_whole(store, ticket, end))

    def _apply(self, operation: Operation) -> None:
        pause = RETRY_FIRST_S
        while not (self._halted or self._abandon):
            try:
                operation(self._current_store())
            except StoreLocked:
                self._set_locked(True)
                self._wake.wait(pause)
                pause = min(pause * 2, RETRY_MAX_S)
                continue
            except SchemaTooNew as error:
                self._halt(NEWER, f"lineage is not recorded in this kernel: {error}")
            except StoreUnavailable as error:
                if self._store is None:  # could not open (or reopen) it at all
                    self._halt(UNAVAILABLE, f"lineage is not recorded in this kernel: {error}")
                else:
                    log.warning("jupyter-repro: a lineage record was not written: %s", error)
                    self._report(
                        Problem(
                            WRITE_FAILED,
                            f"some lineage was not recorded: {error} Your code runs normally "
                            "and recording goes on.",
                        )
                    )
            except Exception as error:  # a bug: log it, keep the session going
                log.exception("jupyter-repro: writing a lineage record failed")
                self._report(
                    Problem(
                        BUG,
                        f"a lineage record was not written ({type(error).__name__}: {error}); "
                        "your code runs normally and recording goes on; details are in the "
                        "kernel's log.",
                    )
                )
            self._set_locked(False)
            return

    def _set_locked(self, locked: bool) -> None:
        if locked == (self._locked_since is not None):
            return
        with self._cv:
            self._locked_since = time.monotonic() if locked else None
            self._cv.notify_all()
        if locked:
            log.info("jupyter-repro: %s is locked by another process; records wait", self.path)

    def _current_store(self) -> LineageStore:
        """The open store, opened again when its file was deleted or replaced meanwhile."""
        gone = False
        if self._store is not None:
            if self._file_identity() == self._identity:
                return self._store
            self._close_store()
            gone = True
        store = LineageStore.open(self.path, busy_timeout_s=BUSY_TIMEOUT_S, attempts=1)
        try:
            identity = self._file_identity()
            store.add_session(self.session)
            for env in self._environments.values():
                store.add_environment(env)
        except BaseException:
            store.close()
            raise
        self._store, self._identity = store, identity
        self._generation += 1
        if gone:
            self._report(
                Problem(
                    RECREATED,
                    f"the lineage store {self.path} was deleted during this session; it is "
                    "created again and recording goes on (this session's earlier lineage is "
                    "lost). Keep .repro/ out of clean-ups such as git clean -fdx.",
                )
            )
        return store

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino)

    def _write_start(self, store: LineageStore, ticket: Ticket) -> None:
        ticket.id = store.start_execution(ticket.start)
        ticket.generation = self._generation

    def _write_whole(self, store: LineageStore, ticket: Ticket, end: ExecutionEnd) -> None:
        ticket.id = store.add_execution(ticket.start, end)
        ticket.generation = self._generation

    def _halt(self, key: str, message: str) -> None:
        self._halted = True
        log.warning("jupyter-repro: %s", message)
        self._report(Problem(key, f"{message} Your code runs normally.", halted=True))
        self._close_store()
        with self._cv:
            self._cv.notify_all()

    def _report(self, problem: Problem) -> None:
        self._problems.append(problem)

    def _close_store(self) -> None:
        store, self._store, self._identity = self._store, None, None
        if store is not None:
            try:
                store.close()
            except Exception:  # closing a file that is gone
                log.debug("jupyter-repro: closing the lineage store failed", exc_info=True)
