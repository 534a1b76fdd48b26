"""`jupyter repro run`: headless execution with recording, from the command line."""

from __future__ import annotations

from pathlib import Path

import nbformat

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
    notebook(tmp_path, ["x = 1", "raise ValueError('bad input row')", "y = 2"])

    result = repro("run", "job.ipynb", cwd=tmp_path)

    assert result.returncode == 1
    assert "cell 1: ValueError: bad input row" in result.stderr
    assert "Ran 3 cells of job.ipynb; 1 raised." in result.stdout


def test_run_refuses_an_invalid_notebook_with_exit_2(tmp_path):
    (tmp_path / "bad.ipynb").write_text('{"cells": 3}')

    result = repro("run", "bad.ipynb", cwd=tmp_path)

    assert result.returncode == 2
    assert "Not a valid notebook: bad.ipynb" in result.stderr
    assert not (tmp_path / ".repro").exists()
