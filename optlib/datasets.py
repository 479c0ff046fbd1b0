"""Data sets to train on: two bundled with scikit-learn, two synthetic ones drawn from a seed.

The arrays are in memory (float64 inputs, int64 labels); :mod:`optlib.memmap` writes data sets
too large for memory to disk.
"""

from __future__ import annotations

import numpy as np

from optlib import _checks

__all__ = ["load_digits", "load_iris", "make_classification", "make_regression"]


def _seed_or_rng(seed, rng) -> np.random.Generator:
    """The Generator of ``seed`` or of ``rng`` (its alias): not both."""
    if seed is not None and rng is not None:
        raise ValueError(
            f"pass seed or rng, not both; got seed={_checks._show(seed)} and "
            f"rng={_checks._show(rng)}"
        )
    return _checks.as_rng(seed, "seed") if rng is None else _checks.as_rng(rng, "rng")


def load_iris(scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris (150 examples, 4 features, 3 classes), shipped with scikit-learn.

    With ``scale=True`` each feature is standardised to mean 0 and standard deviation 1 (over
    the whole set; standardise with the training split's statistics for honest test scores).

    Parameters
    ----------
    scale : bool, default True
        Standardise each feature.

    Returns
    -------
    X : ndarray, shape (150, 4), float64
    y : ndarray, shape (150,), int64
        The class of each flower, 0, 1 or 2.

    Examples
    --------
    >>> X, y = load_iris()
    >>> X.shape, y.shape, sorted(set(y.tolist()))
    ((150, 4), (150,), [0, 1, 2])
    """
    scale = _checks.flag("scale", scale)
    from sklearn.datasets import load_iris as _load

    X, y = _load(return_X_y=True)
    X = X.astype(np.float64)
    if scale:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y.astype(np.int64)


def load_digits(scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """8x8 images of handwritten digits (1797 examples, 64 features, 10 classes).

    Shipped with scikit-learn (no download). With ``scale=True`` the pixel values 0..16 are
    divided by 16 into [0, 1] (standardising would divide some always-blank pixels by zero).

    Parameters
    ----------
    scale : bool, default True
        Divide the pixel values by 16.

    Returns
    -------
    X : ndarray, shape (1797, 64), float64
    y : ndarray, shape (1797,), int64
        The digit each image shows, 0 to 9.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, float(X.max()), len(set(y.tolist()))
    ((1797, 64), 1.0, 10)
    """
    scale = _checks.flag("scale", scale)
    from sklearn.datasets import load_digits as _load

    X, y = _load(return_X_y=True)
    X = X.astype(np.float64)
    if scale:
        X = X / 16.0
    return X, y.astype(np.int64)


def make_regression(
    n_samples: int = 1000,
    n_features: int = 10,
    *,
    noise: float = 0.1,
    seed=None,
    rng=None,
    return_coef: bool = False,
):
    r"""A synthetic linear-regression task :math:`y = X w^\star + b^\star + \sigma\varepsilon`.

    :math:`X` and :math:`\varepsilon` are standard normal, :math:`w^\star \sim \mathcal N(0,
    I/d)` and :math:`b^\star = 0.5`. ``seed`` (or ``rng``, its alias) fixes everything.

    Parameters
    ----------
    n_samples : int, default 1000
        The number of examples :math:`n`, >= 1.
    n_features : int, default 10
        The number of features :math:`d`, >= 1.
    noise : float, default 0.1
        :math:`\sigma \ge 0`, the standard deviation of the noise added to :math:`y`.
    seed : int, Generator or None, default None
        The random numbers: an int seed >= 0, a NumPy Generator, or None for fresh entropy.
    rng : int, Generator or None, default None
        Another name for ``seed`` (the name :func:`optlib.train.fit` uses); give at most one
        of the two.
    return_coef : bool, default False
        Also return the true parameters.

    Returns
    -------
    X : ndarray, shape (n_samples, n_features), float64
    y : ndarray, shape (n_samples,), float64
    coef : ndarray, optional
        ``[w*, b*]`` (the parameter vector of :class:`optlib.models.LinearRegression`) when
        ``return_coef=True``.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: ``n_samples`` and ``n_features`` must be positive integers,
        ``noise`` a finite number >= 0, ``seed`` and ``rng`` not both given.

    Examples
    --------
    >>> X, y, coef = make_regression(100, 3, noise=0.0, seed=0, return_coef=True)
    >>> import numpy as np; bool(np.allclose(X @ coef[:-1] + coef[-1], y))
    True
    """
    n = _checks.positive_int("n_samples", n_samples)
    d = _checks.positive_int("n_features", n_features)
    noise = _checks.real("noise", noise, low=0.0)
    return_coef = _checks.flag("return_coef", return_coef)
    g = _seed_or_rng(seed, rng)
    w = g.normal(0.0, 1.0 / np.sqrt(d), size=d)
    b = 0.5
    X = g.standard_normal((n, d))
    y = X @ w + b + noise * g.standard_normal(n)
    return (X, y, np.append(w, b)) if return_coef else (X, y)


def make_classification(
    n_samples: int = 1000,
    n_features: int = 2,
    n_classes: int = 2,
    *,
    class_sep: float = 2.0,
    seed=None,
    rng=None,
):
    """Gaussian blobs: ``n_classes`` clusters with unit variance around random centres.

    The centres are drawn on a sphere of radius ``class_sep``, so larger ``class_sep`` makes
    the classes easier to separate. Labels are balanced (as equal as ``n_samples`` allows).

    Parameters
    ----------
    n_samples : int, default 1000
        The number of examples, >= 1.
    n_features : int, default 2
        The number of features, >= 1.
    n_classes : int, default 2
        The number of classes, >= 2.
    class_sep : float, default 2.0
        The distance of each centre from the origin, >= 0.
    seed : int, Generator or None, default None
        The random numbers: an int seed >= 0, a NumPy Generator, or None for fresh entropy.
    rng : int, Generator or None, default None
        Another name for ``seed`` (the name :func:`optlib.train.fit` uses); give at most one
        of the two.

    Returns
    -------
    X : ndarray, shape (n_samples, n_features), float64
    y : ndarray, shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_classification(7, 2, 3, seed=0)
    >>> X.shape, sorted(y.tolist())
    ((7, 2), [0, 0, 0, 1, 1, 2, 2])
    """
    n = _checks.positive_int("n_samples", n_samples)
    d = _checks.positive_int("n_features", n_features)
    k = _checks.integer("n_classes", n_classes, low=2)
    class_sep = _checks.real("class_sep", class_sep, low=0.0)
    g = _seed_or_rng(seed, rng)
    centres = g.standard_normal((k, d))
    centres *= class_sep / np.linalg.norm(centres, axis=1, keepdims=True)
    y = g.permutation(np.arange(n) % k).astype(np.int64)
    X = centres[y] + g.standard_normal((n, d))
    return X, y
