"""Verify touches nothing outside its temporary copy, and copies the layouts notebooks use.

A notebook in ``notebooks/`` reading ``../data/x.csv`` verifies (its data is copied with it); a
notebook writing a file of the project by absolute path cannot change it during verify: the
write is refused in verify's kernel and the report names it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from jupyter_repro.script.export import export_script
from jupyter_repro.store import LineageStore, default_db_path
from jupyter_repro.verify.report_text import render_text
from jupyter_repro.verify.verification import verify_script

from ..recorder.kernels import execute, kernel


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def record(root: Path, cells: list[str]) -> Path:
    (root / ".git").mkdir(exist_ok=True)
    folder = root / "notebooks"
    folder.mkdir(exist_ok=True)
    notebook = folder / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(folder, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        for n, code in enumerate(cells):
            reply = execute(client, code, f"c{n}")
            assert reply.status == "ok", reply
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        return export_script(store, notebook, outputs=False).script


def test_a_notebook_reading_a_sibling_data_folder_verifies(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("a\n1\n2\n")
    script = record(tmp_path, ["rows = open('../data/x.csv').read().split()[1:]"])

    report = verify_script(script)

    assert report.reproduced, render_text(report)
    assert report.notes == ()  # nothing read in place: the data folder is in the copy


def test_a_write_by_absolute_path_is_refused_and_named(tmp_path: Path):
    out = tmp_path / "results" / "out.txt"
    out.parent.mkdir()
    code = f"with open({str(out)!r}, 'w') as f:\n    f.write('written by the session')\nn = 1"
    script = record(tmp_path, [code])
    out.write_text("the user's edits since")

    report = verify_script(script)

    assert out.read_text() == "the user's edits since"  # never written by verify
    assert not report.reproduced
    [error] = report.errors
    assert error.name == "PermissionError"
    assert "jupyter-repro verify does not write outside its temporary copy" in error.message
    assert str(out) in error.message


def test_writes_inside_the_copy_and_to_temporary_files_are_allowed(tmp_path: Path):
    write = (
        "import tempfile, os\n"
        "with open('local.txt', 'w') as f:\n    f.write('x')\n"
        "with tempfile.NamedTemporaryFile('w', delete=False) as t:\n    t.write('y')\n"
        "os.remove(t.name)\n"
        "del f, t"
    )
    script = record(tmp_path, [write, "done = open('local.txt').read()"])
    (tmp_path / "notebooks" / "local.txt").write_text("changed since")

    report = verify_script(script)

    assert report.reproduced, render_text(report)
    assert (tmp_path / "notebooks" / "local.txt").read_text() == "changed since"
