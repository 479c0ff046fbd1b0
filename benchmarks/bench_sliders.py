"""Latency of one live-slider move, for every interactive figure of the book.

Each chapter notebook is executed in this process (its code cells, in order, on matplotlib's
Agg backend), and every figure that `optlib.widgets.explore` makes is kept. For each, every
value of every slider is set in turn, and one move is timed as the live face does it: re-run
the optimizer and redraw (`Explorer.update`), then encode the PNG the widget sends
(`Explorer.png`). Target: median under 50 ms per figure.

Run:     .venv/bin/python benchmarks/bench_sliders.py
Writes:  benchmarks/results/sliders.json
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
from _machine import describe_machine

import optlib.widgets  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "sliders.json"
TARGET_MS = 50.0


def explorers_of(notebook: Path) -> list:
    """Run the notebook's code cells here and return the Explorers it made."""
    made, original = [], optlib.widgets.Explorer.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    nb = nbformat.read(notebook, as_version=4)
    namespace = {"__name__": "__main__"}
    cwd = Path.cwd()
    optlib.widgets.Explorer.__init__ = recording_init
    try:
        os.chdir(notebook.parent)  # as Jupyter runs it
        for cell in nb.cells:
            if cell.cell_type == "code":
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(cell.source, str(notebook), "exec"), namespace)  # noqa: S102
    finally:
        optlib.widgets.Explorer.__init__ = original
        os.chdir(cwd)
        matplotlib.pyplot.close("all")
    return made


def move_times(explorer) -> list[float]:
    """Seconds of every slider move: each value of each slider, from the starting values."""
    start, times = dict(explorer.values), []
    for name, grid in explorer.sliders.items():
        for value in grid:
            t0 = time.perf_counter()
            explorer.update(**{name: value})
            explorer.png()
            times.append(time.perf_counter() - t0)
        explorer.update(**start)
    return times


def main() -> int:
    rows = []
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for i, explorer in enumerate(explorers_of(notebook)):
            times = move_times(explorer)
            rows.append(
                dict(
                    chapter=notebook.stem,
                    figure=i,
                    objective=getattr(explorer.objective, "name", ""),
                    optimizer=getattr(explorer.make_optimizer, "__name__", "optimizer"),
                    sliders=list(explorer.sliders),
                    steps=explorer.steps,
                    moves=len(times),
                    median_ms=1e3 * statistics.median(times),
                    max_ms=1e3 * max(times),
                )
            )
            r = rows[-1]
            print(
                f"{r['chapter']:24} #{i} {r['objective'][:24]:24} {r['optimizer']:10} "
                f"{r['steps']:5} steps  median {r['median_ms']:6.1f} ms  max {r['max_ms']:6.1f} ms"
            )
    misses = [f"{r['chapter']} #{r['figure']}" for r in rows if r["median_ms"] > TARGET_MS]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            dict(
                meta=dict(
                    command="python benchmarks/bench_sliders.py",
                    python=platform.python_version(),
                    host=describe_machine(),
                    matplotlib=matplotlib.__version__,
                    target=f"median move under {TARGET_MS:g} ms per figure",
                ),
                rows=rows,
                misses=misses,
            ),
            indent=2,
        )
        + "\n"
    )
    print(f"target {TARGET_MS:g} ms: {'met' if not misses else 'missed by ' + ', '.join(misses)}")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
