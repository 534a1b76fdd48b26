"""What the notebook on disk says about its cells: section headings, stage tags, parameters.

Usage::

    cells = read_cells(Path("analysis.ipynb"))
    cells["9f1c"].heading     # "Clean the data": the nearest markdown heading above the cell
    cells["9f1c"].stage       # "train" for a cell tagged ``stage=train``, else None
    cells["9f1c"].parameters  # True for the papermill ``parameters`` cell

Executions are matched to cells by cell id. A cell deleted since it ran is not here, and a
missing or unreadable notebook gives ``{}``: callers fall back to what the store knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..common.notebook_file import NotebookUnreadable, read_notebook

STAGE_TAG = "stage="
PARAMETERS_TAG = "parameters"  # papermill's convention
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class CellInfo:
    heading: str | None
    stage: str | None
    parameters: bool


def read_cells(notebook: Path) -> dict[str, CellInfo]:
    """Cell id -> what the notebook says about that code cell (see module docstring)."""
    try:
        nb = read_notebook(notebook, validate=False)
    except NotebookUnreadable:  # missing, not JSON, not a notebook: nothing to learn from it
        return {}
    found: dict[str, CellInfo] = {}
    heading: str | None = None
    for cell in nb.cells:
        source = cell.get("source", "")
        if cell.get("cell_type") == "markdown":
            heading = last_heading(source) or heading
        elif cell.get("cell_type") == "code" and cell.get("id"):
            tags = [str(t) for t in cell.get("metadata", {}).get("tags", [])]
            found[str(cell["id"])] = CellInfo(heading, _stage(tags), PARAMETERS_TAG in tags)
    return found


def last_heading(markdown: str) -> str | None:
    """The text of the last ATX heading (``# Title``) in a markdown cell, without emphasis."""
    titles = [m.group(1) for line in markdown.splitlines() if (m := _HEADING.match(line))]
    if not titles:
        return None
    return re.sub(r"[*_`]", "", titles[-1]).strip() or None


def _stage(tags: list[str]) -> str | None:
    names = [t[len(STAGE_TAG) :].strip() for t in tags if t.startswith(STAGE_TAG)]
    return next((n for n in names if n), None)
