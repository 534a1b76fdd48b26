"""`jupyter repro export` from the command line: the files it writes and its input errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from ..cli import repro
from ..recorder.kernels import execute, kernel


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    notebook = root / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    (root / "prices.csv").write_text("item,price\na,1.5\nb,2.5\n")
    cells = [
        ("load", "import csv\nrows = list(csv.DictReader(open('prices.csv')))"),
        ("scratch", "tmp = [r for r in rows]"),
        ("magic", "%time total = sum(float(r['price']) for r in rows)"),
        ("shell", "!echo exported > shell.txt"),
        ("boom", "parts = []\nparts.append(total)\nraise RuntimeError('late failure')"),
        ("final", "report = {'total': total, 'parts': parts}"),
    ]
    env = {"JPY_SESSION_NAME": str(notebook)}
    with kernel(root, None, env=env) as (_, client):
        for cell_id, code in cells:
            execute(client, code, cell_id)
    return root


def test_export_writes_a_percent_script_and_a_sorted_lock(project):
    result = repro("export", "analysis.ipynb", "--target", "report", cwd=project)

    assert result.returncode == 0, result.stderr
    script = project / "analysis_script.py"
    lock = json.loads((project / "analysis_script.repro.lock").read_text())
    nb = jupytext.read(script)
    executed = [c.metadata["repro"]["cell_id"] for c in nb.cells if "repro" in c.metadata]
    assert executed == ["load", "magic", "boom", "final"]  # scratch and shell are not needed
    assert "total = sum(float(r['price']) for r in rows)" in script.read_text()
    assert "except RuntimeError as error:" in script.read_text()
    assert list(lock["targets"]) == ["report"]
    assert list(lock["files"]) == ["prices.csv"]
    assert lock["files"]["prices.csv"]["sha256"]
    assert (project / "analysis_script.repro.lock").read_text().endswith("}\n")
    assert "Packages:" not in script.read_text()  # the csv module is the standard library


def test_exported_script_runs_with_plain_python_and_no_jupyter_repro(project, tmp_path):
    repro("export", "analysis.ipynb", "--target", "report", "-o", "plain.py", cwd=project)

    # -I -S: no site-packages at all, so neither jupyter_repro nor IPython is importable.
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(project / "plain.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "Expected error: RuntimeError('late failure')" in done.stdout


def test_export_as_clean_notebook(project):
    result = repro(
        "export", "analysis.ipynb", "--format", "ipynb", "-o", "clean.ipynb", cwd=project
    )

    assert result.returncode == 0, result.stderr
    nb = nbformat.read(project / "clean.ipynb", as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert (project / "clean.repro.lock").exists()


def test_untranslatable_magic_is_commented_with_a_warning(tmp_path):
    notebook = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(tmp_path, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        execute(client, "x = 1\n%who", "c1")
        execute(client, "%store x\ny = x + 1", "c2")

    result = repro("export", "n.ipynb", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "store" in result.stderr
    assert "# %store x" in (tmp_path / "n_script.py").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "nope.ipynb"), "No such notebook: nope.ipynb"),
        (("export", "broken.ipynb"), "Not a valid notebook: broken.ipynb"),
        (("export", "analysis.ipynb", "--session", "unknown"), "Unknown session: unknown"),
        (("export", "analysis.ipynb", "--target", "never_defined"), "never_defined"),
        (("export", "analysis.ipynb", "--target", "cell:no-such-cell"), "cell:no-such-cell"),
        (("export", "fresh.ipynb"), "No recorded session"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(project, args, message):
    (project / "broken.ipynb").write_text("{not json")
    nbformat.write(nbformat.v4.new_notebook(), project / "fresh.ipynb")
    before = listing(project)

    result = repro(*args, cwd=project)

    assert result.returncode == 2
    assert message in result.stderr
    assert listing(project) == before


def test_the_cli_does_not_pay_for_iri_grammars_it_never_uses():
    """jsonschema would import rfc3987_syntax (3-4 s of grammar compiling) on every command."""
    code = (
        "import sys, jupyter_repro.cli, nbformat, jsonschema\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "print(sys.modules.get('rfc3987_syntax'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "None\n"
