"""Bad inputs to the lesson's modules: every one refused at the front door, by name.

One table, ``CASES``: ``(case_id, thunk, expected exception type, text the message must
contain)``, the text being the argument's name (or, for a rule checked by
``assert_rule_matches``, what the reader must read). A script imports ``CASES`` to count the
outcomes, so keep its shape.

Covers optlib.check, optlib.schedules, optlib.search, optlib.objectives, optlib.plotting and
optlib.widgets.
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optlib.check import assert_rule_matches, compare_rule  # noqa: E402
from optlib.models import LinearRegression  # noqa: E402
from optlib.objectives import Quadratic, Rosenbrock, Saddle  # noqa: E402
from optlib.optimizers import SGD, Momentum  # noqa: E402
from optlib.plotting import contour, loss_gap, plot_loss, plot_path  # noqa: E402
from optlib.schedules import (  # noqa: E402
    Constant,
    Cosine,
    Exponential,
    LinearWarmup,
    StepDecay,
    lr_range_test,
)
from optlib.search import (  # noqa: E402
    LogUniform,
    grid_search,
    kfold_splits,
    parameter_grid,
    random_search,
    sample_parameters,
)
from optlib.widgets import explore  # noqa: E402

NAN, INF = float("nan"), float("inf")
RNG = np.random.default_rng(0)
X_REG = RNG.standard_normal((40, 3))
Y_REG = X_REG @ np.array([1.0, -2.0, 0.5])
X_CLS = RNG.standard_normal((30, 4))
Y_CLS = np.arange(30) % 3
BOWL = Quadratic([1.0, 10.0])
LR = {"learning_rate": [0.05, 0.1]}


def sgd_rule(params, grads, memory):
    return params - 0.1 * grads


def old_buffer_rule(params, grads, memory, lr=0.1, mu=0.9):
    step = params - lr * memory.get("b", 0.0)
    memory["b"] = mu * memory.get("b", 0.0) + grads
    return step


def compare(**kwargs):
    return lambda: compare_rule(sgd_rule, SGD(learning_rate=0.1), **kwargs)


def rule_check(rule, optimizer=None):
    return lambda: assert_rule_matches(rule, optimizer or SGD(learning_rate=0.1))


def range_test(model=None, optimizer=None, **kwargs):
    kwargs = {"batch_size": 8, **kwargs}
    model = LinearRegression(3) if model is None else model
    optimizer = SGD() if optimizer is None else optimizer
    return lambda: lr_range_test(model, optimizer, X_REG, Y_REG, **kwargs)


def estimator():
    from optlib.estimators import SoftmaxRegression

    return SoftmaxRegression(epochs=1, random_state=0)


def grid(param_grid=None, est=None, **kwargs):
    param_grid = {"learning_rate": [0.1]} if param_grid is None else param_grid
    return lambda: grid_search(
        estimator() if est is None else est(), param_grid, X_CLS, Y_CLS, **{"cv": 3, **kwargs}
    )


def rand(space=None, **kwargs):
    space = {"learning_rate": LogUniform(1e-3, 1.0)} if space is None else space
    return lambda: random_search(estimator(), space, X_CLS, Y_CLS, **{"cv": 3, **kwargs})


def warns_as_error(thunk):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            thunk()

    return run


def ex(objective=BOWL, optimizer=SGD, x0=(1.0, 1.0), steps=10, **kwargs):
    kwargs = {"sliders": LR, **kwargs}
    return lambda: explore(objective, optimizer, x0, steps, **kwargs)


CASES = [
    # ---- optlib.check: compare_rule's arguments, then the rule's slips ----------------------
    ("check-rule-not-callable", lambda: compare_rule("p - lr * g", SGD()), TypeError, "rule"),
    ("check-optimizer-class", lambda: compare_rule(sgd_rule, SGD), TypeError, "optimizer"),
    ("check-optimizer-no-step", lambda: compare_rule(sgd_rule, object()), TypeError, "optimizer"),
    ("check-steps-0", compare(steps=0), ValueError, "steps"),
    ("check-steps-float", compare(steps=2.0), TypeError, "steps"),
    ("check-size-0", compare(size=0), ValueError, "size"),
    ("check-rtol-inf", compare(rtol=INF), ValueError, "rtol"),
    ("check-atol-negative", compare(atol=-1.0), ValueError, "atol"),
    ("check-seed-negative", compare(seed=-3), ValueError, "seed"),
    ("check-params-nan", compare(params=[1.0, NAN]), ValueError, "params"),
    ("check-params-empty", compare(params=[]), ValueError, "params"),
    ("check-params-strings", compare(params=["a"]), TypeError, "params"),
    (
        "check-rule-returns-none",
        rule_check(lambda p, g, m: None),
        AssertionError,
        "returned None at step 1: it probably forgot `return`",
    ),
    (
        "check-rule-wrong-shape",
        rule_check(lambda p, g, m: p[:2] - 0.1 * g[:2]),
        AssertionError,
        "returned shape (2,)",
    ),
    (
        "check-rule-int-array",
        rule_check(lambda p, g, m: np.zeros(p.shape, dtype=np.int64)),
        AssertionError,
        "dtype int64",
    ),
    (
        "check-rule-old-buffer",
        rule_check(old_buffer_rule, Momentum(learning_rate=0.1)),
        AssertionError,
        "uses the buffer before updating it",
    ),
    # ---- optlib.schedules ------------------------------------------------------------------
    ("schedule-constant-lr-0", lambda: Constant(0.0), ValueError, "learning_rate"),
    ("schedule-constant-lr-str", lambda: Constant("0.1"), TypeError, "learning_rate"),
    ("schedule-step-decay-every-float", lambda: StepDecay(0.1, every=2.5), TypeError, "every"),
    ("schedule-step-decay-factor", lambda: StepDecay(0.1, 2, factor=1.5), ValueError, "factor"),
    ("schedule-exponential-every-bool", lambda: Exponential(0.1, 0.5, True), TypeError, "every"),
    ("schedule-cosine-total-0", lambda: Cosine(0.1, total_steps=0), ValueError, "total_steps"),
    ("schedule-cosine-min-lr", lambda: Cosine(0.1, 10, min_lr=0.5), ValueError, "min_lr"),
    ("schedule-warmup-schedule", lambda: LinearWarmup("fast", 3), TypeError, "schedule"),
    ("schedule-warmup-steps-0", lambda: LinearWarmup(0.1, 0), ValueError, "warmup_steps"),
    ("schedule-call-negative", lambda: Cosine(0.1, 10)(-1), ValueError, "step"),
    ("schedule-call-float", lambda: StepDecay(0.1, 2)(1.5), TypeError, "step"),
    ("schedule-call-bool", lambda: Constant(0.1)(True), TypeError, "step"),
    ("range-test-start-0", range_test(start=0.0), ValueError, "start"),
    ("range-test-end-below-start", range_test(start=1.0, end=0.1), ValueError, "end"),
    ("range-test-steps-1", range_test(steps=1), ValueError, "steps"),
    ("range-test-smoothing-1", range_test(smoothing=1.0), ValueError, "smoothing"),
    ("range-test-batch-size-float", range_test(batch_size=8.0), TypeError, "batch_size"),
    ("range-test-optimizer-class", range_test(optimizer=SGD), TypeError, "optimizer"),
    ("range-test-model-class", range_test(model=LinearRegression), TypeError, "model"),
    # ---- optlib.search ---------------------------------------------------------------------
    ("search-grid-empty-dict", lambda: parameter_grid({}), ValueError, "param_grid"),
    ("search-grid-empty-list", lambda: parameter_grid([]), ValueError, "param_grid"),
    ("search-grid-empty-values", lambda: parameter_grid({"lr": []}), ValueError, "param_grid"),
    ("search-grid-not-a-list", lambda: parameter_grid({"lr": 0.1}), TypeError, "param_grid"),
    ("search-grid-search-empty", grid(param_grid={}), ValueError, "param_grid"),
    ("search-distributions-empty", rand(space={}), ValueError, "param_distributions"),
    (
        "search-distributions-empty-values",
        lambda: sample_parameters({"lr": []}, np.random.default_rng(0)),
        ValueError,
        "param_distributions",
    ),
    ("search-n-iter-0", rand(n_iter=0), ValueError, "n_iter"),
    ("search-n-iter-float", rand(n_iter=2.0), TypeError, "n_iter"),
    ("search-cv-1", grid(cv=1), ValueError, "cv"),
    ("search-cv-string", grid(cv="5"), TypeError, "cv"),
    ("search-cv-empty-fold", grid(cv=[(np.arange(30), [])]), ValueError, "cv"),
    ("search-scoring-string", grid(scoring="accuracy"), TypeError, "scoring"),
    ("search-random-state-string", grid(random_state="0"), TypeError, "random_state"),
    ("search-estimator-class", grid(est=lambda: type(estimator())), TypeError, "estimator"),
    ("search-kfold-n-splits-1", lambda: kfold_splits(Y_CLS, 1), ValueError, "n_splits"),
    ("search-kfold-too-many", lambda: kfold_splits(Y_CLS, 31), ValueError, "n_splits"),
    (
        "search-kfold-stratified",
        lambda: kfold_splits(Y_CLS, 3, stratified=1),
        TypeError,
        "stratified",
    ),
    (
        "search-kfold-small-class-warns",
        warns_as_error(lambda: kfold_splits(np.r_[np.zeros(9), 1, 1], 3)),
        UserWarning,
        "n_splits=3",
    ),
    ("search-loguniform-low-0", lambda: LogUniform(0.0, 1.0), ValueError, "low must"),
    ("search-loguniform-high-inf", lambda: LogUniform(1e-3, INF), ValueError, "high must"),
    # ---- optlib.objectives -----------------------------------------------------------------
    ("objective-eigenvalue-0", lambda: Quadratic([1.0, 0.0]), ValueError, "eigenvalues"),
    ("objective-eigenvalue-negative", lambda: Quadratic([-1.0, 2.0]), ValueError, "eigenvalues"),
    ("objective-eigenvalue-nan", lambda: Quadratic([1.0, NAN]), ValueError, "eigenvalues"),
    ("objective-eigenvalues-empty", lambda: Quadratic([]), ValueError, "eigenvalues"),
    ("objective-eigenvalues-strings", lambda: Quadratic(["1", "2"]), TypeError, "eigenvalues"),
    ("objective-minimizer-length", lambda: Quadratic([1.0, 2.0], [0.0]), ValueError, "minimizer"),
    ("objective-minimizer-nan", lambda: Quadratic([1.0, 2.0], [0.0, NAN]), ValueError, "minimizer"),
    ("objective-angle-3d", lambda: Quadratic([1.0, 2.0, 3.0], angle=0.1), ValueError, "angle"),
    ("objective-kappa-below-1", lambda: Quadratic.from_condition_number(0.5), ValueError, "kappa"),
    ("objective-dim-float", lambda: Quadratic.from_condition_number(10.0, 2.0), TypeError, "dim"),
    ("objective-rosenbrock-b-0", lambda: Rosenbrock(b=0.0), ValueError, "b must"),
    ("objective-saddle-curvature", lambda: Saddle(curvature=-1.0), ValueError, "curvature"),
    ("objective-value-x-3d", lambda: BOWL.value(np.zeros(3)), ValueError, "x must"),
    ("objective-grad-x-scalar", lambda: Rosenbrock().grad(1.0), ValueError, "x must"),
    ("objective-value-x-strings", lambda: Rosenbrock().value(["a", "b"]), TypeError, "x must"),
    ("objective-grad-x-none", lambda: BOWL.grad(None), TypeError, "x must"),
    # ---- optlib.plotting -------------------------------------------------------------------
    (
        "plot-contour-3d-objective",
        lambda: contour(Quadratic([1.0, 2.0, 3.0])),
        ValueError,
        "objective",
    ),
    ("plot-contour-not-objective", lambda: contour([1.0, 2.0]), TypeError, "objective"),
    ("plot-contour-window-length", lambda: contour(BOWL, window=((0, 1),)), ValueError, "window"),
    (
        "plot-contour-window-order",
        lambda: contour(BOWL, window=((1, 0), (0, 1))),
        ValueError,
        "window",
    ),
    (
        "plot-contour-window-nan",
        lambda: contour(BOWL, window=((0, NAN), (0, 1))),
        ValueError,
        "window",
    ),
    ("plot-contour-window-scalar", lambda: contour(BOWL, window=2.0), TypeError, "window"),
    ("plot-contour-ax", lambda: contour(BOWL, ax="left"), TypeError, "ax must"),
    ("plot-contour-levels-0", lambda: contour(BOWL, levels=0), ValueError, "levels"),
    ("plot-contour-resolution-1", lambda: contour(BOWL, resolution=1), ValueError, "resolution"),
    ("plot-path-1d", lambda: plot_path(np.zeros(5)), ValueError, "path"),
    ("plot-path-one-coordinate", lambda: plot_path(np.zeros((5, 1))), ValueError, "path"),
    ("plot-path-ax", lambda: plot_path(np.zeros((5, 2)), ax=plt), TypeError, "ax must"),
    ("plot-loss-ax", lambda: plot_loss(np.ones(5), ax=42), TypeError, "ax must"),
    ("plot-loss-gap-2d", lambda: loss_gap(np.ones((5, 2))), ValueError, "path"),
    ("plot-loss-gap-empty", lambda: loss_gap([]), ValueError, "path"),
    # ---- optlib.widgets --------------------------------------------------------------------
    ("widget-x0-length", ex(x0=[1.0, 1.0, 1.0]), ValueError, "x0"),
    ("widget-x0-nan", ex(x0=[1.0, NAN]), ValueError, "x0"),
    ("widget-x0-strings", ex(x0=["a", "b"]), TypeError, "x0"),
    (
        "widget-objective-3d",
        ex(objective=Quadratic([1.0, 2.0, 3.0]), x0=[1.0, 1.0, 1.0]),
        ValueError,
        "objective",
    ),
    ("widget-objective-class", ex(objective=Rosenbrock), TypeError, "objective"),
    ("widget-optimizer-instance", ex(optimizer=SGD()), TypeError, "optimizer"),
    ("widget-steps-0", ex(steps=0), ValueError, "steps"),
    ("widget-steps-float", ex(steps=10.0), TypeError, "steps"),
    ("widget-sliders-empty", ex(sliders={}), ValueError, "sliders"),
    ("widget-sliders-not-dict", ex(sliders=[0.1, 0.2]), TypeError, "sliders"),
    ("widget-slider-empty-list", ex(sliders={"learning_rate": []}), ValueError, "sliders"),
    ("widget-slider-one-value", ex(sliders={"learning_rate": [0.1]}), ValueError, "sliders"),
    ("widget-slider-strings", ex(sliders={"learning_rate": ["a", "b"]}), TypeError, "sliders"),
    ("widget-slider-nan", ex(sliders={"learning_rate": [0.1, NAN]}), ValueError, "sliders"),
    ("widget-slider-repeated", ex(sliders={"learning_rate": [0.1, 0.1]}), ValueError, "sliders"),
    ("widget-slider-unknown-name", ex(sliders={"lr": [0.1, 0.2]}), ValueError, "'lr'"),
    (
        "widget-slider-refused-value",
        ex(sliders={"learning_rate": [-0.1, 0.1]}),
        ValueError,
        "learning_rate",
    ),
    ("widget-start-not-in-grid", ex(start={"learning_rate": 0.07}), ValueError, "start"),
    ("widget-static-unknown", ex(static="momentum"), ValueError, "static"),
    ("widget-fixed-overlap", ex(fixed={"learning_rate": 0.1}), ValueError, "fixed"),
    ("widget-fixed-unknown", ex(fixed={"beta": 0.1}), ValueError, "fixed"),
    ("widget-title", ex(title=3), TypeError, "title"),
    ("widget-alt", ex(alt=["a path"]), TypeError, "alt must be a string or None"),
    ("widget-window-order", ex(window=((1.0, -1.0), (-1.0, 1.0))), ValueError, "window"),
    ("widget-window-nan", ex(window=((-1.0, 1.0), (NAN, 1.0))), ValueError, "window"),
]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_the_table_is_big_and_its_ids_unique():
    assert len(CASES) >= 60
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("thunk", "error", "name"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_input_is_refused_by_name(thunk, error, name):
    with pytest.raises(error) as info:
        thunk()
    assert name in str(info.value), f"{name!r} not in the message: {info.value}"
