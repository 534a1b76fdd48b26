"""`jupyter repro log`, `state` and `env`: read what the recorder stored."""

from __future__ import annotations

import json
from typing import Any

import click

from ..lineage_json import environment_json, execution_json, state_json
from ..store import Execution
from .input_errors import NotebookPath
from .store_access import notebook_key, open_store, pick_session

notebook_argument = click.argument("notebook", required=False, type=NotebookPath())
db_option = click.option(
    "--db", type=click.Path(dir_okay=False), help="Lineage database (default: the project's)."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False))


def describe(execution: Execution) -> str:
    """One line of text per execution, for people."""
    count = "-" if execution.execution_count is None else str(execution.execution_count)
    cell = (execution.cell_id or "-")[:12]
    duration = "" if execution.duration_ms is None else f"{execution.duration_ms:.1f} ms"
    parts = [f"[{count:>3}] cell {cell:<12} {execution.status:<11} {duration:>10}"]
    if execution.changed:
        parts.append("changed: " + ", ".join(f"{v.name} ({v.type})" for v in execution.changed))
    if execution.removed:
        parts.append("removed: " + ", ".join(execution.removed))
    if execution.files_read:
        parts.append("read: " + ", ".join(f.path for f in execution.files_read))
    if execution.files_written:
        parts.append("wrote: " + ", ".join(f.path for f in execution.files_written))
    if execution.changed_on_disk:
        others = ", ".join(f.path for f in execution.changed_on_disk)
        parts.append("changed on disk by another process: " + others)
    shown = shown_outputs(execution)
    if shown:
        parts.append("outputs: " + ", ".join(shown))
    if execution.error_name:
        parts.append(f"{execution.error_name}: {execution.error_message}")
    return "  ".join(parts)


def shown_outputs(execution: Execution) -> list[str]:
    """One word per output: the stream's name, else the richest MIME type of its bundle."""
    kinds: dict[int, str] = {}
    for output in execution.outputs:
        if output.output_type != "error" and kinds.get(output.index, "text/plain") == "text/plain":
            kinds[output.index] = output.name or output.mime
    return list(kinds.values())


@click.command()
@notebook_argument
@click.option("--session", help="Session id (default: every session of the notebook).")
@db_option
@json_option
def log(notebook: str | None, session: str | None, db: str | None, as_json: bool) -> None:
    """Every recorded execution, oldest first.

    \b
    Examples:
      jupyter repro log analysis.ipynb
      jupyter repro log analysis.ipynb --session 3f2a9c --json
    """
    store = open_store(notebook, db)
    chosen = pick_session(store, notebook, session) if session else None
    executions = (
        store.executions(notebook=notebook_key(notebook), session_id=chosen.id if chosen else None)
        if store
        else []
    )
    if as_json:
        echo_json([execution_json(e) for e in executions])
    elif not executions:
        click.echo("No executions recorded.")
    else:
        for execution in executions:
            click.echo(describe(execution))


@click.command()
@notebook_argument
@click.option("--session", help="Session id (default: the latest).")
@db_option
@json_option
def state(notebook: str | None, session: str | None, db: str | None, as_json: bool) -> None:
    """The latest hash of every live variable of a session.

    \b
    Examples:
      jupyter repro state analysis.ipynb
      jupyter repro state --json
    """
    store = open_store(notebook, db)
    chosen = pick_session(store, notebook, session)
    live = store.live_state(chosen.id) if store and chosen else {}
    if as_json:
        echo_json(state_json(live))
    elif not live:
        click.echo("No recorded state.")
    else:
        width = max(len(name) for name in live)
        for name in sorted(live):
            var = live[name]
            why = var.summary.get("not_hashed")  # e.g. a credential: its type only
            note = f"  not hashed: {why}" if why else ""
            click.echo(f"{name:<{width}}  {var.hash[:21]}  {var.type}{note}")


@click.command()
@notebook_argument
@click.option("--session", help="Session id (default: the latest).")
@db_option
@json_option
def env(notebook: str | None, session: str | None, db: str | None, as_json: bool) -> None:
    """The environment a session last ran in (secrets redacted).

    \b
    Examples:
      jupyter repro env
      jupyter repro env analysis.ipynb --json
    """
    store = open_store(notebook, db)
    chosen = pick_session(store, notebook, session)
    last = store.executions(session_id=chosen.id, order="desc", limit=1) if store and chosen else []
    environment = store.environment(last[0].env_id) if store and last and last[0].env_id else None
    if environment is None:
        if as_json:
            echo_json(None)
        else:
            click.echo("No recorded environment.")
        return
    data = environment_json(environment)
    if as_json:
        echo_json(data)
        return
    for key in ("python", "os", "cpu", "memory_bytes", "gpu", "kernel_name", "git"):
        if key in data:
            click.echo(f"{key}: {json.dumps(data[key], sort_keys=True)}")
    click.echo(f"packages: {len(data.get('packages', {}))} installed")
    click.echo(f"env_vars: {len(data.get('env_vars', {}))} (credentials redacted)")
