"""What one execution has shown so far, in the order a notebook keeps it, as fingerprints.

Pure and single-threaded (``output_capture`` holds the lock)::

    shown = ShownOutputs()
    shown.add_stream("stdout", "a\n")
    shown.add_bundle("display_data", {"text/plain": "...", "image/png": "iVBO..."})
    shown.add_stream("stdout", "b\n")         # merged into the first stdout: one per stream
    shown.clear(wait=False)                   # clear_output(): what was shown is forgotten
    shown.fingerprints("ZeroDivisionError")   # every output in order, then the error

Ordering rules, so that identical runs give identical lists:

* a stream's text over the whole cell is one output, at the position where it first appeared;
* streams first seen between the same two bundles come stdout first, then stderr: which of
  them the IOPub thread flushed first is a matter of timing, not of what the cell did;
* ``clear_output`` forgets everything shown so far (with ``wait=True``, at the next output), as
  the notebook does;
* an output whose fingerprinting failed keeps its position and records nothing, so later
  outputs keep their index, and a stream is never half hashed.
"""

from __future__ import annotations

from typing import Any

from ..store import OutputFingerprint
from . import output_fingerprints
from .output_fingerprints import StreamDigest, error_fingerprint

_Slot = list[OutputFingerprint] | StreamDigest


class ShownOutputs:
    """The outputs of one execution: bundles as fingerprints, streams as running hashes."""

    def __init__(self) -> None:
        self.slots: list[_Slot] = []
        self.streams: dict[str, StreamDigest] = {}
        self.broken: set[str] = set()
        self.clear_pending = False
        self.version = 0  # counts what happened, so an output arriving late shows

    def add_bundle(self, output_type: str, data: dict[str, Any]) -> None:
        """An ``execute_result`` or ``display_data`` bundle."""
        self.version += 1
        self._before_output()
        self.slots.append([])
        # Through the module, so a test can make it fail inside a real kernel.
        index = len(self.slots) - 1
        self.slots[-1] = output_fingerprints.bundle_fingerprints(index, output_type, data)

    def add_stream(self, name: str, text: str) -> None:
        """Text of a stream, as one flush sent it."""
        self.version += 1
        self._before_output()
        stream = self.streams.get(name)
        if stream is None:
            stream = self.streams[name] = StreamDigest(name)
            self.slots.append(stream)
        if name not in self.broken:
            self.broken.add(name)  # until fed: a failure leaves it broken
            stream.feed(text)
            self.broken.discard(name)

    def clear(self, wait: bool) -> None:
        """``clear_output``: now, or with ``wait`` just before the next output."""
        self.version += 1
        self.clear_pending = True
        if not wait:
            self._before_output()

    def fingerprints(self, error: str | None = None) -> tuple[OutputFingerprint, ...]:
        """Every output in order, then the error (by exception name), if any."""
        slots, start = list(self.slots), 0
        for end in range(len(slots) + 1):
            if end == len(slots) or not isinstance(slots[end], StreamDigest):
                slots[start:end] = sorted(slots[start:end], key=_stream_rank)
                start = end + 1
        found: list[OutputFingerprint] = []
        for index, slot in enumerate(slots):
            if not isinstance(slot, StreamDigest):
                found.extend(slot)
            elif slot.name not in self.broken:
                found.append(slot.fingerprint(index))
        if error is not None:
            found.append(error_fingerprint(len(slots), error))
        return tuple(found)

    def _before_output(self) -> None:
        if self.clear_pending:
            self.slots.clear()
            self.streams.clear()
            self.broken.clear()
            self.clear_pending = False


def _stream_rank(slot: _Slot) -> tuple[int, str]:
    name = slot.name if isinstance(slot, StreamDigest) else ""
    return {"stdout": 0, "stderr": 1}.get(name, 2), name
