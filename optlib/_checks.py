"""Argument checks shared by the modules: one wording for one mistake, everywhere."""

from __future__ import annotations

import numbers

import numpy as np


def as_rng(rng) -> np.random.Generator:
    """``rng`` as a Generator: a Generator is used as is, an int or None seeds a new one."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None; got {rng!r}")


def positive_int(name: str, value) -> int:
    """``value`` as an int >= 1, or a ValueError naming the parameter."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)
