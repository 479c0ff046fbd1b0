"""The chapters live in JupyterLab: a reader opens one, runs it, and moves a slider.

JupyterLab runs headless on loopback (tests/lab_session.py), on a copy of the chapters, and
Chromium drives it as a reader would: Run All Cells, then arrow keys on a slider. Part of
`make browser`; skipped where JupyterLab (`make lab` installs it) or Chromium is missing.
"""

from __future__ import annotations

import base64
import itertools
import re
import shutil

import pytest
from lab_session import CHROMIUM, CHROMIUM_ARGS, ROOT, Lab
from myst_cells import labels, markdown_text, solution_code_cells

pytest.importorskip("jupyterlab", reason="make lab installs JupyterLab")
playwright = pytest.importorskip("playwright.sync_api")
if not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

CHAPTER = "01_gradient_descent.ipynb"  # one live figure, a learning-rate slider, 4 exercises


@pytest.fixture(scope="module")
def chapter():
    """The chapter, run from the first cell to the last, with what its console printed."""
    with Lab(render_all=True) as lab, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        console = []
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console.append(f"page error: {e}"))
        lab.open(page, CHAPTER)
        lab.run_all(page)
        yield lab, page, console
        browser.close()


def test_every_cell_runs_without_an_error(chapter):
    lab, page, _ = chapter
    assert lab.error_outputs(page) == []
    assert "Traceback" not in lab.server_log()  # the kernel's own log: callbacks included


def test_myst_is_rendered_and_solutions_stay_folded(chapter):
    _, page, _ = chapter
    shown = page.evaluate(
        """() => ({
        text: document.querySelector('.jp-Notebook').innerText,
        exercises: [...document.querySelectorAll('aside.myst-exercise[id]')].map((e) => e.id),
        titles: [...document.querySelectorAll('aside.myst-exercise[id]')].map(
            (e) => e.innerText.split('\\n')[0]),
        solutions: [...document.querySelectorAll('details.myst-exercise')].map((d) => d.open),
        equations: document.querySelectorAll('.jp-MarkdownCell .katex').length,
        folded: [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(
            (cell) => !!cell.querySelector('.jp-InputPlaceholder')),
        })"""
    )
    for raw in ("{exercise-start}", "{solution-start}", "{eq}", "{ref}", "{glue:text}"):
        assert raw not in shown["text"]
    assert shown["exercises"] == ["ex-gd-forward", "ex-gd-three", "ex-gd-kappa", "ex-gd-rotate"]
    # numbered as in the book (the chapter's front matter), which is read, not shown
    numbers = [re.search(r"Exercise (\S+)", title)[1] for title in shown["titles"]]
    assert numbers == ["1.1", "1.2", "1.3", "1.4"]  # a gated one says "Start of Exercise 1.2"
    assert "(1.1)" in shown["text"] and "(1.2)" in shown["text"]  # the equations, as in the book
    assert "numbering:" not in shown["text"]
    assert shown["solutions"] == [False] * 4  # present, and closed until the reader opens one
    assert shown["equations"] > 50
    # and the solutions' code cells below them are folded, and no other cell
    solution_code = [i for i, _ in solution_code_cells(ROOT / "chapters" / CHAPTER)]
    assert [i for i, folded in enumerate(shown["folded"]) if folded] == solution_code


def test_moving_the_slider_changes_the_figure(chapter):
    lab, page, _ = chapter
    (cell,) = lab.live_cells(page)  # one figure
    assert lab.show(page, cell) == 1  # with one slider: the learning rate
    name = page.evaluate(
        "([cell]) => window.jupyterapp.shell.currentWidget.content.widgets[cell].node"
        ".querySelector('canvas.optlib-frame').getAttribute('aria-label')",
        [cell],
    )
    assert name.startswith("Gradient descent on the quadratic bowl")  # the figure's alt text
    images, waited, frames = set(), [], []
    # From 0.15: one position down, one more, five at once (Page Down), one more. A reader's
    # look of 3 s before each lets the kernel draw the settings one step away and send them.
    for key in ("ArrowLeft", "ArrowLeft", "PageDown", "ArrowLeft"):
        page.wait_for_timeout(3000)
        moved = lab.move(page, cell, 0, key)
        assert moved["ms"] >= 0, f"no new image after {key}"
        png = base64.b64decode(moved["png"])
        assert png.startswith(b"\x89PNG")
        images.add(png)
        waited.append(moved["waited"])
        frames.append(int(moved["frame"]))  # the setting drawn: the slider's index
    assert len(images) == 4  # every setting drew its own figure
    assert [a - b for a, b in itertools.pairwise(frames)] == [1, 5, 1]
    # a step the kernel drew ahead is drawn by the page; five steps wait for the kernel
    assert waited == [False, False, True, False]
    assert "Traceback" not in lab.server_log()


def test_the_console_stays_clean(chapter):
    """No error in the browser console, but jupyterlab-myst's "Cross reference target was not
    found", which it logs while a label further down is not rendered yet; every such target
    must exist in the chapter."""
    _, _, console = chapter
    defined = labels(markdown_text(ROOT / "chapters" / CHAPTER))
    unresolved = re.compile(r"^Cross reference target was not found: ([\w-]+)$")
    errors = []
    for message in console:
        for line in message.splitlines():
            found = unresolved.match(line)
            if not (found and found[1] in defined):
                errors.append(line)
    assert errors == []
