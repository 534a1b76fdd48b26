"""What changed between two recordings: variables, data files, packages, Python.

Usage::

    result = diff_lineage(old_side.lineage, new_side.lineage)
    result.files      # (FileChange("data.csv", "read", "xxh3:1f...", "xxh3:9c..."),)
    result.packages   # (PackageChange("pandas", "2.2.0", "3.0.0", "upgraded"),)
    result.empty      # True when the recordings agree on all of it

A value missing on one side is None there: a variable that only one run defined, a file only
one run read. Hashes are the recorder's own, compared as strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .recordings import Lineage

PackageChangeKind = Literal["added", "removed", "upgraded", "downgraded", "changed"]


@dataclass(frozen=True)
class ValueChange:
    name: str
    a: str | None
    b: str | None


@dataclass(frozen=True)
class FileChange:
    path: str
    mode: Literal["read", "write"]
    a: str | None  # hash in A; None when A did not touch the file or it was deleted
    b: str | None


@dataclass(frozen=True)
class PackageChange:
    name: str
    a: str | None
    b: str | None
    change: PackageChangeKind


@dataclass(frozen=True)
class LineageDiff:
    variables: tuple[ValueChange, ...] = ()
    files: tuple[FileChange, ...] = ()
    packages: tuple[PackageChange, ...] = ()
    python: ValueChange | None = None

    @property
    def empty(self) -> bool:
        return not (self.variables or self.files or self.packages or self.python)


def changed_values(a: dict[str, str | None], b: dict[str, str | None]) -> list[ValueChange]:
    keys = sorted(a.keys() | b.keys())
    return [
        ValueChange(k, a.get(k), b.get(k))
        for k in keys
        if a.get(k) != b.get(k) or (k in a) != (k in b)
    ]


def version_change(a: str | None, b: str | None) -> PackageChangeKind:
    if a is None:
        return "added"
    if b is None:
        return "removed"
    try:
        from packaging.version import Version  # jupyter-server's dependency; else "changed"

        older, newer = Version(a), Version(b)
    except Exception:  # noqa: BLE001 - not a PEP 440 version (or no packaging): "changed"
        return "changed"
    if newer == older:
        return "changed"
    return "upgraded" if newer > older else "downgraded"


def diff_lineage(a: Lineage, b: Lineage) -> LineageDiff:
    """The recorded differences from ``a`` to ``b``."""
    files = [
        FileChange(c.name, "read", c.a, c.b) for c in changed_values(a.files_read, b.files_read)
    ]
    files += [
        FileChange(c.name, "write", c.a, c.b)
        for c in changed_values(a.files_written, b.files_written)
    ]
    packages = [
        PackageChange(c.name, c.a, c.b, version_change(c.a, c.b))
        for c in changed_values(dict(a.packages), dict(b.packages))
    ]
    python = ValueChange("python", a.python, b.python) if a.python != b.python else None
    return LineageDiff(
        variables=tuple(changed_values(dict(a.variables), dict(b.variables))),
        files=tuple(sorted(files, key=lambda f: (f.path, f.mode))),
        packages=tuple(packages),
        python=python,
    )
