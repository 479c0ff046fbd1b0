"""Summaries of timed samples, shared by the benchmarks that time a reader's moves."""

from __future__ import annotations

import math


def percentile(times: list[float], q: float) -> float:
    """The ``q``-th percentile of ``times`` by nearest rank: the smallest sample that at
    least ``q`` percent of the samples are at or below. Reported beside the worst sample,
    which of a few dozen moves is mostly noise."""
    if not times or not 0 < q <= 100:
        raise ValueError(f"percentile needs samples and 0 < q <= 100; got {len(times)}, q={q}")
    ranked = sorted(times)
    return ranked[math.ceil(q / 100 * len(ranked)) - 1]
