"""The recorder: one per kernel, driven by IPython's ``pre_run_cell``/``post_run_cell`` events.

Before a cell runs it writes the code and start time (so a kernel killed mid-cell leaves a
``running`` record that reads back as ``interrupted``); after it runs it writes status, timing,
the variables the cell changed (hashes only), the files it read and wrote, fingerprints of its
outputs (``output_capture``), the RNG fingerprint and the environment id. Nothing here may hurt
the user: any failure is logged, shown once on stderr, and the kernel carries on as a plain
ipykernel would.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..store import (
    STATUS_ERROR,
    STATUS_INTERRUPTED,
    STATUS_OK,
    ExecutionEnd,
    ExecutionStart,
    LineageStore,
    OutputFingerprint,
    Session,
    StoreUnavailable,
    VariableState,
    default_db_path,
    project_root,
)
from . import kernel_context
from .change_tracker import ChangeTracker
from .environment import capture_environment
from .environment_watch import PackageChangeWatcher, rng_fingerprint
from .file_tracker import FileTracker
from .output_capture import OutputCapture
from .recorder_settings import RecorderSettings
from .state_hash import ValueDigest

log = logging.getLogger("jupyter_repro.recorder")


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
        )
        self.store: LineageStore | None = None
        self.files: FileTracker | None = None
        self.packages = PackageChangeWatcher()
        # Hooks registered now, from the thread cells run in (the display hooks are per thread).
        self.outputs = self._capture_outputs(shell) if self.base_settings.track_outputs else None
        self._output_key: str | None = None
        self._written: int | None = None  # the execution last written, for outputs coming late
        self.env_id: str | None = None
        self.notebook: Path | None = None
        self.root = Path.cwd()  # the project root, known once the store is opened
        self.disabled = False
        self._warned = False
        self._execution_id: int | None = None
        self._started = 0.0

    # -- IPython events ------------------------------------------------------------------------
    def pre_run_cell(self, info: Any) -> None:
        """Write the code and start time before the cell runs."""
        self._execution_id = None
        self._output_key = None
        self._settle_outputs()
        if self.disabled or not getattr(info, "store_history", True):
            return  # silent executions (completion, widgets, inspectors) are not the user's cells
        try:
            store = self._ensure_store()
            if store is None:
                return
            self._execution_id = store.start_execution(
                ExecutionStart(
                    session_id=self.session_id,
                    notebook=str(self.notebook) if self.notebook else None,
                    cell_id=kernel_context.cell_id(info),
                    code=info.raw_cell or "",
                    started=utc_now(),
                )
            )
            self._refresh_settings()
            self.changes.before_cell(self.shell.user_ns)
            if self.files is not None:
                self.files.start_cell()
            if self.outputs is not None:
                self._output_key = self.outputs.open(kernel_context.request_id(self.shell))
        except Exception as error:  # noqa: BLE001 - logged and shown once by _fail
            self._execution_id = None
            self._fail("before the cell", error)
        self._started = time.perf_counter()

    def post_run_cell(self, result: Any) -> None:
        """Write status, timing, changed variables, files, RNG and environment."""
        if self._execution_id is None or self.store is None:
            return
        duration_ms = (time.perf_counter() - self._started) * 1000
        execution_id, self._execution_id = self._execution_id, None
        if self.outputs is not None:
            self.outputs.flush_streams()  # text still buffered: flushed while the rest is done
        try:
            self.store.finish_execution(execution_id, self._end(result, duration_ms))
            self._written = execution_id
        except Exception as error:  # noqa: BLE001 - logged and shown once by _fail
            self._fail("after the cell", error)
        finally:
            if self._output_key is not None:  # _end failed first: stop keeping its outputs
                self._outputs(None)

    # -- internals -----------------------------------------------------------------------------
    def _end(self, result: Any, duration_ms: float) -> ExecutionEnd:
        error = result.error_before_exec or result.error_in_exec
        status = STATUS_OK
        if isinstance(error, KeyboardInterrupt):
            status = STATUS_INTERRUPTED
        elif error is not None:
            status = STATUS_ERROR
        files = self.files.end_cell() if self.files is not None else ()
        changed: tuple[VariableState, ...] = ()
        removed: tuple[str, ...] = ()
        if result.error_before_exec is None:  # a cell that never ran changed nothing
            cell = self.changes.after_cell(self.shell.user_ns, self._transformed(result))
            changed = tuple(variable_state(n, d) for n, d in sorted(cell.changed.items()))
            removed = tuple(cell.removed)
        return ExecutionEnd(
            execution_count=getattr(result, "execution_count", None),
            ended=utc_now(),
            duration_ms=round(duration_ms, 3),
            status=status,
            error_name=type(error).__name__ if error is not None else None,
            error_message=str(error)[:2000] if error is not None else None,
            env_id=self._environment_id(),
            rng=rng_fingerprint(),
            changed=changed,
            removed=removed,
            files=files,
            outputs=self._outputs(error),  # last: the streams flushed meanwhile
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
        if late is None or written is None or self.store is None:
            return
        try:
            self.store.replace_outputs(written, late)
        except Exception as error:  # noqa: BLE001 - logged and shown once by _fail
            self._fail("recording the last cell's outputs", error)

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
        assert self.store is not None
        if self.env_id is None or self.packages.changed():
            environment = capture_environment(self.root, kernel_context.kernel_name())
            self.env_id = self.store.add_environment(environment)
        return self.env_id

    def _ensure_store(self) -> LineageStore | None:
        if self.store is not None:
            return self.store
        self.notebook = kernel_context.notebook_path(self.shell.user_ns)
        self.root = project_root(self.notebook.parent if self.notebook else Path.cwd())
        path = default_db_path(self.notebook)
        try:
            self.store = LineageStore.open(path)
        except StoreUnavailable as error:
            self.disabled = True
            self._warn(f"lineage is not recorded in this kernel: {error}")
            return None
        self.store.add_session(
            Session(
                id=self.session_id,
                kernel_id=kernel_context.kernel_id(),
                notebook=str(self.notebook) if self.notebook else None,
                started=utc_now(),
                pid=os.getpid(),
                hostname=socket.gethostname(),
                kernel_name=kernel_context.kernel_name(),
            )
        )
        if self.settings.track_files:
            self.files = FileTracker(self.root, ignore=[str(path)])
        return self.store

    def _refresh_settings(self) -> None:
        """Re-read the project's settings file when it changed (one stat per cell)."""
        try:
            st = (self.root / ".repro" / "settings.json").stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp != self._settings_stamp:
            self._settings_stamp = stamp
            self.settings = self.base_settings.with_project(self.root)
            self.changes.set_budget(self.settings.budget_bytes)

    def _fail(self, when: str, error: BaseException) -> None:
        log.exception("jupyter-repro: recording failed %s", when)
        self._warn(
            f"recording failed {when} ({type(error).__name__}: {error}); "
            "your code ran normally, this cell's lineage may be incomplete."
        )

    def _warn(self, message: str) -> None:
        """Tell the user once per kernel; later failures only go to the log."""
        log.warning("jupyter-repro: %s", message)
        if not self._warned:
            self._warned = True
            print(f"[jupyter-repro] {message}", file=sys.stderr)

    def close(self) -> None:
        """Stop file watching and output hooks, close the store (at unload or kernel shutdown).

        Safe to call twice, and never raises: it also runs from ``atexit`` while the kernel exits.
        """
        try:
            self._settle_outputs()
            if self.outputs is not None:
                self.outputs.detach()
            if self.files is not None:
                self.files.close()
            if self.store is not None:
                self.store.close()
        except Exception:  # the kernel is going away: log, never raise at exit
            log.debug("jupyter-repro: closing the recorder failed", exc_info=True)
        finally:
            self.outputs = self.files = self.store = None
            self.disabled = True
