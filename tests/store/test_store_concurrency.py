"""Several kernels record into one project store at the same time and nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from jupyter_repro.store import STATUS_OK, LineageStore, VariableState

WRITERS = 4
EXECUTIONS = 200

# Each writer is a real process, as each kernel is. They all start writing at the same instant.
WRITER = """
import os, sys, time
from pathlib import Path
from jupyter_repro.store import (
    ExecutionEnd, ExecutionStart, FileAccess, LineageStore, Session, VariableState)

db, sid, start_at, count = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
store = LineageStore.open(db)  # every writer opens a fresh file: migrations race too
while time.time() < start_at:
    time.sleep(0.001)
store.add_session(Session(sid, None, "/p/nb.ipynb", "t", os.getpid(), "h"))
for n in range(count):
    eid = store.start_execution(ExecutionStart(sid, "/p/nb.ipynb", f"c{n % 7}", f"x = {n}", "t"))
    changed = (
        VariableState("x", f"{sid}-x{n}", "int", {"n": n}),
        VariableState("y", f"{sid}-y{n}", "list", {"len": n}),
    )
    files = (FileAccess(f"data/{sid}-{n}.csv", "write", f"f{n}", n, n),)
    store.finish_execution(
        eid, ExecutionEnd(n + 1, "t", 1.0, "ok", changed=changed, removed=("tmp",), files=files)
    )
store.close()
"""


def test_four_writer_processes_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / ".repro" / "lineage.db"
    start_at = str(time.time() + 2.0)  # time for every interpreter to start and open the store
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), f"s{k}", start_at, str(EXECUTIONS)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(WRITERS)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err

    with LineageStore.open(db, create=False) as store:
        everything = store.executions()
        assert len(everything) == WRITERS * EXECUTIONS
        assert {e.status for e in everything} == {STATUS_OK}
        assert all(len(e.changed) == 2 and len(e.files) == 1 for e in everything)
        assert all(e.removed == ("tmp",) for e in everything)
        assert store.schema_version >= 1
        for k in range(WRITERS):
            mine = store.executions(session_id=f"s{k}")
            assert [e.execution_count for e in mine] == list(range(1, EXECUTIONS + 1))
            assert [e.code for e in mine] == [f"x = {n}" for n in range(EXECUTIONS)]
            last = EXECUTIONS - 1
            assert store.live_state(f"s{k}") == {
                "x": VariableState("x", f"s{k}-x{last}", "int", {"n": last}),
                "y": VariableState("y", f"s{k}-y{last}", "list", {"len": last}),
            }
