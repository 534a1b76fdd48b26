"""The README's quick start, CI and Binder all name the same install."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- quick-start -->", 1)[1].split("<!-- /quick-start -->", 1)[0]
    code = block.split("```bash", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in code.strip().splitlines()]


def make_prerequisites(target: str) -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:([^#\n]*)", makefile, re.MULTILINE)
    assert match, f"the Makefile has no `{target}` target"
    return match.group(1).split()


def test_readme_quick_start_has_exactly_two_commands():
    assert quick_start_commands() == ["make lab", "make test"]


def test_ci_runs_the_readme_test_command_verbatim():
    script = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in script if line and not line.startswith(("#", "set ", "cd "))]

    assert commands == [quick_start_commands()[1]]


def test_both_commands_go_through_the_same_install_step():
    assert "install" in make_prerequisites("lab")
    assert "install" in make_prerequisites("install-test")
    assert "install-test" in make_prerequisites("test")


def test_binder_runs_the_readme_install_step():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    commands = [
        line for line in post_build.splitlines() if line and not line.startswith(("#", "set "))
    ]

    assert len(commands) == 1 and commands[0].startswith("make install ")
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_binder_environment_has_the_toolchain_the_readme_names():
    environment = (ROOT / "binder" / "environment.yml").read_text()
    readme = (ROOT / "README.md").read_text()

    assert "python=3.11" in environment and "Python 3.10+ (3.11 tested)" in readme
    assert "nodejs=20" in environment and "Node.js 20" in readme
    assert re.search(r"^\s+- make$", environment, re.MULTILINE)
