"""optlib.schedules: hand-computed schedules, composition with fit, and the LR range test."""

import dataclasses
import math

import numpy as np
import pytest

from optlib.datasets import load_digits, load_iris, make_regression
from optlib.models import MLP, LinearClassifier, LinearRegression
from optlib.optimizers import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp
from optlib.schedules import (
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
from optlib.train import fit

# --------------------------------------------------------------------------------------------
# Schedules, by hand
# --------------------------------------------------------------------------------------------


def test_constant():
    s = Constant(0.05)
    assert [s(t) for t in (0, 1, 10**6)] == [0.05, 0.05, 0.05]
    assert isinstance(s(0), float)


def test_step_decay_drops_at_multiples_of_every():
    s = StepDecay(0.8, every=3, factor=0.5)
    assert [s(t) for t in range(7)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2]
    assert StepDecay(1.0, every=5)(5) == pytest.approx(0.1)  # default factor 0.1
    assert StepDecay(1.0, every=1, factor=1.0)(100) == 1.0


def test_exponential_is_the_smooth_step_decay():
    s = Exponential(2.0, factor=0.9)
    assert [s(t) for t in range(3)] == pytest.approx([2.0, 1.8, 1.62])
    slow = Exponential(1.0, factor=0.5, every=10)
    stair = StepDecay(1.0, every=10, factor=0.5)
    for t in (0, 10, 20, 30):  # they agree at the multiples of every ...
        assert slow(t) == pytest.approx(stair(t))
    assert slow(5) == pytest.approx(math.sqrt(0.5))  # ... and the smooth one sits between
    assert stair(10) < slow(5) < stair(0)


def test_cosine_hand_values_and_floor():
    s = Cosine(1.0, total_steps=10, min_lr=0.1)
    assert s(0) == 1.0
    assert s(5) == pytest.approx(0.55)  # half-way: the mean of the two ends
    assert s(10) == pytest.approx(0.1)
    assert s(11) == s(1000) == pytest.approx(0.1)  # stays at the floor after total_steps
    assert s(1) == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi / 10)))
    values = [s(t) for t in range(11)]
    assert all(a > b for a, b in zip(values, values[1:], strict=False))  # strictly decreasing
    assert Cosine(0.3, total_steps=4)(4) == 0.0  # default min_lr 0


def test_linear_warmup_ramps_then_hands_over_shifted():
    inner = Cosine(1.0, total_steps=4)
    s = LinearWarmup(inner, warmup_steps=4)
    assert [s(t) for t in range(4)] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert [s(t) for t in range(4, 10)] == pytest.approx([inner(t) for t in range(6)])
    assert s(8) == pytest.approx(0.0)  # the cosine ends w + T steps in


def test_linear_warmup_accepts_a_number_and_one_step():
    s = LinearWarmup(0.2, warmup_steps=2)
    assert s.schedule == Constant(0.2)
    assert [s(t) for t in range(4)] == pytest.approx([0.1, 0.2, 0.2, 0.2])
    assert LinearWarmup(0.2, warmup_steps=1)(0) == pytest.approx(0.2)


def test_lowercase_names_are_the_classes():
    assert (constant, step_decay, exponential, cosine, linear_warmup) == (
        Constant,
        StepDecay,
        Exponential,
        Cosine,
        LinearWarmup,
    )
    s = linear_warmup(cosine(0.1, total_steps=100), warmup_steps=10)
    assert repr(s).startswith("LinearWarmup(schedule=Cosine(learning_rate=0.1")


def test_schedules_are_frozen_and_hashable():
    s = StepDecay(0.1, every=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.factor = 0.5
    assert s == StepDecay(0.1, every=2) and hash(s) == hash(StepDecay(0.1, every=2))


@pytest.mark.parametrize(
    ("make", "error", "name"),
    [
        (lambda: Constant(0.0), ValueError, "learning_rate"),
        (lambda: Constant(-1.0), ValueError, "learning_rate"),
        (lambda: Constant(float("nan")), ValueError, "learning_rate"),
        (lambda: Constant("0.1"), TypeError, "learning_rate"),
        (lambda: StepDecay(0.1, every=0), ValueError, "every"),
        (lambda: StepDecay(0.1, every=2.5), TypeError, "every"),
        (lambda: StepDecay(0.1, every=2, factor=1.5), ValueError, "factor"),
        (lambda: StepDecay(0.1, every=2, factor=0.0), ValueError, "factor"),
        (lambda: Exponential(0.1, factor=-0.5), ValueError, "factor"),
        (lambda: Exponential(0.1, factor=0.5, every=True), TypeError, "every"),
        (lambda: Cosine(0.1, total_steps=0), ValueError, "total_steps"),
        (lambda: Cosine(0.1, total_steps=10, min_lr=0.2), ValueError, "min_lr"),
        (lambda: Cosine(0.1, total_steps=10, min_lr=-0.1), ValueError, "min_lr"),
        (lambda: LinearWarmup(Constant(0.1), warmup_steps=0), ValueError, "warmup_steps"),
        (lambda: LinearWarmup("fast", warmup_steps=3), TypeError, "schedule"),
        (lambda: LinearWarmup(float("nan"), warmup_steps=3), ValueError, "schedule"),
        (lambda: LinearWarmup(-0.1, warmup_steps=3), ValueError, "schedule"),
    ],
)
def test_bad_parameters_are_named(make, error, name):
    with pytest.raises(error, match=name):
        make()


@pytest.mark.parametrize(
    ("step", "error"),
    [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError), (None, TypeError)],
)
@pytest.mark.parametrize(
    "schedule",
    [
        Constant(0.1),
        StepDecay(0.1, every=2),
        Exponential(0.1, factor=0.5),
        Cosine(0.1, total_steps=10),
        LinearWarmup(0.1, warmup_steps=2),
    ],
    ids=lambda s: type(s).__name__,
)
def test_bad_steps_are_rejected(schedule, step, error):
    with pytest.raises(error, match=r"^step must be an integer"):
        schedule(step)


def test_numpy_integer_steps_work():
    assert StepDecay(1.0, every=2, factor=0.5)(np.int64(4)) == 0.25


# --------------------------------------------------------------------------------------------
# Composition with fit and every optimizer
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "optimizer",
    [SGD(), Momentum(), Nesterov(), AdaGrad(), RMSProp(), Adam(), AdamW()],
    ids=lambda o: type(o).__name__,
)
def test_any_schedule_drives_any_optimizer_through_fit(optimizer):
    X, y = load_iris()
    sched = LinearWarmup(StepDecay(0.05, every=7, factor=0.5), warmup_steps=3)
    h = fit(
        LinearClassifier(4, 3),
        optimizer,
        X,
        y,
        batch_size=50,
        epochs=6,
        rng=0,
        schedule=sched,
        progress=False,
    )
    assert h.n_steps == 18
    assert h.learning_rate == pytest.approx([sched(t) for t in range(18)])
    assert h.epoch_loss[-1] < h.epoch_loss[0]


def test_a_schedule_changes_the_steps_exactly_as_a_manual_loop():
    """fit with a schedule == plain GD steps with the scheduled rates, computed by hand."""
    X, y = make_regression(40, 2, seed=1)
    model = LinearRegression(2)
    sched = Exponential(0.3, factor=0.5)
    h = fit(
        model, SGD(), X, y, batch_size=40, epochs=3, shuffle=False, schedule=sched, progress=False
    )
    theta = np.zeros(3)
    for t in range(3):
        theta = theta - sched(t) * model.grad(theta, X, y)
    assert np.allclose(h.params, theta)


# --------------------------------------------------------------------------------------------
# The learning-rate range test
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regression():
    return make_regression(200, 3, seed=0)


def test_range_test_sweeps_exponentially_and_stops_on_divergence(regression):
    X, y = regression
    res = lr_range_test(LinearRegression(3), SGD(), X, y, batch_size=16, rng=0)
    assert isinstance(res, LRRangeResult)
    assert res.diverged and "exceeded 4 x" in res.message
    n = len(res.learning_rates)
    assert 2 < n < 100  # stopped before the end of the sweep
    assert len(res.losses) == len(res.smoothed_losses) == n
    assert res.learning_rates[0] == pytest.approx(1e-7)
    ratios = res.learning_rates[1:] / res.learning_rates[:-1]
    assert np.allclose(ratios, (10 / 1e-7) ** (1 / 99))  # exponential steps, 100 from 1e-7 to 10
    # the last point is the one that blew up: above 4 x the best before it
    assert res.smoothed_losses[-1] > 4 * res.smoothed_losses[:-1].min()
    assert np.all(res.smoothed_losses[:-1] <= 4 * np.minimum.accumulate(res.smoothed_losses[:-1]))


def test_range_test_smoothing_is_a_bias_corrected_ema(regression):
    X, y = regression
    res = lr_range_test(LinearRegression(3), SGD(), X, y, batch_size=16, rng=0, smoothing=0.9)
    avg = 0.0
    for i, loss in enumerate(res.losses):
        avg = 0.9 * avg + 0.1 * loss
        assert res.smoothed_losses[i] == pytest.approx(avg / (1 - 0.9 ** (i + 1)))
    assert res.smoothed_losses[0] == res.losses[0]  # bias correction: no pull towards 0
    raw = lr_range_test(LinearRegression(3), SGD(), X, y, batch_size=16, rng=0, smoothing=0)
    assert np.array_equal(raw.smoothed_losses, raw.losses)


def test_range_test_suggestion_is_a_tenth_of_the_minimum(regression):
    X, y = regression
    res = lr_range_test(LinearRegression(3), Momentum(), X, y, batch_size=16, rng=0, steps=60)
    skip = 60 // 10
    i_min = skip + int(np.argmin(res.smoothed_losses[skip:]))
    assert res.lr_at_min == res.learning_rates[i_min]
    assert res.suggestion == pytest.approx(res.lr_at_min / 10)
    assert res.learning_rates[0] <= res.lr_steepest <= res.lr_at_min


def test_range_test_is_reproducible_and_leaves_inputs_alone(regression):
    X, y = regression
    X0, p0 = X.copy(), np.zeros(4)
    a = lr_range_test(LinearRegression(3), Adam(), X, y, batch_size=16, rng=3, params=p0)
    b = lr_range_test(LinearRegression(3), Adam(), X, y, batch_size=16, rng=3, params=p0)
    assert np.array_equal(a.losses, b.losses) and a.suggestion == b.suggestion
    assert np.array_equal(X, X0) and np.array_equal(p0, np.zeros(4))


def test_range_test_that_never_blows_up_says_so():
    X, y = load_iris()
    res = lr_range_test(LinearClassifier(4, 3), SGD(), X, y, batch_size=16, rng=0, end=1e-2)
    assert not res.diverged and "larger end" in res.message
    assert len(res.learning_rates) == 100 and res.learning_rates[-1] == pytest.approx(1e-2)


def test_range_test_stops_when_the_loss_overflows():
    # a huge end rate on a quadratic loss: the loss overflows to inf within a few steps
    X, y = make_regression(100, 3, seed=0)
    res = lr_range_test(
        LinearRegression(3),
        SGD(),
        X,
        y,
        batch_size=100,
        rng=0,
        start=1.0,
        end=1e200,
        steps=20,
        diverge_factor=1e300,
    )
    assert res.diverged and res.message.startswith("the loss became")
    assert np.all(np.isfinite(res.losses))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"start": 0.0}, "start"),
        ({"start": 1.0, "end": 0.5}, "end"),
        ({"steps": 1}, "steps"),
        ({"smoothing": 1.0}, "smoothing"),
        ({"smoothing": -0.1}, "smoothing"),
        ({"diverge_factor": 1.0}, "diverge_factor"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_range_test_bad_inputs_are_named(regression, kwargs, name):
    X, y = regression
    kwargs = {"batch_size": 16, **kwargs}
    with pytest.raises(ValueError, match=name):
        lr_range_test(LinearRegression(3), SGD(), X, y, **kwargs)


def test_range_test_needs_an_optimizer_with_a_learning_rate(regression):
    X, y = regression

    class GD:
        def init(self, p):
            return None

    with pytest.raises(TypeError, match="optimizer"):
        lr_range_test(LinearRegression(3), GD(), X, y, batch_size=16)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_suggestion_trains_well_and_ten_times_the_minimum_does_not(regression, seed):
    X, y = regression
    model = LinearRegression(3)
    res = lr_range_test(model, SGD(), X, y, batch_size=16, rng=seed)
    good = fit(model, SGD(res.suggestion), X, y, batch_size=16, epochs=10, rng=seed, progress=False)
    assert not good.diverged
    assert good.epoch_loss[-1] < 0.01  # the noise floor is 0.5 * 0.1**2 = 0.005
    # two orders of magnitude slower than the suggestion: still far from converged
    slow = fit(
        model, SGD(res.suggestion / 100), X, y, batch_size=16, epochs=10, rng=seed, progress=False
    )
    assert slow.epoch_loss[-1] > 5 * good.epoch_loss[-1]
    with pytest.warns(RuntimeWarning, match="diverged"):
        bad = fit(
            model, SGD(10 * res.lr_at_min), X, y, batch_size=16, epochs=10, rng=seed, progress=False
        )
    assert bad.diverged


def test_the_suggestion_trains_an_mlp_on_digits():
    X, y = load_digits()
    rng = np.random.default_rng(0)
    test = rng.permutation(len(y))[:400]
    train = np.setdiff1d(np.arange(len(y)), test)
    model = MLP(64, (32,), n_outputs=10)
    res = lr_range_test(model, Adam(), X[train], y[train], batch_size=32, rng=0)
    assert 1e-4 < res.suggestion < 1.0
    h = fit(
        model,
        Adam(res.suggestion),
        X[train],
        y[train],
        batch_size=32,
        epochs=5,
        rng=0,
        progress=False,
    )
    assert model.score(h.params, X[test], y[test]) >= 0.9
