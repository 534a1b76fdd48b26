"""scipy.stats distributions (imported once scipy is loaded).

A frozen distribution (``stats.norm(1, 2)``) hashes as its distribution's name, arguments and
random state; the distributions scipy defines once per module (``stats.norm``) hash as that
reference. Their vectorised helpers and docstrings are machinery, not value; and a random state
that is numpy's global one hashes as a reference too (see ``_numpy``), so drawing from the
global generator later never makes a recorded hash stale.
"""

from __future__ import annotations

import sys
from typing import Any

from scipy.stats import rv_continuous, rv_discrete
from scipy.stats._distn_infrastructure import rv_frozen

from ._core import MUTABLE, Hasher, Spec
from ._names import inherits, namespace_of, qualname
from ._objects import instance_attrs

_GENERIC = (rv_continuous, rv_discrete)


def _frozen(h: Hasher, frozen: Any) -> None:
    h.name(qualname(type(frozen)))
    h.visit(frozen.dist)
    h.visit(frozen.args)
    h.visit(frozen.kwds)


def _module_name(dist: Any) -> str | None:
    """``module.name`` when dist is the instance its module defines under its own name."""
    name = getattr(dist, "name", None)
    module = type.__dict__["__module__"].__get__(type(dist), type)
    if type(name) is str and type(module) is str:
        if namespace_of(sys.modules.get(module)).get(name) is dist:
            return f"{module}.{name}"
    return None


def _distribution(h: Hasher, dist: Any) -> None:
    reference = _module_name(dist)
    if reference is not None:
        h.name(reference)  # scipy's own instance: a reference, whatever its random state
        return
    h.name(qualname(type(dist)))
    h.visit(getattr(dist, "_ctor_param", None))
    h.visit(getattr(dist, "_random_state", None))
    if not qualname(type(dist)).startswith("scipy."):
        instance_attrs(h, dist)  # a user's own distribution: whatever it holds


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a scipy class, or None to let dispatch continue up the MRO."""
    if inherits(cls, rv_frozen):
        return Spec(b"\xe8", _frozen, MUTABLE, subclasses=True)
    if any(inherits(cls, base) for base in _GENERIC):
        return Spec(b"\xe9", _distribution, MUTABLE, subclasses=True)
    return None
