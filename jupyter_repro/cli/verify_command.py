"""`jupyter repro verify`: re-run an exported script (or a notebook's session) and compare."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from ..verify.report_text import render_text
from ..verify.verification import VerifyInputError, verify_notebook, verify_script
from .input_errors import NotebookPath
from .run_command import timeout_option


class InputError(click.ClickException):
    """An input problem: printed as one ``Error: ...`` line (no usage text), exit code 2."""

    exit_code = 2


class _Progress:
    """A progress bar on stderr, shown once a run has taken a couple of seconds (quick runs
    would only flicker); click draws it only on a terminal."""

    def __init__(self, delay: float = 2.0) -> None:
        self.bar: Any = None
        self.shown_after = time.monotonic() + delay

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() < self.shown_after:
                return
            bar = click.progressbar(length=total, label="Verifying", file=sys.stderr)
            self.bar = bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command()
@click.argument("target", type=NotebookPath("notebook or script", path_type=Path))
@click.option("--session", help="With a notebook TARGET: the session to verify (default: latest).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--twice",
    is_flag=True,
    help="Run twice to tell the code's nondeterminism from a bad export, and from jupyter-repro's "
    "own unstable hashes (each difference between the runs gets a cause).",
)
@click.option(
    "--recorded-data",
    is_flag=True,
    help="Replay every data file read from the data cache, even where the file changed since.",
)
@timeout_option
def verify(
    target: Path,
    session: str | None,
    as_json: bool,
    twice: bool,
    timeout: int | None,
    recorded_data: bool,
) -> None:
    """Re-run TARGET in a fresh kernel and check it reproduces the recorded results.

    TARGET is an exported script (its NAME.repro.lock beside it) or a notebook, whose latest
    (or --session) recorded session is exported to a temporary folder first. It runs in a
    temporary copy of the script's and the notebook's folders, so nothing there is written
    (data files elsewhere are read in place). A cell that runs past --timeout is interrupted
    and the run stops there: not reproduced, naming the cell. A data file that changed since
    recording means not reproduced, unless --recorded-data replays the versions the session
    read from the data cache (.repro/data); a file the session saw change between two reads
    always gets, in the copy, the version each cell read. Exit code 0 reproduced, 1 not
    reproduced, 2 bad input (missing script, lock, notebook, session, data file or settings).

    \b
    Examples:
      jupyter repro verify analysis_script.py
      jupyter repro verify analysis.ipynb --twice --json
      jupyter repro verify train_script.py --timeout 7200
    """
    progress = _Progress()
    try:
        if target.suffix == ".ipynb":
            report = verify_notebook(
                target,
                session_id=session,
                twice=twice,
                on_cell=progress,
                timeout=timeout,
                recorded_data=recorded_data,
            )
        elif session is not None:
            raise click.UsageError("--session applies to a notebook TARGET only")
        else:
            report = verify_script(
                target, twice=twice, on_cell=progress, timeout=timeout, recorded_data=recorded_data
            )
    except VerifyInputError as error:
        raise InputError(str(error)) from error
    finally:
        progress.close()
    click.echo(json.dumps(report.to_json(), indent=2) if as_json else render_text(report))
    sys.exit(0 if report.reproduced else 1)
