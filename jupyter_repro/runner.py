"""Run a notebook headless in a recording kernel, exactly as JupyterLab would have run it.

nbclient does not send a cell's id with its execute request; JupyterLab does, and the lineage is
keyed by it. :class:`CellIdKernelClient` adds the ``cellId`` metadata, and the kernel is told the
notebook's path through ``JPY_SESSION_NAME``, as jupyter-server does::

    executed = run_notebook(Path("analysis.ipynb"), order="stored")
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode

from .common.notebook_file import read_notebook

#: The kernel with the recorder loaded (installed with the package).
RECORDING_KERNEL = "repro-python3"
ORDERS = ("top-down", "stored")


class CellIdKernelClient(AsyncKernelClient):
    """An async kernel client that tags each execute request with the cell's id."""

    cell_id: str | None = None

    def execute(
        self,
        code: str,
        silent: bool = False,
        store_history: bool = True,
        user_expressions: dict[str, Any] | None = None,
        allow_stdin: bool | None = None,
        stop_on_error: bool = True,
    ) -> str:
        content = {
            "code": code,
            "silent": silent,
            "store_history": store_history,
            "user_expressions": user_expressions or {},
            "allow_stdin": self.allow_stdin if allow_stdin is None else allow_stdin,
            "stop_on_error": stop_on_error,
        }
        metadata = {"cellId": self.cell_id} if self.cell_id else {}
        msg = self.session.msg("execute_request", content, metadata=metadata)
        self.shell_channel.send(msg)
        return str(msg["header"]["msg_id"])


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
) -> NotebookNode:
    """Execute the notebook at ``path`` in its folder; return it with fresh outputs.

    ``on_cell(done, total)`` is called after each cell, for progress display.
    """
    path = path.resolve()
    nb = read_notebook(path, validate=False)
    indexes = execution_order(nb, order)
    manager = AsyncKernelManager(
        kernel_name=kernel_name, client_class="jupyter_repro.runner.CellIdKernelClient"
    )
    client = NotebookClient(
        nb,
        km=manager,
        timeout=timeout,
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent)}},
    )
    kernel_env = {**os.environ, **(env or {}), "JPY_SESSION_NAME": str(path)}
    with client.setup_kernel(env=kernel_env):
        assert isinstance(client.kc, CellIdKernelClient)
        for done, index in enumerate(indexes, start=1):
            client.kc.cell_id = nb.cells[index].get("id")
            client.execute_cell(nb.cells[index], index)
            if on_cell is not None:
                on_cell(done, len(indexes))
    return nb
