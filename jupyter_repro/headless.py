"""nbclient runs that record like JupyterLab's: the kernel learns the notebook and each cell's id.

Plain nbclient tells a kernel neither: it starts it with the caller's environment and sends bare
execute requests, so a recording kernel could only key its session by its folder.
:class:`RecordingNotebookClient` is nbclient's ``NotebookClient`` plus what jupyter-server and
JupyterLab send: the kernel starts with ``JPY_SESSION_NAME`` set to the notebook's resolved path,
and each execute request carries the cell's id as ``cellId`` metadata. It also gives a recording
kernel the in-memory IPython history nbclient gives ``python3`` (which it recognises by name
only), so a headless run writes nothing to the user's IPython history, as a plain one. Usage::

    from jupyter_repro.headless import execute
    nb = execute("analysis.ipynb")  # in its folder, kernel repro-python3; the file is not written

    # A drop-in for NotebookClient: the same options, and the notebook's file.
    client = RecordingNotebookClient(nb, kernel_name="repro-python3", notebook_path="a.ipynb")
    client.execute()

The path only reaches a kernel this client starts (not one passed in as a running ``km``); cell
ids reach any kernel. papermill runs use it through :mod:`jupyter_repro.papermill_engine`, and
``jupyter repro run`` through ``runner``'s client, a subclass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbformat import NotebookNode
from traitlets import Unicode, validate

from .common.notebook_file import read_notebook

#: The kernel with the recorder loaded (installed with the package).
RECORDING_KERNEL = "repro-python3"
#: How jupyter-server names a kernel's notebook; the recorder reads it (recorder.kernel_context).
SESSION_NAME_VAR = "JPY_SESSION_NAME"
#: The execute request metadata key JupyterLab sends a cell's id in; ipykernel hands it to IPython.
CELL_ID_KEY = "cellId"
#: The kernel argument nbclient gives IPython kernels (``ipython_hist_file``, ":memory:").
HISTORY_ARG = "--HistoryManager.hist_file"


class RecordingNotebookClient(NotebookClient):
    """nbclient's client that names the notebook to the kernel it starts and sends cell ids."""

    notebook_path = Unicode(
        None,
        allow_none=True,
        help="The notebook file being run (resolved when set): the kernel's JPY_SESSION_NAME.",
    ).tag(config=True)

    @validate("notebook_path")
    def _resolved(self, proposal: dict[str, Any]) -> str | None:
        value = proposal["value"]
        return str(Path(value).expanduser().resolve()) if value else None

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        if self.notebook_path:
            env = kwargs.get("env")
            kwargs["env"] = {
                **(os.environ if env is None else env),
                SESSION_NAME_VAR: self.notebook_path,
            }
        if self._history_unset() and self._ipython_kernel():
            # nbclient keeps an IPython kernel's history in memory (``ipython_hist_file``), but
            # knows one by its name only (python3): a recording kernel, run headless, would
            # otherwise write every cell into the user's IPython history file, and commit it
            # to disk after each cell, where the plain kernel writes nothing.
            self.extra_arguments = [
                *self.extra_arguments,
                f"{HISTORY_ARG}={self.ipython_hist_file}",
            ]
        await super().async_start_new_kernel(**kwargs)

    def _history_unset(self) -> bool:
        return bool(self.ipython_hist_file) and not any(
            str(arg).startswith(HISTORY_ARG) for arg in self.extra_arguments
        )

    def _ipython_kernel(self) -> bool:
        """An IPython kernel nbclient does not know as one (by its kernelspec's command)."""
        km = self.km
        if km is None or getattr(km, "ipykernel", False):
            return False  # nbclient's own case: it adds the history argument itself
        try:
            argv = km.kernel_spec.argv if km.kernel_spec is not None else []
        except Exception:  # noqa: BLE001 - no such spec: nbclient's start reports it
            return False
        return any("ipykernel" in str(arg) for arg in argv)

    # nbclient's synchronous names wrap its own coroutines: bound again, they run these.
    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_execute_cell(
        self,
        cell: NotebookNode,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> NotebookNode:
        with self._cell_id_sent(cell):
            return await super().async_execute_cell(
                cell, cell_index, execution_count, store_history
            )

    execute_cell = run_sync(async_execute_cell)

    @contextmanager
    def _cell_id_sent(self, cell: NotebookNode) -> Iterator[None]:
        """Every message the client sends while the cell runs carries its id; only the execute
        request's is read (ipykernel), so the others are left as they were."""
        cell_id = cell.get("id")
        if self.kc is None or not cell_id:
            yield
            return
        metadata = self.kc.session.metadata
        metadata[CELL_ID_KEY] = cell_id
        try:
            yield
        finally:
            metadata.pop(CELL_ID_KEY, None)


def execute(
    notebook: str | os.PathLike[str],
    *,
    kernel_name: str = RECORDING_KERNEL,
    cwd: str | os.PathLike[str] | None = None,
    **options: Any,
) -> NotebookNode:
    """Run the notebook file in a recording kernel, in ``cwd`` (default: the notebook's folder).

    Returns the notebook with its outputs, as ``nbclient.execute`` does; the file itself is not
    written. ``options`` are ``NotebookClient``'s (``timeout``, ``allow_errors``...). A file that
    is not a notebook raises ``NotebookUnreadable``.
    """
    path = Path(notebook).expanduser().resolve()
    nb = read_notebook(path, validate=False)
    resources = {"metadata": {"path": str(cwd or path.parent)}}
    client = RecordingNotebookClient(
        nb, kernel_name=kernel_name, notebook_path=str(path), resources=resources, **options
    )
    client.execute()
    return nb
