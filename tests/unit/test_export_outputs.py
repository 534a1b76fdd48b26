"""What an export shows and locks of the recorded outputs, on hand-built execution records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from jupyter_repro.common.slicing import every_ok
from jupyter_repro.script.cell_outputs import reproducible, with_show_call
from jupyter_repro.script.lockfile import LockedCell, LockedOutput, read_lock
from jupyter_repro.script.targets import NO_OUTPUTS, UNMATCHED, choose, output_targets
from jupyter_repro.store.models import Execution, OutputFingerprint, VariableState


def out(kind: str, mime: str = "text/plain", index: int = 0, name: str | None = None):
    return OutputFingerprint(index, kind, mime, 10, f"xxh3:{kind}{mime}{index}", name)


RESULT = out("execute_result")
FIGURE = out("display_data", "image/png", 1)
STDOUT = out("stream", name="stdout")
STDERR = out("stream", name="stderr")


def run(number: int, code: str, cell: str | None = None, changed: str = "", **fields) -> Execution:
    states = tuple(VariableState(n, f"h{number}:{n}", "object") for n in changed.split())
    return Execution(
        id=number, session_id="s", notebook=None, cell_id=cell, execution_count=number,
        code=code, code_hash=hashlib.sha256(code.encode()).hexdigest(), started="", ended="",
        duration_ms=1.0, status=fields.pop("status", "ok"), error_name=None, error_message=None,
        env_id=None, changed=states, **fields,
    )  # fmt: skip


def live_of(executions: list[Execution]) -> dict[str, VariableState]:
    return {v.name: v for e in executions for v in e.changed}


# --- which outputs are kept ---


def test_stderr_errors_and_failed_executions_are_not_kept():
    assert reproducible(run(1, "x", outputs=(STDOUT, STDERR, RESULT))) == (STDOUT, RESULT)
    failed = run(2, "x", status="error", outputs=(STDOUT, out("error", "application/x")))
    assert reproducible(failed) == ()


def test_text_streams_of_a_cell_with_ipython_syntax_are_not_kept():
    timed = run(1, "%time total = 3\ntotal", outputs=(STDOUT, RESULT))

    assert reproducible(timed) == (RESULT,)


# --- how a cell shows them ---


def test_last_expression_becomes_the_shown_value_keeping_its_comment():
    code = "x = 1\nx + 1  # the answer"

    assert with_show_call(code, (RESULT,), 4) == "x = 1\n_repro_show(x + 1, cell=4)  # the answer"


def test_multiline_and_non_ascii_expressions_are_wrapped_whole():
    code = 'label = "é"\nf(label,\n  "ü")'

    assert (
        with_show_call(code, (RESULT,), 2) == 'label = "é"\n_repro_show(f(label,\n  "ü"), cell=2)'
    )


def test_a_cell_that_only_displayed_ends_with_a_bare_show_call():
    assert with_show_call("df.plot();", (FIGURE,), 3) == "df.plot();\n_repro_show(cell=3)"
    assert with_show_call("x = 1", (RESULT, FIGURE), 3) == "x = 1\n_repro_show(cell=3)"


def test_a_cell_that_only_printed_is_left_as_is():
    assert with_show_call("print(1)", (STDOUT,), 1) == "print(1)"


# --- which executions an export keeps ---

SESSION = [
    run(1, "import pandas as pd\ndf = pd.DataFrame()", "load", "df pd"),
    run(2, "df.describe()", "describe", outputs=(RESULT,)),
    run(3, "df.describe()", "gone", outputs=(RESULT,)),  # deleted from the notebook since
    run(4, "df.plot()", "plot", status="error", outputs=(out("error", "application/x"),)),
    run(5, "n = len(df)\nprint(n)", "count", "n", outputs=(STDOUT,)),
]


def test_default_targets_the_variables_and_the_outputs_of_cells_still_in_the_notebook():
    cells = {"load", "describe", "plot", "count"}

    chosen = choose(SESSION, live_of(SESSION), cells)

    assert output_targets(SESSION, cells) == ["cell:describe", "cell:count"]
    assert [e.id for e in chosen.sliced.executions] == [1, 2, 5]
    assert chosen.outputs and chosen.warnings == ()


def test_no_outputs_and_explicit_targets_slice_as_before():
    cells = {"load", "describe", "count"}

    state_only = choose(SESSION, live_of(SESSION), cells, outputs=False)
    narrowed = choose(SESSION, live_of(SESSION), cells, ["cell:describe"])

    assert [e.id for e in state_only.sliced.executions] == [1, 5]
    assert not state_only.outputs
    assert [e.id for e in narrowed.sliced.executions] == [1, 2]
    assert narrowed.outputs  # the cells it keeps still show their outputs


def test_a_notebook_whose_cells_match_no_execution_is_said_to_have_no_output_targets():
    chosen = choose(SESSION, live_of(SESSION), {"other", "ids"})

    assert [e.id for e in chosen.sliced.executions] == [1, 5]
    assert chosen.warnings == (UNMATCHED,)


def test_a_session_without_any_recorded_output_exports_variables_with_a_warning():
    quiet = [run(1, "x = 1", "a", "x"), run(2, "x", "b")]

    chosen = choose(quiet, live_of(quiet), {"a", "b"})

    assert [e.id for e in chosen.sliced.executions] == [1]
    assert (chosen.outputs, chosen.warnings) == (False, (NO_OUTPUTS,))


def test_all_keeps_every_ok_execution_in_order_and_only_targets_they_left():
    session = [
        run(1, "x = 1", "a", "x"),
        run(2, "scratch = 0", "b", "scratch"),
        run(3, "x = 2", "a", "x"),
        run(4, "y = 1\n1 / 0", "c", "y", status="error"),
    ]

    result = every_ok(session, live_of(session))

    assert [e.id for e in result.executions] == [1, 2, 3]
    assert sorted(result.targets) == ["scratch", "x"]  # y was left behind by a failed cell
    assert choose(session, live_of(session), set(), everything=True).sliced == result


# --- the lock ---


def test_lock_cells_keep_outputs_sorted_and_old_locks_read_as_not_locked(tmp_path: Path):
    shown = LockedCell(7, "c", {"x": "h"}, (LockedOutput(1, "display_data", "image/png", "h2", 9),))
    data = shown.to_json()
    assert data["outputs"] == [
        {"index": 1, "output_type": "display_data", "mime": "image/png", "hash": "h2",
         "size": 9, "name": None}
    ]  # fmt: skip
    assert LockedCell.from_json(json.loads(json.dumps(data))) == shown
    assert "outputs" not in LockedCell(7, "c").to_json()

    cell = {"execution": 1, "cell_id": None, "changed": {}}
    old = {"format": "jupyter-repro-lock/1", "source": {}, "python": {}, "packages": {},
           "files": {}, "targets": {}, "cells": [cell]}  # fmt: skip
    path = tmp_path / "old.repro.lock"
    path.write_text(json.dumps(old))
    assert read_lock(path).cells[0].outputs is None


@pytest.mark.parametrize("code", ["", "x = (", "for i in []:\n    pass"])
def test_code_without_a_last_expression_gets_the_bare_call(code):
    assert with_show_call(code, (RESULT,), 1).endswith("_repro_show(cell=1)")
