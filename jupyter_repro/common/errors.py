"""The error every export raises for bad input."""

from __future__ import annotations


class ExportError(ValueError):
    """Bad input for an export: the message is one line a person can act on."""


class RefusedOverwrite(ExportError):
    """A file in the way that is not provably an earlier output of ours: never replaced (exit 1,
    not 2: the input is valid, the answer is no)."""
