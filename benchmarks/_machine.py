"""The machine a benchmark ran on, recorded in its results file.

The benchmarks appendix shows, for each table, the machine its file records, not the one
that builds the book: a build on a laptop must not relabel numbers measured on a server.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe_machine() -> dict:
    """CPU model, cores, operating system and architecture, and Python's version."""
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
    }
