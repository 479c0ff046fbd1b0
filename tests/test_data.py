"""optlib.data: each example once per epoch, the last batch, seeds, memory maps read lazily."""

import ctypes
import itertools
import mmap
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optlib.data import batch_indices, minibatches
from optlib.datasets import make_classification, make_regression
from optlib.memmap import make_regression_memmap, open_memmap, to_memmap

# The memory probes live with the benchmarks (benchmarks/_memory.py), not in optlib.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from _memory import MemorySampler, drop_file_cache, process_memory  # noqa: E402


def _data(n, d=3):
    X = np.arange(n * d, dtype=float).reshape(n, d)
    return X, np.arange(n)


def _epoch_ids(n, batch_size, **kw):
    X, y = _data(n)
    return [yb for _, yb in minibatches(X, y, batch_size, **kw)]


# --------------------------------------------------------------------------------------------
# one epoch
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 300),
    batch_size=st.integers(1, 64),
    shuffle=st.booleans(),
    block_size=st.sampled_from([None, 1, 3, 16]),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_example_exactly_once_per_epoch(n, batch_size, shuffle, block_size, seed):
    batches = _epoch_ids(n, batch_size, shuffle=shuffle, rng=seed, block_size=block_size, window=3)
    ids = np.concatenate(batches)
    assert np.array_equal(np.sort(ids), np.arange(n))  # each index once, none missing
    assert [len(b) for b in batches[:-1]] == [batch_size] * (len(batches) - 1)
    assert len(batches[-1]) == (n % batch_size or batch_size)  # the last partial batch kept


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 200),
    batch_size=st.integers(1, 64),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    block_size=st.sampled_from([None, 1, 5]),
    seed=st.integers(0, 2**32 - 1),
)
def test_each_example_once_per_epoch_with_or_without_drop_last(
    n, batch_size, shuffle, drop_last, block_size, seed
):
    kw = dict(shuffle=shuffle, drop_last=drop_last, rng=seed, block_size=block_size, window=2)
    if drop_last and batch_size > n:
        with pytest.raises(ValueError, match="drop_last"):
            _epoch_ids(n, batch_size, **kw)
        return
    batches = _epoch_ids(n, batch_size, **kw)
    ids = np.concatenate(batches)
    assert len(np.unique(ids)) == len(ids)  # no example twice
    assert set(ids.tolist()) <= set(range(n))
    if drop_last:
        assert len(ids) == n - n % batch_size
        assert all(len(b) == batch_size for b in batches)
    else:
        assert np.array_equal(np.sort(ids), np.arange(n))  # every example, exactly once


@pytest.mark.parametrize("n, batch_size", [(7, 3), (101, 10), (13, 13), (5, 7), (1, 1)])
@pytest.mark.parametrize("shuffle", [True, False])
def test_last_batch_kept_or_dropped(n, batch_size, shuffle):
    kept = _epoch_ids(n, batch_size, shuffle=shuffle, rng=0)
    assert len(kept) == -(-n // batch_size)
    if batch_size > n:
        with pytest.raises(ValueError, match="drop_last"):
            _epoch_ids(n, batch_size, shuffle=shuffle, drop_last=True)
        return
    dropped = _epoch_ids(n, batch_size, shuffle=shuffle, rng=0, drop_last=True)
    assert len(dropped) == n // batch_size
    assert all(len(b) == batch_size for b in dropped)
    ids = np.concatenate(dropped)
    assert len(np.unique(ids)) == len(ids) == (n // batch_size) * batch_size


def test_x_and_y_rows_stay_paired():
    X, y = _data(50)
    for Xb, yb in minibatches(X, y, 8, rng=1):
        assert np.array_equal(Xb, X[yb])


def test_reproducible_with_a_seed_and_new_order_each_epoch():
    a = _epoch_ids(40, 6, rng=np.random.default_rng(7))
    b = _epoch_ids(40, 6, rng=np.random.default_rng(7))
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    rng = np.random.default_rng(7)
    e1, e2 = _epoch_ids(40, 6, rng=rng), _epoch_ids(40, 6, rng=rng)
    assert not all(np.array_equal(u, v) for u, v in zip(e1, e2, strict=True))
    assert np.array_equal(
        np.concatenate(_epoch_ids(40, 6, rng=3)), np.concatenate(_epoch_ids(40, 6, rng=3))
    )


def test_shuffled_batches_are_sorted_and_unsorted_ones_are_views():
    for idx in batch_indices(100, 9, rng=0):
        assert np.all(np.diff(idx) > 0)
    X, y = _data(20)
    for Xb, _ in minibatches(X, y, 6, shuffle=False):
        assert np.shares_memory(Xb, X)  # no copy at all


def test_the_permutation_is_uniform_enough():
    # Each example's position in the epoch is uniform: the first batch holds each one ~1/4 of
    # the time over many epochs.
    rng = np.random.default_rng(0)
    counts = np.zeros(8)
    for _ in range(4000):
        counts[next(batch_indices(8, 2, rng=rng))] += 1
    assert np.allclose(counts / 4000, 0.25, atol=0.03)


def test_no_copy_of_the_data_set():
    X = np.ones((200_000, 10))  # 16 MB
    y = np.zeros(200_000)
    with MemorySampler(interval=0.001) as mem:
        for _ in minibatches(X, y, 100, rng=0):
            pass
    grown = mem.peak.get("RssAnon", 0) - process_memory().get("RssAnon", 0)
    assert grown < 8e6  # a copy of X would add 16 MB; the permutation is 1.6 MB


def test_block_shuffle_reads_long_runs():
    n, block = 10_000, 100
    idx = np.concatenate(list(batch_indices(n, 50, rng=0, block_size=block, window=4)))
    # Rows of one window come from 4 blocks: each batch touches at most 4 + 1 blocks.
    for b in batch_indices(n, 50, rng=0, block_size=block, window=4):
        assert len(np.unique(b // block)) <= 5
    assert np.array_equal(np.sort(idx), np.arange(n))


# --------------------------------------------------------------------------------------------
# bad inputs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "batch_size, error",
    [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError)]
    + [("8", TypeError), (None, TypeError)],
)
def test_bad_batch_size(batch_size, error):
    X, y = _data(10)
    with pytest.raises(error, match="batch_size must be a positive integer"):
        minibatches(X, y, batch_size)


def test_errors_are_raised_at_the_call_not_at_the_first_batch():
    X, y = _data(10)
    with pytest.raises(ValueError, match="same number of rows; got 10 and 9"):
        minibatches(X, y[:-1], 4)
    with pytest.raises(ValueError, match="empty"):
        minibatches(X[:0], y[:0], 4)
    with pytest.raises(ValueError, match="at least one dimension"):
        minibatches(np.float64(1.0), y, 4)
    with pytest.raises(TypeError, match="rng"):
        minibatches(X, y, 4, rng="seed")
    with pytest.raises(ValueError, match="block_size"):
        minibatches(X, y, 4, block_size=0)
    with pytest.raises(TypeError, match="X must hold real numbers"):
        minibatches(X.astype(object), y, 4)


def test_a_column_vector_y_is_read_as_one_dimensional(tmp_path):
    X, y = _data(10)
    batches = list(minibatches(X, y.reshape(-1, 1), 4, rng=0))
    assert all(yb.shape == (len(Xb),) and np.array_equal(Xb, X[yb]) for Xb, yb in batches)
    Yk = np.stack([y, -y], axis=1)  # several outputs pass through
    assert all(yb.shape == (len(yb), 2) for _, yb in minibatches(X, Yk, 4, rng=0))
    Ra = RecordingArray(y.reshape(-1, 1))  # an array-like that only slices
    assert sorted(np.concatenate([yb for _, yb in minibatches(X, Ra, 3, rng=1)])) == list(y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_memory_is_reported_up_front(bad):
    X, y = _data(30)
    X[17, 1] = bad
    with pytest.raises(ValueError, match="X contains NaN or inf \\(first at row 17\\)"):
        minibatches(X, y, 4)
    yf = y.astype(float)
    yf[3] = np.nan
    with pytest.raises(ValueError, match="y contains NaN"):
        minibatches(_data(30)[0], yf, 4)
    assert len(list(minibatches(X, y, 4, check_finite=False))) == 8


def test_huge_but_finite_values_are_not_mistaken_for_nan():
    X = np.full((4, 2), 3e38, dtype=np.float32)  # the fast sum overflows; the values are finite
    assert len(list(minibatches(X, np.arange(4), 2))) == 2


def test_lists_are_accepted():
    batches = list(minibatches([[1.0], [2.0], [3.0]], [0, 1, 2], 2, shuffle=False))
    assert [yb.tolist() for _, yb in batches] == [[0, 1], [2]]


# --------------------------------------------------------------------------------------------
# memory maps and array-likes: read batch by batch, never whole
# --------------------------------------------------------------------------------------------


class RecordingArray:
    """An array-like that only slices (no fancy indexing) and records the rows it serves."""

    def __init__(self, data, fancy=False):
        self.data, self.fancy, self.rows_read = data, fancy, []
        self.shape, self.dtype = data.shape, data.dtype

    def __len__(self):
        return len(self.data)

    def __getitem__(self, key):
        if isinstance(key, slice):
            self.rows_read.extend(range(*key.indices(len(self.data))))
        elif self.fancy and isinstance(key, np.ndarray):
            self.rows_read.extend(key.tolist())
        else:
            raise TypeError("only slices")
        return self.data[key]


@pytest.mark.parametrize("fancy", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
def test_array_like_rows_read_once_per_epoch_and_lazily(fancy, shuffle):
    X, y = _data(103)
    Xr = RecordingArray(X, fancy=fancy)
    it = minibatches(Xr, y, 10, shuffle=shuffle, rng=0)
    assert Xr.rows_read == []  # nothing read (no NaN scan of an array-like) until asked
    Xb, yb = next(it)
    assert sorted(Xr.rows_read) == sorted(yb.tolist()) and np.array_equal(Xb, X[yb])
    for Xb, yb in it:
        assert np.array_equal(Xb, X[yb])
    assert sorted(Xr.rows_read) == list(range(103))  # every row read exactly once


def test_nan_in_a_memmap_is_found_in_the_batch_that_reads_it(tmp_path):
    X, y = _data(40)
    X[33, 0] = np.nan
    Xm, ym = to_memmap(tmp_path, X, y)
    it = minibatches(Xm, ym, 10, shuffle=False)  # no up-front scan of the file
    for _ in range(3):
        next(it)
    with pytest.raises(ValueError, match="row 33"):
        next(it)


def _resident_fraction(arr: np.memmap) -> float:
    """Fraction of the pages under ``arr`` in the page cache (Linux mincore via ctypes)."""
    libc = ctypes.CDLL(None, use_errno=True)
    page = mmap.PAGESIZE
    addr = arr.ctypes.data
    start = addr - addr % page
    length = arr.nbytes + (addr - start)
    n_pages = -(-length // page)
    vec = (ctypes.c_ubyte * n_pages)()
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    if libc.mincore(ctypes.c_void_p(start), ctypes.c_size_t(length), vec) != 0:
        raise OSError(ctypes.get_errno(), "mincore failed")
    return float(np.mean(np.frombuffer(vec, dtype=np.uint8) & 1))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mincore and fadvise: Linux")
def test_a_memmap_is_not_read_whole(tmp_path):
    n, d = 65_536, 128  # 32 MB of float32
    make_regression_memmap(tmp_path, n, d, seed=0, chunk_rows=8192)
    drop_file_cache(tmp_path / "X.npy")
    Xm, ym = open_memmap(tmp_path)
    Xm._mmap.madvise(mmap.MADV_RANDOM)  # no read-ahead: count the pages we really ask for
    before = _resident_fraction(Xm)
    if before > 0.05:
        pytest.skip(f"the OS kept {before:.0%} of the file cached; cannot measure reads")
    for _ in itertools.islice(minibatches(Xm, ym, 64, rng=0), 4):
        pass
    touched = _resident_fraction(Xm)
    assert touched < 0.05, f"4 batches of 64 rows touched {touched:.1%} of the file"
    for _ in minibatches(Xm, ym, 4096, rng=1, block_size=1024):
        pass
    assert _resident_fraction(Xm) > 0.9  # a full epoch does read it all: the probe works


def test_minibatches_of_a_memmap_equal_those_of_the_array(tmp_path):
    X, _ = make_regression(257, 5, seed=1)
    y = np.arange(257)
    Xm, ym = to_memmap(tmp_path, X.astype(np.float32), y)
    assert isinstance(Xm, np.memmap)
    a = list(minibatches(X.astype(np.float32), y, 32, rng=5))
    b = list(minibatches(Xm, ym, 32, rng=5))
    for (xa, ya), (xb, yb) in zip(a, b, strict=True):
        # The same rows; a batch read from a file comes sorted by row (forward reads).
        order = np.argsort(ya)
        assert np.array_equal(xa[order], xb) and np.array_equal(ya[order], yb)
        assert np.all(np.diff(yb) > 0)
        assert not isinstance(xb, np.memmap)  # a batch is a small in-memory array


# --------------------------------------------------------------------------------------------
# the memory probes of the benchmarks
# --------------------------------------------------------------------------------------------


def test_process_memory_reads_proc_status():
    mem = process_memory()
    if sys.platform.startswith("linux"):
        assert mem["VmRSS"] >= mem["RssAnon"] > 0
    with pytest.raises(ValueError, match="interval"):
        MemorySampler(interval=0)


def test_prefetch_addresses_the_right_rows(tmp_path):
    from optlib.data import _mapped_rows

    X, y = make_classification(300, 5, 2, seed=0)
    Xm, ym = to_memmap(tmp_path, X, y)
    for arr in (Xm, Xm[17:], np.asarray(Xm)[3:200], ym, ym[5:]):
        mm, base, row, _ = _mapped_rows(arr)
        assert mm[base + 7 * row : base + 8 * row] == arr[7].tobytes()
    assert _mapped_rows(X) is None  # in memory: nothing to read ahead
