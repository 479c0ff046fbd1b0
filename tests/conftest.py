"""Shared test set-up: a non-interactive matplotlib backend for every test, and the book's
build scripts (``_ext``, not a package) importable, for the table of contents' reader."""

import sys
from pathlib import Path

import matplotlib

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))

matplotlib.use("Agg")
