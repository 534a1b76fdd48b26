"""Build hook: compile the recorder's optional C audit filter into the wheel.

``jupyter_repro/recorder/_audit_filter.c`` keeps the file tracker's audit hook from costing
every audit event of the kernel a Python call (see that file). It is optional: where no C
compiler works, the wheel stays pure Python and the recorder installs a Python audit hook
instead, with the same records and a higher cost per event. An editable install compiles it
in the tree, where the package is imported from.
"""

from __future__ import annotations

import shlex
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "jupyter_repro/recorder/_audit_filter.c"


class AuditFilterBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        source = Path(self.root) / SOURCE
        target = source.with_name("_audit_filter" + str(sysconfig.get_config_var("EXT_SUFFIX")))
        problem = compile_extension(source, target)
        if problem is not None:
            self.app.display_warning(
                f"jupyter-repro: the C audit filter was not built ({problem}); the recorder "
                "uses a Python audit hook instead: the same records, slower imports."
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["artifacts"].append(target.relative_to(self.root).as_posix())


def compile_extension(source: Path, target: Path) -> str | None:
    """Compile source into the extension module target; None, or why it could not."""
    linker = sysconfig.get_config_var("LDSHARED")
    include = sysconfig.get_paths().get("include")
    if not linker or not include or not Path(include, "Python.h").is_file():
        return "no compiler or Python headers configured"
    flags = shlex.split(sysconfig.get_config_var("CCSHARED") or "")
    command = [*shlex.split(linker), *flags, "-O2", f"-I{include}", str(source), "-o", str(target)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as error:
        return str(error)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["the compiler failed"])[-1]
    return None
