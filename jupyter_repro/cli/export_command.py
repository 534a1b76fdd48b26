"""`jupyter repro export`: a recorded session as a runnable script and its lock."""

from __future__ import annotations

from pathlib import Path

import click

from ..common.errors import ExportError, RefusedOverwrite
from ..common.slicing import UnknownTarget
from ..script.export import FORMATS, export_script
from ..verify.self_check import export_checked
from .input_errors import NotebookPath
from .store_access import open_recorded_store


@click.command()
@click.argument("notebook", type=NotebookPath(path_type=Path))
@click.option("--session", help="Session id (default: the notebook's latest).")
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="NAME|cell:ID",
    help="A variable, or a cell (its last execution), the script must produce. Repeatable. "
    "Default: every variable alive at the end of the session and every output of the cells "
    "still in the notebook.",
)
@click.option(
    "--no-outputs",
    is_flag=True,
    help="Reproduce variables only: cells do not show their outputs, the lock keeps none.",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Every execution that ran without error, in order, unsliced.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Script path (default: NOTEBOOK_script.py beside the notebook).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="py",
    show_default=True,
    help="py: jupytext py:percent script; ipynb: a clean notebook.",
)
@click.option(
    "--no-check",
    is_flag=True,
    help="Skip the self-check: by default the script is replayed once in a fresh kernel, and an "
    "execution left out whose name a kept one missed (NameError, AttributeError) is added.",
)
@click.option(
    "--db", type=click.Path(dir_okay=False), help="Lineage database (default: the project's)."
)
def export(
    notebook: Path,
    session: str | None,
    targets: tuple[str, ...],
    output: Path | None,
    fmt: str,
    db: str | None,
    no_outputs: bool,
    everything: bool,
    no_check: bool,
) -> None:
    """Export NOTEBOOK's recorded session as a linear script that regenerates its results.

    The script runs the executions in the order they really ran, sliced to what the targets
    need, and checks its data files first. By default it regenerates the notebook: its final
    variables and the outputs of its cells. Run with `python`, it prints text outputs and
    writes figures and rich outputs to NAME_outputs/; opened as a notebook, they show in place.
    Beside it, NAME.repro.lock holds the recorded hashes `jupyter repro verify` compares against.
    Then the script is replayed once (skip with --no-check): an execution it left out that a
    kept one needed (NameError, AttributeError) is added, and the warnings say so.

    \b
    Examples:
      jupyter repro export analysis.ipynb
      jupyter repro export analysis.ipynb --target model --target cell:3f2a -o train.py
      jupyter repro export analysis.ipynb --no-outputs
      jupyter repro export analysis.ipynb --all -o replay.py
      jupyter repro export analysis.ipynb --no-check
    """
    store = open_recorded_store(notebook, db)
    try:
        with store:
            result = (export_script if no_check else export_checked)(
                store,
                notebook,
                session_id=session,
                targets=list(targets) or None,
                output=output,
                fmt=fmt,
                outputs=not no_outputs,
                everything=everything,
            )
    except RefusedOverwrite as error:
        raise click.ClickException(str(error)) from error  # exit 1: valid input, answer no
    except (ExportError, UnknownTarget) as error:
        raise click.UsageError(str(error)) from error
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    count = len(result.executions)
    shown = (
        f", {result.outputs} output{'' if result.outputs == 1 else 's'}" if result.outputs else ""
    )
    click.echo(
        f"Wrote {result.script} ({count} execution{'' if count == 1 else 's'}{shown}) and "
        f"{result.lock.name}"
    )
