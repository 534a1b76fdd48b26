"""A notebook using `%timeit` on an assignment, recorded in a real recording kernel, exported with
`jupyter repro export`: the script runs with plain `python` and `jupyter repro verify` passes.
The script used to run `x = 5` inline, rebinding the `x` a later cell reads (issue 11)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from click.testing import CliRunner

from jupyter_repro.cli import cli

from ..recorder.kernels import execute, kernel

CELLS = [
    ("make", "x = [1, 2, 3]\nlog = []\nn = 10"),
    ("timed", "%timeit -n1 -r1 x = 5"),
    ("read", "x[2]"),
    ("mutates", "%timeit -n1 -r1 n = log.append(x[2])"),  # needed for log; its n is local
    ("total", "total = x[2] + log[0] + n"),
]


def repro(*args: str) -> tuple[int, str, str]:
    """`jupyter repro ARGS`, in-process (a subprocess would add seconds of imports)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_timeit_assignments_stay_local_in_the_exported_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    notebook = tmp_path / "timing.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(tmp_path, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        for cell_id, code in CELLS:
            assert execute(client, code, cell_id).error is None

    targets = ("--target", "cell:read", "--target", "total")
    code, _, warnings = repro("export", "timing.ipynb", *targets)

    assert code == 0, warnings
    script = tmp_path / "timing_script.py"
    nb = jupytext.read(script)
    kept = [c.metadata["repro"]["cell_id"] for c in nb.cells if "repro" in c.metadata]
    assert kept == ["make", "read", "mutates", "total"]  # `%timeit x = 5` made nothing
    assert "def _repro_timeit():\n    n = log.append(x[2])\n" in script.read_text()
    assert "in a function of its own" in warnings
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    code, out, _ = repro("verify", "timing_script.py")
    assert code == 0, out
    assert out.startswith("Reproduced: all ")
