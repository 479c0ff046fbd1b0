"""One part of the live sliders against an older commit's, alternating in one JupyterLab.

A single run of bench_lab_sliders.py cannot rank two designs on a 2-core machine: a chapter's
median moves by 10 ms or more from run to run. This script opens each chapter twice per round,
once with the current code and once with an older commit's version of one function of
optlib.widgets (``--replace``: a method of ``_Faces`` such as ``_Faces._draw_ahead``, or a
module function such as ``_live_png``), in alternating order. The old version is taken with
``git show`` and patched into the kernel after the chapter has run, with the module
constants of its commit. The moves are those of bench_lab_sliders.py. It reports both pools
of moves: the median, the 90th and 95th percentiles and the count over 100 ms (the figures'
first moves excluded, as in the benchmark).

Run:     .venv/bin/python benchmarks/ab_lab_sliders.py [--old REV] [--replace NAME]
             [--rounds N] chapter.ipynb ...
Prints:  one line per chapter, round and variant, then the two pools; writes nothing.
Measured: --old 0f87e3e (the draw-ahead before 5dbe4ca); --old a0b1242 --replace _live_png
(full-colour live frames).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from _stats import alternate  # noqa: E402
from bench_lab_sliders import slider_times  # noqa: E402
from lab_session import CHROMIUM, CHROMIUM_ARGS, Lab  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

# Run in the kernel: define the old function among a copy of the module's names, with the
# old commit's constants, so that it runs as it did then and the rest of the module is
# untouched; then put it in place of the current one. (Its numeric constants only: the
# others are the same in every commit compared so far.)
PATCH = """
import optlib.widgets as _widgets
_old = dict(vars(_widgets))
exec({source!r}, _old)
{target} = _old[{name!r}]
"""


def old_version(rev: str, qualified: str) -> str:
    """Kernel code that puts ``rev``'s version of ``qualified`` (a function of
    optlib/widgets.py, or ``_Faces.method``) in place of the current one."""
    source = subprocess.run(
        ["git", "show", f"{rev}:optlib/widgets.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    owner, _, name = qualified.rpartition(".")
    indent = "    " if owner else ""
    found = re.search(
        rf"\n({indent}def {re.escape(name)}\(.*?)\n(?={indent}def |\S)", source, re.DOTALL
    )
    if found is None:
        raise SystemExit(f"{rev}: optlib/widgets.py has no {qualified}")
    constants = "\n".join(re.findall(r"^_[A-Z_]+ = [0-9.]+.*$", source, re.MULTILINE))
    code = constants + "\n" + textwrap.dedent(found[1])
    target = f"_widgets.{qualified}"
    return PATCH.format(source=code, target=target, name=name)


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", default="0f87e3e", help="the commit to compare against")
    parser.add_argument("--replace", default="_Faces._draw_ahead", help="what to take from it")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("chapters", nargs="+")
    args = parser.parse_args()
    patches = {"current": None, args.old: old_version(args.old, args.replace)}
    with Lab() as lab, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        alternate(
            args.rounds,
            args.chapters,
            list(patches),
            lambda notebook, name: chapter_moves(lab, browser, notebook, patches[name]),
        )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
