"""`jupyter repro log` shows the output fingerprints a real kernel recorded (the server's
execution routes share its JSON through ``lineage_json``)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from ..cli import repro
from .kernels import execute, kernel


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    notebook = root / "analysis.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(root, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        execute(client, "from IPython.display import HTML, display", "imports")
        execute(client, "print('secret 42')\ndisplay(HTML('<i>shown</i>'))\n1/0", "show")
    return root


def test_log_json_gives_each_output_fingerprint_never_the_output(project):
    result = repro("log", "analysis.ipynb", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    imports, show = json.loads(result.stdout)
    assert imports["outputs"] == []
    outputs = show["outputs"]
    assert [(o["index"], o["output_type"], o["mime"], o["name"]) for o in outputs] == [
        (0, "stream", "text/plain", "stdout"),
        (1, "display_data", "text/plain", None),
        (1, "display_data", "text/html", None),
        (2, "error", "application/vnd.jupyter.error", None),
    ]
    assert all(set(o) == {"index", "output_type", "mime", "name", "size", "hash"} for o in outputs)
    assert outputs[0]["size"] == len("secret 42\n")
    assert all(o["hash"].startswith("xxh3:") for o in outputs)
    assert "secret" not in json.dumps(outputs) and "shown" not in json.dumps(outputs)


def test_log_text_names_what_each_execution_showed(project):
    result = repro("log", "analysis.ipynb", cwd=project)

    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert "outputs:" not in first
    assert "outputs: stdout, text/html" in second and "ZeroDivisionError" in second
