"""A headless JupyterLab on loopback, driven by Chromium: open a chapter, run it, move a slider.

Shared by the live test (tests/test_jupyterlab.py) and the latency benchmark
(benchmarks/bench_lab_sliders.py). JupyterLab serves a copy of the chapters in a temporary
folder, with autosave off, so that running them never writes outputs into the repository.
Its settings are the reader's defaults but two: no news prompt and no autosave. JupyterLab
renders only the cells near the screen, so a figure is scrolled to before its slider moves;
``Lab(render_all=True)`` renders every cell at once, for checks over the whole page.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# The code cells whose output is a live widget, by index in the notebook.
LIVE_CELLS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets.flatMap((c, i) =>
    c.model.type === 'code' && c.model.outputs.toJSON().some(
    (o) => o.data && o.data['application/vnd.jupyter.widget-view+json']) ? [i] : [])"""
# Scroll a cell to the middle of the screen, as a reader does; JupyterLab renders it there.
# Returns the number of slider handles of its figure.
SCROLL_JS = """async ([cell]) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  await notebook.scrollToItem(cell, 'center');
  const node = notebook.widgets[cell].node;
  for (let i = 0; i < 100 && !node.querySelector('canvas.optlib-frame[data-frame]'); i++)
    await new Promise((r) => setTimeout(r, 50));
  return node.querySelectorAll('.noUi-handle').length;
}"""

# One key press on a slider handle, and the milliseconds until the figure shows the new frame
# (-1 when none comes within 10 s): the live figure's canvas (optlib/_frame_canvas.py) names
# the setting it drew in its data-frame attribute, and the new frame is on the screen once
# the page has produced the frame after the draw: the second animation frame after it.
# While the page holds no frame for the new setting, the canvas keeps the last one and has the
# class optlib-pending: the move then waits for the kernel, and ``waited`` is true.
# Resolves with the canvas's pixels too, as a base64 PNG, so that the caller can check that
# they changed, and with wall-clock stamps (epoch ms) of the press, the draw and the paint.
# A reader tabs or clicks to a slider before pressing a key on it, and so does this script:
# when the handle is not focused yet, it is focused and given FOCUS_MS before the press. On
# focus, JupyterLab makes the slider's cell the active one and restyles the notebook (up to
# 230 ms in a chapter, in the page's long-animation-frame entries); that is the reader's
# Tab or click, not the move.
FOCUS_MS = 300
MOVE_JS = """async ([cell, slider, key]) => {
  const now = () => performance.timeOrigin + performance.now();
  const box = window.jupyterapp.shell.currentWidget.content.widgets[cell].node;
  const handle = box.querySelectorAll('.noUi-handle')[slider];
  const canvas = box.querySelector('canvas.optlib-frame');
  if (document.activeElement !== handle) {
    handle.focus();
    await new Promise((resolve) => setTimeout(resolve, FOCUS_MS));
  }
  const before = canvas.dataset.frame;
  const pressed = now();
  let drawn = null, waited = false;
  const painted = new Promise((resolve) => {
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
    const observer = new MutationObserver(() => {
      if (canvas.classList.contains('optlib-pending')) waited = true;
      if (canvas.dataset.frame === before) return;
      drawn = now();
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(now())));
    });
    observer.observe(canvas, {attributes: true, attributeFilter: ['class', 'data-frame']});
  });
  handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
  const shown = await painted;
  if (shown === null) return {ms: -1, png: null};
  const png = canvas.toDataURL('image/png').split(',')[1];
  return {ms: shown - pressed, png, frame: canvas.dataset.frame, pressed, drawn, painted: shown,
          waited};
}""".replace("FOCUS_MS", str(FOCUS_MS))
# Run code in the notebook's kernel, quietly; resolves with "" or the error it raised.
EXECUTE_JS = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const reply = await kernel.requestExecute({code, silent: true}).done;
  return reply.content.status === 'ok' ? '' : `${reply.content.ename}: ${reply.content.evalue}`;
}"""

NOTEBOOK_JS = "window.jupyterapp && window.jupyterapp.shell.currentWidget"
KERNEL_IDLE_JS = (
    "(() => { const nb = NOTEBOOK; const k = nb && nb.sessionContext.session?.kernel;"
    " return k && k.status === 'idle'; })()"
).replace("NOTEBOOK", NOTEBOOK_JS)
# Every code cell ran (each has an execution count) and the kernel is idle.
ALL_RAN_JS = (
    "(() => { const nb = NOTEBOOK; return nb.sessionContext.session.kernel.status === 'idle' &&"
    " nb.content.widgets.every((c) => c.model.type !== 'code' ||"
    " c.model.executionCount !== null); })()"
).replace("NOTEBOOK", NOTEBOOK_JS)
# The longest delay of a 25 ms timer over half a second: near 0 when the page is idle.
# jupyterlab-myst re-renders the Markdown cells for seconds after a run.
MAIN_THREAD_LAG_JS = """async () => {
  let last = performance.now(), worst = 0;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const now = performance.now();
    worst = Math.max(worst, now - last - 25);
    last = now;
  }
  return worst;
}"""
# What the kernel reported as an error in the notebook's outputs (read from the model: a cell
# far from the screen is not rendered).
ERROR_OUTPUTS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets.flatMap((c) =>
    c.model.type !== 'code' ? [] : c.model.outputs.toJSON().filter(
    (o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`))"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """JupyterLab serving a copy of ``chapters/`` (and ``benchmarks/``, which chapters read),
    on a free loopback port with a random token; a context manager."""

    def __init__(self, render_all: bool = False):
        self.render_all = render_all
        self.tmp = Path(tempfile.mkdtemp(prefix="optlib-lab-"))
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.log_path = self.tmp / "server.log"
        self.process = None

    def __enter__(self) -> Lab:
        book = self.tmp / "book"
        shutil.copytree(ROOT / "chapters", book / "chapters")
        shutil.copytree(  # chapter 2 imports a helper from it, two chapters read results/
            ROOT / "benchmarks", book / "benchmarks", ignore=shutil.ignore_patterns("__pycache__")
        )
        settings = self.tmp / "settings"
        settings_files = dict(SETTINGS)
        if self.render_all:
            name = "@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
            settings_files[name] = {"windowingMode": "none"}
        for name, values in settings_files.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings))
        command = [
            str(Path(sys.executable).with_name("jupyter")),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run cells by command
            f"--ServerApp.root_dir={self.tmp / 'book' / 'chapters'}",
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"JupyterLab exited {code}:\n{self.server_log()}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=5)
                return self
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError(f"JupyterLab did not answer within 120 s:\n{self.server_log()}")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # shuts its kernels down too
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def server_log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def open(self, page, notebook: str, timeout_s: float = 120) -> None:
        """Open ``notebook`` alone (a fresh workspace) and wait for its kernel."""
        workspace = secrets.token_hex(4)
        page.goto(f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}")
        page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_s * 1000)

    def run_all(self, page, timeout_s: float = 300) -> None:
        """Run every cell, as Run > Run All Cells does, and wait until the last has run."""
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        deadline = time.monotonic() + timeout_s
        while not page.evaluate(ALL_RAN_JS):
            errors = self.error_outputs(page)
            if errors:  # Run All stops at the first error: no point waiting
                raise RuntimeError(f"a cell failed: {errors[0]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the cells did not all run within {timeout_s:g} s")
            page.wait_for_timeout(250)
        self.settle(page)

    @staticmethod
    def settle(page, timeout_s: float = 60) -> None:
        """Wait until the page's main thread is idle (no delay of 20 ms or more)."""
        deadline = time.monotonic() + timeout_s
        while page.evaluate(MAIN_THREAD_LAG_JS) >= 20 and time.monotonic() < deadline:
            pass

    @staticmethod
    def live_cells(page) -> list[int]:
        """The cells with a live figure, by index in the notebook."""
        return page.evaluate(LIVE_CELLS_JS)

    @staticmethod
    def show(page, cell: int) -> int:
        """Scroll ``cell`` to the middle of the screen and let it settle; returns the number of
        sliders of its figure."""
        sliders = page.evaluate(SCROLL_JS, [cell])
        Lab.settle(page)
        return sliders

    @staticmethod
    def move(page, cell: int, slider: int, key: str) -> dict:
        """Press ``key`` (ArrowRight, ArrowLeft, PageDown...) on a slider of the figure in
        ``cell``, shown first: ``ms`` until the new frame is on the screen (-1 if none came),
        ``png``, the canvas as a base64 PNG, ``frame``, the setting drawn (slider indices),
        ``waited``, whether the page waited for the kernel's frame, and the stamps
        ``pressed``, ``drawn`` and ``painted``."""
        return page.evaluate(MOVE_JS, [cell, slider, key])

    @staticmethod
    def execute(page, code: str) -> None:
        """Run ``code`` in the open notebook's kernel, without output; raise what it raised."""
        error = page.evaluate(EXECUTE_JS, code)
        if error:
            raise RuntimeError(f"the kernel refused the code: {error}")

    @staticmethod
    def error_outputs(page) -> list[str]:
        return page.evaluate(ERROR_OUTPUTS_JS)
