"""What a reader waits for in JupyterLab: from a key press on a slider to the new figure.

JupyterLab runs headless on loopback (tests/lab_session.py) and Chromium opens each chapter,
runs all its cells, then presses the arrow keys on every slider of every live figure, at a
reader's pace (one move once the last has been drawn, then a pause). Like a reader, who tabs
or clicks to a slider before pressing a key on it, the script focuses each slider before its
first key press and waits 300 ms: on that focus JupyterLab restyles the whole notebook, for
up to 230 ms in a chapter, which a timer started at the focus would charge to the move (it
did until 2026-11-30). One move is timed from the key press to the new frame on the screen:
the second animation frame after the page draws it. The page holds the frames the kernel
drew ahead and draws one by itself on a canvas (optlib/_frame_canvas.py); a move to a setting
it holds no frame for keeps the last frame and waits for the kernel (the browser, the
websocket, the kernel's re-run and redraw, the PNG, and back), and the row counts those moves
(through_kernel). The row also says where the slowest move's time went: to the draw in the
page, then to the paint. The first move of each figure is reported on its own. Target, per
chapter, over the other moves: median at most 50 ms, worst at most 100 ms. bench_sliders.py
times the kernel's part alone.

Until 2026-11-30 the page held the frames as image widgets in ipywidgets Stacks and a move
was timed until the new image was decoded: in two runs that day, medians 25 to 42 ms and
worst 40 to 372 ms per chapter, the slow moves spent in making a new image element per
switch and in loading and decoding its PNG (probe_lab_floor.py compares the two designs).

Needs JupyterLab (`make lab` installs it) and Chromium at /usr/bin/chromium.

Run:     .venv/bin/python benchmarks/bench_lab_sliders.py [chapter.ipynb ...]
Writes:  benchmarks/results/lab_sliders.json (only when run over every chapter)
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from _results import write_results
from _stats import percentile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from lab_session import CHROMIUM, CHROMIUM_ARGS, Lab  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "lab_sliders.json"
MEDIAN_MS, WORST_MS = 50.0, 100.0
MOVES = 8  # per slider
PAUSE_MS = 300  # between moves: a reader looks at the figure


def slider_moves(lab, page, cell: int, slider: int, moves: int = MOVES) -> list[dict]:
    """``moves`` moves of one slider (see Lab.move), turning back at each end of its range."""
    done, key, stuck = [], "ArrowLeft", 0
    while len(done) < moves:
        moved = lab.move(page, cell, slider, key)
        if moved["ms"] < 0:  # at an end of the range: nothing to draw
            stuck += 1
            if stuck == 2:
                raise RuntimeError(f"cell {cell}, slider {slider} does not move either way")
            key = "ArrowRight" if key == "ArrowLeft" else "ArrowLeft"
            continue
        stuck = 0
        done.append(moved)
        page.wait_for_timeout(PAUSE_MS)
    return done


def slider_times(lab, page, cell: int, slider: int, moves: int = MOVES) -> list[float]:
    """Milliseconds of ``moves`` moves of one slider."""
    return [moved["ms"] for moved in slider_moves(lab, page, cell, slider, moves)]


def chapter_row(lab, browser, notebook: str) -> dict | None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        lab.open(page, notebook)
        lab.run_all(page)
        errors = lab.error_outputs(page)
        if errors:
            raise RuntimeError(f"{notebook}: {errors}")
        cells = lab.live_cells(page)
        if not cells:
            return None
        times, first, sliders, waited, slowest = [], [], 0, 0, None
        for cell in cells:
            shown = lab.show(page, cell)
            sliders += shown
            first += slider_times(lab, page, cell, 0, moves=1)
            for slider in range(shown):
                done = slider_moves(lab, page, cell, slider)
                times += [moved["ms"] for moved in done]
                waited += sum(moved["waited"] for moved in done)  # the placeholder was shown
                worst = max(done, key=lambda moved: moved["ms"])
                if slowest is None or worst["ms"] > slowest["ms"]:
                    slowest = dict(
                        cell=cell,
                        slider=slider,
                        ms=worst["ms"],
                        through_kernel=worst["waited"],
                        to_draw_ms=worst["drawn"] - worst["pressed"],
                        to_paint_ms=worst["painted"] - worst["drawn"],
                    )
        return dict(
            chapter=Path(notebook).stem,
            figures=len(cells),
            sliders=sliders,
            moves=len(times),
            through_kernel=waited,
            median_ms=statistics.median(times),
            p90_ms=percentile(times, 90),
            max_ms=max(times),
            first_move_ms=max(first),
            slowest=slowest,  # where the time of the worst move went
        )
    finally:
        page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
        page.close()


def main(argv: list[str]) -> int:
    chosen = argv or sorted(p.name for p in (ROOT / "chapters").glob("[0-9]*.ipynb"))
    rows = []
    with Lab() as lab, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for notebook in chosen:
            row = chapter_row(lab, browser, notebook)
            if row is None:
                print(f"{notebook:32} no live figure")
                continue
            rows.append(row)
            print(
                f"{row['chapter']:28} {row['sliders']} sliders, {row['moves']:3} moves "
                f"({row['through_kernel']} through the kernel): "
                f"median {row['median_ms']:5.0f} ms, 90th percentile {row['p90_ms']:5.0f} ms, "
                f"worst {row['max_ms']:5.0f} ms "
                f"(first move of a figure: up to {row['first_move_ms']:4.0f} ms)"
            )
            slow = row["slowest"]
            print(
                f"{'':28} worst: cell {slow['cell']}, slider {slow['slider']}, "
                + ("through the kernel, " if slow["through_kernel"] else "")
                + f"{slow['to_draw_ms']:.0f} ms to the draw, then {slow['to_paint_ms']:.0f} ms "
                "to the paint"
            )
        browser.close()
    misses = [r["chapter"] for r in rows if r["median_ms"] > MEDIAN_MS or r["max_ms"] > WORST_MS]
    print(
        f"target {MEDIAN_MS:g} ms median, {WORST_MS:g} ms worst: "
        + ("met" if not misses else "missed by " + ", ".join(misses))
    )
    if argv:
        return 0
    meta = dict(
        target=f"per chapter, median at most {MEDIAN_MS:g} ms and worst at most {WORST_MS:g} ms "
        "from key press to the new frame on the screen",
        moves_per_slider=MOVES,
        pause_ms=PAUSE_MS,
    )
    write_results(OUT, meta, rows=rows, misses=misses)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
