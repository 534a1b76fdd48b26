"""``verify --twice`` tells the code's nondeterminism from jupyter-repro's own instability.

The script below is recorded in a real recording kernel and verified twice in fresh ones. Its
``registry`` is the same value in every run, but holds its own address and process id (as
handles and caches do) and says through ``__getstate__`` that they are not part of its value:
jupyter-repro's hasher reads ``__dict__`` and sees them, so its hash changes with the process,
while a pickle does not. ``noise`` is genuinely unseeded. No hasher is patched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_repro.script.lockfile import LockedCell, LockedOutput, ReproLock, lock_path_for
from jupyter_repro.store.models import Execution, OutputFingerprint
from jupyter_repro.verify.attribution import CODE, PRODUCT, UNKNOWN, variable_cause
from jupyter_repro.verify.fingerprints import CELL_SOURCE, MARKER, TAG, fingerprint, read
from jupyter_repro.verify.output_check import compare_outputs
from jupyter_repro.verify.report import Divergence, VerifyReport
from jupyter_repro.verify.report_text import render_text
from jupyter_repro.verify.verification import verify_script

from .test_verify import record, run_cli

REGISTRY = '''import os
class Registry:
    """Items, and the handle it registered under in this process."""
    def __init__(self, items):
        self.items = items
        self._handle = (os.getpid(), id(self))
    def __getstate__(self):
        return {"items": self.items}
registry = Registry([1, 2, 3])'''
CELLS = [
    'import os\nos.environ["REPRO_FLAG"] = "on"',  # the data check imported os already
    REGISTRY,
    "import numpy as np\nnoise = np.random.rand(3)",
    "total = sum(registry.items)",
]
TARGETS = ["noise", "registry", "total"]
OURS = (
    "jupyter-repro's hash of registry (type __main__.Registry) is not stable across processes; "
    "this is a jupyter-repro bug, not your code"
)


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record(tmp_path_factory.mktemp("attribution"), CELLS, TARGETS)


@pytest.fixture(scope="module")
def twice(script: Path) -> VerifyReport:
    return verify_script(script, twice=True)


def test_a_value_whose_hash_depends_on_the_process_is_reported_as_jupyter_repros(
    twice: VerifyReport,
) -> None:
    causes = {d.name: d.cause for d in twice.between_runs}

    assert causes == {"noise": CODE, "registry": PRODUCT}
    assert twice.nondeterministic == ("noise",)  # only the code's counts as nondeterminism
    text = render_text(twice)
    assert text.splitlines()[0] == (
        "Not reproduced: 2 of 3 targets differ (1 only in jupyter-repro's unstable hash: our bug)."
    )
    assert OURS in text
    assert "Nondeterministic (differ between 2 clean runs): noise" in text.splitlines()
    assert "the code is nondeterministic" not in text  # registry's difference is not the code's
    line = next(x for x in text.splitlines() if x.startswith("  differs: registry:"))
    assert line.endswith("(jupyter-repro's hash of it is not stable across processes: a "
                         "jupyter-repro bug, not your code)")  # fmt: skip


def test_unseeded_randomness_is_still_the_codes(twice: VerifyReport) -> None:
    noise = next(d for d in twice.between_runs if d.name == "noise")

    assert (noise.cause, noise.type) == (CODE, "numpy.ndarray")
    assert "the values differ too" in noise.detail
    text = render_text(twice)
    assert "  differs: noise:" in text and "(differs between two clean runs too)" in text
    assert "total" not in {d.name for d in twice.between_runs}  # deterministic, stable hash


def test_json_gives_each_difference_between_runs_its_cause(twice: VerifyReport) -> None:
    data = json.loads(json.dumps(twice.to_json()))

    assert data["nondeterministic"] == ["noise"]
    registry = next(d for d in data["between_runs"] if d["name"] == "registry")
    assert registry == {
        "name": "registry",
        "type": "__main__.Registry",
        "cause": "jupyter-repro",
        "detail": "its value is the same in both runs: equal pickle",
    }
    assert {d["cause"] for d in data["between_runs"]} == {"code", "jupyter-repro"}
    assert data["outputs"]["between_runs"] == []


def test_the_fingerprint_cell_binds_nothing_and_is_no_finding(twice: VerifyReport) -> None:
    assert twice.errors == ()
    names = {*twice.matched, *(m.name for m in twice.mismatched), *twice.unhashable}
    assert names == set(TARGETS)
    assert not any(d.name.startswith("_") for d in twice.between_runs)


def test_first_divergence_skips_a_module_the_namespace_already_held(
    twice: VerifyReport, script: Path
) -> None:
    lock = json.loads(lock_path_for(script).read_text())
    executions = [cell["execution"] for cell in lock["cells"]]

    assert twice.first_divergence is not None
    # Execution 1 re-imports os (already imported by the data check): not "changed os"; the
    # registry's hash is jupyter-repro's noise: the unseeded noise is the first divergence.
    assert twice.first_divergence.execution == executions[2]
    assert twice.first_divergence.names == ("noise",)
    assert "changed os" not in render_text(twice)


def test_a_reproduced_run_that_touched_os_environ_prints_no_divergence(tmp_path: Path) -> None:
    cells = ['import os\nos.environ["REPRO_FLAG"] = "on"', 'flag = os.environ["REPRO_FLAG"]']
    script = record(tmp_path, cells, ["flag"])

    code, out, _ = run_cli(str(script))

    assert code == 0, out
    assert out.splitlines()[0] == "Reproduced: all 1 targets match."
    assert "First divergence" not in out and "changed os" not in out


# --- Units over real report data: no kernel. ---


def test_a_reproduced_report_never_carries_a_first_divergence() -> None:
    report = VerifyReport(
        script="s.py", targets=1, matched=("x",), mismatched=(), missing=(), unhashable=(),
        first_divergence=Divergence(1, None, ("scratch",)), files=(), environment=(),
        errors=(), runs=1, nondeterministic=(), notes=(), seconds=0.1,
    )  # fmt: skip

    assert report.reproduced and report.first_divergence is None
    assert report.to_json()["first_divergence"] is None
    assert "First divergence" not in render_text(report)


class Handle:
    """Items, and an address that ``__getstate__`` leaves out of its value."""

    def __init__(self, items: list[int]) -> None:
        self.items, self.address = items, id(self)

    def __getstate__(self) -> dict[str, object]:
        return {"items": self.items}


def test_fingerprints_follow_the_state_a_class_pickles() -> None:
    assert fingerprint(Handle([1])) == fingerprint(Handle([1])) != fingerprint(Handle([2]))
    assert fingerprint(Handle([1])).startswith("pickle:")
    assert fingerprint(x for x in ()).startswith("unknown: cannot be pickled")
    assert variable_cause("pickle:a", "pickle:a")[0] == PRODUCT
    assert variable_cause("pickle:a", "pickle:b")[0] == CODE
    assert variable_cause("pickle:a", "unknown: cannot be pickled: TypeError") == (
        UNKNOWN,
        "cannot be pickled: TypeError",
    )
    assert variable_cause("pickle:a", None)[0] == UNKNOWN  # the fingerprint cell never ran


def test_a_figure_and_its_axes_are_fingerprinted_by_their_rendering() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = [plt.subplots() for _ in range(3)]
    for (_, ax), ys in zip(figures, ([1, 2, 3], [1, 2, 3], [3, 2, 1]), strict=True):
        ax.plot(ys)
    try:
        (one, ax), (same, _), (other, _) = figures
        assert fingerprint(one).startswith("png:")
        assert fingerprint(one) == fingerprint(same) == fingerprint(ax) != fingerprint(other)
    finally:
        for figure, _ in figures:
            plt.close(figure)


def test_the_fingerprint_cell_is_read_back_from_its_printed_line() -> None:
    cell = {
        "cell_type": "code",
        "source": CELL_SOURCE,
        "metadata": {"tags": [TAG]},
        "outputs": [
            {"output_type": "stream", "name": "stdout", "text": "user noise\n"},
            {"output_type": "stream", "name": "stdout", "text": MARKER + '{"x": "pickle:1"}\n'},
        ],
    }

    assert read(cell) == {"x": "pickle:1"}
    assert read({"outputs": []}) == {}
    assert "del _jupyter_repro_fingerprints" in CELL_SOURCE  # nothing stays bound


def _redo(hash_: str) -> dict[int, Execution]:
    shown = (OutputFingerprint(0, "stream", "text/plain", 1, hash_, "stdout"),)
    return {
        7: Execution(
            id=1, session_id="v", notebook=None, cell_id="c2", execution_count=1, code="",
            code_hash="", started="", ended="", duration_ms=1.0, status="ok", error_name=None,
            error_message=None, env_id=None, outputs=shown,
        )
    }  # fmt: skip


def test_an_output_shown_the_same_in_both_runs_with_two_fingerprints_is_ours() -> None:
    printed = LockedOutput(0, "stream", "text/plain", "xxh3:out", name="stdout")
    lock = ReproLock({}, {}, {}, {}, {}, (LockedCell(7, "c", {}, (printed,)),))  # type: ignore[arg-type]
    same = {7: ({"output_type": "stream", "name": "stdout", "text": "total 6\n"},)}
    other = {7: ({"output_type": "stream", "name": "stdout", "text": "total 7\n"},)}

    ours = compare_outputs(lock, [_redo("xxh3:a"), _redo("xxh3:b")], [same, same])
    code = compare_outputs(lock, [_redo("xxh3:a"), _redo("xxh3:b")], [same, other])

    assert [r.cause for r in ours.between_runs] == [PRODUCT] and ours.nondeterministic == ()
    assert [r.cause for r in code.nondeterministic] == [CODE]
    assert "jupyter-repro's output fingerprint is not stable across processes" in "\n".join(
        render_text(_report(ours)).splitlines()
    )


def _report(outputs: object) -> VerifyReport:
    return VerifyReport(
        script="s.py", targets=0, matched=(), mismatched=(), missing=(), unhashable=(),
        first_divergence=None, files=(), environment=(), errors=(), runs=2,
        nondeterministic=(), notes=(), seconds=0.1, outputs=outputs,  # type: ignore[arg-type]
    )  # fmt: skip
