"""optlib.datasets: the bundled data sets and the seeded synthetic ones."""

import numpy as np
import pytest

from optlib.datasets import load_digits, load_iris, make_classification, make_regression


def test_bundled_data_sets():
    X, y = load_iris()
    assert X.shape == (150, 4) and y.dtype == np.int64 and np.bincount(y).tolist() == [50] * 3
    assert np.allclose(X.mean(axis=0), 0) and np.allclose(X.std(axis=0), 1)
    Xd, yd = load_digits()
    assert Xd.shape == (1797, 64) and Xd.min() == 0 and Xd.max() == 1 and set(yd) == set(range(10))
    assert load_digits(scale=False)[0].max() == 16


def test_synthetic_makers_are_seeded_and_validated():
    a, b = make_regression(50, 3, seed=0), make_regression(50, 3, rng=np.random.default_rng(0))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    X, y, coef = make_regression(500, 3, noise=0.0, seed=2, return_coef=True)
    assert np.allclose(X @ coef[:-1] + coef[-1], y)
    Xc, yc = make_classification(300, 2, 3, seed=0)
    assert np.bincount(yc).tolist() == [100] * 3
    assert np.array_equal(Xc, make_classification(300, 2, 3, seed=0)[0])
    with pytest.raises(ValueError, match="n_classes"):
        make_classification(10, 2, 1)
    with pytest.raises(ValueError, match="noise"):
        make_regression(10, 2, noise=-1.0)
    with pytest.raises(ValueError, match="seed or rng"):
        make_regression(10, 2, seed=0, rng=np.random.default_rng(0))
