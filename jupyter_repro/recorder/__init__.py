"""The kernel-side recorder, loaded with `%load_ext jupyter_repro` or the `repro-python3` kernel.

Registers one :class:`~.session_recorder.Recorder` per shell on IPython's public events; loading
twice is harmless, unloading stops recording. The ``jupyter_repro`` logger goes to the kernel's
own log while it is loaded (``recorder_log``): no record ever reaches a cell's output.

It runs inside the user's kernel, so it may import only the store, ``code_analysis``,
``project_settings`` and ``common.file_digest``: never the exporters, review, the server, the
CLI, pandas, nbformat, jupytext or sqlite-utils (the user's libraries only once they imported
them). ``import-linter`` holds it to that.
"""

from __future__ import annotations

import atexit
import logging
import sys
from typing import Any

_ATTRIBUTE = "_jupyter_repro_recorder"
_LOG_ATTRIBUTE = "_jupyter_repro_log"
log = logging.getLogger("jupyter_repro.recorder")


def load_ipython_extension(ipython: Any) -> None:
    """Attach the recorder to this shell, unless it is already attached."""
    if getattr(ipython, _ATTRIBUTE, None) is not None:
        return
    from .recorder_log import PREFIX, attach

    if getattr(ipython, _LOG_ATTRIBUTE, None) is None:
        setattr(ipython, _LOG_ATTRIBUTE, attach())
    try:
        from .session_recorder import Recorder

        recorder = Recorder(ipython)
    except Exception:  # never break the kernel's start-up
        log.exception("jupyter-repro: the recorder could not start")
        print(
            f"{PREFIX} the recorder could not start, so lineage is not recorded; your code runs "
            "normally. Details are in the kernel's log.",
            file=sys.stderr,
        )
        return
    ipython.events.register("pre_run_cell", recorder.pre_run_cell)
    ipython.events.register("post_run_cell", recorder.post_run_cell)
    # A kernel shut down by its client exits without unloading extensions: close the store then,
    # so its WAL is folded back and the last outputs are written.
    atexit.register(recorder.close)
    setattr(ipython, _ATTRIBUTE, recorder)


def unload_ipython_extension(ipython: Any) -> None:
    """Detach the recorder from this shell and release its resources."""
    recorder = getattr(ipython, _ATTRIBUTE, None)
    if recorder is None:
        return
    ipython.events.unregister("pre_run_cell", recorder.pre_run_cell)
    ipython.events.unregister("post_run_cell", recorder.post_run_cell)
    atexit.unregister(recorder.close)
    recorder.close()
    setattr(ipython, _ATTRIBUTE, None)
    detach_log = getattr(ipython, _LOG_ATTRIBUTE, None)
    if detach_log is not None:
        detach_log()
        setattr(ipython, _LOG_ATTRIBUTE, None)
