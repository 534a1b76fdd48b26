"""What ``verify`` found: the comparisons of a re-run with its lock, a frozen report, its text.

Usage::

    report = verify_script(Path("analysis_script.py"))
    print(report_text.render_text(report))  # first line: "Reproduced: ..." or "Not reproduced: ..."
    json.dumps(report.to_json())        # the documented dict below

JSON shape (fields are only ever added)::

    {"reproduced": bool, "script": str, "targets": int, "matched": [name],
     "mismatched": [{"name", "recorded", "reproduced"}], "missing": [name], "unhashable": [name],
     "first_divergence": {"execution", "cell_id", "names"} | null,
     "files": [{"path", "recorded", "current"}],          # current null: the file is missing
     "environment": [{"what", "recorded", "current"}],    # what: "python" or a package name
     "errors": [{"index", "execution", "name", "message"}],   # index: the cell in the script
     "runs": int, "nondeterministic": [name], "notes": [str], "seconds": float,
     "outputs": {"compared": bool,                        # false: the lock keeps no outputs
                 "matched": [output], "mismatched": [output], "missing": [output],
                 "nondeterministic": [output]}}           # differ between two clean runs

where each ``output`` is ``{"cell", "execution", "index", "output_type", "mime", "name",
"recorded", "reproduced"}``: the notebook cell id, the recorded execution, the output's position
among its outputs, its kind (``name``: a stream's), the locked hash and the re-run's (null when
missing), paired as ``output_check`` says. ``reproduced`` is false when a target or an output
differs or is missing, or a cell raised.

A cell that could not finish stopped the run: it is the last of ``errors``, its ``name`` one of
``runner.STOP_SUMMARY`` (never an exception's name): ``cell-timeout`` (ran past the per-cell
timeout, then was interrupted), ``kernel-died``, ``no-reply`` (the kernel went idle without
replying); its ``message`` is one line naming the cell, e.g. ``Cell 5 (execution 3,
"time.sleep(60)") did not finish within 2 s: stopped. ...``. ``--twice`` then skips the second
run (``runs``: 1). The state reached before the stop is compared as usual.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ..script.lockfile import ReproLock
from ..store import Execution, VariableState
from .output_check import OutputReport

_NORMAL = re.compile(r"[-_.]+")


@dataclass(frozen=True)
class Mismatch:
    name: str
    recorded: str
    reproduced: str


@dataclass(frozen=True)
class Divergence:
    """The first execution whose re-run left a variable with another hash than recorded."""

    execution: int
    cell_id: str | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class Difference:
    """A data file (``path`` in JSON) or environment item (``what``): recorded vs current."""

    key: str
    recorded: str
    current: str | None  # None: the file or package is missing


@dataclass(frozen=True)
class CellError:
    index: int
    execution: int | None
    name: str
    message: str


@dataclass(frozen=True)
class Run:
    """One clean re-run, read back from its throwaway lineage store."""

    live: dict[str, VariableState]
    executions: dict[int, Execution]  # the lock's execution id -> its re-run
    errors: tuple[CellError, ...]
    environment: dict[str, Any]


@dataclass(frozen=True)
class VerifyReport:
    script: str
    targets: int
    matched: tuple[str, ...]
    mismatched: tuple[Mismatch, ...]
    missing: tuple[str, ...]
    unhashable: tuple[str, ...]
    first_divergence: Divergence | None
    files: tuple[Difference, ...]
    environment: tuple[Difference, ...]
    errors: tuple[CellError, ...]
    runs: int
    nondeterministic: tuple[str, ...]
    notes: tuple[str, ...]
    seconds: float
    outputs: OutputReport = field(default_factory=OutputReport)

    @property
    def reproduced(self) -> bool:
        # Unhashable targets cannot be compared either way, so they do not fail the check.
        return not (self.mismatched or self.missing or self.errors or self.outputs.differing)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)  # tuples stay tuples; json.dumps writes them as lists
        for name, key in (("files", "path"), ("environment", "what")):
            data[name] = [{key: d["key"], "recorded": d["recorded"], "current": d["current"]}
                          for d in data[name]]  # fmt: skip
        return {"reproduced": self.reproduced, **data}


def usable(state: VariableState) -> bool:
    return state.complete and not state.unhashable and not state.hash.startswith("opaque:")


def compare_targets(lock: ReproLock, live: dict[str, VariableState]) -> dict[str, list[Any]]:
    """Each target as matched, mismatched, missing, or unhashable (either side not comparable)."""
    found: dict[str, list[Any]] = {"matched": [], "mismatched": [], "missing": [], "unhashable": []}
    for name, target in sorted(lock.targets.items()):
        state = live.get(name)
        if state is None:
            found["missing"].append(name)
        elif not (target.complete and not target.hash.startswith("opaque:") and usable(state)):
            found["unhashable"].append(name)
        elif state.hash != target.hash:
            found["mismatched"].append(Mismatch(name, target.hash, state.hash))
        else:
            found["matched"].append(name)
    return found


def divergence(lock: ReproLock, run: Run) -> Divergence | None:
    """The first locked cell whose re-run changed one of its variables to another hash."""
    for cell in lock.cells:
        redo = run.executions.get(cell.execution)
        got = {v.name: v for v in redo.changed} if redo else {}
        names = tuple(
            sorted(
                name
                for name, recorded in cell.changed.items()
                if not recorded.startswith("opaque:")
                and (name not in got or (usable(got[name]) and got[name].hash != recorded))
            )
        )
        if names:
            return Divergence(cell.execution, cell.cell_id, names)
    return None


def environment_changes(lock: ReproLock, env: dict[str, Any]) -> tuple[Difference, ...]:
    """The Python version and each locked package whose version differs (or is gone) now."""
    python = env.get("python") or {}
    now = python.get("version")
    recorded = lock.python.get("version")
    found = [Difference("python", recorded, now)] if recorded and recorded != now else []
    # Hashes recorded under other hashing rules cannot match: name that first.
    scheme = lock.recorder.get("hash_scheme")
    current_scheme = (env.get("recorder") or {}).get("hash_scheme")
    if scheme is not None and scheme != current_scheme:
        found.insert(0, Difference("hash_scheme", str(scheme), str(current_scheme)))
    installed = {_NORMAL.sub("-", k).lower(): v for k, v in (env.get("packages") or {}).items()}
    for name, version in sorted(lock.packages.items()):
        current = installed.get(_NORMAL.sub("-", name).lower())
        if current != version:
            found.append(Difference(name, version, current))
    return tuple(found)


def unstable(runs: list[Run]) -> tuple[str, ...]:
    """Variables whose final hash differs between two clean runs, or exist after only one."""
    if len(runs) < 2:
        return ()
    a, b = runs[0].live, runs[1].live
    return tuple(
        sorted(
            n
            for n in a.keys() | b.keys()
            if n not in a or n not in b or (usable(a[n]) and a[n].hash != b[n].hash)
        )
    )
