"""After install, Jupyter sees every part of jupyter-repro: labextension, server extension,
kernel and command line."""

import json
import re
import subprocess
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

import jupyter_repro
from jupyter_repro._version import __version__

JUPYTER = [sys.executable, "-m", "jupyter"]


def run(*args: str) -> str:
    result = subprocess.run(
        [*JUPYTER, *args], capture_output=True, text=True, check=True, timeout=120
    )
    # Jupyter colours "enabled" and "OK"; compare the words, not the escape codes.
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def test_labextension_is_enabled_and_ok():
    lines = [line for line in run("labextension", "list").splitlines() if "jupyter-repro" in line]

    assert lines, "jupyter-repro is missing from `jupyter labextension list`"
    assert "enabled" in lines[0] and "OK" in lines[0]
    assert f"v{__version__}" in lines[0]


def test_server_extension_is_enabled_and_ok():
    output = run("server", "extension", "list")

    assert "jupyter_repro enabled" in output
    assert f"jupyter_repro {__version__} OK" in output


def test_labextension_paths_point_at_the_built_extension():
    (entry,) = jupyter_repro._jupyter_labextension_paths()
    built = Path(jupyter_repro.__file__).parent / entry["src"] / "package.json"

    assert entry["dest"] == "jupyter-repro"
    assert json.loads(built.read_text())["name"] == "jupyter-repro"


def test_repro_kernel_is_installed_with_the_recorder():
    spec = KernelSpecManager().get_kernel_spec("repro-python3")

    assert spec.display_name == "Python 3 (repro)"
    assert spec.language == "python"
    assert "--ext=jupyter_repro" in spec.argv


def test_cli_reports_version_and_help():
    assert run("repro", "--version").strip() == f"jupyter-repro, version {__version__}"
    help_text = run("repro", "--help")
    assert "Usage: jupyter repro" in help_text
    assert "Examples:" in help_text
