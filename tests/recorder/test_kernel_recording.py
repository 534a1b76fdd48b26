"""The recorder inside a real `repro-python3` kernel, driven the way JupyterLab drives it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from jupyter_repro.store import LineageStore, StoreUnavailable

from .kernels import collect, execute, kernel, send


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "lineage.db"


def read(db: Path) -> LineageStore:
    return LineageStore.open(db, create=False)


def test_every_execution_is_recorded_with_cell_ids_in_order(tmp_path, db):
    with kernel(tmp_path, db) as (manager, client):
        kernel_file = Path(manager.connection_file).name
        execute(client, "data = [1, 2, 3]", "cell-a")
        execute(client, "total = sum(data)", "cell-b")
        execute(client, "data.append(4)", "cell-c")

    with read(db) as store:
        executions = store.executions()
        session = store.latest_session()

    assert [e.cell_id for e in executions] == ["cell-a", "cell-b", "cell-c"]
    assert [e.execution_count for e in executions] == [1, 2, 3]
    assert [e.code for e in executions] == [
        "data = [1, 2, 3]",
        "total = sum(data)",
        "data.append(4)",
    ]
    assert all(e.status == "ok" and e.duration_ms is not None for e in executions)
    assert session is not None and session.kernel_name == "repro-python3"
    assert kernel_file == f"kernel-{session.kernel_id}.json"
    assert [v.name for v in executions[0].changed] == ["data"]
    assert [v.name for v in executions[1].changed] == ["total"]
    assert [v.name for v in executions[2].changed] == ["data"]
    assert executions[0].changed[0].hash != executions[2].changed[0].hash


def test_user_sees_exactly_what_a_plain_kernel_shows(tmp_path, db):
    cells = [
        "x = 41\nprint('hello')\nx + 1",
        "import sys; print('oops', file=sys.stderr)",
        "def f(n):\n    return 1 / n\nf(0)",
        "[i * i for i in range(5)]",
        "undefined_name",
        "for i in range(3): print(i)",
    ]
    seen = {}
    for name in ("python3", "repro-python3"):
        with kernel(tmp_path, db, name=name) as (_, client):
            seen[name] = [execute(client, code) for code in cells]

    assert seen["repro-python3"] == seen["python3"]


def test_errors_are_recorded_with_name_and_message(tmp_path, db):
    with kernel(tmp_path, db) as (_, client):
        reply = execute(client, "raise ValueError('bad threshold: -1')", "c1")

    with read(db) as store:
        (execution,) = store.executions()

    assert reply.error == ("ValueError", "bad threshold: -1")
    assert execution.status == "error"
    assert execution.error_name == "ValueError"
    assert execution.error_message == "bad threshold: -1"


def test_interrupted_cell_is_recorded_as_interrupted(tmp_path, db):
    with kernel(tmp_path, db) as (manager, client):
        msg_id = send(client, "import time\ntime.sleep(30)", "slow")
        time.sleep(1.5)
        manager.interrupt_kernel()
        reply = collect(client, msg_id)
        execute(client, "after = 1", "next")

    with read(db) as store:
        slow, after = store.executions()

    assert reply.error is not None and reply.error[0] == "KeyboardInterrupt"
    assert slow.status == "interrupted"
    assert after.status == "ok"


def test_kernel_killed_mid_cell_leaves_an_interrupted_record(tmp_path, db):
    with kernel(tmp_path, db) as (manager, client):
        execute(client, "ready = True", "c1")
        send(client, "import time\ntime.sleep(60)", "doomed")
        deadline = time.time() + 30
        while time.time() < deadline:  # the record is written before the cell runs
            with read(db) as store:
                if len(store.executions()) == 2:
                    break
            time.sleep(0.1)
        process = manager.provisioner.process  # SIGKILL: no chance to write anything more
        process.kill()
        process.wait()

    with read(db) as store:
        first, doomed = store.executions()

    assert doomed.code == "import time\ntime.sleep(60)"
    assert doomed.status == "interrupted"
    assert doomed.ended is None


def test_a_cell_sees_the_records_of_every_cell_before_it(tmp_path, db):
    # Records are written just after the kernel goes idle, off the cells' path; the next cell
    # waits for them. Sent back to back (Run All), with a record slow to write (3000 variables),
    # the second cell would otherwise read the store before the first's record is there.
    first = "globals().update({f'v{i}': i for i in range(3000)})"
    second = (
        "from jupyter_repro.store import LineageStore\n"
        f"with LineageStore.open({str(db)!r}, create=False, readonly=True) as s:\n"
        "    print(sorted(v.name for v in s.live_state(s.latest_session().id).values())[:2])"
    )
    with kernel(tmp_path, db) as (_, client):
        execute(client, "warm = 1")  # the store is open
        ids = [send(client, first), send(client, second)]
        replies = [collect(client, msg_id) for msg_id in ids]

    assert replies[1].stdout == "['v0', 'v1']\n", replies[1]


def test_unwritable_store_warns_once_and_the_kernel_keeps_working(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    with kernel(tmp_path, blocker / "lineage.db") as (_, client):
        first = execute(client, "a = 1\na + 1")
        second = execute(client, "a + 2")

    assert first.results == [{"text/plain": "2"}] and second.results == [{"text/plain": "3"}]
    assert "[jupyter-repro] lineage is not recorded" in first.stderr
    assert second.stderr == ""


def test_same_value_hashes_the_same_in_two_kernels(tmp_path, db):
    code = (
        "import numpy as np, pandas as pd\n"
        "values = {'b': [1.5, None, 'x'], 'a': {3, 1, 2}}\n"
        "arr = np.arange(12, dtype='float32').reshape(3, 4)[:, ::2]\n"
        "df = pd.DataFrame({'k': ['u', 'v'], 'n': [1, 2]}).astype({'k': 'category'})"
    )
    with kernel(tmp_path, db) as (_, client):
        execute(client, code, "c1")
    with kernel(tmp_path, db) as (_, client):
        execute(client, code, "c1")

    with read(db) as store:
        first, second = (store.live_state(s.id) for s in store.sessions())

    for name in ("values", "arr", "df"):
        assert first[name].hash == second[name].hash, name


def test_four_concurrent_kernels_lose_nothing(tmp_path, db):
    from contextlib import ExitStack

    cells = 25
    with ExitStack() as stack:
        clients = [stack.enter_context(kernel(tmp_path, db))[1] for _ in range(4)]
        pending = []
        for i in range(cells):
            for k, client in enumerate(clients):
                pending.append((client, send(client, f"v{k} = {i}", f"k{k}-c{i}")))
        for client, msg_id in pending:
            assert collect(client, msg_id).status == "ok"

    with read(db) as store:
        executions = store.executions()
        sessions = store.sessions()

    assert len(sessions) == 4
    assert len(executions) == 4 * cells
    assert all(e.status == "ok" and len(e.changed) == 1 for e in executions)


def test_a_kernel_the_server_named_opens_its_store_and_environment_before_the_first_cell(
    tmp_path, db
):
    """The first cell pays neither for creating the store nor for capturing the environment
    (about 90 ms, 7% of a short notebook): a kernel jupyter-server started for a notebook does
    both while it starts, and the first record names that environment."""
    notebook = tmp_path / "first.ipynb"
    with kernel(tmp_path, db, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        sessions = None
        deadline = time.time() + 30
        while sessions is None and time.time() < deadline:  # before any cell ran
            try:
                with read(db) as store:
                    sessions, executions = store.sessions() or None, store.executions()
            except StoreUnavailable:  # not created yet, or created and not migrated yet
                time.sleep(0.05)
        assert sessions is not None, "no store before the first cell"
        assert [s.notebook for s in sessions] == [str(notebook)] and executions == []
        execute(client, "x = 1", "c1")

    with read(db) as store:
        [first] = store.executions()
        assert first.env_id is not None and store.environment(first.env_id) is not None


def test_a_kernel_asked_to_stop_right_after_a_cell_writes_that_cells_record(tmp_path, db):
    # The record of a quick cell is written once the kernel is idle; a shutdown request sent
    # at once (jupyter-server's Shut Down, nbclient's end of run) must not lose it.
    with kernel(tmp_path, db) as (manager, client):
        execute(client, "warm = 1")
        collect(client, send(client, "last = 2", "c-last"))
        manager.shutdown_kernel(now=False)

    with read(db) as store:
        assert [e.cell_id for e in store.executions()][-1] == "c-last"
