"""Helpers for tests of read-only access: what a folder holds, an older store, a read-only mount.

``files(folder)`` is every file's sha256 and modification time, to assert nothing changed.
``older_store(db, notebook)`` writes a store as the release before read-only opens left it.
``on_read_only_mount(folder, *argv)`` runs a command with ``folder`` mounted read-only: a bind
mount in a user and mount namespace of the command's own (``unshare``), which even root cannot
write, and which needs no privilege where the system allows unprivileged user namespaces;
``skip_unless_possible`` skips the test where it does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from jupyter_repro.store import ledger
from jupyter_repro.store.migrations import MIGRATIONS

#: The migrations of the last release before read-only opens (m001..m005): an "older store".
OLDER = 5


def files(folder: Path, shm: bool = True) -> dict[str, tuple[str, int]]:
    """Every file in ``folder`` (not below): its sha256 and modification time (ns). ``shm``
    False: a ``-shm`` file only as present (beside a writer, readers update that index)."""
    return {
        f.name: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
        if shm or not f.name.endswith("-shm")
        else ("present", 0)
        for f in sorted(folder.iterdir())
        if f.is_file()
    }


def older_store(db: Path, notebook: Path) -> None:
    """A store as the release before this one left it: migrations m001..m005, one session of
    ``notebook`` keyed by its absolute path, as that release keyed notebooks."""
    db.parent.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as raw:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("BEGIN")
        ledger.ensure_table(raw)
        for migration in MIGRATIONS[:OLDER]:
            for statement in migration.statements:
                raw.execute(statement)
            ledger.record(raw, migration.name)
        raw.execute(f"PRAGMA user_version = {OLDER}")
        raw.execute(
            "INSERT INTO sessions (id, kernel_id, notebook, started, pid, hostname) "
            "VALUES ('s1', NULL, ?, '2024-01-01T00:00:00Z', 1, 'h')",
            (str(notebook),),
        )
        raw.execute("COMMIT")


_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def on_read_only_mount(
    folder: Path, *argv: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` with ``folder`` (and everything under it) mounted read-only."""
    command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", _MOUNT]
    return subprocess.run(
        [*command, str(folder), *argv], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def skip_unless_possible(scratch: Path) -> None:
    """Skip the calling test unless a read-only bind mount can be made here."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare")
    probe = on_read_only_mount(scratch, "sh", "-c", f"! touch {scratch}/probe 2>/dev/null")
    if probe.returncode != 0 or (scratch / "probe").exists():
        pytest.skip(f"no read-only bind mount here: {probe.stderr.strip()}")
