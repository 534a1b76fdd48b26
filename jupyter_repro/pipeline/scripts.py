"""The text of one stage script: plain Python that runs with ``python stages/NN_name.py``.

Usage::

    text = stage_script(StageText(2, 3, stage, steps, needs), ScriptContext(notebook, workdir))

The script moves to the folder the notebook ran in (so the cells' relative paths mean what they
meant in the session, and its local modules import), loads its parameters, sets again the hidden
state earlier stages set (``state_replay``: their setting statements, in the order they ran),
loads the values earlier stages handed off and restores the random generators as they left
them, runs its executions in the order they ran, then writes its own hand-offs and, for later
stages, its generators' state. It needs nothing from jupyter-repro. It names no session,
execution or date, so the same code exported again gives the same script and DVC or make have
nothing to re-run.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .formats import FORMATS
from .handoffs import Handoff, StageNeeds
from .steps import Step
from .writers import Stage

_PRELUDE = """\
import os as _repro_os
import sys as _repro_sys
from pathlib import Path as _repro_Path

_PIPELINE = _repro_Path(__file__).resolve().parent.parent
_HANDOFFS = _PIPELINE / "handoffs"
# The cells ran in the notebook's folder and could import its modules: the same here.
_repro_os.chdir(_PIPELINE / {workdir!r})
_repro_sys.path.insert(0, _repro_os.getcwd())
"""

_DISPLAY = """
def display(*objects, **_options):  # IPython's rich display, printed in a plain script
    print(*objects)
"""

_PARAMS_SOURCE = """
# Parameters, from params.yaml: change them there and the stages using them run again.
import yaml as _repro_yaml

_PARAMS = _repro_yaml.safe_load((_PIPELINE / "params.yaml").read_text())
"""


@dataclass(frozen=True)
class ScriptContext:
    notebook: str  # relative to the project root
    workdir: str  # the notebook's folder, relative to the pipeline folder


@dataclass(frozen=True)
class StageText:
    number: int
    total: int
    stage: Stage
    steps: Sequence[Step]
    needs: StageNeeds


def stage_script(text: StageText, context: ScriptContext) -> str:
    parts = [_docstring(text, context), _PRELUDE.format(workdir=context.workdir)]
    if any(re.search(r"\bdisplay\(", s.code) for s in text.steps):
        parts.append(_DISPLAY)
    needs = text.needs
    if needs.params:
        lines = [f"{name} = _PARAMS[{name!r}]" for name in needs.params]
        parts.append(_PARAMS_SOURCE + "\n".join(lines) + "\n")
    if needs.replay:
        parts.append(_replay(needs))
    if needs.copies:
        parts.append("\n# Imports and definitions from earlier stages, run again here.\n")
        parts.append("\n".join(needs.copies) + "\n")
    if needs.loads:
        parts.append("\n# Values earlier stages handed off.\n" + _handoff_lines(needs.loads, True))
    if needs.state_loads:
        parts.append("\n# The random generators as earlier stages left them.\n")
        parts.append(_handoff_lines(needs.state_loads, True))
    for step in text.steps:
        parts.append(f"\n\n{_title(step)}\n{step.code.rstrip()}\n")
    if needs.saves or needs.state_saves:
        parts.append("\n\n# Hand-offs: values later stages use, written as files.\n")
        parts.append("_HANDOFFS.mkdir(exist_ok=True)\n")
    if needs.saves:
        parts.append(_handoff_lines(needs.saves, False))
    if needs.state_saves:
        parts.append("\n# The random generators' state, for the later stages drawing from them.\n")
        parts.append(_handoff_lines(needs.state_saves, False))
    return "".join(parts)


def _title(step: Step) -> str:
    cell = step.execution.cell_id
    return f"# Cell {cell}" if cell else "# A cell run without a cell id"


def _replay(needs: StageNeeds) -> str:
    """The hidden state earlier stages set, set again first, after what it needs."""
    parts = ["\n# Hidden state earlier stages set (working directory, environment, options...),\n"]
    parts.append("# set again: the statements of their cells that set it, in the order they ran.\n")
    if needs.replay_copies:
        parts.append("\n".join(needs.replay_copies) + "\n")
    if needs.replay_loads:
        parts.append(_handoff_lines(needs.replay_loads, True))
    parts += [f"\n{_title(step)}, again\n{step.code.rstrip()}\n" for step in needs.replay]
    return "".join(parts)


def _handoff_lines(handoffs: Sequence[Handoff], load: bool) -> str:
    imports = sorted({line for h in handoffs for line in FORMATS[h.kind].imports.splitlines()})
    lines = []
    for handoff in handoffs:
        fmt, path = FORMATS[handoff.kind], f"_PIPELINE / {handoff.file!r}"
        lines.append(fmt.load(handoff.name, path) if load else fmt.save(handoff.name, path))
    return "\n".join(imports) + "\n\n" + "\n".join(lines) + "\n"


def _docstring(text: StageText, context: ScriptContext) -> str:
    stage = text.stage
    lines = [
        f'Stage {text.number} of {text.total}, "{stage.name}", of the pipeline exported from',
        f"{context.notebook} by jupyter_repro. Plain Python: run it from any folder.",
    ]
    if stage.deps[1:]:
        lines += ["", *_wrap("Reads: " + ", ".join(stage.deps[1:]) + ".")]
    if stage.outs:
        lines += _wrap("Writes: " + ", ".join(stage.outs) + ".")
    # A file or notebook name must not end the docstring early, nor start an escape.
    body = "\n".join(lines).replace("\\", "/").replace('"""', "'''")
    return f'"""{body}\n"""\n\n'


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, 96, break_long_words=False, break_on_hyphens=False)
