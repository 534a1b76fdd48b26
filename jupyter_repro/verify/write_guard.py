"""Inside verify's kernel: writes outside the temporary copy are refused, so verify never changes
a file of yours, whatever path the script's code names (absolute ones included).

Verify runs, in its fresh kernel and before the script's first cell (silently: not a cell,
nothing recorded)::

    from jupyter_repro.verify.write_guard import install
    install(copy=["/tmp/repro-verify-x"], allowed=tool_folders(), protected=["/home/ann/proj"])

From then on an audit hook refuses, with ``PermissionError``, every Python-level write outside
the allowed folders: ``open`` for writing (``w``, ``a``, ``x``, ``+``; ``os.open`` with a write
flag), ``os.remove``/``unlink``, ``rmdir``, ``mkdir``, ``rename``/``replace`` (either end),
``shutil.rmtree``, ``os.truncate``, links. The cell that tried fails with that error, so the
report says "not reproduced" and names the path: a refused write is a finding, never a silent
change. Allowed: the copy; and the system's temporary folder and the per-user caches libraries
keep (``tool_folders``: matplotlib's font cache, IPython's history...), which hold nothing of the
user's, except inside a ``protected`` folder (the project verified, which may itself sit in the
temporary folder). Native code writing through its own C calls (a pyarrow writer) is not seen by
audit hooks; what it writes outside the copy is the one gap, named in the README.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
#: Audit events that change the file system, with the positions of their path arguments.
_PATH_EVENTS = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.truncate": (0,),
    "os.rename": (0, 1),
    "os.replace": (0, 1),
    "os.link": (1,),
    "os.symlink": (1,),
    "shutil.rmtree": (0,),
}
REFUSED = "jupyter-repro verify does not write outside its temporary copy"


def tool_folders() -> list[str]:
    """Per-user folders libraries write their caches to: not the user's files."""
    home = Path.home()
    found = [
        os.environ.get("XDG_CACHE_HOME") or str(home / ".cache"),
        os.environ.get("MPLCONFIGDIR") or str(home / ".config" / "matplotlib"),
        os.environ.get("IPYTHONDIR") or str(home / ".ipython"),
        str(home / ".matplotlib"),
        str(home / ".local" / "share" / "jupyter"),
        "/dev",
    ]
    return [tempfile.gettempdir(), *found]


def install(copy: Sequence[str], allowed: Sequence[str], protected: Sequence[str]) -> None:
    """From now on (in this process) refuse Python-level writes outside ``copy``, except into
    ``allowed`` folders that are not inside a ``protected`` one."""
    copies, tools, mine = (_roots(p) for p in (copy, allowed, protected))

    def inside(path: Any) -> bool:
        if isinstance(path, int) or path is None:
            return True  # a file descriptor already open: its opening was checked
        resolved = os.path.realpath(os.fsdecode(path))
        if _under(resolved, copies):
            return True
        return _under(resolved, tools) and not _under(resolved, mine)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writes = any(c in mode for c in "wax+") if isinstance(mode, str) else False
            if not (writes or (isinstance(flags, int) and flags & _WRITE_FLAGS)):
                return
            paths: tuple[Any, ...] = (path,)
        elif event in _PATH_EVENTS:
            paths = tuple(args[i] for i in _PATH_EVENTS[event] if i < len(args))
        else:
            return
        for path in paths:
            if not inside(path):
                raise PermissionError(errno.EACCES, REFUSED, os.fsdecode(path))

    sys.addaudithook(hook)


def install_source(copy: Sequence[str], allowed: Sequence[str], protected: Sequence[str]) -> str:
    """The code verify runs in its kernel to install the guard (binds no name of the user's)."""
    return (
        "__import__('jupyter_repro.verify.write_guard', fromlist=['install'])"
        f".install({list(copy)!r}, {list(allowed)!r}, {list(protected)!r})"
    )


def _roots(folders: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(os.path.realpath(p) for p in folders))


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
