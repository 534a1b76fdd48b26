"""Real kernels for recorder tests: started through jupyter_client, driven like JupyterLab does.

JupyterLab sends each cell's id as ``cellId`` in the execute request's metadata; `execute`
does the same, so the recorder sees exactly what it sees in the browser.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

TIMEOUT = 60


@dataclass
class Reply:
    """What the user sees for one execution."""

    status: str
    execution_count: int | None
    stdout: str = ""
    stderr: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)
    error: tuple[str, str] | None = None


@contextmanager
def kernel(
    cwd: Path, db: Path | None, name: str = "repro-python3", env: dict[str, str] | None = None
) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    """A running kernel in `cwd`, recording into `db` (None: the project default)."""
    kernel_env = {k: v for k, v in os.environ.items() if not k.startswith("JPY_")}
    kernel_env.pop("JUPYTER_REPRO_DB", None)
    if db is not None:
        kernel_env["JUPYTER_REPRO_DB"] = str(db)
    kernel_env.update(env or {})
    # Named as jupyter-server names connection files, so the kernel can tell its id.
    runtime = Path(tempfile.mkdtemp(prefix="repro-runtime-"))
    connection_file = runtime / f"kernel-{uuid.uuid4()}.json"
    manager = KernelManager(kernel_name=name, connection_file=str(connection_file))
    manager.start_kernel(cwd=str(cwd), env=kernel_env)
    client = manager.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def send(
    client: BlockingKernelClient, code: str, cell_id: str | None = None, store_history: bool = True
) -> str:
    """Send an execute request as JupyterLab does; return its message id."""
    content = {
        "code": code,
        "silent": False,
        "store_history": store_history,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": False,
    }
    metadata = {"cellId": cell_id} if cell_id else {}
    message = client.session.msg("execute_request", content, metadata=metadata)
    client.shell_channel.send(message)
    return str(message["header"]["msg_id"])


def collect(
    client: BlockingKernelClient, msg_id: str, on_output: Callable[[Reply], None] | None = None
) -> Reply:
    """Gather the outputs of one execution until the kernel is idle again; ``on_output`` sees
    the reply so far after each output, while the kernel still works (to press Stop then)."""
    reply = Reply("", None)
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            if content["name"] == "stdout":
                reply.stdout += content["text"]
            else:
                reply.stderr += content["text"]
        elif kind in ("execute_result", "display_data"):
            reply.results.append(content["data"])
        elif kind == "error":
            reply.error = (content["ename"], content["evalue"])
        elif kind == "status" and content["execution_state"] == "idle":
            break
        if on_output is not None:
            on_output(reply)
    shell = client.get_shell_msg(timeout=TIMEOUT)
    while shell["parent_header"].get("msg_id") != msg_id:
        shell = client.get_shell_msg(timeout=TIMEOUT)
    reply.status = shell["content"]["status"]
    reply.execution_count = shell["content"].get("execution_count")
    return reply


def execute(client: BlockingKernelClient, code: str, cell_id: str | None = None) -> Reply:
    """Run one cell and return what the user would see, once its record is on disk."""
    reply = collect(client, send(client, code, cell_id))
    settle(client)
    return reply


def settle(client: BlockingKernelClient) -> None:
    """Wait until the records of the cells run so far are on disk: the recorder writes them
    just after the kernel goes idle, and before it runs anything else, a silent execution
    (which is no cell of the user's and is not recorded) included."""
    collect(client, send(client, "pass", store_history=False))
