"""The data-file check an exported script runs first, written out as plain Python source.

The script must run with nothing but the standard library (and ``xxhash`` only for files whose
sha256 could not be established), so the check is inlined as source text, not imported.
"""

from __future__ import annotations

from ..common.file_digest import CHUNK  # the exported check reads in the same chunks

SKIP_VAR = "JUPYTER_REPRO_SKIP_DATA_CHECK"
#: An absolute folder to run in instead of the recorded one (verify points it into its copy).
WORKDIR_VAR = "JUPYTER_REPRO_WORKDIR"

_CHECK_SOURCE = """\
# Checks that the data files this script reads are those the recorded session read, and moves
# to the folder the session ran in ({workdir_var} names another). Set {skip}=1 to skip the check.
import hashlib
import os
from pathlib import Path

_REPRO_WORKDIR = {workdir!r}
_REPRO_DATA = {data}


def _repro_digest(path, algorithm):
    if algorithm == "sha256":
        digest = hashlib.sha256()
    else:
        import xxhash  # only for files whose sha256 was not known at export

        digest = xxhash.xxh3_128()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read({chunk}), b""):
            digest.update(chunk)
    return digest.hexdigest() if algorithm == "sha256" else "xxh3:" + digest.hexdigest()


def _repro_check_data():
    here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
    workdir = Path(os.environ.get("{workdir_var}") or here / _REPRO_WORKDIR).resolve()
    if not workdir.is_dir():
        raise SystemExit(f"Working folder of the recorded session is missing: {{workdir}}")
    os.chdir(workdir)
    if os.environ.get("{skip}") == "1":
        return
    for name, (algorithm, expected) in _REPRO_DATA.items():
        path = Path(name) if os.path.isabs(name) else here / name
        if not path.is_file():
            raise SystemExit(f"Data file missing: {{name}}")
        actual = _repro_digest(path, algorithm)
        if actual != expected:
            raise SystemExit(
                f"Data file changed since it was recorded: {{name}} "
                f"(recorded {{expected}}, now {{actual}})"
            )


_repro_check_data()
"""


def check_source(files: dict[str, tuple[str, str]], workdir: str) -> str:
    """Source of the check cell; ``files`` maps path -> (algorithm, expected digest)."""
    rows = "".join(f"    {name!r}: {files[name]!r},\n" for name in sorted(files))
    data = "{\n" + rows + "}" if rows else "{}"
    return _CHECK_SOURCE.format(
        skip=SKIP_VAR, workdir_var=WORKDIR_VAR, workdir=workdir, data=data, chunk=CHUNK
    )
