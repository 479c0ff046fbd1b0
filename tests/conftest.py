"""Shared test set-up: a non-interactive matplotlib backend for every test, and the book's
build scripts (``_ext``, not a package) importable, for the table of contents' reader."""

import sys
from pathlib import Path

import matplotlib

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))

matplotlib.use("Agg")


# The torch.optim answer key (tests/test_golden_torch.py) names its cases in the log: which
# recorded configurations optlib was held to, and how many of its checks passed.
GOLDEN = "tests/test_golden_torch.py::"


def pytest_terminal_summary(terminalreporter):
    reports = [
        report
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "call") == "call" and report.nodeid.startswith(GOLDEN)
    ]
    if not reports:
        return
    cases = sorted({r.nodeid.split("[", 1)[1][:-1] for r in reports if "[" in r.nodeid})
    passed = sum(r.passed for r in reports)
    terminalreporter.write_sep("-", "torch.optim answer key (tests/golden/torch_optim.json)")
    terminalreporter.write_line(
        f"{passed} of {len(reports)} checks passed over {len(cases)} recorded cases: "
        + ", ".join(cases)
    )
