"""`jupyter repro run`: headless execution with recording, from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from jupyter_repro.cli.run_command import run
from jupyter_repro.project_settings import ProjectSettings, update, write_settings
from jupyter_repro.store import LineageStore, default_db_path

from ..cli import repro


def notebook(folder: Path, sources: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path = folder / "job.ipynb"
    nbformat.write(nb, path)
    return path


def test_run_records_every_cell_and_leaves_the_notebook_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    path = notebook(tmp_path, ["a = 2", "b = a ** 10"])
    before = path.read_bytes()

    result = repro("run", "job.ipynb", "-o", "out.ipynb", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Ran 2 cells of job.ipynb; 0 raised." in result.stdout
    assert path.read_bytes() == before
    assert nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[1].execution_count == 2
    with LineageStore.open(default_db_path(path), create=False) as store:
        assert [e.code for e in store.executions()] == ["a = 2", "b = a ** 10"]


def test_run_exits_1_naming_the_cell_that_raised(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    path = notebook(tmp_path, ["x = 1", "raise ValueError('bad input row')", "y = 2"])
    cell_id = nbformat.read(path, as_version=4).cells[1].id

    result = repro("run", "job.ipynb", cwd=tmp_path)

    assert result.returncode == 1
    # Counted from 1 as people count cells, with the execution count it ran as: [2].
    assert (
        f"Cell 2 (execution count 2, id {cell_id}, \"raise ValueError('bad input row')\") "
        "raised ValueError: bad input row"
    ) in result.stderr.splitlines()
    assert "Ran 3 cells of job.ipynb; 1 raised." in result.stdout


def test_run_refuses_an_invalid_notebook_with_exit_2(tmp_path):
    (tmp_path / "bad.ipynb").write_text('{"cells": 3}')

    result = repro("run", "bad.ipynb", cwd=tmp_path)

    assert result.returncode == 2
    assert "Not a valid notebook: bad.ipynb" in result.stderr
    assert not (tmp_path / ".repro").exists()


# --- Nothing waits forever: a per-cell timeout, from --timeout or the project's settings. ---


def test_run_stops_a_cell_past_its_timeout_and_names_it(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    path = notebook(tmp_path, ["x = 1", "import time\ntime.sleep(60)", "y = 2"])
    cell_id = nbformat.read(path, as_version=4).cells[1].id
    started = time.monotonic()

    result = repro("run", "job.ipynb", "--timeout", "2", cwd=tmp_path)

    assert time.monotonic() - started < 30  # a kernel start, 2 s, the interrupt: not 60 s
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f'Cell 2 (id {cell_id}, "import time ...") did not finish within 2 s: stopped. '
        "Raise the limit with --timeout (or cell_timeout_s in .repro/settings.json)."
    )
    assert "KeyboardInterrupt" not in result.stderr  # the interrupt is the stop, not a failure
    assert "Ran 1 of 3 cells of job.ipynb; 0 raised; stopped." in result.stdout
    with LineageStore.open(default_db_path(path), create=False) as store:
        codes = [e.code for e in store.executions()]
    assert codes == ["x = 1", "import time\ntime.sleep(60)"]  # the cell after it never ran


def test_run_takes_the_projects_cell_timeout_when_no_flag_is_given(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    write_settings(tmp_path, update(ProjectSettings(), cell_timeout_s=1))
    notebook(tmp_path, ["import time\ntime.sleep(1.5)"])

    limited = CliRunner().invoke(run, ["job.ipynb"])
    unlimited = CliRunner().invoke(run, ["job.ipynb", "--timeout", "none"])  # the flag wins

    assert limited.exit_code == 1
    assert "did not finish within 1 s: stopped." in limited.stderr
    assert unlimited.exit_code == 0, unlimited.stderr
    assert "Ran 1 cells of job.ipynb; 0 raised." in unlimited.stdout


@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        (["--timeout", "-1"], None, "'-1' is not a whole number of seconds or 'none'"),
        ([], '{"cell_timeout_s": "long"}', "cell_timeout_s must be a whole number of seconds"),
    ],
    ids=["negative-flag", "bad-setting"],
)
def test_a_bad_timeout_is_an_input_error_before_any_kernel_starts(
    tmp_path, monkeypatch, args, settings, message
):
    monkeypatch.chdir(tmp_path)
    notebook(tmp_path, ["x = 1"])
    if settings is not None:
        (tmp_path / ".repro").mkdir()
        (tmp_path / ".repro" / "settings.json").write_text(settings)

    result = CliRunner().invoke(run, ["job.ipynb", *args])

    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / ".repro" / "lineage.db").exists()
