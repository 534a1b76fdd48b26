"""The same cells in two real kernels with different hash seeds give equal, complete hashes.

Both kernels run the inline matplotlib backend, so figures are drawn (and closed) after the
cell that makes them, as in JupyterLab; a kernel's namespace is its ``__main__`` module, which
statsmodels' formula environments hold on to.
"""

from __future__ import annotations

import json
from pathlib import Path

from .kernels import collect, kernel, send

CELLS = [
    """
import json, random
import numpy as np, pandas as pd, pyarrow as pa
import matplotlib.pyplot as plt
from scipy import stats
import statsmodels.api as sm, statsmodels.formula.api as smf
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from jupyter_repro.recorder.state_hash import hash_value
rng = np.random.default_rng(0)
X = rng.normal(size=(300, 3))
y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(
    y=y, kind=pd.Categorical(rng.choice(list("xyz"), 300))
)
table = pa.Table.from_pandas(df)
""",
    """
fig, axes = plt.subplots(2, 2, figsize=(6, 6), layout="constrained")
axes[0, 0].plot(X[:50, 0], label="a"); axes[0, 0].legend()
axes[0, 1].scatter(X[:, 0], X[:, 1], c=y, cmap="viridis")
axes[1, 0].hist(X[:, 2], bins=12)
axes[1, 1].imshow(X[:9, :3].reshape(3, 9))
fig.suptitle("stability")
ax = axes[0, 0]
grid = plt.figure().subplots(8, 8)
undrawn = hash_value(fig).hash
""",
    """
logreg = LogisticRegression().fit(X, y)
forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
knn = KNeighborsClassifier().fit(X, y)
pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
ols = smf.ols("a ~ b + c + kind", data=df).fit()
ols.summary()
glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial()).fit()
dataset = sm.datasets.longley.load()
dist = stats.norm(1, 2)
gamma = stats.gamma(a=2.0)
before_draws = hash_value(dist).hash
""",
    """
np.random.random(10)  # the global generator advances: holders of it must not change
dist.rvs(size=3)
selfref = {"a": [1, 2]}
selfref["me"] = selfref
words = {f"w{i}" for i in range(300)}
pairs = {(i, str(i)) for i in range(300)}
counts = {f"w{i}": [i, i + 1] for i in range(500)}
records = [{"id": i, "name": f"n{i}", "x": i / 3} for i in range(500)]
nested = [[i, [i, str(i)]] for i in range(500)]
private_rng = random.Random(42)
array = X.T[::2]
series = df["a"]
""",
]
NAMES = (
    "df table fig axes ax grid logreg forest knn pipe ols glm dataset dist gamma selfref words "
    "pairs counts records nested private_rng array series"
).split()
REPORT = f"""
found = {{n: hash_value(globals()[n]) for n in {NAMES!r}}}
print(json.dumps({{
    "hashes": {{n: d.hash for n, d in found.items()}},
    "incomplete": [n for n, d in found.items() if not d.complete or d.unhashable],
    "undrawn": undrawn == found["fig"].hash,
    "draws": before_draws == found["dist"].hash,
}}))
"""


def test_the_same_cells_hash_the_same_in_two_kernels(tmp_path: Path) -> None:
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    first_env, second_env = {**env, "PYTHONHASHSEED": "1"}, {**env, "PYTHONHASHSEED": "4242"}
    with (
        kernel(tmp_path, None, name="python3", env=first_env) as (_, one),
        kernel(tmp_path, None, name="python3", env=second_env) as (_, two),
    ):
        for code in [*CELLS, REPORT]:  # both kernels work at once, cell by cell
            sent = send(one, code), send(two, code)
            replies = collect(one, sent[0]), collect(two, sent[1])
            assert [r.status for r in replies] == ["ok", "ok"], [r.error for r in replies]
    first, second = (json.loads(r.stdout) for r in replies)
    assert first["incomplete"] == [] and second["incomplete"] == []
    assert first["undrawn"] and first["draws"]  # drawing a figure, using the global RNG
    a, b = first["hashes"], second["hashes"]
    assert {n: a[n] for n in NAMES if a[n] != b[n]} == {}
    assert all(str(a[n]).startswith("xxh3:") for n in NAMES)
