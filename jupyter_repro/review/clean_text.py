"""A notebook as clean text for git's ``textconv``: what a reviewer reads, not what a run changes.

Usage::

    text = clean_text(json.loads(Path("analysis.ipynb").read_text()))

    # what `git diff` runs (configured by `jupyter repro git-setup`):
    python -m jupyter_repro.review.clean_text analysis.ipynb

Each cell is a ``# %%`` header (``# %% [markdown]``, with its tags when it has some), its source,
and one ``# Out`` line per output (see ``outputs.summarise``). Execution counts, cell ids, cell
and notebook metadata (kernel, widget state, timestamps) are left out, so re-running an
unchanged notebook converts to the same text and ``git diff`` shows nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .outputs import normalise_outputs, summarise


def upgrade(nb: dict[str, Any]) -> dict[str, Any]:
    """``nb`` as nbformat 4 (older notebooks are converted by nbformat)."""
    if nb.get("nbformat") == 4:
        return nb
    import nbformat  # only for old notebooks: importing it costs more than the rest of a run

    return dict(nbformat.convert(nbformat.from_dict(nb), 4))


def source(cell: dict[str, Any]) -> str:
    value = cell.get("source", "")
    return "".join(value) if isinstance(value, list) else str(value)


def cell_header(cell: dict[str, Any]) -> str:
    kind = cell.get("cell_type", "code")
    header = "# %%" if kind == "code" else f"# %% [{kind}]"
    tags = cell.get("metadata", {}).get("tags")
    return f"{header} tags={json.dumps(tags)}" if tags else header


def cell_text(cell: dict[str, Any]) -> str:
    lines = [cell_header(cell)]
    body = source(cell).rstrip("\n")
    if body:
        lines.append(body)
    for name in sorted(cell.get("attachments") or {}):
        lines.append(f"# Attachment {name}")
    for output in normalise_outputs(cell.get("outputs", [])):
        lines.append("# Out " + summarise(output))
    return "\n".join(lines) + "\n"


def clean_text(nb: dict[str, Any]) -> str:
    """The clean text of a notebook (a dict in nbformat 3 or 4 shape)."""
    return "\n".join(cell_text(cell) for cell in upgrade(nb).get("cells", []))


def convert_file(raw: bytes) -> bytes:
    """Clean text of a notebook file's bytes, or the bytes unchanged when it is not a notebook.

    git calls this on every version it compares, including a file with conflict markers or a
    half-written one; failing would make ``git diff`` itself fail, so those are shown as is.
    """
    if not raw.strip():
        return raw
    try:
        nb = json.loads(raw)
        if not isinstance(nb, dict) or "cells" not in nb and "worksheets" not in nb:
            return raw
        return clean_text(nb).encode()
    except Exception:  # noqa: BLE001 - git shows the raw file for any malformed notebook
        return raw


def main(argv: list[str] | None = None) -> int:
    """git's textconv entry point: print the clean text of the file named by the one argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m jupyter_repro.review.clean_text NOTEBOOK", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(convert_file(Path(args[0]).read_bytes()))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
