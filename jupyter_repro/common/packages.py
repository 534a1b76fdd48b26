"""Which recorded package versions an exported script or pipeline stage needs.

Usage::

    modules = imported_modules(sources)                       # {"pandas", "sklearn"}
    package_versions(modules, environment["packages"])         # {"pandas": "2.2.3", ...}
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata


def imported_modules(sources: Iterable[str]) -> set[str]:
    """Top-level modules the exported code imports (absolute imports only)."""
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def package_versions(modules: Iterable[str], recorded: Mapping[str, str]) -> dict[str, str]:
    """Distribution -> version, as recorded, for the distributions providing ``modules``.

    The module -> distribution map comes from this machine's installed metadata; a module no
    distribution claims is looked up under its own name.
    """
    providers = metadata.packages_distributions()
    versions = {_normal(name): version for name, version in recorded.items()}
    out: dict[str, str] = {}
    for module in modules:
        for dist in providers.get(module, [module]):
            version = versions.get(_normal(dist))
            if version is not None:
                out[_normal(dist)] = version
    return dict(sorted(out.items()))
