"""Measuring memory, for the benchmarks, the tests and chapter 2: not part of optlib.

:func:`process_memory` reads this process's resident memory, :class:`MemorySampler` keeps its
peaks while a block of code runs, :func:`drop_file_cache` makes a file cold. Linux only (the
first two return nothing elsewhere, the last does nothing).

Import it with the ``benchmarks`` folder on ``sys.path`` (a benchmark script has it there):
``from _memory import MemorySampler, process_memory``.
"""

from __future__ import annotations

import os
import threading

from optlib._checks import real

__all__ = ["MemorySampler", "drop_file_cache", "process_memory"]

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
        self.interval = real("interval", interval, low=0.0, low_open=True)
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
