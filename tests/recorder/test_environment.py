"""Environment capture, RNG fingerprints and the package-change watcher."""

from __future__ import annotations

import importlib.metadata
import os
import random
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from jupyter_repro.recorder.environment import (
    PackageChangeWatcher,
    capture_environment,
    installed_packages,
    rng_fingerprint,
)
from jupyter_repro.recorder.environment_probes import git_info, gpu_info

KEYS = {"python", "os", "cpu", "memory_bytes", "gpu", "packages", "kernel_name", "git", "env_vars"}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "nb.py").write_text("x = 1\n")
    git(root, "add", "nb.py")
    git(root, "commit", "-q", "-m", "first")
    git(root, "remote", "add", "origin", "https://alice:s3cret@example.com/o/r.git")
    return root


def test_capture_has_every_field_and_a_stable_content_id(repo: Path) -> None:
    first = capture_environment(repo, "python3")
    assert KEYS <= set(first.data)
    assert first.data["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert first.data["python"]["executable"] == sys.executable
    assert first.data["os"]["system"] and first.data["cpu"]["count"] == os.cpu_count()
    assert first.data["memory_bytes"] > 0
    assert first.data["kernel_name"] == "python3"
    assert first.data["packages"]["numpy"] == np.__version__
    assert re.fullmatch(r"[0-9a-f]{32}", first.id)
    assert capture_environment(repo, "python3").id == first.id
    assert capture_environment(repo, "other").id != first.id


def test_capture_is_fast(repo: Path) -> None:
    capture_environment(repo, None)
    started = time.perf_counter()
    capture_environment(repo, None)
    assert time.perf_counter() - started < 0.5  # ~5-10 ms here, mostly the two git calls


def test_credentials_never_reach_the_record(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_notreallyatoken")
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/analysis.ipynb")
    env = capture_environment(repo, None)
    assert env.data["env_vars"]["GITHUB_TOKEN"] == "<redacted>"
    assert env.data["env_vars"]["JPY_SESSION_NAME"] == "/home/me/analysis.ipynb"
    assert "s3cret" not in repr(env.data)


def test_packages_match_importlib_metadata_and_are_fast() -> None:
    expected: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        expected.setdefault(name, dist.version)
    started = time.perf_counter()
    found = installed_packages()
    elapsed = time.perf_counter() - started
    assert found == expected
    assert elapsed < 0.05, f"{elapsed * 1000:.1f} ms"


def test_packages_from_folder_names_with_a_metadata_fallback(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "Foo_Bar-1.2.dist-info").mkdir(parents=True)
    (first / "baz-0.1-py3.11.egg-info").mkdir()
    legacy = first / "Odd.Name.egg-info"
    legacy.mkdir()
    (legacy / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: Odd.Name\nVersion: 2.0\n")
    (second / "foo_bar-9.9.dist-info").mkdir(parents=True)
    (second / "broken.egg-info").mkdir()
    found = installed_packages([str(first), str(second), str(tmp_path / "missing")])
    assert found == {"foo-bar": "1.2", "baz": "0.1", "odd-name": "2.0"}


def test_git_commit_branch_dirty_and_remote_without_credentials(repo: Path) -> None:
    info = git_info(repo)
    assert info is not None
    assert re.fullmatch(r"[0-9a-f]{40}", info["commit"])
    assert info == {"commit": info["commit"], "branch": "main", "dirty": False,
                    "remote": "https://example.com/o/r.git"}  # fmt: skip
    (repo / "untracked.csv").write_text("a")
    assert git_info(repo)["dirty"] is False  # type: ignore[index]
    (repo / "nb.py").write_text("x = 2\n")
    assert git_info(repo)["dirty"] is True  # type: ignore[index]


def test_git_is_none_outside_a_repository_or_without_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert git_info(tmp_path) is None
    assert git_info(None) is None
    assert capture_environment(None, None).data["git"] is None
    monkeypatch.setenv("PATH", str(tmp_path))
    assert git_info(tmp_path) is None


def test_gpus_from_nvidia_smi_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "nvidia-smi"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ -n "$1" ]; then\n'
        '  echo "NVIDIA A100-SXM4-40GB, 535.104.05, 40960"\n'
        '  echo "NVIDIA A100-SXM4-40GB, 535.104.05, 40960"\n'
        "else\n"
        '  echo "| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2 |"\n'
        "fi\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    gpu = {"name": "NVIDIA A100-SXM4-40GB", "driver_version": "535.104.05", "memory_mib": 40960,
           "cuda_version": "12.2"}  # fmt: skip
    assert gpu_info() == [gpu, gpu]
    assert "torch" not in sys.modules


def test_no_gpu_without_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    if Path("/proc/driver/nvidia/version").exists():
        pytest.skip("an NVIDIA driver is installed here")
    assert gpu_info() == []


def test_rng_fingerprint_follows_the_random_state() -> None:
    random.seed(42)
    seeded = rng_fingerprint()["random"]
    random.seed(42)
    assert rng_fingerprint()["random"] == seeded
    random.random()
    assert rng_fingerprint()["random"] != seeded


def test_rng_fingerprint_follows_numpy_once_imported() -> None:
    np.random.seed(7)
    seeded = rng_fingerprint()["numpy"]
    np.random.seed(7)
    assert rng_fingerprint()["numpy"] == seeded
    np.random.rand()
    assert rng_fingerprint()["numpy"] != seeded


def test_rng_fingerprint_never_imports_numpy() -> None:
    code = (
        "import sys\n"
        "from jupyter_repro.recorder.environment_watch import rng_fingerprint\n"
        "assert set(rng_fingerprint()) == {'random'}\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_package_watcher_sees_a_new_or_removed_dist_info(tmp_path: Path) -> None:
    watcher = PackageChangeWatcher([tmp_path, tmp_path / "not-yet"])
    assert not watcher.changed()
    (tmp_path / "fake_pkg-1.0.dist-info").mkdir()
    assert watcher.changed()
    assert not watcher.changed()  # reported once
    (tmp_path / "fake_pkg-1.0.dist-info").rmdir()
    assert watcher.changed()
    (tmp_path / "not-yet").mkdir()
    assert watcher.changed()


def test_package_watcher_is_cheap_when_nothing_changed() -> None:
    watcher = PackageChangeWatcher()
    assert watcher.paths
    n = 1000
    started = time.perf_counter()
    for _ in range(n):
        watcher.changed()
    per_call = (time.perf_counter() - started) / n
    assert per_call < 0.001, f"{per_call * 1e6:.0f} us"


class _FakeTorch:
    """Just enough of torch for its fingerprint: a byte tensor of state, no CUDA started."""

    class _Tensor:
        def __init__(self, values: list[int]) -> None:
            self.values = values

        def tolist(self) -> list[int]:
            return list(self.values)

    class cuda:  # torch's own spelling
        @staticmethod
        def is_initialized() -> bool:
            return False

    def __init__(self) -> None:
        self.state = [1, 2, 3]

    def get_rng_state(self) -> _FakeTorch._Tensor:
        return self._Tensor(self.state)


def test_rng_fingerprint_follows_torch_once_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeTorch()
    monkeypatch.setitem(sys.modules, "torch", fake)
    first = rng_fingerprint()["torch"]
    assert rng_fingerprint()["torch"] == first
    fake.state = [1, 2, 4]  # a draw moved the generator
    assert rng_fingerprint()["torch"] != first


def test_a_broken_torch_leaves_the_other_fingerprints(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeTorch()
    fake.get_rng_state = None  # type: ignore[assignment,method-assign]
    monkeypatch.setitem(sys.modules, "torch", fake)
    found = rng_fingerprint()
    assert "torch" not in found and "random" in found
