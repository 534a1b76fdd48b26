"""Helpers for server tests: notebooks on disk, sessions recorded by a real repro kernel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from ..recorder.kernels import execute, kernel


def write_notebook(path: Path, cells: list[tuple[str, str]], markdown: str | None = None) -> Path:
    """A notebook of code cells (id, source); a markdown cell first when ``markdown`` is given."""
    nb = nbformat.v4.new_notebook()
    if markdown is not None:
        nb.cells.append(nbformat.v4.new_markdown_cell(markdown, id="md"))
    nb.cells += [nbformat.v4.new_code_cell(source, id=cell_id) for cell_id, source in cells]
    nb.metadata["kernelspec"] = {"name": "repro-python3", "display_name": "Python 3 (repro)"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def record(notebook: Path, runs: list[tuple[str, str]]) -> None:
    """Run (cell_id, code) in a recording kernel, as JupyterLab runs the notebook's cells."""
    with kernel(notebook.parent, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        for cell_id, code in runs:
            execute(client, code, cell_id)


def payload(response: Any) -> Any:
    return json.loads(response.body)


def recorded_study(root: Path, cells: list[tuple[str, str]]) -> Path:
    """``root/study/analysis.ipynb`` recorded with ``cells`` (reading ``study/input.txt``)."""
    (root / "study").mkdir()
    (root / "study" / "input.txt").write_text("some words")
    record(write_notebook(root / "study" / "analysis.ipynb", cells), cells)
    return root
