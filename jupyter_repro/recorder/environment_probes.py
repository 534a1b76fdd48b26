"""Facts that need a subprocess: the git repository of the notebook, and NVIDIA GPUs.

Usage::

    git_info(project_root)  # {"commit", "branch", "dirty", "remote"} or None (no repo, no git)
    gpu_info()              # [{"name", "driver_version", "memory_mib", "cuda_version"}], or []

Both run a binary only when it is on ``PATH``, with a timeout, and return None/[] on any
failure: an environment record with a missing field beats a kernel stuck on a hung NFS mount.
No GPU library is imported (torch takes seconds to import and allocates a CUDA context).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from jupyter_repro.recorder.redaction import strip_url_credentials

TIMEOUT_S = 3.0
_QUERY = "--query-gpu=name,driver_version,memory.total"
_CUDA = re.compile(r"CUDA Version:\s*([\d.]+)")
_NVRM = re.compile(r"Kernel Module\s+([\d.]+)")


def _run(argv: list[str], cwd: str | None = None, timeout: float = TIMEOUT_S) -> str | None:
    # GIT_OPTIONAL_LOCKS=0: "git status" must not write the index while the user runs git.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_info(project_root: str | os.PathLike[str] | None) -> dict[str, Any] | None:
    git = shutil.which("git")
    if git is None or project_root is None or not Path(project_root).is_dir():
        return None
    root = os.fspath(project_root)
    # One "status" call gives commit, branch and dirtiness; untracked files do not make a
    # checkout dirty (outputs and scratch files are everywhere in notebook projects).
    status = _run([git, "status", "--porcelain=v2", "--branch", "--untracked-files=no"], root)
    if status is None:
        return None
    commit = branch = None
    dirty = False
    for line in status.splitlines():
        if line.startswith("# branch.oid "):
            commit = None if line.endswith("(initial)") else line.split()[-1]
        elif line.startswith("# branch.head "):
            branch = None if line.endswith("(detached)") else line.split(maxsplit=2)[-1]
        elif line and not line.startswith("#"):
            dirty = True
    return {"commit": commit, "branch": branch, "dirty": dirty, "remote": _remote(git, root)}


def _remote(git: str, root: str) -> str | None:
    out = _run([git, "config", "--get-regexp", r"^remote\..*\.url$"], root) or ""
    urls = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    url = urls.get("remote.origin.url") or next(iter(urls.values()), None)
    return strip_url_credentials(url.strip()) if url else None


def gpu_info() -> list[dict[str, Any]]:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        driver = _driver_from_proc()
        # A driver without nvidia-smi (some containers): worth knowing, details unknown.
        return [{"name": None, "driver_version": driver, "memory_mib": None}] if driver else []
    # The two queries run concurrently: nvidia-smi takes 50-500 ms each.
    query = _start([smi, _QUERY, "--format=csv,noheader,nounits"])
    header = _start([smi])
    gpus: list[dict[str, Any]] = []
    for line in (_finish(query) or "").splitlines():
        fields = [f.strip() for f in line.split(",")]
        if len(fields) == 3:
            memory = int(fields[2]) if fields[2].isdigit() else None
            gpus.append({"name": fields[0], "driver_version": fields[1], "memory_mib": memory})
    cuda = _CUDA.search(_finish(header) or "")
    for gpu in gpus:
        gpu["cuda_version"] = cuda.group(1) if cuda else None
    return gpus


def _driver_from_proc() -> str | None:
    try:
        match = _NVRM.search(Path("/proc/driver/nvidia/version").read_text())
    except OSError:
        return None
    return match.group(1) if match else None


def _start(argv: list[str]) -> subprocess.Popen[str] | None:
    try:
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None


def _finish(proc: subprocess.Popen[str] | None) -> str | None:
    if proc is None:
        return None
    try:
        out, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None
    return out if proc.returncode == 0 else None
