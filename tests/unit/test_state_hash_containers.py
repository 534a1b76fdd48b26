"""Plain Python containers take the C-speed routes and still hash exactly, stably and fully."""

from __future__ import annotations

import gc
import time
from typing import Any

import pytest

from jupyter_repro.recorder.hashing import _containers
from jupyter_repro.recorder.state_hash import hash_value, ident


def h(value: object) -> str:
    digest = hash_value(value)
    assert digest.complete, digest
    return digest.hash


N = 2_000  # above every route's threshold, small enough to be quick


class TestTrees:
    def test_list_of_lists_takes_the_pickle_route(self, monkeypatch: pytest.MonkeyPatch) -> None:
        taken: list[int] = []
        real = _containers._pickled

        def spy(hasher: Any, top: Any, level: Any) -> bool:
            found = real(hasher, top, level)
            taken.append(found)
            return found

        monkeypatch.setattr(_containers, "_pickled", spy)
        h([[i] for i in range(N)])
        assert taken == [True]

    def test_equal_trees_hash_equal_and_any_change_shows(self) -> None:
        big = [[i, str(i), float(i)] for i in range(N)]
        assert h(big) == h([[i, str(i), float(i)] for i in range(N)])
        before = h(big)
        big[N // 2].append(None)
        assert h(big) != before
        big[N // 2].pop()
        assert h(big) == before
        big[7][2] = -0.0 if big[7][2] == 0.0 else 0.0
        assert h(big) != before

    @pytest.mark.parametrize(
        "a, b",
        [
            ([[1]] * 40, [(1,)] * 40),  # list and tuple
            ([[1]] * 40, [[1.0]] * 40),  # int and float
            ([[1]] * 40, [[True]] * 40),
            ([[0.0]] * 40, [[-0.0]] * 40),
            ([[b"a"]] * 40, [[bytearray(b"a")]] * 40),
            ([["a"]] * 40, [[b"a"]] * 40),
            ([[2**70]] * 40, [[2**70 + 1]] * 40),
        ],
    )
    def test_equal_looking_trees_of_other_types_hash_apart(self, a: Any, b: Any) -> None:
        assert h(a) != h(b)

    def test_a_shared_list_hashes_like_copies(self) -> None:
        row = [1, "x"]
        assert h([row] * 50) == h([[1, "x"] for _ in range(50)])

    def test_a_subclass_inside_is_walked_and_still_exact(self) -> None:
        class Row(list[Any]):
            pass

        plain = [[i] for i in range(N)]
        odd = [[i] for i in range(N)]
        odd[-1] = Row([N - 1])
        assert h(odd) != h(plain)
        assert h(odd) == h([*[[i] for i in range(N - 1)], Row([N - 1])])

    def test_a_cycle_in_a_big_list_ends(self) -> None:
        big: list[Any] = [[i] for i in range(N)]
        big.append(big)
        twin: list[Any] = [[i] for i in range(N)]
        twin.append(twin)
        assert h(big) == h(twin)

    def test_inner_mutable_objects_are_components(self) -> None:
        big = [[i] for i in range(N)]
        big.append([bytearray(b"x"), []])
        comps = hash_value(big).components
        assert ident(big[5]) in comps and ident(big[-1][0]) in comps and ident(big[-1][1]) in comps

    def test_too_many_components_say_so(self) -> None:
        assert -1 in hash_value([[i] for i in range(120_000)]).components

    def test_the_collector_is_left_as_found(self) -> None:
        h([[i] for i in range(N)])
        assert gc.isenabled()
        gc.disable()
        try:
            h([[i] for i in range(N)])
            assert not gc.isenabled()
        finally:
            gc.enable()


class TestRecords:
    def test_key_order_does_not_matter(self) -> None:
        a = [{"id": i, "name": f"n{i}", "x": i / 2} for i in range(N)]
        b = [{"x": i / 2, "id": i, "name": f"n{i}"} for i in range(N)]
        assert h(a) == h(b)

    def test_a_changed_field_or_an_appended_record_shows(self) -> None:
        rows = [{"id": i, "name": f"n{i}"} for i in range(N)]
        before = h(rows)
        rows[3]["name"] = "other"
        changed = h(rows)
        assert changed != before
        rows.append({"id": N, "name": "new"})
        assert h(rows) != changed

    def test_rows_with_other_keys_hash_like_the_walk_does(self) -> None:
        rows: list[dict[str, Any]] = [{"id": i} for i in range(N)]
        rows[10] = {"other": 10}
        again: list[dict[str, Any]] = [{"id": i} for i in range(N)]
        again[10] = {"other": 10}
        assert h(rows) == h(again)
        assert h(rows) != h([{"id": i} for i in range(N)])

    def test_every_record_is_a_component(self) -> None:
        rows = [{"id": i} for i in range(N)]
        assert ident(rows[17]) in hash_value(rows).components


class TestOrder:
    def test_tuple_and_mixed_keys_ignore_insertion_order(self) -> None:
        items = [((i, str(i)), i) for i in range(N)] + [(1.5, "f"), ("s", 2), (None, 3)]
        assert h(dict(items)) == h(dict(reversed(items)))

    def test_sets_of_tuples_ignore_order(self) -> None:
        items = [(i, f"w{i}", (i, b"x")) for i in range(N)]
        assert h(set(items)) == h(set(reversed(items)))
        assert h(frozenset(items)) == h(frozenset(reversed(items)))
        assert h(set(items)) != h(set(items[1:]))

    def test_several_nan_keys_still_hash_order_free(self) -> None:
        nan1, nan2 = float("nan"), float("nan")
        assert h({nan1: 1, nan2: 2, (1,): 3}) == h({(1,): 3, nan2: 2, nan1: 1})

    def test_dict_of_lists_token_counts(self) -> None:
        counts = {f"w{i}": [i, i + 1] for i in range(N)}
        before = h(counts)
        counts["w5"].append(9)
        assert h(counts) != before


class TestTimeBudget:
    def test_a_passed_deadline_stops_hashing_and_says_so(self) -> None:
        big = [[i] for i in range(300_000)]
        start = time.perf_counter()
        digest = hash_value(big, deadline=start + 0.005)
        assert time.perf_counter() - start < 0.25  # far below the full hash
        assert not digest.complete
        assert digest.summary["incomplete"] == ["time_budget"]

    def test_a_deadline_not_reached_changes_nothing(self) -> None:
        value = {"a": [[i] for i in range(N)]}
        far = time.perf_counter() + 60
        assert hash_value(value, deadline=far) == hash_value(value)


class Loud(type):
    """A metaclass whose comparisons and hash would be user code running during hashing."""

    calls = 0

    def __eq__(cls, other: object) -> bool:
        Loud.calls += 1
        raise AssertionError("a metaclass __eq__ ran")

    def __hash__(cls) -> int:
        Loud.calls += 1
        raise AssertionError("a metaclass __hash__ ran")


class Quiet(metaclass=Loud):
    pass


@pytest.mark.parametrize(
    "make",
    [
        lambda: [[i] for i in range(40)] + [Quiet()],  # the tree census meets it
        lambda: [Quiet() for _ in range(40)],
        lambda: [{"a": i} for i in range(40)] + [Quiet()],  # the records check meets it
        lambda: {(i,): Quiet() for i in range(40)},
        lambda: {Quiet(): 1, 2: 3},
        lambda: [1] * 20 + [Quiet()],  # the bulk scalar check meets it
    ],
)
def test_no_metaclass_code_runs_on_the_fast_routes(make: Any) -> None:
    Loud.calls = 0
    digest = hash_value(make())
    assert Loud.calls == 0 and digest.complete, digest


@pytest.mark.parametrize(
    "make",
    [
        lambda: [[i] for i in range(N)],
        lambda: {"a": [1, [2]], "b": bytearray(b"x"), (1, 2): {3}},
        lambda: [{"id": i, "tags": [i]} for i in range(50)],
        lambda: {(i, str(i)) for i in range(50)},
        lambda: [__import__("numpy").arange(5), [__import__("numpy").ones(3)]],
    ],
)
def test_reachable_lists_the_components_hash_value_does(make: Any) -> None:
    from jupyter_repro.recorder.state_hash import reachable

    value = make()
    assert reachable(value) == hash_value(value).components


def test_reachable_says_too_many_at_once() -> None:
    from jupyter_repro.recorder.state_hash import reachable

    start = time.perf_counter()
    assert -1 in (reachable([{"i": i} for i in range(300_000)]) or ())
    assert time.perf_counter() - start < 0.5
