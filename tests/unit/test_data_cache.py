"""The data cache keeps versions by content, within its limits, and never a wrong one."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from jupyter_repro.common.data_cache import DataCache, Kept, digest_hex
from jupyter_repro.common.file_digest import file_xxh3

KB = 1024


def version(folder: Path, name: str, size: int, fill: bytes = b"x") -> tuple[Path, str]:
    path = folder / name
    path.write_bytes((fill * size)[:size])
    return path, file_xxh3(path)


@pytest.fixture
def cache(tmp_path: Path) -> DataCache:
    return DataCache(tmp_path / "cache", max_file_bytes=10 * KB, max_total_bytes=25 * KB)


def test_a_version_is_kept_once_by_content(tmp_path: Path, cache: DataCache):
    path, digest = version(tmp_path, "d.txt", 100)

    assert cache.keep(path, digest) is Kept.ADDED
    assert cache.keep(path, digest) is Kept.PRESENT
    found = cache.find(digest)
    assert found is not None and found.read_bytes() == path.read_bytes()
    assert found.parent.name == digest_hex(digest)[:2]


def test_a_file_rewritten_since_its_read_is_not_kept_under_the_old_version(tmp_path, cache):
    path, digest = version(tmp_path, "d.txt", 100)
    path.write_text("rewritten by someone else")

    assert cache.keep(path, digest) is Kept.CHANGED
    assert cache.find(digest) is None
    assert not [p for p in cache.folder.rglob("*") if p.is_file()]  # no temporary left


def test_a_file_over_the_per_file_limit_is_not_kept(tmp_path, cache):
    path, digest = version(tmp_path, "big.bin", 11 * KB)
    assert cache.keep(path, digest) is Kept.TOO_BIG
    assert cache.find(digest) is None


def test_eviction_takes_unreferenced_versions_first_then_the_least_recently_read(tmp_path, cache):
    digests = []
    for n, fill in enumerate(b"abc"):
        path, digest = version(tmp_path, f"v{n}", 8 * KB, bytes([fill]))
        assert cache.keep(path, digest) is Kept.ADDED
        digests.append(digest)
        stamp = time.time() - 100 + n  # v0 oldest
        os.utime(cache.path_for(digest), (stamp, stamp))
    new, new_digest = version(tmp_path, "v3", 8 * KB, b"d")

    # v0 is the oldest, but a lineage record still references it; v1 is not referenced.
    kept = cache.keep(new, new_digest, referenced=lambda: {digests[0], digests[2]})

    assert kept is Kept.ADDED
    assert [cache.find(d) is not None for d in digests] == [True, False, True]
    assert cache.total_bytes() <= cache.max_total_bytes


def test_versions_the_session_read_are_never_evicted_for_its_next_read(tmp_path, cache):
    digests = []
    for n, fill in enumerate(b"abc"):
        path, digest = version(tmp_path, f"v{n}", 8 * KB, bytes([fill]))
        cache.keep(path, digest)
        digests.append(digest)
    new, new_digest = version(tmp_path, "v3", 8 * KB, b"d")

    assert cache.keep(new, new_digest, protect=set(digests)) is Kept.NO_ROOM
    assert all(cache.find(d) is not None for d in digests)


def test_restore_writes_a_writable_copy_and_never_links_to_the_cache(tmp_path, cache):
    path, digest = version(tmp_path, "d.txt", 100)
    cache.keep(path, digest)
    target = tmp_path / "restored.txt"

    cache.restore(digest, target)
    target.write_text("edited after the restore")

    cached = cache.find(digest)
    assert cached is not None and cached.read_bytes() == b"x" * 100
    assert os.stat(cached).st_ino != os.stat(target).st_ino


def test_a_digest_that_is_not_an_xxh3_version_is_refused(cache):
    with pytest.raises(ValueError, match="Not a data version"):
        cache.path_for("../../etc/passwd")
    assert cache.find("xxh3:../../x") is None


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        (".env", True),
        ("config/.netrc", True),
        ("credentials.json", True),
        ("client_secret.json", True),
        ("api_token.txt", True),
        ("id_rsa", True),
        ("tls/server.pem", True),
        ("data/train.csv", False),
        ("tokens.csv", False),  # an NLP project's data, not a secret
        ("token_counts.json", False),
        ("keys.csv", False),
    ],
)
def test_files_that_may_hold_credentials_are_never_snapshotted(name, secret):
    from jupyter_repro.recorder.data_snapshots import may_hold_secrets

    assert may_hold_secrets(name) is secret
