"""papermill runs record their input notebook and its cell ids, with no flag to pass.

``papermill in.ipynb out.ipynb -k repro-python3`` (or ``papermill.execute_notebook``) records
under ``in.ipynb``, the notebook the user edits and the panel shows (the output notebook is a
product of the run), with every cell's id. papermill loads the engines packages register (entry
point group ``papermill.engine``) whenever it is imported; loading this one makes
:class:`RecordingEngine` papermill's default engine, unless another package already replaced
papermill's own. ``--engine repro`` names it explicitly.

It is papermill's nbclient engine running a client that also does what
:class:`~jupyter_repro.headless.RecordingNotebookClient` does: the kernel starts with
``JPY_SESSION_NAME`` set to the input notebook's resolved path, and each execute request carries
its cell's id. Every kernel gets both, as every kernel jupyter-server starts does; only the
recorder keys lineage by them. An input that is not a local file (``s3://``, ``-`` for stdin, a
notebook object) has no path to give: such a run records cell ids, under the kernel's folder.

papermill imports this module while it is being imported itself, so nothing here imports
papermill (or more of jupyter_repro) before it is used.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from pathlib import Path
from typing import Any


class RecordingEngine:
    """The engine papermill calls (its three class methods), built on first use: :func:`engine`."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, **kwargs: Any) -> Any:
        return engine().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb: Any, name: str | None = None) -> Any:
        return engine().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb: Any, language: str | None = None) -> Any:
        return engine().nb_language(nb, language)


@functools.cache
def engine() -> Any:
    """papermill's ``NBClientEngine``, running papermill's client with the recording additions."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    from .headless import RecordingNotebookClient

    class RecordingPapermillClient(PapermillNotebookClient, RecordingNotebookClient):
        """papermill's client (progress, autosave, error cells) naming the notebook and cells."""

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            # NBClientEngine's own argument handling (papermill 2.x), with our client.
            notebook = input_notebook(kwargs.pop("input_path", None))
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                notebook_path=str(notebook) if notebook else None,
            )
            return RecordingPapermillClient(nb_man, **final_kwargs).execute()

    return Engine


def input_notebook(input_path: object) -> Path | None:
    """The local notebook file papermill read, resolved; None for stdin, URLs and objects.

    A relative path is relative to where papermill was called: ``--cwd`` has moved the process
    by now, and papermill's local file handler kept the folder it resolves input paths against.
    """
    if not isinstance(input_path, str) or not input_path:
        return None
    from papermill.iorw import LocalHandler, papermill_io

    handler = papermill_io.get_handler(input_path)
    if not isinstance(handler, LocalHandler):
        return None
    base = getattr(handler, "_cwd", None) or os.getcwd()
    path = Path(base, Path(input_path).expanduser())
    return path.resolve() if path.is_file() else None


def _become_papermill_default() -> None:
    """Register :class:`RecordingEngine` as papermill's default (engine name None)."""
    engines: Any = sys.modules.get("papermill.engines")
    if getattr(engines, "papermill_engines", None) is None:
        try:  # imported on its own: papermill's import loads this (now complete) module
            engines = importlib.import_module("papermill.engines")
        except ImportError:
            return
    registry = engines.papermill_engines
    try:
        current = registry.get_engine(None)
    except Exception:  # noqa: BLE001 - no default yet: ours is the one
        current = None
    if current in (None, engines.NBClientEngine):  # another package's choice is kept
        registry.register(None, RecordingEngine)


_become_papermill_default()
