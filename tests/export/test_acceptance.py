"""Messy interactive sessions in a real kernel, exported and verified end to end.

Each session is driven the way JupyterLab drives a kernel (cell ids, notebook path); the export
must hold exactly the executions the result needs, and verify must say "reproduced" or name the
exact cause when it cannot.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from jupyter_repro.script.export import export_script
from jupyter_repro.store import LineageStore, default_db_path
from jupyter_repro.verify.verification import verify_script

from ..recorder.kernels import execute, kernel


def record(folder: Path, cells: list[tuple[str, str]]) -> Path:
    """Run (cell_id, code) pairs in a recording kernel for folder/analysis.ipynb."""
    notebook = folder / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(folder, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        for cell_id, code in cells:
            execute(client, code, cell_id)
    return notebook


def export(notebook: Path, **options):
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        codes = {e.id: e.code for e in store.executions()}
        result = export_script(store, notebook, **options)
    return result, [codes[i] for i in result.executions]


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def test_out_of_order_run_exports_the_order_that_really_ran(tmp_path):
    notebook = record(tmp_path, [("c1", "x = 10"), ("c3", "x = 5"), ("c2", "y = x * 2")])

    result, kept = export(notebook)
    report = verify_script(result.script)

    assert kept == ["x = 5", "y = x * 2"]
    assert report.reproduced and set(report.matched) == {"x", "y"}


def test_edited_and_rerun_cell_exports_only_its_last_version(tmp_path):
    notebook = record(
        tmp_path,
        [
            ("c1", "rate = 0.1"),
            ("c2", "cost = 100"),
            ("c1", "rate = 0.2"),
            ("c3", "total = cost * (1 + rate)"),
        ],
    )

    result, kept = export(notebook)

    assert kept == ["cost = 100", "rate = 0.2", "total = cost * (1 + rate)"]
    assert verify_script(result.script).reproduced


def test_deleted_cell_code_comes_from_the_store(tmp_path):
    # c-gone ran, then was deleted from the notebook (which is empty on disk)
    notebook = record(
        tmp_path, [("c-gone", "def scale(v):\n    return v * 3"), ("c2", "out = scale(7)")]
    )

    result, kept = export(notebook)

    assert kept[0].startswith("def scale")
    assert verify_script(result.script).reproduced


def test_in_place_dataframe_mutation_rerun_twice_keeps_both_runs(tmp_path):
    notebook = record(
        tmp_path,
        [
            ("c1", "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})"),
            ("c2", "df['a'] += 1"),
            ("c2", "df['a'] += 1"),
            ("c3", "unused = 'scratch'"),
        ],
    )

    result, kept = export(notebook, targets=["df"])
    report = verify_script(result.script)

    assert kept.count("df['a'] += 1") == 2 and "unused = 'scratch'" not in kept
    assert report.reproduced and report.matched == ("df",)


def test_alias_mutation_reproduces_the_aliased_variable(tmp_path):
    notebook = record(
        tmp_path, [("c1", "a = [1, 2]"), ("c2", "b = a"), ("c3", "b.append(3)"), ("c4", "note = 1")]
    )

    result, kept = export(notebook, targets=["a"])

    assert kept == ["a = [1, 2]", "b = a", "b.append(3)"]
    assert verify_script(result.script).reproduced


def test_data_file_changed_between_runs_uses_the_last_read_and_names_a_later_change(tmp_path):
    data = tmp_path / "input.txt"
    data.write_text("first\n")
    notebook = tmp_path / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(tmp_path, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        execute(client, "text = open('input.txt').read()", "read")
        data.write_text("second\n")
        execute(client, "text = open('input.txt').read()", "read")
        execute(client, "words = text.split()", "split")

    result, kept = export(notebook)
    assert kept == ["text = open('input.txt').read()", "words = text.split()"]
    assert verify_script(result.script).reproduced

    data.write_text("third\n")
    report = verify_script(result.script)

    assert not report.reproduced
    assert [f.key for f in report.files] == ["input.txt"]
    assert {m.name for m in report.mismatched} == {"text", "words"}


def test_seeded_randomness_reproduces_and_unseeded_is_named_nondeterministic(tmp_path):
    notebook = record(
        tmp_path,
        [
            ("c1", "import random"),
            ("c2", "random.seed(7)\nseeded = [random.random() for _ in range(3)]"),
            ("c3", "import os\nnoise = os.urandom(8)"),
        ],
    )

    seeded, _ = export(notebook, targets=["seeded"])
    noisy, _ = export(notebook, targets=["noise"], output=tmp_path / "noisy.py")
    report = verify_script(noisy.script, twice=True)

    assert verify_script(seeded.script).reproduced
    assert not report.reproduced
    assert report.nondeterministic == ("noise",)
