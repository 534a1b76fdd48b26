"""The runner never waits forever: a dead kernel, or one that went idle without replying, stops
the run with a message naming the cell, and every kernel it started is shut down."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from jupyter_repro import runner
from jupyter_repro.runner import DIED, NO_REPLY, CellStopped, run_notebook

# Run in the kernel, it makes ipykernel drop the replies to execute requests from then on (its
# own first): the kernel goes idle, nbclient would wait for the reply forever.
DROP_REPLIES = """\
kernel = get_ipython().kernel
send = kernel.session.send
def without_replies(stream, kind, *args, **kwargs):
    if kind == "execute_reply":
        return {"content": {"status": "ok"}}
    return send(stream, kind, *args, **kwargs)
kernel.session.send = without_replies"""


def notebook(folder: Path, sources: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Job")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    path = folder / "job.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def test_a_kernel_that_dies_stops_the_run_naming_the_cell(tmp_path):
    path = notebook(tmp_path, ["x = 1", "import os; os._exit(1)", "y = 2"])

    with pytest.raises(CellStopped) as stopped:
        run_notebook(path, timeout=0)

    assert stopped.value.why == DIED and stopped.value.index == 2
    assert str(stopped.value) == (
        f'Cell 3 (id {stopped.value.cell_id}, "import os; os._exit(1)") did not finish: its '
        "kernel died (out of memory, a crash or an exit). Stopped."
    )
    assert stopped.value.notebook.cells[1].execution_count == 1  # what ran before is kept


def test_a_kernel_idle_without_a_reply_stops_the_run_long_before_the_time_limit(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(runner, "NO_REPLY_GRACE_S", 0.5)
    path = notebook(tmp_path, [DROP_REPLIES, "never = 1"])
    started = time.monotonic()

    with pytest.raises(CellStopped) as stopped:
        run_notebook(path, timeout=60)  # nbclient alone would wait all of it (0: forever)

    assert time.monotonic() - started < 20
    assert stopped.value.why == NO_REPLY and stopped.value.index == 1
    assert str(stopped.value).endswith(
        '"kernel = get_ipython().kernel ...") did not finish: the kernel went idle without '
        "replying. Stopped."
    )


def test_the_kernel_is_shut_down_after_a_run(tmp_path):
    path = notebook(tmp_path, ["import os\nprint(os.getpid())"])

    executed = run_notebook(path)

    pid = int(executed.cells[1].outputs[0]["text"])
    assert not _alive(pid)


def test_the_kernel_is_killed_after_a_timeout(tmp_path):
    path = notebook(
        tmp_path, ["import os\nprint(os.getpid(), flush=True)", "while True:\n    pass"]
    )

    with pytest.raises(CellStopped) as stopped:
        run_notebook(path, timeout=1)

    pid = int(stopped.value.notebook.cells[1].outputs[0]["text"])
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    """Whether the process runs: a zombie (reaped later by its parent) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())
