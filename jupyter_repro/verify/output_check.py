"""Compare the outputs a re-run showed with the fingerprints its lock keeps, cell by cell.

Usage::

    found = compare_outputs(lock, runs)     # runs: one or two clean runs (verify --twice)
    found.mismatched, found.missing         # either makes the script "not reproduced"
    found.between_runs                      # outputs that differ between the two runs,
    found.nondeterministic                  # ... and those of them that are not our doing
    output_lines(found)                     # the lines of the text report

Matching rule. The verify kernel records the re-run's outputs as the recorder did when the
session ran, so each locked output is paired with the re-run output of the same execution of
the same kind (``output_type``, MIME type and, for a stream, its name) at the same rank among
the outputs of that kind: the second PNG with the second PNG, wherever each sits in the list.
Positions themselves are not compared, so output the script shows and the notebook did not (a
warning on stderr, a display the lock does not keep) shifts nothing, and it is ignored: only
what the lock keeps must come back. Equal hashes match; other hashes mismatch; no output of that
kind and rank is missing. A lock without outputs (older, or ``--no-outputs``) is not compared.

With two runs (``--twice``), an output whose fingerprints differ between them gets a ``cause``
(``attribution.output_cause``) from what each run's cell showed, as the executed notebook
holds it (``shown``): the same content both times means jupyter-repro's capture or
normalisation is unstable, not the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..script.lockfile import LockedCell, LockedOutput, ReproLock
from ..store import Execution, OutputFingerprint
from .attribution import CODE, PRODUCT, UNKNOWN, output_cause

NOT_LOCKED = (
    "the lock keeps no outputs (exported with --no-outputs, from a session that recorded none, "
    "or before outputs were recorded): outputs were not compared"
)


@dataclass(frozen=True)
class OutputResult:
    """One locked output and what the re-run showed in its place (None: nothing)."""

    cell: str | None  # the notebook cell id
    execution: int  # the lock's (recorded) execution id
    index: int  # the output's position among the recorded execution's outputs
    output_type: str
    mime: str
    name: str | None  # the stream's name
    recorded: str
    reproduced: str | None
    #: Whose doing a difference between two clean runs is (``attribution``); None: none.
    cause: str | None = None

    def label(self) -> str:
        cell = f" (cell {self.cell})" if self.cell else ""
        kind = f"{self.name} {self.output_type}" if self.name else self.output_type
        return f"execution {self.execution}{cell} output[{self.index}] {kind} {self.mime}"


@dataclass(frozen=True)
class OutputReport:
    compared: bool = False  # False: the lock keeps no outputs
    matched: tuple[OutputResult, ...] = ()
    mismatched: tuple[OutputResult, ...] = ()
    missing: tuple[OutputResult, ...] = ()
    #: Differ between two clean runs, and not because of jupyter-repro.
    nondeterministic: tuple[OutputResult, ...] = ()
    #: Differ between two clean runs, whatever the cause (each result's ``cause``).
    between_runs: tuple[OutputResult, ...] = ()

    @property
    def count(self) -> int:
        return len(self.matched) + self.differing

    @property
    def differing(self) -> int:
        """Outputs that did not come back as recorded: mismatched or missing."""
        return len(self.mismatched) + len(self.missing)


Shown = Mapping[int, Sequence[Mapping[str, Any]]]


def compare_outputs(
    lock: ReproLock, runs: Sequence[dict[int, Execution]], shown: Sequence[Shown] = ()
) -> OutputReport:
    """Each locked output of the first run as matched, mismatched or missing; with a second
    run, those whose two clean runs disagree are also between runs, with a cause from what
    each run showed (``shown``, by the lock's execution; none given: unknown)."""
    if all(cell.outputs is None for cell in lock.cells):
        return OutputReport()
    found: dict[str, list[OutputResult]] = {"matched": [], "mismatched": [], "missing": []}
    unstable: list[OutputResult] = []
    for cell in lock.cells:
        results = [_paired(cell, run.get(cell.execution)) for run in runs]
        for first, *others in zip(*results, strict=True):
            if any(other.reproduced != first.reproduced for other in others):
                contents = [s.get(cell.execution) for s in shown] if shown else [None]
                first = replace(first, cause=output_cause(_kind(first), contents))
                unstable.append(first)
            if first.reproduced is None:
                found["missing"].append(first)
            elif first.reproduced == first.recorded:
                found["matched"].append(first)
            else:
                found["mismatched"].append(first)
    return OutputReport(
        True,
        tuple(found["matched"]),
        tuple(found["mismatched"]),
        tuple(found["missing"]),
        tuple(r for r in unstable if r.cause != PRODUCT),
        tuple(unstable),
    )


def _paired(cell: LockedCell, redo: Execution | None) -> list[OutputResult]:
    """Each locked output of ``cell`` with the re-run's output of the same kind and rank."""
    pool: dict[tuple[str, str, str], list[OutputFingerprint]] = {}
    for output in redo.outputs if redo is not None else ():
        pool.setdefault(_kind(output), []).append(output)
    taken: dict[tuple[str, str, str], int] = {}
    results = []
    for locked in cell.outputs or ():
        key = _kind(locked)
        rank = taken[key] = taken.get(key, -1) + 1
        same = pool.get(key, [])
        again = same[rank].hash if rank < len(same) else None
        results.append(
            OutputResult(
                cell.cell_id, cell.execution, locked.index, locked.output_type, locked.mime,
                locked.name, locked.hash, again,
            )
        )  # fmt: skip
    return results


def _kind(output: LockedOutput | OutputFingerprint | OutputResult) -> tuple[str, str, str]:
    return output.output_type, output.mime, output.name or ""


_WHY = {
    CODE: " (differs between two clean runs too)",
    UNKNOWN: " (differs between two clean runs too; cause not known)",
    PRODUCT: " (the same content in both clean runs: jupyter-repro's fingerprint of it is "
    "not stable, a jupyter-repro bug, not your code)",
}


def output_lines(report: OutputReport, runs: int) -> list[str]:
    """The report's lines about outputs, each differing one with both hashes."""
    causes = {_key(r): r.cause for r in report.between_runs}
    lines = []
    for r in report.mismatched:
        why = _WHY.get(causes.get(_key(r)) or "", "")
        lines.append(
            f"  output differs: {r.label()}: recorded {r.recorded}, reproduced {r.reproduced}{why}"
        )
    lines += [f"  output missing: {r.label()} was not shown again" for r in report.missing]
    if runs > 1 and report.nondeterministic:
        lines.append(f"Nondeterministic outputs (differ between {runs} clean runs):")
        lines += [
            f"  {r.label()}{' (cause not known)' if r.cause == UNKNOWN else ''}"
            for r in report.nondeterministic
        ]
    ours = [r for r in report.between_runs if r.cause == PRODUCT]
    if runs > 1 and ours:
        lines.append(
            f"Outputs that showed the same content in {runs} clean runs, yet got different "
            "fingerprints: jupyter-repro's output fingerprint is not stable across processes; "
            "this is a jupyter-repro bug, not your code:"
        )
        lines += _listed(ours)
    return lines


def all_unstable(report: OutputReport) -> bool:
    """Whether every output that differs from the lock also differs between two clean runs
    because the code showed something else (cause ``code``)."""
    code = {_key(r) for r in report.between_runs if r.cause == CODE}
    return all(_key(r) in code for r in (*report.mismatched, *report.missing))


def _key(r: OutputResult) -> tuple[int, int, str, str | None]:
    return r.execution, r.index, r.mime, r.name


def _listed(results: Iterable[OutputResult]) -> list[str]:
    return [f"  {r.label()}" for r in results]
