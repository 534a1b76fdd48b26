"""What an exported script says about where it came from: its header text."""

from __future__ import annotations

from collections.abc import Mapping


def header_markdown(
    notebook: str,
    session: str,
    recorded: str,
    exported: str,
    python: Mapping[str, str],
    packages: Mapping[str, str],
    files: Mapping[str, str],
    lock_name: str,
    script_name: str,
) -> str:
    """The first (markdown) cell: provenance a reader of the script needs."""
    lines = [
        f"# Reproducible script exported from `{notebook}`",
        "",
        f"Session `{session}`, recorded {recorded}, exported {exported} by jupyter-repro.",
        f"Python {python.get('version', '?')} ({python.get('implementation', '?')}).",
    ]
    if packages:
        lines += ["", "Packages: " + ", ".join(f"{n} {v}" for n, v in packages.items()) + "."]
    if files:
        lines += ["", "Data files read, checked against their recorded hashes at start:"]
        lines += [f"- `{path}` {digest}" for path, digest in files.items()]
    lines += [
        "",
        f"Recorded results are in `{lock_name}`; check that they reproduce with",
        f"`jupyter repro verify {script_name}`.",
    ]
    return "\n".join(lines)
