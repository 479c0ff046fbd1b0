"""Exercise and equation numbers in JupyterLab that match the book's: 3.1, 3.2 in chapter 3.

The book numbers a chapter's exercises and equations from its place in _toc.yml. JupyterLab
(jupyterlab-myst) numbers them 1, 2, ... within each notebook, unless the notebook's front
matter, a YAML block at the top of its first Markdown cell, gives a template such as
``numbering: {exercise: {enumerator: "3.%s"}}``; so every chapter carries one
(tests/test_book_structure.py checks that its number is the chapter's). Jupyter Book 1.x
reads no front matter in a notebook's cell and would print it under a rule, so this
extension drops it from the text the build parses; the notebook files, and their downloads,
keep it.
"""

from __future__ import annotations

import json
import re

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n+", re.DOTALL)


def without_front_matter(notebook_json: str) -> str:
    """The notebook with the front matter of its first Markdown cell dropped, if it has one."""
    notebook = json.loads(notebook_json)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            stripped = FRONT_MATTER.sub("", source, count=1)
            if stripped == source:
                return notebook_json
            cell["source"] = stripped
            return json.dumps(notebook, ensure_ascii=False)
    return notebook_json


def _drop_front_matter(app, docname, source):
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = without_front_matter(source[0])


def setup(app):
    app.connect("source-read", _drop_front_matter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
