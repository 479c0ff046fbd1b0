"""Execute every notebook of the book, one per core, into Jupyter Book's execution cache.

Jupyter Book 1.x executes notebooks one at a time, as Sphinx reads them; on a 2-core machine
that leaves a core idle for most of the build. With ``execute_notebooks: cache`` in
_config.yml, myst-nb takes a notebook's outputs from the jupyter-cache in
``_build/.jupyter_cache`` when the cached code matches the notebook's, and executes the
notebook itself otherwise. ``make book`` runs this script first:

- it empties the cache, because the cache keys on the notebooks' code alone and cannot see a
  change to optlib: every build still executes every notebook afresh;
- it executes every notebook listed in _toc.yml, one per core, each in its own directory (as
  myst-nb would), with _config.yml's timeout and no errors allowed;
- it gives each notebook's kernel its share of the cores for BLAS (OpenBLAS, OpenMP and MKL
  threads: the cores divided by the jobs, unless already set): OpenBLAS's threads spin while
  they wait, and with more threads than cores one 512 x 256 matrix product took seconds
  instead of milliseconds (Muon's step in chapter 10: 25 ms alone, 3 to 20 s
  oversubscribed);
- it caches each notebook that ran through, with its time and its slowest cells (so that a
  slow build says where its time went), and reports each one that failed, with its traceback,
  and exits 1: `make book` stops there, before the build.

Usage: python _ext/execute_notebooks.py [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from nbformat import NotebookNode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_toc import toc_entries  # noqa: E402  (this folder is not a package)

ROOT = Path(__file__).resolve().parent.parent
# Where Jupyter Book 1.x keeps its execution cache (jupyter_book/config.py).
CACHE = ROOT / "_build" / ".jupyter_cache"
# The variables that cap the threads of NumPy's BLAS (whichever library it was built with).
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# The book's figures, for high-density screens: each PNG holds twice the pixels it is shown at
# ("retina": IPython records the display size in the output's metadata, which myst-nb
# honours), at 80 pixels per inch of figure. A 9-inch figure fills the text column (720 px)
# with 1440 px. Measured: chapter 1's PNGs grew from 0.68 to 1.46 MB, and it stays the
# heaviest page, at 2.0 MB of its own, under the 3 MB the browser test allows.
KERNEL_ARGUMENTS = [
    "--InlineBackend.figure_formats=retina",
    "--InlineBackend.rc={'figure.dpi': 80}",
]


def toc_notebooks() -> list[Path]:
    """The notebooks of _toc.yml, in its order."""
    entries = toc_entries(ROOT)
    return [ROOT / f"{e}.ipynb" for e in entries if (ROOT / f"{e}.ipynb").exists()]


def execute(path: Path, timeout: int) -> tuple[Path, NotebookNode, float, str | None]:
    """Run in a worker: execute one notebook in its own directory, timing each cell."""
    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(
        notebook,
        cwd=str(path.parent),
        timeout=timeout,
        allow_errors=False,
        meta_override=True,
        record_timing=True,
        extra_arguments=KERNEL_ARGUMENTS,
    )
    return path, notebook, result.time, result.exc_string if result.err else None


def pop_cell_seconds(notebook: NotebookNode) -> Iterable[tuple[int, float]]:
    """(code cell number from 1, seconds) of each timed cell; removes the timings (nbclient's
    ``execution`` metadata) so that the cached outputs do not carry them."""
    number = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        timing = cell.metadata.pop("execution", {})
        began, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if began and ended:
            seconds = datetime.fromisoformat(ended) - datetime.fromisoformat(began)
            yield number, seconds.total_seconds()


def slowest(cell_seconds: Iterable[tuple[int, float]], count: int = 3) -> str:
    """The slowest cells, as "code cell 12: 40 s, code cell 30: 22 s, ..."."""
    ranked = sorted(cell_seconds, key=lambda item: -item[1])[:count]
    return ", ".join(f"code cell {number}: {seconds:.0f} s" for number, seconds in ranked)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    jobs = parser.parse_args().jobs
    execute_config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["execute"]
    if execute_config["execute_notebooks"] != "cache":
        print("_config.yml does not read the cache (execute_notebooks is not 'cache')")
        return 1
    timeout = int(execute_config["timeout"])

    threads = str(max(1, (os.cpu_count() or 1) // max(1, jobs)))
    for name in BLAS_THREADS:
        os.environ.setdefault(name, threads)  # inherited by the workers and their kernels

    cache = get_cache(str(CACHE))
    cache.clear_cache()
    notebooks = toc_notebooks()
    print(f"Executing {len(notebooks)} notebooks, {jobs} at a time", flush=True)
    start, failed = time.perf_counter(), []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(execute, path, timeout) for path in notebooks]
        for future in as_completed(futures):
            path, notebook, seconds, traceback = future.result()
            name = path.relative_to(ROOT)
            cells = slowest(pop_cell_seconds(notebook))
            if traceback is not None:
                failed.append(name)
                print(f"FAILED {name} after {seconds:.0f} s:\n{traceback}", flush=True)
                continue
            bundle = CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            print(f"executed {name} in {seconds:.0f} s (slowest: {cells})", flush=True)
    print(
        f"{len(notebooks) - len(failed)} of {len(notebooks)} notebooks executed and cached "
        f"in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
