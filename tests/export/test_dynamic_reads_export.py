"""Dynamic reads in a real recording kernel (issue 11, point 4): the slice keeps what ``eval`` in
a class's ``__repr__`` shows, and the export's self-check adds what static analysis cannot see."""

from __future__ import annotations

from pathlib import Path

from ..cli import repro
from .recorded import run_recorded

DISPLAY = '''class display:
    """Show several objects by name (the teaching pattern)."""
    def __init__(self, *args):
        self.args = args
    def __repr__(self):
        return "\\n\\n".join(a + "\\n" + repr(eval(a)) for a in self.args)'''

SHOWN = [
    "df1 = [1, 2]",
    "df2 = {'a': 3}",
    "df3 = 'unused'",
    DISPLAY,
    "display('df1', 'df2')",
    "df1 = [9]",
    "del df3",
]

HELPER = "import __main__\n\ndef lookup(name):\n    return getattr(__main__, name)\n"
HIDDEN = ["x = 41", "from helpers import lookup", "y = lookup('x') + 1", "del x"]


def test_a_display_class_evaluating_names_keeps_the_values_it_showed(tmp_path: Path):
    notebook = run_recorded(tmp_path, SHOWN)

    done = repro("export", notebook.name, "--no-check", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    script = (tmp_path / "an_script.py").read_text()
    assert "df1 = [1, 2]" in script and "df3" not in script
    checked = repro("verify", "an_script.py", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_self_check_adds_an_execution_a_hidden_dynamic_read_needs(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER)
    notebook = run_recorded(tmp_path, HIDDEN)

    unchecked = repro("export", notebook.name, "--target", "y", "--no-check", cwd=tmp_path)
    assert unchecked.returncode == 0, unchecked.stderr
    assert "x = 41" not in (tmp_path / "an_script.py").read_text()

    done = repro("export", notebook.name, "--target", "y", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    said = "warning: added execution 1 (defines x): execution 3 raised AttributeError on it without"
    assert said in done.stderr
    assert "x = 41" in (tmp_path / "an_script.py").read_text()
    checked = repro("verify", "an_script.py", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_self_check_that_cannot_run_the_script_keeps_the_export_and_says_so(tmp_path: Path):
    (tmp_path / "flag.txt").write_text("1")
    notebook = run_recorded(tmp_path, ["z = 1 / int(open('flag.txt').read())"])
    (tmp_path / "flag.txt").unlink()  # a data file gone since: the replay cannot run

    done = repro("export", notebook.name, "--target", "z", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "warning: self-check: the script did not run to the end (" in done.stderr
    assert "the slice is unchecked" in done.stderr
