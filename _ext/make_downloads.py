"""Write the download that runs the book's chapters on a reader's machine: ``optlib-book.zip``.

The HTML book's notebooks import ``optlib``, and two of them read ``benchmarks/``: a chapter
downloaded alone runs nowhere. ``make book`` runs this script before the build, and the intro
links the zip with Sphinx's ``download`` role (which copies it into ``_build/html/_downloads``
and fails a ``-W`` build when it is missing). The zip holds one folder, ``optlib-book/``:

- ``optlib-<version>-py3-none-any.whl``: optlib, built offline from this tree (a copy of it, so
  that setuptools leaves no ``build/`` here and no stale module gets into the wheel);
- ``requirements.txt``: that wheel, then what the chapters use beyond optlib's own
  dependencies (which the wheel declares), each with the version range ``pyproject.toml``
  gives it (read back from the wheel's metadata, so nothing is typed twice);
- ``chapters/``: the notebooks of ``_toc.yml`` as stored (without outputs) and the notation
  appendix;
- ``benchmarks/``: what the chapters read there (``_memory.py``, ``results/*.json``); they find
  the folder by looking up from the one they run in, as they do in the book's own tree;
- ``README.txt``: the two commands that run them.

The zip has a stable name, so the intro can link it; the wheel's name must carry the version
(pip refuses any other), and it stays inside the zip, named in ``requirements.txt``.

Usage: python _ext/make_downloads.py [--out DIR]   (default: _build/downloads)
"""

from __future__ import annotations

import argparse
import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_toc import toc_entries  # noqa: E402  (this folder is not a package)

ROOT = Path(__file__).resolve().parent.parent
ZIP_NAME = "optlib-book.zip"
FOLDER = "optlib-book"  # the zip's one top-level folder
# What the wheel is built from: a copy of these, away from this tree.
PACKAGE_FILES = ["pyproject.toml", "README.md", "LICENSE"]
# Pages beside the notebooks: the table of symbols every chapter uses.
PAGES = ["chapters/notation.md"]
# What the chapters read under benchmarks/: chapter 2 imports _memory.py and reads memmap.json,
# the benchmarks appendix reads every table of results/.
BENCHMARK_FILES = ["benchmarks/_memory.py", "benchmarks/results/*.json"]
# What the chapters need beyond optlib's own dependencies: (package, the extra of
# pyproject.toml that gives its version range).
CHAPTER_NEEDS = [
    ("jupyterlab", "lab"),  # to open them
    ("jupyterlab-myst", "lab"),  # their MyST (exercises, equation references) rendered
    ("ipykernel", "book"),  # the kernel they run in
    ("dask", "book"),  # chapter 9's local cluster (dask[distributed])
]
# myst-nb's glue, in every chapter, comes with jupyter-book: its range is jupyter-book's.
GLUE = ("myst-nb", "jupyter-book")

README = """\
How optimizers train models: the chapters, to run on your own machine
=====================================================================

This folder holds the book's chapters as Jupyter notebooks (chapters/), the optlib package
they import ({wheel}), and the benchmark results that chapter 2 and the benchmarks appendix
read (benchmarks/). You need Python {python} or newer. From this folder:

    python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt
    .venv/bin/jupyter lab chapters

The first command makes a virtual environment and installs optlib from the wheel, with its
dependencies ({dependencies}), and what the chapters use besides ({needs}). Run it from this
folder: the wheel's path in requirements.txt is relative to it. The second opens the chapters
in JupyterLab, where the sliders are live. On Windows, write .venv\\Scripts\\python and
.venv\\Scripts\\jupyter instead.

Keep chapters/ and benchmarks/ side by side: the chapters find benchmarks/ by looking up from
the folder they run in. optlib's source is in the wheel (a zip file); once installed, it is
the folder optlib/ in the environment's site-packages.
"""


def build_wheel(workdir: Path) -> Path:
    """optlib's wheel, built offline (no build isolation: setuptools from this environment)
    from a copy of the package's files in ``workdir``."""
    source = workdir / "src"
    source.mkdir()
    for name in PACKAGE_FILES:
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "optlib", source / "optlib", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = workdir / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check"]
    command += ["--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist), str(source)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building optlib's wheel failed:\n{done.stdout}{done.stderr}")
    (wheel,) = dist.glob("optlib-*.whl")
    return wheel


def wheel_metadata(wheel: Path) -> Message:
    """The wheel's METADATA: Requires-Python, and Requires-Dist for optlib's dependencies and
    its extras."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode("utf-8"))


def wheel_requirements(wheel: Path) -> list[Requirement]:
    return [Requirement(line) for line in wheel_metadata(wheel).get_all("Requires-Dist") or []]


def requirements_txt(wheel: Path) -> str:
    """requirements.txt: the wheel, then each of CHAPTER_NEEDS and GLUE with its range."""
    declared = wheel_requirements(wheel)
    lines = [
        "# What the chapters need: pip install -r requirements.txt, from this folder.",
        "# optlib, from the wheel beside this file (it brings its own dependencies):",
        f"./{wheel.name}",
        "# and what the chapters use besides, at the ranges optlib's pyproject.toml gives:",
    ]
    for name, extra in CHAPTER_NEEDS:
        found = [
            r
            for r in declared
            if r.name == name and r.marker is not None and r.marker.evaluate({"extra": extra})
        ]
        if len(found) != 1:
            raise LookupError(f"{name} is not in the extra {extra!r} of pyproject.toml")
        found[0].marker = None
        lines.append(str(found[0]))
    name, carrier = GLUE
    ranges = [Requirement(r) for r in importlib.metadata.requires(carrier) or []]
    (glue,) = [r for r in ranges if r.name == name and r.marker is None]
    lines += [f"# {name} (the chapters' glue), at the range {carrier} uses:", str(glue)]
    return "\n".join(lines) + "\n"


def readme_txt(wheel: Path, requirements: str) -> str:
    """README.txt, its lists of packages read from the wheel and from requirements.txt."""
    metadata = wheel_metadata(wheel)
    python = metadata["Requires-Python"].removeprefix(">=")
    dependencies = [r.name for r in wheel_requirements(wheel) if r.marker is None]
    lines = [line for line in requirements.splitlines() if line and line[0] not in "#."]
    text = README.format(
        wheel=wheel.name,
        python=python,
        dependencies=", ".join(dependencies),
        needs=", ".join(Requirement(line).name for line in lines),
    )
    # Each paragraph of prose re-wrapped, now that the lists are in; the title and the
    # commands as they are.
    paragraphs = text.strip().split("\n\n")
    kept = (
        p if p.startswith("    ") or "\n===" in p else textwrap.fill(" ".join(p.split()), 92)
        for p in paragraphs
    )
    return "\n\n".join(kept) + "\n"


def chapter_files() -> list[str]:
    """The notebooks of _toc.yml, in its order, then PAGES, relative to ROOT."""
    notebooks = [f"{e}.ipynb" for e in toc_entries(ROOT) if (ROOT / f"{e}.ipynb").exists()]
    return notebooks + PAGES


def benchmark_files() -> list[str]:
    found = []
    for pattern in BENCHMARK_FILES:
        matches = sorted(ROOT.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"nothing matches {pattern} under {ROOT}")
        found += [p.relative_to(ROOT).as_posix() for p in matches]
    return found


def build(out: Path) -> Path:
    """Write ``out/optlib-book.zip`` and return its path. The zip is written aside and then
    moved into place, so that a failed run leaves no half-written zip for the build."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / ZIP_NAME
    with tempfile.TemporaryDirectory() as workdir:
        wheel = build_wheel(Path(workdir))
        partial = Path(workdir) / ZIP_NAME
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            requirements = requirements_txt(wheel)
            archive.writestr(f"{FOLDER}/README.txt", readme_txt(wheel, requirements))
            archive.writestr(f"{FOLDER}/requirements.txt", requirements)
            archive.write(wheel, f"{FOLDER}/{wheel.name}")
            for name in chapter_files() + benchmark_files():
                archive.write(ROOT / name, f"{FOLDER}/{name}")
        shutil.move(partial, target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "downloads")
    target = build(parser.parse_args().out.resolve())
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"wrote {target} ({count} files, {target.stat().st_size / 1e6:.1f} MB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
