"""The lineage store: the only part of jupyter-repro that knows SQL.

Kernels write to it and everyone else reads from it, through frozen records::

    from jupyter_repro.store import LineageStore, StoreUnavailable, default_db_path

    try:
        store = LineageStore.open(default_db_path(notebook_path))
    except StoreUnavailable as exc:
        ...  # str(exc) names the file and says what to do

See ``lineage_store`` for the calls, ``location`` for where the file lives, ``migrations`` for
the tables (``schema`` applies them), ``notebook_keys`` for how notebooks are named (relative
to the project root: calls take and give absolute paths), and ``liveness`` for when a
``running`` execution is reported ``interrupted``. May import the standard library only
(sqlite3, no sqlite-utils, no pandas): kernels import it.
"""

from .errors import NoLineageYet, SchemaTooNew, StoreLocked, StoreUnavailable
from .lineage_store import LineageStore
from .liveness import pid_alive
from .location import ENV_VAR, default_db_path, project_root
from .models import (
    STATUS_ERROR,
    STATUS_INTERRUPTED,
    STATUS_OK,
    STATUS_RUNNING,
    Environment,
    Execution,
    ExecutionEnd,
    ExecutionStart,
    FileAccess,
    NotebookVersion,
    OutputFingerprint,
    Session,
    VariableState,
)
from .schema import latest_version
from .writes import code_hash

__all__ = [
    "ENV_VAR",
    "STATUS_ERROR",
    "STATUS_INTERRUPTED",
    "STATUS_OK",
    "STATUS_RUNNING",
    "Environment",
    "Execution",
    "ExecutionEnd",
    "ExecutionStart",
    "FileAccess",
    "LineageStore",
    "NoLineageYet",
    "NotebookVersion",
    "OutputFingerprint",
    "SchemaTooNew",
    "Session",
    "StoreLocked",
    "StoreUnavailable",
    "VariableState",
    "code_hash",
    "default_db_path",
    "latest_version",
    "pid_alive",
    "project_root",
]
