"""The `jupyter repro` command line (installed as the `jupyter-repro` script).

A thin click layer: each command parses its arguments, calls one library function and prints.
Exit codes: 0 success, 1 a negative answer (e.g. "not reproduced"), 2 usage or input error.

May import everything but the server and the recorder; commands import their library lazily so
``jupyter repro --help`` starts fast.
"""

from __future__ import annotations

import sys

import click

from .._version import __version__

# nbformat validates with jsonschema, which imports ``rfc3987_syntax`` when it is installed
# (jupyter-events asks for it) only to check IRI formats; that import compiles 38 lark grammars:
# 3-4 s before any command could start, on every command. Notebook schemas check no IRI, so this
# process goes without it (jsonschema skips the formats it cannot check).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="jupyter-repro")
def cli() -> None:
    """Reproducibility for Jupyter notebooks: lineage, export, verify.

    \b
    Examples:
      jupyter repro --version
      jupyter repro log analysis.ipynb
    """


def main() -> None:
    """Entry point of the `jupyter-repro` script."""
    cli(prog_name="jupyter repro")


def _register() -> None:
    """Attach every sub-command to the group."""
    from .data_commands import data
    from .export_command import export
    from .forget_command import forget
    from .input_errors import one_line_errors
    from .lineage_commands import env, log, state
    from .mv_command import mv
    from .pipeline_command import pipeline
    from .review_commands import diff, git_setup, pair
    from .run_command import run
    from .verify_command import verify

    commands = (
        log,
        state,
        env,
        run,
        export,
        verify,
        pipeline,
        pair,
        git_setup,
        diff,
        data,
        forget,
        mv,
    )
    for command in commands:
        cli.add_command(one_line_errors(command))  # bad input: one line, exit 2


_register()
