"""`jupyter repro run`: execute a notebook headless in a recording kernel."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import nbformat

from ..runner import ORDERS, execution_order, run_notebook
from .store_access import read_notebook


@click.command()
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
@click.option("--timeout", type=int, default=None, help="Seconds allowed per cell (default: none).")
def run(notebook: Path, order: str, output: Path | None, timeout: int | None) -> None:
    """Execute NOTEBOOK headless, recording every cell's lineage.

    The notebook itself is left unchanged; pass -o to keep the outputs. Exit code 1 when a
    cell raised.

    \b
    Examples:
      jupyter repro run analysis.ipynb
      jupyter repro run analysis.ipynb --order stored -o executed.ipynb
    """
    nb = read_notebook(notebook)
    total = len(execution_order(nb, order))
    with click.progressbar(length=total, label="Running cells", file=sys.stderr) as bar:
        executed = run_notebook(
            notebook, order, timeout=timeout, on_cell=lambda done, _: bar.update(1)
        )
    failed = [
        (i, out)
        for i, cell in enumerate(executed.cells)
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    if output is not None:
        nbformat.write(executed, output)
    for index, error in failed:
        click.echo(f"cell {index}: {error['ename']}: {error['evalue']}", err=True)
    click.echo(f"Ran {total} cells of {notebook}; {len(failed)} raised.")
    if failed:
        sys.exit(1)
