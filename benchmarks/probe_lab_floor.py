"""The browser's own share of a live slider's move: a frame switch that never leaves the page.

bench_lab_sliders.py times a move from key press to new image, through the server and the
kernel and back. This probe sets beside it the floor of any design: the same 16 frames held
in the page, in an ``ipywidgets.Stack`` of images whose shown child a ``jslink`` ties to the
slider, so that a key press switches the frame in the browser alone, with no message to the
kernel. Both figures are in one notebook, in one JupyterLab, and are timed by the same
script in the page (tests/lab_session.py's move), alternating in blocks of moves at the
benchmark's pace. With ``--after``, the two probe cells are appended to a copy of a chapter:
a page as long as the reader's.

What it showed on 2026-11-30 (2 cores, --rounds 6 --after 06_adam.ipynb, 72 moves a side,
two runs): through the kernel, median 36.5 and 29.6 ms, 95th percentile 93.2 and 58.6, worst
118.2 and 95.9 (2 and 0 moves over 100 ms); in the page, median 22.3 and 19.8, 95th
percentile 36.1 and 32.5, worst 69.7 and 59.9. The slow tail of a live move is the round
trip through the server and the kernel, not the page.

That led to optlib/_frame_tree.py: since then the live figure switches the frames it drew
ahead in the page too, through nested Stacks and their links, so this probe now compares the
live figure's tree with one flat Stack of every frame: what the tree's links and its traffic
with the kernel add.

Run:     .venv/bin/python benchmarks/probe_lab_floor.py [--rounds N] [--after chapter.ipynb]
Prints:  one line per block of moves, then both pools; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from _stats import alternate  # noqa: E402
from bench_lab_sliders import PAUSE_MS  # noqa: E402
from lab_session import CHROMIUM, CHROMIUM_ARGS, Lab  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

MOVES = 12  # per block: six one way, six back

# The live figure (optlib's live face, one stepping slider) and the same frames switched in
# the page. The frames are drawn with the live face's own encoder, so both send equal images.
LIVE = """\
import numpy as np
from optlib import Momentum, Quadratic
from optlib.widgets import explore

_probe = explore(
    Quadratic([1.0, 20.0]), Momentum, x0=[-1.8, 1.2], steps=60,
    sliders={"learning_rate": np.geomspace(0.005, 0.1, 16)}, continuous=[],
)
_probe"""
IN_PAGE = """\
import ipywidgets as _w
from optlib.widgets import _live_png

_grid = _probe.sliders["learning_rate"]
_frames = []
for _value in _grid:
    _probe.update(learning_rate=_value)
    _frames.append(_live_png(_probe.canvas))
_probe.update(learning_rate=_grid[8])
_stack = _w.Stack([_w.Image(value=f, format="png") for f in _frames], selected_index=8)
_slider = _w.SelectionSlider(options=[(f"{v:.4g}", v) for v in _grid], value=_grid[8])
_link = _w.jslink((_slider, "index"), (_stack, "selected_index"))
_w.VBox([_slider, _stack])"""


def probe_notebook(after: str | None) -> dict:
    """A notebook of the two probe cells, after a chapter's cells if ``after`` names one."""
    if after:
        notebook = json.loads((ROOT / "chapters" / after).read_text())
    else:
        notebook = {
            "cells": [],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    for name, source in (("probe-live", LIVE), ("probe-in-page", IN_PAGE)):
        notebook["cells"].append(
            dict(cell_type="code", id=name, metadata={}, source=source, outputs=[])
            | {"execution_count": None}
        )
    return notebook


def block(lab, page, cell: int) -> list[float]:
    """MOVES moves of the cell's slider, six left and six right, at the benchmark's pace."""
    lab.show(page, cell)
    times = []
    for i in range(MOVES):
        ms = lab.move(page, cell, 0, "ArrowLeft" if i < MOVES // 2 else "ArrowRight")["ms"]
        if ms < 0:
            raise RuntimeError(f"cell {cell}: the image did not change within 10 s")
        times.append(ms)
        page.wait_for_timeout(PAUSE_MS)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--after", help="a chapter whose cells come first, e.g. 06_adam.ipynb")
    args = parser.parse_args()
    with Lab() as lab, sync_playwright() as p:
        (lab.tmp / "book" / "chapters" / "probe.ipynb").write_text(
            json.dumps(probe_notebook(args.after))
        )
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        lab.open(page, "probe.ipynb")
        lab.run_all(page)
        live = page.evaluate("window.jupyterapp.shell.currentWidget.content.widgets.length") - 2
        cells = {"through the kernel": live, "in the page": live + 1}
        for name, cell in cells.items():  # each figure's first move, apart from the others
            lab.show(page, cell)
            print(f"{name}, first move: {lab.move(page, cell, 0, 'ArrowRight')['ms']:.1f} ms")
        alternate(args.rounds, [""], list(cells), lambda _, name: block(lab, page, cells[name]))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
