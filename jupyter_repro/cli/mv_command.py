"""`jupyter repro mv`: move a notebook (or a folder of notebooks) with its lineage."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..store import LineageStore, NoLineageYet, StoreUnavailable, default_db_path
from ..store.renames import Renamed
from .store_access import StoreError


@click.command("mv")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False), help="Lineage database (default: OLD's).")
@click.option("-n", "--dry-run", is_flag=True, help="List what would change; change nothing.")
def mv(old: Path, new: Path, db: str | None, dry_run: bool) -> None:
    """File the lineage of OLD under NEW, and move the file when OLD exists and NEW does not.

    OLD and NEW are notebooks or folders. Use it when a notebook was renamed or moved outside
    Jupyter (renames in JupyterLab are followed by themselves). Exit code 2 when both exist,
    or when nothing is recorded under OLD.

    \b
    Examples:
      jupyter repro mv analysis.ipynb reports/analysis.ipynb
      jupyter repro mv old_name.ipynb new_name.ipynb --dry-run
      jupyter repro mv notebooks/ analysis/          # a folder, after `git mv notebooks analysis`
    """
    source, target = _absolute(old), _absolute(new)
    if source.exists() and target.exists():
        raise click.UsageError(f"Both {old} and {new} exist: nothing to move to")
    folder = source.is_dir() or (not source.exists() and target.is_dir())
    path = Path(db).expanduser() if db else _store_of(source, target, folder)
    try:
        store = LineageStore.open(path, create=False)
    except NoLineageYet as error:
        raise click.UsageError(f"Nothing is recorded under {old}") from error
    except StoreUnavailable as exc:
        raise StoreError(str(exc)) from exc
    with store:
        planned = store.rename_notebook(str(source), str(target), folder, dry_run=True)
        if planned.empty:
            raise click.UsageError(f"Nothing is recorded under {old}")
        moves_file = source.exists()
        if dry_run:
            _describe(planned, "Would move", moves_file and f"{old} -> {new}")
            return
        if moves_file:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)
        try:
            done = store.rename_notebook(str(source), str(target), folder)
        except BaseException:
            if moves_file:
                os.rename(target, source)  # the history did not move: neither does the file
            raise
    _describe(done, "Moved", moves_file and f"{old} -> {new}")


def _absolute(path: Path) -> Path:
    """``path`` made absolute and resolved as far as it exists (as the recorder names files)."""
    return Path(os.path.realpath(path.expanduser()))


def _store_of(source: Path, target: Path, folder: bool) -> Path:
    """The project store holding OLD's lineage; NEW must belong to the same one."""
    inside = (lambda p: p / "x.ipynb") if folder else (lambda p: p)
    db = default_db_path(inside(source))
    if default_db_path(inside(target)) != db:
        raise click.UsageError(
            f"{target} is in another project than {source}: its lineage cannot follow it there"
        )
    return db


def _describe(renamed: Renamed, verb: str, file_move: str | bool) -> None:
    if file_move:
        click.echo(f"{verb} file: {file_move}")
    counts = ", ".join(
        f"{count} {noun}{'' if count == 1 else 's'}"
        for count, noun in (
            (renamed.sessions, "session"),
            (renamed.executions, "execution"),
            (renamed.versions, "saved version"),
        )
    )
    click.echo(f"{verb} lineage ({counts}), relative to the project root:")
    for source, target in renamed.notebooks:
        click.echo(f"  {source} -> {target}")
