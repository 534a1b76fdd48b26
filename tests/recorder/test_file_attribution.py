"""Only the kernel's own file I/O is a cell's: real kernels sharing one project folder.

Four recording kernels write files at once into one folder, some through Python's ``open``,
some natively (``np.save``, ``pq.write_table``, ``df.to_parquet``): the store must hold exactly
the writes each cell made, and the others' only as "changed on disk". A file another process
writes while a cell runs must never become a pipeline stage's output (``dvc repro`` would
delete it before running the stage).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import xxhash
import yaml

from jupyter_repro.pipeline.export import export_pipeline
from jupyter_repro.store import (
    ExecutionEnd,
    ExecutionStart,
    FileAccess,
    LineageStore,
    Session,
    default_db_path,
)
from jupyter_repro.store.models import CHANGED_ON_DISK

from ..cli import repro
from .kernels import collect, execute, kernel, send

KERNELS, CELLS = 4, 25
SETUP = "import time\nimport numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq"
#: (suffix, code): the cell writes `p`, then waits a little so the other kernels' writes land
#: while it is still running.
WRITERS = (
    (".txt", "open(p, 'w').write(str(i))"),
    (".npy", "np.save(p, np.arange(i + 1))"),
    (".parquet", "pq.write_table(pa.table({'i': [i]}), p)"),
    (".parquet", "pd.DataFrame({'i': [i]}).to_parquet(p)"),
)


def cell_code(k: int, i: int) -> tuple[str, str]:
    """The path cell `i` of kernel `k` writes, and its code."""
    suffix, write = WRITERS[(k + i) % len(WRITERS)]
    path = f"out/k{k}_c{i:03d}{suffix}"
    return path, f"p, i = {path!r}, {i}\n{write}\ntime.sleep(0.01)"


def xxh3(path: Path) -> str:
    return "xxh3:" + xxhash.xxh3_128_hexdigest(path.read_bytes())


@pytest.fixture(autouse=True)
def project_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def test_changed_on_disk_is_stored_apart_from_the_executions_files(tmp_path: Path) -> None:
    own = FileAccess("data/out.csv", "write", "xxh3:1", 3, 10)
    other = FileAccess("data/dl.csv", CHANGED_ON_DISK, None, 7, 11)
    gone = FileAccess("data/old.csv", CHANGED_ON_DISK, None, None, None)
    with LineageStore.open(tmp_path / "lineage.db") as store:
        store.add_session(Session("s", None, None, "t0", os.getpid(), "h"))
        eid = store.start_execution(ExecutionStart("s", None, "c", "x = 1", "t0"))
        store.finish_execution(eid, ExecutionEnd(1, "t1", 1.0, "ok", files=(own, other, gone)))
        [execution] = store.executions()
    assert execution.files == (own,) and execution.files_written == (own,)
    assert execution.changed_on_disk == (other, gone)


def run_kernel(root: Path, k: int, errors: list[str]) -> None:
    notebook = root / f"k{k}.ipynb"
    with kernel(root, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        steps = [("setup", SETUP)] + [(f"c{i}", cell_code(k, i)[1]) for i in range(CELLS)]
        for cell_id, code in steps:
            reply = execute(client, code, cell_id)
            if reply.status != "ok":
                errors.append(f"kernel {k} {cell_id}: {reply.error}")


def test_four_kernels_writing_at_once_record_exactly_their_own_writes(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "out").mkdir(parents=True)
    for k in range(KERNELS):
        nbformat.write(nbformat.v4.new_notebook(), root / f"k{k}.ipynb")
    errors: list[str] = []
    threads = [threading.Thread(target=run_kernel, args=(root, k, errors)) for k in range(KERNELS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors and not any(t.is_alive() for t in threads), errors

    written = {cell_code(k, i)[0] for k in range(KERNELS) for i in range(CELLS)}
    assert {f"out/{p.name}" for p in (root / "out").iterdir()} == written
    with LineageStore.open(default_db_path(root / "k0.ipynb"), create=False) as store:
        sessions = {Path(s.notebook or "").stem: s.id for s in store.sessions()}
        others = Counter[str]()
        for k in range(KERNELS):
            executions = store.executions(session_id=sessions[f"k{k}"])
            assert [e.cell_id for e in executions] == ["setup"] + [f"c{i}" for i in range(CELLS)]
            assert executions[0].files == ()
            for i, execution in enumerate(executions[1:]):
                path = cell_code(k, i)[0]
                # Exactly its own write, with the content it left: nothing another kernel did.
                assert [(f.path, f.mode, f.hash) for f in execution.files] == [
                    (path, "write", xxh3(root / path))
                ], f"kernel {k} cell {i}"
                for change in execution.changed_on_disk:
                    assert change.mode == CHANGED_ON_DISK and change.hash is None
                    assert change.path in written and not change.path.startswith(f"out/k{k}_")
                    others[change.path] += 1
    # The others' writes did land while cells ran (so the test means something), as changes.
    assert others, "no kernel saw another's write during a cell"


def test_a_file_another_process_writes_during_a_cell_is_never_a_stage_output(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / "data/raw.csv").write_text("a\n1\n2\n")
    notebook = root / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    clean = (
        "import time\nimport pandas as pd\nraw = pd.read_csv('data/raw.csv')\n"
        "print('started', flush=True)\ntime.sleep(0.5)\nraw.to_csv('data/clean.csv')"
    )
    use = "total = len(pd.read_csv('data/clean.csv')) + len(open('data/download.csv').read())"
    with kernel(root, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        msg_id = send(client, clean, "clean")
        while True:  # the cell is running: another process (this one) downloads a file
            msg = client.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        (root / "data/download.csv").write_text("fetched elsewhere\n")
        assert collect(client, msg_id).status == "ok"
        assert execute(client, use, "use").status == "ok"

    with LineageStore.open(default_db_path(notebook), create=False) as store:
        first = store.executions()[0]
        assert {(f.path, f.mode) for f in first.files} == {
            ("data/raw.csv", "read"),
            ("data/clean.csv", "write"),
        }
        assert [c.path for c in first.changed_on_disk] == ["data/download.csv"]
        result = export_pipeline(store, notebook, to="dvc")

    outs = {out for stage in result.stages for out in stage.outs}
    assert "data/clean.csv" in outs and "data/download.csv" not in outs
    dvc_yaml = yaml.safe_load((result.directory / "dvc.yaml").read_text())
    assert "data/download.csv" not in str([s.get("outs") for s in dvc_yaml["stages"].values()])

    # The user sees it as what it is, in `log` and in its JSON (the panel's shape).
    shown = repro("log", str(notebook), cwd=root)
    assert "changed on disk by another process: data/download.csv" in shown.stdout
    [first_json, _] = json.loads(repro("log", str(notebook), "--json", cwd=root).stdout)
    assert [c["path"] for c in first_json["changed_on_disk"]] == ["data/download.csv"]
    assert first_json["changed_on_disk"][0]["size"] == len("fetched elsewhere\n")
    assert "data/download.csv" not in {f["path"] for f in first_json["files_read"]}
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env["DVC_NO_ANALYTICS"] = "1"
    for command in (["init", "-q"], ["repro"]):
        done = subprocess.run(
            [str(bin_dir / "dvc"), *command],
            cwd=root if command[0] == "init" else result.directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    # The pipeline ran, and the file it does not make is still there, untouched.
    assert (root / "data/download.csv").read_text() == "fetched elsewhere\n"
