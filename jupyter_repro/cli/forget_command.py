"""`jupyter repro forget`: delete a notebook's, a session's or a period's records for good."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from ..common.data_cache import MIB, DataCache, data_cache_dir
from ..store import LineageStore, NoLineageYet, StoreUnavailable, default_db_path
from ..store.forget import Forgotten
from .input_errors import InputError, NotebookPath, StoreError
from .store_access import notebook_key


@click.command()
@click.argument("notebook", required=False, type=NotebookPath())
@click.option("--session", "session_id", help="Forget this session (alone: no NOTEBOOK).")
@click.option(
    "--before",
    metavar="DATE",
    help="Forget what was recorded or saved before DATE (ISO date or time; UTC unless it says "
    "an offset), of NOTEBOOK when one is given.",
)
@click.option("--dry-run", is_flag=True, help="List what would be deleted; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--db", type=click.Path(dir_okay=False), help="Lineage database (default: the project's)."
)
def forget(
    notebook: str | None,
    session_id: str | None,
    before: str | None,
    dry_run: bool,
    yes: bool,
    db: str | None,
) -> None:
    """Delete recorded lineage, saved versions and cached data files for good.

    Deletes the executions (code, variables, files, outputs) of NOTEBOOK, of one session, or
    recorded before a date; the sessions and environments left unused; the notebook's saved
    versions (those saved before the date, with --before); and the cached copies of data files
    no remaining record reads. Then the store is compacted, so the deleted bytes leave the file.
    Records of other notebooks stay. Asks first on a terminal; elsewhere it needs --yes.
    Exit code 0 done (or nothing to forget), 1 declined, 2 input error.

    \b
    Examples:
      jupyter repro forget analysis.ipynb --dry-run
      jupyter repro forget analysis.ipynb --before 2026-01-01 --yes
      jupyter repro forget --session 3f2a9c
      jupyter repro forget --before 2026-03-01T12:00+02:00
    """
    if session_id is not None and (notebook or before):
        raise InputError("--session forgets one session: give it without NOTEBOOK or --before")
    if not (notebook or session_id or before):
        raise InputError("Say what to forget: NOTEBOOK, --session ID or --before DATE")
    cutoff = parse_date(before) if before is not None else None
    key = notebook_key(notebook)
    store = _open(notebook, db, readonly=dry_run)
    with store:
        plan = store.forget(key, session_id, cutoff, dry_run=True)
        _refuse_unknown(store, plan, notebook, key, session_id)
        cache = DataCache(data_cache_dir(store.path), 0, 0)  # limits: only for adding
        files, size = cache.discard(plan.data_versions, dry_run=True)
        what = _what(notebook, session_id, cutoff)
        if plan.empty:
            click.echo(f"Nothing recorded {what}.")
            return
        click.echo(f"Would forget {_counts(plan, files, size)} {what}.")
        if dry_run:
            click.echo("Nothing was changed (--dry-run).")
            return
        _confirm(yes)
        before_bytes = _store_bytes(store.path)
        done = store.forget(key, session_id, cutoff)
        files, size = cache.discard(done.data_versions)
        emptied = store.compact()
    click.echo(
        f"Forgot {_counts(done, files, size)} {what}; {store.path.name} went from "
        f"{_human(before_bytes)} to {_human(_store_bytes(store.path))}."
    )
    if not emptied:
        click.echo(
            f"Another process was reading {store.path.name}: its write-ahead log may still hold "
            "deleted records until that process closes the store; run forget again then."
        )


def parse_date(text: str) -> datetime:
    """An ISO date (midnight) or date and time; UTC unless it carries an offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"Not a date: {text!r} (use an ISO date such as 2026-01-31 or 2026-01-31T18:00+01:00)"
        ) from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _open(notebook: str | None, db: str | None, readonly: bool) -> LineageStore:
    """The store (read-only for a dry run: it changes nothing); nothing recorded is exit 2."""
    path = Path(db).expanduser() if db else default_db_path(Path(notebook) if notebook else None)
    try:
        return LineageStore.open(path, create=False, readonly=readonly)
    except NoLineageYet as exc:
        raise InputError(str(exc)) from exc
    except StoreUnavailable as exc:
        raise StoreError(str(exc)) from exc


def _refuse_unknown(
    store: LineageStore,
    plan: Forgotten,
    notebook: str | None,
    key: str | None,
    session_id: str | None,
) -> None:
    """A session or a notebook the store knows nothing about is an input error, not a no-op."""
    if session_id is not None and plan.empty and store.session(session_id) is None:
        raise InputError(f"Unknown session: {session_id}")
    if key is not None and plan.empty and store.forget(key, dry_run=True).empty:
        raise InputError(f"No history of {notebook} in {store.path}")


def _confirm(yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError("Not asking without a terminal: add --yes to forget for good")
    if not click.confirm("Forget them for good? This cannot be undone", default=False):
        click.echo("Nothing was forgotten.")
        sys.exit(1)


def _what(notebook: str | None, session_id: str | None, cutoff: datetime | None) -> str:
    parts = [f"of {notebook}" if notebook else "", f"of session {session_id}" if session_id else ""]
    if cutoff is not None:
        parts.append(f"before {cutoff.isoformat()}")
    return " ".join(p for p in parts if p)


def _counts(found: Forgotten, files: int, size: int) -> str:
    return (
        f"{_plural(found.sessions, 'session')}, {_plural(found.executions, 'execution')}, "
        f"{_plural(found.versions, 'saved version')} and "
        f"{_plural(files, 'cached data file')} ({_human(size)})"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _human(size: int) -> str:
    return f"{size / MIB:,.1f} MB" if size >= MIB else f"{size / 1024:,.1f} KB"


def _store_bytes(path: Path) -> int:
    return sum(
        side.stat().st_size for side in (path, path.with_name(path.name + "-wal")) if side.exists()
    )
