"""`jupyter repro data`: the data cache, which keeps each version of a data file sessions read."""

from __future__ import annotations

from pathlib import Path

import click

from ..common.data_cache import MIB


class InputError(click.ClickException):
    """One ``Error: ...`` line, exit code 2."""

    exit_code = 2


@click.group()
def data() -> None:
    """The data cache: versions of data files read by recorded sessions.

    \b
    Examples:
      jupyter repro data status
      jupyter repro data restore data/raw.csv sha256:9f1c...
    """


@data.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.argument("version")
@click.option("--force", is_flag=True, help="Overwrite PATH even if its content cannot be kept.")
def restore(path: Path, version: str, force: bool) -> None:
    """Write VERSION of a data file (as an exported script names it) to PATH.

    PATH's current content is kept in the data cache first, so the restore can be undone the
    same way; if it cannot be kept, nothing is written unless --force. Exit code 0 restored,
    2 unknown version or unusable PATH.
    """
    from ..common.data_restore import RestoreError, restore_file

    try:
        done = restore_file(path, version, force=force)
    except RestoreError as error:
        raise InputError(str(error)) from error
    if done.unchanged:
        click.echo(f"{path} already holds {version}.")
        return
    click.echo(f"Restored {path} to {version}.")
    if done.kept is not None:
        click.echo(f"Its previous content is kept: jupyter repro data restore {path} {done.kept}")


@data.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def status(folder: Path | None) -> None:
    """How many versions the data cache of FOLDER's project (default: here) holds; its limits."""
    from ..common.data_restore import cache_for

    cache = cache_for((folder or Path.cwd()) / "_")
    versions = cache.versions()
    used = sum(size for _, size, _ in versions)
    limit, per_file = cache.max_total_bytes // MIB, cache.max_file_bytes // MIB
    click.echo(
        f"{len(versions)} data file versions, {used / MIB:,.1f} MB of {limit} MB "
        f"(at most {per_file} MB per file) in {cache.folder}"
    )
