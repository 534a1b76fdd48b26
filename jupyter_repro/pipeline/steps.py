"""The sliced executions as the steps a pipeline runs: plain code, the cell it came from, files.

Usage::

    found = plain_steps(sliced, read_cells(notebook))
    found.steps               # Step(execution, code, cell), in the order they ran
    found.params              # {"threshold": 2}: the parameters cell's literals, for params.yaml
    found.params_execution    # the id of that cell's run (it "binds" the parameters)

The parameters cell keeps only its other statements; a step is dropped when nothing is left.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..common.slicing import SliceResult
from ..script.export import plain_code
from ..store import Execution
from .notebook import CellInfo
from .params import split_parameters


@dataclass(frozen=True)
class Step:
    execution: Execution
    code: str  # plain Python, as the stage script runs it
    cell: CellInfo | None  # None: the cell is no longer in the notebook

    @property
    def reads(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.path for f in self.execution.files_read))

    @property
    def writes(self) -> tuple[str, ...]:
        # A file deleted by the time the cell ended (hash None) was scratch, not an output.
        return tuple(dict.fromkeys(f.path for f in self.execution.files_written if f.hash))

    @property
    def heading(self) -> str | None:
        return self.cell.heading if self.cell else None


@dataclass
class PlainSteps:
    steps: list[Step] = field(default_factory=list)
    params_execution: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def plain_steps(sliced: SliceResult, cells: Mapping[str, CellInfo]) -> PlainSteps:
    """The sliced executions as plain code; the parameters cell's literals go to ``params``."""
    found = PlainSteps()
    for execution in sliced.executions:
        failed = execution.id in sliced.failed_kept
        code, warnings = plain_code(execution, failed)
        found.warnings += warnings
        cell = cells.get(execution.cell_id or "")
        if cell and cell.parameters and not failed:
            found.params, code = split_parameters(code)
            found.params_execution = execution.id
            if _empty(code):  # nothing left but comments
                continue
        found.steps.append(Step(execution, code, cell))
    return found


def _empty(code: str) -> bool:
    try:
        return not ast.parse(code).body
    except SyntaxError:
        return False
