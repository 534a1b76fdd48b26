"""Server tests run a real jupyter-server (auth on, see the root conftest) and real kernels."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    """Each notebook's lineage goes to its project's .repro/lineage.db, as for a user."""
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


@pytest.fixture
def repro_kernel(jp_environ, jp_data_dir):
    """The "Python 3 (repro)" kernel, in the temporary Jupyter paths pytest-jupyter sets up."""
    source = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "repro-python3"
    if not source.is_dir():
        source = Path(__file__).parents[2] / "jupyter_repro" / "kernelspec"
    shutil.copytree(source, jp_data_dir / "kernels" / "repro-python3")
    return "repro-python3"
