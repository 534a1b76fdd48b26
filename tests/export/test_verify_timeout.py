"""`jupyter repro verify` of a script whose recorded session had a long cell: past the per-cell
timeout (``--timeout``, else the project's ``cell_timeout_s``) the run stops, not reproduced."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from jupyter_repro.project_settings import ProjectSettings, update, write_settings

from .test_verify import record, run_cli

CELLS = ["x = 1", "import time\ntime.sleep(2)", "y = x + 1"]
STOP = (
    'Cell 4 (execution 2, "import time ...") did not finish within 1 s: stopped. '
    "Raise the limit with --timeout (or cell_timeout_s in .repro/settings.json)."
)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record(tmp_path_factory.mktemp("long"), CELLS, ["x", "y"]).parent


@pytest.fixture
def script(recorded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(recorded, tmp_path / "project")) / "an.py"


def test_a_cell_past_the_timeout_stops_verify_naming_the_cell(script: Path) -> None:
    started = time.monotonic()

    code, out, _ = run_cli(str(script), "--timeout", "1")

    assert time.monotonic() - started < 30
    assert code == 1
    # Cells of the script: header, data check, then executions 1, 2, 3.
    assert out.splitlines()[0] == (
        "Not reproduced: cell 4 (execution 2) timed out, 1 of 2 targets differ."
    )
    assert "missing: y is not defined after the run" in out
    assert STOP in out.splitlines()
    assert "First divergence" not in out  # execution 3 never ran: that is no divergence
    assert "KeyboardInterrupt" not in out


def test_json_carries_the_stop_and_twice_does_not_run_it_again(script: Path) -> None:
    write_settings(script.parent, update(ProjectSettings(), cell_timeout_s=1))  # no flag given

    code, out, _ = run_cli(str(script), "--json", "--twice")

    report = json.loads(out)
    assert code == 1 and report["reproduced"] is False
    assert report["errors"] == [
        {"index": 3, "execution": 2, "name": "cell-timeout", "message": STOP}
    ]
    assert (report["matched"], report["missing"]) == (["x"], ["y"])
    assert report["runs"] == 1
