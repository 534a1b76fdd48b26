"""`jupyter repro log/state/env` read back what a real kernel recorded."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from ..cli import repro
from .kernels import execute, kernel


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A git-less project with a notebook whose kernel read and wrote a data file."""
    root = tmp_path_factory.mktemp("project")
    notebook = root / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    (root / "input.csv").write_text("a,b\n1,2\n3,4\n")
    env = {"JPY_SESSION_NAME": str(notebook), "GITHUB_TOKEN": "ghp_not_a_real_token_123456"}
    with kernel(root, None, env=env) as (_, client):
        execute(client, "import csv\nrows = list(csv.reader(open('input.csv')))", "load")
        execute(client, "count = len(rows)\ntmp = 1", "count")
        execute(client, "del tmp\nopen('out.txt', 'w').write(str(count))", "save")
        execute(client, "1/0", "boom")
    return root


def test_log_json_lists_executions_oldest_first_with_documented_fields(project):
    result = repro("log", "analysis.ipynb", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    assert [e["cell_id"] for e in log] == ["load", "count", "save", "boom"]
    first, second, third, fourth = log
    for field in (
        "session",
        "notebook",
        "cell_id",
        "execution_count",
        "code",
        "status",
        "started",
        "duration_ms",
        "changed",
        "removed",
        "unhashable",
        "files_read",
        "files_written",
        "env",
    ):
        assert field in first, field
    assert first["notebook"] == str((project / "analysis.ipynb").resolve())
    assert set(first["changed"]) == {"csv", "rows"}
    assert first["changed"]["rows"]["type"] == "builtins.list"
    assert first["changed"]["rows"]["summary"] == {"len": 3}
    assert [f["path"] for f in first["files_read"]] == ["input.csv"]
    assert first["files_read"][0]["hash"].startswith("xxh3:")
    assert first["files_read"][0]["size"] == len("a,b\n1,2\n3,4\n")
    assert second["changed"].keys() == {"count", "tmp"}
    assert third["removed"] == ["tmp"]
    assert [f["path"] for f in third["files_written"]] == ["out.txt"]
    assert fourth["status"] == "error"
    assert fourth["error"] == {"name": "ZeroDivisionError", "message": "division by zero"}
    assert first["env"] is not None and first["env"] == fourth["env"]


def test_state_json_gives_the_latest_hash_of_live_variables(project):
    result = repro("state", "analysis.ipynb", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert sorted(state) == ["count", "csv", "rows"]
    assert state["count"]["type"] == "builtins.int"
    assert state["count"]["summary"] == {}  # never a value


def test_env_json_redacts_credentials(project):
    result = repro("env", "analysis.ipynb", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    env = json.loads(result.stdout)
    assert env["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert env["kernel_name"] == "repro-python3"
    assert env["env_vars"]["GITHUB_TOKEN"] == "<redacted>"
    assert "ghp_not_a_real_token" not in result.stdout
    assert "ipykernel" in env["packages"]


def test_text_log_names_cells_changes_and_files(project):
    result = repro("log", "analysis.ipynb", cwd=project)

    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert "changed: csv (builtins.module), rows (builtins.list)" in lines[0]
    assert "read: input.csv" in lines[0]
    assert "wrote: out.txt" in lines[2]
    assert "ZeroDivisionError: division by zero" in lines[3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("log", "missing.ipynb"), "No such notebook: missing.ipynb"),
        (("log", "analysis.ipynb", "--session", "nope"), "Unknown session: nope"),
        (("state", "--session", "nope"), "Unknown session: nope"),
    ],
)
def test_bad_input_is_a_one_line_error_with_exit_2(project, args, message):
    result = repro(*args, cwd=project)

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_project_without_lineage_is_empty_not_an_error(tmp_path):
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "fresh.ipynb")

    result = repro("log", "fresh.ipynb", "--json", cwd=tmp_path)

    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert not (tmp_path / ".repro").exists()
