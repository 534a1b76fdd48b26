"""The route table of the jupyter-repro REST API, under `<base_url>/jupyter-repro/`.

Handlers stay thin: parse, call one library function (in a worker thread when it touches the
disk), `finish(json)`. Every verb is authenticated and authorized against the `repro` resource.
The contract, for the frontend and for people: ``docs/rest-api.md``.
"""

from __future__ import annotations

from typing import Any

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join

from .._version import __version__
from .base import AUTH_RESOURCE, ReproAPIHandler
from .handlers_actions import (
    ExportPipelineHandler,
    ExportScriptHandler,
    PairHandler,
    SettingsHandler,
    VerifyHandler,
    VerifyJobHandler,
)
from .handlers_lineage import CellsHandler, EnvironmentHandler, ExecutionHandler, LineageHandler
from .handlers_review import DiffHandler, VersionsHandler

NAMESPACE = "jupyter-repro"
__all__ = ["AUTH_RESOURCE", "NAMESPACE", "ROUTES", "ReproAPIHandler", "setup_route_handlers"]


class StatusHandler(ReproAPIHandler):
    """Report that the extension is loaded, its version and the root it serves."""

    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        root_dir = self.settings.get("server_root_dir", "")
        self.reply({"version": __version__, "root_dir": str(root_dir)})


#: (route under the namespace, handler); the tests walk this table for the auth checks.
ROUTES: tuple[tuple[str, type[ReproAPIHandler]], ...] = (
    ("status", StatusHandler),
    ("lineage", LineageHandler),
    (r"executions/(\d+)", ExecutionHandler),
    ("cells", CellsHandler),
    ("environment", EnvironmentHandler),
    ("export/script", ExportScriptHandler),
    ("export/pipeline", ExportPipelineHandler),
    ("verify", VerifyHandler),
    (r"verify/([0-9a-f]{32})", VerifyJobHandler),
    ("pair", PairHandler),
    ("versions", VersionsHandler),
    ("diff", DiffHandler),
    ("settings", SettingsHandler),
)


def setup_route_handlers(web_app: Any) -> None:
    """Add every jupyter-repro route to the tornado application."""
    host_pattern = ".*$"
    base_url = web_app.settings["base_url"]
    handlers = [(url_path_join(base_url, NAMESPACE, route), cls) for route, cls in ROUTES]
    web_app.add_handlers(host_pattern, handlers)
