"""Train from a memory-mapped file far larger than the memory the process may use.

The script writes a float32 regression data set of ``--gb`` GiB (default 2) to
benchmarks/data/ chunk by chunk, then runs each measurement in a fresh worker process:

* in a memory cgroup limited to ``--limit-mb`` MiB (default 400): one shuffled epoch of
  ``optlib.data.minibatches`` over the memory map (block shuffle and, for a time-boxed part of
  an epoch, the uniform permutation), and one training epoch with ``optlib.train.fit``;
  the file's pages are dropped from the page cache first, so every page comes from disk and is
  charged to the limited group;
* without a limit, the same epoch and the same ``fit`` on the array loaded into memory, the
  baseline for the throughput ratio.

Each worker samples its own ``/proc/self/status`` every 10 ms: ``RssAnon`` (what it allocated)
and ``VmRSS`` (plus the touched pages of the map, which the kernel reclaims under pressure).
The cgroup is created as a child of this process's own memory cgroup (v1 or v2; needs root)
and removed afterwards; without permission the script runs unlimited and says so.

Run:  .venv/bin/python benchmarks/bench_memmap.py            (about a minute, 2 GiB on disk)
      .venv/bin/python benchmarks/bench_memmap.py --gb 0.25  (a quick check)
Writes benchmarks/results/memmap.json and deletes the data file unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _results import write_results

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "memmap_bench"
OUT = HERE / "results" / "memmap.json"
N_FEATURES = 256  # 1 KiB float32 rows
BATCH = 1024
BLOCK = 4096  # rows per block of the block shuffle: 4 MiB of contiguous reads
WINDOW = 8  # 32 MiB windows: two are read ahead at once
UNIFORM_SECONDS = 20.0  # the uniform permutation on a cold file is slow: time-box it


# --------------------------------------------------------------------------------------------
# worker side: one measurement per process
# --------------------------------------------------------------------------------------------


def _optimizer():
    try:
        from optlib.optimizers import SGD

        return SGD(learning_rate=0.01)
    except ImportError:  # optlib.optimizers not written yet: plain gradient descent

        class GD:
            learning_rate = 0.01

            def init(self, params):
                return None

            def step(self, params, grads, state):
                return params - self.learning_rate * grads, state

        return GD()


def _open(kind: str):
    from _memory import drop_file_cache

    from optlib.memmap import open_memmap

    if kind.endswith("memory"):
        return np.load(DATA / "X.npy"), np.load(DATA / "y.npy")
    if not kind.endswith("warm"):
        for name in ("X.npy", "y.npy"):
            drop_file_cache(DATA / name)  # cold: every page is read from disk inside the limit
    return open_memmap(DATA)


def _epoch(X, y, block_size, seconds=None):
    from optlib.data import minibatches

    rows, checksum, t0 = 0, 0.0, time.perf_counter()
    for Xb, yb in minibatches(X, y, BATCH, rng=0, block_size=block_size, window=WINDOW):
        rows += len(yb)
        checksum += float(Xb[0, 0])  # use the batch
        if seconds is not None and time.perf_counter() - t0 > seconds:
            break
    return dict(rows=rows, seconds=time.perf_counter() - t0)


def _fit(X, y, block_size):
    from optlib.models import LinearRegression
    from optlib.train import fit

    t0 = time.perf_counter()
    h = fit(
        LinearRegression(X.shape[1]),
        _optimizer(),
        X,
        y,
        batch_size=BATCH,
        epochs=1,
        rng=0,
        progress=False,
        block_size=block_size,
    )
    return dict(
        rows=len(y), seconds=time.perf_counter() - t0, final_loss=h.step_loss[-1], steps=h.n_steps
    )


def worker(kind: str) -> None:
    from _memory import MemorySampler, process_memory

    start = process_memory()
    X, y = _open(kind)
    loaded = process_memory()
    with MemorySampler(interval=0.01) as mem:
        if kind.startswith("epoch-block"):
            res = _epoch(X, y, BLOCK)
        elif kind.startswith("epoch-uniform"):
            res = _epoch(X, y, None, seconds=None if kind.endswith("memory") else UNIFORM_SECONDS)
        elif kind.startswith("fit-block"):
            res = _fit(X, y, BLOCK)
        else:
            raise SystemExit(f"unknown measurement {kind!r}")
    res.update(
        kind=kind,
        file_bytes=int(X.nbytes + y.nbytes),
        rss_anon_at_start=start.get("RssAnon"),
        rss_anon_after_open=loaded.get("RssAnon"),
        peak_rss_anon=mem.peak.get("RssAnon"),
        peak_vm_rss=mem.peak.get("VmRSS"),
        vm_hwm=mem.peak.get("VmHWM"),
        samples=mem.samples,
    )
    print("RESULT " + json.dumps(res))


# --------------------------------------------------------------------------------------------
# parent side: data, cgroup, workers, report
# --------------------------------------------------------------------------------------------


def _own_cgroup_dir() -> tuple[Path, str] | None:
    """The directory of this process's memory cgroup and the version ("v1"/"v2")."""
    root = Path("/sys/fs/cgroup")
    lines = Path("/proc/self/cgroup").read_text().splitlines()
    if (root / "cgroup.controllers").exists():  # v2: one unified hierarchy
        rel = next(line.split(":", 2)[2] for line in lines if line.startswith("0::"))
        return root / rel.lstrip("/"), "v2"
    for line in lines:
        _, controllers, rel = line.split(":", 2)
        if "memory" in controllers.split(","):
            return root / "memory" / rel.lstrip("/"), "v1"
    return None


class MemoryLimit:
    """A child memory cgroup with a hard limit; processes join it via ``preexec``."""

    def __init__(self, limit_bytes: int, name: str):
        self.limit = limit_bytes
        self.path: Path | None = None
        self.version = None
        own = _own_cgroup_dir()
        if own is None:
            return
        parent, self.version = own
        path = parent / name
        try:
            path.mkdir(exist_ok=True)
            if self.version == "v2":
                (path / "memory.max").write_text(str(limit_bytes))
                (path / "memory.swap.max").write_text("0") if (
                    path / "memory.swap.max"
                ).exists() else None
            else:
                (path / "memory.limit_in_bytes").write_text(str(limit_bytes))
            self.path = path
        except OSError as err:
            print(f"no cgroup memory limit available ({err}); running unlimited", file=sys.stderr)

    def preexec(self):
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def stats(self) -> dict:
        if self.path is None:
            return {}

        def read(name):
            p = self.path / name
            return int(p.read_text().split()[0]) if p.exists() else None

        if self.version == "v2":
            events = dict(
                line.split() for line in (self.path / "memory.events").read_text().splitlines()
            )
            return dict(
                cgroup_peak=read("memory.peak"),
                oom_kills=int(events.get("oom_kill", 0)),
                max_hits=int(events.get("max", 0)),
            )
        return dict(cgroup_peak=read("memory.max_usage_in_bytes"), max_hits=read("memory.failcnt"))

    def remove(self):
        if self.path is not None:
            for _ in range(50):
                try:
                    self.path.rmdir()
                    return
                except OSError:
                    time.sleep(0.1)


def run_worker(kind: str, limit_bytes: int | None) -> dict:
    limit = MemoryLimit(limit_bytes, f"optlib_bench_{os.getpid()}") if limit_bytes else None
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", kind],
            capture_output=True,
            text=True,
            preexec_fn=limit.preexec if limit else None,
            check=False,
        )
        stats = limit.stats() if limit else {}
    finally:
        if limit:
            limit.remove()
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"worker {kind} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    res = json.loads(lines[-1][len("RESULT ") :])
    res.update(
        stats,
        limit_bytes=limit_bytes if limit and limit.path else None,
        cgroup=limit.version if limit and limit.path else None,
    )
    return res


def read_file(paths, *, cold: bool) -> float:
    """Read files start to end in 16 MiB requests (from disk when cold); return MB/s."""
    from _memory import drop_file_cache

    total, t0 = 0, time.perf_counter()
    for path in paths:
        if cold:
            drop_file_cache(path)
            t0 = time.perf_counter() if total == 0 else t0
        with open(path, "rb", buffering=0) as fh:
            buf = bytearray(16 * 2**20)
            while n := fh.readinto(buf):
                total += n
    return total / (time.perf_counter() - t0) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gb", type=float, default=2.0, help="size of X in GiB (default 2)")
    ap.add_argument("--limit-mb", type=int, default=400, help="cgroup limit (default 400 MiB)")
    ap.add_argument("--keep", action="store_true", help="keep the data file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return

    from optlib.memmap import make_regression_memmap

    n = int(args.gb * 2**30) // (4 * N_FEATURES)
    t0 = time.perf_counter()
    make_regression_memmap(DATA, n, N_FEATURES, noise=0.1, seed=0, chunk_rows=32768)
    write_s = time.perf_counter() - t0
    file_bytes = (DATA / "X.npy").stat().st_size + (DATA / "y.npy").stat().st_size
    print(
        f"wrote {file_bytes / 2**30:.2f} GiB ({n} rows x {N_FEATURES} float32) in {write_s:.1f} s"
    )

    files = [DATA / "X.npy", DATA / "y.npy"]
    disk = read_file(files, cold=True)
    print(f"sequential read of the cold file (16 MiB requests): {disk:.0f} MB/s")

    limit = args.limit_mb * 2**20
    plan = [
        ("epoch-block-memmap", limit),
        ("epoch-uniform-memmap", limit),
        ("fit-block-memmap", limit),
        ("epoch-block-memmap-warm", limit),
        ("fit-block-memmap-warm", limit),
        ("epoch-block-memory", None),
        ("epoch-uniform-memory", None),
        ("fit-block-memory", None),
    ]
    rows = []
    try:
        for kind, lim in plan:
            if kind.endswith("warm"):  # cached by this (unlimited) process, not the worker
                read_file(files, cold=False)
            res = run_worker(kind, lim)
            res["rows_per_s"] = res["rows"] / res["seconds"]
            res["MB_per_s"] = res["rows_per_s"] * 4 * (N_FEATURES + 1) / 1e6
            rows.append(res)
            print(f"  {kind:<24} {res['seconds']:6.2f} s  {res['MB_per_s']:7.0f} MB/s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(DATA, ignore_errors=True)

    by = {r["kind"]: r for r in rows}

    def ratio(a, b):
        return by[a]["rows_per_s"] / by[b]["rows_per_s"]

    ratios = {
        "epoch, block shuffle, cold file": ratio("epoch-block-memmap", "epoch-block-memory"),
        "epoch, cold file (block) vs in-memory uniform": ratio(
            "epoch-block-memmap", "epoch-uniform-memory"
        ),
        "epoch, uniform shuffle, cold file (time-boxed)": ratio(
            "epoch-uniform-memmap", "epoch-uniform-memory"
        ),
        "fit epoch, block shuffle, cold file": ratio("fit-block-memmap", "fit-block-memory"),
        "epoch, block shuffle, file in the OS cache": ratio(
            "epoch-block-memmap-warm", "epoch-block-memory"
        ),
        "fit epoch, block shuffle, file in the OS cache": ratio(
            "fit-block-memmap-warm", "fit-block-memory"
        ),
    }
    disk_ratio = by["epoch-block-memmap"]["MB_per_s"] / disk
    mib = 2**20
    print()
    print(
        f"X: {file_bytes / 2**30:.2f} GiB on disk; memmap runs in a cgroup limited to "
        f"{args.limit_mb} MiB ({rows[0].get('cgroup') or 'NO LIMIT AVAILABLE'})"
    )
    head = ("measurement", "rows", "s", "MB/s", "peak RssAnon", "peak VmRSS", "cgroup peak")
    print("{:<24} {:>9} {:>7} {:>7} {:>13} {:>11} {:>12}".format(*head))
    for r in rows:
        cg = f"{r['cgroup_peak'] / mib:.0f} MiB" if r.get("cgroup_peak") else "-"
        print(
            f"{r['kind']:<24} {r['rows']:>9} {r['seconds']:>7.2f} {r['MB_per_s']:>7.0f}"
            f" {r['peak_rss_anon'] / mib:>9.0f} MiB {r['peak_vm_rss'] / mib:>7.0f} MiB {cg:>12}"
        )
    print()
    for name, value in ratios.items():
        print(f"throughput ratio memmap / in-memory, {name}: {value:.2f}")
    print(f"cold memmap epoch / sequential read of the file: {disk_ratio:.2f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(
        x_bytes=n * N_FEATURES * 4,
        n_rows=n,
        n_features=N_FEATURES,
        dtype="float32",
        batch_size=BATCH,
        block_size=BLOCK,
        window=WINDOW,
        limit_mib=args.limit_mb,
        write_seconds=write_s,
        uniform_time_box_s=UNIFORM_SECONDS,
        disk_read_MBps=disk,
        cold_epoch_over_disk=disk_ratio,
        numpy=np.__version__,
        cpus=os.cpu_count(),
    )
    write_results(OUT, meta, rows=rows, ratios=ratios)


if __name__ == "__main__":
    main()
