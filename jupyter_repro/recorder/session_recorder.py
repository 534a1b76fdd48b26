"""The recorder: one per kernel, driven by IPython's ``pre_run_cell``/``post_run_cell`` events.

Before a cell runs it queues the code and start time (so a kernel killed mid-cell leaves a
``running`` record that reads back as ``interrupted``); after it runs it queues status, timing,
the variables the cell changed (hashes only), the files it read and wrote and fingerprints of its
outputs (``output_capture``); the RNG fingerprint and the environment id are read once the
kernel has replied and gone idle, just before the record is written (``record_writer``, which
keeps a locked or slow store from delaying the cell).

Nothing here may hurt the user. Every failure, and an interrupt (Stop) that lands while a cell
is being recorded, is caught: the cell's record is still written, with what could not be
recorded named in its ``incomplete`` field; details go to the kernel's log and the user sees one
line, once per kind of problem (``recorder_log``); the kernel carries on as a plain ipykernel.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..store import (
    STATUS_ERROR,
    STATUS_INTERRUPTED,
    STATUS_OK,
    ExecutionEnd,
    ExecutionStart,
    OutputFingerprint,
    Session,
    VariableState,
    default_db_path,
    project_root,
)
from . import kernel_context
from .change_tracker import ChangeTracker
from .data_snapshots import DataSnapshots
from .environment import capture_environment
from .environment_watch import PackageChangeWatcher, rng_fingerprint
from .file_tracker import FileTracker
from .output_capture import OutputCapture
from .record_writer import RecordWriter, Ticket
from .recorder_log import Notices
from .recorder_settings import RecorderSettings
from .redaction import stored_code, stored_error_message
from .state_hash import ValueDigest

log = logging.getLogger("jupyter_repro.recorder")

#: At kernel exit, how long queued records may take to be written (a locked store) before
#: they are given up; jupyter_client kills a kernel that takes more than 5 s to shut down.
EXIT_WAIT_S = 3.0
#: At kernel exit, how long hashes still computed off the cells' path (``ChangeTracker``'s
#: time budget) may take to arrive first; what is later stays recorded as incomplete.
HASH_EXIT_WAIT_S = 2.0
#: How long the first cell waits for the environment captured at kernel start (a slow ``git``),
#: before it captures the environment itself.
EARLY_WAIT_S = 5.0
#: Notice keys (see ``recorder_log.Notices``): each problem is shown once per kernel.
FAILED, STOPPED = "recording-failed", "stopped-while-recording"
#: What an interrupted or failed recording leaves out, for the record's ``incomplete`` field.
VARIABLES_STOPPED = "variables not recorded: Stop was pressed while they were hashed"
RECORDING_STOPPED = (
    "variables, files, environment and RNG not recorded: Stop was pressed while the cell was "
    "being recorded"
)


def _once_idle() -> Callable[[Callable[[], None]], object] | None:
    """How to run a call once the kernel has replied and gone idle: ``call_soon`` on the event
    loop running the cell (ipykernel replies and publishes idle before it runs callbacks).
    None outside one (IPython in a terminal, an embedded shell): then it runs at once."""
    try:
        return asyncio.get_running_loop().call_soon
    except RuntimeError:
        return None


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def variable_state(name: str, digest: ValueDigest) -> VariableState:
    return VariableState(
        name=name,
        hash=digest.hash,
        type=digest.type,
        summary=digest.summary,
        complete=digest.complete,
        unhashable=digest.unhashable,
    )


def status_of(error: BaseException | None) -> str:
    if isinstance(error, KeyboardInterrupt):
        return STATUS_INTERRUPTED
    return STATUS_OK if error is None else STATUS_ERROR


def describe(error: BaseException) -> str:
    """``Type: message`` on one short line, for notices and ``incomplete`` fields: redacted as
    stored error messages are (the failure may quote a value of the user's)."""
    text = " ".join((stored_error_message(error) or "").split())
    text = text if len(text) <= 200 else text[:197] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _outcome(result: Any, error: BaseException | None, duration_ms: float) -> dict[str, Any]:
    """What every record of a finished cell says, whole or cut short: count, time, status and
    the (redacted) error."""
    return {
        "execution_count": getattr(result, "execution_count", None),
        "ended": utc_now(),
        "duration_ms": round(duration_ms, 3),
        "status": status_of(error),
        "error_name": type(error).__name__ if error is not None else None,
        "error_message": stored_error_message(error, getattr(result.info, "raw_cell", None)),
    }


class Recorder:
    """Records every execution of one IPython shell into the project's lineage store."""

    def __init__(self, shell: Any, settings: RecorderSettings | None = None) -> None:
        self.shell = shell
        self.base_settings = settings or RecorderSettings.from_environ()
        self.settings = self.base_settings
        self._settings_stamp: tuple[int, int] | None = None
        self.session_id = uuid.uuid4().hex
        self.changes = ChangeTracker(
            skip=lambda name: self.settings.skips(name),
            hidden=getattr(shell, "user_ns_hidden", {}),
            budget_bytes=self.settings.budget_bytes,
            time_budget_s=self.settings.hash_time_budget_s,
        )
        self.writer: RecordWriter | None = None
        self.files: FileTracker | None = None
        self.snapshots: DataSnapshots | None = None
        self.packages = PackageChangeWatcher()
        self.notices = Notices()
        # Hooks registered now, from the thread cells run in (the display hooks are per thread).
        self.outputs = self._capture_outputs(shell) if self.base_settings.track_outputs else None
        self._output_key: str | None = None
        self._written: Ticket | None = None  # the execution last written, for outputs coming late
        self.env_id: str | None = None
        self.notebook: Path | None = None
        self.root = Path.cwd()  # the project root, known once the store is opened
        self._settings_file: str | None = None  # the project's settings file, under root
        self.disabled = False
        self._ticket: Ticket | None = None
        self._gaps: list[str] = []  # what the running cell's record will lack
        self._failures: list[tuple[str, BaseException]] = []  # met once idle, said at a cell
        self._started = 0.0
        self._trackers_started = False
        self._early: threading.Thread | None = None
        self._start_early()

    # -- IPython events: never raise, not even KeyboardInterrupt -------------------------------
    def pre_run_cell(self, info: Any) -> None:
        """Queue the code and start time before the cell runs."""
        self._ticket = None
        self._gaps = []
        try:
            self._before(info)
        except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - logged, shown once (_fail)
            if self._ticket is not None:  # the start is queued: its end will say what is missing
                self._gaps.append(f"recording failed before the cell ({describe(error)})")
            self._fail("before the cell", error)
        self._started = time.perf_counter()

    def post_run_cell(self, result: Any) -> None:
        """Queue status, timing, changed variables, files, RNG and environment."""
        ticket, self._ticket = self._ticket, None
        if ticket is None or self.writer is None:
            return
        try:
            self._after(ticket, result)
        except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - logged, shown once (_fail)
            self._fail("after the cell", error)

    # -- internals -----------------------------------------------------------------------------
    def _before(self, info: Any) -> None:
        self._output_key = None
        self._settle_outputs()
        if self.writer is not None:
            # The earlier cells' records are on disk before this one runs (a cell reading the
            # lineage sees them; a silent execution is how a client waits for them), unless
            # the store is locked. Stop pressed now only ends the wait.
            with contextlib.suppress(KeyboardInterrupt):
                self.writer.settle()
        if not getattr(info, "store_history", True):
            return  # silent executions (completion, widgets, inspectors) are not the user's cells
        self._hear_writer()  # what it says is shown in the user's cell
        for when, error in self._failures:
            self._warn(
                f"recording failed {when} for the previous cell ({describe(error)}); your code "
                "ran normally and recording goes on. Details are in the kernel's log.",
                FAILED,
            )
        self._failures = []
        if self.disabled:
            return
        writer = self._ensure_store()
        self._ticket = writer.start(
            ExecutionStart(
                session_id=self.session_id,
                notebook=str(self.notebook) if self.notebook else None,
                cell_id=kernel_context.cell_id(info),
                code=stored_code(info.raw_cell or ""),
                started=utc_now(),
            )
        )
        self._refresh_settings()
        self._late_hashes()
        self.changes.before_cell(self.shell.user_ns)
        if self.files is not None:
            self.files.start_cell()
        if self.outputs is not None:
            self._output_key = self.outputs.open(kernel_context.request_id(self.shell))

    def _after(self, ticket: Ticket, result: Any) -> None:
        assert self.writer is not None
        duration_ms = (time.perf_counter() - self._started) * 1000
        gaps, self._gaps = self._gaps, []
        stopped, failed = False, None
        try:
            if self.outputs is not None:
                self.outputs.flush_streams()  # text still buffered: flushed while the rest is done
            end = self._end(result, duration_ms, gaps, ticket)
        except KeyboardInterrupt:
            stopped = True
            end = self._cut_short(result, duration_ms, [*gaps, RECORDING_STOPPED])
        except Exception as error:  # noqa: BLE001 - logged and shown once by _fail, below
            failed = error
            end = self._cut_short(result, duration_ms, [*gaps, f"not recorded: {describe(error)}"])
        # Queued before anything is said: a second Stop may cut the notice short, not the record.
        complete = self._completed if not (stopped or failed) else None
        self.writer.finish(ticket, end, later=_once_idle(), complete=complete)
        self._written = ticket
        with contextlib.suppress(Exception):  # after this cell's end: never ahead of it
            self._late_hashes()
        if stopped:
            self._warn(
                "Stop was pressed while this cell was being recorded (the cell itself had "
                "finished): its record is kept, marked incomplete, and recording goes on.",
                STOPPED,
            )
        if failed is not None:
            self._fail("after the cell", failed)
        if not self.writer.opened:
            # The session's first record: a store that cannot be used is said in this cell,
            # not the next. Stop pressed now only ends the wait.
            with contextlib.suppress(KeyboardInterrupt):
                self.writer.settle()
        self._hear_writer()

    def _end(
        self, result: Any, duration_ms: float, gaps: list[str], ticket: Ticket | None = None
    ) -> ExecutionEnd:
        error = result.error_before_exec or result.error_in_exec
        files = self.files.end_cell() if self.files is not None else ()
        if self.snapshots is not None:
            self.snapshots.after_cell(files)  # before the file can change again
        changed, removed = self._changes(result, gaps, ticket)
        return ExecutionEnd(
            **_outcome(result, error, duration_ms),
            changed=changed,
            removed=removed,
            files=files,
            outputs=self._outputs(error),  # last: the streams flushed meanwhile
            incomplete="; ".join(gaps) or None,
        )

    def _completed(self, end: ExecutionEnd) -> ExecutionEnd:
        """The environment and the RNG states, added to a finished cell's end just before it is
        written: once the kernel is idle, where they cost the cell nothing (about 0.2 ms of
        each cell before: numpy's RNG state alone takes 75 µs to read). Only the user's cells
        change them, and none has run since. Never raises: what fails is named in the end."""
        gaps = [end.incomplete] if end.incomplete else []
        try:
            env_id = self._environment_id()
        except Exception as error:  # said at the next cell, not while idle
            env_id = None
            gaps.append(f"environment not recorded: {describe(error)}")
            log.error("jupyter-repro: capturing the environment failed", exc_info=error)
            self._failures.append(("while capturing the environment", error))
        return dataclasses.replace(
            end, env_id=env_id, rng=rng_fingerprint(), incomplete="; ".join(gaps) or None
        )

    def _changes(
        self, result: Any, gaps: list[str], ticket: Ticket | None = None
    ) -> tuple[tuple[VariableState, ...], tuple[str, ...]]:
        """The variables the cell changed and removed; none, and a gap, if hashing failed."""
        if result.error_before_exec is not None:  # a cell that never ran changed nothing
            return (), ()
        try:
            cell = self.changes.after_cell(
                self.shell.user_ns, self._transformed(result), token=ticket
            )
        except KeyboardInterrupt:
            gaps.append(VARIABLES_STOPPED)
            self._warn(
                "Stop was pressed while this cell's variables were being hashed (the cell "
                "itself had finished): its record is kept without them, marked incomplete, and "
                "recording goes on.",
                STOPPED,
            )
            return (), ()
        except Exception as error:  # noqa: BLE001 - one odd value must not cost the record
            gaps.append(f"variables not recorded: {describe(error)}")
            self._fail("while hashing variables", error)
            return (), ()
        changed = tuple(variable_state(n, d) for n, d in sorted(cell.changed.items()))
        return changed, tuple(cell.removed)

    def _cut_short(self, result: Any, duration_ms: float, gaps: list[str]) -> ExecutionEnd:
        """What can still be said of a cell whose recording failed or was stopped."""
        error = result.error_before_exec or result.error_in_exec
        outputs: tuple[OutputFingerprint, ...] = ()
        try:
            outputs = self._outputs(error)
        except (Exception, KeyboardInterrupt):
            log.debug("jupyter-repro: the outputs of a cut-short record are lost", exc_info=True)
            self._output_key = None
            gaps.append("outputs not recorded")
        return ExecutionEnd(
            **_outcome(result, error, duration_ms),
            outputs=outputs,
            incomplete="; ".join(gaps),
        )

    @staticmethod
    def _capture_outputs(shell: Any) -> OutputCapture | None:
        try:
            return OutputCapture(shell)
        except Exception:  # an unusual kernel: record everything but its outputs
            log.warning("jupyter-repro: outputs are not recorded in this kernel", exc_info=True)
            return None

    def _outputs(self, error: BaseException | None) -> tuple[OutputFingerprint, ...]:
        """The execution's output fingerprints; with outputs off, none at all."""
        if self.outputs is None:
            return ()
        key, self._output_key = self._output_key, None
        return self.outputs.close(key, error)

    def _settle_outputs(self) -> None:
        """Rewrite the last execution's outputs if some arrived after it was written."""
        written, self._written = self._written, None
        if self.outputs is None:
            return
        late = self.outputs.settle()
        if late is not None and written is not None and self.writer is not None:
            self.writer.replace_outputs(written, late)

    def _transformed(self, result: Any) -> str:
        """The Python source IPython ran: its history keeps it, so it is not transformed twice."""
        raw = getattr(result.info, "raw_cell", "") or ""
        try:
            # Only cells with store_history are recorded, and IPython appends exactly those.
            parsed = self.shell.history_manager.input_hist_parsed
            return str(parsed[-1]) if parsed else str(self.shell.transform_cell(raw))
        except Exception:  # the raw cell is a safe stand-in: analysing it may
            # only find more names (or none: then every name counts as touched)
            log.debug("jupyter-repro: the transformed cell is unavailable", exc_info=True)
            return raw

    def _environment_id(self) -> str | None:
        assert self.writer is not None
        early, self._early = self._early, None
        if early is not None:
            early.join(EARLY_WAIT_S)  # the kernel's start-up captured it, or nearly
        if self.env_id is None or self.packages.changed():
            environment = capture_environment(self.root, kernel_context.kernel_name())
            self.writer.environment(environment)
            self.env_id = environment.id
        return self.env_id

    def _start_early(self) -> None:
        """At kernel start, when the server already named the notebook: open the store and
        capture the environment off any cell's path (the kernel's start-up runs them while the
        user reads the notebook), so the first cell pays for neither; about 90 ms there before.
        Without a name yet (VS Code names it in the namespace, later), the first cell does it."""
        if not os.environ.get("JPY_SESSION_NAME", "").strip().endswith(".ipynb"):
            return
        try:
            self._ensure_writer().open()
            root, kernel = self.root, kernel_context.kernel_name()
        except Exception:  # the first cell tries again, and reports
            log.debug("jupyter-repro: could not start early", exc_info=True)
            return
        self._early = threading.Thread(
            target=self._capture_early, args=(root, kernel), name="jupyter-repro-env", daemon=True
        )
        self._early.start()

    def _capture_early(self, root: Path, kernel: str | None) -> None:
        try:
            environment = capture_environment(root, kernel)
        except Exception:  # the first cell captures it again
            log.debug("jupyter-repro: the early environment capture failed", exc_info=True)
            return
        writer = self.writer
        if writer is not None:
            writer.environment(environment)
            self.env_id = environment.id  # last: the cell's thread reads it after join()

    def _ensure_store(self) -> RecordWriter:
        """The writer of this session's records and the file trackers, started at the first
        recorded cell (the writer perhaps earlier, ``_start_early``).

        It opens the store on its own thread: a store that cannot be used is reported by the
        writer (``_hear_writer``), at the end of the first cell at the latest.
        """
        writer = self._ensure_writer()
        if not self._trackers_started:
            self._trackers_started = True
            if self.settings.track_files:
                self.files = FileTracker(self.root, ignore=[str(writer.path)])
                self.snapshots = DataSnapshots.create(writer.path, self.root, self._warn)
        return writer

    def _ensure_writer(self) -> RecordWriter:
        if self.writer is not None:
            return self.writer
        self.notebook = kernel_context.notebook_path(self.shell.user_ns)
        self.root = project_root(self.notebook.parent if self.notebook else Path.cwd())
        self._settings_file = None
        path = default_db_path(self.notebook)
        session = Session(
            id=self.session_id,
            kernel_id=kernel_context.kernel_id(),
            notebook=str(self.notebook) if self.notebook else None,
            started=utc_now(),
            pid=os.getpid(),
            hostname=socket.gethostname(),
            kernel_name=kernel_context.kernel_name(),
        )
        self.writer = RecordWriter(path, session)
        return self.writer

    def _hear_writer(self) -> None:
        """Show what the writer thread met; stop recording if it stopped writing."""
        if self.writer is None:
            return
        for problem in self.writer.take_problems():
            self._warn(problem.message, problem.key)
        if self.writer.halted and not self.disabled:
            self.disabled = True  # nothing is written any more: spare the cells the work
            if self.files is not None:
                self.files.close()
                self.files = None

    def _refresh_settings(self) -> None:
        """Re-read the project's settings file when it changed (one stat per cell)."""
        try:
            # A string, joined once: pathlib took 60 µs of every cell here.
            if self._settings_file is None:
                self._settings_file = os.path.join(self.root, ".repro", "settings.json")
            st = os.stat(self._settings_file)
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp != self._settings_stamp:
            self._settings_stamp = stamp
            self.settings = self.base_settings.with_project(self.root)
            self.changes.set_budget(self.settings.budget_bytes, self.settings.hash_time_budget_s)

    def _late_hashes(self) -> None:
        """Final digests of variables an earlier cell left to a snapshot, into its record."""
        if self.writer is None:
            return
        for late in self.changes.late_results():
            changed = tuple(variable_state(n, d) for n, d in sorted(late.changed.items()))
            self.writer.late_variables(late.token, changed, late.unchanged)

    def _fail(self, when: str, error: BaseException) -> None:
        log.error("jupyter-repro: recording failed %s", when, exc_info=error)
        self._warn(
            f"recording failed {when} ({describe(error)}); your code ran normally and recording "
            "goes on, but this cell's record is incomplete. Details are in the kernel's log.",
            FAILED,
        )

    def _warn(self, message: str, key: str | None = None) -> None:
        """Tell the user in one line, once per ``key`` (default: the message) and kernel."""
        self.notices.show(key or message, message)

    def close(self) -> None:
        """Stop file watching and output hooks, write what is queued (at unload or exit).

        Safe to call twice, and never raises: it also runs from ``atexit`` while the kernel exits.
        Records still queued (a locked store) get ``EXIT_WAIT_S`` to be written.
        """
        try:
            self._settle_outputs()
            if self.outputs is not None:
                self.outputs.detach()
            if self.files is not None:
                self.files.close()
            if self.snapshots is not None:
                self.snapshots.close()  # copies in flight finish before the store closes
            self.changes.wait(HASH_EXIT_WAIT_S, latest_first=True)  # hashed off the cells' path
            self._late_hashes()
            self.changes.close()
            if self.writer is not None:
                self.writer.close(EXIT_WAIT_S)
        except Exception:  # the kernel is going away: log, never raise at exit
            log.debug("jupyter-repro: closing the recorder failed", exc_info=True)
        finally:
            self.outputs = self.files = None
            self.writer = None
            self.disabled = True
