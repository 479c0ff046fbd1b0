r"""Data sets on disk: two ``.npy`` files, ``X.npy`` and ``y.npy``, read through memory maps.

:func:`to_memmap` and :func:`make_regression_memmap` write a data set chunk by chunk (it may be
far larger than memory); :func:`open_memmap` opens one without reading it. Rows are read only
when :func:`optlib.data.minibatches` gathers them.

Writing never damages the data set already there. The new files are written to temporary
files in the same directory, flushed to the disk (``fsync``) and only then renamed over
``X.npy`` and ``y.npy``; an error or an interruption (``KeyboardInterrupt``) before that leaves
the old files as they were and removes the temporary ones. Because the old files are replaced,
not rewritten, a memory map of them (``Xm``, or a view ``Xm[1000:]``) can be written back onto
its own directory: it keeps reading the old file until it is closed. The price is disk space:
the old and the new data set exist side by side until the renames.

The two renames are separate system calls: a crash of the machine (or ``kill -9``) exactly
between them, a window of microseconds, leaves the new ``X.npy`` beside the old ``y.npy``.
:func:`open_memmap` refuses such a pair when the row counts differ. An exception raised in
that window completes the second rename before it propagates.

:func:`open_memmap` checks each file against its ``.npy`` header before mapping it: a
truncated file, or one holding Python objects (pickles) or strings, is refused by name, and
nothing opened for reading is ever grown or rewritten.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import numpy as np

from optlib import _checks
from optlib.data import _as_data

__all__ = ["make_regression_memmap", "open_memmap", "to_memmap"]

_NAMES = ("X.npy", "y.npy")


# --------------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------------


def _as_dir(path) -> Path:
    """``path`` as a Path (a str or an os.PathLike)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a directory as a str or os.PathLike; got {path!r}")
    return Path(path)


def _float_dtype(name: str, dtype) -> np.dtype:
    """``dtype`` as a floating-point NumPy dtype (float16, float32, float64)."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{name} must be a NumPy floating-point dtype; got {dtype!r}") from err
    if dt.kind != "f":
        raise TypeError(f"{name} must be a floating-point dtype such as np.float32; got {dt}")
    return dt


def _header(file: Path):
    """``(shape, dtype, data offset)`` of an ``.npy`` file, checked against the file's size."""
    fmt = np.lib.format
    size = file.stat().st_size
    try:
        with open(file, "rb") as fh:
            version = fmt.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = fmt.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
            offset = fh.tell()
    except (ValueError, OSError, SyntaxError) as err:
        raise ValueError(f"{file} is not a readable .npy file ({size} bytes): {err}") from err
    if dtype.hasobject:
        raise ValueError(
            f"{file} holds Python objects (dtype {dtype}), which only a pickle can read; "
            f"refused (allow_pickle=False): a data set must hold numbers"
        )
    if dtype.kind not in "iuf":
        raise ValueError(
            f"{file} must hold real numbers (integers or floats); it holds dtype {dtype}"
        )
    if len(shape) == 0:
        raise ValueError(f"{file} holds a scalar; a data set has one row per example")
    expected = offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size != expected:
        what = "truncated" if size < expected else "longer than its header says"
        raise ValueError(
            f"{file} is {what}: {size} bytes, but its header (shape {shape}, dtype {dtype}) "
            f"needs {expected}; the file was not completely written"
        )
    return shape, dtype, offset


# --------------------------------------------------------------------------------------------
# open
# --------------------------------------------------------------------------------------------


def open_memmap(path, mode: str = "r") -> tuple[np.memmap, np.memmap]:
    """Open the data set written by :func:`to_memmap` as two memory maps ``(X, y)``.

    Nothing is read until rows are used: the operating system pages in the parts of the
    files that are touched and may drop them again under memory pressure.

    Parameters
    ----------
    path : str or Path
        The directory holding ``X.npy`` and ``y.npy``.
    mode : {"r", "r+", "c"}, default "r"
        As in :func:`numpy.load` (``"r"``: read-only; ``"c"``: copy-on-write, changes stay in
        memory). No mode changes a file's size.

    Raises
    ------
    FileNotFoundError
        If ``X.npy`` or ``y.npy`` is missing.
    ValueError
        If a file is truncated (or longer than its header says), holds Python objects or
        strings, or X and y have different numbers of rows; the message names the file.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = to_memmap(d, np.ones((3, 2)), np.arange(3))
    ...     X, y = open_memmap(d)
    ...     X.shape, y.tolist(), X.flags.writeable
    ((3, 2), [0, 1, 2], False)
    """
    folder = _as_dir(path)
    mode = _checks.one_of("mode", mode, ("r", "r+", "c"))
    files = [folder / name for name in _NAMES]
    for file in files:
        if not file.is_file():
            raise FileNotFoundError(
                f"{folder} must hold X.npy and y.npy (see optlib.memmap.to_memmap); {file} "
                f"does not exist"
            )
    (x_shape, _, _), (y_shape, _, _) = (_header(file) for file in files)
    if x_shape[0] != y_shape[0]:
        raise ValueError(
            f"{files[0]} and {files[1]} must have the same number of rows; got "
            f"{x_shape[0]} and {y_shape[0]}"
        )
    # The sizes match the headers, so mode "r+" has nothing to grow.
    return np.load(files[0], mmap_mode=mode), np.load(files[1], mmap_mode=mode)


# --------------------------------------------------------------------------------------------
# write
# --------------------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # a directory on some systems (Windows): the rename is still atomic
        pass
    finally:
        os.close(fd)


def _new_temp(folder: Path, name: str) -> Path:
    """A new empty file ``folder/.name.<random>.tmp`` (permissions from the umask, like the
    file it will replace would get; ``tempfile.mkstemp`` would make it private)."""
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return tmp


def _write(folder: Path, n: int, x_spec, y_spec, fill) -> tuple[np.memmap, np.memmap]:
    """Write a data set of ``n`` rows into ``folder`` atomically; return it opened mapped.

    ``x_spec`` and ``y_spec`` are ``(row shape, dtype)``; ``fill(Xt, yt)`` writes the rows
    into the two temporary memory maps. They are flushed, fsynced and renamed over X.npy and
    y.npy only when ``fill`` returned; on any exception the temporary files are removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    temps = []
    try:
        for name in _NAMES:
            temps.append(_new_temp(folder, name))
        fmt = np.lib.format
        maps = [
            fmt.open_memmap(tmp, mode="w+", dtype=dtype, shape=(n, *shape))
            for tmp, (shape, dtype) in zip(temps, (x_spec, y_spec), strict=True)
        ]
        fill(*maps)
        for m in maps:
            m.flush()
        del m, maps  # unmap before the rename (required on Windows)
        for tmp in temps:
            _fsync(tmp)
        targets = [folder / name for name in _NAMES]
        try:
            os.replace(temps[0], targets[0])
            os.replace(temps[1], targets[1])
        except BaseException:
            # Interrupted between the renames: X.npy is already new, finish the pair.
            if not temps[0].exists() and temps[1].exists():
                os.replace(temps[1], targets[1])
            raise
        _fsync(folder)
    finally:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return open_memmap(folder)


def to_memmap(path, X, y, *, chunk_rows: int = 65536) -> tuple[np.memmap, np.memmap]:
    """Write ``X`` and ``y`` as ``.npy`` files in directory ``path`` and open them mapped.

    The rows are copied ``chunk_rows`` at a time, so ``X`` may itself be a memory map larger
    than memory, or any array-like with ``shape``, ``dtype`` and row slicing. A data set
    already in ``path`` is replaced only once the new one is completely on disk (see the
    module's notes); ``X`` and ``y`` may be memory maps of it, or views of them.

    Parameters
    ----------
    path : str or Path
        The directory (created if needed). Other files in it are left alone.
    X : array_like, shape (n_samples, ...)
        Real numbers (integers or floats); bool, complex, object and string data are refused.
    y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        Real numbers. A column vector of shape (n_samples, 1) is written as (n_samples,).
    chunk_rows : int, default 65536
        Rows copied at a time.

    Returns
    -------
    X : numpy.memmap, shape (n_samples, ...)
        A read-only memory map of ``path/X.npy``.
    y : numpy.memmap, shape (n_samples,) or (n_samples, n_outputs)
        A read-only memory map of ``path/y.npy``.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     Xm, ym = to_memmap(d, np.ones((3, 2), np.float32), np.arange(3))
    ...     isinstance(Xm, np.memmap), Xm.shape, ym.tolist()
    (True, (3, 2), [0, 1, 2])
    """
    folder = _as_dir(path)
    X, y = _as_data(X, y)
    step = _checks.positive_int("chunk_rows", chunk_rows)
    for name, a in (("X", X), ("y", y)):
        if getattr(a, "dtype", None) is None:
            raise TypeError(
                f"{name} must have a dtype to be written to disk; got {_checks._show(a)}"
            )
    n = X.shape[0]

    def fill(Xt, yt):
        for i in range(0, n, step):
            Xt[i : i + step] = X[i : i + step]
            yt[i : i + step] = y[i : i + step]

    x_spec = (tuple(X.shape[1:]), np.dtype(X.dtype))
    y_spec = (tuple(y.shape[1:]), np.dtype(y.dtype))
    return _write(folder, n, x_spec, y_spec, fill)


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
    A data set already in ``path`` is replaced only once the new one is complete.

    Parameters
    ----------
    path : str or os.PathLike
        The directory of the data set (created if missing).
    n_samples : int
        The number of rows of ``X`` and ``y``, >= 1.
    n_features : int
        The number of columns of ``X``, :math:`d \ge 1`.
    noise : float, default 0.1
        :math:`\sigma \ge 0`, the standard deviation of the noise added to :math:`y`.
    seed : int, Generator or None, default None
        The random numbers: an int seed >= 0, a NumPy Generator, or None for fresh entropy.
    dtype : NumPy floating-point dtype, default np.float32
        The dtype of ``X`` and ``y`` on disk.
    chunk_rows : int, default 65536
        Rows generated and written at a time: the memory the writing needs.

    Returns
    -------
    X : numpy.memmap, shape (n_samples, n_features)
        A read-only memory map of ``path/X.npy``.
    y : numpy.memmap, shape (n_samples,)
        A read-only memory map of ``path/y.npy``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     X, y = make_regression_memmap(d, 1000, 3, seed=0, chunk_rows=300)
    ...     X.shape, y.shape, X.dtype
    ((1000, 3), (1000,), dtype('float32'))
    """
    folder = _as_dir(path)
    n = _checks.positive_int("n_samples", n_samples)
    d = _checks.positive_int("n_features", n_features)
    sigma = _checks.real("noise", noise, low=0.0)
    rng = _checks.as_rng(seed, "seed")
    dt = _float_dtype("dtype", dtype)
    step = _checks.positive_int("chunk_rows", chunk_rows)

    def fill(Xt, yt):
        w = rng.normal(0.0, 1.0 / np.sqrt(d), size=d)
        for i in range(0, n, step):
            rows = min(step, n - i)
            Xc = rng.standard_normal((rows, d), dtype=np.float32).astype(dt, copy=False)
            Xt[i : i + rows] = Xc
            yt[i : i + rows] = Xc @ w.astype(dt) + sigma * rng.standard_normal(rows)
            Xt.flush()  # hand the written pages to the OS as we go

    return _write(folder, n, ((d,), dt), ((), dt), fill)
