"""Bad input gets one line and exit 2, from every command; reading commands never write.

One project is recorded once by a real kernel (``jupyter repro run``); each test works on a copy.
The matrix of commands and bad inputs runs in-process (click's CliRunner, through the same
``cli`` group the script runs); what a user sees in a terminal, the read-only mount and the
writer in another process run the real ``jupyter repro`` in a subprocess.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from jupyter_repro.cli import cli
from jupyter_repro.recorder.state_hash import hash_value
from jupyter_repro.store import LineageStore, Session

from ..cli import repro
from ..read_only import on_read_only_mount, skip_unless_possible

PASSWORD = "hunter2"  # short: its hash would give it away to a brute force
CELLS = ["x = 1", f'API_TOKEN = "{PASSWORD}"', 'sort_key = "date"', "print(x)"]

V3 = {
    "nbformat": 3,
    "nbformat_minor": 0,
    "metadata": {"name": ""},
    "worksheets": [
        {
            "cells": [
                {
                    "cell_type": "code",
                    "input": "x = 1",
                    "language": "python",
                    "metadata": {},
                    "outputs": [],
                    "collapsed": False,
                    "prompt_number": 1,
                }
            ],
            "metadata": {},
        }
    ],
}
#: name -> (file, content; None: a folder)
BAD = {
    "csv": ("data.csv", "a,b\n1,2\n"),
    "text": ("notes.txt", "hello\n"),
    "invalid-json": ("broken.ipynb", '{"cells": [1,'),
    "empty": ("empty.ipynb", ""),
    "folder": ("folder.ipynb", None),
    "nbformat-3": ("old.ipynb", json.dumps(V3, indent=1)),
}
COMMANDS: dict[str, list[str]] = {
    "log": ["log"],
    "state": ["state"],
    "env": ["env"],
    "export": ["export", "--no-check"],
    "pipeline": ["pipeline", "--to", "make"],
    "verify": ["verify"],
    "run": ["run"],
    "pair": ["pair"],
    "unpair": ["pair", "--unpair"],
    "diff": ["diff"],  # BAD then the recorded notebook
}
READERS: dict[str, list[str]] = {
    "log": ["log", "analysis.ipynb"],
    "state": ["state", "analysis.ipynb", "--json"],
    "env": ["env"],
    "export": ["export", "analysis.ipynb", "--no-check", "-o", "out/analysis_script.py"],
    "pipeline": ["pipeline", "analysis.ipynb", "--to", "make", "-o", "out/pipeline"],
    "diff": ["diff", "session:{session}", "analysis.ipynb"],
    "data-status": ["data", "status"],
}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose notebook a real recording kernel ran once (``jupyter repro run``)."""
    project = tmp_path_factory.mktemp("recorded") / "project"
    project.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "repro-python3", "display_name": "Python 3 (repro)"}
    nbformat.write(nb, project / "analysis.ipynb")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("JUPYTER_REPRO_DB", raising=False)
        result = repro("run", "analysis.ipynb", cwd=project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def project(recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the recorded project, the current directory, with the bad inputs beside it."""
    copy = tmp_path / "project"
    shutil.copytree(recorded, copy)
    for name, content in BAD.values():
        if content is None:
            (copy / name).mkdir()
        else:
            (copy / name).write_text(content)
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    monkeypatch.chdir(copy)
    return copy


def tree(folder: Path, shm: bool = True) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: sha256 and modification time (ns); with ``shm`` False, a
    ``-shm`` file only as present (beside a writer, readers update that index)."""
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        if shm or not path.name.endswith("-shm")
        else ("present", 0)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception  # a traceback: never what a user should get
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, out: str, err: str, *says: str) -> None:
    assert code == 2, err
    assert out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    for text in says:
        assert text in err


def session_id(project: Path) -> str:
    with LineageStore.open(project / ".repro" / "lineage.db", create=False, readonly=True) as store:
        found = store.latest_session()
    assert found is not None
    return found.id


# --- Not a notebook: one line, exit 2, nothing written. ---


@pytest.mark.parametrize("bad", list(BAD), ids=list(BAD))
@pytest.mark.parametrize("command", list(COMMANDS), ids=list(COMMANDS))
def test_a_file_that_is_not_a_notebook_is_one_line_and_exit_2(project, command, bad):
    name = BAD[bad][0]
    args = [*COMMANDS[command], name] + (["analysis.ipynb"] if command == "diff" else [])
    before = tree(project)

    code, out, err = invoke(*args)

    assert_one_line_error(code, out, err)
    assert Path(name).stem in err  # verify takes a .csv for a script: "no lock beside data.csv"
    assert tree(project) == before  # no script, twin, pipeline or record; the file untouched


@pytest.mark.parametrize("command", ["log", "run", "pair", "unpair", "diff"])
def test_an_nbformat_3_notebook_is_refused_saying_how_to_upgrade_it(project, command):
    args = [*COMMANDS[command], "old.ipynb"] + (["analysis.ipynb"] if command == "diff" else [])

    code, out, err = invoke(*args)

    assert_one_line_error(code, out, err, "old.ipynb (nbformat 3", "to upgrade it")


def test_pair_never_rewrites_an_nbformat_3_notebook(project):
    before = (project / "old.ipynb").read_bytes()

    result = repro("pair", "old.ipynb", cwd=project)

    assert result.returncode == 2
    assert result.stderr.startswith("Error: Not a valid notebook: old.ipynb (nbformat 3")
    assert (project / "old.ipynb").read_bytes() == before  # was rewritten as nbformat 4.5
    assert not (project / "old.py").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["log", "analysis.ipynb", "--session", "nope"],
        ["state", "--session", "nope"],
        ["env", "analysis.ipynb", "--session", "nope"],
        ["export", "analysis.ipynb", "--no-check", "--session", "nope"],
        ["pipeline", "analysis.ipynb", "--to", "make", "--session", "nope"],
        ["verify", "analysis.ipynb", "--session", "nope"],
        ["diff", "session:nope", "analysis.ipynb"],
    ],
    ids=lambda args: args[0],
)
def test_an_unknown_session_is_one_line_and_exit_2(project, args):
    code, out, err = invoke(*args)

    assert_one_line_error(code, out, err, "Unknown session: nope")


# --- A damaged store: exit 2 with what to do, the store untouched, nothing run. ---


def damage(db: Path) -> None:
    """Garbage over the page of the executions table, in the middle of the file."""
    # immutable: a plain mode=ro connection would leave a -wal and a -shm behind.
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)) as raw:
        page = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'executions'")
        (number,) = page.fetchone()
        size = raw.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as handle:
        handle.seek((number - 1) * size)
        handle.write(os.urandom(size))


@pytest.mark.parametrize(
    "args",
    [
        ["log", "analysis.ipynb"],
        ["state"],
        ["env"],
        ["export", "analysis.ipynb", "--no-check"],
        ["pipeline", "analysis.ipynb", "--to", "make"],
        ["diff", "session:x", "analysis.ipynb"],
        ["verify", "analysis.ipynb"],
        ["run", "analysis.ipynb"],  # before any kernel starts: it would record nothing
    ],
    ids=lambda args: args[0],
)
def test_a_damaged_store_is_exit_2_with_the_fix(project, args):
    db = project / ".repro" / "lineage.db"
    damage(db)
    before = tree(project)

    code, out, err = invoke(*args)

    assert_one_line_error(code, out, err, str(db), "The file is damaged", "move it aside")
    assert tree(project) == before


# --- Reading commands write nothing: not the store, not its side files, no new file. ---


@pytest.mark.parametrize("in_use", [False, True], ids=["at-rest", "writer-open"])
def test_reading_commands_leave_the_store_folder_as_it_was(project, in_use):
    db = project / ".repro" / "lineage.db"
    args = {name: [a.format(session=session_id(project)) for a in v] for name, v in READERS.items()}
    with contextlib.ExitStack() as stack:
        if in_use:  # a kernel is recording: its last commit is in the -wal only
            writer = stack.enter_context(LineageStore.open(db))
            writer.add_session(Session("live", None, None, "2024-01-01T00:00:00Z", 1, "h"))
        before = tree(project / ".repro", shm=not in_use)

        results = {name: repro(*a, cwd=project) for name, a in args.items()}

        after = tree(project / ".repro", shm=not in_use)
    for name, result in results.items():
        assert result.returncode in ((0, 1) if name == "diff" else (0,)), (name, result.stderr)
    assert "x = 1" not in results["log"].stderr and "[  1]" in results["log"].stdout
    assert after == before


def test_reading_commands_work_on_a_read_only_mount(project, tmp_path):
    skip_unless_possible(tmp_path)
    jupyter = [shutil.which("python") or "python", "-m", "jupyter", "repro"]

    log = on_read_only_mount(project, *jupyter, "log", "analysis.ipynb", cwd=project)
    state = on_read_only_mount(project, *jupyter, "state", "--json", cwd=project)
    env = on_read_only_mount(project, *jupyter, "env", cwd=project)

    assert log.returncode == 0, log.stderr
    assert len(log.stdout.splitlines()) == len(CELLS)
    assert state.returncode == 0, state.stderr
    assert set(json.loads(state.stdout)) == {"x", "API_TOKEN", "sort_key"}
    assert env.returncode == 0 and "python:" in env.stdout, env.stderr


# --- A variable named like a credential: its type, never a hash of its value. ---


def test_a_credential_variable_is_recorded_by_type_only_and_state_says_why(project):
    code, out, _ = invoke("state", "analysis.ipynb")
    _, as_json, _ = invoke("state", "analysis.ipynb", "--json")
    variables = json.loads(as_json)
    with contextlib.closing(sqlite3.connect(project / ".repro" / "lineage.db")) as raw:
        stored = {h for (h,) in raw.execute("SELECT hash FROM variables")}

    token = next(line for line in out.splitlines() if line.startswith("API_TOKEN"))
    assert code == 0
    assert "not hashed: its name looks like a credential" in token
    assert variables["API_TOKEN"]["hash"] == "opaque:builtins.str"
    assert variables["API_TOKEN"]["summary"] == {"not_hashed": "its name looks like a credential"}
    assert hash_value(PASSWORD).hash not in stored  # nothing to brute-force
    assert variables["sort_key"]["hash"] == hash_value("date").hash  # data: hashed as ever
