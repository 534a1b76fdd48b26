"""`python -m build`, `pip install .` and an install from the sdist work from a development tree.

The tree is this checkout's files as git sees them plus the labextension as a development install
leaves it: the build output with `build_log.json`, and the `install.json` that a second
`pip install -e .` (as `make test` runs) writes into it through the symlink that
`jupyter-builder develop` puts in share/. Node.js is not on PATH: the sdist carries the prebuilt
labextension, so building the wheel from it, or from the tree, never rebuilds the frontend.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyterlab_server.config import get_federated_extensions

ROOT = Path(__file__).resolve().parent.parent
BUILD_OUTPUT = ROOT / "jupyter_repro" / "labextension"
LABEXTENSION = "share/jupyter/labextensions/jupyter-repro"
SERVER_CONFIG = "etc/jupyter/jupyter_server_config.d/jupyter_repro.json"
KERNEL = "share/jupyter/kernels/repro-python3/kernel.json"
# Written into the build output by the development install and by webpack; never shipped.
NOT_SHIPPED = {"install.json", "build_log.json"}


@dataclass(frozen=True)
class Built:
    tree: Path
    sdist: Path
    wheel: Path
    prefixes: dict[str, Path]  # how it was installed -> the fresh venv it went into


def run(command: list[str | Path], env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{output[-6000:]}"
    return output


def copy_development_tree(destination: Path) -> Path:
    assert (BUILD_OUTPUT / "static" / "style.js").is_file(), (
        "the labextension is not built: run `jlpm build` (or `make install`) first"
    )
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file():
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / relative)
    built = destination / "jupyter_repro" / "labextension"
    shutil.copytree(BUILD_OUTPUT, built)
    shutil.copy2(ROOT / "install.json", built / "install.json")
    return destination


def fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("packaging")
    tree = copy_development_tree(base / "tree")
    prefixes = {"sdist": fresh_venv(base / "from-sdist"), "tree": fresh_venv(base / "from-tree")}
    # PATH holds a fresh venv's bin/ only (python, no node, no jlpm).
    path = str(prefixes["sdist"] / "bin")
    assert shutil.which("node", path=path) is None
    env = {**os.environ, "PATH": path, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("SKIP_JUPYTER_BUILDER", None)
    dist = base / "dist"
    pip = [sys.executable, "-m", "pip"]

    # `python -m build`: the sdist from the tree, then the wheel from the sdist.
    run([sys.executable, "-m", "build", "--outdir", dist, tree], env)
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    output = run(
        [*pip, "--python", prefixes["sdist"] / "bin" / "python", "install", "--no-deps", sdist], env
    )
    assert "Created wheel for jupyter_repro" in output, "the sdist was not built by this install"
    run([*pip, "--python", prefixes["tree"] / "bin" / "python", "install", "--no-deps", tree], env)
    return Built(tree, sdist, wheel, prefixes)


def duplicates(paths: list[str]) -> list[str]:
    return [path for path, count in collections.Counter(paths).items() if count > 1]


def shipped_labextension() -> dict[str, bytes]:
    """What the labextension folder of an install holds: the build output's runtime files."""
    files = {
        path.relative_to(BUILD_OUTPUT).as_posix(): path.read_bytes()
        for path in BUILD_OUTPUT.rglob("*")
        if path.is_file() and path.relative_to(BUILD_OUTPUT).as_posix() not in NOT_SHIPPED
    }
    return {**files, "install.json": (ROOT / "install.json").read_bytes()}


def test_wheel_records_every_file_once_with_extension_server_config_and_kernel(built: Built):
    with zipfile.ZipFile(built.wheel) as wheel:
        names = wheel.namelist()
        (record_name,) = [name for name in names if name.endswith(".dist-info/RECORD")]
        record = [line.rsplit(",", 2)[0] for line in wheel.read(record_name).decode().splitlines()]
        data = {
            name.split(".data/data/", 1)[1]: wheel.read(name)
            for name in names
            if ".data/data/" in name
        }

    assert duplicates(names) == [] and duplicates(record) == []
    assert sorted(record) == sorted(names)
    # The extension ships once, under share/, not a second time inside the package.
    assert not [name for name in names if name.startswith("jupyter_repro/labextension/")]
    labextension = {
        path.removeprefix(f"{LABEXTENSION}/"): content
        for path, content in data.items()
        if path.startswith(f"{LABEXTENSION}/")
    }
    assert labextension == shipped_labextension()
    assert "package.json" in labextension
    assert [path for path in labextension if path.startswith("static/remoteEntry.")]
    assert json.loads(labextension["install.json"])["packageName"] == "jupyter_repro"
    assert set(data) - {f"{LABEXTENSION}/{path}" for path in labextension} == {
        SERVER_CONFIG,
        KERNEL,
    }


def test_sdist_carries_the_prebuilt_labextension_and_what_the_wheel_maps(built: Built):
    with tarfile.open(built.sdist) as sdist:
        names = [name.split("/", 1)[1] for name in sdist.getnames() if "/" in name]

    assert duplicates(names) == []
    expected = {f"jupyter_repro/labextension/{path}" for path in shipped_labextension()} - {
        "jupyter_repro/labextension/install.json"
    }
    assert expected <= set(names)
    assert {
        "pyproject.toml",
        "package.json",
        "install.json",
        "jupyter-config/server-config/jupyter_repro.json",
        "jupyter_repro/kernelspec/kernel.json",
        "jupyter_repro/_version.py",
    } <= set(names)
    # Development leftovers stay out: webpack's log holds the builder's absolute paths.
    assert not {f"jupyter_repro/labextension/{name}" for name in NOT_SHIPPED} & set(names)
    assert not [name for name in names if name.startswith(("node_modules/", ".venv/"))]


@pytest.mark.parametrize("source", ["sdist", "tree"])
def test_install_puts_extension_server_config_and_kernel_where_jupyter_finds_them(
    built: Built, source: str
):
    prefix = built.prefixes[source]
    (record_file,) = prefix.glob("lib/python*/site-packages/jupyter_repro-*.dist-info/RECORD")
    site_packages = record_file.parent.parent
    installed = [
        Path(os.path.normpath(site_packages / line.rsplit(",", 2)[0]))
        .relative_to(prefix)
        .as_posix()
        for line in record_file.read_text().splitlines()
    ]

    assert duplicates(installed) == []
    assert installed.count(f"{LABEXTENSION}/install.json") == 1
    labextensions = prefix / "share" / "jupyter" / "labextensions"
    on_disk = {
        path.relative_to(labextensions / "jupyter-repro").as_posix(): path.read_bytes()
        for path in (labextensions / "jupyter-repro").rglob("*")
        if path.is_file()
    }
    assert on_disk == shipped_labextension()  # the prebuilt extension, not a rebuild
    extension = get_federated_extensions([str(labextensions)])["jupyter-repro"]
    assert extension["install"]["packageName"] == "jupyter_repro"
    assert extension["version"] == json.loads((ROOT / "package.json").read_text())["version"]
    server_config = json.loads((prefix / SERVER_CONFIG).read_text())
    assert server_config["ServerApp"]["jpserver_extensions"] == {"jupyter_repro": True}
    kernels = KernelSpecManager(kernel_dirs=[str(prefix / Path(KERNEL).parent.parent)])
    assert "--ext=jupyter_repro" in kernels.get_kernel_spec("repro-python3").argv
