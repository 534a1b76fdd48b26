"""Content hash of a value in the kernel's namespace, comparable across processes and machines.

Usage::

    from jupyter_repro.recorder.state_hash import hash_value, identity_key

    digest = hash_value(df)            # never raises
    digest.hash        # "xxh3:<32 hex>" (xxh3_128), or "opaque:<module.Type>"
    digest.type        # "pandas.DataFrame"
    digest.summary     # {"shape": [r, c], "columns": [...], "nbytes": n}: never a value
    digest.complete    # False if a budget (bytes, objects, nesting) stopped the hash short
    digest.unhashable  # True for generators, files, sockets, locks, stateless C objects
    digest.components  # identity_key() of every mutable object reached; -1 = too many

Equal values hash equal in any process: no id(), no salted hash(), no addresses, no repr.
Dicts, sets and frozensets hash independently of order (OrderedDict does not: its equality is
order-sensitive). Types are part of the hash: ``1``, ``1.0``, ``True`` and ``"1"`` differ.
Shared sub-objects are hashed once and cycles are cut with back-references, so two equal
cyclic structures hash equal. User objects are read only through ``__dict__`` and slot
descriptors: no property, ``__getattr__``, ``__eq__``, ``__hash__``, ``__repr__``, pickle or
``__reduce__`` of theirs ever runs.

An object with an opaque part (say a dataclass holding an open file) still gets an ``xxh3``
hash, the part contributing its ``opaque:<type>`` marker; ``summary["opaque_parts"]`` counts
them. A part whose reading raised contributes an ``error:<Exc>`` marker, counts in
``summary["error_parts"]`` and makes the digest ``complete=False``. ``summary["incomplete"]``
lists why a digest is incomplete (``budget_bytes``, ``max_objects``, ``max_depth``,
``errors``) and ``summary["hashed_bytes"]`` how much was covered.

The implementation lives in ``jupyter_repro.recorder.hashing``; this module is its API.
"""

from __future__ import annotations

from .hashing import DEFAULT_BUDGET, DEFAULT_MAX_OBJECTS, ValueDigest, hash_value, identity_key

__all__ = ["DEFAULT_BUDGET", "DEFAULT_MAX_OBJECTS", "ValueDigest", "hash_value", "identity_key"]
