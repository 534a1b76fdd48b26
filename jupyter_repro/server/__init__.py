"""The jupyter-server extension: serves the lineage store over an authenticated REST API.

jupyter-server finds `_load_jupyter_server_extension` through
`jupyter_repro._jupyter_server_extension_points`.
"""

from __future__ import annotations

from typing import Any

from .routes import setup_route_handlers


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the REST routes on the server's web application."""
    setup_route_handlers(server_app.web_app)
    server_app.log.info("jupyter_repro server extension loaded")
