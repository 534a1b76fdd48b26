"""What the kernel knows about where it runs: notebook path, kernel id and name, cell id.

Everything here reads what Jupyter already provides and never fails: an unknown value is None.

- notebook: ``JPY_SESSION_NAME`` (set by jupyter-server, and by jupyter-repro's headless clients:
  ``jupyter repro run``, ``headless.RecordingNotebookClient`` and papermill through
  ``papermill_engine``), else ``__vsc_ipynb_file__`` (VS Code) in the user namespace. Plain
  nbclient sets neither: its sessions have no notebook;
- kernel id: the ``kernel-<id>.json`` connection file ipykernel was started with;
- cell id: the ``cellId`` metadata of the execute request, which ipykernel hands to IPython's
  ``ExecutionInfo.cell_id``;
- request id: the ``msg_id`` of the execute request being run, which every output message
  names as its parent (ipykernel's ``shell.get_parent()``).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Set by the repro-python3 kernelspec so the recorder can name the kernel it runs in.
KERNEL_NAME_VAR = "JUPYTER_REPRO_KERNEL"


def notebook_path(user_ns: Mapping[str, Any], cwd: Path | None = None) -> Path | None:
    """The absolute path of the notebook this kernel serves, if the frontend said so."""
    base = cwd or Path.cwd()
    named = os.environ.get("JPY_SESSION_NAME", "").strip()
    if named and named.endswith(".ipynb"):
        path = Path(named).expanduser()
        if not path.is_absolute():
            # Older servers give a path relative to their root; the kernel starts in the
            # notebook's folder, so the file name alone finds it.
            path = base / path.name if (base / path.name).exists() else base / path
        return path.resolve()
    vscode = user_ns.get("__vsc_ipynb_file__")
    if isinstance(vscode, str) and vscode:
        return Path(vscode).resolve()
    return None


def kernel_id() -> str | None:
    """The kernel id jupyter_client gave this kernel, from its connection file name."""
    app_module = sys.modules.get("ipykernel.kernelapp")
    if app_module is None:
        return None
    try:
        app = app_module.IPKernelApp.instance() if app_module.IPKernelApp.initialized() else None
        connection_file = str(getattr(app, "connection_file", "") or "")
    except Exception:  # noqa: BLE001 - an unusual kernel app: the kernel id is only a label
        return None
    match = re.search(r"kernel-(.+)\.json$", os.path.basename(connection_file))
    return match.group(1) if match else None


def kernel_name() -> str | None:
    """The kernelspec name, when the kernelspec announced it."""
    return os.environ.get(KERNEL_NAME_VAR) or None


def cell_id(info: Any) -> str | None:
    """The notebook cell id of an execution, when the frontend sent one."""
    value = getattr(info, "cell_id", None)
    return str(value) if value else None


def request_id(shell: Any) -> str | None:
    """The msg_id of the request the shell is running; None outside ipykernel."""
    try:
        parent = shell.get_parent()
        value = parent.get("header", {}).get("msg_id")
    except Exception:  # noqa: BLE001 - plain IPython has no parent request
        return None
    return str(value) if value else None
