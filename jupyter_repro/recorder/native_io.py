"""Hooks for libraries that open files from C, so their reads and writes count as the kernel's.

Python's audit hook sees every ``open()`` made in Python; a library that opens files from C
(pyarrow's file system, HDF5, PyTorch's zip writer) is invisible to it, and inotify cannot tell
the kernel's own accesses from another process's. Each call in ``HOOKS`` is therefore wrapped
once (``functools.wraps``: same name, signature and docstring, still picklable by name) to tell
:mod:`.file_audit`'s active collector which path it is about to read or write, and then runs
unchanged. Usage, by the file tracker::

    native_io.install()   # once: hook what is imported now, and each listed module when imported
    native_io.refresh()   # before each cell: hook listed modules imported some other way

Nothing is imported here. A listed module is hooked once something (the user, or pandas asking
for pyarrow) imported it: by a finder at the front of ``sys.meta_path`` that hooks it right after
it ran, before any of its functions can be called. Only the outermost hooked call of a thread
reports (``pd.read_parquet`` → ``pq.read_table`` → ``ParquetDataset``: one report). Paths on
another file system (a URL, a ``filesystem=`` that is not the local one) are not reported; an
open stream passed instead of a path (pandas opens parquet outputs as ``pyarrow.OSFile``) is
reported by the file behind its descriptor (``/proc/self/fd``). A folder read (a
partitioned dataset) reports each file in it that pyarrow would read; a dataset written into a
folder reports each file the call created, changed or deleted there.

Not hooked, because Python opens their files and the audit hook sees it: numpy (``np.save``,
``np.load`` and its memory maps), PIL, pandas' csv, feather, pickle, json and orc functions;
``sqlite3.connect`` has an audit event of its own. Not hooked, because the class cannot be
changed from Python: ``pyarrow.OSFile`` and ``pyarrow.csv.CSVWriter`` (a file they hold open at
the end of a cell is still found among the process's descriptors).
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

from jupyter_repro.recorder import file_audit
from jupyter_repro.recorder.file_events import CREATED, DELETED, READ, WRITE
from jupyter_repro.recorder.file_hash_cache import StatKey, stat_key

log = logging.getLogger(__name__)

#: What a hooked call does with its path: reads it, writes it, opens it for update (a read, and
#: a write if it changed), writes a dataset into a folder, or one of those by its mode argument.
READS, WRITES, UPDATES, TREE, BY_MODE = "read", "write", "update", "tree", "mode"
_MARK = "__jupyter_repro_hook__"
#: pyarrow skips these in a dataset folder (``ignore_prefixes``' default).
_SKIPPED_IN_DATASETS = (".", "_")


@dataclass(frozen=True)
class Hook:
    """One call to wrap: ``target`` is a function of the module, or ``"Class.__init__"``."""

    target: str
    index: int  # position of the path argument (``self`` counts, for __init__)
    keyword: str
    access: str
    modes: Mapping[str, str] = field(default_factory=dict)  # BY_MODE: mode -> access
    mode_index: int = -1
    default_mode: str = "r"


_HDF5_MODES = {"r": READS, "r+": UPDATES, "a": UPDATES, "w": WRITES, "w-": WRITES, "x": WRITES}
_MMAP_MODES = {"r": READS, "r+": UPDATES, "w": UPDATES}  # pyarrow's "w" keeps the content

#: Module (hooked once it has been imported) -> its calls that open files natively.
HOOKS: dict[str, tuple[Hook, ...]] = {
    "pyarrow": (
        Hook("memory_map", 0, "path", BY_MODE, _MMAP_MODES, 1),
        Hook("create_memory_map", 0, "path", WRITES),
        Hook("input_stream", 0, "source", READS),
        Hook("output_stream", 0, "source", WRITES),
    ),
    "pyarrow.parquet": (
        Hook("read_table", 0, "source", READS),
        Hook("read_pandas", 0, "source", READS),
        Hook("read_metadata", 0, "where", READS),
        Hook("read_schema", 0, "where", READS),
        Hook("ParquetFile.__init__", 1, "source", READS),
        Hook("ParquetDataset.__init__", 1, "path_or_paths", READS),
        Hook("write_table", 1, "where", WRITES),
        Hook("write_metadata", 1, "where", WRITES),
        Hook("ParquetWriter.__init__", 1, "where", WRITES),
        Hook("write_to_dataset", 1, "root_path", TREE),
    ),
    "pyarrow.feather": (
        Hook("read_table", 0, "source", READS),
        Hook("read_feather", 0, "source", READS),
        Hook("write_feather", 1, "dest", WRITES),
    ),
    "pyarrow.csv": (
        Hook("read_csv", 0, "input_file", READS),
        Hook("open_csv", 0, "input_file", READS),
        Hook("write_csv", 1, "output_file", WRITES),
    ),
    "pyarrow.json": (Hook("read_json", 0, "input_file", READS),),
    "pyarrow.orc": (
        Hook("read_table", 0, "source", READS),
        Hook("ORCFile.__init__", 1, "source", READS),
        Hook("write_table", 1, "where", WRITES),
        Hook("ORCWriter.__init__", 1, "where", WRITES),
    ),
    "pyarrow.ipc": (  # open_file, new_stream... construct these
        Hook("RecordBatchFileReader.__init__", 1, "source", READS),
        Hook("RecordBatchStreamReader.__init__", 1, "source", READS),
        Hook("RecordBatchFileWriter.__init__", 1, "sink", WRITES),
        Hook("RecordBatchStreamWriter.__init__", 1, "sink", WRITES),
    ),
    "pyarrow.dataset": (
        Hook("dataset", 0, "source", READS),
        Hook("parquet_dataset", 0, "metadata_path", READS),
        Hook("write_dataset", 1, "base_dir", TREE),
    ),
    "h5py": (Hook("File.__init__", 1, "name", BY_MODE, _HDF5_MODES, 2),),
    "tables": (Hook("open_file", 0, "filename", BY_MODE, _HDF5_MODES, 1),),  # pandas' HDFStore
    "torch": (Hook("save", 1, "f", WRITES), Hook("load", 0, "f", READS)),
}

_pending = set(HOOKS)  # listed modules not hooked yet
_local = threading.local()  # .busy: inside a hooked call on this thread
_installed = False


def install() -> None:
    """Hook the listed modules imported so far, and each one imported from now on."""
    global _installed
    if not _installed:
        _installed = True
        sys.meta_path.insert(0, _AfterImport())
    refresh()


def refresh() -> None:
    """Hook listed modules that are imported and were not hooked yet (a few dict lookups)."""
    for name in tuple(_pending):
        module = sys.modules.get(name)
        spec = getattr(module, "__spec__", None)
        if module is not None and not getattr(spec, "_initializing", False):
            hook_module(module)


def hook_module(module: ModuleType) -> None:
    """Wrap the module's listed calls (idempotent); a call missing in this version is skipped."""
    _pending.discard(module.__name__)
    for hook in HOOKS.get(module.__name__, ()):
        try:
            _apply(module, hook)
        except Exception:  # noqa: BLE001 - another version of the library: that call is not hooked
            log.debug("jupyter-repro: cannot hook %s.%s", module.__name__, hook.target)


def _apply(module: ModuleType, hook: Hook) -> None:
    owner_name, _, attr = hook.target.rpartition(".")
    if owner_name:
        owner = getattr(module, owner_name)
        original = vars(owner).get(attr)
        if original is not None and not getattr(original, _MARK, False):
            setattr(owner, attr, _wrap(original, hook))
        return
    original = getattr(module, attr)
    if getattr(original, _MARK, False):
        return
    hooked = _wrap(original, hook)
    # Replaced where it is defined too, so pickle (which looks it up there) finds the same object.
    for home in (module, sys.modules.get(getattr(original, "__module__", None) or "")):
        if home is not None and getattr(home, attr, None) is original:
            setattr(home, attr, hooked)


def _wrap(original: Callable[..., Any], hook: Hook) -> Callable[..., Any]:
    @functools.wraps(original)
    def hooked(*args: Any, **kwargs: Any) -> Any:
        opens = file_audit.active()
        if opens is None or getattr(_local, "busy", False):
            return original(*args, **kwargs)
        trees = _before(opens, hook, args, kwargs)
        _local.busy = True
        try:
            return original(*args, **kwargs)
        finally:
            _local.busy = False
            if trees:
                _after(opens, trees)

    setattr(hooked, _MARK, True)
    return hooked


Tree = tuple[str, dict[str, StatKey]]


def _before(
    opens: file_audit.KernelOpens, hook: Hook, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> list[Tree]:
    """Report the call's paths; for a dataset folder written, what the folder holds now."""
    trees: list[Tree] = []
    try:
        fs = kwargs.get("filesystem")
        if fs is not None and type(fs).__name__ != "LocalFileSystem":
            return trees  # paths on another file system (S3, a sub-tree): not local files
        value = args[hook.index] if len(args) > hook.index else kwargs.get(hook.keyword)
        access = hook.access
        if access == BY_MODE:
            mode = args[hook.mode_index] if len(args) > hook.mode_index else kwargs.get("mode")
            access = hook.modes.get(str(mode or hook.default_mode), UPDATES)
        opened = _descriptor_path(value)
        if opened is not None:  # pandas opens parquet outputs as pyarrow.OSFile, natively
            opens.claim(opened, WRITE if access == WRITES else READ, opened=True)
        for path in _paths(value):
            if access == READS:
                for file in _dataset_files(path) if os.path.isdir(path) else (path,):
                    opens.claim(file, READ)
            elif access == WRITES:
                opens.claim(path, WRITE)
            elif access == UPDATES:
                opens.claim_update(path)
            else:
                before = _tree(path)
                for file in before:
                    opens.prepare_change(file)
                trees.append((path, before))
    except Exception:  # noqa: BLE001 - a hook must never break the user's call
        file_audit.note_failure()
    return trees


def _after(opens: file_audit.KernelOpens, trees: list[Tree]) -> None:
    """Report each file a dataset write created, changed or deleted in its folder."""
    try:
        for top, before in trees:
            after = _tree(top)
            for path, key in after.items():
                if before.get(path) != key:
                    opens.claim(path, WRITE | (0 if path in before else CREATED))
            for path in before.keys() - after.keys():
                opens.claim(path, DELETED)
    except Exception:  # noqa: BLE001 - a hook must never break the user's call
        file_audit.note_failure()


def _paths(value: Any) -> list[str]:
    """The local paths an argument names: a path, a ``file://`` URL, or a list of them."""
    if isinstance(value, list | tuple):
        return [p for item in value if not isinstance(item, list | tuple) for p in _paths(item)]
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not isinstance(value, str) or not value:
        return []  # an open file, a buffer, a NativeFile: its opening was seen, if ever
    if "://" in value:
        return [unquote(urlsplit(value).path)] if value.startswith("file://") else []
    return [value]


def _descriptor_path(value: Any) -> str | None:
    """The file an open stream (a pyarrow NativeFile, a Python file) reads or writes, if any."""
    fileno = getattr(value, "fileno", None)
    if fileno is None or isinstance(value, str | bytes | os.PathLike):
        return None
    try:
        target = os.readlink(f"/proc/self/fd/{fileno()}")
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # a buffer without a descriptor, a closed stream, no /proc
    return target if target.startswith("/") else None  # not a pipe or a socket


def _dataset_files(top: str) -> list[str]:
    """The files pyarrow reads for a dataset folder (it skips names starting with . or _)."""
    out = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(_SKIPPED_IN_DATASETS)]
        out += [os.path.join(folder, f) for f in files if not f.startswith(_SKIPPED_IN_DATASETS)]
    return out


def _tree(top: str) -> dict[str, StatKey]:
    """Stat keys of every file under ``top`` (nothing if it does not exist)."""
    out = {}
    for folder, _, files in os.walk(top):
        for name in files:
            path = os.path.join(folder, name)
            try:
                out[path] = stat_key(os.stat(path))
            except OSError:
                continue
    return out


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: lets the other finders find a listed module, and hooks the module
    right after its loader ran it (also after ``importlib.reload``)."""

    def __init__(self) -> None:
        self._finding: set[str] = set()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in HOOKS or fullname in self._finding:
            return None
        self._finding.add(fullname)
        try:
            spec = self._others(fullname, path, target)
        finally:
            self._finding.discard(fullname)
        loader = spec.loader if spec is not None else None
        exec_module = getattr(loader, "exec_module", None)
        own = getattr(loader, "__dict__", None)  # None: a loader with slots, hooked by refresh()
        if exec_module is None or own is None or "exec_module" in own:
            return spec

        def run(module: ModuleType) -> None:
            try:
                exec_module(module)
            finally:
                own.pop("exec_module", None)  # a loader may serve other modules (zipimport)
            hook_module(module)

        own["exec_module"] = run
        return spec

    def _others(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None
    ) -> importlib.machinery.ModuleSpec | None:
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                return spec
        return None
