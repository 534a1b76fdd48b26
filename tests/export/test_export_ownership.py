"""`export -o` replaces a file only when it is provably an earlier export of ours.

Proof is the pair: the script's metadata names the lock beside it, and that lock names the
script. Anything else (the user's notebook, a file that only mentions jupyter_repro, an export
whose lock is gone) is refused with exit 1 and the file's name, and left byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from ..cli import repro
from ..recorder.kernels import execute, kernel


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ownership")
    notebook = root / "analysis.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%load_ext jupyter_repro"), nbformat.v4.new_code_cell()]
    nbformat.write(nb, notebook)
    with kernel(root, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        execute(client, "total = 6 * 7", "c1")
    return root


def export(root: Path, *args: str):
    return repro("export", "analysis.ipynb", "--no-check", *args, cwd=root)


def test_an_earlier_export_is_replaced(recorded: Path):
    first = export(recorded, "-o", "again.py")
    second = export(recorded, "-o", "again.py")

    assert first.returncode == 0 and second.returncode == 0, second.stderr
    lock = json.loads((recorded / "again.repro.lock").read_text())
    assert lock["source"]["script"] == "again.py"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("mine.py", "import jupyter_repro  # my own helper that mentions jupyter_repro\n"),
        ("other.ipynb", None),  # a notebook that loads the extension: the README's way
    ],
)
def test_a_file_that_only_mentions_jupyter_repro_is_refused(recorded: Path, name, content):
    target = recorded / name
    if content is None:
        nbformat.write(nbformat.read(recorded / "analysis.ipynb", 4), target)
    else:
        target.write_text(content)
    before = target.read_bytes()

    result = export(recorded, "-o", name, *(["--format", "ipynb"] if content is None else []))

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: Refusing to overwrite {target.resolve()}: it is not an earlier export with its "
        f"lock {Path(name).stem}.repro.lock beside it; move it, or export to another file with -o"
    ]
    assert target.read_bytes() == before
    assert not (recorded / f"{Path(name).stem}.repro.lock").exists()


def test_the_notebook_itself_is_never_replaced(recorded: Path):
    notebook = recorded / "analysis.ipynb"
    before = notebook.read_bytes()

    result = export(recorded, "-o", "analysis.ipynb", "--format", "ipynb")

    assert result.returncode == 1 and "it is the notebook exported" in result.stderr
    assert notebook.read_bytes() == before


def test_an_export_whose_lock_is_gone_is_refused(recorded: Path):
    assert export(recorded, "-o", "orphan.py").returncode == 0
    (recorded / "orphan.repro.lock").unlink()
    before = (recorded / "orphan.py").read_bytes()

    result = export(recorded, "-o", "orphan.py")

    assert result.returncode == 1 and "orphan.py" in result.stderr
    assert (recorded / "orphan.py").read_bytes() == before


def test_a_lock_in_the_way_that_names_another_script_is_refused(recorded: Path):
    assert export(recorded, "-o", "first.py").returncode == 0
    # The user copied first's lock next to a new name: it does not name "second.py".
    lock = recorded / "second.repro.lock"
    lock.write_bytes((recorded / "first.repro.lock").read_bytes())
    before = lock.read_bytes()

    result = export(recorded, "-o", "second.py")

    assert result.returncode == 1
    assert f"Refusing to overwrite {lock.resolve()}" in result.stderr
    assert lock.read_bytes() == before and not (recorded / "second.py").exists()
