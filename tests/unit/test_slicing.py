"""Slicing a recorded session to what its targets depend on, on synthetic execution records."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from jupyter_repro.code_analysis.cell_names import analyze
from jupyter_repro.common.slicing import SliceResult, UnknownTarget, slice_session
from jupyter_repro.store.models import Execution, FileAccess, VariableState


@dataclass(frozen=True)
class Run:
    """One execution to record: `changed`/`removed` are space-separated names."""

    code: str
    changed: str = ""
    status: str = "ok"
    removed: str = ""
    cell: str | None = None
    read: tuple[str, ...] = ()
    wrote: tuple[str, ...] = ()


def record(runs: Sequence[Run]) -> tuple[list[Execution], dict[str, VariableState]]:
    """Executions with ids 1.. and the live state the store would derive from them."""
    executions, live = [], {}
    for number, run in enumerate(runs, start=1):
        changed = tuple(VariableState(n, f"h{number}:{n}", "object") for n in run.changed.split())
        files = tuple(FileAccess(p, "read", "x", 1, 1) for p in run.read) + tuple(
            FileAccess(p, "write", "y", 1, 1) for p in run.wrote
        )
        executions.append(
            Execution(
                id=number, session_id="s", notebook=None, cell_id=run.cell,
                execution_count=number, code=run.code,
                code_hash=hashlib.sha256(run.code.encode()).hexdigest(), started="", ended="",
                duration_ms=1.0, status=run.status, error_name=None, error_message=None,
                env_id=None, changed=changed, removed=tuple(run.removed.split()), files=files,
            )
        )  # fmt: skip
        live.update({v.name: v for v in changed})
        for name in run.removed.split():
            live.pop(name, None)
    return executions, live


def sliced(runs: Sequence[Run], targets: Sequence[str] | None = None) -> SliceResult:
    executions, live = record(runs)
    return slice_session(executions, live, targets)


def ids(result: SliceResult) -> list[int]:
    return [e.id for e in result.executions]


# --- Reads, writes, supersession. ---


def test_a_rebinding_supersedes_the_earlier_execution():
    assert ids(sliced([Run("x = 1", "x"), Run("x = 2", "x")])) == [2]


def test_rebinding_to_an_equal_value_supersedes_although_nothing_was_recorded_as_changed():
    assert ids(sliced([Run("x = 1", "x"), Run("x = 1")])) == [2]


def test_a_name_read_pulls_in_its_latest_writer_and_an_unused_helper_is_dropped():
    runs = [Run("x = 1", "x"), Run("tmp = 5", "tmp"), Run("x = 3", "x"), Run("y = x + 1", "y")]
    assert ids(sliced(runs, ["y"])) == [3, 4]


def test_a_name_read_then_assigned_is_a_read():
    assert ids(sliced([Run("x = 1", "x"), Run("x = x + 1", "x")])) == [1, 2]


def test_a_name_bound_before_it_is_read_in_the_same_cell_is_not_a_read():
    runs = [Run("y = 0", "y"), Run("y = 2\nz = y * 2", "y z")]
    assert ids(sliced(runs, ["z"])) == [2]


def test_executions_nothing_depends_on_are_dropped():
    runs = [Run("x = 1", "x"), Run("print(x)"), Run("x.bit_length()")]
    assert ids(sliced(runs)) == [1]


def test_a_conditional_bind_keeps_the_previous_writer():
    runs = [Run("x = 1", "x"), Run("flag = False", "flag"), Run("if flag:\n    x = 2")]
    assert ids(sliced(runs, ["x"])) == [1, 2, 3]


def test_a_name_bound_inside_a_loop_body_before_use_is_not_a_read():
    runs = [
        Run("y = 0", "y"),
        Run("out = []\nfor i in range(3):\n    y = i\n    out.append(y)", "out i y"),
    ]
    assert ids(sliced(runs, ["out"])) == [2]


# --- Mutation, aliases, functions. ---


def test_an_in_place_mutation_needs_the_execution_that_created_the_value():
    runs = [Run("df = make()", "df"), Run("df.loc[0, 'a'] = 1", "df")]
    assert ids(sliced(runs)) == [1, 2]


def test_a_cell_mutating_in_place_run_twice_needs_both_runs():
    runs = [
        Run("df = make()", "df"),
        Run("df['a'] += 1", "df", cell="c"),
        Run("df['a'] += 1", "df", cell="c"),
    ]
    assert ids(sliced(runs)) == [1, 2, 3]


def test_a_change_through_an_alias_makes_the_execution_a_writer_of_the_aliased_name():
    runs = [
        Run("a = [1]", "a"),
        Run("b = a", "b"),
        Run("other = 0", "other"),
        Run("b.append(2)", "a b"),
    ]
    result = sliced(runs, ["a"])
    assert ids(result) == [1, 2, 4]
    assert "a" in result.writes[4] and "a" not in result.reads[4]


def test_a_function_from_an_earlier_execution_mutating_a_global_is_followed():
    runs = [
        Run("data = []", "data"),
        Run("def add(v):\n    data.append(v)", "add"),
        Run("add(1)", "data"),
    ]
    result = sliced(runs, ["data"])
    assert ids(result) == [1, 2, 3]
    assert result.reads[3] == {"add", "data"}


def test_a_call_reads_the_globals_of_functions_defined_earlier_transitively():
    runs = [
        Run("def f():\n    return data[0]", "f"),
        Run("def g():\n    return f() + 1", "g"),
        Run("data = [7]", "data"),
        Run("y = g()", "y"),
    ]
    result = sliced(runs, ["y"])
    assert ids(result) == [1, 2, 3, 4]
    assert result.reads[4] == {"g", "f", "data"}


def test_using_a_class_from_an_earlier_execution_reads_the_globals_of_its_methods():
    runs = [
        Run("class Model:\n    def predict(self):\n        return weights * 2", "Model"),
        Run("weights = 3", "weights"),
        Run("y = Model().predict()", "y"),
    ]
    result = sliced(runs, ["y"])
    assert ids(result) == [1, 2, 3]
    assert result.reads[3] == {"Model", "weights"}


def test_an_object_made_by_a_notebook_class_reads_its_methods_globals_where_it_is_used():
    runs = [
        Run("class Model:\n    def predict(self):\n        return weights * 2", "Model"),
        Run("weights = 1", "weights"),
        Run("m = Model()", "m"),
        Run("weights = 3", "weights"),
        Run("y = m.predict()", "y"),
    ]
    result = sliced(runs, ["y"])
    assert ids(result) == [1, 2, 3, 4, 5]  # 2: Model's body read `weights` where m was made
    assert result.reads[5] == {"m", "Model", "weights"}


def test_a_function_redefined_by_a_failed_execution_keeps_its_old_body_unless_it_changed():
    runs = [
        Run("def f():\n    return a", "f"),
        Run("def f():\n    return b\nraise KeyError", status="error"),
        Run("y = f()", "y"),
    ]
    assert sliced(runs, ["y"]).reads[3] == {"f", "a"}


def test_a_redefined_function_reads_what_its_new_body_reads():
    runs = [
        Run("def f():\n    return old", "f"),
        Run("old = 1\nnew = 2", "old new"),
        Run("def f():\n    return new", "f"),
        Run("y = f()", "y"),
    ]
    assert sliced(runs, ["y"]).reads[4] == {"f", "new"}


def test_a_function_body_does_not_read_its_parameters_and_locals_from_the_session():
    runs = [
        Run("df = 1", "df"),
        Run("def f(df):\n    n = df\n    return n", "f"),
        Run("y = f(2)", "y"),
    ]
    assert ids(sliced(runs, ["y"])) == [2, 3]


# --- Failed and interrupted executions. ---


def test_a_failed_execution_that_changed_nothing_is_dropped():
    runs = [Run("x = 1", "x"), Run("x = 1 / 0", status="error")]
    result = sliced(runs)
    assert ids(result) == [1] and result.failed_kept == frozenset()


def test_a_failed_execution_that_changed_needed_state_is_kept_and_reported():
    runs = [Run("items = [1]", "items"), Run("items.append(2)\nraise ValueError", "items", "error")]
    result = sliced(runs)
    assert ids(result) == [1, 2]
    assert result.failed_kept == {2}


@pytest.mark.parametrize("status", ["error", "interrupted", "running"])
def test_the_binds_of_an_unfinished_execution_do_not_supersede_the_earlier_writer(status):
    runs = [Run("x = 1", "x"), Run("x = 2\nslow()", status=status)]
    assert ids(sliced(runs)) == [1]


def test_a_cell_that_does_not_parse_reads_nothing_and_writes_what_was_recorded():
    result = sliced([Run("y = 1", "y"), Run("x = = y", "x")], ["x"])
    assert ids(result) == [2]
    assert result.reads[2] == frozenset() and result.writes[2] == {"x"}


# --- Order, final values, files. ---


def test_the_slice_follows_execution_order_whatever_the_order_given():
    executions, live = record([Run("x = 1", "x", cell="b"), Run("y = x", "y", cell="a")])
    result = slice_session(list(reversed(executions)), live)
    assert ids(result) == [1, 2]


def test_a_target_comes_from_its_final_writer_even_if_that_cell_was_edited_since():
    runs = [Run("x = 1\ny = 0", "x y", cell="c"), Run("y = 5", "y", cell="c")]
    result = sliced(runs)
    assert ids(result) == [1, 2]
    assert result.targets["x"].hash == "h1:x" and result.targets["y"].hash == "h2:y"


def test_a_data_file_read_needs_the_execution_that_wrote_it():
    runs = [
        Run("save(0)", wrote=("out.csv",)),
        Run("save(1)", wrote=("out.csv",)),
        Run("unrelated = 1", "unrelated"),
        Run("df = load('out.csv')", "df", read=("out.csv",)),
    ]
    result = sliced(runs, ["df"])
    assert ids(result) == [2, 4]
    assert "file:out.csv" not in result.reads[4]


# --- Targets. ---


def test_a_cell_target_is_its_last_execution_and_what_it_depends_on():
    runs = [
        Run("x = 1", "x"),
        Run("y = x", "y", cell="c"),
        Run("y = x + 1\nz = 0", "y z", cell="c"),
        Run("z = 5", "z"),
    ]
    result = sliced(runs, ["cell:c"])
    assert ids(result) == [1, 3]
    assert set(result.targets) == {"y"}  # z ended the session with another value


def test_a_cell_target_that_changed_nothing_is_still_included():
    runs = [Run("x = 1", "x"), Run("print(x)", cell="p")]
    assert ids(sliced(runs, ["cell:p"])) == [1, 2]


@pytest.mark.parametrize("target", ["nope", "cell:nope"])
def test_a_target_never_recorded_is_refused(target):
    with pytest.raises(UnknownTarget, match=f"Target never recorded in this session: {target}"):
        sliced([Run("x = 1", "x")], [target])


def test_a_variable_deleted_before_the_end_is_refused_as_a_target():
    with pytest.raises(UnknownTarget, match="not alive"):
        sliced([Run("x = 1", "x"), Run("del x", removed="x")], ["x"])


def test_default_targets_are_every_variable_alive_at_the_end():
    result = sliced([Run("x = 1", "x"), Run("tmp = 2", "tmp"), Run("del tmp", removed="tmp")])
    assert ids(result) == [1] and set(result.targets) == {"x"}


# --- IPython syntax. ---


def test_names_inside_line_and_cell_magics_and_shell_expansions_are_read_and_bound():
    runs = [
        Run("f = g = x = path = w = 1", "f g x path w"),
        Run("%time y = f(x)\n!ls {path}", "y"),
        Run("%%time\nz = w + y", "z"),
    ]
    result = sliced(runs, ["z"])
    assert ids(result) == [1, 2, 3]
    assert result.reads[2] == {"f", "x", "path"} and result.writes[2] == {"y"}
    assert result.reads[3] == {"w", "y"}


@pytest.mark.parametrize(
    ("code", "reads", "binds", "definite"),
    [
        ("import numpy as np, os.path\nfrom a import b as c", "", "np os c", "np os c"),
        ("def f(a=d):\n    return a + e", "d e", "f", "f"),
        ("class A(B):\n    def m(self):\n        return g", "B g", "A", "A"),
        ("for i in items:\n    t = i", "items", "i t", ""),
        ("with open(p) as fh:\n    d = fh.read()\nd.split()", "open p", "fh d", "fh d"),
        ("x += 1", "x", "x", "x"),
        ("if (n := len(s)) > 2:\n    pass", "len s", "n", "n"),
        ("y = [v for v in vs if v > lim]", "vs lim", "y", "y"),
        ("f = lambda k: k + m", "m", "f", "f"),
        ("try:\n    u = 1\nexcept E as err:\n    print(err)\nprint(u)", "E print u", "u", ""),
        ("del x", "x", "x", "x"),
        ("x: int", "int", "", ""),
        ("%timeit -n 3 q = h(r)", "h r", "", ""),  # issue 11: timeit binds in its own scope
        ("a = !ls {folder}", "folder", "a", "a"),
    ],
)
def test_static_analysis_of_a_cell(code, reads, binds, definite):
    found = analyze(code)
    assert found is not None
    assert (found.reads, found.binds, found.definite) == (
        set(reads.split()),
        set(binds.split()),
        set(definite.split()),
    )


# Issue 11: %timeit binds in a scope of its own; see tests/unit/test_timeit_scope.py.


def test_slicing_does_not_take_timeit_for_the_cell_that_made_a_name():
    runs = [Run("x = [1, 2, 3]", "x"), Run("%timeit x = 5"), Run("y = x[2]", "y")]

    assert ids(sliced(runs, ["y"])) == [1, 3]


def test_slicing_keeps_a_timeit_whose_mutation_is_needed():
    runs = [Run("x = [1, 2, 3]", "x"), Run("%timeit -n1 -r1 t = x.append(4)", "x")]

    assert ids(sliced(runs, ["x"])) == [1, 2]


# --- Scale. ---


def test_a_thousand_execution_session_slices_correctly_and_quickly():
    runs = [Run("import numpy as np", "np"), Run("acc = []", "acc")]
    for i in range(1, 333):
        runs.append(Run(f"v = np.arange({i})", "v"))
        runs.append(Run("acc.append(v.mean())", "acc"))  # the same code: analysed once
        runs.append(Run(f"tmp = {i}", "tmp"))  # superseded, and nothing reads it
    runs += [Run("total = sum(acc)", "total"), Run("x = tmp + 1 / 0", status="error")]
    assert len(runs) == 1000
    start = time.perf_counter()
    result = sliced(runs, ["total"])
    elapsed = time.perf_counter() - start
    # total <- every append (a chain of mutations) <- the `v` just before each <- np, acc.
    kept = [e.code for e in result.executions]
    assert len(kept) == 2 + 2 * 332 + 1
    assert kept[:4] == [
        "import numpy as np",
        "acc = []",
        "v = np.arange(1)",
        "acc.append(v.mean())",
    ]
    assert not any(code.startswith(("tmp", "x =")) for code in kept)
    assert elapsed < 5  # a hang guard only: it takes tens of milliseconds
