"""optlib's update rules against torch.optim on the CPU: same numbers first, then time.

For each optimizer (with its options switched on where they cost something) and each size
(1e4, 1e6, 1e7 float64 parameters), both sides first run the same 5 steps from the same
start and must agree to 1e-12. Then three steps are timed in one process, in turn, and their
medians compared:

- optlib's fast path, as ``fit``, ``minimize`` and ``lr_range_test`` run it
  (``optlib.train._Stepper.step``: the check that the gradient is finite, then the
  optimizer's in-place ``_update``), target <= 1.2 x torch;
- optlib's pure ``step`` (new arrays for the parameters and the state), the one readers
  call; target <= 2.0 x torch for SGD and Momentum;
- ``torch.optim``'s ``step``, in place, on one thread like NumPy's element-wise operations.

torch is a benchmark dependency only:  .venv/bin/pip install torch==2.13.0
Run:     .venv/bin/python benchmarks/bench_optimizers.py [--quick] [--profile]
Writes:  benchmarks/results/optimizers.json
``--profile`` prints instead where SGD's fast path spends its time, pass by pass over memory,
against torch's one fused pass, at 1e6 parameters (nothing is written).
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _results import write_results

import optlib
from optlib.train import _Stepper

OUT = Path(__file__).resolve().parent / "results" / "optimizers.json"
FAST_TARGET = 1.2  # the loops' in-place step / torch, every optimizer, 1e6 and 1e7 parameters
PURE_TARGET = 2.0  # the pure step / torch, SGD and Momentum, 1e6 and 1e7 parameters
PURE_TARGETED = ("SGD", "Momentum")

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
    """The largest difference from torch after ``steps`` steps, of both optlib paths."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(size)
    p = torch.tensor(x.copy(), requires_grad=True)
    reference = getattr(torch.optim, torch_name)([p], **kwargs)
    stepper = _Stepper(opt, x.copy())
    state = opt.init(x)
    for _ in range(steps):
        g = rng.standard_normal(size)
        x, state = opt.step(x, g, state)
        stepper.step(g, None)
        p.grad = torch.tensor(g)
        reference.step()
    theirs = p.detach().numpy()
    error = max(float(np.max(np.abs(x - theirs))), float(np.max(np.abs(stepper.params - theirs))))
    if error > 1e-12:
        raise AssertionError(f"{opt!r} and torch.optim.{torch_name} differ by {error:g}")
    return error


def time_three(torch, opt, torch_name, kwargs, size, repeats):
    """Median seconds per step of optlib's fast path, its pure step and torch, in turn."""
    rng = np.random.default_rng(1)
    x, g = rng.standard_normal(size), rng.standard_normal(size) * 1e-3
    state = opt.init(x)
    x, state = opt.step(x, g, state)  # past the first step: buffers exist on all sides
    stepper = _Stepper(opt, x.copy())
    stepper.step(g, None)
    p = torch.tensor(x.copy(), requires_grad=True)
    p.grad = torch.tensor(g)
    reference = getattr(torch.optim, torch_name)([p], **kwargs)
    reference.step()
    fast, pure, theirs = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        stepper.step(g, None)
        t1 = time.perf_counter()
        x, state = opt.step(x, g, state)
        t2 = time.perf_counter()
        reference.step()
        t3 = time.perf_counter()
        fast.append(t1 - t0)
        pure.append(t2 - t1)
        theirs.append(t3 - t2)
    return statistics.median(fast), statistics.median(pure), statistics.median(theirs)


def profile_sgd(size: int = 1_000_000, repeats: int = 101) -> None:
    """Median time of each pass of SGD's fast path, and of torch's fused step, alternating."""
    import torch

    from optlib.optimizers import _gradient_fault

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    p, g, w = rng.standard_normal(size), rng.standard_normal(size), np.empty(size)
    tp, tg = torch.tensor(p.copy()), torch.tensor(g.copy())
    passes = {
        "check: g finite (reads g)": lambda: _gradient_fault(g, False),
        "w = -lr * g (reads g, writes w)": lambda: np.multiply(g, -1e-3, out=w),
        "p += w (reads p and w, writes p)": lambda: np.add(p, w, out=p),
        "torch p.add_(g, alpha=-lr) (reads p and g, writes p)": lambda: tp.add_(tg, alpha=-1e-3),
    }
    times = {name: [] for name in passes}
    for _ in range(repeats):
        for name, run in passes.items():
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    torch_s = medians.pop("torch p.add_(g, alpha=-lr) (reads p and g, writes p)")
    for name, t in medians.items():
        print(f"{name:55} {t * 1e3:7.3f} ms  {t / torch_s:5.2f} x torch's step")
    total = sum(medians.values())
    print(f"{'optlib fast path, all three':55} {total * 1e3:7.3f} ms  {total / torch_s:5.2f} x")
    print(f"{'torch.optim.SGD step (one fused pass)':55} {torch_s * 1e3:7.3f} ms")


def main(quick: bool = False) -> int:
    import torch

    sizes = (10_000, 1_000_000) if quick else (10_000, 1_000_000, 10_000_000)
    torch.set_num_threads(1)
    rows = []
    for name, (opt, torch_name, kwargs) in CASES.items():
        error = check_same_numbers(torch, opt, torch_name, kwargs)
        for size in sizes:
            repeats = 200 if size <= 10_000 else (41 if size <= 1_000_000 else 11)
            fast, pure, theirs = time_three(torch, opt, torch_name, kwargs, size, repeats)
            rows.append(
                dict(
                    optimizer=name,
                    size=size,
                    optlib_fast_s=fast,
                    optlib_pure_s=pure,
                    torch_1thread_s=theirs,
                    fast_ratio=fast / theirs,
                    pure_ratio=pure / theirs,
                    max_abs_error_5_steps=error,
                )
            )
            print(
                f"{name:26} {size:>10,}  fast {fast * 1e3:8.3f} ms  pure {pure * 1e3:8.3f} ms"
                f"  torch {theirs * 1e3:8.3f} ms  ratios {fast / theirs:5.2f} {pure / theirs:5.2f}"
            )
    big = [r for r in rows if r["size"] >= 1_000_000]
    misses = [
        f"fast {r['optimizer']} at {r['size']:,}: {r['fast_ratio']:.2f}"
        for r in big
        if r["fast_ratio"] > FAST_TARGET
    ] + [
        f"pure {r['optimizer']} at {r['size']:,}: {r['pure_ratio']:.2f}"
        for r in big
        if r["optimizer"] in PURE_TARGETED and r["pure_ratio"] > PURE_TARGET
    ]
    meta = dict(
        numpy=np.__version__,
        torch=torch.__version__,
        machine=platform.machine(),
        processor=platform.processor(),
        torch_threads=1,
        targets=(
            f"fast path / torch <= {FAST_TARGET} for every optimizer, pure step / torch <= "
            f"{PURE_TARGET} for {', '.join(PURE_TARGETED)}, at 1e6 and 1e7 parameters"
        ),
    )
    write_results(OUT, meta, rows=rows, misses=misses)
    print(f"targets: {'met' if not misses else 'missed: ' + '; '.join(misses)}")
    return 0


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile_sgd()
        sys.exit(0)
    sys.exit(main(quick="--quick" in sys.argv))
