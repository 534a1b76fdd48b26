"""The route table of the jupyter-repro REST API, under `<base_url>/jupyter-repro/`.

Handlers stay thin: parse, call one library function (in a worker thread when it touches the
disk), `finish(json)`. Every verb is authenticated and authorized against the `repro` resource.
"""

from __future__ import annotations

import json
from typing import Any

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from .._version import __version__

#: The resource name checked by jupyter-server's authorizer for every handler here.
AUTH_RESOURCE = "repro"
NAMESPACE = "jupyter-repro"


class ReproAPIHandler(APIHandler):
    """Base of every jupyter-repro handler: one authorization resource for all of them."""

    auth_resource = AUTH_RESOURCE


class StatusHandler(ReproAPIHandler):
    """Report that the extension is loaded, its version and the root it serves."""

    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        root_dir = self.settings.get("server_root_dir", "")
        self.finish(json.dumps({"version": __version__, "root_dir": str(root_dir)}))


def setup_route_handlers(web_app: Any) -> None:
    """Add every jupyter-repro route to the tornado application."""
    host_pattern = ".*$"
    base_url = web_app.settings["base_url"]
    handlers = [
        (url_path_join(base_url, NAMESPACE, "status"), StatusHandler),
    ]
    web_app.add_handlers(host_pattern, handlers)
