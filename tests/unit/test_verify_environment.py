"""Environment differences verify names as possible causes of a mismatch."""

from jupyter_repro.script.lockfile import ReproLock
from jupyter_repro.verify.report import environment_changes


def lock(**recorder) -> ReproLock:
    return ReproLock(
        source={},
        python={"version": "3.11.7"},
        packages={"numpy": "2.4.6", "Scikit_Learn": "1.5"},
        files={},
        targets={},
        cells=(),
        recorder=recorder,
    )


def test_other_hashing_scheme_is_named_first():
    env = {
        "python": {"version": "3.11.7"},
        "packages": {"numpy": "2.4.6", "scikit-learn": "1.5"},
        "recorder": {"hash_scheme": 2},
    }

    changes = environment_changes(lock(hash_scheme=1), env)

    assert [(c.key, c.recorded, c.current) for c in changes] == [("hash_scheme", "1", "2")]


def test_python_and_package_versions_that_moved_or_vanished():
    env = {
        "python": {"version": "3.12.1"},
        "packages": {"numpy": "2.5.0"},
        "recorder": {"hash_scheme": 1},
    }

    changes = environment_changes(lock(hash_scheme=1), env)

    assert [(c.key, c.recorded, c.current) for c in changes] == [
        ("python", "3.11.7", "3.12.1"),
        ("Scikit_Learn", "1.5", None),
        ("numpy", "2.4.6", "2.5.0"),
    ]


def test_locks_without_recorder_section_still_compare():
    env = {"python": {"version": "3.11.7"}, "packages": {"numpy": "2.4.6", "scikit-learn": "1.5"}}

    assert environment_changes(lock(), env) == ()
