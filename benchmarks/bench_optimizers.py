"""optlib's update rules against torch.optim on the CPU: same numbers first, then time.

For each optimizer (with its options switched on where they cost something) and each size
(1e4, 1e6, 1e7 float64 parameters), both sides first run the same 5 steps from the same
start and must agree to 1e-12; then their `step` is timed, the two sides alternating, and
the medians are compared. optlib's `step` is pure (it returns new arrays); torch's updates in
place, so the ratio includes the price of the contract. torch runs on one thread, like
NumPy's element-wise operations, and with its default (foreach) implementation; the
multi-threaded time is reported too.

torch is a benchmark dependency only:  .venv/bin/pip install torch==2.13.0
Run:     .venv/bin/python benchmarks/bench_optimizers.py [--quick]
Writes:  benchmarks/results/optimizers.json
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import optlib

OUT = Path(__file__).resolve().parent / "results" / "optimizers.json"
TARGET = 2.0  # optlib / torch at 1e6 and 1e7 parameters

CASES = {
    "SGD": (optlib.SGD(learning_rate=0.01), "SGD", dict(lr=0.01)),
    "Momentum": (optlib.Momentum(learning_rate=0.01), "SGD", dict(lr=0.01, momentum=0.9)),
    "Nesterov": (
        optlib.Nesterov(learning_rate=0.01),
        "SGD",
        dict(lr=0.01, momentum=0.9, nesterov=True),
    ),
    "AdaGrad": (optlib.AdaGrad(learning_rate=0.01), "Adagrad", dict(lr=0.01)),
    "RMSProp": (optlib.RMSProp(learning_rate=0.01), "RMSprop", dict(lr=0.01)),
    "RMSProp centered+momentum": (
        optlib.RMSProp(learning_rate=0.01, centered=True, momentum=0.9),
        "RMSprop",
        dict(lr=0.01, centered=True, momentum=0.9),
    ),
    "Adam": (optlib.Adam(learning_rate=0.01), "Adam", dict(lr=0.01)),
    "Adam amsgrad": (
        optlib.Adam(learning_rate=0.01, amsgrad=True),
        "Adam",
        dict(lr=0.01, amsgrad=True),
    ),
    "AdamW": (optlib.AdamW(learning_rate=0.01), "AdamW", dict(lr=0.01)),
}


def check_same_numbers(torch, opt, torch_name, kwargs, size=1000, steps=5) -> float:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(size)
    p = torch.tensor(x.copy(), requires_grad=True)
    reference = getattr(torch.optim, torch_name)([p], **kwargs)
    state = opt.init(x)
    for _ in range(steps):
        g = rng.standard_normal(size)
        x, state = opt.step(x, g, state)
        p.grad = torch.tensor(g)
        reference.step()
    error = float(np.max(np.abs(x - p.detach().numpy())))
    if error > 1e-12:
        raise AssertionError(f"{opt!r} and torch.optim.{torch_name} differ by {error:g}")
    return error


def time_pair(torch, opt, torch_name, kwargs, size, repeats):
    """Median seconds per step for optlib and torch, measured alternately."""
    rng = np.random.default_rng(1)
    x, g = rng.standard_normal(size), rng.standard_normal(size) * 1e-3
    state = opt.init(x)
    x, state = opt.step(x, g, state)  # past the first step: buffers exist on both sides
    p = torch.tensor(x.copy(), requires_grad=True)
    p.grad = torch.tensor(g)
    reference = getattr(torch.optim, torch_name)([p], **kwargs)
    reference.step()
    ours, theirs = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        x, state = opt.step(x, g, state)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        reference.step()
        theirs.append(time.perf_counter() - t0)
    return statistics.median(ours), statistics.median(theirs)


def main(quick: bool = False) -> int:
    import torch

    sizes = (10_000, 1_000_000) if quick else (10_000, 1_000_000, 10_000_000)
    default_threads = torch.get_num_threads()
    rows = []
    for name, (opt, torch_name, kwargs) in CASES.items():
        error = check_same_numbers(torch, opt, torch_name, kwargs)
        for size in sizes:
            repeats = 200 if size <= 10_000 else (30 if size <= 1_000_000 else 9)
            torch.set_num_threads(1)
            ours, theirs = time_pair(torch, opt, torch_name, kwargs, size, repeats)
            torch.set_num_threads(default_threads)
            _, theirs_mt = time_pair(torch, opt, torch_name, kwargs, size, max(3, repeats // 3))
            rows.append(
                dict(
                    optimizer=name,
                    size=size,
                    optlib_s=ours,
                    torch_1thread_s=theirs,
                    torch_default_threads_s=theirs_mt,
                    ratio=ours / theirs,
                    ratio_vs_default_threads=ours / theirs_mt,
                    max_abs_error_5_steps=error,
                )
            )
            r = rows[-1]
            print(
                f"{name:26} {size:>10,}  optlib {ours * 1e3:8.3f} ms  torch {theirs * 1e3:8.3f} ms"
                f"  ratio {r['ratio']:5.2f}  (vs {default_threads} threads "
                f"{r['ratio_vs_default_threads']:5.2f})"
            )
    misses = [r for r in rows if r["size"] >= 1_000_000 and r["ratio"] > TARGET]
    result = dict(
        meta=dict(
            command="python benchmarks/bench_optimizers.py" + (" --quick" if quick else ""),
            numpy=np.__version__,
            torch=torch.__version__,
            python=platform.python_version(),
            machine=platform.machine(),
            processor=platform.processor(),
            torch_default_threads=default_threads,
            target=f"optlib/torch <= {TARGET} at 1e6 and 1e7 parameters (torch on 1 thread)",
        ),
        rows=rows,
        misses=[f"{r['optimizer']} at {r['size']:,}: {r['ratio']:.2f}" for r in misses],
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"target {TARGET}: {'met' if not misses else 'missed by ' + str(result['misses'])}")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(quick="--quick" in sys.argv))
