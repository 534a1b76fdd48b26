"""The default export regenerates a notebook's outputs, and verify compares them (real kernels).

A notebook is run headless in the recording kernel (so its outputs are recorded as JupyterLab
would have them), exported, run with plain ``python`` and verified.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from jupyter_repro.script.export import export_script
from jupyter_repro.script.lockfile import lock_path_for
from jupyter_repro.script.targets import NO_OUTPUTS
from jupyter_repro.store import LineageStore, default_db_path
from jupyter_repro.verify.report_text import render_text
from jupyter_repro.verify.verification import verify_script

from ..cli import repro
from ..recorder.kernels import execute, kernel
from .recorded import run_recorded

CELLS = [
    "import numpy as np\nimport pandas as pd\n"
    "df = pd.DataFrame({'x': np.arange(8), 'y': np.arange(8) ** 2, 'z': np.arange(8) * 3})",
    "df.describe()",
    "df.plot(x='x', y='y')",
    "total = int(df['y'].sum())\nprint('total', total)",
    "summary = {'rows': len(df), 'total': total}\nsummary",
]


def export(notebook: Path, **options):
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        return export_script(store, notebook, **options)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four-output notebook, recorded and exported with the defaults (by the CLI)."""
    notebook = run_recorded(tmp_path_factory.mktemp("outputs"), CELLS)
    done = repro("export", "an.ipynb", cwd=notebook.parent)
    assert done.returncode == 0, done.stderr
    assert "outputs) and an_script.repro.lock" in done.stdout
    return notebook.parent / "an_script.py"


def test_plain_python_regenerates_the_printed_total_the_table_the_plot_and_the_summary(
    exported: Path, tmp_path: Path
):
    done = subprocess.run(
        [sys.executable, str(exported)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert "total 140" in done.stdout
    assert "count" in done.stdout and "mean" in done.stdout  # df.describe() as text
    assert "{'rows': 8, 'total': 140}" in done.stdout
    outputs = exported.parent / "an_script_outputs"
    assert (outputs / "2-1.html").read_text().startswith("<div>")  # the describe() table
    assert (outputs / "3-2.png").read_bytes().startswith(b"\x89PNG")  # after the Axes' text
    header = exported.read_text().split('# %% tags=["repro-execution"]')[0]
    assert len(header.splitlines()) < 80  # the notebook's code starts near the top


def test_verify_matches_every_output_and_names_a_changed_plotted_series(
    exported: Path, tmp_path: Path
):
    lock = json.loads(lock_path_for(exported).read_text())
    locked = [o for cell in lock["cells"] for o in cell["outputs"]]
    assert {o["mime"] for o in locked} >= {"text/plain", "text/html", "image/png"}

    report = verify_script(exported)
    assert report.reproduced, render_text(report)
    assert report.outputs.count == len(locked) and report.outputs.differing == 0

    copy = Path(shutil.copytree(exported.parent, tmp_path / "copy"))
    script = copy / exported.name
    script.write_text(script.read_text().replace("df.plot(x='x', y='y')", "df.plot(x='x', y='z')"))
    changed = verify_script(script)

    assert not changed.reproduced
    plot = next(c for c in lock["cells"] if "image/png" in {o["mime"] for o in c["outputs"]})
    assert [(m.cell, m.mime) for m in changed.outputs.mismatched] == [
        (plot["cell_id"], "image/png")
    ]
    assert "output differs: execution" in render_text(changed)
    assert changed.matched  # the variables still match: only the figure changed


def test_no_outputs_exports_the_state_only_slice(exported: Path, tmp_path: Path):
    result = export(exported.parent / "an.ipynb", outputs=False, output=tmp_path / "state.py")

    script = result.script.read_text()
    assert "_repro_show" not in script and "df.describe()" not in script and "df.plot" not in script
    assert "print('total', total)" in script
    lock = json.loads(result.lock.read_text())
    assert all("outputs" not in cell for cell in lock["cells"])
    assert result.warnings == () and result.outputs == 0


def test_twice_names_an_unseeded_random_plot_nondeterministic(tmp_path: Path):
    cells = [
        "import numpy as np\nimport matplotlib.pyplot as plt",
        "plt.plot(np.random.rand(5));",
        "n = 3",
    ]
    result = export(run_recorded(tmp_path, cells))

    report = verify_script(result.script, twice=True)

    assert not report.reproduced
    assert [o.mime for o in report.outputs.nondeterministic] == ["image/png"]
    assert "Nondeterministic outputs (differ between 2 clean runs):" in render_text(report)
    assert "the code is nondeterministic" in render_text(report)


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session whose cells showed nothing (as a notebook whose outputs were cleared): cell a
    ran twice, so one of its executions is superseded."""
    folder = tmp_path_factory.mktemp("quiet")
    notebook = folder / "an.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 2"), nbformat.v4.new_code_cell("y = x * 2")]
    nb.cells[0].id, nb.cells[1].id = "a", "b"
    nbformat.write(nb, notebook)
    with kernel(folder, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        for cell_id, code in [("a", "x = 1"), ("a", "x = 2"), ("b", "y = x * 2")]:
            assert execute(client, code, cell_id).error is None
    return notebook


def test_a_session_without_recorded_outputs_exports_its_variables_and_says_so(quiet: Path):
    done = repro("export", "an.ipynb", cwd=quiet.parent)

    assert done.returncode == 0, done.stderr
    assert f"warning: {NO_OUTPUTS}" in done.stderr
    assert "(2 executions)" in done.stdout
    lock = json.loads((quiet.parent / "an_script.repro.lock").read_text())
    assert sorted(lock["targets"]) == ["x", "y"]
    assert all("outputs" not in cell for cell in lock["cells"])


def test_all_exports_every_ok_execution_unsliced(quiet: Path):
    result = export(quiet, everything=True, output=quiet.parent / "all.py")

    assert len(result.executions) == 3
    assert "x = 1" in result.script.read_text()  # superseded, still exported
