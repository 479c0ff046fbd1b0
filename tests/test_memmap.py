"""optlib.memmap: data sets on disk are written atomically and opened only when whole.

Each case that writes or opens a data set in a way that once lost data or crashed runs in a
forked child process: a SIGBUS (a memory map of a file truncated under it) fails that test
instead of killing pytest.
"""

import multiprocessing
import os
import signal
import sys
import textwrap
import traceback

import numpy as np
import pytest

from optlib.datasets import make_classification
from optlib.memmap import make_regression_memmap, open_memmap, to_memmap

PRELUDE = """
import os, sys
from pathlib import Path
import numpy as np
from optlib.memmap import make_regression_memmap, open_memmap, to_memmap

d = Path(sys.argv[1])
X0 = np.arange(3000 * 4, dtype=np.float32).reshape(3000, 4)
y0 = np.arange(3000)
X1, y1 = -X0, 10 * y0


def intact(X, y, files=("X.npy", "y.npy")):
    Xr, yr = open_memmap(d)
    assert np.array_equal(Xr, X) and np.array_equal(yr, y), "the data set on disk changed"
    assert sorted(os.listdir(d)) == sorted(files), f"left behind: {sorted(os.listdir(d))}"


def refused(error, call, *words):
    try:
        call()
    except error as err:
        for word in words:
            assert word in str(err), f"{word!r} not in the message: {err}"
        return str(err)
    raise AssertionError(f"no {error.__name__} raised")
"""


def run(tmp_path, code: str) -> None:
    """Run ``code`` after PRELUDE in a forked child, with ``d`` a directory under tmp_path.

    A fork, not a new interpreter: the child starts with NumPy and optlib already imported,
    which saves seconds per case, and still dies alone on a SIGBUS.
    """
    errors = tmp_path / "child-error.txt"
    child = multiprocessing.get_context("fork").Process(
        target=_run_in_child, args=(PRELUDE + textwrap.dedent(code), tmp_path / "set", errors)
    )
    child.start()
    child.join(timeout=300)
    if child.exitcode is None:
        child.kill()
        pytest.fail("the child did not finish within 300 s")
    if child.exitcode < 0:
        pytest.fail(f"the child was killed by {signal.Signals(-child.exitcode).name}")
    assert child.exitcode == 0, errors.read_text()


def _run_in_child(source: str, directory, errors) -> None:
    """Execute ``source`` with sys.argv[1] set to ``directory``; a traceback goes to ``errors``."""
    sys.argv = ["-c", str(directory)]
    try:
        exec(compile(source, "<memmap case>", "exec"), {"__name__": "__main__"})
    except BaseException:
        errors.write_text(traceback.format_exc())
        os._exit(1)
    os._exit(0)


# --------------------------------------------------------------------------------------------
# writing a data set onto itself
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_rows", [7, 65536])
def test_a_memmap_written_onto_its_own_files(tmp_path, chunk_rows):
    run(
        tmp_path,
        f"""
        Xm, ym = to_memmap(d, X0, y0, chunk_rows={chunk_rows})
        Xn, yn = to_memmap(d, Xm, ym, chunk_rows={chunk_rows})
        assert np.array_equal(Xn, X0) and np.array_equal(yn, y0), "written as zeros"
        intact(X0, y0)
        assert np.array_equal(Xm, X0)  # the old maps still read the files they mapped
        """,
    )


@pytest.mark.parametrize("rows", ["1000:", ":500", "::-1", "::3"])
def test_a_view_of_a_memmap_written_onto_its_own_files(tmp_path, rows):
    run(
        tmp_path,
        f"""
        to_memmap(d, X0, y0)
        Xm, ym = open_memmap(d)
        Xn, yn = to_memmap(d, Xm[{rows}], ym[{rows}], chunk_rows=256)
        assert np.array_equal(Xn, X0[{rows}]) and np.array_equal(yn, y0[{rows}])
        intact(X0[{rows}], y0[{rows}])
        assert np.array_equal(Xm[{rows}], X0[{rows}])
        """,
    )


def test_make_regression_memmap_over_a_data_set_in_use(tmp_path):
    run(
        tmp_path,
        """
        Xa, ya = make_regression_memmap(d, 5000, 8, seed=0, chunk_rows=1000)
        before = np.array(Xa)
        Xb, yb = make_regression_memmap(d, 2000, 8, seed=1, chunk_rows=1000)
        assert np.array_equal(Xa, before)  # a shorter file under Xa would be a SIGBUS
        assert Xb.shape == (2000, 8) and not np.array_equal(Xb, before[:2000])
        """,
    )


# --------------------------------------------------------------------------------------------
# a write that fails leaves the old data set as it was
# --------------------------------------------------------------------------------------------

INTERRUPTING = """
class Interrupting:
    '''An array-like that raises ``error`` from its ``after``-th read of rows.'''

    def __init__(self, a, after, error):
        self.a, self.after, self.error, self.reads = a, after, error, 0
        self.shape, self.dtype = a.shape, a.dtype

    def __len__(self):
        return len(self.a)

    def __getitem__(self, key):
        self.reads += 1
        if self.reads >= self.after:
            raise self.error
        return self.a[key]
"""


@pytest.mark.parametrize("error", ["KeyboardInterrupt()", "OSError('disk full')"])
@pytest.mark.parametrize("which", ["X", "y"])
def test_an_interrupted_write_leaves_the_old_data_set(tmp_path, error, which):
    run(
        tmp_path,
        INTERRUPTING
        + textwrap.dedent(
            f"""
            to_memmap(d, X0, y0)
            err = {error}
            src = Interrupting(X1 if "{which}" == "X" else y1, 5, err)
            args = (src, y1) if "{which}" == "X" else (X1, src)
            refused(type(err), lambda: to_memmap(d, *args, chunk_rows=100))
            assert src.reads == 5, "not interrupted where planned"
            intact(X0, y0)  # and no temporary file left
            """
        ),
    )


def test_an_interrupted_make_regression_memmap_leaves_the_old_data_set(tmp_path):
    run(
        tmp_path,
        """
        class Interrupting(np.random.Generator):
            calls = 0

            def standard_normal(self, *args, **kwargs):
                Interrupting.calls += 1
                if Interrupting.calls > 4:
                    raise KeyboardInterrupt
                return super().standard_normal(*args, **kwargs)

        to_memmap(d, X0, y0)
        rng = Interrupting(np.random.PCG64(0))
        refused(KeyboardInterrupt, lambda: make_regression_memmap(d, 3000, 4, seed=rng,
                                                                  chunk_rows=100))
        intact(X0, y0)
        """,
    )


def test_a_refused_write_leaves_the_old_data_set(tmp_path):
    # Refused up front, before any file is opened: one process runs them all.
    run(
        tmp_path,
        """
        to_memmap(d, X0, y0)
        bad = [
            ((X1, np.array([1, "a", None] * 1000, dtype=object)), TypeError, "y"),
            ((X1, np.array(["a", "b", "c"] * 1000)), TypeError, "y"),
            ((X1.astype(object), y1), TypeError, "X"),
            ((X1 + 1j, y1), TypeError, "X"),
            ((X1, y1[:-1]), ValueError, "y"),
            ((X1[:0], y1[:0]), ValueError, "X"),
        ]
        for args, error, name in bad:
            refused(error, lambda: to_memmap(d, *args), name)
            intact(X0, y0)
        """,
    )


def test_other_files_are_left_alone_and_new_files_get_the_usual_permissions(tmp_path):
    run(
        tmp_path,
        """
        d.mkdir()
        (d / "notes.txt").write_text("mine")
        to_memmap(d, X0, y0)
        to_memmap(d, X1, y1)
        intact(X1, y1, files=("X.npy", "y.npy", "notes.txt"))
        assert (d / "notes.txt").read_text() == "mine"
        usual = (d / "notes.txt").stat().st_mode & 0o777  # made by open() under this umask
        for name in ("X.npy", "y.npy"):
            assert (d / name).stat().st_mode & 0o777 == usual, oct((d / name).stat().st_mode)
        """,
    )


# --------------------------------------------------------------------------------------------
# open_memmap refuses damaged or unsafe files, by name, and changes nothing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, mode, new_size",
    [(name, mode, "size - 40") for name in ("X.npy", "y.npy") for mode in ("r", "r+", "c")]
    + [("X.npy", "r+", "20"), ("y.npy", "r", "20")],  # cut inside the header
)
def test_a_truncated_file_is_refused_by_name_and_left_as_it_is(tmp_path, name, mode, new_size):
    run(
        tmp_path,
        f"""
        to_memmap(d, X0, y0)
        f = d / "{name}"
        size = f.stat().st_size
        os.truncate(f, {new_size})
        refused(ValueError, lambda: open_memmap(d, mode="{mode}"), str(f))
        assert f.stat().st_size == {new_size}, "the file's size changed"
        """,
    )


def test_pickled_and_string_files_are_refused_by_name_and_not_unpickled(tmp_path):
    run(
        tmp_path,
        """
        canary = d.parent / "unpickled"

        class Evil:
            def __reduce__(self):
                return (open, (str(canary), "w"))

        pickled = np.array([Evil(), 1, 2], dtype=object)
        for name in ("X.npy", "y.npy"):
            for bad, word in ((pickled, "object"), (np.array(["a", "b", "c"]), "<U1")):
                to_memmap(d, X0[:3], y0[:3])
                np.save(d / name, bad, allow_pickle=True)
                refused(ValueError, lambda: open_memmap(d), str(d / name), word)
                assert not canary.exists(), "the pickle was loaded"
        """,
    )


def test_x_and_y_with_different_row_counts_are_refused(tmp_path):
    run(
        tmp_path,
        """
        d.mkdir()
        np.save(d / "X.npy", X0[:10])
        np.save(d / "y.npy", y0[:9])
        for mode in ("r", "r+", "c"):
            refused(ValueError, lambda: open_memmap(d, mode=mode), "X.npy", "y.npy", "10", "9")
        """,
    )


# --------------------------------------------------------------------------------------------
# round trips (nothing here can crash: in process)
# --------------------------------------------------------------------------------------------


def test_memmap_helpers_round_trip_and_validate(tmp_path):
    X, y = make_classification(50, 3, 2, seed=0)
    Xm, ym = to_memmap(tmp_path / "set", X, y, chunk_rows=7)
    assert np.array_equal(Xm, X) and np.array_equal(ym, y) and Xm.dtype == X.dtype
    assert not Xm.flags.writeable
    with pytest.raises(ValueError, match="mode"):
        open_memmap(tmp_path / "set", mode="w+")
    with pytest.raises(FileNotFoundError, match="X.npy"):
        open_memmap(tmp_path / "nothing")
    with pytest.raises(ValueError, match="same number"):
        to_memmap(tmp_path / "bad", X, y[:-1])
    assert not (tmp_path / "bad").exists()  # refused before anything was written


def test_a_column_vector_y_is_written_as_one_dimensional(tmp_path):
    X, y = make_classification(20, 3, 2, seed=0)
    _, ym = to_memmap(tmp_path, X, y.reshape(-1, 1))
    assert ym.shape == (20,) and np.array_equal(ym, y)


def test_make_regression_memmap_is_seeded_and_written_in_chunks(tmp_path):
    Xa, ya = make_regression_memmap(tmp_path / "a", 1000, 4, seed=3, chunk_rows=128)
    Xb, yb = make_regression_memmap(tmp_path / "b", 1000, 4, seed=3, chunk_rows=128)
    assert Xa.dtype == np.float32 and Xa.shape == (1000, 4)
    assert np.array_equal(Xa, Xb) and np.array_equal(ya, yb)
    assert os.path.getsize(tmp_path / "a" / "X.npy") >= 1000 * 4 * 4
    w, *_ = np.linalg.lstsq(np.asarray(Xa, float), np.asarray(ya, float), rcond=None)
    assert np.mean((Xa @ w - ya) ** 2) == pytest.approx(0.01, rel=0.2)  # noise 0.1
