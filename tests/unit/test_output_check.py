"""Verify's comparison of re-run outputs with the lock, and how the report shows it."""

from __future__ import annotations

import json

from jupyter_repro.script.lockfile import LockedCell, LockedOutput, ReproLock
from jupyter_repro.store.models import Execution, OutputFingerprint
from jupyter_repro.verify.output_check import NOT_LOCKED, compare_outputs
from jupyter_repro.verify.report import VerifyReport
from jupyter_repro.verify.report_text import render_text

PNG = LockedOutput(1, "display_data", "image/png", "xxh3:png")
TEXT = LockedOutput(0, "execute_result", "text/plain", "xxh3:text")
PRINTED = LockedOutput(0, "stream", "text/plain", "xxh3:out", name="stdout")


def lock(*outputs: LockedOutput | None) -> ReproLock:
    cells = (LockedCell(7, "plot", {}, None if outputs == (None,) else tuple(outputs)),)
    return ReproLock({}, {}, {}, {}, {}, cells)  # type: ignore[arg-type]


def redo(*outputs: tuple[str, str, str, str | None]) -> dict[int, Execution]:
    """The re-run of execution 7 showing (output_type, mime, hash, name) outputs in order."""
    shown = tuple(OutputFingerprint(i, t, m, 1, h, n) for i, (t, m, h, n) in enumerate(outputs))
    return {
        7: Execution(
            id=1, session_id="v", notebook=None, cell_id="c2", execution_count=1, code="",
            code_hash="", started="", ended="", duration_ms=1.0, status="ok", error_name=None,
            error_message=None, env_id=None, outputs=shown,
        )
    }  # fmt: skip


SAME = ("execute_result", "text/plain", "xxh3:text", None)
FIGURE = ("display_data", "image/png", "xxh3:png", None)


def report(found, runs: int = 1) -> VerifyReport:
    return VerifyReport(
        script="s.py", targets=0, matched=(), mismatched=(), missing=(), unhashable=(),
        first_divergence=None, files=(), environment=(), errors=(), runs=runs,
        nondeterministic=(), notes=(), seconds=0.1, outputs=found,
    )  # fmt: skip


def test_outputs_pair_by_kind_and_rank_so_an_extra_output_shifts_nothing():
    warning = ("stream", "text/plain", "xxh3:warn", "stderr")
    extra = ("display_data", "text/html", "xxh3:x", None)

    found = compare_outputs(lock(TEXT, PNG), [redo(warning, SAME, extra, FIGURE)])

    assert [r.mime for r in found.matched] == ["text/plain", "image/png"]
    assert found.differing == 0 and report(found).reproduced


def test_changed_figure_is_mismatched_with_both_hashes_and_a_lost_one_is_missing():
    found = compare_outputs(
        lock(TEXT, PNG, PRINTED), [redo(("display_data", "image/png", "xxh3:other", None))]
    )

    assert [(r.execution, r.cell, r.index, r.recorded, r.reproduced) for r in found.mismatched] == [
        (7, "plot", 1, "xxh3:png", "xxh3:other")
    ]
    assert [r.output_type for r in found.missing] == ["execute_result", "stream"]
    text = render_text(report(found))
    assert text.startswith("Not reproduced: 3 of 3 outputs differ.")
    assert "output differs: execution 7 (cell plot) output[1] display_data image/png" in text
    assert "output missing: execution 7 (cell plot) output[0] stdout stream text/plain" in text


def test_two_runs_that_disagree_name_the_output_nondeterministic():
    first = redo(SAME, ("display_data", "image/png", "xxh3:run1", None))
    second = redo(SAME, ("display_data", "image/png", "xxh3:run2", None))
    # What each run's cell showed (the executed notebook): two different images.
    shown = [{7: ({"output_type": "display_data", "data": {"image/png": png}},)} for png in "ab"]

    found = compare_outputs(lock(TEXT, PNG), [first, second], shown)
    text = render_text(report(found, runs=2))

    assert [r.mime for r in found.nondeterministic] == ["image/png"]
    assert "(differs between two clean runs too)" in text
    assert "Nondeterministic outputs (differ between 2 clean runs):" in text
    assert "the code is nondeterministic" in text


def test_a_lock_without_outputs_compares_none_and_says_so():
    found = compare_outputs(lock(None), [redo(SAME)])

    assert not found.compared and found.count == 0
    assert render_text(report(found)).endswith(f"Note: {NOT_LOCKED}")


def test_json_outputs_have_the_documented_shape():
    found = compare_outputs(lock(TEXT, PNG), [redo(SAME)])

    data = json.loads(json.dumps(report(found).to_json()))

    assert data["reproduced"] is False
    assert set(data["outputs"]) == {
        "compared",
        "matched",
        "mismatched",
        "missing",
        "nondeterministic",
        "between_runs",
    }
    assert data["outputs"]["missing"] == [
        {"cell": "plot", "execution": 7, "index": 1, "output_type": "display_data",
         "mime": "image/png", "name": None, "recorded": "xxh3:png", "reproduced": None,
         "cause": None}
    ]  # fmt: skip
    assert data["outputs"]["matched"][0]["reproduced"] == "xxh3:text"
