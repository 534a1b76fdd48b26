"""Where the recorder's messages go: details to the kernel's log, one line to the user, once.

A kernel's ``sys.stderr`` during a cell is the cell's output, and so is file descriptor 2
(ipykernel forwards what C code writes there into the cell too), so the ``jupyter_repro``
logger must never fall back to Python's last-resort handler, which prints to ``sys.stderr``.
``attach()`` gives it a handler that hands each record to ipykernel's own application log
(``IPKernelApp.log``, whose handler ipykernel points at the kernel process's original stderr:
the terminal or the server's log, never a cell) and stops it propagating to the root logger (a
``logging.basicConfig()`` in a cell binds the root to the cell's stream). Outside ipykernel
(a terminal IPython) records go to a ``NullHandler`` and on to whatever the user configured::

    undo = attach()             # at load_ipython_extension; undo() at unload
    notices = Notices()
    notices.show("store-gone", "the lineage store was deleted; ...")   # printed once per key

``Notices.show`` is the only way the recorder speaks in a cell: one line on the cell's stderr,
at most once per key and kernel, always also logged.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator

LOGGER = "jupyter_repro"
PREFIX = "[jupyter-repro]"

log = logging.getLogger(LOGGER)


class KernelLog(logging.Handler):
    """Writes records through another logger's handlers (ipykernel's application log).

    A stream handler's text is written here, not through its ``handle``: a kernel log that
    broke (its terminal closed) would make ``logging`` print a traceback on ``sys.stderr``,
    which is the running cell. Such failures are dropped.
    """

    def __init__(self, target: logging.Logger) -> None:
        super().__init__(level=target.getEffectiveLevel())
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        for handler in self.target.handlers:
            if record.levelno < handler.level:
                continue
            try:
                if isinstance(handler, logging.StreamHandler):
                    text = handler.format(record) + handler.terminator
                    with _locked(handler):
                        handler.stream.write(text)
                        handler.stream.flush()
                else:
                    handler.handle(record)
            except Exception:  # noqa: BLE001 - a broken kernel log must never reach a cell
                continue

    def handleError(self, record: logging.LogRecord) -> None:
        """Drop it: ``logging`` would print the error on ``sys.stderr``, the running cell."""


@contextlib.contextmanager
def _locked(handler: logging.Handler) -> Iterator[None]:
    handler.acquire()
    try:
        yield
    finally:
        handler.release()


def kernel_app_log() -> logging.Logger | None:
    """ipykernel's application logger when this process is an ipykernel kernel, else None."""
    app_module = sys.modules.get("ipykernel.kernelapp")
    if app_module is None:
        return None
    try:
        if not app_module.IPKernelApp.initialized():
            return None
        app_log = app_module.IPKernelApp.instance().log
    except Exception:  # noqa: BLE001 - an unusual kernel app: no kernel log to use
        return None
    if isinstance(app_log, logging.Logger) and app_log.handlers:
        return app_log
    return None


def attach() -> Callable[[], None]:
    """Route the ``jupyter_repro`` logger to the kernel's log; return the function undoing it."""
    logger = logging.getLogger(LOGGER)
    app_log = kernel_app_log()
    handler: logging.Handler = KernelLog(app_log) if app_log is not None else logging.NullHandler()
    propagate = logger.propagate
    logger.addHandler(handler)
    if app_log is not None:
        logger.propagate = False

    def detach() -> None:
        logger.removeHandler(handler)
        logger.propagate = propagate

    return detach


def one_line(message: str) -> str:
    """``message`` on one line: a path or an error text may hold newlines."""
    return " ".join(message.split())


class Notices:
    """One-line warnings in the user's cell, each key at most once per kernel."""

    def __init__(self) -> None:
        self.shown: set[str] = set()

    def show(self, key: str, message: str) -> None:
        """Log ``message``; print it on the cell's stderr unless ``key`` was shown before.

        Call it from the thread cells run in (a hook), so the line lands in the running cell.
        """
        text = one_line(message)
        log.warning("%s", text)
        if key in self.shown:
            return
        self.shown.add(key)
        try:
            print(f"{PREFIX} {text}", file=sys.stderr, flush=True)
        except Exception:  # a closed or odd stderr: the log has it
            log.debug("the notice could not be printed", exc_info=True)
