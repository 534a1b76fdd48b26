"""Verify runs in the background: the panel starts it, polls progress, then shows the report."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_repro.server.config import ReproServerSettings
from jupyter_repro.server.errors import Busy
from jupyter_repro.server.verify_jobs import VerifyJobs

from .support import payload, record, write_notebook


async def poll(jp_fetch, job_id, seconds=120):
    for _ in range(int(seconds * 10)):
        job = payload(await jp_fetch("jupyter-repro", "verify", job_id))
        if job["state"] != "running":
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the verification did not finish")


async def start(jp_fetch, path):
    return await jp_fetch("jupyter-repro", "verify", method="POST", body=json.dumps({"path": path}))


async def test_verify_a_recorded_notebook_reports_it_reproduced(
    jp_fetch, jp_root_dir, repro_kernel
):
    notebook = write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 10"), ("c2", "y = x * 2")])
    record(notebook, [("c1", "x = 10"), ("c2", "y = x * 2")])

    response = await start(jp_fetch, "a.ipynb")
    started = payload(response)
    done = await poll(jp_fetch, started["id"])

    assert response.code == 202 and started["state"] == "running" and started["path"] == "a.ipynb"
    assert done["state"] == "done" and done["error"] is None
    assert done["report"]["reproduced"] is True
    assert done["progress"]["done"] == done["progress"]["total"] > 0


async def test_verify_of_a_notebook_never_run_fails_with_a_message(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])

    job = await poll(jp_fetch, payload(await start(jp_fetch, "a.ipynb"))["id"])

    assert job["state"] == "failed" and job["report"] is None
    assert "No lineage has been recorded yet" in job["error"]


async def test_verify_of_a_missing_file_is_404(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await start(jp_fetch, "missing_script.py")

    assert error.value.code == 404


async def test_unknown_verification_is_404(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyter-repro", "verify", "f" * 32)

    assert error.value.code == 404


class Gate:
    """A verification runner that holds until released, to see jobs while they run."""

    def __init__(self):
        self.release = threading.Event()

    def __call__(self, target, on_cell, timeout):
        on_cell(1, 2)
        self.release.wait(10)
        return {"reproduced": True, "script": str(target)}


def wait_until(predicate):
    for _ in range(200):
        if predicate():
            return
        threading.Event().wait(0.01)
    raise AssertionError("condition never met")


def test_starting_a_running_target_again_returns_the_same_job():
    gate = Gate()
    jobs = VerifyJobs(ReproServerSettings(), _log(), runner=gate)

    first = jobs.start(Path("/r/a.ipynb"), "a.ipynb")
    again = jobs.start(Path("/r/a.ipynb"), "a.ipynb")
    wait_until(lambda: first.to_json()["progress"] == {"done": 1, "total": 2})
    gate.release.set()
    wait_until(lambda: first.to_json()["state"] == "done")

    assert again is first and first.to_json()["report"]["reproduced"] is True


def test_too_many_running_verifications_are_refused_and_old_ones_forgotten():
    gate = Gate()
    jobs = VerifyJobs(ReproServerSettings(max_verify_running=1, max_verify_jobs=1), _log(), gate)
    first = jobs.start(Path("/r/a.ipynb"), "a.ipynb")

    with pytest.raises(Busy):
        jobs.start(Path("/r/b.ipynb"), "b.ipynb")
    gate.release.set()
    wait_until(lambda: first.to_json()["state"] == "done")
    second = jobs.start(Path("/r/b.ipynb"), "b.ipynb")
    wait_until(lambda: second.to_json()["state"] == "done")
    jobs.start(Path("/r/c.ipynb"), "c.ipynb")

    assert jobs.get(first.id) is None and jobs.get(second.id) is not None


def _log():
    import logging

    return logging.getLogger("test")
