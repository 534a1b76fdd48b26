"""Reading a notebook file the way every command does: nbformat 4, validated, one-line errors.

Usage::

    try:
        nb = read_notebook(path)           # NotebookNode, nbformat 4
    except NotebookUnreadable as error:
        print(error)          # "Not a valid notebook: x.ipynb (<first line of the reason>)"
        error.reason          # the reason alone, for callers that word their own message

A notebook older than nbformat 4 (IPython 3 and before) is refused, never upgraded here:
commands that write the notebook back would otherwise rewrite the user's file in another
format without a word. The message says how to upgrade it.

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
    label = label or str(path)
    try:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    except Exception as error:  # nbformat raises many kinds for a file it cannot parse
        missing = isinstance(error, FileNotFoundError)
        raise NotebookUnreadable(label, first_line(error), missing) from error
    return _version_4(nb, label, validate)


def parse_notebook(text: str, label: str) -> nbformat.NotebookNode:
    """A notebook from its JSON text (a git revision, a saved version), as nbformat 4."""
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as error:  # nbformat raises many kinds for text it cannot parse
        raise NotebookUnreadable(label, first_line(error)) from error
    return _version_4(nb, label, validate=False)


def _version_4(nb: nbformat.NotebookNode, label: str, validate: bool) -> nbformat.NotebookNode:
    """``nb`` as read, when it is nbformat 4 (validated if asked); NotebookUnreadable else."""
    version = nb.get("nbformat") if isinstance(nb, dict) else None
    if not isinstance(version, int) or version < 4:
        reason = f"nbformat {version}" if isinstance(version, int) else "no nbformat version"
        raise NotebookUnreadable(
            label,
            reason,
            message=f"Not a valid notebook: {label} ({reason}; jupyter-repro reads nbformat 4: "
            "open and save it in JupyterLab, or run `jupyter nbconvert --to notebook --inplace "
            f"{label}`, to upgrade it)"
            if isinstance(version, int)
            else None,
        )
    try:
        nb = nbformat.convert(nb, 4)  # a newer 4.x minor: as nbformat 4 reads it
        if validate:
            nbformat.validate(nb)
    except Exception as error:  # nbformat raises many kinds for a notebook it cannot read
        raise NotebookUnreadable(label, first_line(error)) from error
    return nb


def first_line(error: BaseException) -> str:
    """The first line of an error's message, or its type's name when it has none."""
    return (str(error).splitlines() or [type(error).__name__])[0]
