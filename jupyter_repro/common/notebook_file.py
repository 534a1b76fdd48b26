"""Reading a notebook file the way every command does: nbformat 4, validated, one-line errors.

Usage::

    try:
        nb = read_notebook(path)           # NotebookNode, upgraded to nbformat 4 in memory
    except NotebookUnreadable as error:
        print(error)          # "Not a valid notebook: x.ipynb (<first line of the reason>)"
        error.reason          # the reason alone, for callers that word their own message

Callers turn ``NotebookUnreadable`` into their own error type (a click usage error, an HTTP 400,
an export error) so the user always gets the same sentence for the same file.
"""

from __future__ import annotations

from pathlib import Path

import nbformat


class NotebookUnreadable(ValueError):
    """A file nbformat cannot read as a notebook; ``str()`` is one line for people."""

    def __init__(
        self, label: str, reason: str, missing: bool = False, message: str | None = None
    ) -> None:
        super().__init__(message or f"Not a valid notebook: {label} ({reason})")
        self.label, self.reason, self.missing = label, reason, missing


def read_notebook(
    path: Path, *, validate: bool = True, label: str | None = None
) -> nbformat.NotebookNode:
    """The notebook at ``path`` as nbformat 4; ``NotebookUnreadable`` when it is not one."""
    try:
        nb = nbformat.read(path, as_version=4)
        if validate:
            nbformat.validate(nb)
    except Exception as error:  # nbformat raises many kinds for a file it cannot parse
        missing = isinstance(error, FileNotFoundError)
        raise NotebookUnreadable(label or str(path), first_line(error), missing) from error
    return nb


def parse_notebook(text: str, label: str) -> nbformat.NotebookNode:
    """A notebook from its JSON text (a git revision, a saved version), as nbformat 4."""
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises many kinds for text it cannot parse
        raise NotebookUnreadable(label, first_line(error)) from error


def first_line(error: BaseException) -> str:
    """The first line of an error's message, or its type's name when it has none."""
    return (str(error).splitlines() or [type(error).__name__])[0]
