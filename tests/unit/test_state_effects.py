"""Static recognition of what a cell does to hidden global state (``code_analysis``)."""

from __future__ import annotations

import pytest

from jupyter_repro.code_analysis.global_state import STATE_KINDS
from jupyter_repro.code_analysis.state_effects import SessionNames, StateEffects
from jupyter_repro.code_analysis.state_refs import state_refs


def effects(*cells: str) -> StateEffects:
    """The effects of the last cell, after the earlier ones ran in the same session."""
    names = SessionNames()
    found = StateEffects()
    for code in cells:
        found = names.effects(code)
    return found


@pytest.mark.parametrize(
    ("code", "sets", "seeds"),
    [
        ("import random\nrandom.seed(101)", {"rng:random": "random.seed"}, "rng:random"),
        ("from random import seed\nseed(1)", {"rng:random": "seed"}, "rng:random"),
        ("import torch\ng = torch.manual_seed(0)", {"rng:torch": "torch.manual_seed"}, "rng:torch"),
        ("import tensorflow as tf\ntf.random.set_seed(1)",
         {"rng:tensorflow": "tf.random.set_seed"}, "rng:tensorflow"),
        ("from transformers import set_seed\nset_seed(3)",
         dict.fromkeys(["rng:random", "rng:numpy", "rng:torch"], "set_seed"),
         "rng:random rng:numpy rng:torch"),
        ("import random\nrandom.seed()", {"rng:random": "random.seed"}, ""),  # from the OS
        ("import random\nif go:\n    random.seed(1)", {"rng:random": "random.seed"}, ""),
        ("import random\nx = [random.seed(1)]", {"rng:random": "random.seed"}, ""),
        ("%time random.seed(1)", {"rng:random": "random.seed"}, ""),
        ("import numpy as np\nrng = np.random.default_rng(0)", {}, ""),  # an ordinary variable
        ("import pandas as pd\nwith pd.option_context('display.max_rows', 3):\n    show()", {}, ""),
        ("%matplotlib inline\n%config InlineBackend.figure_format = 'retina'", {}, ""),
        ("%cd data", {"cwd": "%cd"}, ""),
        ("import os\nos.chdir('..')", {"cwd": "os.chdir"}, ""),
        ("import os\ndel os.environ['A']", {"env": "os.environ[...] ="}, ""),
        ("%env", {}, ""),
        ("import sys\nsys.path += ['lib']", {"sys.path": "sys.path ="}, ""),
        ("import sys\nsys.path.insert(0, 'lib')", {"sys.path": "sys.path.insert"}, ""),
        ("import warnings\nwarnings.simplefilter('ignore')",
         {"warnings": "warnings.simplefilter"}, ""),
        ("plt.rcParams['font.size'] = 8", {"matplotlib": "plt.rcParams[...] ="}, ""),
        ("import pandas as pd\npd.options.mode.copy_on_write = True",
         {"pandas": "pd.options.mode.copy_on_write ="}, ""),
        ("import torch\ntorch.backends.cudnn.deterministic = True",
         {"torch": "torch.backends.cudnn.deterministic ="}, ""),
        ("def setup():\n    os.chdir('data')", {}, ""),  # sets where it is called
        ("def setup():\n    os.chdir('data')\nsetup()", {"cwd": "setup(), which calls os.chdir"},
         ""),
    ],
)  # fmt: skip
def test_setters_and_outright_seeds(code, sets, seeds):
    found = effects(code)

    assert dict(found.sets) == {f"state:{k}": v for k, v in sets.items()}
    assert found.seeds == {f"state:{k}" for k in seeds.split()}


@pytest.mark.parametrize(
    ("earlier", "code", "seeds"),
    [
        ("import numpy as np", "np.random.seed(0)", "numpy"),
        ("import numpy.random as npr", "npr.seed(0)", "numpy"),
        ("import random", "random.seed(0)", "random"),
        ("from numpy import random", "random.seed(0)", "numpy"),  # numpy's, not the module
        ("import random\nrandom = MyRandom()", "random.seed(0)", ""),  # rebound
        ("import random", "random = MyRandom()\nrandom.seed(0)", ""),
        ("import random", "import random\nrandom = MyRandom()\nrandom.seed(0)", ""),
        ("np = None", "np.random.seed(0)", ""),
    ],
)
def test_names_stand_for_what_the_sessions_imports_bound(earlier, code, seeds):
    found = effects(earlier, code)

    assert found.seeds == {f"state:rng:{name}" for name in seeds.split()}


@pytest.mark.parametrize(
    ("code", "drawn_first"),
    [
        ("np.random.seed(0)\nx = np.random.rand()", False),
        ("x = np.random.rand()\nnp.random.seed(0)", True),
        ("x = make()\nnp.random.seed(0)", True),
        ("%matplotlib inline\nnp.random.seed(0)", False),  # a magic that runs no code
        ("torch.manual_seed(0)\nrandom.seed(0)\nnp.random.seed(0)", False),  # other seeds
        ("def f():\n    return np.random.rand()\nnp.random.seed(0)", False),  # not called
    ],
)
def test_a_seed_reads_the_state_before_only_if_a_call_came_first(code, drawn_first):
    found = effects("import numpy as np\nimport random\nimport torch", code)

    assert "state:rng:numpy" in found.seeds
    assert ("state:rng:numpy" in found.drawn_first) is drawn_first


@pytest.mark.parametrize(
    ("code", "reads"),
    [
        ("x = 1", ""),
        ("import helpers", "sys.path"),
        ("def f():\n    import helpers", "sys.path"),
        ("df.plot(kind='bar')", "matplotlib"),
        ("import seaborn as sns\nsns.histplot(df)", "matplotlib sys.path"),
        ("t = pd.DataFrame()", "pandas"),
        ("y = np.ones(2)", "numpy rng:numpy"),
        ("%run other.py", "sys.path"),
        ("x = random.random()", "rng:random"),
    ],
)
def test_what_the_code_reads(code, reads):
    everyone = {k.key for k in STATE_KINDS if k.reads.everyone}
    found = effects(code)

    assert found.reads - everyone == {f"state:{k}" for k in reads.split()}


def test_code_that_does_not_parse_does_nothing():
    assert effects("x = = 1") == StateEffects()


def test_references_spell_dotted_calls_and_targets_with_their_place():
    refs = state_refs("import os\nos.chdir('a')\nif x:\n    f(os.environ['A'])\nd.c().p[0] = 1")

    assert refs is not None
    calls = [(r.text, r.top) for r in refs.calls]
    assert calls == [("os.chdir", True), ("f", False), ("d.c", False)]
    assert [r.text for r in refs.stores] == ["d.c().p[]"]
    assert refs.imports == {"os": "os"}
