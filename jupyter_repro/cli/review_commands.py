"""`jupyter repro pair`, `git-setup` and `diff`: review notebook changes like code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .input_errors import NotebookPath

# The review modules import nbdime and jupytext: only when their command runs.


@click.command()
@click.argument("notebook", type=NotebookPath(path_type=Path))
@click.option(
    "--format",
    "fmt",
    default="py:percent",  # review.pairing.DEFAULT_FORMAT
    show_default=True,
    help="jupytext format of the twin: py:percent, py:light, md, md:myst, R:percent, ...",
)
@click.option("--unpair", is_flag=True, help="Remove the pairing; the text file is kept.")
def pair(notebook: Path, fmt: str, unpair: bool) -> None:
    """Pair NOTEBOOK with a plain-text twin that JupyterLab keeps in sync (jupytext).

    Exit code 1 when the twin already exists with other content: nothing is written then.

    \b
    Examples:
      jupyter repro pair analysis.ipynb
      jupyter repro pair analysis.ipynb --format md:myst
      jupyter repro pair analysis.ipynb --unpair
    """
    from ..review import pairing

    try:
        if unpair:
            undone = pairing.unpair(notebook)
            if undone.formats is None:
                click.echo(f"{notebook} is not paired.")
            for twin in undone.kept:
                click.echo(f"Unpaired {notebook} from {twin}; kept {twin} (delete it if unwanted).")
            return
        result = pairing.pair(notebook, fmt)
    except pairing.PairingRefused as refused:
        click.echo(f"Error: {refused}", err=True)
        sys.exit(1)
    except pairing.PairingError as error:
        raise click.UsageError(str(error)) from error
    state = "Paired" if result.changed else "Already paired"
    click.echo(f"{state}: {notebook} <-> {result.twin} (jupytext formats {result.formats}).")


@click.command("git-setup")
@click.option("--global", "global_", is_flag=True, help="Configure your user git, not this repo.")
@click.option(
    "--strip-counts",
    is_flag=True,
    help="Also commit notebooks without execution counts (outputs are kept): a re-run with "
    "equal results is never listed by `git status`, but `run --order stored` loses the order.",
)
@click.option("--undo", is_flag=True, help="Remove what git-setup added.")
def git_setup(global_: bool, strip_counts: bool, undo: bool) -> None:
    """Configure git for notebooks: clean-text diffs, merges that survive re-runs.

    Adds `*.ipynb diff=jupyter-repro merge=jupyter-repro filter=jupyter-repro` to
    .gitattributes and the matching git config. `git diff` shows code, markdown and one-line
    output summaries (no execution counts, ids or metadata). `git merge` merges with nbdime,
    taking execution counts, outputs and timing of each cell from the branch that changed its
    source (else the one that re-ran it, else yours): branches that re-ran the notebook and
    changed different cells merge cleanly, a conflicting source stops with nbdime's markers.
    Commits leave out JupyterLab's cell timing metadata; outputs and execution counts are kept.
    `git difftool -t nbdime FILE` opens nbdime's rich diff. Running it twice changes nothing.

    \b
    Examples:
      jupyter repro git-setup
      jupyter repro git-setup --strip-counts
      jupyter repro git-setup --global
      jupyter repro git-setup --undo
    """
    from ..review import git_setup as setup

    scope: setup.Scope = "global" if global_ else "local"
    try:
        if undo:
            report = setup.disable(Path.cwd(), scope)
        else:
            report = setup.enable(Path.cwd(), scope, strip_counts=strip_counts)
    except setup.GitSetupError as error:
        raise click.UsageError(str(error)) from error
    for change in report.changes:
        click.echo(("Removed " if undo else "Set ") + change)
    for removed in report.removed:
        click.echo(f"Removed {removed} (an earlier jupyter-repro setup)")
    for kept in report.kept:
        click.echo(f"Left alone {kept}")
    if not report.changes and not report.removed:
        click.echo("Nothing to undo." if undo else "Already set up: nothing changed.")


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull request review, json for tools.",
)
@click.option("--color/--no-color", default=None, help="Colour text (default: on a terminal).")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Lineage database for session:/exec:.",
)
def diff(a: str, b: str, fmt: str, color: bool | None, db: Path | None) -> None:
    """Compare two notebook versions, recorded sessions or executions.

    A and B are each FILE@REV (a git revision), FILE (the working copy), session:ID or exec:ID.
    Exit code 0 when equal, 1 when different, 2 on bad input.

    \b
    Examples:
      jupyter repro diff analysis.ipynb@HEAD~1 analysis.ipynb
      jupyter repro diff analysis.ipynb@main analysis.ipynb --format markdown
      jupyter repro diff session:3f2a9c session:8b1e07 --format json
    """
    from ..review.compare import diff_specs
    from ..review.diff_report import FORMATS, render
    from ..review.revisions import RevisionError

    try:
        report = diff_specs(a, b, Path.cwd(), db)
    except RevisionError as error:
        raise click.UsageError(str(error)) from error
    chosen = next(f for f in FORMATS if f == fmt)  # the Literal click's Choice checked
    click.echo(render(report, chosen), nl=False, color=color)
    sys.exit(0 if report.equal else 1)
