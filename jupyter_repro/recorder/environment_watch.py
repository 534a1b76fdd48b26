"""Cheap checks run after every cell: did installed packages change, and what are the RNG states.

Usage::

    watcher = PackageChangeWatcher()     # snapshots the site-packages folders now
    if watcher.changed():                # a few stat() calls; True once per change
        env = capture_environment(...)   # a %pip install happened: capture again
    rng_fingerprint()                    # {"random": "<16 hex>", "numpy": ..., "torch": ...}

Installing, upgrading or removing a distribution adds or removes a ``*.dist-info`` folder in a
site-packages folder, which changes that folder's mtime and (on most file systems) its link
count, the number of its sub-folders. Both come from one ``stat``, so nothing is listed.
"""

from __future__ import annotations

import json
import logging
import os
import random
import site
import struct
import sys
from collections.abc import Iterable

import xxhash

log = logging.getLogger(__name__)


def package_dirs() -> tuple[str, ...]:
    """The folders distributions are installed into, as the running interpreter sees them."""
    dirs = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    try:
        dirs += site.getsitepackages()
        dirs.append(site.getusersitepackages())  # watched even when absent: pip may create it
    except AttributeError:
        pass
    return tuple(dict.fromkeys(os.path.abspath(d) for d in dirs))


class PackageChangeWatcher:
    """Tells when the installed distributions may have changed since the last check."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]] | None = None) -> None:
        self.paths = package_dirs() if paths is None else tuple(os.fspath(p) for p in paths)
        self._snapshot = self._take()

    def changed(self) -> bool:
        """True when a watched folder changed since the previous call (or creation)."""
        now = self._take()
        if now == self._snapshot:
            return False
        self._snapshot = now
        return True

    def _take(self) -> tuple[tuple[int, int] | None, ...]:
        out: list[tuple[int, int] | None] = []
        for path in self.paths:
            try:
                st = os.stat(path)
                out.append((st.st_mtime_ns, st.st_nlink))
            except OSError:
                out.append(None)
        return tuple(out)


def rng_fingerprint() -> dict[str, str]:
    """Hashes of the global RNG states: an unseeded cell shows up as a changing fingerprint.

    numpy's and torch's are included only once the user imported them: importing one here would
    cost tens of ms (torch: seconds), and an unimported global RNG has not been used. torch's
    covers the CUDA generators only when CUDA is already initialised (asking would start it).
    Slicing reads a changed fingerprint as an execution that drew from that generator.
    """
    out: dict[str, str] = {}
    for name, fingerprint in (("random", _random), ("numpy", _numpy), ("torch", _torch)):
        try:
            found = fingerprint()
        except Exception:  # a replaced or patched module, an odd state: no fingerprint, no failure
            log.debug("jupyter-repro: no fingerprint of %s's RNG state", name, exc_info=True)
            continue
        if found is not None:
            out[name] = found
    return out


def _random() -> str:
    version, internal, gauss = random.getstate()
    h = xxhash.xxh3_64(struct.pack(f"<{len(internal)}I", *internal))
    h.update(repr((version, gauss)).encode())
    return h.hexdigest()


def _numpy() -> str | None:
    nprandom = sys.modules.get("numpy.random")
    if nprandom is None:
        return None
    state = nprandom.get_state()
    if isinstance(state, tuple):  # ("MT19937", keys, pos, has_gauss, cached_gaussian)
        h = xxhash.xxh3_64(state[1].tobytes())
        h.update(repr((state[0], *(float(x) for x in state[2:]))).encode())
    else:  # a non-legacy bit generator: a dict of plain values
        h = xxhash.xxh3_64(json.dumps(state, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _torch() -> str | None:
    torch = sys.modules.get("torch")
    if torch is None or not hasattr(torch, "get_rng_state"):  # absent, or still importing
        return None
    h = xxhash.xxh3_64(bytes(torch.get_rng_state().tolist()))
    cuda = getattr(torch, "cuda", None)
    if cuda is not None and cuda.is_initialized():
        for state in cuda.get_rng_state_all():
            h.update(bytes(state.tolist()))
    return h.hexdigest()
