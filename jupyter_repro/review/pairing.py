"""Pair a notebook with a plain-text twin through jupytext's own pairing.

Usage::

    result = pair(Path("analysis.ipynb"), "py:percent")   # writes analysis.py
    result.twin, result.formats                            # Path("analysis.py"), "ipynb,py:percent"
    unpair(Path("analysis.ipynb"))                         # keeps analysis.py, unpaired

Pairing is the ``jupytext.formats`` notebook metadata, the same that ``jupytext --set-formats``
writes; jupytext's contents manager (enabled in JupyterLab by the ``jupyterlab_jupytext`` server
extension) then updates both files on every save. A twin that already exists with other cells
is never overwritten: :class:`PairingRefused` names it and nothing is written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from jupytext.config import load_jupytext_config
from jupytext.formats import (
    JupytextFormatError,
    long_form_multiple_formats,
    long_form_one_format,
    short_form_multiple_formats,
)
from jupytext.paired_paths import InconsistentPath, paired_paths

from ..common import notebook_file

DEFAULT_FORMAT = "py:percent"


class PairingError(ValueError):
    """Bad input: not a notebook, an unknown format. One line a person can act on."""


class PairingRefused(PairingError):
    """The twin exists and holds other cells; nothing was written."""


@dataclass(frozen=True)
class PairResult:
    notebook: Path
    twin: Path
    formats: str  # jupytext's short form, e.g. "ipynb,py:percent"
    changed: bool  # False when it was already paired and in sync


@dataclass(frozen=True)
class UnpairResult:
    notebook: Path
    formats: str | None  # what the pairing was; None when the notebook was not paired
    kept: tuple[Path, ...]  # text twins left on disk, no longer paired


def read_notebook(path: Path) -> nbformat.NotebookNode:
    if path.suffix != ".ipynb":
        raise PairingError(f"Not a notebook: {path} (pair the .ipynb file)")
    try:
        return notebook_file.read_notebook(path)
    except notebook_file.NotebookUnreadable as error:
        raise PairingError(f"No such notebook: {path}" if error.missing else str(error)) from error


def _cells(nb: Any) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def _formats(nb: Any) -> list[dict[str, str]]:
    return list(long_form_multiple_formats(nb.metadata.get("jupytext", {}).get("formats", "")))


def pair(notebook: Path, fmt: str = DEFAULT_FORMAT) -> PairResult:
    """Pair ``notebook`` with a twin in jupytext format ``fmt`` and write the twin."""
    nb = read_notebook(notebook)
    try:
        wanted = long_form_one_format(fmt)
    except JupytextFormatError as error:
        raise PairingError(f"Unknown jupytext format {fmt!r}: {error}") from error
    if wanted["extension"] == ".ipynb":
        raise PairingError("Pair with a text format (py:percent, md, md:myst, ...), not ipynb")
    formats = _formats(nb) or [{"extension": ".ipynb"}]
    if wanted not in formats:
        formats.append(wanted)
    short = short_form_multiple_formats(formats)
    try:
        # paired_paths lists one path per format, in the order of the formats.
        twin = Path(paired_paths(str(notebook), "ipynb", short)[formats.index(wanted)][0])
    except InconsistentPath as error:
        raise PairingError(
            f"{notebook} is already paired as {short_form_multiple_formats(formats[:-1])}: "
            f"{error} (unpair it first to change the format)"
        ) from error
    config = load_jupytext_config(str(notebook.resolve()))

    paired = copy.deepcopy(nb)
    paired.metadata.setdefault("jupytext", {})["formats"] = short
    text = jupytext.writes(paired, fmt=wanted, config=config)
    if twin.exists():
        existing = twin.read_text(encoding="utf-8")
        if existing == text and nb.metadata == paired.metadata:
            return PairResult(notebook, twin, short, changed=False)
        if _cells(jupytext.reads(existing, fmt=wanted)) != _cells(jupytext.reads(text, wanted)):
            raise PairingRefused(
                f"{twin} already exists and differs from {notebook}: nothing was written. "
                "Move it away (or merge it by hand) and pair again."
            )
    if nb.metadata != paired.metadata:
        nbformat.write(paired, notebook)
    # Written after the notebook: jupytext refuses a text twin older than its .ipynb.
    twin.parent.mkdir(parents=True, exist_ok=True)
    twin.write_text(text, encoding="utf-8")
    return PairResult(notebook, twin, short, changed=True)


def unpair(notebook: Path) -> UnpairResult:
    """Remove the pairing of ``notebook``; its text twins stay on disk, unpaired."""
    nb = read_notebook(notebook)
    metadata = nb.metadata.get("jupytext", {})
    short = metadata.get("formats")
    if not short:
        return UnpairResult(notebook, None, ())
    twins = [
        (Path(path), f)
        for path, f in paired_paths(str(notebook), "ipynb", short)
        if f.get("extension") != ".ipynb" and Path(path).exists()
    ]
    config = load_jupytext_config(str(notebook.resolve()))
    del metadata["formats"]
    if not metadata:
        del nb.metadata["jupytext"]
    nbformat.write(nb, notebook)
    for path, fmt in twins:
        # The twin's header names the pairing too; left there, opening the twin in JupyterLab
        # would pair the two again on its next save.
        text_nb = jupytext.read(path, fmt=fmt)
        text_nb.metadata.get("jupytext", {}).pop("formats", None)
        path.write_text(jupytext.writes(text_nb, fmt=fmt, config=config), encoding="utf-8")
    return UnpairResult(notebook, short, tuple(path for path, _ in twins))
