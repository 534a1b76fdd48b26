"""A project's settings, in ``<project root>/.repro/settings.json``.

The server's ``settings`` route writes them; the recorder in the kernel reads them, the runner
(``run``, ``verify``) its cell timeout::

    settings = read_settings(project_root(notebook))   # defaults when there is no file
    settings.skip, settings.budget_mb, settings.cell_timeout_s
    write_settings(root, update(settings, skip=["model", "*_cache"], budget_mb=64))

``skip`` holds variable names or glob patterns never hashed; ``budget_mb`` is how many MiB of
one variable are hashed before its hash is marked incomplete; ``cell_timeout_s`` is how long one
cell may run under ``jupyter repro run`` and ``verify`` before the run stops (0: no limit);
``data_file_mb`` and ``data_cache_mb`` bound the data cache (``common.data_cache``): the largest
data file whose versions are kept, and the whole cache (0 turns it off);
``hash_time_budget_ms`` is how long the recorder may spend hashing after a cell, beyond its fixed
per-cell cost: values that do not fit are hashed in a snapshot of the kernel off the cell's path,
or marked incomplete where none can be taken (0: no limit, everything is hashed in the cell).
``versions_days`` is how long the server keeps the saved versions of notebooks (0: for ever;
the server's ``max_versions`` bounds their number besides); once a save clears outputs, earlier
versions lose those outputs too unless ``versions_keep_cleared_outputs`` (``server.save_hook``).
``update`` validates and raises :class:`SettingsError` with a message for people. Standard
library only: a kernel imports this.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

#: The hash budget's one home: the recorder's settings and the hasher's default derive theirs from
#: it. It lives here, the lowest module both sides may import (the server never imports the
#: recorder; the recorder reads this file's settings anyway).
DEFAULT_BUDGET_MB = 256.0
MIB = 1024 * 1024
DEFAULT_BUDGET_BYTES = int(DEFAULT_BUDGET_MB * MIB)
MAX_BUDGET_MB = 1024.0 * 1024
MAX_SKIP = 500
#: Long enough for a training cell, short enough that a cell stuck on a widget or an endless loop
#: ends a headless run the same afternoon. 0 means no limit.
DEFAULT_CELL_TIMEOUT_S = 1800
MAX_CELL_TIMEOUT_S = 7 * 24 * 3600  # a week: a larger number is a typo (milliseconds?)
#: What a laptop tolerates: versions of files up to 50 MB, 1 GB in all (bigger data wants DVC).
DEFAULT_DATA_FILE_MB = 50
DEFAULT_DATA_CACHE_MB = 1024
MAX_DATA_CACHE_MB = 1024 * 1024  # a TiB
#: What a person does not notice after a cell; the recorder's settings derive theirs from it.
DEFAULT_HASH_TIME_BUDGET_MS = 50
MAX_HASH_TIME_BUDGET_MS = 3_600_000  # an hour: more is a typo (microseconds?)
#: A season of diffs between saves; older saves are what git is for. 0 keeps them for ever.
DEFAULT_VERSIONS_DAYS = 90
MAX_VERSIONS_DAYS = 36_500  # a century: more is a typo
FILE = Path(".repro") / "settings.json"
#: A Python name, or a glob over names (``*_cache``, ``tmp?``, ``[ab]x``): never a comma, which
#: separates patterns in ``JUPYTER_REPRO_SKIP``.
_PATTERN = re.compile(r"^[A-Za-z_*?\[][\w*?\[\]!]*$")


class SettingsError(ValueError):
    """Invalid settings, or a settings file that cannot be read; ``str()`` is for people."""


@dataclass(frozen=True)
class ProjectSettings:
    skip: tuple[str, ...] = ()
    budget_mb: float = DEFAULT_BUDGET_MB
    cell_timeout_s: int = DEFAULT_CELL_TIMEOUT_S
    data_file_mb: int = DEFAULT_DATA_FILE_MB
    data_cache_mb: int = DEFAULT_DATA_CACHE_MB
    hash_time_budget_ms: int = DEFAULT_HASH_TIME_BUDGET_MS
    versions_days: int = DEFAULT_VERSIONS_DAYS
    versions_keep_cleared_outputs: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"skip": list(self.skip), "budget_mb": self.budget_mb}
        # Written only when set: the panel's settings keep their shape, and saving them from the
        # panel (which does not show this one) keeps a value set in the file.
        if self.cell_timeout_s != DEFAULT_CELL_TIMEOUT_S:
            data["cell_timeout_s"] = self.cell_timeout_s
        if self.data_file_mb != DEFAULT_DATA_FILE_MB:
            data["data_file_mb"] = self.data_file_mb
        if self.data_cache_mb != DEFAULT_DATA_CACHE_MB:
            data["data_cache_mb"] = self.data_cache_mb
        if self.hash_time_budget_ms != DEFAULT_HASH_TIME_BUDGET_MS:
            data["hash_time_budget_ms"] = self.hash_time_budget_ms
        if self.versions_days != DEFAULT_VERSIONS_DAYS:
            data["versions_days"] = self.versions_days
        if self.versions_keep_cleared_outputs:
            data["versions_keep_cleared_outputs"] = True
        return data


def settings_file(root: Path) -> Path:
    return Path(root) / FILE


def read_settings(root: Path, strict: bool = True) -> ProjectSettings:
    """The project's settings; defaults when there is no file. A damaged file raises
    SettingsError, or gives the defaults with ``strict=False`` (a kernel must start anyway)."""
    path = settings_file(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise SettingsError("the file does not hold a JSON object")
        return update(
            ProjectSettings(),
            skip=data.get("skip"),
            budget_mb=data.get("budget_mb"),
            cell_timeout_s=data.get("cell_timeout_s"),
            data_file_mb=data.get("data_file_mb"),
            data_cache_mb=data.get("data_cache_mb"),
            hash_time_budget_ms=data.get("hash_time_budget_ms"),
            versions_days=data.get("versions_days"),
            versions_keep_cleared_outputs=data.get("versions_keep_cleared_outputs"),
        )
    except FileNotFoundError:
        return ProjectSettings()
    except (OSError, ValueError) as error:
        if not strict:
            return ProjectSettings()
        raise SettingsError(f"Cannot read {path}: {error}. Fix or delete the file.") from error


def update(
    settings: ProjectSettings,
    skip: Any = None,
    budget_mb: Any = None,
    cell_timeout_s: Any = None,
    data_file_mb: Any = None,
    data_cache_mb: Any = None,
    hash_time_budget_ms: Any = None,
    versions_days: Any = None,
    versions_keep_cleared_outputs: Any = None,
) -> ProjectSettings:
    """``settings`` with the values given (None: unchanged), validated."""
    if skip is not None:
        if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
            raise SettingsError("skip must be a list of variable names or glob patterns")
        names = tuple(dict.fromkeys(s.strip() for s in skip if s.strip()))
        bad = [s for s in names if not _PATTERN.match(s)]
        if bad:
            raise SettingsError(
                f"Not a variable name or glob pattern: {bad[0]!r} (letters, digits, _, *, ?, [])"
            )
        if len(names) > MAX_SKIP:
            raise SettingsError(f"skip holds {len(names)} names; at most {MAX_SKIP} are allowed")
        settings = replace(settings, skip=names)
    if budget_mb is not None:
        valid = isinstance(budget_mb, (int, float)) and not isinstance(budget_mb, bool)
        if not valid or not 0 < budget_mb <= MAX_BUDGET_MB:
            raise SettingsError(
                f"budget_mb must be a number of MiB above 0, up to {MAX_BUDGET_MB:g}"
            )
        settings = replace(settings, budget_mb=float(budget_mb))
    # Whole numbers from 0 (what 0 means) up to a maximum: (key, value, unit, zero, maximum).
    whole = (
        ("cell_timeout_s", cell_timeout_s, "seconds", "no limit", MAX_CELL_TIMEOUT_S),
        ("data_file_mb", data_file_mb, "MB", "keep no versions", MAX_DATA_CACHE_MB),
        ("data_cache_mb", data_cache_mb, "MB", "keep no versions", MAX_DATA_CACHE_MB),
        ("hash_time_budget_ms", hash_time_budget_ms, "milliseconds", "no limit",
         MAX_HASH_TIME_BUDGET_MS),
        ("versions_days", versions_days, "days", "keep saved versions for ever",
         MAX_VERSIONS_DAYS),
    )  # fmt: skip
    for key, value, unit, zero, maximum in whole:
        if value is None:
            continue
        valid = isinstance(value, int) and not isinstance(value, bool)
        if not valid or not 0 <= value <= maximum:
            raise SettingsError(
                f"{key} must be a whole number of {unit}, 0 ({zero}) up to {maximum}"
            )
        settings = replace(settings, **{key: value})
    if versions_keep_cleared_outputs is not None:
        if not isinstance(versions_keep_cleared_outputs, bool):
            raise SettingsError("versions_keep_cleared_outputs must be true or false")
        settings = replace(settings, versions_keep_cleared_outputs=versions_keep_cleared_outputs)
    return settings


def write_settings(root: Path, settings: ProjectSettings) -> ProjectSettings:
    """Write the file atomically (a kernel starting meanwhile reads the old or the new one)."""
    path = settings_file(root)
    folder = path.parent
    if not folder.exists():
        # As the store makes it: private, and ignored by git (it may hold the lineage too).
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("*\n")
    text = json.dumps(settings.to_json(), indent=2) + "\n"
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return settings
