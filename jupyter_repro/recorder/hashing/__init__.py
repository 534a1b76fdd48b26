"""Content hashing of kernel values; the public API is re-exported by ``state_hash``.

May import the standard library and xxhash; a library's own types (numpy, pandas, pyarrow,
torch) only through ``_dispatch``, once the user's code has imported that library.
"""

from ._api import DEFAULT_BUDGET, DEFAULT_MAX_OBJECTS, ValueDigest, hash_value, reachable
from ._identity import identity_key
from ._names import ident
from ._session import reads_shared, shared_reads

__all__ = [
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
