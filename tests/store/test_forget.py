"""`jupyter repro forget` deletes records for good: no byte of them is left in the store's files
or in the data cache, what other notebooks recorded stays, and a dry run changes nothing."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from jupyter_repro.common.data_cache import DataCache, data_cache_dir
from jupyter_repro.common.file_digest import file_xxh3
from jupyter_repro.store import (
    Environment,
    ExecutionEnd,
    ExecutionStart,
    FileAccess,
    LineageStore,
    OutputFingerprint,
    Session,
    VariableState,
)
from tests.cli import repro

#: Each lives in one table (or the data cache) and only in the forgotten notebook's records.
SECRETS = {
    "code": "CODE-SECRET-7f3a",
    "variable summary": "VARIABLE-SECRET-2b9c",
    "file path": "FILE-SECRET-4d1e.csv",
    "disk change": "DISK-SECRET-8a0f.log",
    "output": "xxh3:5ec2e75ec2e75ec2e75ec2e75ec2e7aa",
    "error message": "ERROR-SECRET-6c2d",
    "environment": "ENV-SECRET-3e4f",
    "session host": "HOST-SECRET-1a2b",
    "cached data": "DATA-SECRET-9d8c",
}
#: The forgotten cell: large enough that the store must shrink once it is gone (VACUUM).
CODE = f"token = '{SECRETS['code']}'\n" + "".join(f"# row {n:06d}\n" for n in range(20_000))
OLD, NEW = "2025-03-01T10:00:00.000000+00:00", "2026-06-01T10:00:00.000000+00:00"


def record(
    store: LineageStore,
    root: Path,
    notebook: str,
    session: str,
    code: str,
    *,
    started: str = NEW,
    host: str = "laptop",
    reads: tuple[str, ...] = (),
    secrets: bool = False,
) -> int:
    """One execution of ``code`` in ``session`` of ``notebook``; with ``secrets``, it holds
    every SECRETS value but the code's."""
    path = str(root / notebook)
    store.add_session(Session(session, None, path, started, 1, host, "python3"))
    files = [FileAccess(name, "read", file_xxh3(root / name), 10, 1) for name in reads]
    outputs, changes, env = [], [], None
    if secrets:
        files.append(FileAccess(SECRETS["file path"], "write", "xxh3:" + "1" * 32, 5, 1))
        changes.append(FileAccess(SECRETS["disk change"], "changed_on_disk", None, 5, 1))
        outputs.append(OutputFingerprint(0, "stream", "text/plain", 3, SECRETS["output"], "stdout"))
        env = store.add_environment(Environment("env-" + session, {"x": SECRETS["environment"]}))
    summary = {"repr": SECRETS["variable summary"]} if secrets else {}
    execution_id = store.start_execution(ExecutionStart(session, path, "c1", code, started))
    end = ExecutionEnd(
        1,
        started,
        1.0,
        "error" if secrets else "ok",
        error_name="ValueError" if secrets else None,
        error_message=SECRETS["error message"] if secrets else None,
        env_id=env,
        changed=(VariableState("x", "xxh3:" + "2" * 32, "int", summary),),
        files=(*files, *changes),
        outputs=tuple(outputs),
    )
    store.finish_execution(execution_id, end)
    return execution_id


@pytest.fixture
def project(tmp_path):
    """``secret.ipynb`` (every secret, a saved version, a cached data file of its own and one it
    shares) and ``keep.ipynb`` (the shared data file, its own code) recorded in one store."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "own.txt").write_text(SECRETS["cached data"])
    (root / "shared.txt").write_text("SHARED-DATA-5555")
    cache = DataCache(data_cache_dir(root / ".repro" / "lineage.db"), 1 << 20, 1 << 30)
    for name in ("own.txt", "shared.txt"):
        cache.keep(root / name, file_xxh3(root / name))
    with LineageStore.open(root / ".repro" / "lineage.db") as store:
        record(
            store, root, "secret.ipynb", "s-old", CODE, host=SECRETS["session host"],
            reads=("own.txt", "shared.txt"), secrets=True,
        )  # fmt: skip
        record(store, root, "keep.ipynb", "k-1", "kept = 'KEEP-MARK-0000'", reads=("shared.txt",))
        store.add_version(str(root / "secret.ipynb"), saved_notebook("VERSION-SECRET-4242"))
    return root


def saved_notebook(text: str) -> bytes:
    return json.dumps({"cells": [{"outputs": [{"text": text}]}]}).encode()


def store_bytes(root: Path) -> bytes:
    db = root / ".repro" / "lineage.db"
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def cache_bytes(root: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in sorted((root / ".repro" / "data").rglob("*")) if p.is_file()
    )


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under .repro: bytes and modification time."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((root / ".repro").rglob("*"))
        if p.is_file()
    }


def leftovers(root: Path) -> list[str]:
    found = store_bytes(root) + cache_bytes(root)
    kept = [name for name, secret in SECRETS.items() if secret.encode() in found]
    if zlib.compress(saved_notebook("VERSION-SECRET-4242"), 6) in found:
        kept.append("saved version")
    return kept


#: Another process using the store meanwhile (a kernel): it records a cell, then keeps the store
#: and its WAL open until told to list the executions it sees.
OTHER_KERNEL = """
import sys
from jupyter_repro.store import ExecutionEnd, ExecutionStart, LineageStore
with LineageStore.open(sys.argv[1] + "/.repro/lineage.db") as store:
    started = "2026-06-02T10:00:00+00:00"
    notebook = sys.argv[1] + "/keep.ipynb"
    execution_id = store.start_execution(ExecutionStart("k-1", notebook, "c1", "more = 1", started))
    store.finish_execution(execution_id, ExecutionEnd(2, started, 1.0, "ok"))
    print("recorded", flush=True)
    sys.stdin.readline()
    print([e.code for e in store.executions()], flush=True)
"""


def test_forgetting_a_notebook_leaves_none_of_its_bytes_and_keeps_the_others(project):
    other_kernel = subprocess.Popen(
        [sys.executable, "-c", OTHER_KERNEL, str(project)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other_kernel.stdout is not None and other_kernel.stdout.readline() == "recorded\n"
        assert len(leftovers(project)) == len(SECRETS) + 1  # all there before: the test sees

        done = repro("forget", "secret.ipynb", "--yes", cwd=project)
        left, size = leftovers(project), len(store_bytes(project))
        seen, _ = other_kernel.communicate("go\n", timeout=60)
    finally:
        other_kernel.kill()

    assert done.returncode == 0, done.stderr
    assert "Forgot 1 session, 1 execution, 1 saved version and 1 cached data file" in done.stdout
    assert left == []
    assert size < len(CODE)  # its pages left the file
    assert b"SHARED-DATA-5555" in cache_bytes(project)  # keep.ipynb still reads it
    assert seen == "[\"kept = 'KEEP-MARK-0000'\", 'more = 1']\n"
    log = repro("log", "keep.ipynb", cwd=project)
    assert log.returncode == 0 and log.stdout.count("cell c1") == 2


def test_a_dry_run_lists_what_would_go_and_changes_nothing(project):
    before = snapshot(project)

    shown = repro("forget", "secret.ipynb", "--dry-run", cwd=project)

    assert shown.returncode == 0, shown.stderr
    assert "Would forget 1 session, 1 execution, 1 saved version and 1 cached data file" in (
        shown.stdout
    )
    assert snapshot(project) == before


def test_without_a_terminal_it_refuses_unless_told_yes(project):
    before = snapshot(project)

    refused = repro("forget", "secret.ipynb", cwd=project)

    assert refused.returncode == 2 and "add --yes" in refused.stderr
    assert snapshot(project) == before


def test_on_a_terminal_it_asks_and_a_no_keeps_everything(project):
    before = snapshot(project)
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"n\n")  # typed ahead: read once it asks
        asked = subprocess.run(
            [sys.executable, "-m", "jupyter", "repro", "forget", "secret.ipynb"],
            cwd=project,
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(terminal)
        os.close(controller)

    assert asked.returncode == 1 and "Forget them for good?" in asked.stdout
    assert "Nothing was forgotten." in asked.stdout
    assert snapshot(project) == before


def backdate(root: Path, table: str, when: str) -> None:
    with sqlite3.connect(root / ".repro" / "lineage.db") as raw:
        raw.execute(
            f"UPDATE {table} SET {'saved' if table == 'notebook_versions' else 'started'} = ?",
            (when,),
        )
    raw.close()


def test_before_a_date_forgets_only_the_older_records_and_versions(project):
    backdate(project, "notebook_versions", OLD)
    with LineageStore.open(project / ".repro" / "lineage.db") as store:
        # 02:00 at +03:00 is 23:00 UTC the day before: one record before it, one after.
        for name, at in (("eve", "2024-12-31T22:30:00+00:00"), ("late", "2024-12-31T23:30:00Z")):
            record(store, project, "secret.ipynb", f"s-{name}", f"{name} = 1", started=at)
        store.add_version(str(project / "secret.ipynb"), saved_notebook("VERSION-NEW"))

    first = repro(
        "forget", "secret.ipynb", "--before", "2025-01-01T02:00+03:00", "--yes", cwd=project
    )
    with LineageStore.open(project / ".repro" / "lineage.db") as store:
        after_first = [e.code for e in store.executions(str(project / "secret.ipynb"))]
    second = repro("forget", "secret.ipynb", "--before", "2026-01-01", "--yes", cwd=project)

    assert first.returncode == 0, first.stderr
    assert "Forgot 1 session, 1 execution, 0 saved versions" in first.stdout
    assert after_first == [CODE, "late = 1"]
    assert second.returncode == 0, second.stderr
    assert "Forgot 1 session, 1 execution, 1 saved version" in second.stdout
    with LineageStore.open(project / ".repro" / "lineage.db") as store:
        assert [e.code for e in store.executions(str(project / "secret.ipynb"))] == [CODE]
        versions = store.versions(str(project / "secret.ipynb"))
        assert [store.version_content(v.id) for v in versions] == [saved_notebook("VERSION-NEW")]
        assert len(store.executions(str(project / "keep.ipynb"))) == 1


def test_forgetting_a_session_keeps_the_code_and_sessions_others_still_use(project):
    with LineageStore.open(project / ".repro" / "lineage.db") as store:
        record(store, project, "keep.ipynb", "k-2", "kept = 'KEEP-MARK-0000'")

    done = repro("forget", "--session", "k-1", "--yes", cwd=project)

    assert done.returncode == 0, done.stderr
    assert "1 session, 1 execution, 0 saved versions and 0 cached data files" in done.stdout
    with LineageStore.open(project / ".repro" / "lineage.db") as store:
        assert store.session("k-1") is None and store.session("k-2") is not None
        assert [e.code for e in store.executions(str(project / "keep.ipynb"))] == [
            "kept = 'KEEP-MARK-0000'"
        ]
        assert len(store.executions(str(project / "secret.ipynb"))) == 1
    assert b"SHARED-DATA-5555" in cache_bytes(project)  # secret.ipynb still reads it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["secret.ipynb", "--before", "last tuesday"], "Not a date: 'last tuesday'"),
        (["--session", "nope"], "Unknown session: nope"),
        (["never-run.ipynb"], "No history of never-run.ipynb"),
        (["secret.ipynb", "--session", "s-old"], "--session forgets one session"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(project, args, message):
    before = snapshot(project)

    refused = repro("forget", *args, "--yes", cwd=project)

    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {message}")
    assert snapshot(project) == before


def test_what_another_notebook_still_uses_stays(tmp_path):
    """Code, environments and data versions shared with a notebook that is kept are kept."""
    (tmp_path / "d.txt").write_text("shared")
    with LineageStore.open(tmp_path / ".repro" / "lineage.db") as store:
        for notebook, session in (("gone.ipynb", "g"), ("kept.ipynb", "k")):
            store.add_environment(Environment("env-shared", {"python": "3.11"}))
            store.add_session(Session(session, None, str(tmp_path / notebook), NEW, 1, "h"))
            start = ExecutionStart(session, str(tmp_path / notebook), "c1", "x = 1", NEW)
            read = FileAccess("d.txt", "read", file_xxh3(tmp_path / "d.txt"), 6, 1)
            end = ExecutionEnd(1, NEW, 1.0, "ok", env_id="env-shared", files=(read,))
            store.finish_execution(store.start_execution(start), end)

        done = store.forget(str(tmp_path / "gone.ipynb"))

        (kept,) = store.executions()
        assert (done.executions, done.sessions, done.code, done.environments) == (1, 1, 0, 0)
        assert done.data_versions == frozenset()
        assert kept.code == "x = 1" and store.environment("env-shared") is not None
