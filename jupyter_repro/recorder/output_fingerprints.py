"""Fingerprints of a cell's outputs: MIME type, size and a hash of the content, never the content.

Pure and kernel-free; ``output_capture`` feeds it what the kernel sends::

    bundle_fingerprints(0, "display_data", {"text/plain": "<Figure ...>", "image/png": "iVBO..."})
    stdout = StreamDigest("stdout")
    stdout.feed("hello ")                  # as often as the stream is flushed
    stdout.fingerprint(index=1)            # all of stdout's text over the cell: one fingerprint
    error_fingerprint(2, "ZeroDivisionError")

Hashes are ``"xxh3:"`` + xxh3_128 of the content after ``output_normalise`` took out what varies
between identical runs. A stream is hashed as it arrives, line by line, so a cell printing
gigabytes keeps no more than its last unfinished line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import xxhash

from ..store import OutputFingerprint
from .output_normalise import ERROR_MIME, content_parts, normalise_text, text_size, utf8

HASH_PREFIX = "xxh3:"
#: An unfinished line longer than this is hashed anyway: normalising never spans it, but
#: nothing normalised is that long, and memory stays bounded for text without newlines.
MAX_CARRY = 64 * 1024


def digest(parts: Iterable[bytes | memoryview]) -> str:
    """The xxh3_128 of the parts' concatenation."""
    state = xxhash.xxh3_128()
    for part in parts:
        state.update(part)
    return HASH_PREFIX + state.hexdigest()


def bundle_fingerprints(
    index: int, output_type: str, data: Mapping[str, Any]
) -> list[OutputFingerprint]:
    """One fingerprint per MIME type of an ``execute_result``/``display_data`` bundle, in order."""
    found = []
    for mime, value in data.items():
        size, parts = content_parts(mime, value)
        found.append(OutputFingerprint(index, output_type, mime, size, digest(parts)))
    return found


def error_fingerprint(index: int, name: str) -> OutputFingerprint:
    """An error, by its exception's name only: messages and tracebacks hold paths and addresses."""
    data = utf8(name)
    return OutputFingerprint(index, "error", ERROR_MIME, len(data), digest([data]))


class StreamDigest:
    """The running hash of one stream's text over a cell (stdout or stderr)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.size = 0
        self._state = xxhash.xxh3_128()
        self._carry = ""  # the unfinished last line: an address could be cut in two

    def feed(self, text: str) -> None:
        """Add text as the kernel sent it."""
        self.size += text_size(text)
        text = self._carry + text if self._carry else text
        cut = text.rfind("\n") + 1
        if cut == 0:
            if len(text) < MAX_CARRY:
                self._carry = text
                return
            cut = len(text)
        self._state.update(utf8(normalise_text(text[:cut])))
        self._carry = text[cut:]

    def fingerprint(self, index: int) -> OutputFingerprint:
        """The fingerprint of everything fed so far (feeding may go on)."""
        state = self._state.copy()
        if self._carry:
            state.update(utf8(normalise_text(self._carry)))
        hash_ = HASH_PREFIX + state.hexdigest()
        return OutputFingerprint(index, "stream", "text/plain", self.size, hash_, self.name)
