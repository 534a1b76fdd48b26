"""No values at rest: a real recording kernel runs cells that raise on a value read from a file and
that hold a credential; neither reaches any byte of the store, and the export says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from jupyter_repro.cell_status import notebook_status
from jupyter_repro.store import LineageStore

from .kernels import execute, kernel

VALUE = "RTSTRqx01"  # read from a file at run time: in no cell's code
SECRET = "sk-proj-Zq3xk9Lm2Pz8Rt5WvA7bC4dE6fG"
CELLS = [
    ("load", "raw = open('ids.txt').read().strip()"),
    ("parse", "n = int(raw)"),
    ("lookup", "counts = {}\ncounts[raw]"),
    ("key", f'API_KEY = "{SECRET}"'),
    ("use", "key_length = len(API_KEY)"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets")
    notebook = root / "analysis.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code, id=cell) for cell, code in CELLS]
    nbformat.write(nb, notebook)
    (root / "ids.txt").write_text(VALUE + "\n")
    with kernel(root, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        replies = {cell: execute(client, code, cell) for cell, code in CELLS}
    # The user saw the value: the exception really carried it.
    assert replies["parse"].error == (
        "ValueError",
        f"invalid literal for int() with base 10: '{VALUE}'",
    )
    assert replies["lookup"].error == ("KeyError", f"'{VALUE}'")
    return root


def store_bytes(root: Path) -> dict[str, bytes]:
    """Every file of the SQLite store (the database, its WAL and shared memory, if left)."""
    files = sorted((root / ".repro").glob("lineage.db*"))
    assert files, "the kernel recorded nothing"
    return {path.name: path.read_bytes() for path in files}


def test_no_value_from_an_error_message_is_in_any_byte_of_the_store(project: Path) -> None:
    for name, data in store_bytes(project).items():
        assert VALUE.encode() not in data, name

    with LineageStore.open(project / ".repro" / "lineage.db", create=False) as store:
        by_cell = {e.cell_id: e for e in store.executions()}
    assert by_cell["parse"].error_name == "ValueError"
    assert by_cell["parse"].error_message == "invalid literal for int() with base 10: <str>"
    assert (by_cell["lookup"].error_name, by_cell["lookup"].error_message) == ("KeyError", "<str>")


def test_a_credential_typed_into_a_cell_is_in_no_byte_of_the_store(project: Path) -> None:
    for name, data in store_bytes(project).items():
        assert SECRET.encode() not in data, name
        assert SECRET[8:].encode() not in data, name  # not even its random part

    with LineageStore.open(project / ".repro" / "lineage.db", create=False) as store:
        by_cell = {e.cell_id: e for e in store.executions()}
    assert by_cell["key"].code == 'API_KEY = "<redacted:API_KEY>"'
    assert by_cell["use"].code == "key_length = len(API_KEY)"


def test_a_cell_whose_credential_was_redacted_is_not_an_edited_cell(project: Path) -> None:
    notebook = (project / "analysis.ipynb").resolve()
    with LineageStore.open(project / ".repro" / "lineage.db", create=False) as store:
        cells = {cell.cell_id: cell for cell in notebook_status(store, notebook).cells}
    assert cells["key"].last_execution is not None and cells["key"].edited is False


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "API_KEY"} | env
    return subprocess.run(
        [sys.executable, "-m", "jupyter", "repro", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_export_warns_reads_the_credential_from_the_environment_and_verifies_with_it(
    project: Path,
) -> None:
    exported = run(["export", "analysis.ipynb"], project)  # with the self-check replay

    assert exported.returncode == 0, exported.stderr
    assert (
        "a credential was not recorded; the script reads it from the environment variable "
        "API_KEY: set it before running or verifying the script"
    ) in exported.stderr
    script = (project / "analysis_script.py").read_text()
    assert 'API_KEY = os.environ["API_KEY"]' in script
    assert SECRET not in script and VALUE not in script and "<redacted" not in script
    cells = [c for c in jupytext.reads(script, fmt="py:percent").cells if "repro" in c.metadata]
    assert [c.metadata["repro"]["cell_id"] for c in cells][-2:] == ["key", "use"]

    # With the credential in the environment, the script reproduces the recorded values.
    verified = run(["verify", "analysis_script.py", "--json"], project, API_KEY=SECRET)
    report = json.loads(verified.stdout)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert report["reproduced"] is True
