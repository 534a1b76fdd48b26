"""git's ``clean`` filter for notebooks: what is committed leaves out JupyterLab's run timestamps.

Usage::

    committed = clean_bytes(Path("analysis.ipynb").read_bytes())
    committed = clean_bytes(raw, strip_counts=True)   # `git-setup --strip-counts`

    # what `git add` and `git status` run (configured by `jupyter repro git-setup`):
    python -m jupyter_repro.review.clean_filter [--strip-counts] < analysis.ipynb

It removes the timing entries JupyterLab writes into each cell's ``metadata.execution``
(``transients.strip_timing``) and, only with ``--strip-counts``, the execution counts. Outputs,
sources, ids and every other metadata key are kept byte for byte, so nothing a reader sees is
lost: the file on disk keeps its timestamps, the commit does not. A notebook with nothing to
remove, or any input that is not a notebook (conflict markers, half-written JSON, an empty file),
is passed through unchanged, so the filter is idempotent and never fails ``git add``. Without a
``smudge`` command, a checkout writes the committed bytes as they are.

Execution counts are kept by default: ``jupyter repro run --order stored`` replays the order
they record, and a reader of the notebook sees it. So ``git status`` stays quiet after "Restart
Kernel and Run All" with equal results (same counts, new timestamps), and lists a notebook whose
re-run renumbered its cells; ``git diff`` shows nothing for either (``clean_text``).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from .transients import strip_counts as strip_cell_counts
from .transients import strip_timing

_INDENT = re.compile(rb"^\{\r?\n( +)\"", re.MULTILINE)


def clean(nb: dict[str, Any], strip_counts: bool = False) -> bool:
    """Remove the run noise from ``nb`` in place; True when something was removed."""
    changed = False
    for cell in nb.get("cells") or []:
        if isinstance(cell, dict):
            changed |= strip_timing(cell)
            if strip_counts:
                changed |= strip_cell_counts(cell)
    return changed


def clean_bytes(raw: bytes, strip_counts: bool = False) -> bytes:
    """The bytes to commit for a notebook file's bytes: ``raw`` itself when nothing is removed.

    A changed notebook is written back as nbformat writes it (JupyterLab's layout: keys in the
    file's order, the file's indent, non-ASCII as is, a final newline when it had one).
    """
    try:
        nb = json.loads(raw)
        if not isinstance(nb, dict) or not clean(nb, strip_counts):
            return raw
    except Exception:  # noqa: BLE001 - anything that is not a notebook is committed as it is
        return raw
    found = _INDENT.match(raw)
    indent = len(found.group(1)) if found else 1
    text = json.dumps(nb, indent=indent, ensure_ascii=False, separators=(",", ": "))
    return text.encode() + (b"\n" if raw.endswith(b"\n") else b"")


def main(argv: list[str] | None = None) -> int:
    """git's clean entry point: the notebook on stdin, the bytes to commit on stdout."""
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["--strip-counts"]):
        print(
            "usage: python -m jupyter_repro.review.clean_filter [--strip-counts]", file=sys.stderr
        )
        return 2
    sys.stdout.buffer.write(clean_bytes(sys.stdin.buffer.read(), strip_counts=bool(args)))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
