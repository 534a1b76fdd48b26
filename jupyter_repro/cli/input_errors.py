"""Bad input, said in one line: ``Error: ...`` on stderr, exit code 2, no usage text, no traceback.

Every command is registered through ``one_line_errors`` (``cli/__init__.py``), so whatever a
command meets while it runs (a file that is not a notebook, a damaged or newer store, an
unknown session: ``NotebookUnreadable``, ``StoreUnavailable``, a ``click.UsageError`` the
command raised) reaches the user the same way::

    @click.argument("notebook", type=NotebookPath())   # a folder: one line too, before the command
    ...
    cli.add_command(one_line_errors(command))

Click's own parsing errors (an unknown option, a missing argument) keep click's usage text: there
the command line itself is wrong.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..common.notebook_file import NotebookUnreadable
from ..store import StoreUnavailable


class InputError(click.ClickException):
    """An input the command cannot use: one ``Error: ...`` line (no usage text), exit code 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))  # one line, whatever the message held


class StoreError(InputError):
    """A store that cannot be read (damaged, locked, written by a newer jupyter-repro); the
    message says what to do."""


class NotebookPath(click.Path):
    """A file argument (``click.Path(dir_okay=False)``) whose folder or missing file is an
    InputError naming ``noun`` ("notebook", "notebook or script")."""

    def __init__(self, noun: str = "notebook", **options: Any) -> None:
        super().__init__(dir_okay=False, **options)
        self.noun = noun

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        shown = os.fsdecode(value)
        if Path(shown).is_dir():
            raise InputError(f"Not a {self.noun}: {shown} is a folder")
        if self.exists and not Path(shown).exists():
            raise InputError(f"No such {self.noun}: {shown}")
        return super().convert(value, param, ctx)


def one_line_errors(command: click.Command) -> click.Command:
    """``command`` (and a group's sub-commands), turning the input and store problems raised
    while it runs into InputError / StoreError. Returns the same command object."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            one_line_errors(sub)
    callback = command.callback
    if callback is not None and not getattr(callback, "_one_line_errors", False):
        command.callback = _guarded(callback)
    return command


def _guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except StoreUnavailable as error:
            raise StoreError(str(error)) from error
        except NotebookUnreadable as error:
            raise InputError(str(error)) from error
        except click.UsageError as error:  # raised by the command: its input, not its syntax
            raise InputError(error.format_message()) from error

    guarded._one_line_errors = True  # type: ignore[attr-defined]
    return guarded
