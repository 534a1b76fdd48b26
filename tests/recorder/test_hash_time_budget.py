"""A cell's hashing stays within its time budget; what does not fit is hashed in a snapshot
(a forked copy of the kernel) and arrives later, exact, for the cell that left it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from jupyter_repro.recorder import change_tracker
from jupyter_repro.recorder.change_tracker import CellChanges, ChangeTracker, LateResult
from jupyter_repro.recorder.snapshot_hashing import SnapshotPool
from jupyter_repro.recorder.state_hash import hash_value

#: Its full hash cannot fit a 50 ms budget: C-level passes over a million objects, and more.
BIG = 500_000
needs_fork = pytest.mark.skipif(not SnapshotPool.available(), reason="snapshots need os.fork")


class Kernel:
    """A namespace driven like IPython drives the tracker, with a token per cell."""

    def __init__(self, tracker: ChangeTracker) -> None:
        self.ns: dict[str, Any] = {"__name__": "__main__"}
        self.tracker = tracker
        self.cells = 0
        self.seconds = 0.0

    @property
    def hashed(self) -> set[str]:
        return set(self.tracker.stats.hashed_names)

    def run(self, code: str) -> CellChanges:
        self.tracker.before_cell(self.ns)
        exec(compile(code, "<cell>", "exec"), self.ns)
        self.cells += 1
        start = time.perf_counter()
        result = self.tracker.after_cell(self.ns, code, token=self.cells)
        self.seconds = time.perf_counter() - start
        return result

    def late(self) -> dict[Any, LateResult]:
        assert self.tracker.wait(60)
        return {late.token: late for late in self.tracker.late_results()}


@pytest.fixture
def k() -> Any:
    kernel = Kernel(ChangeTracker(time_budget_s=0.05))
    yield kernel
    kernel.tracker.close()


@needs_fork
def test_a_big_container_leaves_the_cell_fast_and_its_hash_arrives_exact(k: Kernel) -> None:
    k.run(f"big = [[i] for i in range({BIG})]\nasmall = [1]")  # hashed first: names in order
    result = k.run("big[0].append(1)\nasmall.append(2)")
    assert k.seconds < 0.5  # the full hash took seconds before; the budget is 50 ms
    assert result.pending == ["big"]
    provisional = result.changed["big"]
    assert not provisional.complete and provisional.hash.startswith("pending:")
    assert provisional.summary == {"incomplete": ["time_budget"], "background": "pending"}
    assert result.changed["asmall"].complete  # what fits is hashed in the cell
    late = k.late()
    assert late[2].changed["big"] == hash_value(k.ns["big"])


@needs_fork
def test_the_snapshot_holds_the_value_as_its_cell_left_it(k: Kernel) -> None:
    as_left = [[i] for i in range(BIG)]  # an equal, separate value, for the expected hash
    k.run(f"big = [[i] for i in range({BIG})]")
    k.run("big[0].append('later')")  # straight away, while the first snapshot still hashes
    late = k.late()
    assert late[1].changed["big"].hash == hash_value(as_left).hash
    as_left[0].append("later")
    assert late[2].changed["big"].hash == hash_value(as_left).hash


@needs_fork
def test_a_value_that_turned_out_unchanged_is_withdrawn(k: Kernel) -> None:
    k.run(f"big = [[i] for i in range({BIG})]")
    k.late()
    result = k.run("asize = len(big)")
    assert result.pending == ["big"]  # the cell named it: it had to be looked at
    late = k.late()[2]
    assert late.unchanged == ("big",) and late.changed == {}


@needs_fork
def test_a_pending_value_counts_as_sharing_anything(k: Kernel) -> None:
    k.run(f"big = [[i] for i in range({BIG})]\nrow = big[3]")
    result = k.run("row.append(7)")  # mutates big through an alias while big is pending
    assert "big" in result.changed
    assert k.late()[2].changed["big"] == hash_value(k.ns["big"])


def test_without_snapshots_the_value_is_marked_incomplete(monkeypatch: Any) -> None:
    monkeypatch.setattr(SnapshotPool, "available", staticmethod(lambda: False))
    k = Kernel(ChangeTracker(time_budget_s=0.02))
    result = k.run(f"big = [[i] for i in range({BIG})]")
    assert k.seconds < 0.5
    digest = result.changed["big"]
    assert not digest.complete and result.pending == []
    assert digest.summary == {"incomplete": ["time_budget"], "background": "unavailable"}
    assert k.tracker.late_results() == []


@needs_fork
def test_a_value_waits_for_a_free_snapshot_then_gets_one() -> None:
    pool = SnapshotPool(max_running=0)
    k = Kernel(ChangeTracker(time_budget_s=0.02, snapshots=pool))
    result = k.run(f"big = [[i] for i in range({BIG})]")
    assert result.changed["big"].summary["background"] == "waiting"
    assert result.pending == ["big"]
    pool.max_running = 2
    k.run("x = 1")  # before it, nothing has run since: big still holds what cell 1 left
    late = k.late()
    assert late[1].changed["big"] == hash_value(k.ns["big"])
    k.tracker.close()


@needs_fork
def test_a_waiting_value_a_later_cell_changed_again_is_given_up() -> None:
    pool = SnapshotPool(max_running=0)
    k = Kernel(ChangeTracker(time_budget_s=0.02, snapshots=pool))
    k.run(f"big = [[i] for i in range({BIG})]")
    k.run("big[0].append(1)")  # no fork while none is free: cell 1's value is lost for good
    pool.max_running = 2
    late = k.late()
    assert late[1].changed["big"].summary["background"] == "superseded by a later cell"
    assert late[2].changed["big"] == hash_value(k.ns["big"])
    k.tracker.close()


@needs_fork
def test_a_snapshot_that_dies_leaves_an_honest_incomplete_hash(
    k: Kernel, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    real = change_tracker.hash_value

    def dies_in_the_child(value: Any, **options: Any) -> Any:
        if "deadline" not in options:  # only the snapshot hashes without a deadline
            os._exit(3)
        return real(value, **options)

    monkeypatch.setattr(change_tracker, "hash_value", dies_in_the_child)
    k.run(f"big = [[i] for i in range({BIG})]")
    digest = k.late()[1].changed["big"]
    assert not digest.complete and digest.hash.startswith("pending:")
    assert digest.summary["background"] == "failed (died)"


def test_no_budget_hashes_everything_in_the_cell() -> None:
    k = Kernel(ChangeTracker())
    result = k.run("big = [[i] for i in range(200_000)]")
    assert result.pending == [] and result.changed["big"].complete


@needs_fork
def test_a_recording_kernel_writes_the_late_hashes_into_each_cells_record(tmp_path: Any) -> None:
    from jupyter_repro.store import LineageStore

    from .kernels import execute, kernel

    pause = "import time\ntime.sleep(1.5)"  # a person reading: the snapshot finishes meanwhile
    cells = [
        f"big = [[i] for i in range({BIG})]",
        pause,
        "big[0].append(1)",
        pause,
        "from jupyter_repro.recorder.state_hash import hash_value\nprint(hash_value(big).hash)",
    ]
    db = tmp_path / "lineage.db"
    env = {"JUPYTER_REPRO_HASH_TIME_BUDGET_MS": "20"}
    with kernel(tmp_path, db, env=env) as (manager, client):
        replies = [execute(client, code) for code in cells]
        manager.shutdown_kernel()  # as JupyterLab does: the recorder waits for late hashes
    assert all(r.status == "ok" for r in replies)
    with LineageStore.open(db, create=False) as store:
        states = [{v.name: v for v in e.changed} for e in store.executions()]
    first, second = states[0]["big"], states[2]["big"]
    assert first.complete and second.complete  # arrived after their cells, written into them
    assert second.hash == replies[4].stdout.strip() != first.hash
    assert "big" not in states[4]  # the last cell only read it: withdrawn once hashed


@needs_fork
def test_at_exit_the_latest_value_comes_first() -> None:
    k = Kernel(ChangeTracker(time_budget_s=0.05, snapshots=SnapshotPool(max_running=1)))
    k.run(f"big = [[i] for i in range({BIG})]")
    k.run("big[0].append(1)")  # the only snapshot still hashes cell 1's value: this one waits
    assert k.tracker.wait(60, latest_first=True)  # as the kernel exits: cell 1's is stopped
    late = {late.token: late for late in k.tracker.late_results()}
    first = late[1].changed["big"]
    assert not first.complete and first.summary["background"] == "superseded by a later cell"
    assert late[2].changed["big"] == hash_value(k.ns["big"])
    k.tracker.close()


@needs_fork
def test_a_pending_value_whose_structure_is_quick_to_list_is_tracked_exactly() -> None:
    import numpy as np

    k = Kernel(ChangeTracker(time_budget_s=0.02))
    k.ns["np"] = np
    k.run("small = [1]")
    result = k.run("arrays = [np.ones(8_000_000) * i for i in range(4)]")
    assert result.pending == ["arrays"]  # 256 MB of numbers do not fit 20 ms
    k.run("small.append(2)")
    assert "arrays" not in k.hashed  # its snapshot still hashes, yet nothing shares with it
    result = k.run("arrays[0][0] = 5")
    assert "arrays" in result.changed
    assert k.late()[4].changed["arrays"] == hash_value(k.ns["arrays"])
    k.tracker.close()


@needs_fork
def test_a_value_quick_last_time_is_hashed_in_the_cell_past_the_budget(k: Kernel) -> None:
    # The budget spent on a big value, a small one hashed quickly before is still hashed in
    # the cell: a snapshot's fork costs far more than it.
    k.run(f"small = 1\nbig = [[i] for i in range({BIG})]")
    k.tracker.late_results()
    result = k.run("big[0].append(1)\nsmall = 2")
    assert result.pending == ["big"]
    assert result.changed["small"].complete
    assert "small" not in k.tracker.stats.deferred


def test_a_figure_read_by_its_axes_first_is_hashed_in_the_cell_not_in_a_snapshot(
    k: Kernel,
) -> None:
    # Alone, the figure would not fit what is left (its cost as learnt alone, made large
    # here); once the array of its axes was hashed, it reuses what they read: a short try.
    k.run(
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "fig, axes = plt.subplots(4, 4)"
    )
    k.tracker.late_results()
    k.tracker._cost["fig"] = 10.0
    result = k.run("for a in axes.flat:\n    a.plot([1, 2, 3])\nfig.suptitle('t')")
    assert "fig" not in k.tracker.stats.deferred and result.changed["fig"].complete
    assert result.changed["fig"].hash == hash_value(k.ns["fig"]).hash
    k.run("plt.close('all')")
