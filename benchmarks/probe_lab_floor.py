"""The page's own share of a live slider's move: two ways to switch frames held in the page.

The live figure (optlib/_frame_canvas.py) holds the frames the kernel drew ahead as bitmaps
decoded ahead and draws one on a canvas when a slider's link changes its index. Beside it,
the design it replaced: the same 16 frames as image widgets in an ``ipywidgets.Stack``, whose
shown child a ``jslink`` ties to the slider. Both figures are in one notebook, in one
JupyterLab, timed in alternating blocks of moves at the benchmark's pace: the canvas until
the second animation frame after its draw (tests/lab_session.py's move), the Stack until its
new image element is decoded (IMAGE_MOVE_JS below). With ``--after``, the probe's cells are
appended to a copy of a chapter: a page as long as the reader's.

What it showed on 2026-11-30 (2 cores, --rounds 4 --after 06_adam.ipynb, 48 moves a side):
canvas median 20.2 ms, 90th percentile 38.5, worst 62.0; Stack median 26.2, 90th percentile
46.5, worst 104.3. The canvas's time includes up to one animation frame more (it is timed
to the frame after the one that paints); to its first animation frame, in an earlier ad hoc
run of 72 moves a side, it took median 5.0 ms and worst 28.4 against the Stack's 33.2 and
92.1. A Stack makes a new image element on each switch, which loads its PNG through a blob
URL and decodes it; the canvas draws a bitmap decoded when the frame arrived.

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

# The live figure (optlib's live face, one stepping slider) and the same frames in a Stack.
# The frames are drawn with the live face's own encoder, so both hold equal images.
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


# One key press on the Stack's slider, and the milliseconds until another image element is
# shown and decoded (-1 if none within 10 s): how a Stack of images was timed until
# 2026-11-30.
IMAGE_MOVE_JS = """async ([cell, key]) => {
  const now = () => performance.timeOrigin + performance.now();
  const box = window.jupyterapp.shell.currentWidget.content.widgets[cell].node;
  const handle = box.querySelector('.noUi-handle');
  const shown = () => [...box.querySelectorAll('.widget-image')].find((i) => i.offsetParent);
  if (document.activeElement !== handle) {
    handle.focus();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const before = shown();
  const pressed = now();
  const decoded = new Promise((resolve) => {
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
    const observer = new MutationObserver(() => {
      const image = shown();
      if (!image || image === before) return;
      observer.disconnect();
      clearTimeout(timer);
      image.decode().then(() => resolve(now()), () => resolve(null));
    });
    observer.observe(box, {childList: true, subtree: true});
  });
  handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
  const at = await decoded;
  return at === null ? -1 : at - pressed;
}"""


def move(lab, page, cell: int, stack: bool, key: str) -> float:
    """Milliseconds of one key press on the cell's slider, timed as its design is."""
    if stack:
        ms = page.evaluate(IMAGE_MOVE_JS, [cell, key])
    else:
        ms = lab.move(page, cell, 0, key)["ms"]
    if ms < 0:
        raise RuntimeError(f"cell {cell}: the image did not change within 10 s")
    return ms


def block(lab, page, cell: int, stack: bool) -> list[float]:
    """MOVES moves of the cell's slider, six left and six right, at the benchmark's pace."""
    lab.show(page, cell)
    times = []
    for i in range(MOVES):
        times.append(move(lab, page, cell, stack, "ArrowLeft" if i < MOVES // 2 else "ArrowRight"))
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
        cells = {"canvas": live, "Stack": live + 1}
        for name, cell in cells.items():  # each figure's first move, apart from the others
            lab.show(page, cell)
            first = move(lab, page, cell, name == "Stack", "ArrowRight")
            print(f"{name}, first move: {first:.1f} ms")
        alternate(
            args.rounds,
            [""],
            list(cells),
            lambda _, name: block(lab, page, cells[name], name == "Stack"),
        )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
