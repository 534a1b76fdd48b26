"""Headless runs (jupyter-repro's runner, plain nbclient, papermill) record like JupyterLab."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from jupyter_repro.runner import run_notebook
from jupyter_repro.store import LineageStore, default_db_path

CELLS = ["x = 1", "y = x + 1", "# a comment only", "z = [x, y]"]


def make_notebook(folder: Path, counts: list[int | None] | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title")]
    nb.cells += [nbformat.v4.new_code_cell(code) for code in CELLS]
    for cell, count in zip(nb.cells[1:], counts or [], strict=False):
        cell.execution_count = count
    nb.metadata["kernelspec"] = {"name": "repro-python3", "display_name": "Python 3 (repro)"}
    path = folder / "flow.ipynb"
    nbformat.write(nb, path)
    return path


def recorded(path: Path) -> list:
    with LineageStore.open(default_db_path(path), create=False) as store:
        return store.executions()


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def test_runner_sends_cell_ids_and_the_notebook_path(tmp_path):
    path = make_notebook(tmp_path)
    cell_ids = [c.id for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]

    executed = run_notebook(path)

    executions = recorded(path)
    assert [e.cell_id for e in executions] == cell_ids
    assert {e.notebook for e in executions} == {str(path.resolve())}
    assert executed.cells[2].execution_count == 2
    assert [v.name for v in executions[3].changed] == ["z"]


def test_runner_replays_the_stored_execution_order(tmp_path):
    path = make_notebook(tmp_path, counts=[3, 1, None, 2])  # author ran cell 2, then 4, then 1

    run_notebook(path, order="stored")

    assert [e.code for e in recorded(path)] == ["y = x + 1", "z = [x, y]", "x = 1"]
    assert [e.status for e in recorded(path)] == ["error", "error", "ok"]


def test_plain_nbclient_run_records_every_execution_in_order(tmp_path):
    path = make_notebook(tmp_path)
    nb = nbformat.read(path, as_version=4)

    NotebookClient(
        nb, kernel_name="repro-python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()

    executions = recorded(path)  # no notebook path reaches the kernel: keyed by its folder
    assert [e.code for e in executions] == CELLS
    assert all(e.status == "ok" for e in executions)


def test_papermill_run_records_every_execution_in_order(tmp_path):
    papermill = pytest.importorskip("papermill")
    path = make_notebook(tmp_path)

    papermill.execute_notebook(
        str(path),
        str(tmp_path / "out.ipynb"),
        kernel_name="repro-python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )

    assert [e.code for e in recorded(path)] == CELLS
