"""The base of every jupyter-repro handler, and the state the extension shares with them.

A handler parses its input with the helpers here, runs one library call in a worker thread with
``call`` (which turns library errors into HTTP answers, see ``errors``) and ``reply``-s JSON::

    class VersionsHandler(ReproAPIHandler):
        @tornado.web.authenticated
        @authorized
        async def get(self) -> None:
            notebook = self.notebook()
            self.reply(await self.call(queries.versions, notebook, self.label(notebook)))
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from http.client import responses
from pathlib import Path
from typing import Any, TypeVar, cast

from jupyter_server.base.handlers import APIHandler
from tornado.web import HTTPError

from . import paths
from .config import ReproServerSettings
from .errors import BadRequest, as_http_error
from .notebook_renames import RenameFollower
from .route_numbers import whole_number
from .save_hook import SaveSnapshots
from .verify_jobs import VerifyJobs

T = TypeVar("T")
#: The resource name checked by jupyter-server's authorizer for every handler here.
AUTH_RESOURCE = "repro"
SETTINGS_KEY = "jupyter_repro"


@dataclass
class ReproContext:
    """What the extension shares with its handlers (in ``web_app.settings[SETTINGS_KEY]``)."""

    config: ReproServerSettings
    snapshots: SaveSnapshots
    jobs: VerifyJobs
    renames: RenameFollower


class ReproAPIHandler(APIHandler):
    """Base of every jupyter-repro handler: one authorization resource for all of them."""

    auth_resource = AUTH_RESOURCE

    @property
    def repro(self) -> ReproContext:
        context: ReproContext = self.settings[SETTINGS_KEY]
        return context

    @property
    def root(self) -> Path:
        return Path(os.path.realpath(self.settings.get("server_root_dir", ".")))

    def body(self) -> dict[str, Any]:
        data = self.get_json_body()
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise HTTPError(400, "The request body must be a JSON object")
        return data

    def notebook(self, path: object = None) -> Path:
        """The notebook named by ``path`` (default: the ``path`` query argument), confined."""
        if path is None:
            path = self.get_query_argument("path", None)
        return paths.notebook_path(self.root, path)

    def label(self, path: Path) -> str:
        return paths.relative(self.root, path)

    def int_argument(self, name: str, default: int, low: int = 0) -> int:
        """The query argument ``name`` as a whole number (``route_numbers``), else 400."""
        raw = self.get_query_argument(name, None)
        return default if raw is None else self.number(raw, name, low)

    def number(self, text: str, name: str, low: int = 0) -> int:
        """A number the request carries (path or query), from ``low`` to SQLite's largest."""
        try:
            return whole_number(text, name, low)
        except BadRequest as error:
            raise HTTPError(400, "%s", str(error)) from None

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` in a worker thread; library errors become HTTP ones.

        Renames heard before the request are written first: the panel asks for the lineage of a
        renamed notebook right after the rename, under its new name."""
        await self.repro.renames.settled()
        try:
            return await asyncio.to_thread(partial(function, *args, **kwargs))
        except HTTPError:
            raise
        except Exception as error:
            http = as_http_error(error)
            if http is None:
                raise
            raise http from error

    def reply(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # APIHandler sends ``log_message``, which tornado 6.5+ gives unformatted ("%s") or with
        # every % doubled: send the message itself (a file name may hold a %).
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if not isinstance(error, HTTPError):
            super().write_error(status_code, **kwargs)
            return
        message = _message(error) or responses.get(status_code, "Unknown HTTP Error")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": error.reason}))


def _message(error: HTTPError) -> str | None:
    get_message = getattr(error, "get_message", None)  # tornado >= 6.5
    if get_message is not None:
        return cast("str | None", get_message())
    text = error.log_message
    return text % error.args if text and error.args else text
