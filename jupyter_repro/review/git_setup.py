"""Configure git for notebooks: clean-text diffs, re-run-proof merges, nbdime's difftool.

Usage::

    report = enable(Path("."))                  # this repository; enable(path, "global") for all
    report = enable(Path("."), strip_counts=True)  # commit notebooks without execution counts
    report.changes                              # what was written; () when already set up
    disable(Path("."))                          # removes exactly what enable added

How the pieces fit, since git uses one diff, merge and filter driver per path:

- ``.gitattributes``: ``*.ipynb diff=jupyter-repro merge=jupyter-repro filter=jupyter-repro``
  (``gitattributes``).
- ``diff.jupyter-repro.textconv`` renders a notebook as clean text (``clean_text``), so
  ``git diff``, ``git log -p`` and ``git show`` compare what a reviewer reads, and an unchanged
  re-run shows no diff. nbdime's own git diff driver would show execution counts and metadata.
- ``merge.jupyter-repro``: our driver (``merge_driver``) over nbdime's merge, so branches that
  re-ran the notebook and changed different cells merge cleanly, and a source conflict stops the
  merge with nbdime's markers.
- ``filter.jupyter-repro.clean`` (``clean_filter``): commits leave out JupyterLab's timing
  metadata (and, with ``strip_counts``, execution counts); outputs are always kept. No
  ``smudge``, and not ``required``: if the filter cannot run, git commits the file as it is.
- ``difftool.nbdime``: nbdime's rich diff for people: ``git difftool -t nbdime analysis.ipynb``.

Every command starts with this Python's absolute path (not a script found on PATH), because git
runs drivers from hooks, IDEs and GUIs whose PATH may not hold the virtual environment. A driver
already configured by someone else is kept, and left in place by ``disable``. Earlier releases
routed merges to nbdime's driver under nbdime's name (``merge.jupyternotebook``, with this
Python); that section is removed when it is ours, while nbdime's own configuration
(``nbdime config-git --enable``, whose commands are ``git-nb...`` scripts) stays untouched.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from . import git_config, gitattributes
from .git_config import GitError, Scope

ATTRIBUTES = ("*.ipynb diff=jupyter-repro merge=jupyter-repro filter=jupyter-repro",)


@dataclass(frozen=True)
class Driver:
    """A git config section this module owns when its ``primary`` value contains ``marker``.

    The marker leaves out the Python path, so a section written from another environment is
    still recognised as ours (and updated to this one), while nbdime's own configuration, whose
    commands are ``git-nb...`` scripts, is not.
    """

    section: str
    values: dict[str, str]
    primary: str
    marker: str


@dataclass(frozen=True)
class SetupReport:
    attributes: Path
    changes: tuple[str, ...]
    kept: tuple[str, ...]  # sections left alone: someone else configured them
    removed: tuple[str, ...] = ()  # by enable: keys an earlier release wrote, now replaced


class GitSetupError(ValueError):
    """Not a repository, or git failed; one line a person can act on."""


def drivers(python: str = sys.executable, strip_counts: bool = False) -> tuple[Driver, ...]:
    py = shlex.quote(python)
    return (
        Driver(
            "diff.jupyter-repro",
            {"textconv": f"{py} -m jupyter_repro.review.clean_text"},
            "textconv",
            " -m jupyter_repro.review.clean_text",
        ),
        Driver(
            "merge.jupyter-repro",
            {
                "name": "jupyter-repro notebook merge (nbdime, re-runs resolved)",
                "driver": f"{py} -m jupyter_repro.review.merge_driver %O %A %B %P",
            },
            "driver",
            " -m jupyter_repro.review.merge_driver ",
        ),
        Driver(
            "filter.jupyter-repro",
            {
                "clean": f"{py} -m jupyter_repro.review.clean_filter"
                + (" --strip-counts" if strip_counts else "")
            },
            "clean",
            " -m jupyter_repro.review.clean_filter",
        ),
        Driver(
            "difftool.nbdime",
            {"cmd": f'{py} -m nbdime.vcs.git.difftool diff "$LOCAL" "$REMOTE" "$BASE"'},
            "cmd",
            " -m nbdime.vcs.git.difftool ",
        ),
    )


#: What earlier releases wrote: nbdime's merge driver under nbdime's name, run by a Python path.
LEGACY = Driver(
    "merge.jupyternotebook",
    {"name": "", "driver": ""},
    "driver",
    " -m nbdime.vcs.git.mergedriver ",
)


def attributes_file(path: Path, scope: Scope) -> tuple[Path, Path]:
    """(folder to run git in, the attributes file of ``scope``)."""
    if scope == "global":
        from nbdime.utils import locate_gitattributes  # nbdime's rule for the global file

        return path if path.is_dir() else Path.home(), Path(locate_gitattributes("global"))
    root = git_config.repo_root(path)
    if root is None:
        raise GitSetupError(f"Not a git repository: {path} (run `git init`, or pass --global)")
    return root, root / ".gitattributes"


def _owned(cwd: Path, scope: Scope, kept: list[str], strip_counts: bool) -> list[Driver]:
    """The drivers that are unset or ours; the others are named in ``kept``."""
    owned = []
    for driver in drivers(strip_counts=strip_counts):
        current = git_config.get(cwd, scope, f"{driver.section}.{driver.primary}")
        if current is not None and driver.marker not in current:
            kept.append(f"{driver.section} (configured by someone else: {current})")
        else:
            owned.append(driver)
    return owned


def _remove_legacy(cwd: Path, scope: Scope) -> list[str]:
    current = git_config.get(cwd, scope, f"{LEGACY.section}.{LEGACY.primary}")
    if current is None or LEGACY.marker not in current:
        return []  # absent, or nbdime's own `git-nbmergedriver`: not ours to remove
    return git_config.unset_section(cwd, scope, LEGACY.section, LEGACY.values)


def enable(path: Path, scope: Scope = "local", strip_counts: bool = False) -> SetupReport:
    """Set up the repository holding ``path`` (or, with ``global``, the user's git).

    ``strip_counts``: the clean filter also removes execution counts (see ``clean_filter``).
    """
    cwd, attributes = attributes_file(path.resolve(), scope)
    changes: list[str] = []
    kept: list[str] = []
    try:
        for driver in _owned(cwd, scope, kept, strip_counts):
            changes += git_config.set_section(cwd, scope, driver.section, driver.values)
        removed = _remove_legacy(cwd, scope)
    except GitError as error:
        raise GitSetupError(str(error)) from error
    if gitattributes.write_block(attributes, ATTRIBUTES):
        changes.append(f"{attributes}: {'; '.join(ATTRIBUTES)}")
    return SetupReport(attributes, tuple(changes), tuple(kept), tuple(removed))


def disable(path: Path, scope: Scope = "local") -> SetupReport:
    """Remove what :func:`enable` added; sections configured by others stay."""
    cwd, attributes = attributes_file(path.resolve(), scope)
    changes: list[str] = []
    kept: list[str] = []
    try:
        for driver in _owned(cwd, scope, kept, strip_counts=False):
            changes += git_config.unset_section(cwd, scope, driver.section, driver.values)
        changes += _remove_legacy(cwd, scope)
    except GitError as error:
        raise GitSetupError(str(error)) from error
    if gitattributes.remove_block(attributes):
        changes.append(f"{attributes}: removed the jupyter-repro block")
    return SetupReport(attributes, tuple(changes), tuple(kept))
