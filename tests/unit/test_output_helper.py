"""The support cell of an exported script, run as plain python and as IPython would run it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from jupyter_repro.script.data_check import check_source

RICH = """
class Table:
    def __repr__(self):
        return "Table(3 rows)"

    def _repr_html_(self):
        return "<table></table>"
"""


def script(folder: Path, cells: list[str], files: dict[str, tuple[str, str]] | None = None) -> Path:
    path = folder / "an_script.py"
    support = check_source(files or {}, ".", "an_script_outputs")
    path.write_text("\n\n".join([support, RICH, *cells]) + "\n")
    return path


def python(path: Path, *flags: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, *flags, str(path)],
        cwd=path.parent.parent,  # not the script's folder: the script finds its own
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_plain_python_prints_results_writes_rich_forms_and_imports_no_matplotlib(tmp_path):
    path = script(
        tmp_path,
        [
            "print('total', 6)",
            "display(Table())\n_repro_show({'rows': 3}, cell=2)",
            "_repro_show(Table(), cell=3)",
            "print('matplotlib' in sys.modules)",
        ],
    )

    done = python(path, "-I", "-S")  # no site-packages: the standard library alone

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "total 6", "Table(3 rows)", "{'rows': 3}", "Table(3 rows)", "False",
    ]  # fmt: skip
    written = sorted(p.name for p in (tmp_path / "an_script_outputs").iterdir())
    assert written == ["2-1.html", "3-1.html"]  # the dict has no rich form: text only


def test_open_figures_are_saved_per_cell_and_closed(tmp_path):
    path = script(
        tmp_path,
        [
            "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);\n_repro_show(cell=1)",
            "fig, ax = plt.subplots()\nax.bar([1], [2])\n_repro_show(ax, cell=2)",
            "print(plt.get_fignums(), plt.get_backend())",
        ],
    )

    done = python(path, env={"PATH": "/usr/bin:/bin"})

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].lower() == "[] agg"
    outputs = tmp_path / "an_script_outputs"
    assert sorted(p.name for p in outputs.iterdir()) == ["1-1.png", "2-2.png"]
    assert (outputs / "1-1.png").read_bytes().startswith(b"\x89PNG")


def test_under_ipython_the_helper_hands_the_value_back_and_leaves_display_alone(
    tmp_path, monkeypatch
):
    path = script(tmp_path, [])
    namespace = {"get_ipython": lambda: None, "__file__": str(path)}
    monkeypatch.chdir(tmp_path)  # the support cell moves to the recorded folder

    exec(compile(path.read_text(), str(path), "exec"), namespace)

    value = object()
    assert namespace["_repro_show"](value, cell=1) is value
    assert "display" not in namespace
    assert not (tmp_path / "an_script_outputs").exists()


def test_data_check_stops_on_a_changed_file_unless_skipped(tmp_path):
    data = tmp_path / "in.csv"
    data.write_text("a\n1\n")
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    path = script(
        tmp_path, ["print(open('in.csv').read().split())"], {"in.csv": ("sha256", digest)}
    )
    assert python(path, "-I", "-S").stdout == "['a', '1']\n"

    data.write_text("a\n2\n")
    changed = python(path, "-I", "-S")
    skipped = python(path, "-S", env={"JUPYTER_REPRO_SKIP_DATA_CHECK": "1"})

    assert changed.returncode == 1
    assert changed.stderr.splitlines() == [
        "Data file changed since it was recorded: in.csv",
        f"Restore the version the session read: jupyter repro data restore in.csv sha256:{digest}",
    ]
    assert skipped.returncode == 0 and skipped.stdout == "['a', '2']\n"
