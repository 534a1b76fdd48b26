"""Slicing sessions a real `repro-python3` kernel recorded, then replaying the slice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jupyter_repro.common.slicing import SliceResult, slice_session
from jupyter_repro.store import LineageStore

from ..recorder.kernels import execute, kernel


def record(tmp_path: Path, cells: Sequence[tuple[str, str]]) -> Path:
    """Run (cell id, code) pairs in one kernel, in this order; return the lineage db."""
    db = tmp_path / "lineage.db"
    with kernel(tmp_path, db) as (_, client):
        for cell_id, code in cells:
            execute(client, code, cell_id)
    return db


def sliced(db: Path, targets: Sequence[str] | None = None) -> SliceResult:
    with LineageStore.open(db, create=False) as store:
        session = store.latest_session()
        assert session is not None
        return slice_session(
            store.executions(session_id=session.id), store.live_state(session.id), targets
        )


def codes(result: SliceResult) -> list[str]:
    return [e.code for e in result.executions]


def replay(result: SliceResult) -> dict[str, Any]:
    """Run the slice as plain Python, as an exported script would; `%time` runs its code."""
    from IPython.core.inputtransformer2 import TransformerManager

    namespace: dict[str, Any] = {}
    namespace["get_ipython"] = lambda: _Shell(namespace)
    for execution in result.executions:
        code = TransformerManager().transform_cell(execution.code)
        try:
            exec(compile(code, f"<execution {execution.id}>", "exec"), namespace)
        except Exception:  # noqa: BLE001 - whatever a failed cell raised, it must be a kept failure
            assert execution.id in result.failed_kept
    return namespace


class _Shell:
    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace

    def run_line_magic(self, name: str, line: str) -> None:
        assert name == "time"
        exec(line, self.namespace)


def test_cells_run_out_of_order_and_an_edited_cell_slice_in_execution_order(tmp_path):
    db = record(
        tmp_path,
        [
            ("a", "x = 10"),
            ("c", "x = 1"),  # notebook order a, b, c; run a, c, b
            ("b", "y = x * 2"),
            ("load", "data = [1, 2, 3]"),
            ("load", "data = [4, 5, 6]"),  # the same cell, edited and re-run
            ("sum", "total = sum(data) + y"),
            ("t", "%time w = y + 1"),  # IPython syntax: the names inside the magic count
        ],
    )
    result = sliced(db)
    assert codes(result) == [
        "x = 1",
        "y = x * 2",
        "data = [4, 5, 6]",
        "total = sum(data) + y",
        "%time w = y + 1",
    ]
    assert result.reads[result.executions[-1].id] == {"y"}
    replayed = replay(result)
    assert (replayed["x"], replayed["y"], replayed["total"], replayed["w"]) == (1, 2, 17, 3)
    assert codes(sliced(db, ["cell:b"])) == ["x = 1", "y = x * 2"]


def test_a_dataframe_mutated_by_a_cell_run_twice_needs_both_runs_and_a_helper_is_dropped(
    tmp_path,
):
    db = record(
        tmp_path,
        [
            ("imp", "import pandas as pd"),
            ("make", "df = pd.DataFrame({'a': [1, 2]})"),
            ("peek", "shape = df.shape"),  # a helper nothing depends on
            ("inc", "df['a'] += 1"),
            ("inc", "df['a'] += 1"),
        ],
    )
    result = sliced(db, ["df"])
    assert codes(result) == [
        "import pandas as pd",
        "df = pd.DataFrame({'a': [1, 2]})",
        "df['a'] += 1",
        "df['a'] += 1",
    ]
    assert list(replay(result)["df"]["a"]) == [3, 4]
    assert result.targets["df"].hash == sliced(db).targets["df"].hash


def test_a_change_through_an_alias_and_through_an_earlier_function_are_followed(tmp_path):
    db = record(
        tmp_path,
        [
            ("1", "a = [1]"),
            ("2", "b = a"),
            ("3", "unused = 42"),
            ("4", "b.append(2)"),  # changes a, whose name the code never mentions
            ("5", "log = []"),
            ("6", "def note(v):\n    log.append(v)"),
            ("7", "note('x')"),  # changes log inside a function from cell 6
        ],
    )
    alias = sliced(db, ["a"])
    assert codes(alias) == ["a = [1]", "b = a", "b.append(2)"]
    assert replay(alias)["a"] == [1, 2]
    function = sliced(db, ["log"])
    assert codes(function) == ["log = []", "def note(v):\n    log.append(v)", "note('x')"]
    assert function.reads[function.executions[-1].id] == {"note", "log"}
    assert replay(function)["log"] == ["x"]


def test_a_failing_cell_is_dropped_unless_it_changed_needed_state(tmp_path):
    db = record(
        tmp_path,
        [
            ("1", "items = [1]"),
            ("2", "z = 1 / 0"),  # fails before binding anything
            ("3", "items.append(2)\nraise ValueError('boom')"),  # fails after a mutation
            ("4", "count = len(items)"),
        ],
    )
    result = sliced(db)
    assert codes(result) == [
        "items = [1]",
        "items.append(2)\nraise ValueError('boom')",
        "count = len(items)",
    ]
    assert result.failed_kept == {result.executions[1].id}
    assert replay(result)["count"] == 2


def test_a_data_file_written_by_one_cell_and_read_by_another_links_them(tmp_path):
    db = record(
        tmp_path,
        [
            ("w", "with open('raw.txt', 'w') as fh:\n    fh.write('5')"),
            ("other", "unrelated = 1"),
            ("r", "with open('raw.txt') as fh:\n    value = int(fh.read())"),
        ],
    )
    result = sliced(db, ["value"])
    assert [e.cell_id for e in result.executions] == ["w", "r"]
