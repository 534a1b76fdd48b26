"""A ``DiffReport`` as markdown for a pull request review, terminal text, or JSON for tools.

Usage::

    render(report, "markdown")      # paste into a review
    render(report, "text")          # ANSI colours; click.echo strips them off a non-terminal
    render(report, "json")          # report_json.to_json, serialised

Cells are numbered from 1 as a reader counts them; a removed cell by its place in A.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import click

from .compare import DiffReport
from .notebook_diff import CellChange
from .report_json import to_json

Format = Literal["text", "markdown", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "json")


def summary_line(report: DiffReport) -> str:
    counts = Counter(c.change for c in report.notebook.cells)
    parts = [f"{n} cell{'s' if n > 1 else ''} {k}" for k, n in counts.items()]
    return ", ".join(parts) if parts else "no cell changes"


def cell_title(cell: CellChange) -> str:
    if cell.change == "removed" and cell.a_index is not None:
        return f"Cell {cell.a_index + 1} of A ({cell.cell_type}): removed"
    where = f"Cell {(cell.b_index or 0) + 1} ({cell.cell_type}): {cell.change}"
    return where + (
        f" from cell {cell.a_index + 1}"
        if cell.change == "moved" and cell.a_index is not None
        else ""
    )


@dataclass(frozen=True)
class Table:
    """One lineage section: rows of (name, note, before, after); ``note`` may be unused."""

    title: str
    name: str  # column title of the names
    note: str | None  # column title of the notes, None when the section has none
    rows: list[tuple[str, str, str, str]]


def lineage_tables(report: DiffReport) -> list[Table]:
    """The non-empty lineage sections; a value a side lacks is shown as a dash."""
    lineage = report.lineage
    if lineage is None:
        return []

    def shown(value: str | None) -> str:
        return value or "—"

    python = lineage.python
    tables = [
        Table(
            "Data files",
            "File",
            "Access",
            [(f.path, f.mode, shown(f.a), shown(f.b)) for f in lineage.files],
        ),
        Table(
            "Variables",
            "Variable",
            None,
            [(v.name, "", shown(v.a), shown(v.b)) for v in lineage.variables],
        ),
        Table(
            "Packages",
            "Package",
            "Change",
            [(p.name, p.change, shown(p.a), shown(p.b)) for p in lineage.packages],
        ),
        Table(
            "Python", "", None, [("python", "", shown(python.a), shown(python.b))] if python else []
        ),
    ]
    return [table for table in tables if table.rows]


def fence(lines: tuple[str, ...]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def markdown(report: DiffReport) -> str:
    out = [f"### Notebook diff: `{report.a}` → `{report.b}`", ""]
    if report.equal:
        return "\n".join(out + ["No changes.", *(f"_{n}_" for n in report.notes)]) + "\n"
    out += [summary_line(report).capitalize() + ".", ""]
    for cell in report.notebook.cells:
        out += [f"**{cell_title(cell)}**", ""]
        if cell.source_diff:
            mark = fence(cell.source_diff)
            out += [f"{mark}diff", *cell.source_diff, mark, ""]
        out += [f"- Outputs: {line}" for line in cell.outputs] + ([""] if cell.outputs else [])
    for table in lineage_tables(report):
        note = [table.note] if table.note else []
        out += [
            f"#### {table.title}",
            "",
            "| " + " | ".join([table.name, *note, "Before", "After"]) + " |",
        ]
        out.append("|" + "---|" * (3 + len(note)))
        for name, extra, before, after in table.rows:
            cells = [f"`{name}`", *([extra] if note else []), f"`{before}`", f"`{after}`"]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    out += [f"_{note}_" for note in report.notes]
    return "\n".join(out).rstrip("\n") + "\n"


def text(report: DiffReport) -> str:
    def styled(line: str) -> str:
        if line.startswith("@@"):
            return click.style(line, fg="cyan")
        if line.startswith(("+", "-")):
            return click.style(line, fg="green" if line[0] == "+" else "red")
        return line

    head = click.style(f"{report.a} -> {report.b}", bold=True)
    if report.equal:
        return f"{head}: no changes\n"
    out = [f"{head}: {summary_line(report)}"]
    for cell in report.notebook.cells:
        out.append(click.style(cell_title(cell), fg="yellow"))
        out += ["  " + styled(line) for line in cell.source_diff]
        out += [f"  outputs: {line}" for line in cell.outputs]
    for table in lineage_tables(report):
        out.append(click.style(table.title, fg="yellow"))
        for name, extra, before, after in table.rows:
            out.append(f"  {name}: {before} -> {after}" + (f" ({extra})" if extra else ""))
    out += [click.style(note, dim=True) for note in report.notes]
    return "\n".join(out) + "\n"


def render(report: DiffReport, fmt: Format) -> str:
    """The report in ``fmt`` (``json`` is ``to_json`` serialised)."""
    if fmt == "json":
        return json.dumps(to_json(report), indent=2) + "\n"
    return markdown(report) if fmt == "markdown" else text(report)
