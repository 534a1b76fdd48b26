"""``verify``'s report as text for people: a headline, then one line per finding.

Usage::

    print(render_text(report))   # first line: "Reproduced: ..." or "Not reproduced: ..."

Cells are numbered as a person counts them: ``Cell 4`` is the script's fourth cell (the
report's ``index`` is 0-based), followed by the recorded execution it re-runs.
"""

from __future__ import annotations

from ..runner import STOP_SUMMARY
from .attribution import CODE, PRODUCT, UNKNOWN
from .output_check import NOT_LOCKED, all_unstable, output_lines
from .report import CellError, VerifyReport

_WHY = {
    CODE: " (differs between two clean runs too)",
    UNKNOWN: " (differs between two clean runs too; cause not known)",
    PRODUCT: " (jupyter-repro's hash of it is not stable across processes: a jupyter-repro bug, "
    "not your code)",
}


def headline(report: VerifyReport) -> str:
    differ = len(report.mismatched) + len(report.missing)
    skipped = f" ({len(report.unhashable)} not comparable)" if report.unhashable else ""
    shown = report.outputs
    if report.reproduced:
        compared = report.targets - len(report.unhashable)
        also = f" and {shown.count} outputs" if shown.compared else ""
        return f"Reproduced: all {compared} targets{also} match{skipped}."
    stops = [e for e in report.errors if e.name in STOP_SUMMARY]
    raised = len(report.errors) - len(stops)
    parts = [f"cell {e.index + 1}{_at(e)} {STOP_SUMMARY[e.name]}" for e in stops]
    ours = sum(_causes(report).get(m.name) == PRODUCT for m in report.mismatched)
    why = f" ({ours} only in jupyter-repro's unstable hash: our bug)" if ours else ""
    parts += [f"{differ} of {report.targets} targets differ{why}"] if differ else []
    if shown.differing:
        parts.append(f"{shown.differing} of {shown.count} outputs differ")
    if raised:
        parts.append(f"{raised} cell{'s' * (raised > 1)} raised")
    if report.files:
        changed = ", ".join(f.key for f in report.files)
        parts.append(f"data file changed since recording ({changed})")
    if report.data_versions:
        parts.append(f"{len(report.data_versions)} data file versions not replayed")
    return f"Not reproduced: {', '.join(parts)}{skipped}."


def _at(err: CellError) -> str:
    return f" (execution {err.execution})" if err.execution is not None else ""


def _causes(report: VerifyReport) -> dict[str, str]:
    """Each variable that differs between two clean runs, with its cause (a report made
    without attribution: every nondeterministic name is the code's)."""
    causes = dict.fromkeys(report.nondeterministic, CODE)
    causes.update((d.name, d.cause) for d in report.between_runs)
    return causes


def _between_runs(report: VerifyReport, causes: dict[str, str]) -> list[str]:
    """What two clean runs disagree on, the code's first, then jupyter-repro's own faults."""
    if report.runs < 2:
        return []
    lines = []
    code = [name for name in report.nondeterministic if causes.get(name) == CODE]
    if code:
        names = ", ".join(code)
        lines.append(f"Nondeterministic (differ between {report.runs} clean runs): {names}")
    lines += [d.sentence() for d in report.between_runs if d.cause == UNKNOWN]
    ours = [d.sentence() for d in report.between_runs if d.cause == PRODUCT]
    if not report.nondeterministic:
        agree = "every variable's value" if ours else "every variable"
        lines.append(f"Deterministic: {report.runs} clean runs agree on {agree}.")
    return lines + ours


def render_text(report: VerifyReport) -> str:
    lines = [headline(report)]
    causes = _causes(report)
    for m in report.mismatched:
        why = _WHY.get(causes.get(m.name, ""), "")
        lines.append(f"  differs: {m.name}: recorded {m.recorded}, reproduced {m.reproduced}{why}")
    lines += [f"  missing: {name} is not defined after the run" for name in report.missing]
    if report.unhashable:
        names = ", ".join(report.unhashable)
        lines.append(f"  not compared: {names} (opaque or partial hash; not counted as a failure)")
    lines += output_lines(report.outputs, report.runs)
    differ = bool(report.mismatched or report.outputs.differing)
    code = all(causes.get(m.name) == CODE for m in report.mismatched)
    if differ and code and all_unstable(report.outputs):
        lines.append(
            "Every differing target and output also differs between two clean runs: the code is "
            "nondeterministic (unseeded randomness, clocks, unordered iteration), "
            "not a broken export."
        )
    if (d := report.first_divergence) is not None:
        cell = f" (cell {d.cell_id})" if d.cell_id else ""
        lines.append(
            f"First divergence: execution {d.execution}{cell} changed {', '.join(d.names)}."
        )
    for f in report.files:
        lines.append(f"Data file changed since recorded: {f.key}: {f.recorded}, now {f.current}")
    lines += [f"Data version not replayed: {line}" for line in report.data_versions]
    for e in report.environment:
        lines.append(f"Environment: {e.key} {e.recorded} recorded, {e.current or 'missing'} now")
    for err in report.errors:
        if err.name in STOP_SUMMARY:  # its message names the cell
            lines.append(err.message)
        else:
            lines.append(f"Cell {err.index + 1}{_at(err)} raised {err.name}: {err.message}")
    lines += _between_runs(report, causes)
    notes = (*report.notes, *([] if report.outputs.compared else [NOT_LOCKED]))
    return "\n".join(lines + [f"Note: {note}" for note in notes])
