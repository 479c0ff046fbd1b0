"""optlib.estimators: scikit-learn's own checks, the searches, and what the book relies on."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    train_test_split,
)
from sklearn.utils.estimator_checks import parametrize_with_checks

import optlib
from optlib import models
from optlib.beyond_adam import Adadelta, Adafactor, Adamax, Lion, Muon, NAdam, RAdam
from optlib.blocks import Blocks
from optlib.datasets import load_iris
from optlib.estimators import MLPClassifier, SoftmaxRegression
from optlib.optimizers import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp

# --------------------------------------------------------------------------------------------
# scikit-learn's estimator checks: all of them pass, nothing is marked as expected to fail
# --------------------------------------------------------------------------------------------


@parametrize_with_checks([SoftmaxRegression(random_state=0), MLPClassifier(random_state=0)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------------------------
# The seed's example, done right, and accuracy on iris
# --------------------------------------------------------------------------------------------


def test_the_seed_example_done_right():
    """The seed's RandomizedSearchCV on iris, with a real model, set_params(**best_params)."""
    X, y = datasets.load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    param_grid = {
        "learning_rate": np.linspace(0.001, 0.1, 10),
        "momentum": np.linspace(0.1, 0.9, 9),
    }
    search = RandomizedSearchCV(
        SoftmaxRegression(random_state=0),
        param_distributions=param_grid,
        n_iter=10,
        scoring="accuracy",
        cv=3,
        random_state=0,
        n_jobs=2,
    )
    search.fit(X_train, y_train)
    model = SoftmaxRegression(random_state=0)
    model.set_params(**search.best_params_)
    model.fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.9
    # best_estimator_ is that same refit, done by the search
    assert np.array_equal(search.best_estimator_.predict(X_test), model.predict(X_test))


def test_momentum_sgd_on_iris_reaches_090():
    X, y = load_iris()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    clf = SoftmaxRegression(optimizer="momentum", learning_rate=0.1, momentum=0.9, random_state=0)
    assert clf.fit(X_train, y_train).score(X_test, y_test) >= 0.9


# --------------------------------------------------------------------------------------------
# Inside scikit-learn's searches, in parallel
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iris():
    return load_iris()


def test_grid_search_cv_mixing_optimizers_in_parallel(iris):
    X, y = iris
    grid = [
        {"optimizer": ["sgd", "momentum", "nesterov"], "learning_rate": [0.05, 0.5]},
        {"optimizer": ["adam", "adamw"], "learning_rate": [0.01, 0.1], "beta1": [0.8, 0.9]},
    ]
    est = SoftmaxRegression(epochs=10, random_state=0)
    parallel = GridSearchCV(est, grid, cv=3, n_jobs=2, error_score="raise").fit(X, y)
    serial = GridSearchCV(est, grid, cv=3, n_jobs=1, error_score="raise").fit(X, y)
    assert len(parallel.cv_results_["params"]) == 14
    # the same seed gives the same scores in the worker processes as in this one
    assert np.array_equal(
        parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert parallel.best_score_ > 0.9


def test_randomized_search_cv_on_the_mlp_in_parallel(iris):
    from scipy.stats import loguniform

    X, y = iris
    space = {
        "learning_rate": loguniform(1e-3, 1e-1),
        "hidden_layer_sizes": [(8,), (16,)],
        "activation": ["relu", "tanh"],
    }
    est = MLPClassifier(epochs=15, random_state=0)
    search = RandomizedSearchCV(est, space, n_iter=4, cv=3, n_jobs=2, random_state=0).fit(X, y)
    assert search.best_estimator_.n_iter_ == 15
    assert search.best_score_ > 0.85


def test_successive_halving_over_epochs_in_parallel(iris):
    from scipy.stats import loguniform

    X, y = iris
    space = {"learning_rate": loguniform(1e-3, 1.0), "momentum": [0.0, 0.5, 0.9]}
    search = HalvingRandomSearchCV(
        SoftmaxRegression(random_state=0),
        space,
        resource="epochs",
        min_resources=2,
        max_resources=18,
        factor=3,
        cv=3,
        n_jobs=2,
        random_state=0,
    ).fit(X, y)
    assert list(search.n_resources_) == [2, 6, 18]
    assert list(search.n_candidates_) == [9, 3, 1]
    assert search.best_estimator_.n_iter_ == 18 and search.best_score_ > 0.9


def test_successive_halving_over_samples(iris):
    X, y = iris
    search = HalvingRandomSearchCV(
        SoftmaxRegression(epochs=10, random_state=0),
        {"learning_rate": [0.001, 0.01, 0.1, 1.0]},
        n_candidates=4,
        factor=2,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.n_resources_[-1] > search.n_resources_[0]
    assert search.best_score_ > 0.85


def test_a_divergent_learning_rate_does_not_crash_a_search(iris):
    X, y = iris
    est = MLPClassifier(hidden_layer_sizes=(8,), optimizer="momentum", random_state=0)
    search = GridSearchCV(est, {"learning_rate": [0.03, 100.0]}, cv=3, error_score="raise")
    with pytest.warns(RuntimeWarning, match="diverged"):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and scores[1] < scores[0]
    assert search.best_params_ == {"learning_rate": 0.03}


# --------------------------------------------------------------------------------------------
# Optimizers and their flat hyperparameters
# --------------------------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
    "adamw": AdamW,
    "adadelta": Adadelta,
    "adamax": Adamax,
    "nadam": NAdam,
    "radam": RAdam,
    "lion": Lion,
    "adafactor": Adafactor,
    "muon": Muon,
}
# Adadelta's learning rate is a multiplier of a step it sizes itself (torch's default is 1).
LEARNING_RATE = {"adadelta": 1.0}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("Estimator", [SoftmaxRegression, MLPClassifier])
def test_every_optimizer_trains(iris, name, Estimator):
    X, y = iris
    lr = LEARNING_RATE.get(name, 0.05)
    clf = Estimator(optimizer=name, learning_rate=lr, epochs=8, random_state=0).fit(X, y)
    if name in ("adafactor", "muon"):  # one optimizer per block of the model
        assert type(clf.optimizer_) is Blocks
        assert clf.optimizer_.shapes == tuple(clf.model_.shapes)
        kinds = [type(opt) for opt in clf.optimizer_.optimizers]
        assert kinds == [OPTIMIZERS[name] if len(s) == 2 or name == "adafactor" else AdamW
                         for s in clf.model_.shapes]  # fmt: skip
    else:
        assert type(clf.optimizer_) is OPTIMIZERS[name]
    assert clf.optimizer_.learning_rate == lr
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.score(X, y) > 0.8


def test_hyperparameters_reach_the_optimizer():
    X, y = load_iris()
    kw = dict(learning_rate=0.02, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=1e-3, epochs=1)
    assert SoftmaxRegression(optimizer="adamw", **kw).fit(X, y).optimizer_ == AdamW(
        learning_rate=0.02, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=1e-3
    )
    assert SoftmaxRegression(optimizer="nesterov", momentum=0.5, epochs=1).fit(
        X, y
    ).optimizer_ == Nesterov(learning_rate=0.1, momentum=0.5)
    # None: the optimizer's own defaults
    assert SoftmaxRegression(optimizer="adamw", epochs=1).fit(X, y).optimizer_.weight_decay == 1e-2
    assert SoftmaxRegression(optimizer="adagrad", epochs=1).fit(X, y).optimizer_.eps == 1e-10
    assert SoftmaxRegression(optimizer="lion", **kw).fit(X, y).optimizer_ == Lion(
        learning_rate=0.02, beta1=0.8, beta2=0.99, weight_decay=1e-3
    )
    assert SoftmaxRegression(optimizer="adadelta", epochs=1).fit(X, y).optimizer_.eps == 1e-6


@pytest.mark.parametrize(
    ("optimizer", "ignored"),
    [("sgd", {"momentum": 0.1, "beta1": 0.5}), ("adam", {"momentum": 0.0}), ("rmsprop", {})],
)
def test_hyperparameters_an_optimizer_does_not_use_are_ignored(iris, optimizer, ignored):
    X, y = iris
    base = SoftmaxRegression(optimizer=optimizer, learning_rate=0.01, epochs=3, random_state=0)
    other = clone(base).set_params(**ignored, beta2=0.5 if optimizer != "adam" else 0.999)
    assert np.array_equal(base.fit(X, y).params_, other.fit(X, y).params_)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("optimizer", "lbfgs"),
        ("optimizer", None),
        ("learning_rate", 0.0),
        ("learning_rate", -0.1),
        ("learning_rate", float("nan")),
        ("learning_rate", "0.1"),
        ("momentum", 1.0),
        ("momentum", -0.5),
        ("beta1", 1.0),
        ("beta2", 1.5),
        ("eps", 0.0),
        ("weight_decay", -1.0),
        ("batch_size", 0),
        ("batch_size", 16.0),
        ("epochs", 0),
        ("epochs", True),
        ("random_state", -1),
        ("random_state", "seed"),
        ("progress", "yes"),
    ],
)
def test_bad_hyperparameters_are_named_in_fit(iris, param, value):
    X, y = iris
    clf = SoftmaxRegression().set_params(**{param: value})  # stored as is, no error yet
    # ValueError for a wrong value, TypeError for a wrong kind (scikit-learn's own
    # InvalidParameterError is both).
    with pytest.raises((TypeError, ValueError), match=param) as err:
        clf.fit(X, y)
    assert repr(value) in str(err.value)


@pytest.mark.parametrize(
    ("param", "value"),
    [("hidden_layer_sizes", (8, 0)), ("hidden_layer_sizes", "wide"), ("activation", "sigmoid")],
)
def test_bad_mlp_parameters_are_named_in_fit(iris, param, value):
    X, y = iris
    with pytest.raises(ValueError, match=param):
        MLPClassifier(**{param: value}).fit(X, y)


def test_nesterov_needs_momentum(iris):
    X, y = iris
    with pytest.raises(ValueError, match="momentum"):
        SoftmaxRegression(optimizer="nesterov", momentum=0.0).fit(X, y)


def test_one_class_is_refused_with_a_clear_message(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="at least 2 classes"):
        SoftmaxRegression().fit(X, np.zeros(len(X)))


# --------------------------------------------------------------------------------------------
# Learned attributes, labels, reproducibility, divergence
# --------------------------------------------------------------------------------------------


def test_learned_attributes(iris):
    X, y = iris
    clf = SoftmaxRegression(epochs=12, random_state=0).fit(X, y)
    assert clf.n_iter_ == 12 and len(clf.loss_curve_) == 12 and not clf.diverged_
    assert clf.loss_curve_ == clf.history_.epoch_loss and clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.n_features_in_ == 4 and clf.classes_.tolist() == [0, 1, 2]
    assert clf.coef_.shape == (3, 4) and clf.intercept_.shape == (3,)
    assert np.shares_memory(clf.coef_, clf.params_)
    assert isinstance(clf.model_, models.LinearClassifier)
    logits = X @ clf.coef_.T + clf.intercept_
    assert np.array_equal(clf.predict(X), np.argmax(logits, axis=1))
    mlp = MLPClassifier(hidden_layer_sizes=(5, 4), epochs=2, random_state=0).fit(X, y)
    assert [W.shape for W in mlp.coefs_] == [(4, 5), (5, 4), (4, 3)]
    assert [b.shape for b in mlp.intercepts_] == [(5,), (4,), (3,)]


def test_any_labels_strings_included(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    numbers = np.array([3, 7, 10])[y]
    a = SoftmaxRegression(random_state=0).fit(X, names)
    b = SoftmaxRegression(random_state=0).fit(X, numbers)
    c = SoftmaxRegression(random_state=0).fit(X, y)
    assert a.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    assert a.predict(X[:1]).tolist() == ["setosa"] and b.predict(X[:1]).tolist() == [3]
    assert np.array_equal(a.params_, c.params_) and np.array_equal(b.params_, c.params_)
    proba = a.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(a.classes_[proba.argmax(axis=1)], a.predict(X))


def test_reproducible_with_a_seed_and_through_clone(iris):
    X, y = iris
    for Estimator in (SoftmaxRegression, MLPClassifier):
        a = Estimator(epochs=3, random_state=42).fit(X, y)
        b = clone(a)
        assert not hasattr(b, "params_") and b.get_params() == a.get_params()
        assert np.array_equal(b.fit(X, y).params_, a.params_)
        c = Estimator(epochs=3, random_state=43).fit(X, y)
        assert not np.array_equal(c.params_, a.params_)
    gen = SoftmaxRegression(epochs=3, random_state=np.random.default_rng(0))
    assert np.array_equal(clone(gen).fit(X, y).params_, clone(gen).fit(X, y).params_)


def test_divergence_is_a_warning_and_predict_still_works(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(8,), optimizer="momentum", learning_rate=100.0)
    with pytest.warns(RuntimeWarning, match="try a smaller learning_rate than 100"):
        clf.set_params(random_state=0).fit(X, y)
    assert clf.diverged_ and clf.n_iter_ < clf.epochs and len(clf.loss_curve_) == clf.n_iter_
    assert np.all(np.isfinite(clf.params_))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no second round of overflow warnings
        pred = clf.predict(X)
        score = clf.score(X, y)
    assert pred.shape == y.shape and 0.0 <= score <= 1.0


def test_unfitted_estimators_say_so(iris):
    X, _ = iris
    for method in ("predict", "predict_proba"):
        with pytest.raises(NotFittedError):
            getattr(MLPClassifier(), method)(X)


def test_mlp_layer_options(iris):
    X, y = iris
    assert MLPClassifier(hidden_layer_sizes=6, epochs=1).fit(X, y).coefs_[0].shape == (4, 6)
    linear = MLPClassifier(hidden_layer_sizes=(), epochs=1).fit(X, y)
    assert [W.shape for W in linear.coefs_] == [(4, 3)]
    tanh = MLPClassifier(activation="tanh", random_state=0).fit(X, y)
    assert tanh.model_.activation == "tanh" and tanh.score(X, y) > 0.9


def test_progress_bar_only_on_request(iris, capsys):
    X, y = iris
    SoftmaxRegression(epochs=2).fit(X, y)
    assert capsys.readouterr().err == ""
    SoftmaxRegression(epochs=2, progress=True).fit(X, y)
    assert "step" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# The flat names of optlib
# --------------------------------------------------------------------------------------------


def test_flat_names():
    from optlib import estimators, schedules, search

    assert optlib.SoftmaxRegression is estimators.SoftmaxRegression
    assert not hasattr(models, "SoftmaxRegression")
    assert optlib.MLPClassifier is MLPClassifier
    assert (
        optlib.grid_search is search.grid_search and optlib.lr_range_test is schedules.lr_range_test
    )
    for name in ("SoftmaxRegression", "MLPClassifier", "estimators", "search", "schedules"):
        assert name in optlib.__all__ and name in dir(optlib)
    assert len(optlib.__all__) == len(set(optlib.__all__))
    namespace = {}
    exec("from optlib import *", namespace)
    assert all(name in namespace for name in optlib.__all__)
    with pytest.raises(AttributeError, match="no attribute"):
        optlib.NoSuchThing  # noqa: B018


def test_import_optlib_does_not_load_scikit_learn():
    code = "import sys, optlib; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
