"""What an exported script says about where it came from: its header text.

Kept to a few lines, so that the notebook's code starts near the top: the data files and their
digests are in the support cell that checks them (``data_check``) and in the lock, not here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping


def header_markdown(
    notebook: str,
    session: str,
    recorded: str,
    exported: str,
    python: Mapping[str, str],
    packages: Mapping[str, str],
    lock_name: str,
    script_name: str,
    outputs: str | None = None,
) -> str:
    """The first (markdown) cell: provenance a reader of the script needs, and how to run it.

    ``outputs`` names the folder plain ``python`` writes figures and rich outputs to, if any.
    """
    runtime = f"Python {python.get('version', '?')} ({python.get('implementation', '?')})"
    # Both times are UTC (ISO 8601): to the second is enough for a reader.
    times = f"recorded {recorded[:19]}Z, exported {exported[:19]}Z"
    said = [f"Session `{session}`, {times}; {runtime}."]
    if packages:
        said.append("Packages: " + ", ".join(f"{n} {v}" for n, v in packages.items()) + ".")
    if outputs:
        said.append(f"`python {script_name}` writes figures and rich outputs to `{outputs}/`.")
    said.append(f"`jupyter repro verify {script_name}` checks the results in `{lock_name}`.")
    # A sentence a line, wrapped to the script's width (markdown joins the lines again).
    lines = [textwrap.fill(line, 97, break_on_hyphens=False) for line in said]
    return "\n".join([f"# Reproducible script exported from `{notebook}`", "", *lines])
