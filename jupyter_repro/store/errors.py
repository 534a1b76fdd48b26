"""The one exception the store raises when it cannot do its job.

Every failure of the file or of SQLite (missing store, read-only folder, full disk, corrupt file,
a lock held for too long) surfaces as :class:`StoreUnavailable`, whose message names the file and
says what a person can do about it::

    try:
        store = LineageStore.open(path)
    except StoreUnavailable as exc:
        log.warning("lineage is not recorded: %s", exc)

Two kinds say more: :class:`StoreLocked` (another process held the write lock past the busy
timeout: the same write may succeed later, so the recorder retries it off the cell's path) and
:class:`SchemaTooNew` (a newer jupyter-repro wrote the store: nothing here reads or writes it;
the CLI exits 2 and the server answers 409). Programming errors (an unknown execution id, a wrong
argument) are not wrapped.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

_ESCAPE = "or set JUPYTER_REPRO_DB to another file"

_DAMAGED = (
    "The file is damaged: restore it from a backup, or move it aside (a new store starts at the "
    "next recorded cell; `sqlite3 FILE .recover` may save what it holds), "
    f"{_ESCAPE}."
)
#: (fragment of the reason, hint). Checked in order, first match wins.
_HINTS: tuple[tuple[str, str], ...] = (
    ("not a database", _DAMAGED),
    ("malformed", _DAMAGED),
    ("disk is full", f"Free some disk space, {_ESCAPE}."),
    ("no space", f"Free some disk space, {_ESCAPE}."),
    ("disk i/o", f"Check the disk has free space and is writable, {_ESCAPE}."),
    ("locked", "Another process held the store for too long; try again."),
    ("readonly", f"Make the file and its folder writable, {_ESCAPE}."),
    ("read-only", f"Make the file and its folder writable, {_ESCAPE}."),
    ("permission", f"Make the file and its folder writable, {_ESCAPE}."),
    ("not a directory", f"A file is in the way of the store's folder: move it, {_ESCAPE}."),
    ("unable to open", f"Check that the folder exists and is writable, {_ESCAPE}."),
)


class StoreUnavailable(Exception):
    """The lineage store cannot be opened, read or written. ``str(exc)`` is for people."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class StoreLocked(StoreUnavailable):
    """Another process held the store's write lock for longer than this connection waits."""


class SchemaTooNew(StoreUnavailable):
    """The store has migrations this release does not know: a newer jupyter-repro wrote it."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"The lineage store {path.absolute()} has schema version {found}, newer than version "
            f"{known} that this jupyter-repro knows: a newer release wrote it. Upgrade "
            "jupyter-repro where this runs (pip install -U jupyter-repro), or set "
            "JUPYTER_REPRO_DB to another file.",
            path,
        )
        self.found = found
        self.known = known


class NoLineageYet(StoreUnavailable):
    """Nothing has been recorded: no store file, or one a kernel created and has not yet given
    its schema. Readers show empty lineage for it; any other StoreUnavailable is a real fault."""


def unavailable(path: Path, exc: BaseException, doing: str = "use") -> StoreUnavailable:
    """Build a StoreUnavailable saying what went wrong with ``path`` and what to do next."""
    reason = _reason(exc)
    lowered = reason.lower()
    hint = next((h for key, h in _HINTS if key in lowered), "")
    message = f"Cannot {doing} the lineage store {path.absolute()}: {reason}."
    kind = StoreLocked if is_locked(exc) else StoreUnavailable
    error = kind(f"{message} {hint}".strip(), path)
    error.__cause__ = exc
    return error


def is_locked(exc: BaseException) -> bool:
    """Whether SQLite gave up waiting for another connection's lock (a retry may succeed)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "no space left on device"
        if exc.strerror:
            where = f" ({exc.filename})" if exc.filename else ""
            return f"{exc.strerror.lower()}{where}"
    # Python 3.11+ names the exact SQLite error, e.g. SQLITE_IOERR_WRITE: worth a bug report.
    code = getattr(exc, "sqlite_errorname", None)
    text = str(exc) or type(exc).__name__
    return f"{text} ({code})" if code else text
