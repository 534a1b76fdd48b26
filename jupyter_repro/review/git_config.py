"""``git config`` of one scope, read and written through the git executable.

Usage::

    root = repo_root(Path("analysis"))          # None outside a repository
    set_section(root, "local", "diff.mine", {"textconv": "cat"})
    get(root, "local", "diff.mine.textconv")     # "cat"
    unset_section(root, "local", "diff.mine", ["textconv"])

Writes are idempotent: a value already set is not rewritten, and removing the last key of a
section removes the section header too, so setting then unsetting leaves the file as it was.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

Scope = Literal["local", "global"]


class GitError(RuntimeError):
    """git failed or is missing; the message is git's own first line."""


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, encoding="utf-8", errors="replace"
        )
    except FileNotFoundError as error:
        raise GitError("git is not installed (or not on PATH)") from error
    if check and done.returncode != 0:
        message = (done.stderr.strip().splitlines() or [f"git {args[0]} failed"])[0]
        raise GitError(message)
    return done


def repo_root(path: Path) -> Path | None:
    """The top folder of the work tree holding ``path`` (a file or folder), or None."""
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        return None
    done = git(folder, "rev-parse", "--show-toplevel", check=False)
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def get(cwd: Path, scope: Scope, key: str) -> str | None:
    """The value of ``key`` in ``scope``, None when it is not set there."""
    done = git(cwd, "config", f"--{scope}", "--get", key, check=False)
    return done.stdout.rstrip("\n") if done.returncode == 0 else None


def set_section(cwd: Path, scope: Scope, section: str, values: Mapping[str, str]) -> list[str]:
    """Set ``section.name = value`` for each entry; returns the keys that changed."""
    changed = []
    for name, value in values.items():
        key = f"{section}.{name}"
        if get(cwd, scope, key) != value:
            git(cwd, "config", f"--{scope}", key, value)
            changed.append(key)
    return changed


def unset_section(cwd: Path, scope: Scope, section: str, names: Iterable[str]) -> list[str]:
    """Unset ``section.name`` for each name; drop the section once empty. Returns what went."""
    removed = []
    for name in names:
        key = f"{section}.{name}"
        if get(cwd, scope, key) is not None:
            git(cwd, "config", f"--{scope}", "--unset-all", key)
            removed.append(key)
    # `git config --unset` leaves an empty "[diff "x"]" header behind; remove it so the file
    # reads as it did before the section was added.
    pattern = "^" + section.replace(".", "\\.") + "\\."
    left = git(cwd, "config", f"--{scope}", "--get-regexp", pattern, check=False)
    if left.returncode != 0 and removed:
        git(cwd, "config", f"--{scope}", "--remove-section", section, check=False)
    return removed
