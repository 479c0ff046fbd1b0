"""optlib: the small, tested optimizer library behind the book.

Everything a chapter or an exercise needs is re-exported here, so
``from optlib import Adam, minimize`` works; each module holds one job.
"""

# The one source of the version: pyproject.toml reads it from here.
__version__ = "0.2.0"

__all__: list[str] = []

from optlib.optimizers import (  # noqa: E402
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
)

__all__ += ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"]

from optlib.beyond_adam import (  # noqa: E402
    Adadelta,
    Adafactor,
    Adamax,
    Lion,
    Muon,
    NAdam,
    RAdam,
    newton_schulz,
)

__all__ += ["Adadelta", "Adamax", "NAdam", "RAdam", "Adafactor", "Muon", "Lion", "newton_schulz"]

from optlib.blocks import Blocks  # noqa: E402

__all__ += ["Blocks"]

from optlib.check import assert_rule_matches, compare_rule  # noqa: E402

__all__ += ["assert_rule_matches", "compare_rule"]

from optlib import objectives  # noqa: E402
from optlib.objectives import Beale, Booth, Himmelblau, Quadratic, Rosenbrock, Saddle  # noqa: E402

__all__ += ["objectives", "Beale", "Booth", "Himmelblau", "Quadratic", "Rosenbrock", "Saddle"]

from optlib.train import History, Path, fit, minimize  # noqa: E402

__all__ += ["History", "Path", "fit", "minimize"]

# Models and data. The flat name SoftmaxRegression is the scikit-learn estimator of
# optlib.estimators; the model it trains (a loss and a gradient) is models.LinearClassifier.
from optlib import data, datasets, memmap, models  # noqa: E402
from optlib.data import minibatches  # noqa: E402
from optlib.datasets import (  # noqa: E402
    load_digits,
    load_iris,
    make_classification,
    make_regression,
)
from optlib.memmap import open_memmap, to_memmap  # noqa: E402
from optlib.models import MLP, LinearClassifier, LinearRegression, gradient_check  # noqa: E402

__all__ += ["data", "datasets", "memmap", "models"]
__all__ += ["load_digits", "load_iris", "make_classification"]
__all__ += ["make_regression", "minibatches", "open_memmap", "to_memmap"]
__all__ += ["MLP", "LinearClassifier", "LinearRegression", "gradient_check"]

# Learning-rate schedules, the LR range test (chapter 8) and the searches written from scratch
# (chapter 9).
from optlib import schedules, search  # noqa: E402
from optlib.schedules import (  # noqa: E402
    Constant,
    Cosine,
    Exponential,
    LinearWarmup,
    LRRangeResult,
    StepDecay,
    constant,
    cosine,
    exponential,
    linear_warmup,
    lr_range_test,
    step_decay,
)
from optlib.search import LogUniform, SearchResult, Trial, grid_search, random_search  # noqa: E402

__all__ += ["schedules", "Constant", "StepDecay", "Exponential", "Cosine", "LinearWarmup"]
__all__ += ["constant", "step_decay", "exponential", "cosine", "linear_warmup"]
__all__ += ["lr_range_test", "LRRangeResult"]
__all__ += ["search", "grid_search", "random_search", "LogUniform", "SearchResult", "Trial"]

# The scikit-learn estimators (chapter 9). optlib.estimators imports scikit-learn, about two
# seconds, so it is loaded on first use (PEP 562): ``from optlib import SoftmaxRegression`` and
# ``optlib.estimators`` work as usual, and ``import optlib`` stays fast.
_LAZY = {"estimators": None, "SoftmaxRegression": "estimators", "MLPClassifier": "estimators"}
__all__ += ["estimators", "SoftmaxRegression", "MLPClassifier"]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'optlib' has no attribute {name!r}")
    import importlib

    module = importlib.import_module("optlib.estimators")
    value = module if _LAZY[name] is None else getattr(module, name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
