"""Verifications running in the background, polled for progress and result.

A verification re-runs a notebook's session in a fresh kernel: seconds to hours. ``VerifyJobs``
runs each in its own daemon thread and keeps its state in memory::

    jobs = VerifyJobs(config, log)
    job = jobs.start(Path("/root/analysis.ipynb"), "analysis.ipynb")  # errors.Busy when full
    jobs.get(job.id).to_json()  # {id, path, state, progress: {done, total}, report, error}

Starting the same target while it still runs returns the running job (a double click starts
one kernel, not two). At most ``max_verify_running`` run at once; finished jobs are forgotten
oldest first beyond ``max_verify_jobs``. Jobs do not survive a server restart.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..verify.verification import VerifyInputError, verify_notebook, verify_script
from .config import ReproServerSettings
from .errors import Busy

OnCell = Callable[[int, int], None]
Runner = Callable[[Path, OnCell, "int | None"], dict[str, Any]]


def run_verify(target: Path, on_cell: OnCell, timeout: int | None) -> dict[str, Any]:
    """Verify a notebook's latest session, or an exported script against its lock."""
    if target.suffix == ".ipynb":
        report = verify_notebook(target, on_cell=on_cell, timeout=timeout)
    else:
        report = verify_script(target, on_cell=on_cell, timeout=timeout)
    return report.to_json()


@dataclass
class VerifyJob:
    id: str
    path: str
    target: Path
    state: str = "running"
    done: int = 0
    total: int = 0
    report: dict[str, Any] | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "id": self.id,
                "path": self.path,
                "state": self.state,
                "progress": {"done": self.done, "total": self.total},
                "report": self.report,
                "error": self.error,
            }


class VerifyJobs:
    """The in-memory registry of verification jobs."""

    def __init__(
        self, config: ReproServerSettings, log: logging.Logger, runner: Runner = run_verify
    ) -> None:
        self.config, self.log, self.runner = config, log, runner
        self._jobs: OrderedDict[str, VerifyJob] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, target: Path, label: str) -> VerifyJob:
        with self._lock:
            running = [j for j in self._jobs.values() if j.state == "running"]
            for job in running:
                if job.target == target:
                    return job
            if len(running) >= self.config.max_verify_running:
                raise Busy(
                    f"{len(running)} verifications are already running; "
                    "try again when one has finished"
                )
            job = VerifyJob(uuid.uuid4().hex, label, target)
            self._jobs[job.id] = job
            self._forget_old()
        thread = threading.Thread(target=self._run, args=(job,), daemon=True, name="repro-verify")
        thread.start()
        return job

    def get(self, job_id: str) -> VerifyJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state != "running"]
        for key in finished[: max(0, len(finished) - self.config.max_verify_jobs)]:
            del self._jobs[key]

    def _run(self, job: VerifyJob) -> None:
        def progress(done: int, total: int) -> None:
            with job.lock:
                job.done, job.total = done, total

        timeout = self.config.verify_cell_timeout or None
        try:
            report = self.runner(job.target, progress, timeout)
            outcome: tuple[str, dict[str, Any] | None, str | None] = ("done", report, None)
        except VerifyInputError as error:
            outcome = ("failed", None, str(error).splitlines()[0])
        except Exception as error:
            self.log.error("jupyter_repro: verification of %s crashed", job.path, exc_info=True)
            outcome = ("failed", None, f"The verification crashed: {type(error).__name__}: {error}")
        with job.lock:
            job.state, job.report, job.error = outcome
