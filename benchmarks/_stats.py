"""Timed samples of a reader's moves: their summaries, and an alternating comparison.

Shared by the scripts that set two variants side by side in one JupyterLab
(ab_lab_sliders.py, probe_lab_floor.py) and by bench_lab_sliders.py.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence


def percentile(times: list[float], q: float) -> float:
    """The ``q``-th percentile of ``times`` by nearest rank: the smallest sample that at
    least ``q`` percent of the samples are at or below. Reported beside the worst sample,
    which of a few dozen moves is mostly noise."""
    if not times or not 0 < q <= 100:
        raise ValueError(f"percentile needs samples and 0 < q <= 100; got {len(times)}, q={q}")
    ranked = sorted(times)
    return ranked[math.ceil(q / 100 * len(ranked)) - 1]


def summary(times: list[float]) -> str:
    """Count, median, 90th and 95th percentiles, worst, and moves over 100 ms, on one line."""
    return (
        f"n={len(times)} median {statistics.median(times):.1f} "
        f"p90 {percentile(times, 90):.1f} p95 {percentile(times, 95):.1f} "
        f"max {max(times):.1f} ms, over 100 ms: {sum(t > 100 for t in times)}"
    )


def alternate(
    rounds: int,
    blocks: Sequence[str],
    variants: Sequence[str],
    measure: Callable[[str, str], list[float]],
) -> dict[str, list[float]]:
    """``measure(block, variant)`` for every block and variant, ``rounds`` times, with the
    variants' order reversed every other round, so that neither always goes first on a
    machine that warms up or slows down. Prints each block's summary, then each variant's
    pool of samples, and returns the pools."""
    pools: dict[str, list[float]] = {name: [] for name in variants}
    for round_ in range(rounds):
        for block in blocks:
            for name in variants if round_ % 2 == 0 else variants[::-1]:
                times = measure(block, name)
                pools[name] += times
                where = f"{block} " if block else ""
                print(f"{where}round {round_} {name}: {summary(times)}", flush=True)
    for name, times in pools.items():
        print(f"{name}: {summary(times)}")
    return pools
