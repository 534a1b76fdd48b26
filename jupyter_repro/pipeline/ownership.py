"""Which files in the way of a pipeline export are provably ours, before anything is written.

Usage, by ``export.export_pipeline`` once the files are computed::

    plan = plan_writes(directory, files, notebook)   # reads only: the manifest, digests
    plan.paths()             # every path the export will create, replace or delete
    plan.refuse_foreign()    # RefusedOverwrite naming each file in the way that is not ours
    plan.stale               # our stage scripts this export no longer has: deleted

Proof, not a guess: a file is ours when the folder's manifest (``manifest``) lists it, names
this notebook, and the file still holds the bytes it records (unchanged since we wrote it). A
file whose bytes already are what this export writes loses nothing and is taken as it is (a
folder from before manifests, exported again unchanged). Anything else in the way, a user's
``Makefile`` or a stage script edited since, refuses the whole export; so does a file that is
not a plain file (a folder, a symlink) or a notebook, whatever the manifest says. Files the
export does not write and the manifest does not list are never looked at.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..common.errors import RefusedOverwrite
from ..common.file_digest import file_digests
from .manifest import MANIFEST, Manifest, digest, read_manifest

_SHA256 = "sha256:"


@dataclass
class Plan:
    directory: Path
    files: Mapping[str, bytes]  # relative path -> the bytes this export writes
    previous: dict[str, str] = field(default_factory=dict)  # ours, unchanged: digest on disk
    stale: list[str] = field(default_factory=list)  # ours, unchanged, no longer written
    refused: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why)

    def paths(self) -> tuple[Path, ...]:
        """Every path the export creates, replaces or deletes (the staging folder goes in the
        folder's parent): a caller confining writes checks them all before the first one."""
        names = (*self.files, *self.stale, MANIFEST)
        return (self.directory.parent, self.directory, *(self.directory / n for n in names))

    def refuse_foreign(self) -> None:
        if not self.refused:
            return
        why = "; ".join(f"{self.directory / name} {reason}" for name, reason in self.refused)
        raise RefusedOverwrite(
            f"Refusing to write the pipeline, nothing was written: {why}. Move "
            f"{'it' if len(self.refused) == 1 else 'them'} away, or export to another folder "
            "with -o (--force never replaces a file jupyter-repro did not write)"
        )


def plan_writes(directory: Path, files: Mapping[str, bytes], notebook: Path) -> Plan:
    """What writing ``files`` into ``directory`` replaces and deletes, and what it refuses."""
    plan = Plan(directory, files)
    if not directory.is_dir():
        return plan
    manifest = read_manifest(directory)
    if manifest is not None and not _same_notebook(directory, manifest, notebook):
        plan.refused.append(
            (MANIFEST, f"says this folder holds the pipeline of {manifest.notebook}")
        )
        return plan
    listed: Mapping[str, frozenset[str]] = manifest.files if manifest else {}
    for name in sorted({*files, *listed}):
        path = directory / name
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue  # new, or one of ours already gone
        try:
            if not stat.S_ISREG(mode):
                plan.refused.append((name, "is not a plain file"))
            elif _is_notebook(path):
                plan.refused.append((name, "is a notebook: never replaced"))
            else:
                _judge(plan, name, file_digests(path)[1], listed)
        except OSError as error:
            plan.refused.append((name, f"cannot be read ({error.strerror})"))
    return plan


def _judge(plan: Plan, name: str, sha256: str, listed: Mapping[str, frozenset[str]]) -> None:
    current = _SHA256 + sha256
    if name in plan.files and current == digest(plan.files[name]):
        plan.previous[name] = current  # already the bytes we write: nothing to lose
    elif current in listed.get(name, ()):
        plan.previous[name] = current
        if name not in plan.files:
            plan.stale.append(name)
    elif name in listed:
        plan.refused.append((name, "was changed since jupyter-repro wrote it"))
    elif name in plan.files:
        plan.refused.append((name, f"was not written by jupyter-repro (no {MANIFEST} lists it)"))


def _same_notebook(directory: Path, manifest: Manifest, notebook: Path) -> bool:
    return os.path.realpath(directory / manifest.notebook) == os.path.realpath(notebook)


def _is_notebook(path: Path) -> bool:
    """A ``.ipynb`` file, or JSON holding ``nbformat`` (our files never begin with ``{``)."""
    if path.suffix == ".ipynb":
        return True
    with path.open("rb") as stream:
        if stream.read(64).lstrip()[:1] != b"{":
            return False
        stream.seek(0)
        try:
            document = json.load(stream)
        except ValueError:
            return False
    return isinstance(document, dict) and "nbformat" in document
