"""Whose fault a difference between two clean runs is: the code's, or jupyter-repro's.

``verify --twice`` runs the script twice. A variable whose recorder hash differs between the two
runs is only the code's nondeterminism if the value itself differs; jupyter-repro's hasher may
also be unstable across processes (an object holding an address, a figure whose transforms are
keyed by ``id()``). So each difference is checked against evidence that owes nothing to the
recorder:

- a variable, against the ``fingerprints`` verify's last cell printed in each run (a pickle or a
  figure's rendering): equal there, the hash was jupyter-repro's instability (``PRODUCT``);
  different, the code's (``CODE``); a fingerprint ``unknown`` leaves it ``UNKNOWN``;
- an output, against what the kernel sent, as the executed notebook holds it: the same text or
  image in both runs with two output fingerprints is jupyter-repro's (capture or
  normalisation); other content is the code's.

Usage::

    cause, detail = variable_cause(first_fingerprint, second_fingerprint)
    cause = output_cause(kind, [first_run_outputs, second_run_outputs])
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CODE, PRODUCT, UNKNOWN = "code", "jupyter-repro", "unknown"
#: A run that printed no fingerprint for a name (the cell did not run, or printed nothing).
NO_FINGERPRINT = "unknown: no fingerprint was printed"


@dataclass(frozen=True)
class RunDifference:
    """A variable whose two clean runs left different hashes (or that only one run bound)."""

    name: str
    type: str
    cause: str  # CODE, PRODUCT or UNKNOWN
    detail: str  # what decided it, for people

    @property
    def nondeterministic(self) -> bool:
        """Counted as the code's nondeterminism: not jupyter-repro's doing (unknown included,
        as before attribution existed)."""
        return self.cause != PRODUCT

    def sentence(self) -> str:
        """One line for the text report."""
        if self.cause == PRODUCT:
            return (
                f"jupyter-repro's hash of {self.name} (type {self.type}) is not stable across "
                f"processes; this is a jupyter-repro bug, not your code ({self.detail})."
            )
        if self.cause == UNKNOWN:
            return (
                f"{self.name} (type {self.type}) differs between two clean runs; the difference "
                f"could not be attributed ({self.detail})."
            )
        return f"{self.name} (type {self.type}) differs between two clean runs ({self.detail})."


def variable_cause(first: str | None, second: str | None) -> tuple[str, str]:
    """The cause of a hash difference, from each run's independent fingerprint of the value."""
    first, second = first or NO_FINGERPRINT, second or NO_FINGERPRINT
    for found in (first, second):
        if found.startswith("unknown"):
            return UNKNOWN, found.removeprefix("unknown: ")
    if first == second:
        how = "rendering" if first.startswith("png:") else "pickle"
        return PRODUCT, f"its value is the same in both runs: equal {how}"
    how = "renderings" if first.startswith("png:") else "pickles"
    return CODE, f"the values differ too: different {how}"


def output_cause(
    kind: tuple[str, str, str], shown: Sequence[Sequence[Mapping[str, Any]] | None]
) -> str:
    """The cause of an output fingerprint that differs between runs, from what each run's cell
    showed of that ``kind`` (output_type, MIME type, stream name); None: the cell did not run."""
    if any(outputs is None for outputs in shown):
        return UNKNOWN
    contents = [_content(kind, outputs or ()) for outputs in shown]
    return PRODUCT if all(content == contents[0] for content in contents) else CODE


def _content(kind: tuple[str, str, str], outputs: Sequence[Mapping[str, Any]]) -> str:
    """Everything of ``kind`` the cell showed, in order: streams joined (the kernel may cut a
    print into several messages; the recorder hashes a stream per cell), errors by name (as
    the recorder does), rich outputs as the MIME bundle's entry for ``mime``."""
    output_type, mime, name = kind
    parts: list[Any] = []
    for output in outputs:
        if output.get("output_type") != output_type:
            continue
        if output_type == "stream":
            if output.get("name") == name:
                parts.append(_text(output.get("text", "")))
        elif output_type == "error":
            parts.append(output.get("ename"))  # fingerprinted by name only, as the recorder does
        else:
            data = output.get("data", {}).get(mime)
            parts.append(_text(data) if isinstance(data, str | list) else data)
    if output_type == "stream":
        return "".join(parts)
    return json.dumps(parts, sort_keys=True, default=str)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value
