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
    try:
        from importlib.metadata import version

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
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return ""
    return _installed_version(top)
