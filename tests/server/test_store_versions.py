"""The store keeps notebook saves as versions, content once per hash, bounded per notebook."""

from __future__ import annotations

import sqlite3

import pytest

from jupyter_repro.store import LineageStore, StoreUnavailable

NB = "/home/ann/proj/analysis.ipynb"


@pytest.fixture
def store(tmp_path):
    with LineageStore.open(tmp_path / ".repro" / "lineage.db") as opened:
        yield opened


def test_versions_are_listed_newest_first_and_read_back(store):
    first = store.add_version(NB, b'{"cells": []}')
    second = store.add_version(NB, b'{"cells": [1]}')

    assert [v.id for v in store.versions(NB)] == [second.id, first.id]
    assert store.version_content(first.id) == b'{"cells": []}'
    assert store.version(second.id) == second and second.size == len(b'{"cells": [1]}')
    assert store.versions("/elsewhere.ipynb") == []


def test_identical_saves_share_their_content(store, tmp_path):
    content = b"x" * 100_000
    for _ in range(3):
        store.add_version(NB, content)

    with sqlite3.connect(tmp_path / ".repro" / "lineage.db") as raw:
        rows, stored = raw.execute(
            "SELECT count(*), sum(length(content)) FROM notebook_contents"
        ).fetchone()

    assert len(store.versions(NB)) == 3
    assert rows == 1 and stored < 1_000  # compressed


def test_keep_drops_old_versions_and_content_nothing_refers_to(store, tmp_path):
    shared = b"shared"
    store.add_version("/other.ipynb", shared)
    for n in range(5):
        store.add_version(NB, shared if n == 0 else f"v{n}".encode(), keep=2)

    with sqlite3.connect(tmp_path / ".repro" / "lineage.db") as raw:
        hashes = raw.execute("SELECT count(*) FROM notebook_contents").fetchone()[0]

    assert [store.version_content(v.id) for v in store.versions(NB)] == [b"v4", b"v3"]
    assert hashes == 3  # v4, v3, and the content /other.ipynb still uses


def test_unknown_version_reads_as_none(store):
    assert store.version(42) is None and store.version_content(42) is None


def test_a_store_without_versions_yet_gets_them_on_open(tmp_path):
    db = tmp_path / "lineage.db"
    with LineageStore.open(db) as store:
        store.add_version(NB, b"{}")
    with sqlite3.connect(db) as raw:
        raw.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_notebook_versions'")
        raw.execute("DROP TABLE notebook_versions")
        raw.execute("DROP TABLE notebook_contents")

    with LineageStore.open(db, create=False) as store:
        assert store.versions(NB) == []


def test_damaged_content_is_reported_as_the_store_being_unusable(store, tmp_path):
    version = store.add_version(NB, b"{}")
    with sqlite3.connect(tmp_path / ".repro" / "lineage.db") as raw:
        raw.execute("UPDATE notebook_contents SET compression = 'zstd'")

    with pytest.raises(StoreUnavailable):
        store.version_content(version.id)
