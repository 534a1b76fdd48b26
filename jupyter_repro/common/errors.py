"""The error every export raises for bad input."""

from __future__ import annotations


class ExportError(ValueError):
    """Bad input for an export: the message is one line a person can act on."""
