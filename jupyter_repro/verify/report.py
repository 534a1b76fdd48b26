"""What ``verify`` found: the comparisons of a re-run with its lock, a frozen report, its text.

Usage::

    report = verify_script(Path("analysis_script.py"))
    print(report_text.render_text(report))  # first line: "Reproduced: ..." or "Not reproduced: ..."
    json.dumps(report.to_json())        # the documented dict below

JSON shape (fields are only ever added)::

    {"reproduced": bool, "script": str, "targets": int, "matched": [name],
     "mismatched": [{"name", "recorded", "reproduced"}], "missing": [name], "unhashable": [name],
     "first_divergence": {"execution", "cell_id", "names"} | null,   # null when reproduced
     "files": [{"path", "recorded", "current"}],          # current null: the file is missing
     "environment": [{"what", "recorded", "current"}],    # what: "python" or a package name
     "errors": [{"index", "execution", "name", "message"}],   # index: the cell in the script,
                                                          # 0-based (text: "Cell index+1")
     "runs": int, "nondeterministic": [name], "notes": [str], "seconds": float,
     "between_runs": [{"name", "type", "cause", "detail"}],   # --twice: what differs, and why
     "outputs": {"compared": bool,                        # false: the lock keeps no outputs
                 "matched": [output], "mismatched": [output], "missing": [output],
                 "nondeterministic": [output],            # differ between two clean runs
                 "between_runs": [output]},               # ... including jupyter-repro's
     "data_versions": [str]}    # versions of data files the run could not replay (one line each)

where each ``output`` is ``{"cell", "execution", "index", "output_type", "mime", "name",
"recorded", "reproduced", "cause"}``: the notebook cell id, the recorded execution, the output's
position among its outputs, its kind (``name``: a stream's), the locked hash and the re-run's
(null when missing), paired as ``output_check`` says, and whose doing a difference between two
clean runs is (null: none).

``--twice``: ``between_runs`` lists each variable whose two clean runs left different hashes,
with its ``cause`` (``attribution``): ``"code"`` (the values differ too), ``"jupyter-repro"``
(the value is the same, jupyter-repro's hash of it is not stable across processes: a bug of
ours) or ``"unknown"`` (the value could not be fingerprinted); ``detail`` says what decided.
``nondeterministic`` names those that are not jupyter-repro's doing, and so does
``outputs.nondeterministic`` of ``outputs.between_runs``. A module is never among them.

``reproduced`` is false when a target or an output differs or is missing, a cell raised, a
data file changed since recording (``files``; unless ``--recorded-data`` replayed it, which
``notes`` says) or a version a cell read could not be replayed (``data_versions``).

A cell that could not finish stopped the run: it is the last of ``errors``, its ``name`` one of
``runner.STOP_SUMMARY`` (never an exception's name): ``cell-timeout`` (ran past the per-cell
timeout, then was interrupted), ``kernel-died``, ``no-reply`` (the kernel went idle without
replying); its ``message`` is one line naming the cell, e.g. ``Cell 5 (execution 3,
"time.sleep(60)") did not finish within 2 s: stopped. ...``. ``--twice`` then skips the second
run (``runs``: 1). The state reached before the stop is compared as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..script.lockfile import ReproLock
from ..store import Execution, VariableState
from .attribution import CODE, PRODUCT, RunDifference, variable_cause
from .output_check import OutputReport

_NORMAL = re.compile(r"[-_.]+")
MODULE = "builtins.module"  # a module variable's type, as the recorder names it


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
    #: Every execution of the re-run in order, the script's own cells (data check) included.
    history: tuple[Execution, ...] = ()
    #: Each user variable's fingerprint from verify's last cell (``fingerprints``).
    fingerprints: dict[str, str] = field(default_factory=dict)
    #: What each locked execution's cell showed, as the executed notebook holds it.
    shown: dict[int, tuple[dict[str, Any], ...]] = field(default_factory=dict)


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
    data_versions: tuple[str, ...] = ()
    between_runs: tuple[RunDifference, ...] = ()

    def __post_init__(self) -> None:
        # A divergence says where a failure began: a reproduced run has none to explain, and
        # an intermediate value that changed no target nor output is no finding.
        if self.first_divergence is not None and self.reproduced:
            object.__setattr__(self, "first_divergence", None)

    @property
    def reproduced(self) -> bool:
        # Unhashable targets cannot be compared either way, so they do not fail the check.
        differs = self.mismatched or self.missing or self.errors or self.outputs.differing
        return not (differs or self.files or self.data_versions)

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


def divergence(
    lock: ReproLock, run: Run, between_runs: Iterable[RunDifference] = ()
) -> Divergence | None:
    """The first locked cell after whose re-run a variable it changed holds another value.

    The re-run's value is the name's state once that cell ran, not only what the cell itself
    reported changed: a cell that binds what the namespace already held (``import os`` after
    the data check's own) changes nothing, yet holds the recorded value. Modules hash by name
    and version, a version change is an environment finding: never a divergent variable; nor
    is a variable whose hash ``between_runs`` found unstable across processes (jupyter-repro's).
    """
    after = _states_after(run)
    ours = {d.name for d in between_runs if d.cause == PRODUCT}
    for cell in lock.cells:
        state = after.get(cell.execution)
        names = tuple(
            sorted(
                name
                for name, recorded in cell.changed.items()
                if not recorded.startswith("opaque:")
                and name not in ours
                and _diverged(None if state is None else state.get(name), recorded)
            )
        )
        if names:
            return Divergence(cell.execution, cell.cell_id, names)
    return None


def _diverged(state: VariableState | None, recorded: str) -> bool:
    if state is None:
        return True  # the cell did not run, or left the name unbound
    return state.type != MODULE and usable(state) and state.hash != recorded


def _states_after(run: Run) -> dict[int, dict[str, VariableState]]:
    """The re-run's namespace state after each locked execution, by the lock's id."""
    lock_ids = {redo.id: lock_id for lock_id, redo in run.executions.items()}
    history = run.history or tuple(sorted(run.executions.values(), key=lambda e: e.id))
    current: dict[str, VariableState] = {}
    after: dict[int, dict[str, VariableState]] = {}
    for execution in history:
        for name in execution.removed:
            current.pop(name, None)
        current.update((state.name, state) for state in execution.changed)
        if execution.id in lock_ids:
            after[lock_ids[execution.id]] = dict(current)
    return after


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


def unstable(runs: list[Run]) -> tuple[RunDifference, ...]:
    """Variables whose final hash differs between two clean runs, or exist after only one,
    each with its cause (``attribution``); modules never (name and version: equal)."""
    if len(runs) < 2:
        return ()
    first, second = runs[0], runs[1]
    a, b = first.live, second.live
    found = []
    for name in sorted(a.keys() | b.keys()):
        state = a.get(name) or b[name]
        if state.type == MODULE:
            continue
        if name not in a or name not in b:
            which = "first" if name in a else "second"
            detail = f"only the {which} run bound it"
            found.append(RunDifference(name, state.type, CODE, detail))
        elif usable(a[name]) and a[name].hash != b[name].hash:
            fingerprints = first.fingerprints.get(name), second.fingerprints.get(name)
            cause, detail = variable_cause(*fingerprints)
            found.append(RunDifference(name, state.type, cause, detail))
    return tuple(found)
