"""What the recorder writes is what the exporters, the CLI and the server read back."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_repro.store import (
    STATUS_ERROR,
    STATUS_INTERRUPTED,
    STATUS_OK,
    STATUS_RUNNING,
    Environment,
    ExecutionEnd,
    ExecutionStart,
    FileAccess,
    LineageStore,
    Session,
    VariableState,
    code_hash,
)

NB = "/home/ann/proj/analysis.ipynb"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LineageStore]:
    with LineageStore.open(tmp_path / ".repro" / "lineage.db") as opened:
        yield opened


def session(sid: str = "s1", notebook: str | None = NB, **kw: object) -> Session:
    values: dict = dict(pid=os.getpid(), hostname=socket.gethostname(), kernel_name="repro")
    values.update(kw)
    return Session(sid, f"kernel-{sid}", notebook, f"2024-05-01T10:00:0{sid[-1]}Z", **values)


def var(name: str, digest: str, **kw: object) -> VariableState:
    return VariableState(name, digest, kw.pop("type", "int"), **kw)  # type: ignore[arg-type]


def run(
    store: LineageStore,
    code: str,
    sid: str = "s1",
    cell: str | None = "c1",
    notebook: str | None = NB,
    **end: object,
) -> int:
    eid = store.start_execution(ExecutionStart(sid, notebook, cell, code, "2024-05-01T10:00:00Z"))
    values: dict = dict(execution_count=eid, ended="2024-05-01T10:00:01Z", duration_ms=12.5)
    values.update({"status": STATUS_OK, **end})
    store.finish_execution(eid, ExecutionEnd(**values))
    return eid


def test_full_execution_round_trips(store: LineageStore) -> None:
    store.add_session(session())
    env_id = store.add_environment(Environment("env-1", {"python": "3.11", "packages": {"a": 1}}))
    df = var("df", "h-df", type="DataFrame", summary={"shape": [3, 2]}, complete=False)
    gen = var("g", "opaque:generator", type="generator", unhashable=True)
    files = (
        FileAccess("data/in.csv", "read", "h-in", 120, 1_700_000_000_000_000_000),
        FileAccess("out/gone.csv", "write", None, None, None),
    )
    eid = run(
        store,
        "df = load()\ng = gen()\ndel old",
        status=STATUS_ERROR,
        error_name="ValueError",
        error_message="bad row 3",
        env_id=env_id,
        rng={"random": "r1", "numpy": "n1"},
        changed=(df, gen),
        removed=("old",),
        files=files,
    )

    got = store.execution(eid)
    assert got is not None
    assert (got.session_id, got.notebook, got.cell_id, got.execution_count) == ("s1", NB, "c1", eid)
    assert got.code == "df = load()\ng = gen()\ndel old"
    assert got.code_hash == code_hash(got.code)
    assert (got.started, got.ended) == ("2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z")
    assert got.duration_ms == 12.5
    assert (got.status, got.error_name, got.error_message) == (
        STATUS_ERROR,
        "ValueError",
        "bad row 3",
    )
    assert got.rng == {"random": "r1", "numpy": "n1"}
    assert got.changed == (df, gen) and got.unhashable == ("g",)
    assert got.removed == ("old",)
    assert got.files_read == files[:1] and got.files_written == files[1:]
    assert store.environment(env_id) == Environment(
        "env-1", {"python": "3.11", "packages": {"a": 1}}
    )
    assert store.session("s1") == session()
    assert store.execution(eid + 1) is None and store.environment("nope") is None


def test_running_execution_is_visible_before_it_finishes(store: LineageStore) -> None:
    store.add_session(session())
    eid = store.start_execution(ExecutionStart("s1", NB, "c1", "sleep()", "t0"))
    got = store.execution(eid)
    assert got is not None and got.status == STATUS_RUNNING and got.ended is None


def test_identical_code_is_stored_once(store: LineageStore) -> None:
    store.add_session(session())
    first, second = run(store, "x = 1\n"), run(store, "x = 1\n", cell="c2")
    a, b = store.execution(first), store.execution(second)
    assert a is not None and b is not None and a.code_hash == b.code_hash
    assert store.code(a.code_hash) == "x = 1\n" and store.code("0" * 64) is None
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("SELECT count(*) FROM code").fetchone()[0] == 1


def test_paging_newest_and_oldest_first(store: LineageStore) -> None:
    store.add_session(session())
    ids = [run(store, f"x = {n}") for n in range(25)]
    assert [e.id for e in store.executions()] == ids
    assert [e.id for e in store.executions(order="desc", limit=10)] == ids[::-1][:10]
    assert [e.id for e in store.executions(order="desc", limit=10, offset=20)] == ids[::-1][20:]
    assert [e.id for e in store.executions(limit=5, offset=5)] == ids[5:10]
    assert store.executions(offset=25) == [] and store.count_executions() == 25
    with pytest.raises(ValueError):
        store.executions(order="newest")  # type: ignore[arg-type]


def test_filters_by_notebook_session_and_cell(store: LineageStore) -> None:
    other = "/home/ann/proj/other.ipynb"
    store.add_session(session("s1"))
    store.add_session(session("s2", notebook=other))
    store.add_session(session("s3"))
    a = run(store, "a", "s1", "c1")
    b = run(store, "b", "s1", "c2")
    c = run(store, "c", "s2", "c1", notebook=other)
    d = run(store, "d", "s3", "c1")
    assert [e.id for e in store.executions(notebook=NB)] == [a, b, d]
    assert [e.id for e in store.executions(session_id="s1")] == [a, b]
    assert [e.id for e in store.executions(cell_id="c1")] == [a, c, d]
    assert [e.id for e in store.executions(notebook=NB, cell_id="c1")] == [a, d]
    assert store.count_executions(notebook=NB, session_id="s3") == 1
    assert [s.id for s in store.sessions()] == ["s1", "s2", "s3"]
    assert [s.id for s in store.sessions(NB)] == ["s1", "s3"]
    assert store.latest_session(NB) == store.session("s3")
    assert store.latest_session(other) == store.session("s2")
    assert store.latest_session("/nowhere.ipynb") is None


def test_live_state_folds_rebinding_removal_and_recreation(store: LineageStore) -> None:
    store.add_session(session("s1"))
    store.add_session(session("s2"))
    run(store, "x = 1; y = 1; z = 1", changed=(var("x", "x1"), var("y", "y1"), var("z", "z1")))
    run(store, "x = 2; del y", changed=(var("x", "x2"),), removed=("y",))
    run(store, "del z", removed=("z",))
    run(store, "z = 3", changed=(var("z", "z3", type="float"),))
    run(store, "w = 0", "s2", changed=(var("w", "w0"),))  # another kernel: not in s1's namespace
    assert store.live_state("s1") == {"x": var("x", "x2"), "z": var("z", "z3", type="float")}
    assert store.live_state("s2") == {"w": var("w", "w0")}
    assert store.live_state("unknown") == {}


def test_finishing_twice_keeps_the_last_report(store: LineageStore) -> None:
    store.add_session(session())
    eid = run(store, "x = f()", changed=(var("x", "x1"), var("tmp", "t")))
    store.finish_execution(eid, ExecutionEnd(7, "t2", 1.0, STATUS_OK, changed=(var("x", "x2"),)))
    got = store.execution(eid)
    assert got is not None and got.changed == (var("x", "x2"),) and got.execution_count == 7
    with pytest.raises(KeyError):
        store.finish_execution(eid + 100, ExecutionEnd(1, "t", 1.0, STATUS_OK))


def test_environment_is_stored_once_per_id(store: LineageStore) -> None:
    assert store.add_environment(Environment("e1", {"v": 1})) == "e1"
    assert store.add_environment(Environment("e1", {"v": 1})) == "e1"
    assert store.environment("e1") == Environment("e1", {"v": 1})


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: the pid is free, not a zombie
    return child.pid


def test_running_with_dead_kernel_reads_as_interrupted(store: LineageStore) -> None:
    store.add_session(session("s1", pid=_dead_pid()))
    eid = store.start_execution(ExecutionStart("s1", NB, "c1", "train()", "t0"))
    assert store.execution(eid).status == STATUS_INTERRUPTED  # type: ignore[union-attr]
    assert [e.status for e in store.executions(session_id="s1")] == [STATUS_INTERRUPTED]


def test_running_with_live_kernel_stays_running(store: LineageStore) -> None:
    store.add_session(session("s1"))  # our own pid: alive
    eid = store.start_execution(ExecutionStart("s1", NB, "c1", "train()", "t0"))
    assert store.execution(eid).status == STATUS_RUNNING  # type: ignore[union-attr]


def test_later_execution_in_same_session_interrupts_earlier_running(store: LineageStore) -> None:
    store.add_session(session("s1", hostname="another-machine", pid=1))
    store.add_session(session("s2", hostname="another-machine", pid=1))
    stuck = store.start_execution(ExecutionStart("s1", NB, "c1", "train()", "t0"))
    remote = store.start_execution(ExecutionStart("s2", NB, "c1", "train()", "t0"))
    # Another host's pid cannot be checked: running, until the same kernel runs something else.
    assert store.execution(stuck).status == STATUS_RUNNING  # type: ignore[union-attr]
    run(store, "after restart", "s1")
    assert store.execution(stuck).status == STATUS_INTERRUPTED  # type: ignore[union-attr]
    assert store.execution(remote).status == STATUS_RUNNING  # type: ignore[union-attr]


def test_ten_thousand_executions_list_fast(store: LineageStore) -> None:
    store.add_session(session())
    for n in range(10_000):
        run(store, f"x = {n % 40}", cell=f"c{n % 30}", changed=(var("x", f"h{n}"),))
    started = time.perf_counter()
    everything = store.executions(order="desc")
    page = store.executions(cell_id="c7", order="desc", limit=50)
    elapsed = time.perf_counter() - started
    assert len(everything) == 10_000 and everything[0].changed == (var("x", "h9999"),)
    assert len(page) == 50 and page[0].id == everything[2].id
    assert elapsed < 1.0


def test_schema_knows_every_migration_in_order():
    from jupyter_repro.store import migrations, schema

    registered = [m.name for m in migrations.MIGRATIONS]
    assert [m.name for m in schema.pending(sqlite3.connect(":memory:"))] == registered


def test_isolated_open_never_imports_sqlite_utils_or_pandas(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\nfrom pathlib import Path\n"
        "from jupyter_repro.store import LineageStore\n"
        f"store = LineageStore.open(Path({str(tmp_path / 'l.db')!r}), )\n"
        "assert store.schema_version >= 1, store.schema_version\n"
        "print(sorted(m for m in ('sqlite_utils', 'pandas', 'numpy') if m in sys.modules))\n"
    )
    for _ in range(2):  # first open creates the schema, the second finds it
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "[]"
