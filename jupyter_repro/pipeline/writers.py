"""The pipeline's own files: ``dvc.yaml`` or a ``Makefile``, ``params.yaml``, ``requirements.txt``.

Usage::

    layout = Layout(pipeline="pipeline", root_from_pipeline="..")
    text = dvc_yaml(stages, layout, header)      # or makefile(stages, layout, header)
    params_yaml({"threshold": 2}, header)
    requirements({"pandas": "3.1.1"}, header)

Stage paths are relative to the project root. ``dvc.yaml`` keeps them so, with ``wdir`` set to
the root, since ``dvc repro`` runs inside the pipeline folder; the Makefile, run as
``make -C DIR``, rewrites them relative to DIR.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

MAKE_SPECIAL = (" ", "\t", ":", "#", "=", ";", "\\")  # make cannot name such files


@dataclass(frozen=True)
class Stage:
    """One stage as the pipeline files declare it; paths relative to the project root."""

    name: str
    script: str
    deps: tuple[str, ...]  # its script first, then data files and hand-offs it reads
    outs: tuple[str, ...]  # data files and hand-offs it writes
    params: tuple[str, ...]  # keys of params.yaml it reads


@dataclass(frozen=True)
class Layout:
    pipeline: str  # the pipeline folder, relative to the project root ("." when it is the root)
    root_from_pipeline: str  # the project root, relative to the pipeline folder

    def from_pipeline(self, path: str) -> str:
        """A root-relative path as seen from the pipeline folder (absolute ones stay so)."""
        return path if posixpath.isabs(path) else posixpath.relpath(path, self.pipeline)

    def params_file(self) -> str:
        return posixpath.normpath(posixpath.join(self.pipeline, "params.yaml"))


def dvc_yaml(stages: Sequence[Stage], layout: Layout, header: str) -> str:
    document: dict[str, Any] = {}
    for stage in stages:
        entry: dict[str, Any] = {
            "cmd": f"python {shlex.quote(stage.script)}",
            "wdir": layout.root_from_pipeline,
            "deps": list(stage.deps),
        }
        if stage.params:
            entry["params"] = [{layout.params_file(): list(stage.params)}]
        if stage.outs:
            entry["outs"] = list(stage.outs)
        document[stage.name] = entry
    body = yaml.safe_dump({"stages": document}, sort_keys=False, width=1000)
    return _comment(header + "\nRun it inside this folder: dvc repro") + body


def makefile(stages: Sequence[Stage], layout: Layout, header: str) -> str:
    targets = [_targets(i, stage, layout) for i, stage in enumerate(stages)]
    lines = [
        _comment(header + "\nRun it: make -C DIR (GNU make 4.3 or later)").rstrip("\n"),
        "PYTHON ?= python",
        "",
        "ifeq ($(filter grouped-target,$(.FEATURES)),)",
        "$(error GNU make 4.3 or later is needed: a stage writing several files is one rule)",
        "endif",
        "",
        "# A stage that fails leaves no half-written output to look up to date.",
        ".DELETE_ON_ERROR:",
        ".PHONY: all",
        "all: " + " ".join(t for group in targets for t in group),
    ]
    for stage, outs in zip(stages, targets, strict=True):
        deps = [layout.from_pipeline(d) for d in stage.deps]
        if stage.params:
            deps.append("params.yaml")
        script = layout.from_pipeline(stage.script)
        lines += ["", f"# Stage {stage.name}", f"{' '.join(outs)} &: {' '.join(deps)}"]
        lines.append(f"\t$(PYTHON) {script}")
        if not stage.outs:  # nothing to compare times with: a stamp says when it last ran
            lines.append("\t@mkdir -p .stamps && touch $@")
    return "\n".join(lines) + "\n"


def _targets(index: int, stage: Stage, layout: Layout) -> list[str]:
    if stage.outs:
        return [layout.from_pipeline(o) for o in stage.outs]
    return [f".stamps/{index + 1:02d}_{stage.name}"]


def make_unsafe(paths: Sequence[str]) -> list[str]:
    """The paths make cannot name in a rule."""
    return [p for p in paths if any(c in p for c in MAKE_SPECIAL) or "$" in p]


def params_yaml(values: Mapping[str, Any], header: str) -> str:
    body = yaml.safe_dump(dict(values), sort_keys=False, allow_unicode=True) if values else "{}\n"
    return _comment(header + "\nEdit the values here: the stages that use one run again.") + body


def requirements(packages: Mapping[str, str], header: str) -> str:
    pins = "".join(f"{name}=={version}\n" for name, version in sorted(packages.items()))
    return _comment(header + "\nThe distributions the stage scripts import, as recorded.") + pins


def _comment(text: str) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in text.splitlines())
