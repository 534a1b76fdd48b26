"""IPython-only syntax becomes plain Python: each translation is executed, not just read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.script.ipython_syntax import Translation, to_plain_python

HIDE_IPYTHON = "import sys; sys.modules['IPython'] = None\n"


def run(cell: str, **names: Any) -> dict[str, Any]:
    """Translate ``cell`` and execute it with plain ``exec`` in a fresh namespace."""
    result = to_plain_python(cell)
    script = "".join(f"import {module}\n" for module in result.imports) + result.code
    namespace: dict[str, Any] = {"__name__": "__main__", **names}
    exec(compile(script, "<cell>", "exec"), namespace)
    return namespace


def silent(cell: str) -> Translation:
    result = to_plain_python(cell)
    assert result.warnings == (), result.warnings
    return result


def warned(cell: str, *words: str) -> Translation:
    result = to_plain_python(cell)
    assert len(result.warnings) == 1, result.warnings
    assert all(word in result.warnings[0] for word in words), result.warnings
    return result


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


class TestPlainCells:
    @pytest.mark.parametrize(
        "cell",
        [
            "x = 1  # keep me\n\n\n# trailing comment",
            "\n\nimport os\nprint( os.sep )   # odd spacing\n",
            "s = '''\n%cd nowhere\n!rm -rf /\n'''\n",
            "value = 10 % 3\nflag = not True\n",
            "",
        ],
    )
    def test_cell_without_ipython_syntax_is_returned_byte_for_byte(self, cell: str) -> None:
        assert to_plain_python(cell) == Translation(cell)

    def test_comments_around_magics_are_kept(self, in_tmp: Path) -> None:
        cell = "# load\nx = 1  # one\n%env ANSWER=42\ny = x + 1  # two\n"
        result = silent(cell)
        assert result.code.splitlines()[0] == "# load"
        assert "x = 1  # one" in result.code and "y = x + 1  # two" in result.code

    def test_classic_prompts_are_stripped_like_ipython_does(self) -> None:
        assert run(">>> a = 2\n>>> b = a * 3\n")["b"] == 6


class TestShellCommands:
    def test_bang_runs_the_command_in_a_shell(self, in_tmp: Path) -> None:
        result = silent("!echo hello > out.txt\n")
        assert result.imports == ("subprocess",)
        run("!echo hello > out.txt\n")
        assert (in_tmp / "out.txt").read_text() == "hello\n"

    def test_bang_does_not_raise_when_the_command_fails(self) -> None:
        run("!exit 3\nafter = True\n")

    def test_braces_and_dollar_names_expand_from_the_namespace(self, in_tmp: Path) -> None:
        result = silent("!echo {x * 2} $name > out.txt\n")
        assert "f'echo {x * 2} {name} > out.txt'" in result.code
        run("!echo {x * 2} $name > out.txt\n", x=21, name="ada")
        assert (in_tmp / "out.txt").read_text() == "42 ada\n"

    def test_uppercase_dollar_names_are_left_to_the_shell(
        self, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("REPRO_GREETING", "hi")
        warned("!echo $REPRO_GREETING > out.txt\n", "$REPRO_GREETING", "shell")
        run("!echo $REPRO_GREETING > out.txt\n")
        assert (in_tmp / "out.txt").read_text() == "hi\n"

    def test_braces_that_are_not_python_stay_literal_as_in_ipython(self, in_tmp: Path) -> None:
        silent("!echo {} '{print $1}' > out.txt\n")
        run("!echo {} '{print $1}' > out.txt\n")
        assert (in_tmp / "out.txt").read_text() == "{} {print $1}\n"

    def test_doubled_dollar_and_braces_pass_through_to_the_shell(
        self, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("x", "from-shell")
        run("x = 5\n!echo $$x {{x}} > out.txt\n")
        assert (in_tmp / "out.txt").read_text() == "from-shell {x}\n"

    def test_shell_assignment_gives_output_lines_with_stderr_merged(self) -> None:
        namespace = run("lines = !echo out; echo err 1>&2\n")
        assert namespace["lines"] == ["out", "err"]
        assert run("words = !echo {n + 1} $label\n", n=1, label="b")["words"] == ["2 b"]

    def test_double_bang_and_sx_statements_run_the_command(self, in_tmp: Path) -> None:
        run("!!touch a.txt\n%sx touch b.txt\n")
        assert (in_tmp / "a.txt").exists() and (in_tmp / "b.txt").exists()

    def test_sx_value_and_shell_cell_magic(self, in_tmp: Path) -> None:
        assert run("found = %sx echo one\n")["found"] == ["one"]
        run("%%!\ntouch c.txt\ntouch d.txt\n")
        assert (in_tmp / "c.txt").exists() and (in_tmp / "d.txt").exists()

    def test_file_aliases_run_in_the_shell(self, in_tmp: Path) -> None:
        run("%mkdir made\n")
        assert (in_tmp / "made").is_dir()


class TestPackageInstalls:
    @pytest.mark.parametrize(
        "cell",
        [
            "%pip install numpy==2.0\n",
            "%conda install -y pandas\n",
            "!pip install requests\n",
            "!python -m pip install -q rich\n",
        ],
    )
    def test_installs_are_commented_out_with_a_warning(self, cell: str) -> None:
        result = warned(cell, "requirements, not run")
        assert result.code == f"# {cell}"
        run(cell)

    def test_listing_packages_is_commented_without_warning(self) -> None:
        assert silent("%pip list\n").code == "# %pip list\n"


class TestLineMagics:
    def test_cd_changes_directory_with_quotes_and_expansion(self, in_tmp: Path) -> None:
        (in_tmp / "my dir" / "sub").mkdir(parents=True)
        run('%cd "my dir"\n')
        assert Path.cwd() == in_tmp / "my dir"
        run("%cd -q {name}\n", name="sub")
        assert Path.cwd() == in_tmp / "my dir" / "sub"

    def test_cd_alone_and_tilde_use_the_home_directory(
        self, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (in_tmp / "proj").mkdir()
        monkeypatch.setenv("HOME", str(in_tmp))
        run("%cd ~/proj\n")
        assert Path.cwd() == in_tmp / "proj"
        run("%cd\n")
        assert Path.cwd() == in_tmp

    def test_cd_to_history_is_commented_with_warning(self) -> None:
        assert warned("%cd -\n", "history").code == "# %cd -\n"

    def test_env_and_set_env_set_variables(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("REPRO_A", "REPRO_B", "REPRO_C"):
            monkeypatch.setenv(name, "old")
        result = silent("%env REPRO_A=1\n%env REPRO_B two words\n%set_env REPRO_C={n}\n")
        assert result.imports == ("os",)
        run("%env REPRO_A=1\n%env REPRO_B two words\n%set_env REPRO_C={n}\n", n=3)
        assert [os.environ[n] for n in ("REPRO_A", "REPRO_B", "REPRO_C")] == ["1", "two words", "3"]

    def test_env_listing_warns_and_reading_one_value_does_not(self) -> None:
        assert warned("%env\n", "%env").code == "# %env\n"
        assert silent("%env HOME\n").code == "# %env HOME\n"
        assert run("home = %env HOME\n")["home"] == os.environ["HOME"]

    def test_pwd_value_is_the_working_directory(self, in_tmp: Path) -> None:
        assert run("here = %pwd\n")["here"] == str(in_tmp)
        assert silent("%pwd\n").code == "# %pwd\n"

    def test_time_runs_its_statement_and_gives_its_value(self) -> None:
        assert silent("%time total = sum(range(5))\n").code == "total = sum(range(5))\n"
        assert run("%time total = sum(range(5))\n")["total"] == 10
        assert run("doubled = %time 2 * 21\n")["doubled"] == 42

    def test_timeit_runs_its_statement_once_with_a_warning(self) -> None:
        result = warned("%timeit -n 100 -r 3 calls.append(1)\n", "%timeit", "once")
        assert result.code == "calls.append(1)\n"
        assert run("%timeit -n100 -q calls.append(1)\n", calls=[])["calls"] == [1]

    def test_run_executes_the_file_as_main_with_argv_and_keeps_its_names(
        self, in_tmp: Path
    ) -> None:
        (in_tmp / "job.py").write_text(
            "import sys\nSEEN = (__name__, sys.argv[:])\ndef twice(v):\n    return 2 * v\n"
        )
        argv = sys.argv[:]
        namespace = run("%run job.py --size {n} 'a b'\n", n=3, __file__="notebook.py")
        assert namespace["SEEN"] == ("__main__", ["job.py", "--size", "3", "a b"])
        assert namespace["twice"](4) == 8
        assert namespace["__file__"] == "notebook.py" and sys.argv == argv
        assert "_repro_argv" not in namespace
        assert to_plain_python("%run job.py\n").imports == ("runpy", "sys")

    def test_run_ignores_a_clean_exit_but_not_a_failing_one(self, in_tmp: Path) -> None:
        (in_tmp / "ok.py").write_text("import sys\nsys.exit(0)\n")
        (in_tmp / "bad.py").write_text("import sys\nsys.exit(2)\n")
        assert run("%run ok.py\nafter = 1\n")["after"] == 1
        with pytest.raises(SystemExit):
            run("%run bad.py\n")

    @pytest.mark.parametrize("cell", ["%run -i job.py\n", "%run other.ipynb\n"])
    def test_run_variants_it_cannot_mirror_are_commented_with_warning(self, cell: str) -> None:
        assert warned(cell, "%run").code == f"# {cell}"

    def test_load_is_commented_with_a_warning(self) -> None:
        assert warned("%load helpers.py\n", "%load helpers.py").code == "# %load helpers.py\n"


class TestCommentedMagics:
    @pytest.mark.parametrize(
        "cell",
        [
            "%matplotlib inline\n",
            "%matplotlib widget\n",
            "%config InlineBackend.figure_format = 'retina'\n",
            "%xmode Minimal\n",
        ],
    )
    def test_display_only_magics_are_commented_without_warning(self, cell: str) -> None:
        assert silent(cell).code == f"# {cell}"

    @pytest.mark.parametrize(
        ("cell", "shown"),
        [
            ("%who\n", "# %who"),
            ("%whos\n", "# %whos"),
            ("%history -n\n", "# %history -n"),
            ("%pinfo len\n", "# len?"),
            ("len?\n", "# len?"),
            ("len??\n", "# len??"),
            ("?\n", "# ?"),
            ("%lsmagic\n", "# %lsmagic"),
        ],
    )
    def test_introspection_is_commented_without_warning(self, cell: str, shown: str) -> None:
        assert silent(cell).code == shown + "\n"

    @pytest.mark.parametrize(
        "cell",
        [
            "%load_ext autoreload\n",
            "%reload_ext autoreload\n",
            "%autoreload 2\n",
            "%precision 3\n",
            "%alias_magic t timeit\n",
            "%config Completer.use_jedi = False\n",
        ],
    )
    def test_session_setup_magics_are_commented_with_warning(self, cell: str) -> None:
        assert warned(cell, cell.split()[0]).code == f"# {cell}"

    @pytest.mark.parametrize(
        "cell",
        [
            "%store df\n",
            "%sql SELECT 1\n",
            "%%sql\nSELECT 1\n",
            "%%html\n<b>hi</b>\n",
            "%%javascript\nalert(1)\n",
            "%%latex\n$x$\n",
            "%%markdown\n# Title\n",
            "%no_such_magic arg\n",
        ],
    )
    def test_unknown_and_display_magics_are_commented_with_a_warning_naming_them(
        self, cell: str
    ) -> None:
        result = warned(cell, cell.split()[0])
        assert result.code == "".join(f"# {line}\n" for line in cell.splitlines())
        run(cell)

    def test_value_of_untranslatable_magic_comments_the_statement(self) -> None:
        result = warned("names = %who_ls\nx = 1\n", "%who_ls")
        assert result.code == "# names = %who_ls\nx = 1\n"


class TestCellMagics:
    def test_time_cell_runs_its_body(self) -> None:
        result = silent("%%time\na = 1  # first\nb = a + 1\n")
        assert result.code == "a = 1  # first\nb = a + 1\n"
        assert run("%%time\na = 1\nb = a + 1\n")["b"] == 2

    def test_time_cell_with_a_statement_is_commented_like_the_ipython_error(self) -> None:
        assert warned("%%time x = 5\ny = 1\n", "%%time").code == "# %%time x = 5\n# y = 1\n"

    def test_timeit_cell_runs_setup_and_body_once_with_a_warning(self) -> None:
        warned("%%timeit -n 10 calls.append('setup')\ncalls.append('body')\n", "%%timeit")
        cell = "%%timeit -n 10 calls.append('setup')\ncalls.append('body')\n"
        assert run(cell, calls=[])["calls"] == ["setup", "body"]

    def test_capture_runs_its_body_and_warns_only_when_output_is_kept(self) -> None:
        assert run("%%capture\nz = 3\n")["z"] == 3
        warned("%%capture out\nz = 3\n", "%%capture out")
        silent("%%capture --no-stderr\nz = 3\n")

    def test_writefile_writes_the_cell_text_as_ipython_does(self, in_tmp: Path) -> None:
        silent("%%writefile notes.txt\nhello\nworld")
        run("%%writefile notes.txt\nhello\nworld")
        run("%%writefile -a notes.txt\nmore\n")
        assert (in_tmp / "notes.txt").read_text() == "hello\nworld\nmore\n"

    def test_writefile_keeps_quotes_backslashes_and_expands_the_path(self, in_tmp: Path) -> None:
        text = 'print("a\\tb")  # """\n'
        run(f"%%writefile {{name}}.py\n{text}", name="mod")
        assert (in_tmp / "mod.py").read_text() == text

    def test_bash_cell_runs_the_script_and_raises_on_failure_like_ipython(
        self, in_tmp: Path
    ) -> None:
        result = silent("%%bash\necho $((1 + 2)) > out.txt\n")
        assert result.imports == ("subprocess",)
        run("%%bash\necho $((1 + 2)) > out.txt\n")
        assert (in_tmp / "out.txt").read_text() == "3\n"
        with pytest.raises(subprocess.CalledProcessError):
            run("%%sh\nexit 4\n")
        run("%%script sh --no-raise-error\nexit 4\n")

    def test_script_cell_keeping_output_in_a_variable_is_commented(self) -> None:
        warned("%%bash --out captured\necho hi\n", "%%bash --out captured")

    def test_nested_magics_are_translated_inside_cell_bodies(self, in_tmp: Path) -> None:
        result = silent("%%capture\n%%time\n!echo deep > out.txt\n%time n = 1\n")
        assert result.imports == ("subprocess",)
        assert run("%%capture\n%%time\n!echo deep > out.txt\n%time n = 1\n")["n"] == 1
        assert (in_tmp / "out.txt").read_text() == "deep\n"


class TestStructure:
    def test_magics_in_indented_blocks_keep_their_indentation(self, in_tmp: Path) -> None:
        (in_tmp / "sub").mkdir()
        cell = "if go:\n    %cd sub\n    !touch made.txt\nelse:\n    %who\n"
        result = silent(cell)
        assert result.code.endswith("else:\n    # %who\n    pass\n")
        run(cell, go=True)
        assert (in_tmp / "sub" / "made.txt").exists()

    def test_text_before_a_magic_may_hold_non_ascii_characters(self) -> None:
        assert run("café = 'x'; n = 1\nrésumé = !echo é\n")["résumé"] == ["é"]

    def test_invalid_cell_is_commented_out_with_a_warning(self) -> None:
        result = warned("def broken(:\n    %cd x\n", "not valid Python")
        assert result.code == "# def broken(:\n#     %cd x\n"

    def test_other_get_ipython_uses_are_left_with_a_warning(self) -> None:
        cell = "get_ipython().events.register('post_run_cell', print)\n"
        assert warned(cell, "get_ipython()").code == cell

    def test_imports_are_listed_once_and_sorted(self) -> None:
        result = silent("%cd .\n!true\n%env REPRO_X=1\nout = !true\n")
        assert result.imports == ("os", "subprocess")


def test_module_imports_without_ipython() -> None:
    code = HIDE_IPYTHON + "import jupyter_repro.script.ipython_syntax\n"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_translated_cells_run_as_a_script_without_ipython(in_tmp: Path) -> None:
    cells = [
        "%matplotlib inline\nname = 'data'\n",
        "%mkdir {name}\n%cd {name}\n",
        "%%writefile rows.txt\na\nb\n",
        "rows = !cat rows.txt\n%env ROWS={len(rows)}\n",
        "%%bash\necho $ROWS > count.txt\n",
        "%time total = len(rows)\n",
    ]
    parts = [to_plain_python(cell) for cell in cells]
    imports = sorted({module for part in parts for module in part.imports})
    script = "".join(f"import {module}\n" for module in imports)
    script += "".join(part.code for part in parts) + "print(total)\n"
    (in_tmp / "script.py").write_text(HIDE_IPYTHON + script)
    done = subprocess.run([sys.executable, "script.py"], capture_output=True, text=True, check=True)
    assert done.stdout == "2\n"
    assert (in_tmp / "data" / "count.txt").read_text() == "2\n"
