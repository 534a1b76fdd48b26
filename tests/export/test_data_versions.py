"""Every version of a data file a session read is reproducible or refused, never silently wrong.

The two-reads case of the issue: cell 1 reads ``d.txt`` ("one"), another process rewrites it,
cell 2 reads it again ("two"). The recorder keeps both versions in ``.repro/data``; the lock
pins each read; verify gives each cell the version it read; plain ``python SCRIPT`` stops
before the cell whose version is not on disk and names the command that restores it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from jupyter_repro.script.export import export_script
from jupyter_repro.store import LineageStore, default_db_path
from jupyter_repro.verify.verification import verify_notebook, verify_script

from ..cli import repro
from ..recorder.kernels import execute, kernel

CELLS = [
    ("c1", "first = open('d.txt').read()"),
    ("c2", "second = open('d.txt').read()"),
    ("c3", "both = first + '+' + second"),
]


def two_reads(folder: Path, settings: dict | None = None) -> tuple[Path, list]:
    """Record the issue's session: d.txt rewritten by 'another process' between two reads."""
    (folder / ".git").mkdir()  # the project root: .repro/ lives here
    if settings is not None:
        (folder / ".repro").mkdir(mode=0o700)
        (folder / ".repro" / "settings.json").write_text(json.dumps(settings))
    data = folder / "d.txt"
    data.write_text("one")
    notebook = folder / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    replies = []
    with kernel(folder, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        replies.append(execute(client, CELLS[0][1], CELLS[0][0]))
        data.write_text("two")  # not the kernel: the test process
        for cell_id, code in CELLS[1:]:
            replies.append(execute(client, code, cell_id))
    return notebook, replies


def export(notebook: Path):
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        # Sessions are keyed by the notebook's absolute path (until issue 14): name it.
        session = store.latest_session()
        assert session is not None
        return export_script(store, notebook, session_id=session.id, outputs=False)


def cached_versions(folder: Path) -> dict[str, bytes]:
    cache = folder / ".repro" / "data"
    return {p.name: p.read_bytes() for p in cache.glob("*/*") if not p.name.startswith(".")}


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("two-reads")
    notebook, replies = two_reads(folder)
    assert all(r.status == "ok" and not r.stderr for r in replies)
    return notebook


@pytest.fixture
def project(recorded: Path, tmp_path: Path) -> Path:
    """A private copy of the recorded project (its store and data cache included)."""
    copy = tmp_path / "project"
    shutil.copytree(recorded.parent, copy)
    return copy / "analysis.ipynb"


def test_the_recorder_keeps_each_version_read_privately(recorded: Path):
    versions = cached_versions(recorded.parent)

    assert sorted(versions.values()) == [b"one", b"two"]
    cache = recorded.parent / ".repro" / "data"
    kept = next(p for p in cache.glob("*/*"))
    assert stat.S_IMODE(kept.stat().st_mode) & 0o222 == 0  # read-only: a copy nobody edits
    assert stat.S_IMODE((recorded.parent / ".repro").stat().st_mode) == 0o700


def test_the_lock_pins_each_read_and_the_script_checks_the_second_version(project: Path):
    result = export(project)
    lock = json.loads(result.lock.read_text())

    reads = [cell.get("reads", {}).get("d.txt", {}).get("xxh3") for cell in lock["cells"]]
    assert len(reads) == 3 and reads[0] != reads[1] and reads[2] is None
    assert lock["files"]["d.txt"]["xxh3"] == reads[0]
    # Both versions' sha256 come from the cache: the disk holds only "two".
    assert all(cell["reads"]["d.txt"]["sha256"] for cell in lock["cells"][:2])
    nb = jupytext.read(result.script)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags.count(["repro-data-version"]) == 1
    assert tags.index(["repro-data-version"]) == 3  # header, support cell, cell 1, check, cell 2


def test_verify_replays_the_second_version_from_the_cache(project: Path):
    (project.parent / "d.txt").write_text("one")  # the folder holds the first version
    result = export(project)

    report = verify_script(result.script)

    assert report.reproduced, report
    assert report.data_versions == () and report.files == ()
    assert (project.parent / "d.txt").read_text() == "one"  # the user's file is untouched


def test_without_the_cache_verify_says_the_version_cannot_be_replayed(project: Path):
    (project.parent / "d.txt").write_text("one")
    result = export(project)
    shutil.rmtree(project.parent / ".repro" / "data")

    code, out = _verify_cli(result.script)

    assert code == 1
    assert out.startswith("Not reproduced:") and "1 data file versions not replayed" in out
    assert "d.txt: the version execution" in out and "is not in the data cache" in out


def test_a_file_changed_since_recording_fails_unless_recorded_data_replays_it(project: Path):
    (project.parent / "d.txt").write_text("three")
    result = export(project)

    plain = verify_script(result.script)
    replayed = verify_script(result.script, recorded_data=True)

    assert not plain.reproduced and [f.key for f in plain.files] == ["d.txt"]
    assert replayed.reproduced, replayed
    assert any("d.txt: the recorded version was replayed" in n for n in replayed.notes)
    assert (project.parent / "d.txt").read_text() == "three"


def test_verify_notebook_replays_versions_from_the_notebooks_project(project: Path):
    (project.parent / "d.txt").write_text("one")
    with LineageStore.open(default_db_path(project), create=False) as store:
        session = store.latest_session()
    assert session is not None
    assert verify_notebook(project, session_id=session.id).reproduced


def test_plain_python_stops_before_the_cell_whose_version_is_missing(project: Path):
    data = project.parent / "d.txt"
    data.write_text("one")
    result = export(project)

    stopped = _python(result.script)
    lock = json.loads(result.lock.read_text())
    second = lock["cells"][1]["reads"]["d.txt"]["sha256"]

    assert stopped.returncode == 1
    assert stopped.stderr.splitlines() == [
        "Stopped before cell 2. Data file changed since it was recorded: d.txt",
        f"Restore the version the session read: jupyter repro data restore d.txt sha256:{second}",
    ]
    assert data.read_text() == "one"  # never overwritten by the script

    restored = repro("data", "restore", "d.txt", f"sha256:{second}", cwd=project.parent)
    assert restored.returncode == 0, restored.stderr
    assert data.read_text() == "two"
    # The content it replaced is kept: the restore can be undone the same way.
    kept = restored.stdout.splitlines()[-1].split()[-1]
    undo = repro("data", "restore", "d.txt", kept, cwd=project.parent)
    assert undo.returncode == 0 and data.read_text() == "one"


def test_restore_refuses_an_unknown_version_and_a_bad_one(project: Path):
    folder = project.parent
    unknown = repro("data", "restore", "d.txt", "xxh3:" + "0" * 32, cwd=folder)
    bad = repro("data", "restore", "d.txt", "md5:abc", cwd=folder)

    assert unknown.returncode == 2 and "is not in the data cache" in unknown.stderr
    assert bad.returncode == 2 and "Not a data version" in bad.stderr
    assert (folder / "d.txt").read_text() == "two"


def test_files_over_the_limit_are_not_kept_and_the_export_suggests_dvc(tmp_path: Path):
    notebook, _ = two_reads(tmp_path, settings={"data_file_mb": 0, "data_cache_mb": 1024})
    assert cached_versions(tmp_path) == {}  # 0 MB per file: snapshots off

    notebook, _ = _record_big(tmp_path / "big")
    result = export(notebook)

    assert cached_versions(notebook.parent) == {}
    assert any("dvc add" in w and "big.bin" in w for w in result.warnings)


def _record_big(folder: Path) -> tuple[Path, list]:
    folder.mkdir()
    (folder / ".git").mkdir()
    (folder / ".repro").mkdir(mode=0o700)
    (folder / ".repro" / "settings.json").write_text(json.dumps({"data_file_mb": 1}))
    (folder / "big.bin").write_bytes(os.urandom(2 * 1024 * 1024))
    notebook = folder / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(folder, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        reply = execute(client, "size = len(open('big.bin', 'rb').read())", "c1")
    return notebook, [reply]


def test_a_read_only_cache_turns_snapshots_off_with_one_warning(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    repro_dir = tmp_path / ".repro"
    repro_dir.mkdir(mode=0o700)
    # The store can be created, but .repro/data cannot: a file stands in its way.
    (repro_dir / "data").write_text("not a folder")
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(name)
    notebook = tmp_path / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(tmp_path, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        replies = [
            execute(client, "a = open('a.txt').read()", "c1"),
            execute(client, "b = open('b.txt').read()", "c2"),
        ]

    warnings = "".join(r.stderr for r in replies)
    assert warnings.count("[jupyter-repro]") == 1
    assert "data file versions are no longer kept" in warnings
    assert "Traceback" not in warnings and all(r.status == "ok" for r in replies)
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        read = [f.path for e in store.executions() for f in e.files_read]
    assert read == ["a.txt", "b.txt"]  # lineage recorded as usual


def _verify_cli(script: Path) -> tuple[int, str]:
    done = repro("verify", str(script), cwd=script.parent, timeout=300)
    return done.returncode, done.stdout


def _python(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_big_new_version_is_copied_off_the_cells_path_and_kept_by_exit(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    data = tmp_path / "big.bin"
    data.write_bytes(os.urandom(12 * 1024 * 1024))  # over the in-cell copy size, under 50 MB
    notebook = tmp_path / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(tmp_path, None, env={"JPY_SESSION_NAME": str(notebook)}) as (manager, client):
        reply = execute(client, "size = len(open('big.bin', 'rb').read())", "c1")
        manager.shutdown_kernel(now=False)  # as JupyterLab shuts a kernel down: it may finish

    assert reply.status == "ok" and not reply.stderr
    assert list(cached_versions(tmp_path).values()) == [data.read_bytes()]
