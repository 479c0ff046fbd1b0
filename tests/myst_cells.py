"""The MyST of the chapters, read from the notebooks' JSON: what the structure tests and the
JupyterLab test share."""

from __future__ import annotations

import json
import re
from pathlib import Path

LABEL = re.compile(r"^\(([\w-]+)\)=|:label: ([\w-]+)", re.M)  # `(name)=`, or `:label: name`


def cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def markdown_text(notebook: Path) -> str:
    """The notebook's Markdown cells, one after the other."""
    return "\n".join("".join(c["source"]) for c in cells(notebook) if c["cell_type"] == "markdown")


def labels(text: str) -> set[str]:
    """Every MyST target ``text`` defines: `(name)=` above a heading, `:label: name`."""
    return {a or b for a, b in LABEL.findall(text)}


def solution_code_cells(notebook: Path) -> list[tuple[int, dict]]:
    """(index, cell) of every code cell between a `{solution-start}` and its `{solution-end}`."""
    inside, found = False, []
    for index, cell in enumerate(cells(notebook)):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            inside = ("{solution-start}" in text or inside) and "{solution-end}" not in text
        elif inside:
            found.append((index, cell))
    return found
