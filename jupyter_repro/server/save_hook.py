"""Snapshots of notebook saves: a post-save hook that records each save as a version.

Attach it to the server's contents manager; ``settled`` waits for the snapshots already queued,
so a request reading versions sees every save made before it::

    snapshots = SaveSnapshots(config, log, root)  # root: the resolved server root
    snapshots.attach(server_app.contents_manager)
    await snapshots.settled()

The hook runs inside the save, on the event loop: it only reads the saved bytes and queues the
store write on one worker thread (in save order). It never fails a save: jupyter-server turns a
hook's exception into a 500 for a file that *was* saved, so every error is logged and swallowed.
It works with jupytext's contents manager too: that one saves through the base class, which runs
the hooks; only ``.ipynb`` files are snapshotted (a paired ``.py`` is not a notebook version).
The store is written only where ``paths.confine_writes`` allows (a ``.repro`` symlinked out of
the root is not followed: the save is kept, its version is not, and the log says why), except a
store the server's operator named with ``JUPYTER_REPRO_DB``.

After each save the project's retention applies (``_retain``, settings in ``.repro/settings.json``):
versions saved more than ``versions_days`` ago go (every notebook's, 0: kept for ever; the
server's ``max_versions`` bounds each notebook's count besides), and a save that clears outputs
(``cleared_outputs``) rewrites the notebook's earlier versions without them, so a cleared output
does not live on in the history (``versions_keep_cleared_outputs`` keeps them). Rewritten rather
than dropped: clearing outputs before a commit is a habit, and it must not cost the history of
the code.
"""

from __future__ import annotations

import asyncio
import logging
import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..project_settings import read_settings
from ..store import (
    ENV_VAR,
    LineageStore,
    NotebookVersion,
    StoreUnavailable,
    default_db_path,
    project_root,
)
from .cleared_outputs import cleared_outputs, without_outputs
from .config import ReproServerSettings
from .paths import WriteRefused, confine_writes, write_base
from .rename_recovery import recover_rename

#: The files SQLite may create beside the store.
_SIDECARS = ("-wal", "-shm", "-journal")


class SaveSnapshots:
    """The post-save hook and the single thread that writes its versions, in save order."""

    def __init__(self, config: ReproServerSettings, log: logging.Logger, root: Path) -> None:
        self.config = config
        self.log = log
        self.root = root
        # Not a daemon: Python waits for its queue at exit, so the last save is kept too.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="repro-snapshot")
        # Weak references compared by identity: contents managers are not hashable.
        self._attached: list[weakref.ref[Any]] = []

    def attach(self, contents_manager: Any) -> None:
        """Register the hook on ``contents_manager`` (once, however often this is called)."""
        if contents_manager is None or any(r() is contents_manager for r in self._attached):
            return
        contents_manager.register_post_save_hook(self.hook)
        self._attached.append(weakref.ref(contents_manager))

    def hook(self, model: dict[str, Any], os_path: str, contents_manager: Any = None) -> None:
        """The post-save hook (jupyter-server calls it with keywords)."""
        try:
            if self.config.snapshot_saves == "off" or not str(os_path).endswith(".ipynb"):
                return
            if model.get("type") not in (None, "notebook"):
                return
            path = Path(os_path).resolve()
            if path.stat().st_size > self.config.max_snapshot_mb * 1024 * 1024:
                self.log.info("jupyter_repro: %s is too large to keep as a version", path)
                return
            content = path.read_bytes()  # now: a later save must not overwrite this one
            self._writer.submit(self._record, path, content)
        except Exception:
            self.log.warning("jupyter_repro: could not snapshot %s", os_path, exc_info=True)

    def _record(self, notebook: Path, content: bytes) -> None:
        db = default_db_path(notebook)
        create = self.config.snapshot_saves == "all"
        try:
            self._confine(notebook, db)
            with LineageStore.open(db, create=create) as store:
                recover_rename(store, notebook, content, self.log)  # renamed outside Jupyter?
                previous = store.versions(str(notebook))
                version = store.add_version(str(notebook), content, keep=self.config.max_versions)
                self._retain(store, notebook, content, version, previous[0] if previous else None)
        except WriteRefused as error:
            self.log.warning("jupyter_repro: save of %s not kept: %s", notebook, error.message)
        except StoreUnavailable as error:
            if create or db.exists():
                self.log.warning("jupyter_repro: save of %s not kept: %s", notebook, error)
        except Exception:
            self.log.error("jupyter_repro: save of %s not kept", notebook, exc_info=True)

    def _retain(
        self,
        store: LineageStore,
        notebook: Path,
        content: bytes,
        saved: NotebookVersion,
        previous: NotebookVersion | None,
    ) -> None:
        """Apply the project's retention (``project_settings``) after a save: drop versions older
        than ``versions_days``; when this save cleared outputs, take them out of the notebook's
        earlier versions too, unless ``versions_keep_cleared_outputs``."""
        settings = read_settings(project_root(notebook.parent), strict=False)
        if settings.versions_days:
            store.expire_versions(datetime.now(timezone.utc) - timedelta(settings.versions_days))
        if previous is None or settings.versions_keep_cleared_outputs:
            return
        before = store.version_content(previous.id)
        cleared = cleared_outputs(before, content) if before is not None else None
        if cleared is not None:
            changed = store.rewrite_versions(
                str(notebook), saved.id, lambda old: without_outputs(old, cleared)
            )
            self.log.info("jupyter_repro: cleared outputs removed from %d versions", changed)

    def _confine(self, notebook: Path, db: Path) -> None:
        if os.environ.get(ENV_VAR, "").strip():
            return  # the operator's own choice of store, not a path found in the tree
        base, within = write_base(self.root, project_root(notebook.parent))
        sidecars = [db.with_name(db.name + suffix) for suffix in _SIDECARS]
        confine_writes(base, [db, *sidecars], within)

    async def settled(self) -> None:
        """Return once every snapshot queued so far is written (the writer runs them in order)."""
        await asyncio.wrap_future(self._writer.submit(lambda: None))
