"""What the recorder writes after an execution's end: why a record is incomplete, final digests."""

from __future__ import annotations

from jupyter_repro.store import (
    ExecutionEnd,
    ExecutionStart,
    LineageStore,
    Session,
    VariableState,
)


def test_incomplete_records_say_what_they_lack(tmp_path):
    with LineageStore.open(tmp_path / "lineage.db") as store:
        store.add_session(Session("s1", None, None, "t", 1, "h"))
        done = store.start_execution(ExecutionStart("s1", None, "c1", "x = 1", "t"))
        store.finish_execution(done, ExecutionEnd(1, "t", 1.0, "ok"))
        cut = store.start_execution(ExecutionStart("s1", None, "c2", "y = [0] * 10**8", "t"))
        reason = "variables not recorded: Stop was pressed while they were hashed"
        store.finish_execution(cut, ExecutionEnd(2, "t", 1.0, "ok", incomplete=reason))
        assert [e.incomplete for e in store.executions()] == [None, reason]


def test_late_digests_replace_provisional_ones_and_drop_unchanged_names(tmp_path):
    pending = {"incomplete": ["time_budget"], "background": "pending"}
    with LineageStore.open(tmp_path / "lineage.db") as store:
        store.add_session(Session("s1", None, None, "t", 1, "h"))
        run = store.start_execution(ExecutionStart("s1", None, "c1", "big.append(1); n = 2", "t"))
        provisional = (
            VariableState("big", "pending:builtins.list", "builtins.list", pending, False),
            VariableState("n", "xxh3:n", "builtins.int"),
            VariableState("same", "pending:builtins.dict", "builtins.dict", pending, False),
        )
        store.finish_execution(run, ExecutionEnd(1, "t", 1.0, "ok", changed=provisional))
        final = VariableState("big", "xxh3:big", "builtins.list", {"len": 3})
        store.update_variables(run, [final], unchanged=["same"])
        (execution,) = store.executions()
        assert execution.changed == (provisional[1], final)
        assert store.live_state("s1") == {"big": final, "n": provisional[1]}
