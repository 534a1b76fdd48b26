"""`jupyter repro run`: execute a notebook headless in a recording kernel.

Also the ``--timeout`` option that ``verify`` shares: the same words mean the same limit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import nbformat

from ..project_settings import SettingsError
from ..runner import ORDERS, CellStopped, cell_name, cell_timeout, execution_order, run_notebook
from .input_errors import NotebookPath
from .store_access import read_notebook, refuse_unreadable_store

_F = TypeVar("_F", bound=Callable[..., Any])


class _Seconds(click.ParamType):
    """A whole number of seconds; ``0`` or ``none``: no limit (given as 0)."""

    name = "SECONDS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text == "none":
            return 0
        if text.isdigit():
            return int(text)
        self.fail(f"{value!r} is not a whole number of seconds or 'none'", param, ctx)


def timeout_option(command: _F) -> _F:
    """``--timeout SECONDS``: not given -> None, which the runner reads as the project's setting."""
    return click.option(
        "--timeout",
        type=_Seconds(),
        default=None,
        help="Seconds a cell may run before the run stops [default: cell_timeout_s in "
        ".repro/settings.json, else 1800]. 0 or 'none': no limit.",
    )(command)


def resolved_timeout(path: Path, given: int | None) -> int | None:
    """The limit for cells of ``path`` (None: none), a damaged settings file a usage error."""
    try:
        return cell_timeout(path, given)
    except SettingsError as error:
        raise click.UsageError(str(error)) from error


@click.command()
@click.argument("notebook", type=NotebookPath(exists=True, path_type=Path))
@click.option(
    "--order",
    type=click.Choice(ORDERS),
    default="top-down",
    show_default=True,
    help="Cell order: as in the notebook, or as its stored execution counts say it last ran.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the executed notebook here.",
)
@timeout_option
def run(notebook: Path, order: str, output: Path | None, timeout: int | None) -> None:
    """Execute NOTEBOOK headless, recording every cell's lineage.

    The notebook itself is left unchanged; pass -o to keep the outputs. Cells are named by
    their position counted from 1 (markdown cells too), then the execution count they ran as,
    their id and first line. Exit code 1 when a cell raised, or could not finish: it ran past
    --timeout (then the kernel is interrupted), its kernel died, or the kernel stopped
    answering. The run stops there, naming the cell.

    \b
    Examples:
      jupyter repro run analysis.ipynb
      jupyter repro run analysis.ipynb --order stored -o executed.ipynb
      jupyter repro run train.ipynb --timeout 7200   # two hours per cell
    """
    nb = read_notebook(notebook)
    refuse_unreadable_store(notebook)  # a damaged or newer store: say so before running anything
    total = len(execution_order(nb, order))
    seconds = resolved_timeout(notebook, timeout)
    ran = 0
    stopped: CellStopped | None = None

    def advance(done: int, _: int) -> None:
        nonlocal ran
        ran = done
        bar.update(1)

    with click.progressbar(length=total, label="Running cells", file=sys.stderr) as bar:
        try:
            # Resolved above (a damaged settings file is a usage error); 0 tells the runner "none".
            executed = run_notebook(notebook, order, timeout=seconds or 0, on_cell=advance)
        except CellStopped as stop:
            executed, stopped = stop.notebook, stop
    failed = [
        (i, out)
        for i, cell in enumerate(executed.cells)
        if cell.cell_type == "code" and (stopped is None or i != stopped.index)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    if output is not None:
        nbformat.write(executed, output)
    for index, out in failed:
        cell = cell_name(index, executed.cells[index], count=True)  # "Cell 3 (execution count 2..."
        click.echo(f"{cell} raised {out['ename']}: {out['evalue']}", err=True)
    if stopped is not None:
        click.echo(str(stopped), err=True)
        click.echo(f"Ran {ran} of {total} cells of {notebook}; {len(failed)} raised; stopped.")
        sys.exit(1)
    click.echo(f"Ran {total} cells of {notebook}; {len(failed)} raised.")
    if failed:
        sys.exit(1)
