"""Server-side settings of jupyter-repro, a traitlets ``Configurable``.

Set them like any jupyter-server option, in ``jupyter_server_config.py``::

    c.ReproServerSettings.max_page_size = 500
    c.ReproServerSettings.snapshot_saves = "recorded"   # only projects that have a lineage store

or on the command line: ``jupyter lab --ReproServerSettings.max_versions=50``.
"""

from __future__ import annotations

from traitlets import Enum, Int
from traitlets.config import Configurable


class ReproServerSettings(Configurable):
    """Limits and switches of the jupyter-repro REST API."""

    default_page_size = Int(100, help="Executions per lineage page when none is asked.").tag(
        config=True
    )
    max_page_size = Int(
        1000, help="Most executions one lineage page returns; larger limits are lowered to it."
    ).tag(config=True)
    snapshot_saves = Enum(
        ["all", "recorded", "off"],
        "all",
        help="Which notebook saves are kept as versions (for diffs): all of them (the project's "
        ".repro/lineage.db is created if needed), only those of projects that already have a "
        "lineage store, or none.",
    ).tag(config=True)
    max_versions = Int(
        200, help="Saved versions kept per notebook; older ones are dropped on the next save."
    ).tag(config=True)
    max_snapshot_mb = Int(
        100, help="Notebooks larger than this (MiB) are not snapshotted on save."
    ).tag(config=True)
    max_verify_running = Int(
        2, help="Verifications running at once (each runs a kernel); more are refused (429)."
    ).tag(config=True)
    max_verify_jobs = Int(
        50, help="Finished verifications remembered for polling; the oldest are forgotten."
    ).tag(config=True)
    verify_cell_timeout = Int(
        0,
        help="Seconds a cell may run during a verification; 0 means the project's "
        "cell_timeout_s setting (default 1800 s).",
    ).tag(config=True)
