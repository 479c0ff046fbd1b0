"""Latency of one live-slider move in the kernel, for every interactive figure of the book.

Each chapter notebook is executed in this process (its code cells, in order, on matplotlib's
Agg backend), and every figure that `optlib.widgets.explore` or `sweep` makes is kept. For
each, every value of every slider is set in turn, and one move is timed as the live face does
it: re-run the optimizer or call `redraw`, redraw the figure (`update`), then encode the PNG
the widget sends. Target: median under 50 ms per figure. What a reader waits for in
JupyterLab, from the key press to the new image, is measured by bench_lab_sliders.py.

Run:     .venv/bin/python benchmarks/bench_sliders.py
Writes:  benchmarks/results/sliders.json
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
from _results import write_results

import optlib.widgets  # noqa: E402
from optlib.widgets import _live_png  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "sliders.json"
TARGET_MS = 50.0


def figures_of(notebook: Path) -> list:
    """Run the notebook's code cells here and return the Explorers and Sweeps it made."""
    made = []
    originals = {cls: cls.__init__ for cls in (optlib.widgets.Explorer, optlib.widgets.Sweep)}

    def recording(cls):
        def init(self, *args, **kwargs):
            originals[cls](self, *args, **kwargs)
            made.append(self)

        return init

    nb = nbformat.read(notebook, as_version=4)
    namespace = {"__name__": "__main__"}
    cwd = Path.cwd()
    for cls in originals:
        cls.__init__ = recording(cls)
    try:
        os.chdir(notebook.parent)  # as Jupyter runs it
        for cell in nb.cells:
            if cell.cell_type == "code":
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(cell.source, str(notebook), "exec"), namespace)  # noqa: S102
    finally:
        for cls, init in originals.items():
            cls.__init__ = init
        os.chdir(cwd)
        matplotlib.pyplot.close("all")
    return made


def move_times(figure) -> list[float]:
    """Seconds of every slider move: each value of each slider, from the starting values,
    with the live face's PNG."""
    start, times = dict(figure.values), []
    for name, grid in figure.sliders.items():
        for value in grid:
            if hasattr(figure, "_paths"):  # an Explorer's kept runs: time every run afresh
                figure._paths.clear()
            t0 = time.perf_counter()
            figure.update(**{name: value})
            _live_png(figure.canvas)
            times.append(time.perf_counter() - t0)
        figure.update(**start)
    return times


def describe(figure) -> dict:
    if isinstance(figure, optlib.widgets.Explorer):
        name = getattr(figure.make_optimizer, "__name__", "optimizer")
        return dict(what=f"{name} on {figure.objective.name}", steps=figure.steps)
    return dict(what="sweep", steps=None)


def main() -> int:
    rows = []
    for notebook in sorted((ROOT / "chapters").glob("[0-9]*.ipynb")):  # the chapters
        for i, figure in enumerate(figures_of(notebook)):
            times = move_times(figure)
            rows.append(
                dict(
                    chapter=notebook.stem,
                    figure=i,
                    **describe(figure),
                    sliders=list(figure.sliders),
                    moves=len(times),
                    median_ms=1e3 * statistics.median(times),
                    max_ms=1e3 * max(times),
                )
            )
            r = rows[-1]
            print(
                f"{r['chapter']:24} #{i} {r['what'][:34]:34} {r['steps'] or '':>5}  "
                f"median {r['median_ms']:6.1f} ms  max {r['max_ms']:6.1f} ms"
            )
    misses = [f"{r['chapter']} #{r['figure']}" for r in rows if r["median_ms"] > TARGET_MS]
    meta = dict(
        matplotlib=matplotlib.__version__, target=f"median move under {TARGET_MS:g} ms per figure"
    )
    write_results(OUT, meta, rows=rows, misses=misses)
    print(f"target {TARGET_MS:g} ms: {'met' if not misses else 'missed by ' + ', '.join(misses)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
