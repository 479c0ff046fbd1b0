"""Where a live slider's move spends its time in JupyterLab: browser, kernel, or in between.

bench_lab_sliders.py times a move from key press to new frame on the screen. This probe
splits that time in four, from wall-clock stamps taken in the page and in the kernel (one
machine, one clock):

- to kernel: from the key press until the kernel starts the move (browser, server, kernel's
  event loop);
- kernel: the move itself, until its frame is sent to the page or found there ("kept": the
  page held it and drew it without the kernel);
- back: from the kernel's reply until the page draws the frame (server, browser; negative
  when the page drew a frame it held, without waiting for the kernel);
- paint: until the page has painted it.

It runs each chapter's cells, then patches the kernel's ``_Faces._move``, ``_Faces._ahead``
and ``FrameCanvas.put`` (in the kernel only, to stamp them) and moves every slider at the
benchmark's pace. It also notes the moves during
which the kernel's draw-ahead had started before the frame was shown.

Run:     .venv/bin/python benchmarks/probe_lab_latency.py 06_adam.ipynb [more.ipynb ...]
Prints:  one line per move and a summary per chapter; writes nothing.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bench_lab_sliders import slider_moves  # noqa: E402
from lab_session import CHROMIUM, CHROMIUM_ARGS, Lab  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

# Run in the kernel after the chapter: stamp each move and each draw-ahead's start.
STAMP = """
import time as _time, optlib.widgets as _widgets, optlib._frame_canvas as _canvas
_STAMPS = {"moves": [], "ahead": []}
_STARTS = []
def _stamped(move, put, ahead):
    def _move(self, name, value):
        _STARTS.append(_time.time() * 1000)
        return move(self, name, value)
    def _put(self, where, png):
        done = put(self, where, png)
        if _STARTS:  # the move's own put, right after _move: the page held it (png None)
            _STAMPS["moves"].append((_STARTS.pop(), _time.time() * 1000, png is None))
        return done
    def _ahead(self, page=None):
        _STAMPS["ahead"].append(_time.time() * 1000)
        yield from ahead(self, page)
    return _move, _put, _ahead
_widgets._Faces._move, _canvas.FrameCanvas.put, _widgets._Faces._ahead = _stamped(
    _widgets._Faces._move, _canvas.FrameCanvas.put, _widgets._Faces._ahead)
"""


def chapter(lab, browser, notebook: str) -> list[dict]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    stamps_file = Path(tempfile.mkstemp(suffix=".json")[1])
    moves = []
    try:
        lab.open(page, notebook)
        lab.run_all(page)
        lab.execute(page, STAMP)
        for cell in lab.live_cells(page):
            for slider in range(lab.show(page, cell)):
                moves += [
                    m | {"slider": (cell, slider)} for m in slider_moves(lab, page, cell, slider)
                ]
        lab.execute(page, f"import json; json.dump(_STAMPS, open({str(stamps_file)!r}, 'w'))")
        stamps = json.loads(stamps_file.read_text())
    finally:
        stamps_file.unlink(missing_ok=True)
        page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
        page.close()
    rows = []
    for move in moves:
        starts = [k for k in stamps["moves"] if move["pressed"] <= k[0] <= move["painted"]]
        if not starts:
            continue
        start, end, kept = starts[0]
        rows.append(
            dict(
                slider=move["slider"],
                total=move["painted"] - move["pressed"],
                to_kernel=start - move["pressed"],
                kernel=end - start,
                kept=kept,
                back=move["drawn"] - end,
                paint=move["painted"] - move["drawn"],
                ahead_overlapped=any(end < a < move["painted"] for a in stamps["ahead"]),
            )
        )
    return rows


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    with Lab() as lab, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for notebook in argv:
            rows = chapter(lab, browser, notebook)
            sliders = {r["slider"] for r in rows}
            seen, later = set(), []
            for r in rows:
                first = r["slider"] not in seen and r["slider"][1] == 0
                seen.add(r["slider"])
                print(
                    f"{notebook[:2]} cell {r['slider'][0]:3} slider {r['slider'][1]}: "
                    f"total {r['total']:6.1f} ms = to kernel {r['to_kernel']:5.1f}"
                    f" + kernel {r['kernel']:5.1f} ({'kept' if r['kept'] else 'drawn'})"
                    f" + back {r['back']:5.1f} + paint {r['paint']:5.1f}"
                    + ("  [draw-ahead overlapped]" if r["ahead_overlapped"] else "")
                    + ("  [first move]" if first else "")
                )
                if not first:
                    later.append(r)
            if later:
                parts = {k: [r[k] for r in later] for k in ("total", "kernel", "back", "paint")}
                print(
                    f"{notebook}: {len(later)} moves after the first, on {len(sliders)} sliders,"
                    f" {sum(r['kept'] for r in later)} kept; median/worst ms: "
                    + ", ".join(
                        f"{k} {statistics.median(v):.1f}/{max(v):.1f}" for k, v in parts.items()
                    )
                )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
