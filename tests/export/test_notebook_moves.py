"""A project moved or cloned elsewhere, and a notebook moved with `jupyter repro mv`, keep their
history: `log` finds it and `export` writes a script reading the files where they are now."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..cli import repro
from .recorded import run_recorded

CELLS = ["import csv\nrows = list(csv.reader(open('data/prices.csv')))", "total = len(rows)"]


def git(folder: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args]
    subprocess.run(command, cwd=folder, check=True, capture_output=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A git repository whose notebook ran in the recording kernel, committed."""
    root = tmp_path_factory.mktemp("origin") / "proj"
    (root / "data").mkdir(parents=True)
    (root / "data" / "prices.csv").write_text("a,1\nb,2\n")
    git(root, "init", "-q", "-b", "main")
    run_recorded(root, CELLS, name="analysis.ipynb")
    git(root, "add", "analysis.ipynb", "data")
    git(root, "commit", "-q", "-m", "analysis")
    return root


@pytest.fixture
def moved(project, tmp_path) -> Path:
    """The project, moved to another folder (a copy of it moved, so each test has its own)."""
    shutil.copytree(project, tmp_path / "copy", symlinks=True)
    return Path(shutil.move(tmp_path / "copy", tmp_path / "now" / "here"))


def logged(folder: Path, notebook: str) -> list[dict]:
    result = repro("log", notebook, "--json", cwd=folder)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_moved_project_logs_and_exports_its_history(moved):
    log = logged(moved, "analysis.ipynb")
    assert len(log) == 2
    assert {e["notebook"] for e in log} == {str(moved / "analysis.ipynb")}

    exported = repro("export", "analysis.ipynb", "--no-check", cwd=moved)

    assert exported.returncode == 0, exported.stderr
    lock = json.loads((moved / "analysis_script.repro.lock").read_text())
    assert "data/prices.csv" in json.dumps(lock["files"])
    script = moved / "analysis_script.py"
    ran = subprocess.run([sys.executable, str(script)], cwd=moved, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr


def test_a_clone_with_the_repro_folder_finds_the_history(project, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(project), str(clone))
    shutil.copytree(project / ".repro", clone / ".repro")

    assert [e["cell_id"] is not None for e in logged(clone, "analysis.ipynb")] == [True, True]


def test_mv_moves_the_notebook_and_its_history(moved):
    dry = repro("mv", "analysis.ipynb", "reports/analysis.ipynb", "--dry-run", cwd=moved)
    assert dry.returncode == 0, dry.stderr
    assert "analysis.ipynb -> reports/analysis.ipynb" in dry.stdout
    assert (moved / "analysis.ipynb").exists() and len(logged(moved, "analysis.ipynb")) == 2

    done = repro("mv", "analysis.ipynb", "reports/analysis.ipynb", cwd=moved)

    assert done.returncode == 0, done.stderr
    assert not (moved / "analysis.ipynb").exists()
    assert (moved / "reports" / "analysis.ipynb").is_file()
    assert len(logged(moved, "reports/analysis.ipynb")) == 2


def test_mv_after_a_move_in_the_shell_files_the_history_only(moved):
    (moved / "analysis.ipynb").rename(moved / "renamed.ipynb")

    done = repro("mv", "analysis.ipynb", "renamed.ipynb", cwd=moved)

    assert done.returncode == 0, done.stderr
    assert len(logged(moved, "renamed.ipynb")) == 2


def test_mv_refuses_when_both_exist_or_nothing_is_recorded(moved):
    (moved / "other.ipynb").write_text("{}")

    both = repro("mv", "analysis.ipynb", "other.ipynb", cwd=moved)
    unrecorded = repro("mv", "other.ipynb", "third.ipynb", cwd=moved)

    assert both.returncode == 2 and "Both" in both.stderr
    assert unrecorded.returncode == 2 and "Nothing is recorded" in unrecorded.stderr
    assert (moved / "other.ipynb").exists() and not (moved / "third.ipynb").exists()
