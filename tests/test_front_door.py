"""What the front door promises beyond refusing bad inputs: one in-place rule behind both
paths, any dtype or shape either works or is refused, interrupted work is kept, an estimator
is refit completely or not at all."""

import os
import signal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from optlib import (
    SGD,
    Adadelta,
    Adafactor,
    AdaGrad,
    Adam,
    Adamax,
    AdamW,
    Lion,
    NAdam,
    Nesterov,
    RAdam,
    RMSProp,
    fit,
    minimize,
)
from optlib.estimators import MLPClassifier, SoftmaxRegression
from optlib.models import MLP, LinearClassifier
from optlib.objectives import Quadratic
from optlib.train import _Stepper

OPTIMIZERS = {
    "sgd": SGD(learning_rate=0.1),
    "sgd-all": SGD(learning_rate=0.1, momentum=0.9, dampening=0.3, weight_decay=0.1),
    "nesterov": Nesterov(learning_rate=0.1, weight_decay=0.1),
    "adagrad": AdaGrad(learning_rate=0.1, lr_decay=0.1, weight_decay=0.1, eps=1e-6),
    "rmsprop": RMSProp(learning_rate=0.01, weight_decay=0.1, momentum=0.5, centered=True),
    "adam": Adam(learning_rate=0.01, weight_decay=0.1, amsgrad=True),
    "adamw": AdamW(learning_rate=0.01, weight_decay=0.3),
    "adadelta": Adadelta(weight_decay=0.1),
    "adamax": Adamax(learning_rate=0.01, weight_decay=0.1),
    "nadam": NAdam(learning_rate=0.01, weight_decay=0.1),
    "radam": RAdam(learning_rate=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    "adafactor": Adafactor(weight_decay=0.1),
    "lion": Lion(learning_rate=0.01, weight_decay=0.1),
}
each_optimizer = pytest.mark.parametrize("opt", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())


@each_optimizer
def test_the_loops_fast_path_gives_the_numbers_of_the_pure_step(opt):
    rng = np.random.default_rng(0)
    x = rng.normal(size=7)
    stepper = _Stepper(opt, x.copy())
    state = opt.init(x)
    for _ in range(6):
        g = rng.normal(size=7)
        x, state = opt.step(x, g, state)
        assert stepper.step(g, None) == ""
    np.testing.assert_array_equal(stepper.params, x)
    for ours, theirs in zip(stepper.state, state, strict=True):
        np.testing.assert_array_equal(ours, theirs)


@each_optimizer
def test_float32_parameters_are_computed_in_float32(opt):
    x = np.array([1.0, -2.0, 0.5], np.float32)
    new, state = opt.step(x, np.array([0.5, -1.0, 1e-3], np.float32), opt.init(x))
    assert new.dtype == np.float32 and np.all(np.isfinite(new))
    reference, _ = opt.step(x.astype(float), np.array([0.5, -1.0, 1e-3]), opt.init(x.astype(float)))
    np.testing.assert_allclose(new, reference, rtol=1e-5)


@pytest.mark.parametrize("opt", [AdaGrad(), RMSProp(), Adam()], ids=["adagrad", "rmsprop", "adam"])
def test_a_second_moment_that_would_overflow_is_refused_with_the_step(opt):
    x = np.ones(2)
    state = opt.init(x)
    x, state = opt.step(x, np.ones(2), state)
    with pytest.raises(FloatingPointError, match="at step 2"):
        opt.step(x, np.array([1e200, 1.0]), state)


def test_sgd_takes_a_huge_but_finite_gradient():
    new, _ = SGD(learning_rate=1e-200).step(np.ones(1), np.array([1e200]), SGD().init(np.ones(1)))
    assert abs(new[0]) < 1e-15


DTYPES = [np.float64, np.float32, np.float16, np.int64, np.bool_, np.complex128, np.uint8, "<U3"]


@st.composite
def any_array(draw):
    """Arrays of every kind a reader might pass, with moderate values (overflow is its own
    test)."""
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    if dtype.kind == "f":
        return draw(
            hnp.arrays(dtype, shape, elements=st.floats(-100, 100, width=dtype.itemsize * 8))
        )
    return draw(hnp.arrays(dtype, shape))


@settings(max_examples=60, deadline=None)
@given(params=any_array(), name=st.sampled_from(sorted(OPTIMIZERS)))
def test_any_dtype_and_shape_works_or_is_refused_clearly(params, name):
    opt = OPTIMIZERS[name]
    try:
        state = opt.init(params)
        grads = np.ones_like(params)
        new, state = opt.step(params, grads, state)
    except (TypeError, ValueError) as err:
        assert any(word in str(err) for word in ("params", "grads")), str(err)
        return
    assert params.dtype in (np.float32, np.float64)
    assert new.shape == params.shape and new.dtype == params.dtype


@settings(max_examples=40, deadline=None)
@given(
    params=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=2, max_side=5),
        elements=st.floats(-1e3, 1e3),
    ),
    name=st.sampled_from(sorted(OPTIMIZERS)),
    steps=st.integers(1, 3),
)
def test_step_is_pure(params, name, steps):
    opt = OPTIMIZERS[name]
    state = opt.init(params)
    for _ in range(steps):
        grads = np.cos(params) + 0.5
        kept = (params.copy(), grads.copy(), [None if b is None else np.copy(b) for b in state])
        new, new_state = opt.step(params, grads, state)
        np.testing.assert_array_equal(params, kept[0])
        np.testing.assert_array_equal(grads, kept[1])
        for before, buf in zip(kept[2], state, strict=True):
            np.testing.assert_array_equal(buf, before)
        assert not any(
            isinstance(b, np.ndarray) and np.shares_memory(b, a)
            for b in new_state
            for a in (params, grads, *[s for s in state if isinstance(s, np.ndarray)])
        )
        params, state = new, new_state


# ---- interrupted work is kept -------------------------------------------------------------


class _InterruptAt:
    """A model that presses Ctrl-C (sends SIGINT to this process) during step ``at``."""

    def __init__(self, model, at):
        self.model, self.at, self.calls = model, at, 0

    def __getattr__(self, name):
        return getattr(self.model, name)

    def _loss_and_grad(self, params, X, y):
        self.calls += 1
        if self.calls == self.at:
            os.kill(os.getpid(), signal.SIGINT)
        return self.model._loss_and_grad(params, X, y)


def _digits_like():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    return X, (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)


@pytest.fixture
def python_sigint():
    """SIGINT raises KeyboardInterrupt, as in a terminal or Jupyter, whatever pytest was started
    under (a background job ignores SIGINT); the handler the run had is put back after."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_an_ignored_sigint_stays_ignored():
    X, y = _digits_like()
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        model = _InterruptAt(LinearClassifier(5, 3), at=3)
        h = fit(model, Adam(0.01), X, y, batch_size=20, epochs=2, rng=0, progress=False)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
    assert not h.interrupted and h.epochs == 2


@pytest.mark.usefixtures("python_sigint")
def test_ctrl_c_during_fit_keeps_the_history_and_the_parameters():
    X, y = _digits_like()
    model = _InterruptAt(LinearClassifier(5, 3), at=23)
    with pytest.warns(RuntimeWarning, match="interrupted at step 23"):
        h = fit(model, Adam(0.01), X, y, batch_size=20, epochs=50, rng=0, progress=False)
    assert h.interrupted and not h.diverged
    assert h.n_steps == 23 and len(h.step_loss) == 23 and h.epochs == 2
    # The parameters are those after step 23: replaying 23 steps gives the same numbers.
    replay = fit(
        LinearClassifier(5, 3),
        Adam(0.01),
        X,
        y,
        batch_size=20,
        epochs=3,
        rng=0,
        progress=False,
        callbacks=[],
    )
    assert replay.step_loss[:23] == h.step_loss
    assert np.all(np.isfinite(h.params))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


@pytest.mark.usefixtures("python_sigint")
def test_an_interrupted_refit_leaves_the_estimator_as_it_was():
    X, y = _digits_like()
    clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=3, random_state=0).fit(X, y)
    before = {k: v for k, v in vars(clf).items()}
    params = clf.params_.copy()
    labels = np.where(y == 0, "zero", "other")  # new classes_ if the refit went through
    original = MLPClassifier._make_model

    def interrupting(self, n_features, n_classes):
        return _InterruptAt(original(self, n_features, n_classes), at=4)

    MLPClassifier._make_model = interrupting
    try:
        with pytest.raises(KeyboardInterrupt), pytest.warns(RuntimeWarning):
            clf.fit(X[:, :4], labels)
    finally:
        MLPClassifier._make_model = original
    assert vars(clf).keys() == before.keys()
    assert clf.n_features_in_ == 5 and clf.classes_.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(clf.params_, params)
    assert clf.predict(X).shape == (200,)


def test_a_failed_refit_leaves_the_estimator_as_it_was():
    X, y = _digits_like()
    clf = SoftmaxRegression(epochs=2, random_state=0).fit(X, y)
    before = dict(vars(clf))
    with pytest.raises(ValueError):
        clf.fit(X[:, :3], np.zeros(200))  # one class: refused after validate_data ran
    assert vars(clf).keys() == before.keys() and clf.n_features_in_ == 5


def test_a_negative_schedule_is_refused_before_training_with_its_step():
    X, y = _digits_like()
    with pytest.raises(ValueError, match=r"returned -0\.\d+ at step 11 .*>= 0"):
        fit(
            LinearClassifier(5, 3),
            SGD(0.1),
            X,
            y,
            batch_size=20,
            epochs=3,
            progress=False,
            schedule=lambda s: 0.1 - 0.01 * s,
        )


def test_divergence_keeps_the_last_finite_parameters():
    with pytest.warns(RuntimeWarning, match="diverged"):
        path = minimize(Quadratic([1.0, 10.0]), SGD(learning_rate=0.5), [1.0, 1.0], steps=10_000)
    assert path.stopped_early and np.all(np.isfinite(path.points[:-1]))
    X, y = _digits_like()
    with pytest.warns(RuntimeWarning, match="diverged"):
        h = fit(
            MLP(5, hidden=(8,), n_outputs=3),
            SGD(1e6),
            X * 1e3,
            y,
            batch_size=20,
            epochs=20,
            rng=0,
            progress=False,
        )
    assert h.diverged and np.all(np.isfinite(h.params))


def test_history_params_is_a_snapshot_per_epoch():
    X, y = _digits_like()
    kept = []
    fit(
        LinearClassifier(5, 3),
        SGD(0.1),
        X,
        y,
        batch_size=20,
        epochs=3,
        rng=0,
        progress=False,
        callbacks=[lambda epoch, h: kept.append(h.params)],
    )
    assert not np.array_equal(kept[0], kept[1]) and not np.shares_memory(kept[0], kept[1])
