"""Headless runs (jupyter-repro's runner, nbclient, papermill) record like JupyterLab.

papermill and the nbclient helpers name the notebook and its cells to the kernel: their sessions
are the notebook's, for ``log``, ``export --session`` and the panel's lineage route.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from jupyter_repro.headless import RecordingNotebookClient, execute
from jupyter_repro.runner import run_notebook
from jupyter_repro.store import LineageStore, default_db_path

from ..cli import repro

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


# -- papermill and the nbclient helpers: the notebook's path and cell ids reach the kernel --------

PAPERMILL_CELLS = ["n = 1", "x = n * 10", "# a comment only", "y = [x, n]"]


def code_cell_ids(path: Path) -> list[str]:
    return [c.id for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def recorded_for(path: Path, session_id: str | None = None) -> list:
    """The executions recorded under the notebook ``path``, through the store's API."""
    with LineageStore.open(default_db_path(path), create=False) as store:
        return store.executions(notebook=str(path.resolve()), session_id=session_id)


@pytest.fixture(scope="module")
def papermill_runs(tmp_path_factory):
    """``project/flow.ipynb`` (a ``parameters`` cell first) run by papermill twice: from the CLI
    with ``-p n 2``, then from the API with n=3, both with relative paths and from elsewhere.
    Returns the notebook and the two runs' output notebooks."""
    papermill = pytest.importorskip("papermill")
    root = tmp_path_factory.mktemp("papermill")
    project, elsewhere = root / "project", root / "elsewhere"
    (project / "runs").mkdir(parents=True)
    elsewhere.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in PAPERMILL_CELLS]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = project / "flow.ipynb"
    nbformat.write(nb, path)
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_REPRO_DB"}
    # Started from a notebook's kernel: the caller's name must not be taken for the input's.
    env["JPY_SESSION_NAME"] = str(root / "caller.ipynb")
    cli = subprocess.run(
        [sys.executable, "-m", "papermill", "../flow.ipynb", "cli.ipynb"]
        + ["-k", "repro-python3", "-p", "n", "2", "--no-progress-bar"],
        cwd=project / "runs",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("JUPYTER_REPRO_DB", raising=False)
        patch.chdir(project)
        papermill.execute_notebook(
            "flow.ipynb",
            "runs/api.ipynb",
            parameters={"n": 3},
            kernel_name="repro-python3",
            progress_bar=False,
            cwd=str(elsewhere),  # papermill moves there: the input stays relative to project/
        )
    return path, project / "runs" / "cli.ipynb", project / "runs" / "api.ipynb"


def test_papermill_cli_records_its_input_notebook_and_every_cell_id(papermill_runs):
    path, cli_output, _ = papermill_runs

    with LineageStore.open(default_db_path(path), create=False) as store:
        sessions = store.sessions(str(path.resolve()))
    executions = recorded_for(path, sessions[0].id)

    # The notebook's cells under their ids, and the parameters papermill injected under its own.
    ran = code_cell_ids(cli_output)
    assert [e.cell_id for e in executions] == ran
    assert ran[:1] + ran[2:] == code_cell_ids(path)
    assert {e.notebook for e in executions} == {str(path.resolve())}
    assert [e.code for e in executions][2:] == ["x = n * 10", "# a comment only", "y = [x, n]"]


def test_papermill_api_records_its_input_notebook_from_any_working_folder(papermill_runs):
    path, _, api_output = papermill_runs

    with LineageStore.open(default_db_path(path), create=False) as store:
        sessions = store.sessions(str(path.resolve()))
    executions = recorded_for(path, sessions[-1].id)

    assert len(sessions) == 2
    assert [e.cell_id for e in executions] == code_cell_ids(api_output)
    assert "n = 3" in executions[1].code  # the injected parameters


def test_log_lists_a_papermill_run_with_its_cell_ids(papermill_runs):
    path, cli_output, _ = papermill_runs

    shown = repro("log", "flow.ipynb", "--json", cwd=path.parent)

    assert shown.returncode == 0, shown.stderr
    logged = json.loads(shown.stdout)
    assert [e["cell_id"] for e in logged][:5] == code_cell_ids(cli_output)
    assert len(logged) == 10 and {e["notebook"] for e in logged} == {str(path.resolve())}


def test_export_session_writes_the_script_of_that_papermill_run(papermill_runs):
    path, _, _ = papermill_runs
    with LineageStore.open(default_db_path(path), create=False) as store:
        cli_session = store.sessions(str(path.resolve()))[0].id

    done = repro(
        "export", "flow.ipynb", "--session", cli_session, "--no-check", "-o", "cli.py",
        cwd=path.parent,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    script = (path.parent / "cli.py").read_text()
    assert "n = 2" in script and "n = 3" not in script and "y = [x, n]" in script


@pytest.fixture
def jp_root_dir(papermill_runs):
    return papermill_runs[0].parent


async def test_panel_lineage_lists_the_papermill_sessions_cells(jp_fetch, papermill_runs):
    path, cli_output, api_output = papermill_runs

    reply = await jp_fetch(
        "jupyter-repro", "lineage", params={"path": "flow.ipynb", "order": "asc"}
    )

    page = json.loads(reply.body)
    assert page["total"] == 10
    runs = [code_cell_ids(cli_output), code_cell_ids(api_output)]
    assert [e["cell_id"] for e in page["executions"]] == runs[0] + runs[1]
    assert len({e["session"] for e in page["executions"]}) == 2


def test_nbclient_execute_records_the_notebook_and_its_cell_ids(tmp_path):
    path = make_notebook(tmp_path)

    executed = execute(path)

    assert [e.cell_id for e in recorded_for(path)] == code_cell_ids(path)
    assert executed.cells[4].outputs == [] and executed.cells[1].execution_count == 1
    shown = repro("log", "flow.ipynb", cwd=tmp_path)
    assert re.findall(r"\] cell (\S+) ", shown.stdout) == code_cell_ids(path)


def test_recording_notebook_client_is_a_drop_in_for_nbclients(tmp_path, monkeypatch):
    path = make_notebook(tmp_path)
    (tmp_path / "work").mkdir()
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "caller.ipynb"))  # run from a notebook
    monkeypatch.chdir(tmp_path.parent)
    nb = nbformat.read(path, as_version=4)

    RecordingNotebookClient(
        nb,
        notebook_path=f"{tmp_path.name}/flow.ipynb",  # relative to here, not to the kernel's folder
        kernel_name="repro-python3",
        resources={"metadata": {"path": str(tmp_path / "work")}},
    ).execute()

    executions = recorded_for(path)
    assert [e.cell_id for e in executions] == code_cell_ids(path)
    assert [e.code for e in executions] == CELLS


@pytest.mark.parametrize("kernel_name", ["python3", "repro-python3"])
def test_headless_run_leaves_the_users_ipython_history_alone_as_a_plain_one(
    tmp_path, monkeypatch, kernel_name
):
    # nbclient gives python3 an in-memory history; a recording kernel gets the same, so a run
    # neither writes the user's history file nor pays for committing it after every cell.
    ipython_dir = tmp_path / "ipython"
    monkeypatch.setenv("IPYTHONDIR", str(ipython_dir))
    path = make_notebook(tmp_path)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "hist = get_ipython().history_manager.hist_file\nx = 1"

    RecordingNotebookClient(nb, kernel_name=kernel_name, notebook_path=str(path)).execute()

    written = [p for p in ipython_dir.rglob("*") if p.is_file() and b"hist =" in p.read_bytes()]
    assert written == []
