"""JSON shapes of lineage records, shared by the CLI (`--json`) and the server API.

These shapes are documented in the README; change them only by adding fields.
"""

from __future__ import annotations

from typing import Any

from .store.models import Environment, Execution, FileAccess, OutputFingerprint, VariableState


def variable_json(state: VariableState) -> dict[str, Any]:
    """A variable's recorded state: hash, type and summary, never the value."""
    return {
        "hash": state.hash,
        "type": state.type,
        "summary": state.summary,
        "complete": state.complete,
    }


def file_json(access: FileAccess) -> dict[str, Any]:
    """A data file as an execution left it."""
    return {"path": access.path, "hash": access.hash, "size": access.size}


def disk_change_json(access: FileAccess) -> dict[str, Any]:
    """A file another process changed while the execution ran: size and mtime, never a hash
    (``size`` None: it was deleted). Not the execution's own read or write."""
    return {"path": access.path, "size": access.size, "mtime_ns": access.mtime_ns}


def output_json(output: OutputFingerprint) -> dict[str, Any]:
    """An output's fingerprint: what it was (MIME type, stream name), its size and hash."""
    return {
        "index": output.index,
        "output_type": output.output_type,
        "mime": output.mime,
        "name": output.name,
        "size": output.size,
        "hash": output.hash,
    }


def execution_json(execution: Execution) -> dict[str, Any]:
    """One execution, with what it changed, the files it touched and what it showed."""
    return {
        "id": execution.id,
        "session": execution.session_id,
        "notebook": execution.notebook,
        "cell_id": execution.cell_id,
        "execution_count": execution.execution_count,
        "code": execution.code,
        "code_hash": execution.code_hash,
        "status": execution.status,
        "error": (
            {"name": execution.error_name, "message": execution.error_message}
            if execution.error_name
            else None
        ),
        "started": execution.started,
        "ended": execution.ended,
        "duration_ms": execution.duration_ms,
        "changed": {v.name: variable_json(v) for v in execution.changed},
        "removed": list(execution.removed),
        "unhashable": list(execution.unhashable),
        "files_read": [file_json(f) for f in execution.files_read],
        "files_written": [file_json(f) for f in execution.files_written],
        "changed_on_disk": [disk_change_json(f) for f in execution.changed_on_disk],
        "env": execution.env_id,
        "rng": execution.rng,
        "outputs": [output_json(o) for o in execution.outputs],
        "incomplete": execution.incomplete,  # what the recorder could not record, or None
    }


def state_json(state: dict[str, VariableState]) -> dict[str, Any]:
    """Live variables by name, sorted so the output diffs cleanly."""
    return {name: variable_json(state[name]) for name in sorted(state)}


def environment_json(env: Environment) -> dict[str, Any]:
    """A captured environment with its content id."""
    return {"id": env.id, **env.data}
