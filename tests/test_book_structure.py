"""The table of contents and the chapters folder agree, so no chapter is built but unlisted."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from book_toc import toc_entries
from myst_cells import labels, markdown_text, solution_code_cells

ROOT = Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    return toc_entries(ROOT)


def test_every_toc_entry_exists():
    for entry in toc_files():
        matches = list(ROOT.glob(entry + ".*"))
        assert matches, f"_toc.yml lists {entry!r} but no {entry}.md or {entry}.ipynb exists"


def test_every_notebook_is_in_the_toc():
    listed = set(toc_files())
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        entry = notebook.relative_to(ROOT).with_suffix("").as_posix()
        assert entry in listed, f"{notebook.name} is not listed in _toc.yml"


def test_chapters_are_numbered_in_order():
    numbered = [e for e in toc_files() if Path(e).name[:2].isdigit()]
    assert numbered == sorted(numbered), f"chapters out of order in _toc.yml: {numbered}"


def test_the_book_build_is_the_notebook_test():
    """`make test` executes each notebook once, in `make book`; these settings make that run
    a test: every notebook executed afresh (the cache emptied, then filled by executing them
    all), and an error in any cell fails the build."""
    execute = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["execute"]
    assert execute["execute_notebooks"] == "cache", execute
    assert execute["allow_errors"] is False, execute
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbook:", 1)[1].split("\n\n", 1)[0].splitlines()
    commands = [line.strip() for line in recipe if line.startswith("\t")]
    assert "_ext/execute_notebooks.py" in commands[0], recipe
    assert "jupyter-book build -W" in commands[1], recipe
    script = (ROOT / "_ext" / "execute_notebooks.py").read_text(encoding="utf-8")
    assert "cache.clear_cache()" in script
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert test_rule.split(":", 1)[1].split() == ["unit", "book", "browser"], test_rule


def test_chapter_9_runs_its_cluster_search():
    """Chapter 9's Dask section runs in every build: dask[distributed] is one of the book's
    dependencies, and the chapter has no path that skips the section when Dask is missing (its
    import fails the build instead)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # no tomllib on 3.10
    extra = re.search(r"^book = \[(.*?)^\]", pyproject, flags=re.M | re.S).group(1)
    book = re.findall(r'^\s*"([^"]+)"', extra, flags=re.M)
    assert any(r.startswith("dask[distributed]") for r in book), book
    chapter = json.loads((ROOT / "chapters" / "09_hyperparameter_search.ipynb").read_text("utf-8"))
    code = "\n".join("".join(c["source"]) for c in chapter["cells"] if c["cell_type"] == "code")
    assert "from dask.distributed import Client, LocalCluster" in code
    assert "LocalCluster(" in code and 'parallel_config(backend="dask")' in code
    for skip in ("skipped", "find_spec", "except ImportError", "except ModuleNotFoundError"):
        assert skip not in code, f"chapter 9 has a way around Dask: {skip!r}"


def test_make_book_executes_one_notebook_per_core_under_ci_thread_caps():
    """CI caps BLAS at one thread per process with OMP_NUM_THREADS=1, which `nproc` reads as
    the number of cores: `make book` then executed the notebooks one at a time, and CI ran out
    of time. The notebooks still run one per core under those caps."""
    cores = len(os.sched_getaffinity(0))
    env = dict(os.environ, OMP_NUM_THREADS="1", OMP_THREAD_LIMIT="1", MAKEFLAGS="")
    env.pop("JOBS", None)
    dry_run = subprocess.run(
        ["make", "--dry-run", "--always-make", "book"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    jobs = re.search(r"execute_notebooks\.py --jobs (\d+)", dry_run.stdout)
    assert jobs is not None, dry_run.stdout
    assert int(jobs.group(1)) == cores, dry_run.stdout


def test_the_notebook_runner_reports_its_slowest_cells():
    """_ext/execute_notebooks.py names each notebook's slowest cells from nbclient's timings,
    and takes those timings out of what it caches."""
    import execute_notebooks as runner  # _ext is on the path (conftest.py)

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("a"),
        nbformat.v4.new_markdown_cell("text"),
        nbformat.v4.new_code_cell("b"),
        nbformat.v4.new_code_cell("c"),
    ]
    code_cells = (notebook.cells[0], notebook.cells[2], notebook.cells[3])
    times = (("00:00:00.000", "00:00:02.500"), ("00:00:03.000", "00:00:43.000"), ("00:00:43", ""))
    for cell, (began, ended) in zip(code_cells, times, strict=True):
        cell.metadata["execution"] = {
            "iopub.execute_input": f"2026-11-30T{began}Z",
            "shell.execute_reply": f"2026-11-30T{ended}Z" if ended else None,
        }
    seconds = list(runner.pop_cell_seconds(notebook))
    assert seconds == [(1, 2.5), (2, 40.0)]
    assert all("execution" not in cell.metadata for cell in notebook.cells)
    assert runner.slowest(seconds) == "code cell 2: 40 s, code cell 1: 2 s"
    assert runner.slowest(seconds, count=1) == "code cell 2: 40 s"


# A mention of a chapter of this book by number ("chapter 3", "chapters 4 to 6"), outside
# links, {ref} roles and code. The other books cited ("Nocedal and Wright, chapter 3 (line
# search methods ...)") are named as such.
CHAPTER_MENTION = re.compile(r"\b[Cc]hapters?\s+\d+")
NOT_PROSE = re.compile(r"\{ref\}`[^`]*`|\[[^\]]*\]\([^)]*\)|`[^`]*`")
OTHER_BOOKS = ("chapter 3 (line search methods",)


def markdown_texts():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                yield f"{path.name}, cell {index}", "".join(cell["source"])
    for path in sorted((ROOT / "chapters").glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")


def test_every_chapter_mentioned_by_number_is_a_link():
    unlinked = []
    for where, text in markdown_texts():
        prose = NOT_PROSE.sub("", text)
        for book in OTHER_BOOKS:
            prose = prose.replace(book, "")
        unlinked += [f"{where}: {m.group(0)!r}" for m in CHAPTER_MENTION.finditer(prose)]
    assert not unlinked, "link these to their chapters:\n" + "\n".join(unlinked)


def test_chapter_links_point_at_their_chapters():
    """[chapter 3](03_momentum.ipynb), or [chapter 3](03_momentum.ipynb#mom-rates) for a
    section: the number in the text is the number of the file."""
    link = re.compile(r"\[[Cc]hapter (\d+)\]\(((\d\d)_[a-z_]+\.ipynb)(#[\w-]+)?\)")
    for where, text in markdown_texts():
        for m in link.finditer(text):
            assert int(m.group(1)) == int(m.group(3)), f"{where}: {m.group(0)}"
            assert (ROOT / "chapters" / m.group(2)).exists(), m.group(0)


def test_references_stay_inside_their_chapter():
    """A {ref} resolves only within its notebook in JupyterLab (jupyterlab-myst shows no link
    and logs an error otherwise): a section of another chapter is linked as
    [text](NN_file.ipynb#label), which _ext/label_anchors.py resolves in the HTML book."""
    texts = {p.name: markdown_text(p) for p in sorted((ROOT / "chapters").glob("*.ipynb"))}
    defined = {label: name for name, text in texts.items() for label in labels(text)}
    crossing = [
        f"{name}: {{ref}}`{ref}`"
        for name, text in texts.items()
        for ref in re.findall(r"\{ref\}`(?:[^`<]*<)?([\w-]+)>?`", text)
        if defined.get(ref, name) != name
    ]
    assert crossing == [], "link these as [text](file.ipynb#label):\n" + "\n".join(crossing)
    for name, text in texts.items():  # and every such link names a label of that chapter
        for target, label in re.findall(r"\]\((\d\d_[a-z_]+\.ipynb)#([\w-]+)\)", text):
            assert defined.get(label) == target, f"{name}: {target}#{label}"


def _benchmark_module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_records_its_machine():
    """The benchmarks appendix shows each table's machine from its results file: every script
    writes its file through write_results, which records the command and the host (CPU,
    cores, system, Python)."""
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    silent = [s.name for s in scripts if "write_results(OUT" not in s.read_text("utf-8")]
    assert not silent, f"these benchmarks do not write through write_results: {silent}"
    assert "host=describe_machine()" in (ROOT / "benchmarks" / "probe_front_door.py").read_text()


def test_write_results_puts_the_command_and_the_machine_first(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))  # _results imports _machine
    try:
        write_results = _benchmark_module("_results").write_results
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    monkeypatch.setattr(sys, "argv", ["/somewhere/bench_x.py", "--quick"])
    out = tmp_path / "results" / "x.json"
    write_results(out, {"numpy": "2.0", "python": "as recorded"}, rows=[1, 2], misses=[])
    written = json.loads(out.read_text())
    assert list(written) == ["meta", "rows", "misses"] and written["rows"] == [1, 2]
    meta = written["meta"]
    assert list(meta)[:3] == ["command", "python", "host"]
    assert meta["command"] == "python benchmarks/bench_x.py --quick"
    assert meta["python"] == "as recorded" and meta["numpy"] == "2.0"  # the script's own win
    assert set(meta["host"]) == {"cpu", "cores", "system", "python"} and meta["host"]["cores"] >= 1


def test_the_benchmarks_percentile_is_the_nearest_rank():
    percentile = _benchmark_module("_stats").percentile
    tenths = [100.0, 10.0, 90.0, 20.0, 80.0, 30.0, 70.0, 40.0, 60.0, 50.0]
    assert percentile(tenths, 90) == 90.0  # 9 of the 10 at or below
    assert percentile(tenths, 91) == 100.0
    assert percentile(tenths, 50) == 50.0 and percentile(tenths, 100) == 100.0
    assert percentile([7.0, 1.0, 3.0, 5.0, 2.0, 6.0, 4.0, 8.0], 90) == 8.0  # 8 moves: the worst
    for q in (0, 101):
        with pytest.raises(ValueError, match="0 < q <= 100"):
            percentile(tenths, q)
    with pytest.raises(ValueError, match="needs samples"):
        percentile([], 90)


def test_the_benchmarks_alternate_the_order_of_variants_every_other_round(capsys):
    stats = _benchmark_module("_stats")
    calls = []

    def measure(block, name):
        calls.append((block, name))
        return [10.0] if name == "a" else [200.0, 100.0]

    pools = stats.alternate(2, ["x", "y"], ["a", "b"], measure)
    assert calls == [
        *[("x", "a"), ("x", "b"), ("y", "a"), ("y", "b")],  # round 0: a first
        *[("x", "b"), ("x", "a"), ("y", "b"), ("y", "a")],  # round 1: b first
    ]
    assert pools == {"a": [10.0] * 4, "b": [200.0, 100.0] * 4}
    printed = capsys.readouterr().out.splitlines()
    assert (
        printed[0] == "x round 0 a: n=1 median 10.0 p90 10.0 p95 10.0 max 10.0 ms, over 100 ms: 0"
    )
    assert printed[-1] == (
        "b: n=8 median 150.0 p90 200.0 p95 200.0 max 200.0 ms, over 100 ms: 4"
    )  # 100.0 is not over 100


def test_solutions_stay_folded_in_jupyterlab():
    """The book folds a solution, code and all, into a dropdown. In JupyterLab,
    jupyterlab-myst folds only its Markdown: the code cells below it are folded by
    JupyterLab's own cell metadata (what View > Collapse Selected Code and Outputs writes)."""
    unfolded = [
        f"{path.name}, cell {index}"
        for path in sorted((ROOT / "chapters").glob("*.ipynb"))
        for index, cell in solution_code_cells(path)
        if cell["metadata"].get("jupyter") != {"source_hidden": True, "outputs_hidden": True}
    ]
    assert unfolded == [], "fold these solution cells:\n" + "\n".join(unfolded)


def test_each_chapter_numbers_its_exercises_in_jupyterlab_as_the_book_does():
    """JupyterLab reads a numbering template from the front matter of the first Markdown cell;
    the book numbers the chapters in _toc.yml's order (the numbered part comes first)."""
    chapters = [e for e in toc_files() if Path(e).name[:2].isdigit()]
    assert len(chapters) == 10
    for number, entry in enumerate(chapters, start=1):
        notebook = nbformat.read(ROOT / f"{entry}.ipynb", as_version=4)
        first = next(c for c in notebook.cells if c.cell_type == "markdown").source
        found = re.match(r"---\n(.*?)\n---\n", first, re.DOTALL)
        assert found, f"{entry}: no front matter at the top of the first Markdown cell"
        numbering = yaml.safe_load(found[1])["numbering"]
        template = f"{number}.%s"
        assert numbering == {
            "exercise": {"enumerator": template},
            "equation": {"enumerator": template},
        }


def test_the_build_drops_the_front_matter_and_nothing_else():
    from notebook_numbering import without_front_matter

    cells = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["---\n", "numbering: {}\n", "---\n", "# Title\n", "Text"],
        },
        {"cell_type": "markdown", "metadata": {}, "source": "---\nnot: front matter\n---\n"},
    ]
    dropped = json.loads(without_front_matter(json.dumps({"cells": cells})))
    assert dropped["cells"][0]["source"] == "# Title\nText"
    assert dropped["cells"][1] == cells[1]  # only the first Markdown cell's
    plain = json.dumps({"cells": [{"cell_type": "markdown", "source": "# Title"}]})
    assert without_front_matter(plain) == plain
