"""`jupyter repro pipeline`: a recorded session as DVC stages or make rules."""

from __future__ import annotations

from pathlib import Path

import click

from ..common.errors import ExportError, RefusedOverwrite
from ..pipeline.export import TOOLS, export_pipeline
from .input_errors import NotebookPath
from .store_access import open_recorded_store


@click.command()
@click.argument("notebook", type=NotebookPath(path_type=Path))
@click.option("--session", help="Session id (default: the notebook's latest).")
@click.option(
    "--to",
    "tool",
    type=click.Choice(TOOLS),
    required=True,
    help="dvc: dvc.yaml, run by `dvc repro` inside DIR; make: a Makefile, run by `make -C DIR`.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Pipeline folder DIR (default: pipeline/ beside the notebook).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into DIR though it is not empty: replace the files an earlier export of NOTEBOOK "
    "wrote there (its manifest lists them), each only if unchanged since. Never a file it did "
    "not write.",
)
@click.option(
    "--db", type=click.Path(dir_okay=False), help="Lineage database (default: the project's)."
)
def pipeline(
    notebook: Path,
    session: str | None,
    tool: str,
    output: Path | None,
    force: bool,
    db: str | None,
) -> None:
    """Export NOTEBOOK's recorded session as a pipeline whose stages re-run only when their
    inputs change.

    Stages are cut where a file one cell wrote is read by a later cell, and where a markdown
    section with file I/O of its own begins; each is named after its heading (a `stage=NAME`
    cell tag overrides both). Values that cross stages in memory go through files in
    DIR/handoffs; the `parameters` cell becomes params.yaml; requirements.txt pins the
    recorded versions of what the stages import. Hidden state an earlier stage set is set again
    in each stage that uses it: random generators from the state that stage left them in, the
    working directory, environment, sys.path and options by re-running the statements that set
    them. Warnings name what cannot be reproduced and, as `export` does, the cells reading names
    dynamically.

    DIR/.jupyter-repro-manifest.json lists the files written, with their digests. Exporting
    again (--force) replaces those still unchanged and deletes the stage scripts no longer
    produced; any other file in the way (yours, or one of ours edited since) stops the export
    with exit 1, naming it, and nothing is written.

    \b
    Examples:
      jupyter repro pipeline analysis.ipynb --to dvc && (cd pipeline && dvc repro)
      jupyter repro pipeline analysis.ipynb --to make -o build && make -C build
    """
    store = open_recorded_store(notebook, db)
    try:
        with store:
            result = export_pipeline(
                store, notebook, session_id=session, to=tool, output_dir=output, force=force
            )
    except RefusedOverwrite as error:
        raise click.ClickException(str(error)) from error  # exit 1: valid input, answer no
    except ExportError as error:
        raise click.UsageError(str(error)) from error
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    names = ", ".join(stage.name for stage in result.stages)
    count = "1 stage" if result.single_stage else f"{len(result.stages)} stages"
    run = f"cd {result.directory} && dvc repro" if tool == "dvc" else f"make -C {result.directory}"
    click.echo(f"Wrote {result.directory}: {count} ({names}). Run it: {run}")
    for path in result.removed:
        click.echo(f"Removed {path}: an earlier export's stage, no longer in the pipeline")
