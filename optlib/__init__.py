"""optlib: the small, tested optimizer library behind the book.

Everything a chapter or an exercise needs is re-exported here, so
``from optlib import Adam, minimize`` works; each module holds one job.
"""

__all__: list[str] = []

from optlib.optimizers import (  # noqa: E402
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    RMSProp,
)

__all__ += ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"]

from optlib.check import assert_rule_matches, compare_rule  # noqa: E402

__all__ += ["assert_rule_matches", "compare_rule"]

from optlib import objectives  # noqa: E402
from optlib.objectives import Beale, Booth, Himmelblau, Quadratic, Rosenbrock, Saddle  # noqa: E402

__all__ += ["objectives", "Beale", "Booth", "Himmelblau", "Quadratic", "Rosenbrock", "Saddle"]

from optlib.train import History, Path, fit, minimize  # noqa: E402

__all__ += ["History", "Path", "fit", "minimize"]

# Models and data. optlib.models.SoftmaxRegression (a loss and gradient) is not re-exported:
# the flat name SoftmaxRegression belongs to the scikit-learn estimator of optlib.estimators.
from optlib import data, models  # noqa: E402
from optlib.data import (  # noqa: E402
    load_digits,
    load_iris,
    make_classification,
    make_regression,
    minibatches,
    open_memmap,
    to_memmap,
)
from optlib.models import MLP, LinearRegression, gradient_check  # noqa: E402

__all__ += ["data", "models", "load_digits", "load_iris", "make_classification"]
__all__ += ["make_regression", "minibatches", "open_memmap", "to_memmap"]
__all__ += ["MLP", "LinearRegression", "gradient_check"]
