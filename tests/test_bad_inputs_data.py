"""Bad inputs to optlib.data, optlib.memmap and optlib.datasets: each refused at the call, with
the right exception type and a message that names the argument (or the file).

``CASES`` is a table ``(case_id, thunk, expected exception type, name the message must
contain)``; other scripts import it to count how clearly each bad input is reported.
"""

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from optlib.data import batch_indices, minibatches
from optlib.datasets import load_digits, load_iris, make_classification, make_regression
from optlib.memmap import make_regression_memmap, open_memmap, to_memmap

X = np.arange(30.0).reshape(10, 3)
Y = np.arange(10)

_TMP: list[tempfile.TemporaryDirectory] = []


def _dir() -> Path:
    """A scratch directory for this process, removed when it exits."""
    if not _TMP:
        _TMP.append(tempfile.TemporaryDirectory(prefix="optlib-bad-inputs-"))
    return Path(_TMP[0].name)


def _new() -> Path:
    """A directory that does not exist yet: a refused write must not create it."""
    return Path(tempfile.mkdtemp(dir=_dir())) / "set"


def _damaged(kind: str) -> Path:
    """A data set directory with one damaged file."""
    d = Path(tempfile.mkdtemp(dir=_dir()))
    np.save(d / "X.npy", X)
    np.save(d / "y.npy", Y)
    if kind == "truncated X":
        os.truncate(d / "X.npy", (d / "X.npy").stat().st_size - 16)
    elif kind == "truncated y":
        os.truncate(d / "y.npy", (d / "y.npy").stat().st_size - 8)
    elif kind == "object y":
        np.save(d / "y.npy", np.array([None] * 10, dtype=object), allow_pickle=True)
    elif kind == "string X":
        np.save(d / "X.npy", np.array([["a"] * 3] * 10))
    elif kind == "short y":
        np.save(d / "y.npy", Y[:9])
    elif kind == "missing y":
        os.remove(d / "y.npy")
    return d


class _NoDtype:
    """An array-like with rows but no dtype (cannot be written to disk)."""

    shape = (10, 3)

    def __getitem__(self, key):
        return X[key]


def mb(**kw):
    """minibatches on good data but for ``kw``; the iterator is not consumed."""
    args = dict(X=X, y=Y, batch_size=4) | kw

    def thunk():
        a = dict(args)
        return minibatches(a.pop("X"), a.pop("y"), a.pop("batch_size"), **a)

    return thunk


# fmt: off
CASES = [
    # ---- optlib.data.minibatches ---------------------------------------------------------
    ("minibatches batch_size=0", mb(batch_size=0), ValueError, "batch_size"),
    ("minibatches batch_size=-3", mb(batch_size=-3), ValueError, "batch_size"),
    ("minibatches batch_size=2.5", mb(batch_size=2.5), TypeError, "batch_size"),
    ("minibatches batch_size='8'", mb(batch_size="8"), TypeError, "batch_size"),
    ("minibatches batch_size=True", mb(batch_size=True), TypeError, "batch_size"),
    ("minibatches batch_size=None", mb(batch_size=None), TypeError, "batch_size"),
    ("minibatches shuffle='yes'", mb(shuffle="yes"), TypeError, "shuffle"),
    ("minibatches shuffle=1", mb(shuffle=1), TypeError, "shuffle"),
    ("minibatches drop_last=None", mb(drop_last=None), TypeError, "drop_last"),
    ("minibatches drop_last, batch > n", mb(batch_size=11, drop_last=True),
     ValueError, "drop_last"),
    ("minibatches rng='seed'", mb(rng="seed"), TypeError, "rng"),
    ("minibatches rng=-1", mb(rng=-1), ValueError, "rng"),
    ("minibatches rng=1.5", mb(rng=1.5), TypeError, "rng"),
    ("minibatches block_size=0", mb(block_size=0), ValueError, "block_size"),
    ("minibatches block_size=2.5", mb(block_size=2.5), TypeError, "block_size"),
    ("minibatches window=0", mb(block_size=2, window=0), ValueError, "window"),
    ("minibatches window='8'", mb(window="8"), TypeError, "window"),
    ("minibatches check_finite='no'", mb(check_finite="no"), TypeError, "check_finite"),
    ("minibatches X None", mb(X=None), TypeError, "X"),
    ("minibatches X ragged list", mb(X=[[1.0], [2.0, 3.0]], y=[0, 1]), TypeError, "X"),
    ("minibatches X scalar", mb(X=np.float64(1.0)), ValueError, "X"),
    ("minibatches X object", mb(X=X.astype(object)), TypeError, "X"),
    ("minibatches X strings", mb(X=X.astype(str)), TypeError, "X"),
    ("minibatches X complex", mb(X=X + 1j), TypeError, "X"),
    ("minibatches X bool", mb(X=X > 3), TypeError, "X"),
    ("minibatches X datetime", mb(X=np.arange(10).astype("datetime64[D]")), TypeError, "X"),
    ("minibatches X NaN", mb(X=np.where(X == 7, np.nan, X)), ValueError, "X"),
    ("minibatches y object", mb(y=Y.astype(object)), TypeError, "y"),
    ("minibatches y strings", mb(y=Y.astype(str)), TypeError, "y"),
    ("minibatches y scalar", mb(y=np.int64(3)), ValueError, "y"),
    ("minibatches y 3-D", mb(y=Y.reshape(10, 1, 1)), ValueError, "y"),
    ("minibatches y inf", mb(y=np.where(Y == 2, np.inf, Y)), ValueError, "y"),
    ("minibatches y shorter", mb(y=Y[:-1]), ValueError, "y"),
    ("minibatches empty", mb(X=X[:0], y=Y[:0]), ValueError, "X"),
    # ---- optlib.data.batch_indices ---------------------------------------------------------
    ("batch_indices n_samples=0", lambda: batch_indices(0, 2), ValueError, "n_samples"),
    ("batch_indices n_samples=3.0", lambda: batch_indices(3.0, 2), TypeError, "n_samples"),
    ("batch_indices batch_size=0", lambda: batch_indices(5, 0), ValueError, "batch_size"),
    ("batch_indices sort='yes'", lambda: batch_indices(5, 2, sort="yes"), TypeError, "sort"),
    ("batch_indices shuffle=None", lambda: batch_indices(5, 2, shuffle=None), TypeError, "shuffle"),
    # ---- optlib.memmap.to_memmap -------------------------------------------------------------
    ("to_memmap chunk_rows=0", lambda: to_memmap(_new(), X, Y, chunk_rows=0),
     ValueError, "chunk_rows"),
    ("to_memmap chunk_rows=1.5", lambda: to_memmap(_new(), X, Y, chunk_rows=1.5),
     TypeError, "chunk_rows"),
    ("to_memmap path=None", lambda: to_memmap(None, X, Y), TypeError, "path"),
    ("to_memmap path=3", lambda: to_memmap(3, X, Y), TypeError, "path"),
    ("to_memmap X object", lambda: to_memmap(_new(), X.astype(object), Y), TypeError, "X"),
    ("to_memmap X complex", lambda: to_memmap(_new(), X + 1j, Y), TypeError, "X"),
    ("to_memmap y object", lambda: to_memmap(_new(), X, np.array([None] * 10)), TypeError, "y"),
    ("to_memmap y strings", lambda: to_memmap(_new(), X, Y.astype(str)), TypeError, "y"),
    ("to_memmap y bool", lambda: to_memmap(_new(), X, Y > 3), TypeError, "y"),
    ("to_memmap y 3-D", lambda: to_memmap(_new(), X, Y.reshape(10, 1, 1)), ValueError, "y"),
    ("to_memmap y shorter", lambda: to_memmap(_new(), X, Y[:-1]), ValueError, "y"),
    ("to_memmap empty", lambda: to_memmap(_new(), X[:0], Y[:0]), ValueError, "X"),
    ("to_memmap X without dtype", lambda: to_memmap(_new(), _NoDtype(), Y), TypeError, "X"),
    # ---- optlib.memmap.open_memmap -----------------------------------------------------------
    ("open_memmap mode='w+'", lambda: open_memmap(_damaged("none"), mode="w+"), ValueError, "mode"),
    ("open_memmap mode=None", lambda: open_memmap(_damaged("none"), mode=None), ValueError, "mode"),
    ("open_memmap path=None", lambda: open_memmap(None), TypeError, "path"),
    ("open_memmap missing y.npy", lambda: open_memmap(_damaged("missing y")),
     FileNotFoundError, "y.npy"),
    ("open_memmap truncated X.npy 'r'", lambda: open_memmap(_damaged("truncated X")),
     ValueError, "X.npy"),
    ("open_memmap truncated X.npy 'r+'", lambda: open_memmap(_damaged("truncated X"), "r+"),
     ValueError, "X.npy"),
    ("open_memmap truncated y.npy 'r'", lambda: open_memmap(_damaged("truncated y")),
     ValueError, "y.npy"),
    ("open_memmap truncated y.npy 'r+'", lambda: open_memmap(_damaged("truncated y"), "r+"),
     ValueError, "y.npy"),
    ("open_memmap pickled y.npy", lambda: open_memmap(_damaged("object y")), ValueError, "y.npy"),
    ("open_memmap strings in X.npy", lambda: open_memmap(_damaged("string X")),
     ValueError, "X.npy"),
    ("open_memmap row counts differ", lambda: open_memmap(_damaged("short y")),
     ValueError, "y.npy"),
    # ---- optlib.memmap.make_regression_memmap ------------------------------------------------
    ("make_regression_memmap n_samples=0", lambda: make_regression_memmap(_new(), 0, 3),
     ValueError, "n_samples"),
    ("make_regression_memmap n_features=1.5", lambda: make_regression_memmap(_new(), 10, 1.5),
     TypeError, "n_features"),
    ("make_regression_memmap noise=-1", lambda: make_regression_memmap(_new(), 10, 3, noise=-1),
     ValueError, "noise"),
    ("make_regression_memmap noise=nan",
     lambda: make_regression_memmap(_new(), 10, 3, noise=float("nan")), ValueError, "noise"),
    ("make_regression_memmap seed='x'", lambda: make_regression_memmap(_new(), 10, 3, seed="x"),
     TypeError, "seed"),
    ("make_regression_memmap dtype=int32",
     lambda: make_regression_memmap(_new(), 10, 3, dtype=np.int32), TypeError, "dtype"),
    ("make_regression_memmap dtype='nonsense'",
     lambda: make_regression_memmap(_new(), 10, 3, dtype="nonsense"), TypeError, "dtype"),
    ("make_regression_memmap chunk_rows=0",
     lambda: make_regression_memmap(_new(), 10, 3, chunk_rows=0), ValueError, "chunk_rows"),
    # ---- optlib.datasets ---------------------------------------------------------------------
    ("load_iris scale='yes'", lambda: load_iris(scale="yes"), TypeError, "scale"),
    ("load_digits scale=None", lambda: load_digits(scale=None), TypeError, "scale"),
    ("make_regression n_samples=0", lambda: make_regression(0), ValueError, "n_samples"),
    ("make_regression n_samples=10.0", lambda: make_regression(10.0), TypeError, "n_samples"),
    ("make_regression n_features=-1", lambda: make_regression(10, -1), ValueError, "n_features"),
    ("make_regression noise=-1", lambda: make_regression(10, 2, noise=-1.0), ValueError, "noise"),
    ("make_regression noise='0.1'", lambda: make_regression(10, 2, noise="0.1"),
     TypeError, "noise"),
    ("make_regression noise=inf", lambda: make_regression(10, 2, noise=np.inf),
     ValueError, "noise"),
    ("make_regression seed=-1", lambda: make_regression(10, 2, seed=-1), ValueError, "seed"),
    ("make_regression rng='x'", lambda: make_regression(10, 2, rng="x"), TypeError, "rng"),
    ("make_regression seed and rng", lambda: make_regression(10, 2, seed=0, rng=1),
     ValueError, "rng"),
    ("make_regression return_coef='yes'", lambda: make_regression(10, 2, return_coef="yes"),
     TypeError, "return_coef"),
    ("make_classification n_classes=1", lambda: make_classification(10, 2, 1),
     ValueError, "n_classes"),
    ("make_classification n_classes=2.0", lambda: make_classification(10, 2, 2.0),
     TypeError, "n_classes"),
    ("make_classification n_features=0", lambda: make_classification(10, 0),
     ValueError, "n_features"),
    ("make_classification class_sep=-1", lambda: make_classification(10, class_sep=-1.0),
     ValueError, "class_sep"),
    ("make_classification class_sep=nan", lambda: make_classification(10, class_sep=float("nan")),
     ValueError, "class_sep"),
    ("make_classification seed=1.5", lambda: make_classification(10, seed=1.5), TypeError, "seed"),
]
# fmt: on


@pytest.mark.parametrize(
    "thunk, error, name", [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_input_is_refused_clearly(thunk, error, name):
    with pytest.raises(error) as info:
        thunk()
    assert name in str(info.value), f"the message does not name {name!r}: {info.value}"


def test_the_table_is_large_and_its_ids_unique():
    assert len(CASES) >= 40
    assert len({case[0] for case in CASES}) == len(CASES)


def test_a_refused_write_creates_nothing():
    target = _new()
    with pytest.raises(TypeError):
        to_memmap(target, X, Y.astype(object))
    assert not target.exists()
