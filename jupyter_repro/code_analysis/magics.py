"""What each IPython magic does, in one table that the recorder, the static analysis and the script
translator all read, so they cannot disagree about a magic.

Usage::

    found = magic("timeit")  # Magic, or None for a magic no one here knows
    found.code    # Code.OWN_SCOPE: where its code argument runs; None when it takes no code
    found.effect  # Effect.EXPANDS: what it does to the user namespace besides running that code
    found.export  # Export.TRANSLATED: what the script translator makes of it

A magic missing from the table is unknown to everyone: the recorder re-hashes every variable, the
analysis reads and binds whatever its arguments name, the translator comments it out with a
warning. To teach the project a magic, add it here; a consumer never keeps a set of magic names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType


class Code(Enum):
    """Where a magic runs the Python code it is given."""

    USER_NAMESPACE = "user namespace"  # reads and binds as the cell would: %time, %prun, %%capture
    OWN_SCOPE = "own scope"  # user namespace as globals, binds in a function of its own: %timeit


class Effect(Enum):
    """What a magic does to the user namespace, besides running its code."""

    EXPANDS = "expands"  # at most reads the `{expr}` and `$name` in its arguments
    REBINDS = "rebinds"  # may also (re)bind or delete names; the recorder's identity check sees it
    UNKNOWN = "unknown"  # may do anything (%run), or not reviewed: the recorder re-hashes all


class Export(Enum):
    """What the script translator does with a magic."""

    SILENT = "silent"  # display or introspection only: dropped without a warning
    INSTALLS = "installs"  # installs packages: recorded in the script's header, not run
    INTERPRETER = "interpreter"  # a cell run by another program (%%bash): subprocess.run
    FILE_ALIAS = "file alias"  # one of IPython's shell aliases for files (%cp): a shell command
    TRANSLATED = "translated"  # has its own plain-Python translation (%cd: os.chdir)
    UNTRANSLATABLE = "untranslatable"  # commented out, with a warning naming it


@dataclass(frozen=True)
class Magic:
    effect: Effect
    export: Export
    code: Code | None = None


def magic(name: str) -> Magic | None:
    """The facts about the line or cell magic ``name`` (without ``%``), None if unknown."""
    return MAGICS.get(name)


def _table(*rows: tuple[str, Magic]) -> Mapping[str, Magic]:
    table: dict[str, Magic] = {}
    for names, facts in rows:
        for name in names.split():
            if name in table:  # two rows for one magic is how tables drift: refuse it
                raise ValueError(f"%{name} has two rows in the magic table")
            table[name] = facts
    return MappingProxyType(table)


# %timeit runs its statement (and %%timeit its setup line, then its cell) as the body of a timer
# function whose globals are the user namespace: it reads globals and can mutate the user's
# objects, but its assignments are the function's locals (`x = x + 1` raises UnboundLocalError);
# only a name it declares `global` is rebound. Decided (issue 11): the export keeps that meaning
# rather than dropping the magic, since a mutation the notebook saw (`%timeit cache.warm()`) may
# be what later cells need:
# - the translator (TRANSLATED) runs the code once, with a warning that timing is dropped: inline
#   when it binds no name (the same meaning, a plainer script), else in a function of its own,
#   called once and deleted, so `%timeit x = 5` leaves the script's `x` alone as IPython does;
# - the static analysis reads OWN_SCOPE code as that function body: the globals it loads are
#   read, nothing is bound at top level but `global` names, so slicing never takes
#   `%timeit x = f()` for the cell that made x;
# - the recorder parses the code of every magic with a `code` and counts its names as touched
#   (a mutation through them is what it must not miss).
# The script runs the code once where IPython ran it many times: a mutation repeated (`append`)
# is applied once; `%time` (USER_NAMESPACE) does rebind globals in IPython and stays inline.
#
# Effect.UNKNOWN on a display-only or shell magic (autosave, ll, cp, `%%!`) means "not reviewed":
# the recorder has always re-hashed everything after them, and this table keeps that until they are.
MAGICS: Mapping[str, Magic] = _table(
    ("time", Magic(Effect.EXPANDS, Export.TRANSLATED, Code.USER_NAMESPACE)),
    ("timeit", Magic(Effect.EXPANDS, Export.TRANSLATED, Code.OWN_SCOPE)),
    ("prun", Magic(Effect.EXPANDS, Export.UNTRANSLATABLE, Code.USER_NAMESPACE)),
    ("capture", Magic(Effect.REBINDS, Export.TRANSLATED, Code.USER_NAMESPACE)),  # `%%capture out`
    (
        "pinfo pinfo2 pdef pdoc psource pfile psearch who whos who_ls lsmagic magic ls dhist dirs"
        " history hist page pprint matplotlib xmode colors",
        Magic(Effect.EXPANDS, Export.SILENT),
    ),
    ("autosave quickref ll lf lk lx ldir", Magic(Effect.UNKNOWN, Export.SILENT)),
    ("pip conda mamba micromamba uv", Magic(Effect.EXPANDS, Export.INSTALLS)),
    (
        "script sh bash perl ruby python python2 python3 pypy",
        Magic(Effect.EXPANDS, Export.INTERPRETER),
    ),
    ("cat cp mkdir mv rm rmdir", Magic(Effect.UNKNOWN, Export.FILE_ALIAS)),
    ("cd pwd env set_env sx system config writefile", Magic(Effect.EXPANDS, Export.TRANSLATED)),
    ("run !", Magic(Effect.UNKNOWN, Export.TRANSLATED)),  # `%%!` is IPython's cell form of %sx
    (
        "store reset reset_selective xdel aimport autoreload load_ext reload_ext unload_ext",
        Magic(Effect.REBINDS, Export.UNTRANSLATABLE),
    ),
    (
        "load save notebook pycat tb precision alias unalias rehashx bookmark pushd popd"
        " doctest_mode automagic autocall autoawait killbgscripts html javascript js latex"
        " markdown svg",
        Magic(Effect.EXPANDS, Export.UNTRANSLATABLE),
    ),
)
