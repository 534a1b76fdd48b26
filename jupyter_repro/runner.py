"""Run a notebook headless in a recording kernel, exactly as JupyterLab would have run it.

nbclient does not send a cell's id with its execute request, nor tell the kernel the notebook's
path; JupyterLab and jupyter-server do, and the lineage is keyed by both. The run's client is
a ``headless.RecordingNotebookClient``, which sends both::

    executed = run_notebook(Path("analysis.ipynb"), order="stored")
    run_notebook(path, timeout=5)   # seconds per cell; 0: no limit; None: the project's setting

Nothing waits forever. A cell gets ``timeout`` seconds (by default the project's
``cell_timeout_s``, 30 minutes unless set), then the kernel is interrupted; a kernel that dies, or
goes idle without replying, is noticed too. Either way the run stops with :class:`CellStopped`,
whose message names the cell, and the kernel is shut down (also after a run that went well).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, DeadKernelError
from nbformat import NotebookNode

from .common.notebook_file import read_notebook
from .headless import RECORDING_KERNEL, RecordingNotebookClient
from .project_settings import read_settings
from .store import project_root

ORDERS = ("top-down", "stored")
#: Why a cell stopped the run (:attr:`CellStopped.why`, and the error's name in verify's report:
#: never a Python identifier, so no exception a cell raises is taken for one), with the few words
#: a summary line uses for it.
TIMEOUT, DIED, NO_REPLY = "cell-timeout", "kernel-died", "no-reply"
STOP_SUMMARY = {
    TIMEOUT: "timed out",
    DIED: "stopped: its kernel died",
    NO_REPLY: "stopped: the kernel did not reply",
}
#: How long a reply may trail the kernel's "idle" for the same request. ipykernel sends the reply
#: first; the two travel on different sockets, so a little slack, then the kernel is stopped.
NO_REPLY_GRACE_S = 5.0
# nbclient logs a timeout and the interrupt at error level; the one-line CellStopped says it all.
_LOG = logging.getLogger(__name__)
_LOG.addHandler(logging.NullHandler())
# error_on_timeout's stand-in reply: no exception a cell raises can carry a name with spaces.
_STAND_IN = "jupyter-repro cell timeout"


class CellStopped(RuntimeError):
    """A cell that could not finish, so the run stopped there; ``str()`` is one line naming it.

    ``why`` is TIMEOUT, DIED or NO_REPLY; ``index`` the cell's position in the notebook
    (0-based, like nbformat: messages count from 1, as people do); ``seconds`` the limit;
    ``notebook`` holds the outputs of the cells that ran, for ``-o``.
    """

    def __init__(
        self, why: str, index: int, notebook: NotebookNode, seconds: int | None = None
    ) -> None:
        cell = notebook.cells[index]
        self.why, self.index, self.seconds, self.notebook = why, index, seconds, notebook
        self.cell_id: str | None = cell.get("id")
        self.first_line = first_line(cell.get("source", ""))
        super().__init__(f"{self.cell_name()} {self.outcome()}")

    def cell_name(self, known_as: str | None = None) -> str:
        """``Cell 3 (id 9f1c, "while True: ...")``; ``known_as`` replaces the id. No execution
        count: a cell whose kernel died may not have been given one yet."""
        return cell_name(self.index, self.notebook.cells[self.index], known_as)

    def outcome(self) -> str:
        if self.why == TIMEOUT:
            return (
                f"did not finish within {self.seconds} s: stopped. Raise the limit with "
                "--timeout (or cell_timeout_s in .repro/settings.json)."
            )
        if self.why == NO_REPLY:
            return "did not finish: the kernel went idle without replying. Stopped."
        return "did not finish: its kernel died (out of memory, a crash or an exit). Stopped."


def cell_name(
    index: int, cell: NotebookNode, known_as: str | None = None, *, count: bool = False
) -> str:
    """How every message names a cell: ``Cell 3 (execution count 5, id 9f1c, "while True:
    ...")``. The number is its position counted from 1, as a person counts the notebook's
    cells (markdown ones too); ``known_as`` replaces the id; with ``count``, the execution
    count it ran as (the notebook's ``[5]``), when it has one."""
    ran = cell.get("execution_count") if count else None
    label = ", ".join(
        part
        for part in (
            f"execution count {ran}" if isinstance(ran, int) else "",
            known_as or (f"id {cell.get('id')}" if cell.get("id") else ""),
        )
        if part
    )
    code = first_line(cell.get("source", ""))
    return f'Cell {index + 1} ({label}{", " if label else ""}"{code}")'


def first_line(source: str, width: int = 40) -> str:
    """The code's first line, shortened: ``while True: ...`` names ``while True:\\n    pass``."""
    lines = source.strip().splitlines()
    head = lines[0].strip() if lines else ""
    if len(head) > width:
        return head[:width].rstrip() + " ..."
    return head + (" ..." if len(lines) > 1 else "")


def cell_timeout(path: Path, given: int | None) -> int | None:
    """The seconds a cell of the notebook or script at ``path`` may run; None: no limit.

    ``given`` (``--timeout``) wins; None reads the project's ``cell_timeout_s``, and 0 means no
    limit either way. A damaged settings file raises ``SettingsError``.
    """
    seconds = read_settings(project_root(path)).cell_timeout_s if given is None else given
    if seconds < 0:
        raise ValueError(f"A cell timeout is 0 (no limit) or more seconds, not {seconds}")
    return seconds or None


class _StoppingClient(RecordingNotebookClient):
    """nbclient's client, made to stop where it would wait forever: :meth:`run_cell`.

    At the timeout nbclient interrupts the kernel and, told ``error_on_timeout``, takes a stand-in
    reply instead of waiting for one; the ``on_cell_executed`` hook spots it. nbclient waits for
    the shell reply with no bound but the timeout, so once the kernel said "idle" for a request,
    a reply missing :data:`NO_REPLY_GRACE_S` later gets the kernel killed: nbclient's liveness poll
    then raises DeadKernelError, which ``stopped`` tells apart from a crash.
    """

    def __init__(self, nb: NotebookNode, km: AsyncKernelManager, **kw: Any) -> None:
        stand_in = {"ename": _STAND_IN, "evalue": "", "traceback": []}
        super().__init__(
            nb, km=km, interrupt_on_timeout=True, error_on_timeout=stand_in, log=_LOG, **kw
        )
        self.on_cell_executed = self._executed
        self.stopped: str | None = None  # TIMEOUT, NO_REPLY: why the current cell cannot finish
        self._started = 0.0  # when the current cell's request was sent (monotonic)
        self._idle: float | None = None  # when the kernel said idle after it
        self._watch: asyncio.TimerHandle | None = None

    def run_cell(self, index: int) -> None:
        """Run one cell; raise CellStopped (and have the kernel killed, not asked) if it cannot
        finish."""
        self._started, self._idle = time.monotonic(), None
        try:
            self.execute_cell(self.nb.cells[index], index)
        except DeadKernelError:
            self.stopped = self.stopped or DIED
        except CellExecutionError:  # only with allow_errors=False
            if self.stopped is None:
                raise
        if self.stopped is not None:
            self.shutdown_kernel = "immediate"
            raise CellStopped(self.stopped, index, self.nb, self.timeout)

    def process_message(self, msg: dict[str, Any], cell: NotebookNode, cell_index: int) -> Any:
        try:
            return super().process_message(msg, cell, cell_index)
        except CellExecutionComplete:  # the kernel is idle after this request
            self._idle = time.monotonic()
            waiting = self.task_poll_for_reply
            if waiting is not None and not waiting.done():
                loop = asyncio.get_running_loop()
                self._watch = loop.call_later(NO_REPLY_GRACE_S, self._no_reply, waiting)
            raise

    def _no_reply(self, waiting: asyncio.Future[Any]) -> None:
        if waiting.done() or self.km is None:
            return
        self.stopped = NO_REPLY
        kill = getattr(signal, "SIGKILL", signal.SIGTERM)
        asyncio.ensure_future(ensure_async(self.km.signal_kernel(kill)))

    def _executed(self, cell: NotebookNode, cell_index: int, execute_reply: Any) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if (execute_reply or {}).get("content", {}).get("ename") != _STAND_IN:
            return
        # Idle before the deadline: the kernel had finished, its reply never came.
        idle_first = self._idle is not None and self._idle < self._started + (self.timeout or 0)
        self.stopped = NO_REPLY if idle_first else TIMEOUT


def execution_order(nb: NotebookNode, order: str) -> list[int]:
    """Indexes of the code cells to run: notebook order, or the author's last run order."""
    if order not in ORDERS:
        raise ValueError(f"Unknown order {order!r}: use one of {', '.join(ORDERS)}")
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if order == "top-down":
        return code
    ran = [i for i in code if isinstance(nb.cells[i].get("execution_count"), int)]
    return sorted(ran, key=lambda i: nb.cells[i].execution_count)


def run_notebook(
    path: Path,
    order: str = "top-down",
    *,
    kernel_name: str = RECORDING_KERNEL,
    timeout: int | None = None,
    allow_errors: bool = True,
    env: dict[str, str] | None = None,
    on_cell: Callable[[int, int], None] | None = None,
    before_cell: Callable[[int], None] | None = None,
    setup_code: str | None = None,
) -> NotebookNode:
    """Execute the notebook at ``path`` in its folder; return it with fresh outputs.

    ``timeout`` is per cell (see :func:`cell_timeout`); a cell that cannot finish raises
    :class:`CellStopped`. ``on_cell(done, total)`` is called after each cell, for progress;
    ``before_cell(index)`` before each (verify writes data file versions into its copy).
    ``setup_code`` runs first, silently: not a cell, so nothing records or shows it (verify's
    write guard); RuntimeError if it fails.
    """
    path = path.resolve()
    seconds = cell_timeout(path, timeout)
    nb = read_notebook(path, validate=False)
    indexes = execution_order(nb, order)
    manager = AsyncKernelManager(kernel_name=kernel_name)
    client = _StoppingClient(
        nb,
        manager,
        timeout=seconds,
        allow_errors=allow_errors,
        notebook_path=str(path),
        resources={"metadata": {"path": str(path.parent)}},
    )
    kernel_env = {**os.environ, **(env or {})}
    # Headless, nobody waits between cells: hash every variable in its cell (no time budget),
    # so the run's last values are complete when the kernel exits (verify compares them).
    kernel_env.setdefault("JUPYTER_REPRO_HASH_TIME_BUDGET_MS", "0")
    # cleanup_kc: nbclient leaves a kernel it did not create running; this one is ours to stop.
    with client.setup_kernel(env=kernel_env, cleanup_kc=True):
        assert isinstance(client.kc, AsyncKernelClient)
        if setup_code is not None:
            _run_silently(client.kc, setup_code)
        for done, index in enumerate(indexes, start=1):
            if before_cell is not None:
                before_cell(index)
            client.run_cell(index)
            if on_cell is not None:
                on_cell(done, len(indexes))
    return nb


def _run_silently(kc: AsyncKernelClient, code: str) -> None:
    """Run ``code`` with ``silent`` and no history: no cell events, no output, not recorded."""
    reply = run_sync(kc.execute_interactive)(
        code, silent=True, store_history=False, timeout=60, output_hook=lambda msg: None
    )
    if reply["content"]["status"] != "ok":
        content = reply["content"]
        raise RuntimeError(f"Kernel setup failed: {content.get('ename')}: {content.get('evalue')}")
