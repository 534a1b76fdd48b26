"""Hidden global state in a real recording kernel: the export keeps the cell that seeded the RNG
or changed the working directory, says why, and the script reproduces (issue 11, point 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..cli import repro
from .recorded import run_recorded

SEEDED = [
    "import random",
    "random.seed(101)",
    "data = list(range(10))",
    "unrelated = 1",
    "random.shuffle(data)",
    "data",
]


def test_the_seed_cell_is_kept_and_the_shuffle_reproduces_twice(tmp_path: Path):
    notebook = run_recorded(tmp_path, SEEDED)

    done = repro("export", notebook.name, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "warning: kept execution 2 (random.seed): execution 5 uses the RNG state it set" in (
        done.stderr
    )
    script = (tmp_path / "an_script.py").read_text()
    assert "random.seed(101)" in script
    assert script.index("random.seed(101)") < script.index("random.shuffle(data)")
    verified = repro("verify", "an_script.py", cwd=tmp_path, timeout=240)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("Reproduced")
    twice = repro("verify", "an_script.py", "--twice", cwd=tmp_path, timeout=240)
    assert twice.returncode == 0, twice.stdout + twice.stderr
    assert "nondeterministic" not in twice.stdout.lower()
    assert "Deterministic: 2 clean runs agree on every variable." in twice.stdout


@pytest.mark.parametrize("chdir", ["import os\nos.chdir('sub')", "%cd sub"])
def test_a_change_of_directory_before_reading_a_relative_file_is_kept_and_the_script_runs(
    tmp_path: Path, chdir: str
):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "rows.txt").write_text("a\nb\nc\n")
    cells = [chdir, "scratch = 0", "rows = open('rows.txt').read().split()", "n = len(rows)"]
    notebook = run_recorded(tmp_path, cells)

    done = repro("export", notebook.name, "--target", "n", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    what = "os.chdir" if "os." in chdir else "%cd"
    said = f"warning: kept execution 1 ({what}): execution 3 runs in the working directory it set"
    assert said in done.stderr
    script = tmp_path / "an_script.py"
    assert "scratch = 0" not in script.read_text()
    ran = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    verified = repro("verify", "an_script.py", cwd=tmp_path, timeout=240)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("Reproduced")
