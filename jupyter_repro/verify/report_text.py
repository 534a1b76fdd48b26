"""``verify``'s report as text for people: a headline, then one line per finding.

Usage::

    print(render_text(report))   # first line: "Reproduced: ..." or "Not reproduced: ..."
"""

from __future__ import annotations

from ..runner import STOP_SUMMARY
from .output_check import NOT_LOCKED, all_unstable, output_lines
from .report import CellError, VerifyReport


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
    parts += [f"{differ} of {report.targets} targets differ"] if differ else []
    if shown.differing:
        parts.append(f"{shown.differing} of {shown.count} outputs differ")
    if raised:
        parts.append(f"{raised} cell{'s' * (raised > 1)} raised")
    return f"Not reproduced: {', '.join(parts)}{skipped}."


def _at(err: CellError) -> str:
    return f" (execution {err.execution})" if err.execution is not None else ""


def render_text(report: VerifyReport) -> str:
    lines = [headline(report)]
    shaky = set(report.nondeterministic)
    for m in report.mismatched:
        why = " (differs between two clean runs too)" if m.name in shaky else ""
        lines.append(f"  differs: {m.name}: recorded {m.recorded}, reproduced {m.reproduced}{why}")
    lines += [f"  missing: {name} is not defined after the run" for name in report.missing]
    if report.unhashable:
        names = ", ".join(report.unhashable)
        lines.append(f"  not compared: {names} (opaque or partial hash; not counted as a failure)")
    lines += output_lines(report.outputs, report.runs)
    differ = bool(report.mismatched or report.outputs.differing)
    if differ and all(m.name in shaky for m in report.mismatched) and all_unstable(report.outputs):
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
    for e in report.environment:
        lines.append(f"Environment: {e.key} {e.recorded} recorded, {e.current or 'missing'} now")
    for err in report.errors:
        if err.name in STOP_SUMMARY:  # its message names the cell
            lines.append(err.message)
        else:
            lines.append(f"Cell {err.index}{_at(err)} raised {err.name}: {err.message}")
    if report.runs > 1 and report.nondeterministic:
        names = ", ".join(report.nondeterministic)
        lines.append(f"Nondeterministic (differ between {report.runs} clean runs): {names}")
    elif report.runs > 1:
        lines.append(f"Deterministic: {report.runs} clean runs agree on every variable.")
    notes = (*report.notes, *([] if report.outputs.compared else [NOT_LOCKED]))
    return "\n".join(lines + [f"Note: {note}" for note in notes])
