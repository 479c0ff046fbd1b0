"""A benchmark's results file: what it measured, with the command and the machine that did.

Every script writes ``benchmarks/results/<name>.json`` as ``{"meta": {...}, <sections>}``.
The benchmarks appendix reads the command and the machine from ``meta``, so that a table
always names where its numbers come from.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from _machine import describe_machine


def write_results(out: Path, meta: dict, **sections) -> None:
    """Write ``out``: ``meta`` (after the command that ran, Python's version and the machine),
    then ``sections`` in order, as indented JSON."""
    command = " ".join(["python", f"benchmarks/{Path(sys.argv[0]).name}", *sys.argv[1:]])
    meta = dict(command=command, python=platform.python_version(), host=describe_machine()) | meta
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(meta=meta, **sections), indent=2) + "\n")
    print(f"wrote {out}")
