"""The support cell an exported script runs first, written out as plain Python source.

It checks the data files the script reads against their recorded digests, moves to the folder
the session ran in and, when the script shows outputs, defines ``output_helper``'s
``_repro_show``. The script must run with nothing but the standard library (and ``xxhash`` only
for files whose sha256 could not be established), so this is inlined as source text, not
imported. It is kept short, so that the notebook's own code starts near the top: one
``_repro_check`` line per data file, no check at all when the script reads none::

    check_source({"data/raw.csv": ("sha256", "9f1c...")}, workdir=".", outputs="a_outputs")
"""

from __future__ import annotations

import textwrap

from ..common.file_digest import CHUNK  # the exported check reads in the same chunks
from .output_helper import helper_source

SKIP_VAR = "JUPYTER_REPRO_SKIP_DATA_CHECK"
#: An absolute folder to run in instead of the recorded one (verify points it into its copy).
WORKDIR_VAR = "JUPYTER_REPRO_WORKDIR"

_CHECK = """\


def _repro_check(name, recorded, before=None):
    \"\"\"Stop unless data file ``name`` is the version the session read (xxh3 needs xxhash).\"\"\"
    if os.environ.get("{skip}") == "1":
        return
    algorithm, path = recorded.split(":")[0], _repro_here / name
    digest = hashlib.sha256() if algorithm == "sha256" else __import__("xxhash").xxh3_128()
    if path.is_file():
        with open(path, "rb") as stream:
            while chunk := stream.read({chunk}):
                digest.update(chunk)
        if f"{{algorithm}}:{{digest.hexdigest()}}" == recorded:
            return
    found = "changed since it was recorded" if path.is_file() else "missing"
    stop = f"Stopped before cell {{before}}. " if before else ""
    raise SystemExit(
        f"{{stop}}Data file {{found}}: {{name}}\\n"
        f"Restore the version the session read: jupyter repro data restore {{name}} {{recorded}}"
    )
"""


def check_source(files: dict[str, tuple[str, str]], workdir: str, outputs: str | None) -> str:
    """Source of the support cell; ``files`` maps path -> (algorithm, expected digest),
    ``outputs`` names the folder figures and rich outputs go to (None: no outputs shown)."""
    lines = [_intro(bool(files), bool(outputs))]
    lines += ["import hashlib"] if files else []
    lines += ["import os"]
    lines += ["import sys"] if outputs else []
    lines += ["from pathlib import Path", ""]
    lines.append('_repro_here = Path(__file__).resolve().parent if "__file__" in globals() else '
                 "Path.cwd()")  # fmt: skip
    if files:
        lines.append(_CHECK.format(chunk=CHUNK, skip=SKIP_VAR).rstrip("\n"))
        lines += ["", ""] + [check_call(name, files[name]) for name in sorted(files)]
    there = "_repro_here" if workdir in ("", ".") else f"_repro_here / {workdir!r}"
    lines.append(f'os.chdir(os.environ.get("{WORKDIR_VAR}") or {there})')
    source = "\n".join(lines) + "\n"
    return source + "\n" + helper_source(outputs) if outputs else source


def check_call(name: str, pinned: tuple[str, str], before: int | None = None) -> str:
    """One ``_repro_check`` line; ``before``: the script cell (numbered from 1) it guards."""
    algorithm, digest = pinned
    args = [repr(name), repr(f"{algorithm}:{digest}")] + ([str(before)] if before else [])
    return f"_repro_check({', '.join(args)})"


def _intro(files: bool, outputs: bool) -> str:
    """The comment that opens the cell: what it does, and where the notebook's code starts."""
    does = [f"moves to the folder the session ran in ({WORKDIR_VAR} names another)"]
    if files:
        does.insert(0, f"checks the data files it reads ({SKIP_VAR}=1 skips that)")
    if outputs:
        does.append("shows each cell's outputs when run with plain `python`")
    said = ", ".join(does[:-1]) + (" and " if len(does) > 1 else "") + does[-1]
    text = f"jupyter-repro support: this cell {said}. The notebook's code starts below."
    return textwrap.fill(text, 99, initial_indent="# ", subsequent_indent="# ")
