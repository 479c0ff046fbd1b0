"""optlib.models: every gradient against central differences, losses against scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from optlib.models import MLP, LinearClassifier, LinearRegression, gradient_check


def _classification(n=12, d=4, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, size=n)


def _regression(n=12, d=4, seed=0, outputs=1):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n) if outputs == 1 else rng.normal(size=(n, outputs))
    return rng.normal(size=(n, d)), y


MODELS = {
    "linear": (LinearRegression(4), _regression()),
    "linear-l2": (LinearRegression(4, l2=0.3), _regression()),
    "softmax": (LinearClassifier(4, 3), _classification()),
    "softmax-l2": (LinearClassifier(4, 3, l2=0.1), _classification()),
    "mlp-relu": (MLP(4, hidden=(7,), n_outputs=3), _classification()),
    "mlp-tanh-2-layers": (MLP(4, hidden=(6, 5), n_outputs=3, activation="tanh"), _classification()),
    "mlp-relu-l2": (MLP(4, hidden=(5, 5), n_outputs=3, l2=0.05), _classification()),
    "mlp-regression": (MLP(4, hidden=(6,), task="regression", activation="tanh"), _regression()),
    "mlp-regression-2-out": (
        MLP(4, hidden=(6,), n_outputs=2, task="regression"),
        _regression(outputs=2),
    ),
    "mlp-no-hidden": (MLP(4, hidden=(), n_outputs=3), _classification()),
}


@pytest.mark.parametrize("name", MODELS)
def test_every_model_passes_gradient_check(name):
    model, (X, y) = MODELS[name]
    rng = np.random.default_rng(1)
    for params in (model.init_params(rng), rng.normal(scale=0.5, size=model.n_params)):
        assert gradient_check(model, params, X, y) < 1e-6, name


@pytest.mark.parametrize("name", MODELS)
def test_gradient_check_catches_a_wrong_gradient(name):
    model, (X, y) = MODELS[name]

    class Broken:
        def loss(self, params, X, y):
            return model.loss(params, X, y)

        def loss_and_grad(self, params, X, y):
            loss, g = model.loss_and_grad(params, X, y)
            g = g.copy()
            g[-1] = 2 * g[-1] + 0.1  # one wrong coordinate: the last bias
            return loss, g

    params = np.random.default_rng(2).normal(scale=0.5, size=model.n_params)
    assert gradient_check(Broken(), params, X, y) > 1e-3


@pytest.mark.parametrize("name", MODELS)
def test_inputs_are_not_modified_and_grad_is_fresh(name):
    model, (X, y) = MODELS[name]
    params = np.random.default_rng(3).normal(size=model.n_params)
    p0, X0, y0 = params.copy(), X.copy(), y.copy()
    loss, g = model.loss_and_grad(params, X, y)
    assert np.array_equal(params, p0) and np.array_equal(X, X0) and np.array_equal(y, y0)
    assert g.shape == (model.n_params,) and g.dtype == np.float64
    assert loss == pytest.approx(model.loss(params, X, y))
    assert np.array_equal(g, model.grad(params, X, y))


def test_linear_regression_loss_is_half_mse_and_minimum_is_least_squares():
    X, y = _regression(n=30, d=3)
    model = LinearRegression(3)
    params = np.array([0.2, -0.1, 0.3, 0.05])
    assert model.loss(params, X, y) == pytest.approx(
        0.5 * np.mean((X @ params[:3] + 0.05 - y) ** 2)
    )
    A = np.c_[X, np.ones(len(X))]
    best = np.linalg.lstsq(A, y, rcond=None)[0]
    assert np.allclose(model.grad(best, X, y), 0.0, atol=1e-12)
    assert model.score(best, X, y) == pytest.approx(-np.mean((A @ best - y) ** 2))


def test_softmax_loss_matches_sklearn_log_loss():
    X, y = _classification(n=40, d=4, k=3)
    model = LinearClassifier(4, 3)
    params = np.random.default_rng(4).normal(size=model.n_params)
    proba = model.predict_proba(params, X)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert model.loss(params, X, y) == pytest.approx(log_loss(y, proba, labels=[0, 1, 2]))
    assert np.array_equal(model.predict(params, X), proba.argmax(axis=1))


def test_softmax_is_stable_for_huge_logits():
    model = LinearClassifier(2, 2)
    X, y = np.array([[1e3, -1e3]]), np.array([0])
    params = np.array([1.0, -1.0, -1.0, 1.0, 0.0, 0.0])  # logits +-2000
    loss, g = model.loss_and_grad(params, X, y)
    assert np.isfinite(loss) and np.all(np.isfinite(g))
    assert model.loss(params, X, np.array([1])) == pytest.approx(4000.0)


def test_mlp_with_no_hidden_layer_is_softmax_regression():
    X, y = _classification(n=20)
    mlp, soft = MLP(4, hidden=(), n_outputs=3), LinearClassifier(4, 3)
    params = np.random.default_rng(5).normal(size=soft.n_params)
    assert mlp.n_params == soft.n_params
    assert mlp.loss(params, X, y) == pytest.approx(soft.loss(params, X, y))
    assert np.allclose(mlp.grad(params, X, y), soft.grad(params, X, y))


def test_mlp_init_is_seeded_and_scaled():
    mlp = MLP(100, hidden=(200,), n_outputs=10)
    a, b = mlp.init_params(np.random.default_rng(0)), mlp.init_params(np.random.default_rng(0))
    assert np.array_equal(a, b)
    W1 = mlp.unpack(a)[0]
    assert W1.std() == pytest.approx(np.sqrt(2 / 100), rel=0.05)  # He
    assert np.all(mlp.unpack(a)[1] == 0)  # biases start at zero
    tanh = MLP(100, hidden=(200,), n_outputs=10, activation="tanh")
    assert tanh.unpack(tanh.init_params(0))[0].std() == pytest.approx(0.1, rel=0.05)  # Glorot


def test_unpack_gives_views_in_packing_order():
    mlp = MLP(3, hidden=(2,), n_outputs=2)
    params = np.arange(float(mlp.n_params))
    W1, b1, W2, b2 = mlp.unpack(params)
    assert [W1.shape, b1.shape, W2.shape, b2.shape] == [(3, 2), (2,), (2, 2), (2,)]
    assert W1[0, 0] == 0 and b2[-1] == mlp.n_params - 1
    assert np.shares_memory(W1, params)


def test_predictions_and_scores():
    X, y = _classification(n=30)
    mlp = MLP(4, hidden=(5,), n_outputs=3)
    params = mlp.init_params(0)
    proba = mlp.predict_proba(params, X)
    assert proba.shape == (30, 3) and np.allclose(proba.sum(axis=1), 1)
    assert mlp.score(params, X, y) == pytest.approx(np.mean(proba.argmax(axis=1) == y))
    reg = MLP(4, hidden=(5,), task="regression")
    Xr, yr = _regression(n=30)
    assert reg.predict(reg.init_params(0), Xr).shape == (30,)
    with pytest.raises(AttributeError, match="classification"):
        reg.predict_proba(reg.init_params(0), Xr)


def test_float32_batches_are_accepted():
    X, y = _classification(n=16)
    model = LinearClassifier(4, 3)
    params = np.random.default_rng(6).normal(size=model.n_params)
    l64, g64 = model.loss_and_grad(params, X, y)
    l32, g32 = model.loss_and_grad(params, X.astype(np.float32), y)
    assert g32.dtype == np.float64
    assert l32 == pytest.approx(l64, rel=1e-5) and np.allclose(g32, g64, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: LinearRegression(0), "n_features"),
        (lambda: LinearRegression(3, l2=-1.0), "l2"),
        (lambda: LinearClassifier(3, 1), "n_classes"),
        (lambda: LinearClassifier(3, 0), "n_classes"),
        (lambda: MLP(3, hidden=(4,)), "n_outputs"),
        (lambda: MLP(3, hidden=(0,), n_outputs=2), "hidden"),
        (lambda: MLP(3, n_outputs=2, activation="sigmoid"), "activation"),
        (lambda: MLP(3, n_outputs=2, task="ranking"), "task"),
    ],
)
def test_bad_constructor_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_batches_raise_clear_errors():
    model = LinearClassifier(4, 3)
    params = model.init_params(0)
    X, y = _classification(n=10)
    with pytest.raises(ValueError, match="params"):
        model.loss(params[:-1], X, y)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 4\)"):
        model.loss(params, X[:, :3], y)
    with pytest.raises(ValueError, match="y must have one row per example of X"):
        model.loss(params, X, y[:-1])
    with pytest.raises(ValueError, match="empty"):
        model.loss(params, X[:0], y[:0])
    with pytest.raises(ValueError, match="y must hold labels in 0 .. 2"):
        model.loss(params, X, np.full(10, 3))
    with pytest.raises(ValueError, match="integer"):
        model.loss(params, X, np.full(10, 0.5))
    with pytest.raises(ValueError, match="eps"):
        gradient_check(model, params, X, y, eps=0.0)
