"""The live sliders' draw-ahead against an older one, alternating in one JupyterLab.

A single run of bench_lab_sliders.py cannot rank two designs on a 2-core machine: a chapter's
median moves by 10 ms or more from run to run. This script opens each chapter twice per round,
once with the current ``_Faces._draw_ahead`` and once with the one of an older commit (taken
with ``git show`` and patched into the kernel after the chapter has run), in alternating
order, and times the same moves as bench_lab_sliders.py. It reports both pools of moves: the
median, the 90th and 95th percentiles and the count over 100 ms (the figures' first moves
excluded, as in the benchmark).

Run:     .venv/bin/python benchmarks/ab_lab_draw_ahead.py [--old REV] [--rounds N] chapter.ipynb ...
Prints:  one line per chapter, round and variant, then the two pools; writes nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bench_lab_sliders import slider_times  # noqa: E402
from lab_session import CHROMIUM, CHROMIUM_ARGS, Lab  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def old_draw_ahead(rev: str) -> str:
    """Kernel code that puts ``rev``'s ``_Faces._draw_ahead`` in place of the current one."""
    source = subprocess.run(
        ["git", "show", f"{rev}:optlib/widgets.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"\n(    def _draw_ahead\(self\).*?)\n    def ", source, re.DOTALL)
    if found is None:
        raise SystemExit(f"{rev}: optlib/widgets.py has no _Faces._draw_ahead")
    constants = "\n".join(re.findall(r"^_[A-Z_]+ = [0-9.]+.*$", source, re.MULTILINE))
    return (
        "import asyncio\nfrom optlib.widgets import _setting_key,"
        " _live_png, _keep_recent\n"
        + constants
        + "\n"
        + textwrap.dedent(found[1])
        + "\nimport optlib.widgets\noptlib.widgets._Faces._draw_ahead = _draw_ahead\n"
    )


def chapter_moves(lab, browser, notebook: str, patch: str | None) -> list[float]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        lab.open(page, notebook)
        lab.run_all(page)
        if patch:
            lab.execute(page, patch)
        times = []
        for cell in lab.live_cells(page):
            shown = lab.show(page, cell)
            slider_times(lab, page, cell, 0, moves=1)  # the figure's first move, left out
            for slider in range(shown):
                times += slider_times(lab, page, cell, slider)
        return times
    finally:
        page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
        page.close()


def summary(times: list[float]) -> str:
    t = sorted(times)
    slow = sum(x > 100 for x in t)
    return (
        f"n={len(t)} median {statistics.median(t):.1f} p90 {t[int(0.9 * len(t))]:.1f} "
        f"p95 {t[int(0.95 * len(t))]:.1f} max {t[-1]:.1f} ms, over 100 ms: {slow}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", default="0f87e3e", help="the commit to compare against")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("chapters", nargs="+")
    args = parser.parse_args()
    patches = {"current": None, args.old: old_draw_ahead(args.old)}
    pools: dict[str, list[float]] = {name: [] for name in patches}
    with Lab() as lab, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for round_ in range(args.rounds):
            for notebook in args.chapters:
                order = list(patches) if round_ % 2 == 0 else list(patches)[::-1]
                for name in order:
                    times = chapter_moves(lab, browser, notebook, patches[name])
                    pools[name] += times
                    print(f"{notebook} round {round_} {name}: {summary(times)}", flush=True)
        browser.close()
    for name, times in pools.items():
        print(f"{name}: {summary(times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
