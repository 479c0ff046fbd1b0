r"""Grid search and random search, written out for the lesson (chapter 9).

Both searches are the same three steps: make a list of candidate hyperparameter settings, score
each one by :math:`k`-fold cross-validation, keep the best,

.. math::

    \hat\lambda = \arg\max_{\lambda \in \Lambda} \frac1k \sum_{j=1}^k
        \mathrm{score}\big(\mathrm{fit}_\lambda(D \setminus D_j),\, D_j\big),

and differ only in the list :math:`\Lambda`: every combination of a few values per
hyperparameter (:func:`grid_search`), or ``n_iter`` independent draws from a distribution per
hyperparameter (:func:`random_search`). Bergstra & Bengio (2012) showed why the second usually
wins for the same budget: when only a few hyperparameters matter, a grid of 3 values on each
of 3 hyperparameters spends 27 runs on only 3 distinct values of each, while 27 random points
try 27.

The results come back as a :class:`SearchResult`, a table with one :class:`Trial` per
candidate (its fold scores, their mean and standard deviation, the fit time). scikit-learn's
``GridSearchCV`` and ``RandomizedSearchCV`` do the same (and more: parallel fits, refitting,
error handling); the tests check that both give the same scores on the same candidates and
folds.

Reference: Bergstra & Bengio (2012), "Random search for hyper-parameter optimization", JMLR 13.
"""

from __future__ import annotations

import itertools
import math
import numbers
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from optlib import _checks

__all__ = [
    "LogUniform",
    "SearchResult",
    "Trial",
    "grid_search",
    "kfold_splits",
    "parameter_grid",
    "random_search",
    "sample_parameters",
]


# --------------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogUniform:
    r"""The log-uniform (reciprocal) distribution on ``[low, high]``.

    :math:`\log x` is uniform on :math:`[\log a, \log b]`, so every decade gets the same share
    of the draws: :math:`x = \exp(u)`, :math:`u \sim U(\log a, \log b)`. The right prior for a
    scale parameter such as the learning rate, where 1e-4 vs 1e-3 matters as much as 0.1 vs
    1 (a uniform draw on [1e-4, 1] lands above 0.1 nine times in ten). Same as
    ``scipy.stats.loguniform(low, high)``, which the searches accept too.

    Parameters
    ----------
    low : float
        :math:`a`, the lower end of the range, > 0.
    high : float
        :math:`b`, the upper end of the range, > ``low``.

    Examples
    --------
    >>> import numpy as np
    >>> draws = LogUniform(1e-4, 1.0).rvs(size=10_000, random_state=np.random.default_rng(0))
    >>> bool(draws.min() >= 1e-4 and draws.max() <= 1.0)
    True
    >>> round(float(np.mean(draws < 1e-2)), 1)        # half the decades, half the draws
    0.5
    """

    low: float
    high: float

    def __post_init__(self):
        _checks.real("low", self.low, low=0.0, low_open=True)
        _checks.real("high", self.high, low=0.0, low_open=True)
        if not self.low < self.high:
            raise ValueError(f"low must be < high; got low={self.low!r}, high={self.high!r}")

    def rvs(self, size=None, random_state=None):
        """Draw ``size`` samples (one float when ``size`` is None) with ``random_state``."""
        rng = np.random.default_rng(random_state)
        u = rng.uniform(math.log(self.low), math.log(self.high), size=size)
        return float(np.exp(u)) if size is None else np.exp(u)


def parameter_grid(param_grid):
    """Every combination of the listed values, as dicts (like scikit-learn's ``ParameterGrid``).

    ``param_grid`` is a dict ``name -> list of values`` or a list of such dicts (a union of
    grids, e.g. to pair ``momentum`` only with the optimizers that use it). Names are taken in
    sorted order and the last one varies fastest, as in scikit-learn.

    Parameters
    ----------
    param_grid : dict or list of dict
        ``name -> list of values``, or a list of such dicts; no dict and no list may be empty.

    Returns
    -------
    iterator of dict
        One dict ``name -> value`` per combination.

    Examples
    --------
    >>> list(parameter_grid({"momentum": [0.5, 0.9], "learning_rate": [0.1]}))
    [{'learning_rate': 0.1, 'momentum': 0.5}, {'learning_rate': 0.1, 'momentum': 0.9}]

    The grid is checked when this is called, not when the candidates are drawn: an empty grid
    (``{}``, ``[]``) or an empty list of values would make a search with nothing to try.
    """
    grids = _spaces("param_grid", param_grid, lists_only=True)
    return _grid_candidates(grids)


def _grid_candidates(grids):
    for grid in grids:
        names = sorted(grid)
        for values in itertools.product(*(grid[name] for name in names)):
            yield dict(zip(names, values, strict=True))


def _spaces(name: str, space, *, lists_only: bool) -> list[dict]:
    """A search space (a dict, or a non-empty list of dicts) as a list of dicts, each naming at
    least one parameter with a non-empty list of values (or, unless ``lists_only``, a
    distribution with ``rvs``)."""
    what = "a list of values" if lists_only else "a distribution with rvs() or a list of values"
    if isinstance(space, Mapping):
        spaces, labels = [space], [name]
    elif isinstance(space, (list, tuple)):
        if not space:
            raise ValueError(f"{name} must not be empty: a search needs candidates; got {space!r}")
        spaces, labels = list(space), [f"{name}[{i}]" for i in range(len(space))]
    else:
        raise TypeError(f"{name} must be a dict or a list of dicts; got {space!r}")
    for grid, label in zip(spaces, labels, strict=True):
        if not isinstance(grid, Mapping):
            raise TypeError(f"{label} must be a dict name -> {what}; got {grid!r}")
        if not grid:
            raise ValueError(f"{label} must name at least one parameter; got an empty dict")
        for key, values in grid.items():
            if not isinstance(key, str):
                raise TypeError(f"{label} must have parameter names as keys; got {key!r}")
            if not lists_only and callable(getattr(values, "rvs", None)):
                continue
            if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__len__"):
                raise TypeError(f"{label}[{key!r}] must be {what}; got {values!r}")
            if len(values) == 0:
                raise ValueError(f"{label}[{key!r}] must not be empty; got {values!r}")
    return [dict(grid) for grid in spaces]


def sample_parameters(param_distributions, rng: np.random.Generator) -> dict:
    """One random candidate: a draw from each distribution, a uniform choice from each list.

    Distributions are anything with ``rvs(random_state=...)`` (:class:`LogUniform`,
    ``scipy.stats`` distributions); names are drawn in sorted order. A list of dicts is a
    union of search spaces: one dict is chosen uniformly, then sampled.

    Parameters
    ----------
    param_distributions : dict or list of dict
        ``name -> distribution or list of values``, or a list of such dicts.
    rng : numpy.random.Generator
        The source of every draw (the searches pass their own, seeded by ``random_state``).

    Returns
    -------
    dict
        ``name -> value``, one candidate.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> space = {"learning_rate": LogUniform(1e-3, 1.0), "optimizer": ["sgd", "adam"]}
    >>> p = sample_parameters(space, rng)
    >>> sorted(p), 1e-3 <= p["learning_rate"] <= 1.0, p["optimizer"] in ("sgd", "adam")
    (['learning_rate', 'optimizer'], True, True)
    """
    spaces = _spaces("param_distributions", param_distributions, lists_only=False)
    union = not isinstance(param_distributions, Mapping)
    return _sample(spaces, union, _checks.as_rng(rng))


def _sample(spaces: list[dict], union: bool, rng: np.random.Generator) -> dict:
    """:func:`sample_parameters` on checked spaces: the loop of :func:`random_search`. A union
    (a list of dicts, even of one) first draws which space to sample."""
    space = spaces[int(rng.integers(len(spaces)))] if union else spaces[0]
    params = {}
    for name in sorted(space):
        dist = space[name]
        if hasattr(dist, "rvs"):
            params[name] = dist.rvs(random_state=rng)
        else:
            params[name] = dist[int(rng.integers(len(dist)))]
    return params


# --------------------------------------------------------------------------------------------
# Cross-validation
# --------------------------------------------------------------------------------------------


def kfold_splits(y, n_splits: int = 5, *, stratified: bool = True, random_state=None):
    """Shuffled (stratified) k-fold cross-validation: a list of ``(train, test)`` index arrays.

    The examples are shuffled with ``random_state`` and dealt out to the folds like cards, one
    each in turn. With ``stratified=True`` they are dealt class by class, so every fold gets
    its share of each class (within one example); fold sizes differ by at most one. Each
    example is in exactly one test fold. As scikit-learn's ``StratifiedKFold`` does, a class
    with fewer members than ``n_splits`` gives a ``UserWarning`` (some test folds miss it).

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        The labels (only their count matters with ``stratified=False``).
    n_splits : int, default 5
        The number of folds, >= 2 and at most the number of examples.
    stratified : bool, default True
        Deal the examples out class by class.
    random_state : int, Generator or None, default None
        Seeds the shuffle (None: fresh entropy, a different split each call).

    Returns
    -------
    list of (ndarray, ndarray)
        ``(train, test)`` indices for each fold.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    >>> splits = kfold_splits(y, 2, random_state=0)
    >>> [np.bincount(y[test]).tolist() for _, test in splits]      # two of each class
    [[2, 2], [2, 2]]
    >>> sorted(np.concatenate([test for _, test in splits]).tolist()) == list(range(8))
    True
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional, one label per example; got shape {y.shape}")
    n = len(y)
    n_splits = _checks.integer("n_splits", n_splits, low=2)
    stratified = _checks.flag("stratified", stratified)
    if n_splits > n:
        raise ValueError(
            f"n_splits={n_splits} is more than the {n} examples: a test fold would be empty"
        )
    rng = _checks.as_rng(random_state, "random_state")
    return _kfold(y, n_splits, stratified, rng, stacklevel=3)


def _kfold(y, n_splits: int, stratified: bool, rng, *, stacklevel: int):
    """:func:`kfold_splits` on checked arguments; the warning points ``stacklevel`` up."""
    n = len(y)
    if stratified:
        _, labels = np.unique(y, return_inverse=True)
        labels = labels.reshape(-1)
        smallest = int(np.bincount(labels).min())
        if smallest < n_splits:  # the words of scikit-learn's StratifiedKFold
            warnings.warn(
                f"The least populated class in y has only {smallest} members, which is less "
                f"than n_splits={n_splits}.",
                UserWarning,
                stacklevel=stacklevel,
            )
        classes = range(labels.max() + 1)
        order = np.concatenate([rng.permutation(np.flatnonzero(labels == c)) for c in classes])
    else:
        order = rng.permutation(n)
    fold = np.empty(n, dtype=np.intp)
    fold[order] = np.arange(n) % n_splits  # deal the cards
    return [(np.flatnonzero(fold != j), np.flatnonzero(fold == j)) for j in range(n_splits)]


def _splits(cv, estimator, y, rng):
    """The folds: ``cv`` folds of our own, or the given ``(train, test)`` pairs (checked: each
    fold indexes ``y`` and neither half is empty)."""
    if isinstance(cv, numbers.Integral) and not isinstance(cv, (bool, np.bool_)):
        from sklearn.base import is_classifier

        cv = _checks.integer("cv", cv, low=2)
        if cv > len(y):
            raise ValueError(f"cv={cv} folds is more than the {len(y)} examples")
        if y.ndim != 1:
            raise ValueError(f"y must be 1-dimensional to make folds; got shape {y.shape}")
        # the warning points at the caller of grid_search / random_search (5 frames up)
        return _kfold(y, cv, is_classifier(estimator), rng, stacklevel=5)
    if isinstance(cv, (str, bytes, Mapping)) or not (
        hasattr(cv, "__iter__") or callable(getattr(cv, "split", None))
    ):  # a string has a split method too, but is no splitter
        raise TypeError(
            f"cv must be an int >= 2, a splitter with split() or a list of (train, test) index "
            f"pairs; got {cv!r}"
        )
    if callable(getattr(cv, "split", None)):  # a scikit-learn splitter
        splits = list(cv.split(np.zeros((len(y), 1)), y))
    else:
        splits = list(cv)
    if not splits:
        raise ValueError("cv must be an int >= 2 or a non-empty list of (train, test) pairs")
    checked = []
    for j, pair in enumerate(splits):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"cv[{j}] must be a (train, test) pair of index arrays; got {pair!r}")
        halves = []
        for half, idx in zip(("train", "test"), pair, strict=True):
            idx = np.asarray(idx)
            if idx.size == 0:
                raise ValueError(f"cv[{j}] has an empty {half} fold")
            if idx.ndim != 1 or idx.dtype.kind not in "iu":
                raise TypeError(
                    f"cv[{j}] {half} must be a 1-D array of integer indices; got {idx!r}"
                )
            if idx.min() < -len(y) or idx.max() >= len(y):
                raise ValueError(
                    f"cv[{j}] {half} indexes beyond the {len(y)} examples: {idx.min()}..{idx.max()}"
                )
            halves.append(idx)
        checked.append(tuple(halves))
    return checked


def _search_arguments(estimator, X, y, cv, scoring, random_state):
    """The front door of both searches: checked estimator, data, scorer and folds."""
    _checks.instance(
        "estimator", estimator, ("fit", "get_params", "set_params"), "a scikit-learn estimator"
    )
    if scoring is not None:
        _checks.callable_("scoring", scoring, "(fitted_estimator, X_test, y_test) -> float")
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must be arrays; got shapes {X.shape} and {y.shape}")
    _checks.same_length("X", X, "y", y)
    rng = _checks.as_rng(random_state, "random_state")
    return X, y, rng, _splits(cv, estimator, y, rng)


@dataclass(frozen=True)
class Trial:
    """One candidate and how it scored.

    Attributes
    ----------
    params : dict
        The hyperparameters set on the estimator.
    scores : ndarray
        The test score of each fold.
    fit_times : ndarray
        Seconds spent in ``fit`` on each fold.
    """

    params: dict
    scores: np.ndarray
    fit_times: np.ndarray

    @property
    def mean_score(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std_score(self) -> float:
        """The standard deviation over the folds (``ddof=0``, as in scikit-learn)."""
        return float(np.std(self.scores))

    @property
    def fit_time(self) -> float:
        """Total seconds spent fitting, all folds together."""
        return float(np.sum(self.fit_times))


def _evaluate(estimator, params, X, y, splits, scoring) -> Trial:
    """Fit a fresh copy of ``estimator`` with ``params`` on each training fold, score it."""
    from sklearn.base import clone

    scores, times = [], []
    for train, test in splits:
        model = clone(estimator).set_params(**params)
        start = time.perf_counter()
        model.fit(X[train], y[train])
        times.append(time.perf_counter() - start)
        if scoring is None:
            scores.append(model.score(X[test], y[test]))
        else:
            scores.append(scoring(model, X[test], y[test]))
    return Trial(dict(params), np.array(scores, dtype=float), np.array(times))


# --------------------------------------------------------------------------------------------
# The searches
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """The table of a search: one :class:`Trial` per candidate, in the order tried.

    Attributes
    ----------
    trials : list of Trial
        The candidates and their scores, in the order tried.

    Examples
    --------
    >>> r = SearchResult([Trial({"lr": 0.1}, np.array([0.8, 0.9]), np.array([0.1, 0.1])),
    ...                   Trial({"lr": 1.0}, np.array([0.9, 1.0]), np.array([0.1, 0.1]))])
    >>> r.best_params, round(r.best_score, 2), r.as_array("lr").tolist()
    ({'lr': 1.0}, 0.95, [0.1, 1.0])
    >>> print(r)
    rank   lr  mean_score  std_score  fit_time
       1    1        0.95       0.05       0.2
       2  0.1        0.85       0.05       0.2
    """

    trials: list

    @property
    def best_index(self) -> int:
        """The trial with the highest mean score (the first one on ties; NaN ranks last)."""
        means = np.array([t.mean_score for t in self.trials])
        return int(np.argmax(np.where(np.isnan(means), -np.inf, means)))

    @property
    def best_params(self) -> dict:
        return self.trials[self.best_index].params

    @property
    def best_score(self) -> float:
        return self.trials[self.best_index].mean_score

    def to_rows(self) -> list[dict]:
        """One flat dict per trial: the parameters, ``mean_score``, ``std_score``,
        ``fit_time`` and ``split0_score``, ``split1_score``, ..."""
        rows = []
        for t in self.trials:
            row = dict(t.params, mean_score=t.mean_score, std_score=t.std_score)
            row["fit_time"] = t.fit_time
            row.update({f"split{j}_score": float(s) for j, s in enumerate(t.scores)})
            rows.append(row)
        return rows

    def as_array(self, column: str) -> np.ndarray:
        """One column of :meth:`to_rows` as an array (a parameter or a score), e.g. for a plot."""
        rows = self.to_rows()
        if any(column not in row for row in rows):
            raise KeyError(f"no column {column!r}; the columns are {sorted(rows[0])}")
        return np.array([row[column] for row in rows])

    def __len__(self) -> int:
        return len(self.trials)

    def __str__(self) -> str:
        """The table ranked by mean score, without the per-fold columns."""
        rows = self.to_rows()
        names = [k for k in rows[0] if not k.startswith("split")]
        means = np.array([row["mean_score"] for row in rows])
        order = np.argsort(-np.where(np.isnan(means), -np.inf, means), kind="stable")

        def cell(v):
            return f"{v:.4g}" if isinstance(v, float) else str(v)

        table = [["rank", *names]]
        table += [[str(r), *(cell(rows[i][k]) for k in names)] for r, i in enumerate(order, 1)]
        widths = [max(len(line[c]) for line in table) for c in range(len(names) + 1)]
        return "\n".join(
            "  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in table
        )


def grid_search(estimator, param_grid, X, y, *, cv=5, scoring=None, random_state=None):
    """Score every combination in ``param_grid`` by cross-validation.

    Parameters
    ----------
    estimator : scikit-learn style estimator
        Copied (``sklearn.base.clone``) for every fit; never fitted itself.
    param_grid : dict or list of dicts
        ``name -> list of values`` (see :func:`parameter_grid`).
    X : array_like, shape (n_samples, n_features)
        The inputs; every fold indexes them as an array.
    y : array_like, shape (n_samples,)
        The targets (the labels of a classifier, which stratify the folds).
    cv : int or iterable of (train, test), default 5
        The number of folds (stratified for a classifier, shuffled with ``random_state``, see
        :func:`kfold_splits`), or the folds themselves (e.g. a scikit-learn splitter).
    scoring : callable, optional
        ``scoring(fitted_estimator, X_test, y_test) -> float`` (higher is better); default
        ``estimator.score`` (accuracy for a classifier).
    random_state : None, int or numpy.random.Generator, default None
        Seeds the folds (None: fresh entropy, different folds each call).

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> from optlib.datasets import load_iris
    >>> from optlib.estimators import SoftmaxRegression
    >>> X, y = load_iris()
    >>> grid = {"learning_rate": [0.01, 0.3], "momentum": [0.0, 0.9]}
    >>> res = grid_search(SoftmaxRegression(epochs=5, random_state=0), grid, X, y, cv=3,
    ...                   random_state=0)
    >>> len(res), res.best_params
    (4, {'learning_rate': 0.3, 'momentum': 0.9})
    """
    grids = _spaces("param_grid", param_grid, lists_only=True)
    X, y, _, splits = _search_arguments(estimator, X, y, cv, scoring, random_state)
    candidates = list(_grid_candidates(grids))
    return SearchResult([_evaluate(estimator, p, X, y, splits, scoring) for p in candidates])


def random_search(
    estimator, param_distributions, X, y, *, n_iter=10, cv=5, scoring=None, random_state=None
):
    """Score ``n_iter`` random candidates drawn from ``param_distributions`` by cross-validation.

    Every candidate is an independent draw (:func:`sample_parameters`): a value from each
    distribution (``rvs``) and a uniform choice from each list. Unlike scikit-learn, which
    samples a space made only of lists *without* replacement, the same candidate can come up
    twice.

    Parameters
    ----------
    estimator : scikit-learn style estimator
        Copied (``sklearn.base.clone``) for every fit; never fitted itself.
    param_distributions : dict or list of dicts
        ``name -> distribution or list``, e.g. ``{"learning_rate": LogUniform(1e-4, 1),
        "momentum": [0.5, 0.9, 0.99]}``.
    X : array_like, shape (n_samples, n_features)
        The inputs; every fold indexes them as an array.
    y : array_like, shape (n_samples,)
        The targets (the labels of a classifier, which stratify the folds).
    n_iter : int, default 10
        Number of candidates.
    cv : int or iterable of (train, test), default 5
        The number of folds (stratified for a classifier, shuffled with ``random_state``, see
        :func:`kfold_splits`), or the folds themselves (e.g. a scikit-learn splitter).
    scoring : callable, optional
        ``scoring(fitted_estimator, X_test, y_test) -> float`` (higher is better); default
        ``estimator.score`` (accuracy for a classifier).
    random_state : None, int or numpy.random.Generator, default None
        Seeds the folds, then the candidates (None: fresh entropy, different ones each call).

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> from optlib.datasets import load_iris
    >>> from optlib.estimators import SoftmaxRegression
    >>> X, y = load_iris()
    >>> space = {"learning_rate": LogUniform(1e-3, 1.0), "momentum": [0.0, 0.9]}
    >>> res = random_search(SoftmaxRegression(epochs=10, random_state=0), space, X, y,
    ...                     n_iter=5, cv=3, random_state=0)
    >>> np.round(res.as_array("learning_rate"), 4).tolist()     # two of five below 0.01
    [0.0414, 0.0213, 0.0013, 0.157, 0.0012]
    >>> res.best_params["momentum"], res.best_score > 0.8
    (0.0, True)
    """
    n_iter = _checks.positive_int("n_iter", n_iter)
    spaces = _spaces("param_distributions", param_distributions, lists_only=False)
    X, y, rng, splits = _search_arguments(estimator, X, y, cv, scoring, random_state)
    union = not isinstance(param_distributions, Mapping)
    candidates = [_sample(spaces, union, rng) for _ in range(n_iter)]
    return SearchResult([_evaluate(estimator, p, X, y, splits, scoring) for p in candidates])
