"""A headless JupyterLab on loopback, driven by Chromium: open a chapter, run it, move a slider.

Shared by the live test (tests/test_jupyterlab.py) and the latency benchmark
(benchmarks/bench_lab_sliders.py). JupyterLab serves a copy of the chapters in a temporary
folder, with autosave off, so that running them never writes outputs into the repository.
Its settings are the reader's defaults but three: no news prompt, no autosave, and every cell
rendered at once (JupyterLab otherwise renders only the cells near the screen, and a figure
far down the page would not exist to be moved).
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
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# The live figures of the page: a box holding a widget image and slider handles (noUiSlider).
FIGURES_JS = """() => [...document.querySelectorAll('.widget-vbox')].filter(
    (box) => box.querySelector(':scope > .widget-image') && box.querySelector('.noUi-handle'))"""

# One key press on a slider handle, and the milliseconds until the figure's new image is
# decoded (-1 when no new image comes within 10 s). Resolves with the new image's bytes too, as
# base64, so that the caller can check that it changed.
MOVE_JS = """async ([figure, slider, key]) => {
  const box = (FIGURES)()[figure];
  const handle = box.querySelectorAll('.noUi-handle')[slider];
  const image = box.querySelector(':scope > .widget-image');
  const before = image.src;
  handle.focus();
  const t0 = performance.now();
  const changed = new Promise((resolve) => {
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
    const observer = new MutationObserver(() => {
      if (image.src === before) return;
      observer.disconnect();
      clearTimeout(timer);
      image.decode().then(() => resolve(performance.now() - t0));
    });
    observer.observe(image, {attributes: true, attributeFilter: ['src']});
  });
  handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
  const ms = await changed;
  if (ms === null) return {ms: -1, png: null};
  const bytes = new Uint8Array(await (await fetch(image.src)).arrayBuffer());
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return {ms, png: btoa(text)};
}""".replace("FIGURES", FIGURES_JS)

NOTEBOOK_JS = "window.jupyterapp && window.jupyterapp.shell.currentWidget"
KERNEL_IDLE_JS = (
    "(() => { const nb = NOTEBOOK; const k = nb && nb.sessionContext.session?.kernel;"
    " return k && k.status === 'idle'; })()"
).replace("NOTEBOOK", NOTEBOOK_JS)
# Every code cell ran: none waits (prompt "[*]") and the kernel is idle.
ALL_RAN_JS = (
    "(() => { const nb = NOTEBOOK; return nb.sessionContext.session.kernel.status === 'idle' &&"
    " nb.content.widgets.every((c) => c.model.type !== 'code' ||"
    " (c.model.executionCount !== null && !c.promptNode?.textContent.includes('*'))); })()"
).replace("NOTEBOOK", NOTEBOOK_JS)
# What the kernel reported as an error in the notebook's outputs.
ERROR_OUTPUTS_JS = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')].map(
    (e) => e.innerText.slice(0, 500))"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """JupyterLab serving a copy of ``chapters/`` (and ``benchmarks/results``, which two
    chapters read), on a free loopback port with a random token; a context manager."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="optlib-lab-"))
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.log_path = self.tmp / "server.log"
        self.process = None

    def __enter__(self) -> Lab:
        book = self.tmp / "book"
        shutil.copytree(ROOT / "chapters", book / "chapters")
        shutil.copytree(ROOT / "benchmarks" / "results", book / "benchmarks" / "results")
        settings = self.tmp / "settings"
        for name, values in SETTINGS.items():
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
        page.wait_for_function(ALL_RAN_JS, timeout=timeout_s * 1000, polling=250)

    @staticmethod
    def figures(page) -> list[int]:
        """The number of slider handles of each live figure on the page, in page order."""
        return page.evaluate(
            f"() => ({FIGURES_JS})().map((b) => b.querySelectorAll('.noUi-handle').length)"
        )

    @staticmethod
    def move(page, figure: int, slider: int, key: str) -> dict:
        """Press ``key`` (ArrowRight, ArrowLeft) on a slider: ``ms`` until the new image is
        decoded (-1 if none came) and ``png``, the new image as base64."""
        page.evaluate(f"([i]) => ({FIGURES_JS})()[i].scrollIntoView({{block: 'center'}})", [figure])
        return page.evaluate(MOVE_JS, [figure, slider, key])

    @staticmethod
    def error_outputs(page) -> list[str]:
        return page.evaluate(ERROR_OUTPUTS_JS)
