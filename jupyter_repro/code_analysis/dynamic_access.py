"""The names and attributes through which code reaches the user namespace without naming a variable.

Usage::

    if name in DYNAMIC_NAMES or attribute in DYNAMIC_ATTRS or module == MAIN_MODULE:
        ...  # the code may read or change any variable: treat them all as touched

``cell_names`` applies them to a cell's syntax tree (``CodeNames.dynamic``); the recorder applies
them to the bytecode of the notebook functions a cell calls. ``vars(obj)`` is harmless, only a bare
``vars()`` is dynamic: the syntax tree can tell them apart, bytecode cannot.
"""

from __future__ import annotations

DYNAMIC_NAMES = frozenset(
    {"globals", "locals", "vars", "exec", "eval", "__import__", "get_ipython"}
)
DYNAMIC_ATTRS = frozenset(
    {"f_globals", "f_locals", "f_back", "__globals__", "user_ns", "user_global_ns", "_getframe"}
    | {"currentframe", "get_objects", "get_referrers", "get_referents"}  # inspect, gc
)
MAIN_MODULE = "__main__"  # the notebook's namespace is the module `__main__`
