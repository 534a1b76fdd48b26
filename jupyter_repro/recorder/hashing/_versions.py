"""Module versions, for hashing a module by what release it is rather than by its contents."""

from __future__ import annotations

import functools
import sys
from types import ModuleType

from ._names import module_name, namespace_of


@functools.lru_cache(maxsize=1)
def _distributions() -> dict[str, list[str]]:
    try:
        from importlib.metadata import packages_distributions

        return dict(packages_distributions())
    except Exception:  # noqa: BLE001 - broken metadata: modules fall back to their own name
        return {}


@functools.lru_cache(maxsize=1024)
def _installed_version(top: str) -> str:
    """The version of the distribution that installed the package ``top``.

    Looked up by the package's own name first: one look into each folder of ``sys.path``
    (milliseconds). The map of every installed distribution's packages is the fallback, for
    packages named unlike their distribution (``attr`` from ``attrs``): building it reads every
    distribution's file list, over a second in a data science environment, on a cell's path.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(top)
    except PackageNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - broken metadata: try the map below
        pass
    try:
        dists = _distributions().get(top) or [top]
        return version(dists[0])
    except Exception:  # noqa: BLE001 - no version found: the module hashes by name alone
        return ""


def module_version(module: ModuleType) -> str:
    """A module's version from ``__version__`` or its distribution; "" for stdlib and scripts."""
    found = namespace_of(module).get("__version__")
    if type(found) is str:
        return found
    name = module_name(module)
    if not name or name == "__main__":
        return ""
    top = name.partition(".")[0]
    found = namespace_of(sys.modules.get(top)).get("__version__")
    if type(found) is str:
        return found
    # A version file written at build time (setuptools-scm's ``_version.py``): matplotlib
    # serves ``__version__`` through a module ``__getattr__``, which is never run, and asking
    # the installed metadata instead costs 5 ms on the first cell that holds a module of it.
    versions = namespace_of(sys.modules.get(top + "._version"))
    for key in ("version", "__version__"):
        found = versions.get(key)
        if type(found) is str:
            return found
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return ""
    return _installed_version(top)
