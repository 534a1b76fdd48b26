"""Plain, frozen records that the store hands to everyone else.

The store is the only code that knows SQL; the recorder builds these records and passes them in,
and exporters, the CLI and the server get them back. Nothing here holds a variable's value: only
its hash and a small summary (shape, length, dtype, nbytes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Execution statuses. ``running`` is what is written before the cell runs; a record still
#: ``running`` whose kernel process is gone is reported as ``interrupted``.
STATUS_RUNNING = "running"
STATUS_OK = "ok"
STATUS_ERROR = "error"
STATUS_INTERRUPTED = "interrupted"
#: The mode of a file another process (or a program the cell started) wrote or deleted while the
#: execution ran: never the execution's read or write, so never a script input or pipeline output.
CHANGED_ON_DISK = "changed_on_disk"


@dataclass(frozen=True)
class VariableState:
    """The recorded state of one user variable after an execution changed it."""

    name: str
    hash: str
    type: str
    summary: dict[str, Any] = field(default_factory=dict)
    #: False when a size budget stopped the hash short of the whole value.
    complete: bool = True
    #: True when the value is opaque (``opaque:<type>`` hash): a generator, file, lock...
    unhashable: bool = False


@dataclass(frozen=True)
class FileAccess:
    """One data file an execution read or wrote, as it was when the execution ended."""

    path: str  # relative to the project root, POSIX separators
    mode: str  # "read", "write", or CHANGED_ON_DISK (then hash is None)
    hash: str | None  # None when the file no longer exists (deleted by the cell)
    size: int | None
    mtime_ns: int | None


@dataclass(frozen=True)
class OutputFingerprint:
    """One output an execution produced, as a fingerprint: never the output itself.

    A ``stream`` output has one fingerprint per stream name (``mime`` is ``text/plain``, ``name``
    is ``stdout``/``stderr``); ``execute_result`` and ``display_data`` have one per MIME type of
    their data bundle, in the order the kernel sent them; an ``error`` has one (``mime`` is
    ``application/vnd.jupyter.error``, hashed over the exception's name). ``hash`` is the xxh3 of
    the content after normalising what varies between identical runs (object addresses,
    matplotlib's embedded metadata and ids, widget model ids).
    """

    index: int  # position of the output among the execution's outputs (0-based)
    output_type: str  # stream, execute_result, display_data, error
    mime: str
    size: int  # bytes of the content as sent (before normalising)
    hash: str  # "xxh3:<32 hex>" of the normalised content
    name: str | None = None  # the stream's name, for stream outputs


@dataclass(frozen=True)
class Environment:
    """A captured environment; ``id`` is a content hash, so it is stored once per distinct one."""

    id: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Session:
    """One kernel lifetime under the recorder."""

    id: str
    kernel_id: str | None
    notebook: str | None  # absolute path, or None for plain IPython
    started: str  # ISO 8601, UTC
    pid: int
    hostname: str
    kernel_name: str | None = None


@dataclass(frozen=True)
class ExecutionStart:
    """What is known before a cell runs; written first so a killed kernel leaves a trace."""

    session_id: str
    notebook: str | None
    cell_id: str | None
    code: str
    started: str  # ISO 8601, UTC


@dataclass(frozen=True)
class ExecutionEnd:
    """What the recorder learnt once the cell finished."""

    execution_count: int | None
    ended: str
    duration_ms: float
    status: str
    error_name: str | None = None
    error_message: str | None = None
    env_id: str | None = None
    #: Fingerprints of the global RNG states after the cell ({"random": ..., "numpy": ...}).
    rng: dict[str, str] = field(default_factory=dict)
    changed: tuple[VariableState, ...] = ()
    removed: tuple[str, ...] = ()
    #: What the file tracker reported; the store keeps the CHANGED_ON_DISK ones apart.
    files: tuple[FileAccess, ...] = ()
    outputs: tuple[OutputFingerprint, ...] = ()
    #: Why the record is incomplete (what was not recorded), or None when it is complete.
    incomplete: str | None = None


@dataclass(frozen=True)
class Execution:
    """One recorded execution of a cell, as read back from the store."""

    id: int
    session_id: str
    notebook: str | None
    cell_id: str | None
    execution_count: int | None
    code: str
    code_hash: str
    started: str
    ended: str | None
    duration_ms: float | None
    status: str
    error_name: str | None
    error_message: str | None
    env_id: str | None
    rng: dict[str, str] = field(default_factory=dict)
    changed: tuple[VariableState, ...] = ()
    removed: tuple[str, ...] = ()
    files: tuple[FileAccess, ...] = ()  # what the execution itself read and wrote
    outputs: tuple[OutputFingerprint, ...] = ()
    #: Files changed by someone else while it ran (mode CHANGED_ON_DISK, no hash).
    changed_on_disk: tuple[FileAccess, ...] = ()
    #: Why the recorder could not record everything the execution did; None when it could.
    incomplete: str | None = None

    @property
    def unhashable(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.changed if v.unhashable)

    @property
    def files_read(self) -> tuple[FileAccess, ...]:
        return tuple(f for f in self.files if f.mode == "read")

    @property
    def files_written(self) -> tuple[FileAccess, ...]:
        return tuple(f for f in self.files if f.mode == "write")


@dataclass(frozen=True)
class NotebookVersion:
    """One save of a notebook (its content is read separately: it may be megabytes)."""

    id: int
    notebook: str  # absolute, resolved path, as executions name it
    saved: str  # ISO 8601, UTC
    hash: str  # SHA-256 hex of the saved bytes
    size: int  # bytes
