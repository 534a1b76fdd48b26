"""Stage inference: cut the steps of a session where its file I/O says a step begins.

Usage::

    groups, warnings = infer_stages(plain_steps(sliced, cells).steps)
    groups = merge_idle(groups, produces)        # once hand-offs are known
    names = stage_names(groups, fallback="analysis")   # ["clean", "train", "report"]

Stages are runs of consecutive executions, in the order they ran. A new stage starts at

- an execution that reads a file written earlier in the current stage: the file is the edge;
- the first execution of a markdown section (a run of cells under one heading) that reads or
  writes a file: a section with its own I/O is a step of its own, so editing the report does
  not re-run the training above it.

A notebook with no file I/O is thus one stage. A cell tagged ``stage=NAME`` overrides both:
consecutive cells with one tag are one stage, another tag starts another. A file must have one
producing stage, read only after it (a DAG), so stages that write the same file, or read a file
a later stage rewrites, are merged with a warning; so is a stage producing nothing (no file, no
hand-off), into the next, as nothing could depend on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from .steps import Step


@dataclass
class Group:
    steps: list[Step]
    forced: str | None = None  # the `stage=NAME` tag that made it

    def outs(self) -> list[str]:
        return list(dict.fromkeys(p for s in self.steps for p in s.writes))

    def deps(self) -> list[str]:
        """Files read before this stage wrote them: its inputs."""
        written: set[str] = set()
        found: dict[str, None] = {}
        for step in self.steps:
            found.update((p, None) for p in step.reads if p not in written)
            written.update(step.writes)
        return list(found)


def infer_stages(steps: list[Step]) -> tuple[list[Group], list[str]]:
    """The stages, in order, and warnings for the merges a file forced."""
    groups: list[Group] = []
    opens = _section_starts(steps)
    for i, step in enumerate(steps):
        tag = step.cell.stage if step.cell else None
        if not groups or _starts_stage(groups[-1], step, tag, i in opens):
            groups.append(Group([step], tag))
        else:
            groups[-1].steps.append(step)
    warnings = []
    while conflict := _conflict(groups):
        low, high, path = conflict
        cells = ", ".join(dict.fromkeys(str(s.execution.cell_id) for s in groups[high].steps))
        warnings.append(
            f"cells {cells} join an earlier stage: {path} needs one producing stage, "
            "read only after it"
        )
        _merge(groups, low, high)
    return groups, warnings


def merge_idle(groups: list[Group], produces: Callable[[int], bool]) -> bool:
    """Merge the first untagged stage (not the last) that ``produces`` nothing into the next;
    True when one was merged (hand-offs must then be planned again)."""
    for i, group in enumerate(groups[:-1]):
        if not group.forced and not group.outs() and not produces(i):
            _merge(groups, i, i + 1)
            return True
    return False


def _merge(groups: list[Group], low: int, high: int) -> None:
    steps = [s for g in groups[low : high + 1] for s in g.steps]
    groups[low : high + 1] = [Group(steps, groups[low].forced or groups[high].forced)]


def _section_starts(steps: list[Step]) -> set[int]:
    """Indexes of steps that begin a section run touching files (deleted cells: no section)."""
    starts: set[int] = set()
    touches = False
    for i in range(len(steps) - 1, -1, -1):  # backwards: a run's I/O is known at its start
        step = steps[i]
        touches = touches or bool(step.reads or step.writes)
        previous = steps[i - 1] if i else None
        if previous is None or step.cell is None or previous.cell is None:
            continue
        if step.heading != previous.heading:
            if touches:
                starts.add(i)
            touches = False
    return starts


def _starts_stage(current: Group, step: Step, tag: str | None, section: bool) -> bool:
    if tag is not None:
        return tag != current.forced
    written = {p for s in current.steps for p in s.writes}
    return section or any(p in written for p in step.reads)


def _conflict(groups: list[Group]) -> tuple[int, int, str] | None:
    """(first, last, path) of a span of stages a file ties together, if any."""
    writers: dict[str, list[int]] = {}
    readers: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        for path in group.outs():
            writers.setdefault(path, []).append(i)
        for path in group.deps():
            readers.setdefault(path, []).append(i)
    for path, stages in writers.items():
        last = max(stages)
        first = min([*stages, *(r for r in readers.get(path, []) if r < last)])
        if first < last:
            return first, last, path
    return None


def stage_names(groups: list[Group], fallback: str) -> list[str]:
    """Unique names: the tag, else the section heading, else the first output's stem."""
    names: list[str] = []
    for group in groups:
        # The section doing the I/O names it, not a setup section merged into it; a deleted
        # cell has no heading, and its output names it.
        busy = [s for s in group.steps if s.reads or s.writes]
        heading = (
            busy[0].heading if busy else next((s.heading for s in group.steps if s.heading), None)
        )
        outs = group.outs()
        stem = PurePosixPath(outs[0]).stem if outs else None
        # A section cut in two by a file: its second part is named after what it writes.
        fresh = [c for c in (heading, stem) if c and slug(c) not in names]
        name = group.forced or (fresh or [heading or stem or fallback])[0]
        names.append(_unique(slug(name), names))
    return names


def slug(text: str) -> str:
    """``"Clean the data!"`` -> ``"clean_the_data"``: a DVC stage name and a file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:40].rstrip("_") or "stage"


def _unique(name: str, taken: list[str]) -> str:
    found, n = name, 2
    while found in taken:
        found, n = f"{name}_{n}", n + 1
    return found
