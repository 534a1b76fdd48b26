"""Everything one pipeline export derives from the store, computed before anything is written.

Usage (``pipeline.export_pipeline`` does this)::

    build = Build(store, session, notebook, root, directory, executions)
    build.stages         # pipeline_writers.Stage records, in the order they run
    build.files("dvc")   # relative path in the pipeline folder -> text; ExportError if unfit
    build.warnings

Stage scripts hold no session id, execution id or date: exporting again after re-running the
same code gives the same scripts, so DVC and make do not re-run stages that did not change.
Provenance goes in the header of ``dvc.yaml`` / the Makefile instead.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path

from ..common.errors import ExportError
from ..common.packages import imported_modules, package_versions
from ..common.slicing import SliceResult
from ..store import Execution, LineageStore, Session, VariableState
from .formats import FORMATS
from .handoffs import StageNeeds, plan_needs
from .notebook import read_cells
from .scripts import ScriptContext, StageText, stage_script
from .session_slice import slice_for_pipeline, state_after
from .stages import Group, infer_stages, merge_idle, slug, stage_names
from .state_replay import StateReplay
from .steps import PlainSteps, plain_steps
from .writers import (
    Layout,
    Stage,
    dvc_yaml,
    make_unsafe,
    makefile,
    params_yaml,
    requirements,
)

StateOf = Callable[[int, str], VariableState | None]


def relative_posix(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


class Build:
    """The stages, their scripts and the pipeline files of one session; raises ExportError."""

    def __init__(
        self,
        store: LineageStore,
        session: Session,
        notebook: Path,
        root: Path,
        directory: Path,
        history: Sequence[Execution],
    ) -> None:
        self.layout = Layout(relative_posix(directory, root), relative_posix(root, directory))
        live = store.live_state(session.id)
        sliced, self.warnings = slice_for_pipeline(history, live)
        self.warnings += [*sliced.kept_for_state, *sliced.dynamic_reads]  # as `export` says
        plain = plain_steps(sliced, read_cells(notebook))
        self.warnings += plain.warnings
        if not plain.steps:
            raise ExportError(f"Session {session.id} has nothing to run: no result, no file")
        self.replay = StateReplay(history, plain.steps)
        groups = self._cut(plain, sliced, lambda i, name: state_after(history, live, i, name))
        names = stage_names(groups, slug(notebook.stem))
        self.stages = [self._stage(i, names[i], group) for i, group in enumerate(groups)]
        if len(self.stages) == 1:
            self.warnings.append(_single_stage(groups[0]))
        self.params = plain.params if plain.params_execution is not None else None
        context = ScriptContext(
            relative_posix(notebook, root), relative_posix(notebook.parent, directory)
        )
        self.scripts = [
            stage_script(StageText(i + 1, len(groups), s, g.steps, self.needs[i]), context)
            for i, (s, g) in enumerate(zip(self.stages, groups, strict=True))
        ]
        self.recorded = _recorded_packages(store, history)
        runs = [", ".join(str(s.execution.id) for s in g.steps) for g in groups]
        self.header = f"Pipeline exported from {context.notebook} by jupyter_repro "
        self.header += f"(session {session.id}).\n" + "\n".join(
            f"Stage {stage.name}: executions {runs[i]}." for i, stage in enumerate(self.stages)
        )

    def _cut(self, plain: PlainSteps, sliced: SliceResult, state_of: StateOf) -> list[Group]:
        """The stages, and what each needs from earlier ones (``self.needs``)."""
        groups, merged = infer_stages(plain.steps)
        params = (plain.params_execution, frozenset(plain.params))
        while True:  # planning hand-offs tells which stages produce nothing
            stages = [g.steps for g in groups]
            state = self.replay.plan(stages)
            self.needs, pickled = plan_needs(
                stages, sliced.reads, sliced.writes, params, state_of, state
            )
            # A stage that only sets hidden state (a seed, a chdir) produces nothing either.
            if not merge_idle(groups, lambda i: bool(self.needs[i].saves)):
                break
        self.warnings += merged + pickled + state.warnings
        return groups

    def _stage(self, index: int, name: str, group: Group) -> Stage:
        outs = []
        for path in group.outs():
            if posixpath.isabs(path):  # DVC tracks outputs inside the repository only
                self.warnings.append(f"{path} is outside the project: not a declared output")
            else:
                outs.append(path)
        deps = []
        for path in group.deps():
            if path in outs:  # one path cannot be both: the stage's result is what counts
                self.warnings.append(f"stage {name} reads {path}, then rewrites it: an out only")
            else:
                deps.append(path)
        needs: StageNeeds = self.needs[index]
        script = self._in_pipeline(f"stages/{index + 1:02d}_{name}.py")
        loads = [self._in_pipeline(h.file) for h in needs.all_loads()]
        saves = [self._in_pipeline(h.file) for h in needs.all_saves()]
        return Stage(name, script, (script, *deps, *loads), (*outs, *saves), tuple(needs.params))

    def _in_pipeline(self, name: str) -> str:
        return posixpath.normpath(posixpath.join(self.layout.pipeline, name))

    def files(self, to: str) -> dict[str, str]:
        """Relative path in the pipeline folder -> text; ExportError when ``to`` cannot hold it."""
        files: dict[str, str] = {}
        if to == "make":
            unsafe = make_unsafe([p for s in self.stages for p in (*s.deps, *s.outs)])
            if unsafe:
                raise ExportError(f"make cannot name the file {unsafe[0]!r}: use --to dvc")
            files["Makefile"] = makefile(self.stages, self.layout, self.header)
        else:
            files["dvc.yaml"] = dvc_yaml(self.stages, self.layout, self.header)
        if self.params is not None:
            files["params.yaml"] = params_yaml(self.params, self.header)
        files["requirements.txt"] = requirements(self._packages(), self.header)
        for stage, text in zip(self.stages, self.scripts, strict=True):
            files[posixpath.relpath(stage.script, self.layout.pipeline)] = text
        return files

    def _packages(self) -> dict[str, str]:
        """Recorded versions of what the scripts import, hand-off formats and YAML included."""
        modules = imported_modules(self.scripts)
        modules |= {
            m
            for n in self.needs
            for h in n.all_loads() + n.all_saves()
            for m in FORMATS[h.kind].modules
        }
        if "pandas" in modules and any("parquet" in text for text in self.scripts):
            modules.add("pyarrow")  # pandas' Parquet engine, never imported by name
        return package_versions(modules, self.recorded)


def _single_stage(group: Group) -> str:
    if not any(s.execution.files for s in group.steps):
        reason = "no file I/O was recorded"
    else:
        reason = "no file it wrote is read back, and one section does all its file I/O"
    return f"single-stage pipeline: {reason} (tag cells stage=NAME to cut it into stages)"


def _recorded_packages(store: LineageStore, history: Sequence[Execution]) -> dict[str, str]:
    env_id = next((e.env_id for e in reversed(history) if e.env_id), None)
    env = store.environment(env_id) if env_id else None
    return dict(env.data.get("packages", {})) if env else {}
