"""The front door of optimizers, models, train and estimators: each bad input is refused with
the right exception type and a message that names the argument.

``CASES`` is a table ``(case_id, thunk, exception type, name in the message)``;
``benchmarks/probe_front_door.py`` imports it to count clear, unclear and silent outcomes.
"""

import numpy as np
import pytest

from optlib import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp, fit, minimize
from optlib.estimators import MLPClassifier, SoftmaxRegression
from optlib.models import MLP, LinearClassifier, LinearRegression, gradient_check
from optlib.objectives import Quadratic

X4 = np.random.default_rng(0).normal(size=(20, 4))
Y3 = np.arange(20) % 3
YR = np.random.default_rng(1).normal(size=20)
P2 = np.array([1.0, -2.0])
BOWL = Quadratic([1.0, 10.0])
SOFT = LinearClassifier(4, 3)
LIN = LinearRegression(4)


def _step(opt, params=P2, grads=P2, state="init"):
    """``opt.step`` with the given arguments (the state from ``init(P2)`` by default)."""
    return lambda: opt.step(params, grads, opt.init(P2) if state == "init" else state)


def _fit(**kwargs):
    args = dict(model=SOFT, optimizer=SGD(0.1), X=X4, y=Y3, batch_size=5, epochs=1, progress=False)
    args.update(kwargs)
    return lambda: fit(
        args.pop("model"), args.pop("optimizer"), args.pop("X"), args.pop("y"), **args
    )


def _est(Estimator=SoftmaxRegression, X=X4, y=Y3, **params):
    return lambda: Estimator(epochs=1, **params).fit(X, y)


OPTIMIZER_CASES = [
    ("sgd-lr-negative", lambda: SGD(learning_rate=-0.1), ValueError, "learning_rate"),
    ("sgd-lr-nan", lambda: SGD(learning_rate=float("nan")), ValueError, "learning_rate"),
    ("sgd-lr-inf", lambda: SGD(learning_rate=float("inf")), ValueError, "learning_rate"),
    ("sgd-lr-string", lambda: SGD(learning_rate="0.1"), TypeError, "learning_rate"),
    ("sgd-lr-bool", lambda: SGD(learning_rate=True), TypeError, "learning_rate"),
    ("sgd-lr-array", lambda: SGD(learning_rate=np.array([0.1])), TypeError, "learning_rate"),
    ("sgd-momentum-one", lambda: SGD(momentum=1.0), ValueError, "momentum"),
    ("sgd-momentum-negative", lambda: SGD(momentum=-0.5), ValueError, "momentum"),
    ("sgd-dampening", lambda: SGD(momentum=0.9, dampening=1.5), ValueError, "dampening"),
    ("sgd-weight-decay", lambda: SGD(weight_decay=-1), ValueError, "weight_decay"),
    ("sgd-nesterov-int", lambda: SGD(momentum=0.9, nesterov=1), TypeError, "nesterov"),
    ("sgd-nesterov-no-momentum", lambda: SGD(nesterov=True), ValueError, "nesterov"),
    ("momentum-none", lambda: Momentum(momentum=None), TypeError, "momentum"),
    ("nesterov-momentum-zero", lambda: Nesterov(momentum=0.0), ValueError, "nesterov"),
    ("adagrad-eps-zero", lambda: AdaGrad(eps=0.0), ValueError, "eps"),
    ("adagrad-lr-decay", lambda: AdaGrad(lr_decay=-1e-3), ValueError, "lr_decay"),
    ("adagrad-initial", lambda: AdaGrad(initial_accumulator_value=-1), ValueError, "initial"),
    ("rmsprop-alpha-one", lambda: RMSProp(alpha=1.0), ValueError, "alpha"),
    ("rmsprop-centered", lambda: RMSProp(centered="yes"), TypeError, "centered"),
    ("rmsprop-momentum", lambda: RMSProp(momentum=2), ValueError, "momentum"),
    ("adam-beta1-one", lambda: Adam(beta1=1.0), ValueError, "beta1"),
    ("adam-beta2-negative", lambda: Adam(beta2=-0.1), ValueError, "beta2"),
    ("adam-beta2-tuple", lambda: Adam(beta2=(0.9, 0.999)), TypeError, "beta2"),
    ("adam-eps-negative", lambda: Adam(eps=-1e-8), ValueError, "eps"),
    ("adam-amsgrad", lambda: Adam(amsgrad=None), TypeError, "amsgrad"),
    ("adamw-weight-decay", lambda: AdamW(weight_decay=float("nan")), ValueError, "weight_decay"),
    # arrays at step and init
    ("init-int-list", lambda: SGD().init(["a", "b"]), TypeError, "params"),
    ("init-nan", lambda: Adam().init(np.array([np.nan, 1.0])), ValueError, "params"),
    ("init-complex", lambda: Adam().init(np.array([1j, 1.0])), TypeError, "params"),
    ("init-object", lambda: Adam().init(np.array([1.0, None])), TypeError, "params"),
    ("init-float16", lambda: Adam().init(np.ones(2, np.float16)), TypeError, "params"),
    ("step-bool-grads", _step(SGD(), grads=np.array([True, False])), TypeError, "grads"),
    ("step-string-grads", _step(SGD(), grads=np.array(["1", "2"])), TypeError, "grads"),
    (
        "step-float16",
        _step(Adam(), np.ones(2, np.float16), np.ones(2, np.float16)),
        TypeError,
        "params",
    ),
    ("step-shape", _step(SGD(), grads=np.ones(3)), ValueError, "grads"),
    ("step-column", _step(SGD(), grads=P2[:, None]), ValueError, "grads"),
    ("step-0d-vs-1", _step(SGD(), params=np.array(1.0), grads=np.ones(1)), ValueError, "grads"),
    ("step-dtype", _step(SGD(), grads=P2.astype(np.float32)), TypeError, "grads"),
    ("step-nan-grads", _step(Adam(), grads=np.array([np.nan, 1.0])), ValueError, "grads"),
    ("step-inf-grads", _step(SGD(), grads=np.array([np.inf, 1.0])), ValueError, "grads"),
    # states
    ("state-other-optimizer", _step(Adam(), state=SGD().init(P2)), TypeError, "state"),
    ("state-none", _step(Adam(), state=None), TypeError, "state"),
    ("state-options", _step(Momentum(), state=SGD().init(P2)), ValueError, "state.momentum"),
    ("state-shape", _step(Adam(), state=Adam().init(np.ones(3))), ValueError, "state.m"),
    ("state-dtype", _step(Adam(), state=Adam().init(P2.astype(np.float32))), TypeError, "state.m"),
    (
        "state-t-negative",
        _step(Adam(), state=Adam().init(P2)._replace(t=-1)),
        ValueError,
        "state.t",
    ),
    ("state-t-float", _step(Adam(), state=Adam().init(P2)._replace(t=1.5)), TypeError, "state.t"),
    (
        "state-buffer-list",
        _step(Adam(), state=Adam().init(P2)._replace(m=[0.0, 0.0])),
        ValueError,
        "state.m",
    ),
]

MODEL_CASES = [
    ("linear-features-zero", lambda: LinearRegression(0), ValueError, "n_features"),
    ("linear-features-float", lambda: LinearRegression(2.5), TypeError, "n_features"),
    ("linear-l2", lambda: LinearRegression(2, l2=-1), ValueError, "l2"),
    ("classifier-classes", lambda: LinearClassifier(3, 1), ValueError, "n_classes"),
    ("mlp-hidden-string", lambda: MLP(3, hidden="32", n_outputs=2), TypeError, "hidden"),
    ("mlp-hidden-zero", lambda: MLP(3, hidden=(0,), n_outputs=2), ValueError, "hidden"),
    ("mlp-activation", lambda: MLP(3, n_outputs=2, activation="sigmoid"), ValueError, "activation"),
    ("mlp-task", lambda: MLP(3, n_outputs=2, task="ranking"), ValueError, "task"),
    ("loss-params-shape", lambda: LIN.loss(np.ones(3), X4, YR), ValueError, "params"),
    ("loss-params-strings", lambda: LIN.loss(np.array(["a"] * 5), X4, YR), TypeError, "params"),
    ("loss-X-features", lambda: LIN.loss(np.ones(5), X4[:, :3], YR), ValueError, "X"),
    ("loss-X-bool", lambda: LIN.loss(np.ones(5), X4 > 0, YR), TypeError, "X"),
    ("loss-X-empty", lambda: LIN.loss(np.ones(5), X4[:0], YR[:0]), ValueError, "X"),
    ("loss-y-column", lambda: LIN.loss(np.ones(5), X4, YR[:, None]), ValueError, "y"),
    ("loss-y-length", lambda: LIN.loss(np.ones(5), X4, YR[:5]), ValueError, "y"),
    ("loss-y-strings", lambda: LIN.loss(np.ones(5), X4, YR.astype(str)), TypeError, "y"),
    ("labels-out-of-range", lambda: SOFT.loss(np.zeros(15), X4, Y3 + 1), ValueError, "y"),
    ("labels-fractional", lambda: SOFT.loss(np.zeros(15), X4, Y3 + 0.5), ValueError, "y"),
    ("labels-strings", lambda: SOFT.loss(np.zeros(15), X4, Y3.astype(str)), TypeError, "y"),
    ("labels-column", lambda: SOFT.loss(np.zeros(15), X4, Y3[:, None]), ValueError, "y"),
    ("gradcheck-eps", lambda: gradient_check(LIN, np.ones(5), X4, YR, eps=0), ValueError, "eps"),
    (
        "gradcheck-model-class",
        lambda: gradient_check(LinearRegression, np.ones(5), X4, YR),
        TypeError,
        "model",
    ),
]

TRAIN_CASES = [
    ("minimize-optimizer-class", lambda: minimize(BOWL, SGD, P2, 5), TypeError, "optimizer"),
    ("minimize-optimizer-string", lambda: minimize(BOWL, "sgd", P2, 5), TypeError, "optimizer"),
    ("minimize-objective-class", lambda: minimize(Quadratic, SGD(), P2, 5), TypeError, "objective"),
    ("minimize-steps-zero", lambda: minimize(BOWL, SGD(), P2, 0), ValueError, "steps"),
    ("minimize-steps-float", lambda: minimize(BOWL, SGD(), P2, 2.5), TypeError, "steps"),
    ("minimize-x0-strings", lambda: minimize(BOWL, SGD(), ["a", "b"], 5), TypeError, "x0"),
    ("minimize-x0-nan", lambda: minimize(BOWL, SGD(), [np.nan, 1], 5), ValueError, "x0"),
    ("minimize-x0-empty", lambda: minimize(BOWL, SGD(), [], 5), ValueError, "x0"),
    ("minimize-x0-complex", lambda: minimize(BOWL, SGD(), [1j, 1], 5), TypeError, "x0"),
    ("fit-model-class", _fit(model=LinearClassifier), TypeError, "model"),
    ("fit-optimizer-class", _fit(optimizer=Adam), TypeError, "optimizer"),
    ("fit-batch-size-zero", _fit(batch_size=0), ValueError, "batch_size"),
    ("fit-batch-size-float", _fit(batch_size=2.0), TypeError, "batch_size"),
    ("fit-epochs-negative", _fit(epochs=-1), ValueError, "epochs"),
    ("fit-progress", _fit(progress="no"), TypeError, "progress"),
    ("fit-callbacks-function", _fit(callbacks=lambda e, h: False), TypeError, "callbacks"),
    ("fit-callbacks-item", _fit(callbacks=[1]), TypeError, "callbacks"),
    ("fit-schedule-number", _fit(schedule=0.1), TypeError, "schedule"),
    ("fit-schedule-negative", _fit(schedule=lambda s: 0.1 - 0.05 * s), ValueError, "schedule"),
    ("fit-schedule-nan", _fit(schedule=lambda s: float("nan")), ValueError, "schedule"),
    ("fit-rng", _fit(rng="seed"), TypeError, "rng"),
    ("fit-rng-negative", _fit(rng=-1), ValueError, "rng"),
    ("fit-params-shape", _fit(params=np.zeros(3)), ValueError, "params"),
    ("fit-params-nan", _fit(params=np.full(15, np.nan)), ValueError, "params"),
    ("fit-y-column", _fit(y=Y3[:, None]), ValueError, "y"),
    ("fit-y-length", _fit(y=Y3[:5]), ValueError, "y"),
    ("fit-X-strings", _fit(X=X4.astype(str)), TypeError, "X"),
    ("fit-X-features", _fit(X=X4[:, :2]), ValueError, "X"),
    ("fit-X-val-alone", _fit(X_val=X4), ValueError, "X_val"),
    ("fit-X-val-features", _fit(X_val=X4[:, :2], y_val=Y3), ValueError, "X_val"),
    ("fit-y-val-labels", _fit(X_val=X4, y_val=Y3 + 5), ValueError, "y_val"),
    ("fit-y-val-column", _fit(X_val=X4, y_val=Y3[:, None]), ValueError, "y_val"),
]

ESTIMATOR_CASES = [
    ("est-optimizer-name", _est(optimizer="lbfgs"), ValueError, "optimizer"),
    ("est-optimizer-object", _est(optimizer=Adam()), TypeError, "optimizer"),
    ("est-learning-rate", _est(learning_rate=0.0), ValueError, "learning_rate"),
    ("est-learning-rate-string", _est(learning_rate="fast"), TypeError, "learning_rate"),
    ("est-momentum", _est(momentum=1.0), ValueError, "momentum"),
    ("est-beta2", _est(beta2=1.5), ValueError, "beta2"),
    ("est-eps", _est(eps=-1.0), ValueError, "eps"),
    ("est-batch-size", _est(batch_size=0), ValueError, "batch_size"),
    ("est-random-state", _est(random_state="0"), TypeError, "random_state"),
    ("est-progress", _est(progress=1), TypeError, "progress"),
    ("est-hidden", _est(MLPClassifier, hidden_layer_sizes=(0,)), ValueError, "hidden_layer_sizes"),
    ("est-activation", _est(MLPClassifier, activation="gelu"), ValueError, "activation"),
    ("est-one-class", _est(y=np.zeros(20)), ValueError, "class"),
]

CASES = OPTIMIZER_CASES + MODEL_CASES + TRAIN_CASES + ESTIMATOR_CASES


@pytest.mark.parametrize(
    ("thunk", "error", "name"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_refused_with_a_message_naming_the_argument(thunk, error, name):
    with pytest.raises(error) as info:
        thunk()
    assert name in str(info.value), f"{name!r} not in {str(info.value)!r}"
