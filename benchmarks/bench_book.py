"""How long the book takes: the HTML build from scratch, the notebook tests, each notebook.

1. `jupyter-book build -W -n --keep-going` of the repository into a fresh temporary output
   folder (what `make book` does on a clean `_build`, every notebook executed);
2. `pytest --nbval-lax chapters/` (what `make test` spends on the notebooks);
3. each notebook executed alone with nbclient, as the build does.

Targets: the whole book under 120 s; no notebook over 20 s (30 s for the search chapter).

Run:     .venv/bin/python benchmarks/bench_book.py
Writes:  benchmarks/results/book.json
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from _results import write_results
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = ROOT / "benchmarks" / "results" / "book.json"
BOOK_TARGET_S = 120.0


def notebook_target(name: str) -> float:
    return 30.0 if "search" in name else 20.0


def timed(command: list[str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:  # show why, then stop: a failing book has no time worth reporting
        print(done.stdout[-5000:], done.stderr[-5000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"{' '.join(command)} failed with exit code {done.returncode}")
    return time.perf_counter() - t0


def execute(notebook: Path) -> float:
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    t0 = time.perf_counter()
    client.execute()
    return time.perf_counter() - t0


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        build_s = timed(
            [
                str(BIN / "jupyter-book"),
                "build",
                "-W",
                "-n",
                "--keep-going",
                "--path-output",
                out,
                ".",
            ]
        )
    print(f"book build from scratch: {build_s:6.1f} s (target {BOOK_TARGET_S:g} s)")
    nbval_s = timed([str(BIN / "python"), "-m", "pytest", "-q", "--nbval-lax", "chapters/"])
    print(f"pytest --nbval-lax chapters/: {nbval_s:6.1f} s")
    notebooks = []
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        seconds = execute(notebook)
        notebooks.append(
            dict(notebook=notebook.name, seconds=seconds, target_s=notebook_target(notebook.name))
        )
        print(
            f"  {notebook.name:32} {seconds:6.1f} s (target {notebook_target(notebook.name):g} s)"
        )
    misses = [f"book build {build_s:.0f} s"] if build_s > BOOK_TARGET_S else []
    misses += [
        f"{n['notebook']} {n['seconds']:.1f} s" for n in notebooks if n["seconds"] > n["target_s"]
    ]
    meta = dict(machine=platform.machine(), cpus=os.cpu_count())
    write_results(OUT, meta, build_s=build_s, nbval_s=nbval_s, notebooks=notebooks, misses=misses)
    print(f"targets: {'met' if not misses else 'missed by ' + ', '.join(misses)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
