"""Handlers of the actions: export script and pipeline, verify (background), pair, settings.

Each parses its body, runs one library call in a worker thread (``actions``, ``verify_jobs``),
and answers JSON. Routes and shapes: ``docs/rest-api.md``.
"""

from __future__ import annotations

from typing import Any

import tornado
from jupyter_server.auth.decorator import authorized
from tornado.web import HTTPError

from ..script.export import FORMATS
from . import actions, paths
from .base import ReproAPIHandler


def _choice(body: dict[str, Any], name: str, options: tuple[str, ...], default: str) -> str:
    value = body.get(name, default)
    if value not in options:
        raise HTTPError(400, "%s", f"{name} must be one of {', '.join(options)}, not {value!r}")
    return str(value)


class ExportScriptHandler(ReproAPIHandler):
    """Export the latest session as a script (and its lock) beside the notebook."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        targets = body.get("targets") or None
        if targets is not None and not (
            isinstance(targets, list) and all(isinstance(t, str) for t in targets)
        ):
            raise HTTPError(400, "targets must be a list of variable names or cell:ID")
        fmt = _choice(body, "format", FORMATS, "py")
        self.reply(await self.call(actions.export_script_to, self.root, notebook, targets, fmt))


class ExportPipelineHandler(ReproAPIHandler):
    """Export the latest session as a DVC or make pipeline in ``pipeline/`` beside it."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        to = _choice(body, "to", ("dvc", "make"), "dvc")
        force = body.get("force", False) is True
        self.reply(await self.call(actions.export_pipeline_to, self.root, notebook, to, force))


class VerifyHandler(ReproAPIHandler):
    """Start verifying a notebook's latest session, or an exported script, in the background."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        path = self.body().get("path")
        target = paths.existing_file(self.root, path, "notebook or script")
        job = await self.call(self.repro.jobs.start, target, self.label(target))
        self.reply(job.to_json(), status=202)


class VerifyJobHandler(ReproAPIHandler):
    """Progress, then report (or error), of one verification."""

    @tornado.web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        job = self.repro.jobs.get(job_id)
        if job is None:
            raise HTTPError(404, "%s", f"No verification {job_id} (the server may have restarted)")
        self.reply(job.to_json())


class SettingsHandler(ReproAPIHandler):
    """The recorder settings of the notebook's project (``.repro/settings.json``)."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(await self.call(actions.settings_of, self.notebook()))

    @tornado.web.authenticated
    @authorized
    async def put(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        skip, budget = body.get("skip"), body.get("budget_mb")
        retention = {key: body.get(key) for key in actions.RETENTION_SETTINGS}
        self.reply(
            await self.call(actions.save_settings, self.root, notebook, skip, budget, **retention)
        )


class PairHandler(ReproAPIHandler):
    """Pair the notebook with a jupytext text twin (default py:percent) beside it."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        fmt = body.get("format") or "py:percent"
        if not isinstance(fmt, str):
            raise HTTPError(400, "format must be a string such as py:percent")
        self.reply(await self.call(actions.pair_with, self.root, notebook, fmt))
