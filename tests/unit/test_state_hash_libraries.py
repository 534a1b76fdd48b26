"""Library objects hash by what they are, not by their object graph; references stay references."""

from __future__ import annotations

import random
import sys
import time
import weakref
from typing import Any

import numpy as np
import pytest

from jupyter_repro.recorder.state_hash import hash_value


def h(value: object) -> str:
    digest = hash_value(value)
    assert digest.complete, digest
    return digest.hash


class TestGenericRules:
    def test_a_dict_that_is_its_own_namespace_hashes_completely(self) -> None:
        class Bunch(dict[str, Any]):
            def __init__(self, **kw: Any) -> None:
                super().__init__(kw)
                self.__dict__ = self

        assert h(Bunch(a=1, b=[2])) == h(Bunch(b=[2], a=1))
        assert h(Bunch(a=1, b=[2])) != h(Bunch(a=1, b=[3]))

    def test_a_module_namespace_is_a_reference(self) -> None:
        holder = {"env": vars(sys.modules[__name__])}
        before = h(holder)
        globals()["_scratch"] = object()
        try:
            assert h(holder) == before
        finally:
            del globals()["_scratch"]

    def test_maps_keyed_by_id_hash_by_their_values(self) -> None:
        class Node:
            pass

        a, b = Node(), Node()
        first = {id(a): weakref.ref(a)}
        second = {id(b): weakref.ref(b)}  # another address, the same kind of content
        assert h(first) == h(second)
        assert h({id(a): a}) == h({id(b): b})

    def test_weak_containers_never_reach_a_hash(self) -> None:
        class Node:
            pass

        keep = Node()
        cache: weakref.WeakValueDictionary[str, Node] = weakref.WeakValueDictionary(k=keep)
        assert hash_value(cache).unhashable
        assert h({"c": cache}) == h({"c": weakref.WeakValueDictionary()})

    def test_the_global_random_generators_are_references(self) -> None:
        holder = {"py": random._inst, "np": np.random.mtrand._rand}  # type: ignore[attr-defined]
        before = h(holder)
        random.random()
        np.random.random()
        assert h(holder) == before

    def test_a_private_generator_hashes_by_its_state(self) -> None:
        rng = random.Random(1)
        before = h(rng)
        assert h(random.Random(1)) == before
        rng.random()
        assert h(rng) != before
        state = np.random.RandomState(3)
        before = h(state)
        state.random()
        assert h(state) != before

    def test_vectorize_hashes_what_it_wraps_not_its_cache(self) -> None:
        def double(x: float) -> float:
            return 2 * x

        vec = np.vectorize(double)
        before = h(vec)
        vec(np.arange(3))
        assert h(vec) == before


class TestScipy:
    def test_a_frozen_distribution_survives_the_global_generator(self) -> None:
        from scipy import stats

        dist = stats.norm(1, 2)
        before = h(dist)
        np.random.random(5)
        dist.rvs(size=3)
        assert h(dist) == before
        assert h(stats.norm(1, 2)) == before
        assert h(stats.norm(1, 3)) != before

    def test_scipy_s_own_distributions_are_references(self) -> None:
        from scipy import stats

        assert h(stats.norm) != h(stats.gamma)
        assert hash_value(stats.norm).summary == {}


class TestSklearn:
    def data(self, seed: int) -> tuple[Any, Any]:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(80, 3))
        return x, (x[:, 0] > 0).astype(int)

    def test_a_forest_refit_on_other_data_changes_its_hash(self) -> None:
        from sklearn.ensemble import RandomForestClassifier

        def fit(seed: int) -> Any:
            return RandomForestClassifier(n_estimators=3, random_state=0).fit(*self.data(seed))

        assert h(fit(0)) == h(fit(0))
        assert h(fit(0)) != h(fit(1))  # the trees live in C: hashed through their own pickling

    def test_neighbours_hash_their_training_data(self) -> None:
        from sklearn.neighbors import KNeighborsClassifier

        a = KNeighborsClassifier().fit(*self.data(0))
        b = KNeighborsClassifier().fit(*self.data(1))
        assert h(a) != h(b)
        assert h(KNeighborsClassifier(n_neighbors=3)) != h(KNeighborsClassifier())

    def test_a_pipeline_hashes_its_steps(self) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        x, y = self.data(0)
        pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
        again = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
        assert h(pipe) == h(again)
        assert h(pipe) != h(make_pipeline(StandardScaler(), LogisticRegression(C=2)).fit(x, y))

    def test_parameters_are_those_of_the_constructor_even_one_replaced_later(self) -> None:
        """Parameter names are read once per class (sklearn asks inspect.signature at every
        get_params); a class whose __init__ is replaced later has its new ones read."""
        from sklearn.base import BaseEstimator

        class Model(BaseEstimator):
            def __init__(self, alpha: float = 1.0) -> None:
                self.alpha = alpha

        model = Model()
        model.beta = 1.0  # not a parameter yet: learned state
        before = h(model)
        assert h(model) == before  # the cached names give the same hash

        def init(self: Any, alpha: float = 1.0, beta: float = 1.0) -> None:
            self.alpha, self.beta = alpha, beta

        Model.__init__ = init  # type: ignore[method-assign]
        assert h(model) != before  # beta moved from learned state to the parameters


class TestStatsmodels:
    def test_looking_at_results_does_not_change_them(self) -> None:
        import statsmodels.api as sm

        x, y = np.random.default_rng(0).normal(size=(50, 2)), np.arange(50.0)
        results = sm.OLS(y, sm.add_constant(x)).fit()
        before = h(results)
        results.summary()
        results.predict()
        assert results._results._cache  # statsmodels filled its caches...
        assert h(results) == before  # ...which are not part of the value
        assert h(sm.OLS(y, sm.add_constant(x)).fit()) == before
        assert h(sm.OLS(y[::-1], sm.add_constant(x)).fit()) != before

    def test_datasets_hash_completely(self) -> None:
        import statsmodels.api as sm

        assert h(sm.datasets.longley.load()) == h(sm.datasets.longley.load())


class TestMatplotlib:
    @pytest.fixture(autouse=True)
    def agg(self) -> Any:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        yield
        plt.close("all")

    def test_a_figure_hashes_the_same_drawn_or_not(self) -> None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(2, 2, layout="constrained")
        axes[0, 0].plot([1, 2, 3], label="a")
        axes[0, 0].legend()
        axes[0, 1].scatter([1, 2], [3, 4], c=[1, 2])
        axes[1, 0].bar(["x", "y"], [1, 2])
        axes[1, 1].imshow(np.eye(3))
        fig.suptitle("all")
        before = h(fig)
        fig.canvas.draw()
        assert h(fig) == before

    def test_what_a_figure_draws_changes_its_hash(self) -> None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        (line,) = ax.plot([1, 2, 3])
        hashes = {h(fig)}
        line.set_color("red")
        hashes.add(h(fig))
        ax.set_title("t")
        hashes.add(h(fig))
        line.set_ydata([3, 2, 1])
        hashes.add(h(fig))
        ax.set_xlim(0, 10)
        hashes.add(h(fig))
        assert len(hashes) == 5

    def test_hashing_leaves_the_limits_to_drawing_and_hashes_how_they_are_decided(self) -> None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3)
        for ax in axes:
            ax.plot([1, 2, 3], [4, 5, 9])
        axes[1].set_xlim(0, 10)  # fixed limits hash as numbers
        axes[2].margins(x=0.3)  # how autoscaling will decide them hashes too
        first = h(fig)
        # Hashing did not make matplotlib autoscale (as costly as the hashing, for a figure
        # never drawn): the limits are still to be computed when the figure is drawn.
        assert axes[0]._stale_viewlims["x"] and axes[0]._stale_viewlims["y"]
        axes[1].set_xlim(0, 11)
        second = h(fig)
        axes[1].set_xlim(0, 10)
        axes[2].margins(x=0.1)
        third = h(fig)
        assert len({first, second, third}) == 3
        axes[2].margins(x=0.3)
        fig.canvas.draw()  # autoscaled now: the same figure, the same hash
        assert h(fig) == first

    def test_a_figure_and_its_axes_in_two_variables_read_each_axes_once(self) -> None:
        import matplotlib.pyplot as plt

        from jupyter_repro.recorder.hashing import _matplotlib
        from jupyter_repro.recorder.state_hash import shared_reads

        fig, axes = plt.subplots(3, 3)
        for i, ax in enumerate(axes.flat):
            ax.plot(np.arange(5.0) * i)
        alone = [hash_value(v) for v in (axes, fig)]
        reads = []
        original = _matplotlib._Gather._axes

        def counted(gather: Any, ax: Any) -> Any:
            reads.append(ax)
            return original(gather, ax)

        _matplotlib._Gather._axes = counted  # type: ignore[method-assign]
        try:
            with shared_reads():
                shared = [hash_value(v) for v in (axes, fig)]
        finally:
            _matplotlib._Gather._axes = original  # type: ignore[method-assign]
        assert len(reads) == 9  # not 18
        assert [d.hash for d in shared] == [d.hash for d in alone]
        # What the axes reach is still listed for the figure read second (mutation tracking).
        from jupyter_repro.recorder.state_hash import identity_key

        data = {identity_key(line.get_ydata(orig=True)) for ax in axes.flat for line in ax.lines}
        assert data <= shared[1].components and data <= alone[1].components

    def test_a_64_subplot_figure_hashes_in_milliseconds(self) -> None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(8, 8)
        for i, ax in enumerate(axes.flat):
            ax.plot(np.arange(50), np.sin(np.arange(50) / (i + 1)))
        h(fig)
        start = time.perf_counter()
        h(fig)
        h(axes)
        assert time.perf_counter() - start < 0.5  # about 20 ms; was 2 s each


LAZY = """
import sys
import matplotlib, scipy.sparse
from jupyter_repro.recorder.state_hash import hash_value
digests = [hash_value(v) for v in (matplotlib.rcParams, scipy.sparse.eye(3))]
assert all(d.hash for d in digests)
wanted = ("matplotlib.figure", "matplotlib.pyplot", "scipy.stats")
print(sorted(m for m in wanted if m in sys.modules))
"""


def test_hashing_never_imports_a_library_module_the_user_did_not() -> None:
    import subprocess

    found = subprocess.run(
        [sys.executable, "-c", LAZY], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == "[]", found.stderr


def test_a_module_hashes_by_its_release_without_reading_every_installed_package() -> None:
    """A module without ``__version__`` in its namespace (matplotlib's is computed on access;
    ``attr``'s distribution is ``attrs``) hashes by its release: the version file the package
    was built with, else its distribution's version, found by name first (the map of every
    installed distribution took 1.4 s on the cell that imported matplotlib.pyplot). matplotlib
    never reaches the metadata (5 ms on the first cell holding a figure)."""
    import importlib.metadata
    import subprocess

    code = (
        "import time, attr, matplotlib.pyplot as plt\n"
        "from jupyter_repro.recorder.hashing import _versions\n"
        "v = _versions.module_version(plt)\n"
        "asked = _versions._installed_version.cache_info().currsize\n"
        "built = _versions._distributions.cache_info().currsize\n"
        "print(v, asked, built, _versions.module_version(attr))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        importlib.metadata.version("matplotlib"),
        "0",
        "0",
        importlib.metadata.version("attrs"),
    ]


def _fitted_forest() -> Any:
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier

    X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    return RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)


def _fitted_logit() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(np.eye(4), [0, 1, 0, 1])


def _figure() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, other) = plt.subplots(1, 2)
    ax.plot([1, 2, 3], label="a")
    ax.legend()
    fig.colorbar(other.imshow(np.eye(3)))
    fig.suptitle("t")
    return fig


def _frame() -> Any:
    import pandas as pd

    return pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]}, index=pd.Index([3, 4], name="k"))


def _ols() -> Any:
    import pandas as pd
    import statsmodels.formula.api as smf

    data = pd.DataFrame({"x": np.arange(20.0), "y": np.arange(20.0) ** 1.5})
    return smf.ols("y ~ x", data=data).fit()


@pytest.mark.parametrize(
    "make",
    [
        _fitted_forest,
        _fitted_logit,
        lambda: np.random.default_rng(0),
        lambda: np.random.RandomState(0),
        _figure,
        _frame,
        _ols,
    ],
    ids=["forest", "logistic", "generator", "random_state", "figure", "frame", "ols"],
)
def test_only_the_values_own_objects_are_listed_as_components(make: Any) -> None:
    # Temporaries a handler makes (a dict of parameters, a state read out) die after the hash,
    # and their ids come back as other objects': listed, they made unrelated values look
    # shared, and a cell touching one rehashed the other (a 30 ms forest, each time).
    value = make()
    first = hash_value(value).components
    churn = [[i] for i in range(5000)]  # new objects take the freed ids
    assert hash_value(value).components == first
    del churn
