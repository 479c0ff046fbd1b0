"""optlib.search: the searches written from scratch, held against scikit-learn's."""

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, ParameterGrid, RandomizedSearchCV

from optlib.datasets import load_iris
from optlib.estimators import SoftmaxRegression
from optlib.search import (
    LogUniform,
    SearchResult,
    Trial,
    grid_search,
    kfold_splits,
    parameter_grid,
    random_search,
    sample_parameters,
)


@pytest.fixture(scope="module")
def iris():
    return load_iris()


def fast_estimator(**kwargs):
    return SoftmaxRegression(epochs=8, batch_size=16, random_state=0, **kwargs)


# --------------------------------------------------------------------------------------------
# Folds
# --------------------------------------------------------------------------------------------


def test_kfold_splits_partition_and_stratify(iris):
    _, y = iris
    splits = kfold_splits(y, 4, random_state=0)
    tests = [test for _, test in splits]
    assert sorted(np.concatenate(tests).tolist()) == list(range(150))  # a partition
    for train, test in splits:
        assert np.intersect1d(train, test).size == 0 and len(train) + len(test) == 150
        counts = np.bincount(y[test], minlength=3)
        assert counts.max() - counts.min() <= 1  # 50 per class over 4 folds: 12 or 13 each
    assert sorted(len(t) for t in tests) == [37, 37, 38, 38]


def test_kfold_splits_are_seeded_and_shuffled(iris):
    _, y = iris
    a, b = kfold_splits(y, 3, random_state=1), kfold_splits(y, 3, random_state=1)
    c = kfold_splits(y, 3, random_state=2)
    assert all(np.array_equal(p[1], q[1]) for p, q in zip(a, b, strict=True))
    assert not all(np.array_equal(p[1], q[1]) for p, q in zip(a, c, strict=True))
    first = a[0][1]
    assert not np.array_equal(first, np.arange(len(first)))  # not the file order


def test_kfold_splits_without_stratification():
    y = np.array([0] * 6 + [1] * 2)
    splits = kfold_splits(y, 2, stratified=False, random_state=0)
    assert sorted(len(t) for _, t in splits) == [4, 4]


@pytest.mark.parametrize(
    ("n_splits", "error"),
    [(1, ValueError), (0, ValueError), (2.0, TypeError), (True, TypeError), (11, ValueError)],
)
def test_kfold_splits_bad_n_splits(n_splits, error):
    with pytest.raises(error, match="n_splits"):
        kfold_splits(np.arange(10) % 2, n_splits)


def test_a_class_smaller_than_n_splits_warns_like_stratified_kfold():
    from sklearn.model_selection import StratifiedKFold

    y = np.array([0] * 8 + [1] * 2)
    message = "The least populated class in y has only 2 members, which is less than n_splits=3."
    with pytest.warns(UserWarning, match=message):
        splits = kfold_splits(y, 3, random_state=0)
    with pytest.warns(UserWarning, match=message):  # the same words as scikit-learn's
        list(StratifiedKFold(3).split(np.zeros((10, 1)), y))
    assert sum(np.isin(1, y[test]) for _, test in splits) == 2  # one fold has no class 1
    assert all(len(test) > 0 for _, test in splits)


def test_no_warning_when_every_class_fills_the_folds(iris, recwarn):
    kfold_splits(iris[1], 5, random_state=0)
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_the_search_warns_at_the_callers_line(iris):
    X, y = iris
    keep = np.r_[0:50, 50:52]  # class 1 has 2 members, cv=3
    with pytest.warns(UserWarning, match="only 2 members") as record:
        grid_search(fast_estimator(), {"learning_rate": [0.1]}, X[keep], y[keep], cv=3)
    assert record[0].filename == __file__


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "grid",
    [
        {"momentum": [0.5, 0.9], "learning_rate": [0.01, 0.1, 1.0]},
        [{"optimizer": ["sgd"], "learning_rate": [0.1]}, {"optimizer": ["adam"], "beta1": [0.8]}],
    ],
)
def test_parameter_grid_matches_scikit_learn_in_order(grid):
    assert list(parameter_grid(grid)) == list(ParameterGrid(grid))


@pytest.mark.parametrize(
    ("grid", "error"),
    [
        ({"lr": []}, ValueError),
        ({}, ValueError),
        ([], ValueError),
        ([{"lr": [0.1]}, {}], ValueError),
        ({"lr": "0.1"}, TypeError),
        ({"lr": 0.1}, TypeError),
        (["lr"], TypeError),
        ("lr", TypeError),
    ],
)
def test_parameter_grid_bad_values(grid, error):
    with pytest.raises(error, match="param_grid"):
        parameter_grid(grid)  # refused when called, before any candidate is drawn


def test_log_uniform_spreads_draws_evenly_over_decades():
    draws = LogUniform(1e-5, 1.0).rvs(size=50_000, random_state=0)
    counts = np.histogram(np.log10(draws), bins=5, range=(-5, 0))[0]
    assert np.allclose(counts / len(draws), 0.2, atol=0.01)
    assert isinstance(LogUniform(1e-3, 1e-1).rvs(random_state=0), float)
    # the same law as scipy's: compare quantiles of large samples
    ours = np.quantile(draws, [0.1, 0.5, 0.9])
    theirs = np.quantile(loguniform(1e-5, 1.0).rvs(size=50_000, random_state=1), [0.1, 0.5, 0.9])
    assert np.allclose(np.log10(ours), np.log10(theirs), atol=0.05)


@pytest.mark.parametrize(
    ("low", "high", "name"), [(0.0, 1.0, "low"), (1e-3, np.inf, "high"), (1.0, 0.1, "low")]
)
def test_log_uniform_bad_bounds(low, high, name):
    with pytest.raises(ValueError, match=name):
        LogUniform(low, high)


def test_sample_parameters_uses_rvs_and_lists():
    rng = np.random.default_rng(0)
    space = {"learning_rate": loguniform(1e-3, 1.0), "optimizer": ["sgd", "adam", "adamw"]}
    draws = [sample_parameters(space, rng) for _ in range(3000)]
    assert all(1e-3 <= d["learning_rate"] <= 1.0 for d in draws)
    _, counts = np.unique([d["optimizer"] for d in draws], return_counts=True)
    assert np.allclose(counts / 3000, 1 / 3, atol=0.03)
    union = [{"optimizer": ["sgd"]}, {"optimizer": ["adam"], "beta1": [0.5]}]
    keys = {tuple(sorted(sample_parameters(union, rng))) for _ in range(50)}
    assert keys == {("optimizer",), ("beta1", "optimizer")}
    with pytest.raises(TypeError, match="momentum"):
        sample_parameters({"momentum": 0.9}, rng)
    with pytest.raises(ValueError, match="param_distributions"):
        sample_parameters({}, rng)


# --------------------------------------------------------------------------------------------
# Agreement with scikit-learn: same candidates, same folds, same scores
# --------------------------------------------------------------------------------------------


def assert_same_results(ours: SearchResult, theirs, n_splits: int):
    res = theirs.cv_results_
    assert [t.params for t in ours.trials] == list(res["params"])
    assert np.allclose([t.mean_score for t in ours.trials], res["mean_test_score"])
    assert np.allclose([t.std_score for t in ours.trials], res["std_test_score"])
    for j in range(n_splits):
        assert np.allclose(ours.as_array(f"split{j}_score"), res[f"split{j}_test_score"])
    assert ours.best_params == theirs.best_params_
    assert ours.best_score == pytest.approx(theirs.best_score_)


def test_grid_search_agrees_with_grid_search_cv(iris):
    X, y = iris
    grid = {"learning_rate": [0.003, 0.03, 0.3], "momentum": [0.0, 0.9]}
    splits = kfold_splits(y, 3, random_state=0)
    ours = grid_search(fast_estimator(), grid, X, y, cv=splits)
    theirs = GridSearchCV(fast_estimator(), grid, cv=splits, refit=False).fit(X, y)
    assert len(ours) == 6
    assert_same_results(ours, theirs, 3)
    # an int cv means our own stratified folds, seeded by random_state
    assert np.allclose(
        grid_search(fast_estimator(), grid, X, y, cv=3, random_state=0).as_array("mean_score"),
        ours.as_array("mean_score"),
    )


class Replay:
    """A 'distribution' that hands out recorded values in order, so that scikit-learn's
    RandomizedSearchCV evaluates exactly the candidates our random_search drew."""

    def __init__(self, values):
        self.values, self.i = list(values), 0

    def rvs(self, random_state=None):
        self.i += 1
        return self.values[self.i - 1]


def test_random_search_agrees_with_randomized_search_cv(iris):
    X, y = iris
    space = {
        "learning_rate": LogUniform(1e-3, 1.0),
        "momentum": [0.0, 0.5, 0.9],
        "optimizer": ["momentum", "adam"],
    }
    splits = kfold_splits(y, 3, random_state=5)
    ours = random_search(fast_estimator(), space, X, y, n_iter=6, cv=splits, random_state=5)
    replay = {name: Replay(ours.as_array(name).tolist()) for name in space}
    theirs = RandomizedSearchCV(
        fast_estimator(), replay, n_iter=6, cv=splits, refit=False, random_state=0
    ).fit(X, y)
    assert_same_results(ours, theirs, 3)


def test_random_search_with_a_custom_scorer_agrees(iris):
    X, y = iris

    def neg_log_loss(est, X_test, y_test):
        return -log_loss(y_test, est.predict_proba(X_test), labels=est.classes_)

    space = {"learning_rate": loguniform(1e-3, 1.0)}
    splits = kfold_splits(y, 3, random_state=0)
    ours = random_search(
        fast_estimator(), space, X, y, n_iter=3, cv=splits, scoring=neg_log_loss, random_state=0
    )
    replay = {"learning_rate": Replay(ours.as_array("learning_rate"))}
    theirs = RandomizedSearchCV(
        fast_estimator(), replay, n_iter=3, cv=splits, scoring="neg_log_loss", refit=False
    ).fit(X, y)
    assert_same_results(ours, theirs, 3)


def test_random_search_is_reproducible(iris):
    X, y = iris
    space = {"learning_rate": LogUniform(1e-3, 1.0)}
    a = random_search(fast_estimator(), space, X, y, n_iter=3, cv=3, random_state=7)
    b = random_search(fast_estimator(), space, X, y, n_iter=3, cv=3, random_state=7)
    assert all(t.fit_time > 0 for t in a.trials)
    for ta, tb in zip(a.trials, b.trials, strict=True):
        assert ta.params == tb.params and np.array_equal(ta.scores, tb.scores)


def test_a_divergent_candidate_is_scored_not_fatal(iris):
    X, y = iris
    from optlib.estimators import MLPClassifier

    est = MLPClassifier(hidden_layer_sizes=(8,), optimizer="momentum", epochs=30, random_state=0)
    grid = {"learning_rate": [0.03, 100.0]}
    with pytest.warns(RuntimeWarning, match="diverged"):
        res = grid_search(est, grid, X, y, cv=3, random_state=0)
    assert res.best_params == {"learning_rate": 0.03}
    assert np.all(np.isfinite(res.as_array("mean_score")))


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


def make_result():
    return SearchResult(
        [
            Trial({"lr": 0.1, "opt": "sgd"}, np.array([0.5, 0.7]), np.array([0.1, 0.3])),
            Trial({"lr": 1.0, "opt": "sgd"}, np.array([np.nan, 0.9]), np.array([0.1, 0.1])),
            Trial({"lr": 0.01, "opt": "adam"}, np.array([0.8, 0.8]), np.array([0.2, 0.2])),
        ]
    )


def test_result_rows_columns_and_best():
    r = make_result()
    rows = r.to_rows()
    assert list(rows[0]) == [
        "lr",
        "opt",
        "mean_score",
        "std_score",
        "fit_time",
        "split0_score",
        "split1_score",
    ]
    assert rows[0]["mean_score"] == pytest.approx(0.6) and rows[0]["std_score"] == pytest.approx(
        0.1
    )
    assert rows[0]["fit_time"] == pytest.approx(0.4)
    assert r.best_index == 2 and r.best_params == {"lr": 0.01, "opt": "adam"}  # NaN ranks last
    assert r.as_array("opt").tolist() == ["sgd", "sgd", "adam"]
    with pytest.raises(KeyError, match="momentum"):
        r.as_array("momentum")


def test_result_prints_ranked():
    lines = str(make_result()).splitlines()
    assert lines[0].split() == ["rank", "lr", "opt", "mean_score", "std_score", "fit_time"]
    assert [line.split()[1] for line in lines[1:]] == ["0.01", "0.1", "1"]


# --------------------------------------------------------------------------------------------
# The front door of the searches
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"param_grid": {}}, ValueError, "param_grid"),
        ({"param_grid": {"learning_rate": []}}, ValueError, "param_grid['learning_rate']"),
        ({"cv": 1}, ValueError, "cv"),
        ({"cv": 2.5}, TypeError, "cv"),
        ({"cv": "folds"}, TypeError, "cv"),
        ({"cv": []}, ValueError, "cv"),
        ({"cv": [(np.arange(10), np.array([], dtype=int))]}, ValueError, "cv[0] has an empty test"),
        ({"cv": [(np.arange(10), np.arange(200, 210))]}, ValueError, "cv[0] test"),
        ({"scoring": "accuracy"}, TypeError, "scoring"),
        ({"random_state": "seed"}, TypeError, "random_state"),
        ({"random_state": -1}, ValueError, "random_state"),
        ({"estimator": SoftmaxRegression}, TypeError, "estimator"),
        ({"estimator": object()}, TypeError, "estimator"),
    ],
)
def test_grid_search_bad_arguments_are_named(iris, kwargs, error, name):
    X, y = iris
    args = {"estimator": fast_estimator(), "param_grid": {"learning_rate": [0.1]}, **kwargs}
    estimator, grid = args.pop("estimator"), args.pop("param_grid")
    with pytest.raises(error) as info:
        grid_search(estimator, grid, X, y, **args)
    assert name in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"n_iter": 0}, ValueError, "n_iter"),
        ({"n_iter": 2.0}, TypeError, "n_iter"),
        ({"space": {}}, ValueError, "param_distributions"),
        ({"space": []}, ValueError, "param_distributions"),
        ({"space": {"learning_rate": ()}}, ValueError, "param_distributions['learning_rate']"),
    ],
)
def test_random_search_empty_spaces_are_refused(iris, kwargs, error, name):
    X, y = iris
    space = kwargs.pop("space", {"learning_rate": LogUniform(1e-3, 1.0)})
    with pytest.raises(error) as info:
        random_search(fast_estimator(), space, X, y, cv=3, **kwargs)
    assert name in str(info.value)
