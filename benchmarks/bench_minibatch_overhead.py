"""Cost of optlib.data.minibatches against a plain NumPy slicing loop, on in-memory data.

Both loops draw one permutation per epoch and gather each batch by fancy indexing; minibatches
also validates its inputs, scans the array once for NaN (check_finite=True, the default) and
sorts the indices inside each batch. The ratio of epoch times should be close to 1.

Run:  .venv/bin/python benchmarks/bench_minibatch_overhead.py
Writes benchmarks/results/minibatch_overhead.json
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np
from _results import write_results

from optlib.data import minibatches

N, D = 200_000, 64
BATCH_SIZES = (32, 256, 2048)
REPEATS = 15
OUT = Path(__file__).resolve().parent / "results" / "minibatch_overhead.json"


def plain_loop(X, y, batch_size, rng):
    """The seed's loop, fixed: index each batch through the permutation (no X = X[perm])."""
    perm = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = perm[start : start + batch_size]
        X[idx], y[idx]


def plain_take_loop(X, y, batch_size, rng):
    """The same with ndarray.take, NumPy's fastest row gather (what minibatches uses)."""
    perm = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = perm[start : start + batch_size]
        X.take(idx, axis=0), y.take(idx)


def optlib_loop(X, y, batch_size, rng, **kw):
    for _ in minibatches(X, y, batch_size, rng=rng, **kw):
        pass


def best_times(loops: dict, X, y, batch_size) -> dict:
    """Best of REPEATS for each loop, the loops interleaved so that load spikes hit all alike."""
    best = dict.fromkeys(loops, float("inf"))
    for r in range(REPEATS):
        for name, (fn, kw) in loops.items():
            rng = np.random.default_rng(r)
            t0 = time.perf_counter()
            fn(X, y, batch_size, rng=rng, **kw)
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main() -> None:
    X = np.random.default_rng(0).standard_normal((N, D))
    y = np.arange(N)
    rows = []
    for b in BATCH_SIZES:
        t = best_times(
            {
                "plain": (plain_loop, {}),
                "take": (plain_take_loop, {}),
                "ours": (optlib_loop, {}),
                "ours_nocheck": (optlib_loop, {"check_finite": False}),
            },
            X,
            y,
            b,
        )
        plain, plain_take, ours, ours_nocheck = t["plain"], t["take"], t["ours"], t["ours_nocheck"]
        rows.append(
            dict(
                batch_size=b,
                plain_s=plain,
                plain_take_s=plain_take,
                minibatches_s=ours,
                minibatches_no_check_s=ours_nocheck,
                ratio=ours / plain,
                ratio_vs_take=ours / plain_take,
                ratio_no_check_vs_take=ours_nocheck / plain_take,
            )
        )
    print(f"one epoch over X of shape {X.shape} float64 (best of {REPEATS})")
    print("ratios: minibatches / plain loop with X[idx]; / plain loop with X.take(idx);")
    print("and minibatches(check_finite=False) / plain X.take loop (the pure iteration overhead)")
    head = ("batch", "X[idx]", "X.take", "minibatches", "/X[idx]", "/X.take", "no-scan/take")
    print("{:>6} {:>9} {:>9} {:>12} {:>8} {:>8} {:>13}".format(*head))
    for r in rows:
        print(
            f"{r['batch_size']:>6} {r['plain_s'] * 1e3:>7.1f}ms {r['plain_take_s'] * 1e3:>7.1f}ms"
            f" {r['minibatches_s'] * 1e3:>10.1f}ms {r['ratio']:>8.2f} {r['ratio_vs_take']:>8.2f}"
            f" {r['ratio_no_check_vs_take']:>13.2f}"
        )
    meta = dict(
        n=N,
        d=D,
        dtype="float64",
        repeats=REPEATS,
        numpy=np.__version__,
        machine=platform.machine(),
    )
    write_results(OUT, meta, rows=rows)


if __name__ == "__main__":
    main()
