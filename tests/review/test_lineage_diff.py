"""`jupyter repro diff` between recorded sessions and executions: data, variables, environment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from jupyter_repro.review.compare import diff_sides
from jupyter_repro.review.diff_report import render
from jupyter_repro.review.recordings import Lineage
from jupyter_repro.review.revisions import Side
from jupyter_repro.store import LineageStore, default_db_path

from ..cli import repro
from ..recorder.kernels import execute, kernel

CELLS = [
    ("load", "import csv\nrows = list(csv.DictReader(open('data.csv')))"),
    ("mean", "mean = sum(float(r['price']) for r in rows) / len(rows)"),
    ("unit", "unit = 'EUR'"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Two sessions of one notebook; data.csv changed between them."""
    root = tmp_path_factory.mktemp("project")
    notebook = root / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    for prices in ("a,1.5\nb,2.5\n", "a,1.5\nb,3.5\n"):
        (root / "data.csv").write_text("item,price\n" + prices)
        with kernel(root, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
            for cell_id, code in CELLS:
                execute(client, code, cell_id)
    return root


@dataclass
class Recorded:
    sessions: list[str]
    executions: dict[str, list[int]]  # session id -> execution ids in order
    data_hashes: list[str | None]  # data.csv as each session read it


def recorded(project: Path) -> Recorded:
    with LineageStore.open(default_db_path(None, project), create=False) as store:
        sessions = [s.id for s in store.sessions()]
        runs = {s: store.executions(session_id=s) for s in sessions}
    return Recorded(
        sessions,
        {s: [e.id for e in runs[s]] for s in sessions},
        [
            next(f.hash for e in runs[s] for f in e.files_read if f.path == "data.csv")
            for s in sessions
        ],
    )


def test_a_session_that_read_a_changed_data_file_shows_the_file_with_both_hashes(project):
    found = recorded(project)
    first, second = found.sessions
    before, after = found.data_hashes

    result = repro(
        "diff", f"session:{first}", f"session:{second}", "--format", "markdown", cwd=project
    )

    assert result.returncode == 1, result.stderr
    assert "#### Data files" in result.stdout
    assert "| File | Access | Before | After |" in result.stdout
    assert f"| `data.csv` | read | `{before}` | `{after}` |" in result.stdout
    assert before != after


def test_session_diff_json_names_the_variables_whose_final_hash_changed(project):
    first, second = recorded(project).sessions

    result = repro("diff", f"session:{first}", f"session:{second}", "--format", "json", cwd=project)

    report = json.loads(result.stdout)
    assert report["cells"] == []  # the same code ran
    lineage = report["lineage"]
    assert {v["name"] for v in lineage["variables"]} == {"rows", "mean"}  # not "unit"
    assert [(f["path"], f["mode"]) for f in lineage["files"]] == [("data.csv", "read")]
    assert lineage["packages"] == [] and lineage["python"] is None


def test_a_session_prefix_names_the_session(project):
    first = recorded(project).sessions[0]

    result = repro("diff", f"session:{first[:8]}", f"session:{first}", cwd=project)

    assert result.returncode == 0, result.stderr


def test_two_runs_of_one_cell_compare_their_code_and_what_they_changed(project):
    found = recorded(project)
    load_a, mean_a, _ = found.executions[found.sessions[0]]
    load_b = found.executions[found.sessions[1]][0]

    same_cell = repro("diff", f"exec:{load_a}", f"exec:{load_b}", "--format", "json", cwd=project)

    report = json.loads(same_cell.stdout)
    assert same_cell.returncode == 1
    assert report["cells"] == [] and [v["name"] for v in report["lineage"]["variables"]] == ["rows"]
    assert report["lineage"]["files"][0]["a"] == found.data_hashes[0]


def test_runs_of_two_different_cells_show_one_cell_replaced_by_the_other(project):
    found = recorded(project)
    load_a, mean_a, _ = found.executions[found.sessions[0]]

    result = repro("diff", f"exec:{load_a}", f"exec:{mean_a}", "--format", "json", cwd=project)

    report = json.loads(result.stdout)
    assert [c["change"] for c in report["cells"]] == ["removed", "added"]
    names = {v["name"]: (v["a"] is None, v["b"] is None) for v in report["lineage"]["variables"]}
    assert names["rows"] == (False, True) and names["mean"] == (True, False)


def test_a_notebook_against_a_session_compares_its_code_cells_with_what_ran(project):
    second = recorded(project).sessions[1]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Prices")]
        + [nbformat.v4.new_code_cell(code) for _, code in CELLS]
    )
    for cell, (cell_id, _) in zip(nb.cells[1:], CELLS, strict=True):
        cell.id = cell_id
    nb.cells[3].source = "unit = 'USD'"
    nbformat.write(nb, project / "committed.ipynb")

    result = repro("diff", "committed.ipynb", f"session:{second}", "--format", "json", cwd=project)

    report = json.loads(result.stdout)
    [cell] = report["cells"]
    assert cell["change"] == "modified" and "+unit = 'EUR'" in cell["source_diff"]
    assert (
        report["lineage"] is None
        and "markdown, outputs and lineage are not compared" in report["notes"][0]
    )


def test_packages_added_removed_upgraded_and_python_are_reported():
    empty = nbformat.v4.new_notebook()
    a = Lineage(python="3.11.9", packages={"pandas": "2.2.0", "numpy": "2.0.0", "six": "1.16.0"})
    b = Lineage(python="3.12.4", packages={"pandas": "3.0.0", "numpy": "1.26.4", "polars": "1.0"})

    report = diff_sides(Side("session:a", empty, a, True), Side("session:b", empty, b, True))

    changes = {p.name: (p.a, p.b, p.change) for p in report.lineage.packages}
    assert changes == {
        "numpy": ("2.0.0", "1.26.4", "downgraded"),
        "pandas": ("2.2.0", "3.0.0", "upgraded"),
        "polars": (None, "1.0", "added"),
        "six": ("1.16.0", None, "removed"),
    }
    text = render(report, "text")
    assert "pandas: 2.2.0 -> 3.0.0 (upgraded)" in text and "python: 3.11.9 -> 3.12.4" in text
