"""The zip a reader runs the chapters from (``_ext/make_downloads.py``, linked from the intro).

It is built into a temporary folder and unzipped outside this tree, as a reader would. Then:
it holds every chapter, optlib's wheel and what the chapters read under ``benchmarks/``; its
requirements.txt brings every package the chapters import, at ranges that hold the versions
this book runs with; and a chapter runs there, in a new virtual environment with optlib
installed from the wheel (not this tree's optlib).

No network: pip installs the wheel alone (``--no-index --no-deps``), and the new environment
borrows the other packages from this one's site-packages through a ``.pth`` file. A ``.pth``
line only adds a folder to ``sys.path`` after the environment's own site-packages, and the
``.pth`` files inside that folder are not run, so this tree's editable optlib stays out.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from pathlib import Path

import nbformat
import pytest
from book_toc import toc_entries
from make_downloads import FOLDER, build
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import optlib

ROOT = Path(__file__).resolve().parents[1]
# The chapter run from the zip: it imports benchmarks/_memory.py and reads
# benchmarks/results/memmap.json, found by looking up from its folder (12 s here).
CHAPTER = "02_batching.ipynb"
KERNEL = "optlib-book-test"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The zip, built and unzipped in folders of their own, outside this tree."""
    target = build(tmp_path_factory.mktemp("downloads"))
    reader = tmp_path_factory.mktemp("reader")
    assert not reader.is_relative_to(ROOT), "the chapters would find this tree's benchmarks/"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(reader)
    return reader / FOLDER


def wheel_line(folder: Path) -> str:
    return next(line for line in requirement_lines(folder) if line.endswith(".whl"))


def requirement_lines(folder: Path) -> list[str]:
    text = (folder / "requirements.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()[:1] not in ("", "#")]


def test_the_zip_holds_the_chapters_the_wheel_and_what_the_chapters_read(folder):
    notebooks = [f"{e}.ipynb" for e in toc_entries(ROOT) if (ROOT / f"{e}.ipynb").exists()]
    assert notebooks, "no notebook in _toc.yml"
    for name in notebooks:
        assert (folder / name).read_bytes() == (ROOT / name).read_bytes(), name
    for path in [ROOT / "benchmarks" / "_memory.py", *(ROOT / "benchmarks/results").glob("*")]:
        name = path.relative_to(ROOT)
        assert (folder / name).is_file(), f"{name} is not in the zip"
    assert (folder / "README.txt").is_file()
    wheel = f"./optlib-{optlib.__version__}-py3-none-any.whl"
    assert wheel_line(folder) == wheel, "requirements.txt does not name the wheel"
    with zipfile.ZipFile(folder / wheel) as archive:
        packaged = {n for n in archive.namelist() if n.startswith("optlib/")}
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "optlib").glob("*.py")}
    assert packaged == modules, "the wheel's modules are not optlib's"


def imported_modules(notebook: Path) -> set[str]:
    """The top-level modules a notebook's code cells import (IPython magics left out)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    modules = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        tree = ast.parse("\n".join(line for line in lines if line.strip()[:1] not in "%!"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules


def brought(requirements: list[Requirement]) -> set[str]:
    """The distributions that installing ``requirements`` brings, followed through the
    metadata of what is installed here (a package this environment lacks, such as JupyterLab
    before `make lab`, counts without its own dependencies)."""
    seen, todo = set(), list(requirements)
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = importlib.metadata.requires(requirement.name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for line in needs:
            need = Requirement(line)
            if need.marker is None or any(
                need.marker.evaluate({"extra": extra}) for extra in requirement.extras or {""}
            ):
                todo.append(need)
    return seen


def test_requirements_bring_every_package_the_chapters_import(folder):
    """Each module a chapter imports is in the standard library, in the zip's benchmarks/, or
    in a distribution that requirements.txt brings. Each range requirements.txt gives holds
    the version this book runs with (where it is installed here)."""
    lines = requirement_lines(folder)
    with zipfile.ZipFile(folder / wheel_line(folder)) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode("utf-8")
    declared = Parser().parsestr(text).get_all("Requires-Dist") or []
    optlib_needs = [Requirement(line) for line in declared]
    requirements = [Requirement(line) for line in lines if not line.endswith(".whl")]
    for requirement in requirements + [r for r in optlib_needs if r.marker is None]:
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            continue
        assert requirement.specifier.contains(installed, prereleases=True), (
            f"{requirement} leaves out {requirement.name} {installed}, which the book runs with"
        )
    available = brought(requirements + [r for r in optlib_needs if r.marker is None])
    providers = importlib.metadata.packages_distributions()
    local = {p.stem for p in (folder / "benchmarks").glob("*.py")} | {"optlib"}
    missing = {}
    for notebook in sorted((folder / "chapters").glob("*.ipynb")):
        for module in imported_modules(notebook) - set(sys.stdlib_module_names) - local:
            dists = {canonicalize_name(d) for d in providers.get(module, [])}
            if not dists & available:
                missing.setdefault(notebook.name, []).append(f"{module} ({dists or 'unknown'})")
    assert not missing, f"requirements.txt does not bring: {missing}"


def test_a_chapter_runs_from_the_unzipped_folder(folder, tmp_path, monkeypatch):
    """The chapter that reads benchmarks/ runs top to bottom in the unzipped folder, on a new
    virtual environment's Python, with optlib installed there from the wheel."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The wheel, installed as requirements.txt names it, from the folder; pip from this
    # environment, run for the new one.
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    install += ["--disable-pip-version-check", "--no-index", "--no-deps", wheel_line(folder)]
    subprocess.run(install, cwd=folder, check=True)
    ask = [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    site = Path(subprocess.run(ask, check=True, capture_output=True, text=True).stdout.strip())
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "borrowed.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")

    kernel = tmp_path / "jupyter" / "kernels" / KERNEL
    kernel.mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "optlib-book test",
        "language": "python",
    }
    (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(name, "1")  # one BLAS thread, as the book's runs on this 2-core box

    chapters = folder / "chapters"
    notebook = nbformat.read(chapters / CHAPTER, as_version=4)
    where = "import sys, optlib\nprint(sys.executable)\nprint(optlib.__file__)"
    notebook.cells.append(nbformat.v4.new_code_cell(where))
    client = NotebookClient(
        notebook, timeout=120, kernel_name=KERNEL, resources={"metadata": {"path": str(chapters)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on an error
    printed = "".join(
        o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream"
    )
    executable, module = printed.split()
    assert Path(executable) == python, f"the chapter ran on {executable}"
    assert Path(module).is_relative_to(site), f"optlib came from {module}, not the wheel"
