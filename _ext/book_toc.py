"""The pages of _toc.yml, in reading order: one reader for the build scripts and the tests.

_toc.yml groups the chapters into parts (a numbered part of chapters, then the appendices);
a part, a chapter or a section may list ``chapters`` or ``sections`` of its own.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def toc_entries(root: Path) -> list[str]:
    """Every ``file`` entry of ``root/_toc.yml`` (without suffix), the root page first."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]]

    def walk(items):
        for item in items:
            if "file" in item:
                entries.append(item["file"])
            walk(item.get("chapters", []))
            walk(item.get("sections", []))

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return entries
