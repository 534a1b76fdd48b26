"""`jupyter repro pipeline` from the command line: what it says, and its input errors."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from ..cli import repro
from .test_pipeline import record

CELLS = [
    ("h1", "markdown", "# Count", []),
    ("count", "code", "words = open('notes.txt').read().split()", []),
    ("h2", "markdown", "# Save", []),
    ("save", "code", "open('count.txt', 'w').write(str(len(words)))", []),
]


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "project"
    record(root, CELLS, data={"notes.txt": "to be or not to be\n"})
    nbformat.write(nbformat.v4.new_notebook(), root / "fresh.ipynb")
    return root


def test_pipeline_names_its_stages_and_how_to_run_them(project, tmp_path):
    result = repro(
        "pipeline", "analysis.ipynb", "--to", "make", "-o", str(tmp_path / "p"), cwd=project
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Wrote {tmp_path / 'p'}: 2 stages (count, save). Run it: make -C {tmp_path / 'p'}"
    )
    assert sorted(p.name for p in (tmp_path / "p" / "stages").iterdir()) == [
        "01_count.py",
        "02_save.py",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--session", "nope"), "Unknown session: nope"),
        (("--notebook", "fresh.ipynb"), "No recorded session for"),
        (("--notebook", "missing.ipynb"), "No such notebook: missing.ipynb"),
        (("-o", "../outside", "--to", "dvc"), "A DVC pipeline must be inside the project"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(project, args, message):
    (project / "busy").mkdir(exist_ok=True)
    (project / "busy" / "mine.txt").write_text("the user's\n")
    notebook = "analysis.ipynb"
    if args[0] == "--notebook":
        notebook, args = args[1], args[2:]
    tool = () if "--to" in args else ("--to", "make")
    before = listing(project.parent)

    result = repro("pipeline", notebook, *tool, *args, cwd=project)

    assert result.returncode == 2
    assert len(error_lines(result.stderr)) == 1 and message in error_lines(result.stderr)[0]
    assert listing(project.parent) == before


def test_force_writes_into_a_busy_folder_and_keeps_the_users_files(project):
    (project / "kept").mkdir(exist_ok=True)
    (project / "kept" / "mine.txt").write_text("the user's\n")

    result = repro(
        "pipeline", "analysis.ipynb", "--to", "make", "-o", "kept", "--force", cwd=project
    )

    assert result.returncode == 0, result.stderr
    assert (project / "kept" / "mine.txt").read_text() == "the user's\n"
    assert (project / "kept" / "Makefile").is_file()


def test_a_notebook_without_file_io_is_reported_as_one_stage(tmp_path):
    record(tmp_path / "plain", [("c", "code", "total = sum(range(10))", [])], data={})

    result = repro("pipeline", "analysis.ipynb", "--to", "dvc", cwd=tmp_path / "plain")

    assert result.returncode == 0, result.stderr
    assert "warning: single-stage pipeline: no file I/O was recorded" in result.stderr
    assert "1 stage (analysis)" in result.stdout
