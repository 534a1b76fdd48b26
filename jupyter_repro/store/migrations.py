"""The schema's migrations: one ordered, append-only list of plain SQL.

A migration is a name and the statements that take a store from the previous version to the
next; ``schema.migrate`` applies the ones a store lacks, in this order, and the ledger records
each by name. To change the schema, APPEND a ``Migration`` to ``MIGRATIONS``; never edit, rename
or reorder one that has shipped: stores in the wild have already applied it, and are matched to
it by name. The names are sqlite-utils' migration names (``m001_initial`` was a function of that
name), so stores written by earlier releases see every migration here as applied.

Each statement runs with ``Connection.execute`` inside the caller's transaction (never
``executescript``, which would commit first), so one statement each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its ledger name and the SQL statements it runs, in order."""

    name: str
    statements: tuple[str, ...]


# --- Migrations: append only, at the end. ---

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "m001_initial",
        (
            """CREATE TABLE sessions (
            id TEXT PRIMARY KEY, kernel_id TEXT, notebook TEXT, started TEXT NOT NULL,
            pid INTEGER NOT NULL, hostname TEXT NOT NULL, kernel_name TEXT)""",
            "CREATE INDEX sessions_notebook ON sessions (notebook, started)",
            "CREATE TABLE code (hash TEXT PRIMARY KEY, text TEXT NOT NULL)",
            """CREATE TABLE environments (
            id TEXT PRIMARY KEY, captured TEXT NOT NULL, data TEXT NOT NULL)""",
            """CREATE TABLE executions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions (id),
            notebook TEXT, cell_id TEXT, execution_count INTEGER,
            code_hash TEXT NOT NULL REFERENCES code (hash),
            started TEXT NOT NULL, ended TEXT, duration_ms REAL, status TEXT NOT NULL,
            error_name TEXT, error_message TEXT,
            env_id TEXT REFERENCES environments (id), rng TEXT NOT NULL DEFAULT '{}')""",
            "CREATE INDEX executions_session ON executions (session_id, id)",
            "CREATE INDEX executions_notebook ON executions (notebook, id)",
            "CREATE INDEX executions_cell ON executions (cell_id, id)",
            # rowid kept (not WITHOUT ROWID) so rows read back in the order the recorder gave them.
            """CREATE TABLE variables (
            execution_id INTEGER NOT NULL REFERENCES executions (id),
            name TEXT NOT NULL, hash TEXT, type TEXT, summary TEXT NOT NULL DEFAULT '{}',
            complete INTEGER NOT NULL DEFAULT 1, unhashable INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (execution_id, name))""",
            # For "where did this variable / this file change?", across sessions.
            "CREATE INDEX variables_name ON variables (name, execution_id)",
            """CREATE TABLE files (
            execution_id INTEGER NOT NULL REFERENCES executions (id),
            path TEXT NOT NULL, mode TEXT NOT NULL CHECK (mode IN ('read', 'write')),
            hash TEXT, size INTEGER, mtime_ns INTEGER,
            PRIMARY KEY (execution_id, path, mode))""",
            "CREATE INDEX files_path ON files (path, execution_id)",
        ),
    ),
    # Saved notebooks, for diffs between saves. Content is addressed by the SHA-256 of the saved
    # bytes and stored zlib-compressed once per hash: a notebook saved unchanged costs one row.
    Migration(
        "m002_notebook_versions",
        (
            """CREATE TABLE notebook_contents (
            hash TEXT PRIMARY KEY, size INTEGER NOT NULL,
            compression TEXT NOT NULL DEFAULT 'zlib', content BLOB NOT NULL)""",
            """CREATE TABLE notebook_versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, notebook TEXT NOT NULL, saved TEXT NOT NULL,
            hash TEXT NOT NULL REFERENCES notebook_contents (hash))""",
            "CREATE INDEX notebook_versions_notebook ON notebook_versions (notebook, id)",
            "CREATE INDEX notebook_versions_hash ON notebook_versions (hash)",
        ),
    ),
    # Fingerprints of what each execution showed (see models.OutputFingerprint): one row per
    # stream, per MIME type of a bundle, per error; never the output. rowid kept, as for
    # variables, so a bundle's MIME types read back in the order the kernel sent them.
    Migration(
        "m003_outputs",
        (
            """CREATE TABLE outputs (
            execution_id INTEGER NOT NULL REFERENCES executions (id),
            idx INTEGER NOT NULL, output_type TEXT NOT NULL, mime TEXT NOT NULL, name TEXT,
            size INTEGER NOT NULL, hash TEXT NOT NULL,
            PRIMARY KEY (execution_id, idx, mime))""",
        ),
    ),
    # Why an execution's record is incomplete (NULL: it is not): the recorder was stopped by an
    # interrupt while hashing, or failed, so some of what the cell changed was not recorded.
    Migration("m004_incomplete_records", ("ALTER TABLE executions ADD COLUMN incomplete TEXT",)),
    # Files another process (or a program the cell started) wrote or deleted while an execution
    # ran (models.CHANGED_ON_DISK): kept apart from `files`, so no reader mistakes them for the
    # execution's own reads or writes. Size and mtime only (NULL: deleted); never a hash.
    Migration(
        "m005_disk_changes",
        (
            """CREATE TABLE disk_changes (
            execution_id INTEGER NOT NULL REFERENCES executions (id),
            path TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
            PRIMARY KEY (execution_id, path))""",
        ),
    ),
    # Notebooks keyed relative to the project (notebook_keys): a moved project or a clone finds
    # its history. repro_notebook_key and repro_file_key are the Python conversions the schema
    # registers on the connection before migrating (they know where the store is); data files
    # the recorder stored absolutely under the project root become relative too.
    Migration(
        "m006_relative_notebook_keys",
        (
            "UPDATE sessions SET notebook = repro_notebook_key(notebook) WHERE notebook LIKE '/%'",
            """UPDATE executions SET notebook = repro_notebook_key(notebook)
            WHERE notebook LIKE '/%'""",
            """UPDATE notebook_versions SET notebook = repro_notebook_key(notebook)
            WHERE notebook LIKE '/%'""",
            "UPDATE OR REPLACE files SET path = repro_file_key(path) WHERE path LIKE '/%'",
            "UPDATE OR REPLACE disk_changes SET path = repro_file_key(path) WHERE path LIKE '/%'",
            # Where each renamed notebook went: a kernel started before the rename (or restarted
            # with its old name) records its next session under the new key.
            """CREATE TABLE notebook_renames (
            old TEXT PRIMARY KEY, new TEXT NOT NULL, renamed TEXT NOT NULL)""",
        ),
    ),
)
