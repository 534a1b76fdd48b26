"""Compare two revisions: notebook versions, recorded sessions or executions.

Usage::

    report = diff_specs("analysis.ipynb@HEAD~1", "analysis.ipynb", cwd=Path.cwd())
    report.equal, report.notebook.cells, report.lineage
    render(report, "markdown")                # see diff_report

    # two notebooks already in memory (the panel's "Diff" button):
    diff_sides(Side("saved", saved_nb), Side("current", current_nb))

What is compared depends on the sides:

- two notebooks: cells (code, markdown, raw) and their outputs; no lineage.
- two recordings (``session:`` / ``exec:``): the code they ran, as cells (see ``recordings``),
  and their lineage: final variable hashes, data file hashes, packages, Python.
- a notebook and a recording: the notebook's code cells against the code the recording ran,
  answering "is this the code that ran?"; lineage is not compared, as only one side has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .lineage_diff import LineageDiff, diff_lineage
from .notebook_diff import NotebookDiff, diff_notebooks
from .revisions import Side, load_side


@dataclass(frozen=True)
class DiffReport:
    a: str
    b: str
    notebook: NotebookDiff
    lineage: LineageDiff | None  # None unless both sides are recordings
    notes: tuple[str, ...] = ()

    @property
    def equal(self) -> bool:
        return not self.notebook.cells and (self.lineage is None or self.lineage.empty)


def diff_sides(a: Side, b: Side) -> DiffReport:
    """Compare two resolved sides (see the module docstring for what is compared)."""
    notes: list[str] = []
    mixed = a.recorded != b.recorded
    if mixed:
        notebook_side = a if not a.recorded else b
        notes.append(
            f"Compared the code cells of {notebook_side.label} with the code that "
            f"{(b if not b.recorded else a).label} ran; markdown, outputs and lineage are "
            "not compared."
        )
    elif a.recorded:
        notes.append("A recording's cells are the code each notebook cell last ran.")
    notebook = diff_notebooks(a.notebook, b.notebook, code_only=mixed or a.recorded)
    lineage = None
    if a.lineage is not None and b.lineage is not None:
        lineage = diff_lineage(a.lineage, b.lineage)
    return DiffReport(a.label, b.label, notebook, lineage, tuple(notes))


def diff_specs(a: str, b: str, cwd: Path, db: Path | None = None) -> DiffReport:
    """Resolve two revision specs (``revisions.load_side``) and compare them.

    Raises ``revisions.RevisionError`` for a revision that cannot be resolved.
    """
    return diff_sides(load_side(a, cwd, db), load_side(b, cwd, db))
