"""A real git repository with notebook history, driven as a user would from a shell.

git runs with a PATH holding git and the system folders only, not the virtual environment:
what `git-setup` configures must work from hooks, IDEs and GUIs that do not activate it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

GIT = shutil.which("git") or "git"
#: Two different one-pixel PNGs.
_PNG_HEAD = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42m"
PNG = _PNG_HEAD + "P8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
OTHER_PNG = _PNG_HEAD + "Nk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
SHELL_PATH = os.pathsep.join([str(Path(GIT).parent), "/usr/bin", "/bin"])


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": SHELL_PATH}
    done = subprocess.run(
        [GIT, "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def init(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def analysis_notebook() -> nbformat.NotebookNode:
    """Markdown, code with printed, returned and plotted outputs: a small real analysis."""
    png = PNG
    return new_notebook(
        cells=[
            new_markdown_cell("# Prices\nMean price per item."),
            new_code_cell(
                "import csv\nrows = list(csv.DictReader(open('data.csv')))\nprint(len(rows))",
                execution_count=1,
                outputs=[new_output("stream", name="stdout", text="2\n")],
            ),
            new_code_cell(
                "total = sum(float(r['price']) for r in rows)\nmean = total / len(rows)\nmean",
                execution_count=2,
                outputs=[
                    new_output("execute_result", data={"text/plain": "2.0"}, execution_count=2)
                ],
            ),
            new_code_cell(
                "plot(rows)",
                execution_count=3,
                outputs=[
                    new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})
                ],
            ),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )


def rerun(nb: nbformat.NotebookNode, start: int = 10, timing: bool = True) -> nbformat.NotebookNode:
    """The notebook as JupyterLab saves it after "Restart and run all" with equal results.

    ``timing``: cell timestamps, as JupyterLab records them with its "record timing" setting.
    """
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=start):
        cell.execution_count = count
        if timing:
            cell.metadata["execution"] = {
                "iopub.execute_input": f"2025-01-01T10:00:{count:02d}.000Z",
                "shell.execute_reply": f"2025-01-01T10:00:{count:02d}.500Z",
            }
        for output in cell.outputs:
            if "execution_count" in output:
                output.execution_count = count
        # A flush split the same stdout into two chunks this time.
        if cell.outputs and cell.outputs[0].output_type == "stream":
            text = cell.outputs[0].text
            cell.outputs[0:1] = [
                new_output("stream", name="stdout", text=text[:1]),
                new_output("stream", name="stdout", text=text[1:]),
            ]
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def edit(path: Path, change: Callable[[nbformat.NotebookNode], Any]) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)
