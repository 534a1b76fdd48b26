"""Content hash of a value in the kernel's namespace, comparable across processes and machines.

Usage::

    from jupyter_repro.recorder.state_hash import hash_value, identity_key

    digest = hash_value(df)            # never raises
    hash_value(big, deadline=time.perf_counter() + 0.05)  # stops there: "time_budget"
    digest.hash        # "xxh3:<32 hex>" (xxh3_128), or "opaque:<module.Type>"
    digest.type        # "pandas.DataFrame"
    digest.summary     # {"shape": [r, c], "columns": [...], "nbytes": n}: never a value
    digest.complete    # False if a budget (bytes, objects, nesting, time) or an error cut it
    digest.unhashable  # True for generators, files, sockets, locks, stateless C objects
    digest.components  # identity_key() of every mutable object reached; -1 = too many
    reachable(value, deadline)  # those components alone, without reading content: cheap

Equal values hash equal in any process: no id(), no salted hash(), no addresses, no repr.
Dicts, sets and frozensets hash independently of order (OrderedDict does not: its equality is
order-sensitive). Types are part of the hash: ``1``, ``1.0``, ``True`` and ``"1"`` differ;
floats hash as their exact IEEE bytes. A shared sub-object hashes like a copy of it, and two
equal cyclic structures hash equal. User objects are read only through ``__dict__`` and slot
descriptors: no property, ``__getattr__``, ``__eq__``, ``__hash__``, ``__repr__``,
``__class__``, pickle or ``__reduce__`` of theirs ever runs. Addresses, ``id()``-keyed maps (their
values count, not their keys), weak references and containers, caches and locks never reach a
hash; module namespaces and the global ``random``/``numpy.random`` generators hash as references
by name, so holding one does not make a value change when the global state moves.

Decisions worth knowing:

* An object with an opaque part (say a dataclass holding an open file) still gets an ``xxh3``
  hash, complete and not unhashable; the part contributes its ``opaque:<type>`` marker and
  ``summary["opaque_parts"]`` counts them. Only an opaque value itself is ``unhashable``.
* A part whose reading raised contributes an ``error:<Exc>`` marker, counts in
  ``summary["error_parts"]`` and makes the digest ``complete=False``.
* ``summary["incomplete"]`` says why a digest is incomplete (``budget_bytes``,
  ``max_objects``, ``max_depth``, ``errors``, ``time_budget``) and ``summary["hashed_bytes"]``
  how much was covered. Incomplete hashes are deterministic for the same value and limits (not
  for a deadline), nothing more.
* Budgets: 256 MiB of value bytes (``project_settings.DEFAULT_BUDGET_MB``, which a project's
  settings can change), 10 million individually visited objects (bulk-packed
  int/float/str/bool/None sequences count by bytes), 2000 nesting levels (1000 on 3.10).
* Functions hash by bytecode, constants, names, defaults and closures (not file, line or
  globals), so they only match within one Python minor version. Modules hash by name and
  version. Classes by name, bases and their own functions and constants.
* Plain containers go at C speed (``hashing._containers``): nested lists and tuples of
  scalars through one pickle stream, lists of dict records column by column, set elements and
  mixed-type dict keys in the order of their marshal bytes.
* Library objects hash by what they are: matplotlib figures and artists by what they draw
  (axis limits matplotlib computes when it draws hash as "auto" beside the margins that decide
  them, since scheme 3: hashing never makes it autoscale), scikit-learn estimators by
  parameters and learned state, statsmodels objects without their lazy caches, frozen scipy
  distributions by name and arguments.
* pandas: per column through its backing array (block layout and chunking never show);
  masked slots are zeroed first; RangeIndex hashes as its range, so it differs from an
  equal-valued Int64 index. Arrow: canonical windows of rows through IPC, schema metadata
  ignored; bytes under null slots are hashed as stored.

The implementation lives in ``jupyter_repro.recorder.hashing``; this module is its API.
``shared_reads()`` lets the values hashed inside it read shared objects once (a figure and the
array of its axes); the hashes are the same as alone.

``HASH_SCHEME`` numbers the hashing rules. Bump it whenever a change makes any value hash
differently: it is recorded with every environment and lock, so ``verify`` can say "recorded
with another hashing scheme" instead of reporting a mysterious mismatch.
"""

from __future__ import annotations

from .hashing import (
    DEFAULT_BUDGET,
    DEFAULT_MAX_OBJECTS,
    ValueDigest,
    hash_value,
    ident,
    identity_key,
    reachable,
    reads_shared,
    shared_reads,
)

#: Version of the hashing rules (see the module docstring).
HASH_SCHEME = 3

__all__ = [
    "HASH_SCHEME",
    "DEFAULT_BUDGET",
    "DEFAULT_MAX_OBJECTS",
    "ValueDigest",
    "hash_value",
    "ident",
    "identity_key",
    "reachable",
    "reads_shared",
    "shared_reads",
]
