"""Notebook identity: keys relative to the project, so a moved project, a clone, a rename and a
store from the previous release all keep their history."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from jupyter_repro.store import (
    ENV_VAR,
    ExecutionEnd,
    ExecutionStart,
    FileAccess,
    LineageStore,
    Session,
    default_db_path,
    latest_version,
    ledger,
)
from jupyter_repro.store.migrations import MIGRATIONS


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def git_init(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


def record(store: LineageStore, notebook: Path, session_id: str, cells: list[str]) -> None:
    store.add_session(Session(session_id, None, str(notebook), f"2024-05-0{len(cells)}", 1, "h"))
    for cell in cells:
        run = store.start_execution(ExecutionStart(session_id, str(notebook), cell, "x = 1", "t"))
        data = FileAccess("data/in.csv", "read", "xxh3:1", 3, 1)
        store.finish_execution(run, ExecutionEnd(1, "t", 1.0, "ok", files=(data,)))


def notebook_in(project: Path, name: str = "analysis/clean.ipynb") -> Path:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return path


def test_keys_are_relative_to_the_project_root_on_disk(tmp_path):
    notebook = notebook_in(git_init(tmp_path / "proj"))
    with LineageStore.open(default_db_path(notebook)) as store:
        record(store, notebook, "s1", ["c1"])
        store.add_version(str(notebook), b"{}")
    with sqlite3.connect(default_db_path(notebook)) as raw:
        assert raw.execute("SELECT notebook FROM sessions").fetchall() == [
            ("analysis/clean.ipynb",)
        ]
        assert raw.execute("SELECT notebook FROM executions").fetchall() == [
            ("analysis/clean.ipynb",)
        ]
        assert raw.execute("SELECT notebook FROM notebook_versions").fetchall() == [
            ("analysis/clean.ipynb",)
        ]


def test_a_moved_project_finds_its_history_where_it_is_now(tmp_path):
    notebook = notebook_in(git_init(tmp_path / "proj"))
    with LineageStore.open(default_db_path(notebook)) as store:
        record(store, notebook, "s1", ["c1", "c2"])
        store.add_version(str(notebook), b"{}")

    shutil.move(tmp_path / "proj", tmp_path / "elsewhere")
    moved = tmp_path / "elsewhere" / "analysis" / "clean.ipynb"

    with LineageStore.open(default_db_path(moved), create=False) as store:
        assert [s.id for s in store.sessions(str(moved))] == ["s1"]
        executions = store.executions(notebook=str(moved))
        assert [e.cell_id for e in executions] == ["c1", "c2"]
        assert {e.notebook for e in executions} == {str(moved)}
        assert store.session("s1").notebook == str(moved)
        assert [v.notebook for v in store.versions(str(moved))] == [str(moved)]
        assert executions[0].files[0].path == "data/in.csv"


def test_clones_sharing_a_store_share_the_history(tmp_path, monkeypatch):
    shared = tmp_path / "team" / "lineage.db"
    monkeypatch.setenv(ENV_VAR, str(shared))
    ann = notebook_in(git_init(tmp_path / "ann" / "proj"))
    bob = notebook_in(git_init(tmp_path / "bob" / "proj"))
    with LineageStore.open(default_db_path(ann)) as store:
        record(store, ann, "s1", ["c1"])

    with LineageStore.open(default_db_path(bob), create=False) as store:
        assert [e.cell_id for e in store.executions(notebook=str(bob))] == ["c1"]
        assert store.latest_session(str(bob)).notebook == str(bob)


def test_a_notebook_outside_the_project_keeps_its_absolute_path(tmp_path):
    project = git_init(tmp_path / "proj")
    outside = notebook_in(tmp_path / "other", "loose.ipynb")
    with LineageStore.open(project / ".repro" / "lineage.db") as store:
        record(store, outside, "s1", ["c1"])
        assert store.latest_session(str(outside)).notebook == str(outside)
    with sqlite3.connect(project / ".repro" / "lineage.db") as raw:
        assert raw.execute("SELECT notebook FROM sessions").fetchall() == [(str(outside),)]


def test_executions_recorded_after_a_rename_follow_their_session(tmp_path):
    notebook = notebook_in(git_init(tmp_path / "proj"))
    renamed = notebook.with_name("renamed.ipynb")
    with LineageStore.open(default_db_path(notebook)) as store:
        record(store, notebook, "s1", ["c1"])
        notebook.rename(renamed)
        moved = store.rename_notebook(str(notebook), str(renamed))
        # The running kernel still names its old path in what it sends.
        store.start_execution(ExecutionStart("s1", str(notebook), "c2", "y = 2", "t"))

        assert moved.notebooks == (("analysis/clean.ipynb", "analysis/renamed.ipynb"),)
        assert [e.cell_id for e in store.executions(notebook=str(renamed))] == ["c1", "c2"]
        assert store.executions(notebook=str(notebook)) == []


def test_a_kernel_restarted_under_its_old_name_records_under_the_new_one(tmp_path):
    notebook = notebook_in(git_init(tmp_path / "proj"))
    renamed = notebook.with_name("renamed.ipynb")
    with LineageStore.open(default_db_path(notebook)) as store:
        record(store, notebook, "s1", ["c1"])
        notebook.rename(renamed)
        store.rename_notebook(str(notebook), str(renamed))
        record(store, notebook, "s2", ["c2"])  # a restart keeps the launch name

        assert [s.id for s in store.sessions(str(renamed))] == ["s1", "s2"]
        assert [e.cell_id for e in store.executions(notebook=str(renamed))] == ["c1", "c2"]


def test_renaming_a_folder_moves_every_notebook_under_it_only(tmp_path):
    project = git_init(tmp_path / "proj")
    inside = notebook_in(project, "work/a.ipynb")
    deeper = notebook_in(project, "work/deep/b.ipynb")
    beside = notebook_in(project, "workshop/c.ipynb")
    with LineageStore.open(default_db_path(inside)) as store:
        for number, notebook in enumerate((inside, deeper, beside)):
            record(store, notebook, f"s{number}", ["c1"])

        dry = store.rename_notebook(str(project / "work"), str(project / "done"), True, True)
        assert store.sessions(str(inside)) != []  # a dry run changes nothing
        store.rename_notebook(str(project / "work"), str(project / "done"), folder=True)

        assert dry.notebooks == (
            ("work/a.ipynb", "done/a.ipynb"),
            ("work/deep/b.ipynb", "done/deep/b.ipynb"),
        )
        assert [s.id for s in store.sessions(str(project / "done" / "deep" / "b.ipynb"))] == ["s1"]
        assert [s.id for s in store.sessions(str(project / "done" / "a.ipynb"))] == ["s0"]
        assert [s.id for s in store.sessions(str(beside))] == ["s2"]


def schema5_store(db: Path, notebook: Path, data_file: Path) -> None:
    """A store as the previous release left it: schema 5, notebooks and files by absolute path."""
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as raw:
        ledger.ensure_table(raw)
        for migration in MIGRATIONS[:5]:
            for statement in migration.statements:
                raw.execute(statement)
            ledger.record(raw, migration.name)
        raw.execute("PRAGMA user_version = 5")
        raw.execute(
            "INSERT INTO sessions (id, notebook, started, pid, hostname) VALUES (?, ?, ?, 1, 'h')",
            ("s1", str(notebook), "2024-05-01"),
        )
        raw.execute("INSERT INTO code (hash, text) VALUES ('h1', 'x = 1')")
        raw.execute(
            """INSERT INTO executions (session_id, notebook, cell_id, code_hash, started, status)
            VALUES ('s1', ?, 'c1', 'h1', 't', 'ok')""",
            (str(notebook),),
        )
        raw.execute(
            "INSERT INTO files (execution_id, path, mode, hash) VALUES (1, ?, 'read', 'xxh3:1')",
            (str(data_file),),
        )
        raw.execute(  # a file outside the project stays absolute
            "INSERT INTO files (execution_id, path, mode) VALUES (1, '/etc/hosts', 'read')"
        )
        raw.execute("INSERT INTO notebook_contents (hash, size, content) VALUES ('v', 2, x'00')")
        raw.execute(
            "INSERT INTO notebook_versions (notebook, saved, hash) VALUES (?, 't', 'v')",
            (str(notebook),),
        )


def test_a_store_of_the_previous_release_is_migrated_to_relative_keys(tmp_path):
    project = git_init(tmp_path / "proj")
    notebook = notebook_in(project)
    db = project / ".repro" / "lineage.db"
    schema5_store(db, notebook, project / "data" / "in.csv")

    LineageStore.open(db, create=False).close()  # the new release opens it where it is

    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT notebook FROM executions").fetchall() == [
            ("analysis/clean.ipynb",)
        ]
    shutil.move(project, tmp_path / "moved")  # then the project moves
    moved = tmp_path / "moved" / "analysis" / "clean.ipynb"
    with LineageStore.open(default_db_path(moved), create=False) as store:
        assert store.schema_version == latest_version()
        executions = store.executions(notebook=str(moved))
        assert [e.cell_id for e in executions] == ["c1"]
        assert executions[0].notebook == str(moved)
        assert [f.path for f in executions[0].files] == ["data/in.csv", "/etc/hosts"]
        assert [s.id for s in store.sessions(str(moved))] == ["s1"]
        assert len(store.versions(str(moved))) == 1
