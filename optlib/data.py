r"""Data for training: mini-batches that scale past memory, bundled and synthetic data sets.

:func:`minibatches` is the loop of chapter 2. One call is one epoch: every example is visited
exactly once, in the order of one fresh permutation, and the last, smaller batch is kept unless
``drop_last=True``. The data set is never copied: each batch is gathered through its slice of the
permutation, so the same code runs on an in-memory array, on an :class:`numpy.memmap` of a file
many times larger than memory, or on any array-like that supports slicing.

Shuffling a file on disk: a uniform permutation visits rows in random order, which on a cold
file means one random disk read per row. Two remedies are built in:

* the indices of each batch are sorted before the rows are gathered from a file, so reads inside
  a batch go forward through it (the batch is the same set of rows, so its gradient is unchanged
  up to rounding; in-memory arrays skip the sort, which buys them nothing);
* ``block_size=k`` shuffles *blocks* of ``k`` contiguous rows instead, then shuffles rows within
  a window of ``window`` blocks: reads become long and sequential, at the price of a permutation
  that is no longer uniform (rows of the same block tend to share batches).
"""

from __future__ import annotations

import itertools
import mmap
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from optlib._checks import as_rng as _as_rng
from optlib._checks import positive_int as _positive_int

__all__ = [
    "MemorySampler",
    "batch_indices",
    "drop_file_cache",
    "load_digits",
    "load_iris",
    "make_classification",
    "make_regression",
    "make_regression_memmap",
    "minibatches",
    "open_memmap",
    "process_memory",
    "to_memmap",
]


# --------------------------------------------------------------------------------------------
# The order of an epoch
# --------------------------------------------------------------------------------------------


def _block_permutation(n: int, block_size: int, window: int, rng):
    """Blocks of contiguous rows in random order, rows shuffled within windows of blocks.

    Returns the order of the rows and the windows: for each, the position in ``order`` where it
    ends and the row ranges ``(start, stop)`` of its blocks, in file order.
    """
    n_blocks = -(-n // block_size)
    block_order = rng.permutation(n_blocks)
    starts = block_order * block_size
    lengths = np.minimum(block_size, n - starts)
    offsets = np.cumsum(lengths) - lengths  # where each block starts in the new order
    order = np.arange(n) - np.repeat(offsets - starts, lengths)
    windows = []
    for w in range(0, n_blocks, window):
        lo = offsets[w]
        hi = offsets[min(w + window, n_blocks) - 1] + lengths[min(w + window, n_blocks) - 1]
        rng.shuffle(order[lo:hi])  # in place: a view of order
        blocks = zip(starts[w : w + window], lengths[w : w + window], strict=True)
        ranges = sorted((int(a), int(a + m)) for a, m in blocks)
        windows.append((int(hi), ranges))
    return order, windows


def _epoch_plan(n, b, *, shuffle, drop_last, rng, block_size, window, sort):
    """The batches of one epoch and, for a block shuffle, its windows (else None)."""
    n_full = n // b
    stop = n_full * b if drop_last else n
    if not shuffle:
        return (slice(i, min(i + b, n)) for i in range(0, stop, b)), None
    rng = _as_rng(rng)
    windows = None
    if block_size is None:
        order = rng.permutation(n)
    else:
        order, windows = _block_permutation(
            n, _positive_int("block_size", block_size), _positive_int("window", window), rng
        )
    full = order[: n_full * b].reshape(n_full, b)
    if sort:
        full.sort(axis=1)  # monotone reads within a batch; the same set of rows
    if stop == n_full * b:
        return iter(full), windows  # row views of the permutation, one per batch
    last = order[n_full * b :]
    return itertools.chain(full, [np.sort(last) if sort else last]), windows


def batch_indices(
    n_samples: int,
    batch_size: int,
    *,
    shuffle: bool = True,
    drop_last: bool = False,
    rng=None,
    block_size: int | None = None,
    window: int = 8,
    sort: bool = True,
) -> Iterator[slice | np.ndarray]:
    """The row indices of each batch of one epoch.

    Without shuffling, the batches are slices ``start:stop`` (so ``X[s]`` is a view). With
    shuffling, each batch is an integer array taken from one permutation of ``range(n_samples)``,
    sorted when ``sort=True``; see :func:`minibatches` for the other parameters.

    Examples
    --------
    >>> import numpy as np
    >>> [b.tolist() for b in batch_indices(5, 2, rng=np.random.default_rng(0))]
    [[2, 4], [0, 3], [1]]
    >>> list(batch_indices(5, 2, shuffle=False, drop_last=True))
    [slice(0, 2, None), slice(2, 4, None)]
    """
    n = _positive_int("n_samples", n_samples)
    b = _positive_int("batch_size", batch_size)
    batches, _ = _epoch_plan(
        n,
        b,
        shuffle=shuffle,
        drop_last=drop_last,
        rng=rng,
        block_size=block_size,
        window=window,
        sort=sort,
    )
    return batches


# --------------------------------------------------------------------------------------------
# minibatches
# --------------------------------------------------------------------------------------------


def _as_arraylike(a, name: str):
    """Arrays and array-likes with ``shape`` and slicing pass through; lists become arrays."""
    if a is None:
        raise TypeError(f"{name} must be an array, not None")
    if not (hasattr(a, "shape") and hasattr(a, "__getitem__")):
        a = np.asarray(a)
    if len(a.shape) == 0:
        raise ValueError(f"{name} must have at least one dimension (one row per example)")
    return a


def _in_memory(a) -> bool:
    return isinstance(a, np.ndarray) and not isinstance(a, np.memmap) and _owns_memory(a)


def _owns_memory(a: np.ndarray) -> bool:
    """False for views of a memory map (e.g. ``np.asarray`` of an ``np.memmap``)."""
    base = a
    while isinstance(base, np.ndarray):
        if isinstance(base, np.memmap):
            return False
        base = base.base
    return not isinstance(base, mmap.mmap)


def _nonfinite_row(a) -> int | None:
    """The first row of ``a`` holding NaN or inf, or None (cheap when there is none)."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.inexact):
        return None
    with np.errstate(all="ignore"):
        total = np.sum(a)  # NaN and inf propagate; a fast pass with no temporary array
    if np.isfinite(total):
        return None
    bad = ~np.isfinite(a.reshape(len(a), -1)).all(axis=1)  # exact, only on the rare path
    rows = np.flatnonzero(bad)
    return int(rows[0]) if rows.size else None  # None: the sum overflowed, values are finite


def _nonfinite_message(name: str, row: int) -> str:
    return (
        f"{name} contains NaN or inf (first at row {row}); clean or impute the data before "
        f"training, e.g. X = np.nan_to_num(X) or drop those rows"
    )


def _gather(a):
    """A function ``idx -> rows`` for ``a``: a slice or an index array (sorted for files)."""
    if isinstance(a, np.ndarray):
        if isinstance(a, np.memmap):

            def take(idx):
                if isinstance(idx, slice):
                    return a[idx]
                return a.take(idx, axis=0).view(np.ndarray)

            return take

        def take(idx):  # ndarray.take is faster than a[idx] for the rows of a 2-D array
            return a[idx] if isinstance(idx, slice) else a.take(idx, axis=0)

        return take

    def take(idx):
        if isinstance(idx, slice):
            return np.asarray(a[idx])
        try:
            return np.asarray(a[idx])
        except (TypeError, IndexError, ValueError, KeyError):
            # An array-like that only slices: read each run of consecutive rows once.
            runs = np.split(idx, np.flatnonzero(np.diff(idx) != 1) + 1)
            return np.concatenate([np.asarray(a[int(r[0]) : int(r[-1]) + 1]) for r in runs])

    return take


def _mapped_rows(a):
    """``(mmap, byte offset of row 0 in it, bytes per row, read_only)`` for an array backed by
    a memory map with rows at increasing addresses, else None."""
    if not isinstance(a, np.ndarray) or a.ndim == 0 or a.strides[0] <= 0:
        return None
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not isinstance(root.base, mmap.mmap):
        return None
    mm = root.base
    # np.memmap maps from an ALLOCATIONGRANULARITY-aligned file offset: find the map's start.
    start = root.ctypes.data - getattr(root, "offset", 0) % mmap.ALLOCATIONGRANULARITY
    read_only = getattr(root, "mode", None) == "r"
    return mm, a.ctypes.data - start, a.strides[0], read_only


# Linux 5.4+: "these pages are cold", reclaim them before the pages read ahead. Python's mmap
# module does not name it; on other kernels madvise fails with EINVAL and the hint is skipped.
_MADV_COLD = getattr(mmap, "MADV_COLD", 20)
_READ_AHEAD = 1  # windows requested beyond the one in use


def _advise(target, ranges, advice) -> None:
    """``madvise`` rows ``ranges`` of a memory map (a hint: errors are ignored)."""
    mm, base, row, _ = target
    page = mmap.PAGESIZE
    release = advice in (mmap.MADV_DONTNEED, _MADV_COLD)
    for lo, hi in ranges:
        first, last = base + lo * row, base + hi * row
        if release:  # only the pages that hold no row outside the range
            aligned, last = first + (-first) % page, last - last % page
        else:  # every page that holds a row of the range
            aligned = first - first % page
        if last > aligned:
            try:
                mm.madvise(advice, aligned, last - aligned)
            except (OSError, ValueError):
                return


def _batches(X, y, batches, check_X: bool, check_y: bool, windows=None):
    take_X, take_y = _gather(X), _gather(y)
    targets = [t for t in (_mapped_rows(X), _mapped_rows(y)) if t is not None]
    if windows and targets and hasattr(mmap, "MADV_WILLNEED") and hasattr(mmap, "MADV_DONTNEED"):
        batches = _with_prefetch(batches, windows, targets)
    if not (check_X or check_y):
        for idx in batches:
            yield take_X(idx), take_y(idx)
        return
    for idx in batches:
        Xb, yb = take_X(idx), take_y(idx)
        for name, arr, check in (("X", Xb, check_X), ("y", yb, check_y)):
            if check:
                row = _nonfinite_row(arr)
                if row is not None:
                    first = idx.start + row if isinstance(idx, slice) else int(idx[row])
                    raise ValueError(_nonfinite_message(name, first))
        yield Xb, yb


def _with_prefetch(batches, windows, targets):
    """Pass the batches through, reading each window of blocks ahead and letting it go after.

    While the batches of window ``w`` are used, the blocks of windows ``w`` and ``w + 1`` are
    requested from the disk (``MADV_WILLNEED``: asynchronous read-ahead). Once every row of a
    window has been gathered, its pages are unmapped from this process (``MADV_DONTNEED``, for
    read-only maps only): the copy in the page cache stays valid, but it no longer counts in
    this process's resident memory and the kernel can reclaim it cheaply.
    """
    ends = [end for end, _ in windows]
    fetched = released = 0
    pos = 0
    for idx in batches:
        start, pos = pos, pos + len(idx)
        while released < len(ends) and ends[released] <= start:  # gathered: the batches that
            for target in targets:  # used these rows were consumed before we were resumed
                if target[3]:
                    _advise(target, windows[released][1], _MADV_COLD)
                    _advise(target, windows[released][1], mmap.MADV_DONTNEED)
            released += 1
        current = next((w for w, end in enumerate(ends) if end >= pos), len(ends) - 1)
        while fetched <= min(current + _READ_AHEAD, len(ends) - 1):
            for target in targets:
                _advise(target, windows[fetched][1], mmap.MADV_WILLNEED)
            fetched += 1
        yield idx


def minibatches(
    X,
    y,
    batch_size: int,
    *,
    shuffle: bool = True,
    drop_last: bool = False,
    rng=None,
    block_size: int | None = None,
    window: int = 8,
    check_finite: bool = True,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    r"""One epoch of mini-batches ``(X_batch, y_batch)``.

    Every example appears in exactly one batch. With ``shuffle=True`` the batches follow one
    fresh permutation per call (draw it from ``rng`` to make it reproducible), and the indices
    of a batch drawn from a memory map or another array-like are sorted before the rows are
    gathered, which makes the reads from the file go forward. Nothing is copied but the
    batches themselves: the data set is never permuted in memory (unlike
    ``X = X[np.random.permutation(n)]``).

    Parameters
    ----------
    X : array_like, shape (n_samples, ...)
        The inputs: an array, an :class:`numpy.memmap`, or any array-like with ``shape`` and
        row slicing (``X[i:j]``; fancy indexing ``X[idx]`` is used when it is supported).
    y : array_like, shape (n_samples, ...)
        The targets, one row per example.
    batch_size : int
        Examples per batch (positive). The last batch has ``n_samples % batch_size`` examples
        when that is not zero.
    shuffle : bool, default True
        Visit the examples in a random order; ``False`` gives contiguous slices in file order.
    drop_last : bool, default False
        Drop the last, smaller batch (so every batch has exactly ``batch_size`` examples).
    rng : numpy.random.Generator or int, optional
        Source of the permutation. Pass the same Generator each epoch: the epochs differ and
        the run is reproducible.
    block_size : int, optional
        For data on disk. ``None`` (default) draws a uniform permutation of the rows. An integer
        shuffles blocks of ``block_size`` contiguous rows, then the rows inside each window of
        ``window`` consecutive blocks: disk reads become sequential runs, and each batch still
        mixes rows from about ``window`` distant places of the file, but the permutation is
        no longer uniform. On a memory map, the blocks of the next window are read ahead
        (``madvise(MADV_WILLNEED)``) while the current one is used, so the disk works while the
        model computes.
    window : int, default 8
        Blocks mixed together when ``block_size`` is given. Two windows are read ahead at a
        time: keep ``2 * window * block_size`` rows well inside the memory you may use (in
        the benchmark, 4096-row blocks of 1 KiB rows and windows of 8 blocks, 32 MiB, read
        a cold file at disk speed under a 400 MiB limit, and 64 MiB windows thrashed).
    check_finite : bool, default True
        Raise ``ValueError`` on NaN or inf. An in-memory array is checked whole, once, when
        ``minibatches`` is called; a memory map or other array-like is checked batch by
        batch as it is read (scanning it up front would read the whole file).

    Returns
    -------
    iterator of (ndarray, ndarray)
        Without shuffling, the batches of an in-memory array are views, not copies.

    Raises
    ------
    ValueError
        If ``batch_size`` is not a positive integer, X and y have different lengths, the data
        set is empty, ``drop_last`` leaves no batch, or the data hold NaN or inf.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in minibatches(X, y, 2, rng=np.random.default_rng(0))]
    [[2, 4], [3, 0], [1]]
    >>> [yb.tolist() for _, yb in minibatches(X, y, 2, shuffle=False, drop_last=True)]
    [[0, 1], [2, 3]]
    """
    X, y = _as_arraylike(X, "X"), _as_arraylike(y, "y")
    b = _positive_int("batch_size", batch_size)
    n = X.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"X and y must have the same number of examples; got {n} and {y.shape[0]}")
    if n == 0:
        raise ValueError("the data set is empty (0 examples): there is nothing to batch")
    if drop_last and b > n:
        raise ValueError(
            f"batch_size={b} is larger than the {n} examples and drop_last=True: no batch is left"
        )
    check_X = check_y = bool(check_finite)
    if check_finite:
        for name, arr in (("X", X), ("y", y)):
            if _in_memory(arr):
                row = _nonfinite_row(arr)
                if row is not None:
                    raise ValueError(_nonfinite_message(name, row))
                if name == "X":
                    check_X = False
                else:
                    check_y = False
    batches, windows = _epoch_plan(
        n,
        b,
        shuffle=shuffle,
        drop_last=drop_last,
        rng=rng,
        block_size=block_size,
        window=window,
        sort=not _in_memory(X),
    )
    return _batches(X, y, batches, check_X, check_y, windows)


# --------------------------------------------------------------------------------------------
# Memory-mapped data sets
# --------------------------------------------------------------------------------------------


def _paths(path) -> tuple[Path, Path]:
    path = Path(path)
    return path / "X.npy", path / "y.npy"


def open_memmap(path, mode: str = "r") -> tuple[np.memmap, np.memmap]:
    """Open the data set written by :func:`to_memmap` as two memory maps ``(X, y)``.

    Nothing is read until rows are used: the operating system pages in the parts of the
    files that are touched and may drop them again under memory pressure.

    Parameters
    ----------
    path : str or Path
        The directory holding ``X.npy`` and ``y.npy``.
    mode : {"r", "r+", "c"}, default "r"
        As in :func:`numpy.load` (``"r"``: read-only).
    """
    if mode not in ("r", "r+", "c"):
        raise ValueError(f"mode must be 'r', 'r+' or 'c'; got {mode!r}")
    px, py = _paths(path)
    if not px.exists() or not py.exists():
        raise FileNotFoundError(f"{path} must hold X.npy and y.npy (see optlib.data.to_memmap)")
    return np.load(px, mmap_mode=mode), np.load(py, mmap_mode=mode)


def _create(path, n: int, x_shape, x_dtype, y_shape, y_dtype):
    px, py = _paths(path)
    px.parent.mkdir(parents=True, exist_ok=True)
    fmt = np.lib.format
    Xm = fmt.open_memmap(px, mode="w+", dtype=x_dtype, shape=(n, *x_shape))
    ym = fmt.open_memmap(py, mode="w+", dtype=y_dtype, shape=(n, *y_shape))
    return Xm, ym


def to_memmap(path, X, y, *, chunk_rows: int = 65536) -> tuple[np.memmap, np.memmap]:
    """Write ``X`` and ``y`` as ``.npy`` files in directory ``path`` and open them mapped.

    The rows are copied ``chunk_rows`` at a time, so ``X`` may itself be a memory map larger
    than memory.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     Xm, ym = to_memmap(d, np.ones((3, 2), np.float32), np.arange(3))
    ...     isinstance(Xm, np.memmap), Xm.shape, ym.tolist()
    (True, (3, 2), [0, 1, 2])
    """
    X, y = _as_arraylike(X, "X"), _as_arraylike(y, "y")
    n = X.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"X and y must have the same number of examples; got {n} and {y.shape[0]}")
    step = _positive_int("chunk_rows", chunk_rows)
    Xm, ym = _create(path, n, X.shape[1:], np.dtype(X.dtype), y.shape[1:], np.dtype(y.dtype))
    for i in range(0, n, step):
        Xm[i : i + step] = X[i : i + step]
        ym[i : i + step] = y[i : i + step]
    Xm.flush()
    ym.flush()
    del Xm, ym
    return open_memmap(path)


def make_regression_memmap(
    path,
    n_samples: int,
    n_features: int,
    *,
    noise: float = 0.1,
    seed=None,
    dtype=np.float32,
    chunk_rows: int = 65536,
) -> tuple[np.memmap, np.memmap]:
    r"""Write a synthetic linear-regression data set to disk chunk by chunk and open it mapped.

    :math:`y = X w^\star + \sigma \varepsilon` with :math:`X, \varepsilon` standard normal and
    :math:`w^\star \sim \mathcal N(0, I/d)`, generated ``chunk_rows`` rows at a time: the data
    set may be far larger than memory. The same ``seed`` and ``chunk_rows`` give the same files.

    Returns
    -------
    (X, y) : two read-only memory maps of ``path/X.npy`` and ``path/y.npy``.
    """
    n = _positive_int("n_samples", n_samples)
    d = _positive_int("n_features", n_features)
    step = _positive_int("chunk_rows", chunk_rows)
    rng = _as_rng(seed)
    w = rng.normal(0.0, 1.0 / np.sqrt(d), size=d)
    Xm, ym = _create(path, n, (d,), np.dtype(dtype), (), np.dtype(dtype))
    for i in range(0, n, step):
        rows = min(step, n - i)
        Xc = rng.standard_normal((rows, d), dtype=np.float32).astype(dtype, copy=False)
        Xm[i : i + rows] = Xc
        ym[i : i + rows] = Xc @ w.astype(dtype) + noise * rng.standard_normal(rows)
        Xm.flush()  # hand the written pages to the OS as we go
    ym.flush()
    del Xm, ym
    return open_memmap(path)


# --------------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------------


def load_iris(scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris (150 examples, 4 features, 3 classes), shipped with scikit-learn.

    With ``scale=True`` each feature is standardised to mean 0 and standard deviation 1 (over
    the whole set; standardise with the training split's statistics for honest test scores).

    Examples
    --------
    >>> X, y = load_iris()
    >>> X.shape, y.shape, sorted(set(y.tolist()))
    ((150, 4), (150,), [0, 1, 2])
    """
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

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, float(X.max()), len(set(y.tolist()))
    ((1797, 64), 1.0, 10)
    """
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

    Returns
    -------
    X, y : ndarray
        Shapes ``(n_samples, n_features)`` and ``(n_samples,)``, float64.
    coef : ndarray, optional
        ``[w*, b*]`` (the parameter vector of :class:`optlib.models.LinearRegression`) when
        ``return_coef=True``.

    Examples
    --------
    >>> X, y, coef = make_regression(100, 3, noise=0.0, seed=0, return_coef=True)
    >>> import numpy as np; bool(np.allclose(X @ coef[:-1] + coef[-1], y))
    True
    """
    if seed is not None and rng is not None:
        raise ValueError("pass seed or rng, not both")
    n = _positive_int("n_samples", n_samples)
    d = _positive_int("n_features", n_features)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}")
    g = _as_rng(rng if rng is not None else seed)
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
    if seed is not None and rng is not None:
        raise ValueError("pass seed or rng, not both")
    n = _positive_int("n_samples", n_samples)
    d = _positive_int("n_features", n_features)
    k = _positive_int("n_classes", n_classes)
    if k < 2:
        raise ValueError(f"n_classes must be at least 2; got {n_classes!r}")
    if not (np.isfinite(class_sep) and class_sep >= 0):
        raise ValueError(f"class_sep must be a finite number >= 0; got {class_sep!r}")
    g = _as_rng(rng if rng is not None else seed)
    centres = g.standard_normal((k, d))
    centres *= class_sep / np.linalg.norm(centres, axis=1, keepdims=True)
    y = g.permutation(np.arange(n) % k).astype(np.int64)
    X = centres[y] + g.standard_normal((n, d))
    return X, y


# --------------------------------------------------------------------------------------------
# Measuring memory
# --------------------------------------------------------------------------------------------

_STATUS_FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile")


def process_memory() -> dict[str, int]:
    """This process's memory in bytes, from ``/proc/self/status`` (Linux).

    ``RssAnon`` is what the process allocated itself (arrays, the interpreter); ``RssFile``
    the pages of mapped files it has touched that are still resident (the kernel may drop
    them at any time, they are a cache); ``VmRSS`` is their sum (plus shared memory) and
    ``VmHWM`` its peak. Returns an empty dict where ``/proc`` is not available.
    """
    out: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in _STATUS_FIELDS:
                    out[key] = int(rest.split()[0]) * 1024
    except OSError:
        return {}
    return out


class MemorySampler:
    """Sample :func:`process_memory` in a background thread; keep the peaks.

    Examples
    --------
    >>> import numpy as np
    >>> with MemorySampler(interval=0.001) as mem:
    ...     a = np.ones(1_000_000)
    >>> mem.peak["RssAnon"] >= 0
    True
    """

    def __init__(self, interval: float = 0.01):
        if not (np.isfinite(interval) and interval > 0):
            raise ValueError(f"interval must be a positive number of seconds; got {interval!r}")
        self.interval = float(interval)
        self.peak: dict[str, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> None:
        """Take one sample now (the thread calls this every ``interval`` seconds)."""
        for key, value in process_memory().items():
            self.peak[key] = max(self.peak.get(key, 0), value)
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()


def drop_file_cache(path) -> None:
    """Ask the OS to drop the cached pages of one file (Linux ``posix_fadvise``; else no-op).

    Used to measure reads from a cold file, e.g. how much of a memory map an epoch touches.
    Pages still mapped by a process may stay cached.
    """
    if not hasattr(os, "posix_fadvise"):
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
