"""Lineage follows renames and moves made through Jupyter (the contents manager's ``rename``).

jupyter-server emits a contents event for each rename (schema ``CONTENTS_EVENTS``, action
``rename``, ``source_path`` and ``path`` relative to the server root); this listener files the
history of the old notebook, or of every notebook under a renamed folder, under the new name::

    follower = RenameFollower(root, log)
    follower.listen(server_app.event_logger)
    await follower.settled()            # every rename heard so far is written

The store is written off the event loop, only where ``paths.confine_writes`` allows (as the save
hook), and never created: a project with no store has no history to move. A notebook moved into
another project keeps its history in the old project's store (its lineage is not copied).
Failures are logged, never raised: the rename itself has happened.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from ..store import ENV_VAR, LineageStore, NoLineageYet, default_db_path, project_root
from .paths import confine_writes, write_base

#: The contents service's event schema in jupyter-server 2.x.
CONTENTS_EVENTS = "https://events.jupyter.org/jupyter_server/contents_service/v1"
#: The files SQLite may create beside the store.
_SIDECARS = ("-wal", "-shm", "-journal")


class RenameFollower:
    """Re-keys lineage when Jupyter renames a notebook or a folder."""

    def __init__(self, root: Path, log: logging.Logger) -> None:
        self.root = root
        self.log = log
        self._pending: set[asyncio.Future[Any]] = set()

    def listen(self, event_logger: Any) -> None:
        """Register on jupyter-server's ``EventLogger`` (``server_app.event_logger``)."""
        event_logger.add_listener(schema_id=CONTENTS_EVENTS, listener=self.heard)

    async def heard(self, logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        """The listener: jupyter-events calls it with keywords, as a task of its own."""
        if data.get("action") != "rename" or not data.get("source_path") or not data.get("path"):
            return
        work = asyncio.ensure_future(
            asyncio.to_thread(self.follow, str(data["source_path"]), str(data["path"]))
        )
        self._pending.add(work)
        try:
            await work
        finally:
            self._pending.discard(work)

    def follow(self, source: str, target: str) -> None:
        """File the lineage of ``source`` (relative to the root) under ``target``."""
        try:
            old = Path(os.path.realpath(self.root / source))
            new = Path(os.path.realpath(self.root / target))
            moved = move_lineage(self.root, old, new)
            if moved:
                self.log.info("jupyter_repro: lineage of %s now under %s", source, target)
        except Exception:
            self.log.warning(
                "jupyter_repro: lineage of %s not moved to %s", source, target, exc_info=True
            )

    async def settled(self) -> None:
        """Return once every rename heard so far is written."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)


def move_lineage(root: Path, old: Path, new: Path) -> int:
    """Re-key ``old``'s lineage (a notebook, or a folder's notebooks) to ``new``; how many
    notebooks moved. ``root`` is the resolved server root, for confinement."""
    folder = new.is_dir()
    if not folder and new.suffix != ".ipynb":
        return 0
    db = default_db_path(new / "x.ipynb" if folder else new)
    if db != default_db_path(old / "x.ipynb" if folder else old):
        # Into another project, or a project folder moved whole (its store moved with it, and
        # its keys are relative): nothing to re-key here.
        return 0
    project = project_root(new if folder else new.parent)
    _confine(root, project, db)
    try:
        store = LineageStore.open(db, create=False)
    except NoLineageYet:
        return 0
    with store:
        return len(store.rename_notebook(str(old), str(new), folder=folder).notebooks)


def _confine(root: Path, project: Path, db: Path) -> None:
    if os.environ.get(ENV_VAR, "").strip():
        return  # the operator's own choice of store, not a path found in the tree
    base, within = write_base(root, project)
    confine_writes(base, [db, *(db.with_name(db.name + s) for s in _SIDECARS)], within)
