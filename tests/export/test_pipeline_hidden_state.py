"""Hidden state across pipeline stages in a real recording kernel (issue 11): each stage runs in a
process of its own, yet a seeded shuffle in a later stage draws what it drew in the notebook, and
a later stage runs in the working directory, environment, sys.path and pandas options the
notebook's setup cell set. The pipeline says the same dynamic-read warnings as the export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..cli import repro
from .test_pipeline import export, record

SEEDED = [  # each section writes a file: three stages, the seeding one merged into the first
    ("h-setup", "markdown", "# Setup", []),
    ("seed", "code", "import random\nimport numpy as np\nrandom.seed(101)\nnp.random.seed(0)", []),
    ("h-draw", "markdown", "# Draw", []),
    ("draw", "code", "first = random.random()\nopen('first.txt', 'w').write(repr(first))", []),
    ("h-shuffle", "markdown", "# Shuffle", []),
    (
        "shuffle",
        "code",
        "data = list(range(10))\nrandom.shuffle(data)\nnoise = np.random.rand(2)\n"
        "open('shuffled.txt', 'w').write(repr((data, noise.tolist())))",
        [],
    ),
    ("h-more", "markdown", "# More", []),
    ("more", "code", "open('more.txt', 'w').write(repr(random.random()))", []),
]

SETUP = (
    "import os, sys\nimport pandas as pd\nos.chdir('work')\nos.environ['REPRO_GREETING'] = 'hi'\n"
    "sys.path.insert(0, 'lib')\npd.set_option('display.precision', 2)"
)
MOVED = [
    ("h-setup", "markdown", "# Setup", []),
    ("setup", "code", SETUP, []),
    ("h-load", "markdown", "# Load", []),
    ("load", "code", "text = open('in.txt').read().strip()", []),
    ("h-use", "markdown", "# Use", []),
    (
        "use",
        "code",
        "import shout\nframe = pd.DataFrame({'x': [1 / 3]})\n"
        "open('out.txt', 'w').write(shout.loud(text) + os.environ['REPRO_GREETING'] + repr(frame))",
        [],
    ),
]
MOVED_DATA = {
    "work/in.txt": "quiet\n",
    "work/lib/shout.py": "def loud(text):\n    return text.upper()\n",
}


def run_stages(root: Path, scripts: list[str]) -> None:
    """Each stage in a fresh `python`, from another folder, in order: as DVC and make run them."""
    for script in scripts:
        done = subprocess.run(
            [sys.executable, str(root / script)],
            cwd=root.parent,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def test_a_seeded_shuffle_in_a_later_stage_draws_what_it_drew_in_the_notebook(tmp_path):
    root = tmp_path / "project"
    notebook = record(root, SEEDED, data={})
    recorded = {name: (root / name).read_text() for name in ("shuffled.txt", "more.txt")}

    result = export(notebook, to="make")
    for name in ("first.txt", "shuffled.txt", "more.txt"):
        (root / name).unlink()
    run_stages(root, [s.script for s in result.stages])

    assert [s.name for s in result.stages] == ["draw", "shuffle", "more"]
    assert {name: (root / name).read_text() for name in recorded} == recorded
    draw, shuffle, more = result.stages
    # The generators' states are edges of the pipeline: DVC and make run the stages in order.
    assert set(draw.outs) >= {"pipeline/handoffs/rng-random.01.json"}
    assert set(draw.outs) >= {"pipeline/handoffs/rng-numpy.01.json"}
    assert "pipeline/handoffs/rng-random.02.json" in more.deps  # as the shuffle left it
    assert "pipeline/handoffs/rng-numpy.01.json" in shuffle.deps


def test_a_later_stage_runs_where_and_how_the_setup_cell_left_the_process(tmp_path):
    root = tmp_path / "project"
    notebook = record(root, MOVED, data=MOVED_DATA)
    recorded = (root / "work/out.txt").read_text()

    result = export(notebook, to="make")
    (root / "work/out.txt").unlink()
    run_stages(root, [s.script for s in result.stages])

    assert [s.name for s in result.stages] == ["load", "use"]
    assert (root / "work/out.txt").read_text() == recorded  # QUIETHI and 0.33, in work/
    assert "QUIEThi" in recorded and "0.33" in recorded and "0.333" not in recorded
    script = (root / result.stages[1].script).read_text()
    assert "import os, sys\nimport pandas as pd\nos.chdir('work')\n" in script


def test_the_pipeline_command_prints_the_dynamic_read_warnings_export_prints(tmp_path):
    cells = [
        ("names", "code", "x = 41\nname = 'x'", []),
        ("h-save", "markdown", "# Save", []),
        ("save", "code", "y = eval(name) + 1\nopen('y.txt', 'w').write(str(y))", []),
    ]
    root = tmp_path / "project"
    record(root, cells, data={})

    done = repro("pipeline", "analysis.ipynb", "--to", "make", cwd=root)
    exported = repro("export", "analysis.ipynb", "--no-check", cwd=root)

    assert done.returncode == 0, done.stderr
    said = (
        "warning: execution 2 reads names dynamically (eval of a non-literal); kept every "
        "earlier definition it could reach"
    )
    assert said in done.stderr.splitlines()
    assert said in exported.stderr.splitlines()
    (root / "y.txt").unlink()
    run_stages(root, ["pipeline/stages/01_analysis.py", "pipeline/stages/02_save.py"])
    assert (root / "y.txt").read_text() == "42"
