"""Handlers of saved versions and diffs (nbdime's diff model). Routes: ``docs/rest-api.md``.

Both first wait for the save snapshots already queued, so a save made just before is listed.
"""

from __future__ import annotations

import tornado
from jupyter_server.auth.decorator import authorized

from . import queries
from .base import ReproAPIHandler
from .diffing import notebook_diff


class VersionsHandler(ReproAPIHandler):
    """The saved versions of a notebook, newest first."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        notebook = self.notebook()
        await self.repro.snapshots.settled()
        self.reply(await self.call(queries.versions, notebook, self.label(notebook)))


class DiffHandler(ReproAPIHandler):
    """The diff from a base (saved version, git revision) to a remote (the file, a version)."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        notebook = self.notebook()
        base = self.get_query_argument("base", "saved")
        remote = self.get_query_argument("remote", "current")
        raw = self.get_query_argument("raw", "false") in ("1", "true")
        await self.repro.snapshots.settled()
        self.reply(await self.call(notebook_diff, notebook, base, remote, raw))
