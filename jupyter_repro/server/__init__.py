"""The jupyter-server extension: serves the lineage store over an authenticated REST API.

jupyter-server finds `_load_jupyter_server_extension` through
`jupyter_repro._jupyter_server_extension_points`. Loading it adds the routes (``routes``; the
contract is ``docs/rest-api.md``), hooks notebook saves (``save_hook``) and makes the registry
of background verifications (``verify_jobs``), and makes lineage follow the renames Jupyter
makes (``notebook_renames``); options are ``config.ReproServerSettings``.

Modules: ``base`` (handler base, shared context), ``paths`` (confinement to the root, of the
paths requests name and of every file the server writes), ``route_numbers`` (numbers in routes),
``errors`` (library errors to HTTP statuses), ``queries``/``actions``/``diffing`` (the library
calls behind the handlers, no tornado), ``handlers_*`` (the thin handlers).

May import every product (``script``, ``pipeline``, ``verify``, ``review``, ``cell_status``),
``common``, the store and ``project_settings``; never the recorder or the CLI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .base import SETTINGS_KEY, ReproContext
from .config import ReproServerSettings
from .notebook_renames import RenameFollower
from .routes import setup_route_handlers
from .save_hook import SaveSnapshots
from .verify_jobs import VerifyJobs


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the REST routes, the post-save hook and the rename listener."""
    config = ReproServerSettings(parent=server_app)
    root = Path(os.path.realpath(server_app.root_dir))
    snapshots = SaveSnapshots(config, server_app.log, root)
    renames = RenameFollower(root, server_app.log)
    context = ReproContext(config, snapshots, VerifyJobs(config, server_app.log), renames)
    server_app.web_app.settings[SETTINGS_KEY] = context
    setup_route_handlers(server_app.web_app)
    renames.listen(server_app.event_logger)
    snapshots.attach(server_app.contents_manager)
    # jupytext's extension, loaded after this one (alphabetical order), *replaces* the contents
    # manager: attach again once every extension has loaded, to whichever one serves requests.
    server_app.io_loop.add_callback(
        lambda: snapshots.attach(server_app.web_app.settings.get("contents_manager"))
    )
    server_app.log.info("jupyter_repro server extension loaded")
