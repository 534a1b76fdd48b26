"""Record a notebook's session as a user would: write it, run it in the recording kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest


def run_recorded(folder: Path, cells: list[str], name: str = "an.ipynb") -> Path:
    """Write the notebook, run it headless in the recording kernel; its lineage goes to the
    project's own store (``JUPYTER_REPRO_DB`` unset)."""
    from jupyter_repro.runner import run_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    path = folder / name
    nbformat.write(nb, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("JUPYTER_REPRO_DB", raising=False)
        run_notebook(path)
    return path
