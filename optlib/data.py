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

Data sets on disk are written and opened by :mod:`optlib.memmap`; the bundled and synthetic
data sets are in :mod:`optlib.datasets`.
"""

from __future__ import annotations

import itertools
import mmap
from collections.abc import Iterator

import numpy as np

from optlib import _checks

__all__ = ["batch_indices", "minibatches"]


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
    """The batches of one epoch and, for a block shuffle, its windows (else None).

    Unchecked: the arguments are what :func:`_check_plan` returned.
    """
    n_full = n // b
    stop = n_full * b if drop_last else n
    if not shuffle:
        return (slice(i, min(i + b, n)) for i in range(0, stop, b)), None
    windows = None
    if block_size is None:
        order = rng.permutation(n)
    else:
        order, windows = _block_permutation(n, block_size, window, rng)
    full = order[: n_full * b].reshape(n_full, b)
    if sort:
        full.sort(axis=1)  # monotone reads within a batch; the same set of rows
    if stop == n_full * b:
        return iter(full), windows  # row views of the permutation, one per batch
    last = order[n_full * b :]
    return itertools.chain(full, [np.sort(last) if sort else last]), windows


def _check_plan(batch_size, shuffle, drop_last, rng, block_size, window) -> dict:
    """The front-door checks of the epoch's order, shared by batch_indices and minibatches."""
    return dict(
        b=_checks.positive_int("batch_size", batch_size),
        shuffle=_checks.flag("shuffle", shuffle),
        drop_last=_checks.flag("drop_last", drop_last),
        rng=_checks.as_rng(rng),
        block_size=None if block_size is None else _checks.positive_int("block_size", block_size),
        window=_checks.positive_int("window", window),
    )


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
    sorted when ``sort=True``.

    Parameters
    ----------
    n_samples : int
        The number of examples, >= 1.
    batch_size : int
        Examples per batch (positive); the last batch holds the rest unless ``drop_last``.
    shuffle : bool, default True
        Draw the batches from a random permutation; False gives contiguous slices in order.
    drop_last : bool, default False
        Drop the last, smaller batch.
    rng : numpy.random.Generator or int, optional
        Source of the permutation; None (default) draws fresh entropy.
    block_size : int, optional
        Shuffle blocks of ``block_size`` contiguous rows instead of single rows (for data on
        disk, see :func:`minibatches`); None (default) draws a uniform permutation.
    window : int, default 8
        With ``block_size``: the number of blocks whose rows are mixed together.
    sort : bool, default True
        Sort the indices inside each shuffled batch: the same rows, read in file order (the
        batch's gradient does not depend on the order; the disk's reads do).

    Returns
    -------
    iterator of slice or ndarray
        One per batch: a slice without shuffling, an integer array with it.

    Examples
    --------
    >>> import numpy as np
    >>> [b.tolist() for b in batch_indices(5, 2, rng=np.random.default_rng(0))]
    [[2, 4], [0, 3], [1]]
    >>> list(batch_indices(5, 2, shuffle=False, drop_last=True))
    [slice(0, 2, None), slice(2, 4, None)]
    """
    n = _checks.positive_int("n_samples", n_samples)
    plan = _check_plan(batch_size, shuffle, drop_last, rng, block_size, window)
    batches, _ = _epoch_plan(n, plan.pop("b"), sort=_checks.flag("sort", sort), **plan)
    return batches


# --------------------------------------------------------------------------------------------
# minibatches
# --------------------------------------------------------------------------------------------


_KIND = {"b": "bool", "c": "complex", "O": "object", "U": "string", "S": "bytes", "V": "void"}
_KIND.update(M="datetime", m="timedelta")


def _as_arraylike(a, name: str):
    """Arrays and array-likes with ``shape`` and slicing pass through; lists become arrays.

    The dtype, when the array-like has one, must be real numbers (integers or floats): bool,
    complex, object and string data are refused by name. Nothing is copied or converted.
    """
    if a is None:
        raise TypeError(f"{name} must be an array of numbers, not None")
    if not (hasattr(a, "shape") and hasattr(a, "__getitem__")):
        try:
            a = np.asarray(a)
        except (TypeError, ValueError) as err:  # e.g. a ragged list
            raise TypeError(
                f"{name} must be an array of numbers; got {_checks._show(a)}: {err}"
            ) from err
    try:
        shape = tuple(int(m) for m in a.shape)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name}.shape must be a tuple of ints; got {a.shape!r}") from err
    if len(shape) == 0:
        raise ValueError(
            f"{name} must have at least one dimension (one row per example); got a scalar"
        )
    dtype = getattr(a, "dtype", None)
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype.kind not in "iuf":
            kind = _KIND.get(dtype.kind, dtype.kind)
            raise TypeError(
                f"{name} must hold real numbers (integers or floats); got dtype {dtype} ({kind})"
                f" from {_checks._show(a)}; convert it, e.g. np.asarray({name}, dtype=np.float32)"
            )
    return a


class _Column:
    """A column vector y of shape (n, 1) seen as (n,): rows come out 1-D."""

    def __init__(self, a):
        self.a, self.shape = a, (a.shape[0],)
        self.dtype = getattr(a, "dtype", None)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key):
        rows = np.asarray(self.a[key])
        return rows.reshape(len(rows))


def _as_data(X, y):
    """The front-door checks of a data set ``(X, y)``: arrays of real numbers, one row per
    example in each, at least one example. A column vector ``y`` of shape (n, 1) is read as
    shape (n,) (a view): with (n, 1) targets a model's ``Xw - y`` would silently broadcast
    to (n, n). Targets of shape (n, k), k > 1, pass through (several outputs)."""
    X, y = _as_arraylike(X, "X"), _as_arraylike(y, "y")
    if len(y.shape) > 2:
        raise ValueError(f"y must have shape (n,) or (n, n_outputs); got shape {tuple(y.shape)}")
    if len(y.shape) == 2 and y.shape[1] == 1:
        y = y[:, 0] if isinstance(y, np.ndarray) else _Column(y)
    _checks.same_length("X", range(X.shape[0]), "y", range(y.shape[0]))
    if X.shape[0] == 0:
        raise ValueError("X and y are empty (0 rows): a data set needs at least one example")
    return X, y


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
    TypeError
        If an argument is of the wrong kind (``batch_size=2.5``, ``shuffle="yes"``), or X or
        y hold something other than real numbers (bool, complex, object or string data).
    ValueError
        If ``batch_size`` is not positive, X and y have different lengths, the data set is
        empty, ``drop_last`` leaves no batch, or the data hold NaN or inf.

    Notes
    -----
    A column vector ``y`` of shape ``(n, 1)`` is read as shape ``(n,)``: its batches are 1-D.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in minibatches(X, y, 2, rng=np.random.default_rng(0))]
    [[2, 4], [3, 0], [1]]
    >>> [yb.tolist() for _, yb in minibatches(X, y, 2, shuffle=False, drop_last=True)]
    [[0, 1], [2, 3]]
    """
    X, y = _as_data(X, y)
    plan = _check_plan(batch_size, shuffle, drop_last, rng, block_size, window)
    check_finite = _checks.flag("check_finite", check_finite)
    b, n = plan.pop("b"), X.shape[0]
    if plan["drop_last"] and b > n:
        raise ValueError(
            f"batch_size={b} is larger than the {n} examples and drop_last=True: no batch is left"
        )
    check_X = check_y = check_finite
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
    batches, windows = _epoch_plan(n, b, sort=not _in_memory(X), **plan)
    return _batches(X, y, batches, check_X, check_y, windows)
