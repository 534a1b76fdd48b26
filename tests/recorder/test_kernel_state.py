"""State hashes and environments as a real kernel records them across messy sessions."""

from __future__ import annotations

from jupyter_repro.store import LineageStore

from .kernels import execute, kernel


def changed_names(store: LineageStore) -> list[set[str]]:
    return [{v.name for v in e.changed} for e in store.executions()]


def test_every_mutation_path_changes_exactly_the_affected_names(tmp_path):
    cells = [
        "import numpy as np\nbase = np.zeros(8)\nview = base[::2]\nother = np.ones(3)",
        "view[:] = 5",  # write through a numpy view: base changes too
        "data = [1]\nalias = data\nbox = {'k': data}\nkeep = [0]",
        "alias.append(2)",  # through an alias: data, alias and box change
        "def grow():\n    data.append(3)",
        "grow()",  # inside a function defined in an earlier cell
        "other += 1",  # in-place, the others untouched
    ]
    db = tmp_path / "lineage.db"
    with kernel(tmp_path, db) as (_, client):
        for code in cells:
            assert execute(client, code).status == "ok"
    with LineageStore.open(db, create=False) as store:
        changes = changed_names(store)

    assert changes[1] == {"base", "view"}
    assert changes[3] == {"data", "alias", "box"}
    assert changes[5] == {"data", "alias", "box"}
    assert changes[6] == {"other"}


def test_environment_is_captured_again_after_a_package_install(tmp_path):
    site = tmp_path / "extra" / "site-packages"
    site.mkdir(parents=True)
    install = (
        f"import pathlib\ninfo = pathlib.Path({str(site)!r}) / 'fakepkg-1.2.3.dist-info'\n"
        "info.mkdir()\n(info / 'METADATA').write_text('Name: fakepkg\\nVersion: 1.2.3\\n')"
    )
    db = tmp_path / "lineage.db"
    with kernel(tmp_path, db, env={"PYTHONPATH": str(site)}) as (_, client):
        execute(client, "before = 1")
        execute(client, install)
        execute(client, "after = 1")
    with LineageStore.open(db, create=False) as store:
        before, installed, after = store.executions()
        old, new = store.environment(before.env_id), store.environment(after.env_id)

    assert before.env_id != after.env_id
    assert "fakepkg" not in old.data["packages"]
    assert new.data["packages"]["fakepkg"] == "1.2.3"


def test_seeded_randomness_repeats_its_fingerprint_and_unseeded_does_not(tmp_path):
    db = tmp_path / "lineage.db"
    with kernel(tmp_path, db) as (_, client):
        for _ in range(2):
            execute(client, "import random\nrandom.seed(42)\nx = random.random()", "seeded")
        execute(client, "y = random.random()", "unseeded")
        execute(client, "y = random.random()", "unseeded")
    with LineageStore.open(db, create=False) as store:
        seeded_a, seeded_b, free_a, free_b = store.executions()

    assert seeded_a.rng["random"] == seeded_b.rng["random"]
    assert seeded_b.changed == ()  # the same seed gave the same x: nothing changed
    assert free_a.rng["random"] != free_b.rng["random"]
    assert free_a.changed[0].hash != free_b.changed[0].hash


def test_project_settings_skip_names_and_cap_the_hash_budget(tmp_path):
    from jupyter_repro.project_settings import ProjectSettings, write_settings

    db = tmp_path / "lineage.db"
    with kernel(tmp_path, db) as (_, client):
        execute(client, "token_cache = 'x'\nbig = bytes(3 * 1024 * 1024)")
        write_settings(tmp_path, ProjectSettings(skip=("*_cache",), budget_mb=1))
        execute(client, "token_cache = 'y'\nbig = bytes(3 * 1024 * 1024 + 1)")
    with LineageStore.open(db, create=False) as store:
        before, after = store.executions()

    assert {v.name for v in before.changed} == {"token_cache", "big"}
    assert [v.name for v in after.changed] == ["big"]  # skipped from the next cell on
    assert after.changed[0].complete is False
    assert after.removed == ()  # skipping a name is not deleting it
