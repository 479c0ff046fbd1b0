"""The one vocabulary of argument checks: every public entry point of optlib validates here, once.

Each check takes the argument's name and its value, returns the value in the form the caller
needs (a float, an int, an array) and otherwise raises a ``TypeError`` (wrong kind of thing) or a
``ValueError`` (right kind, wrong value) whose message names the argument, shows the value and
says what was expected. Loops never call these: they run on what the front door returned.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence

import numpy as np

__all__ = [
    "as_rng",
    "callable_",
    "callables",
    "finite_array",
    "flag",
    "float_array",
    "instance",
    "integer",
    "one_of",
    "positive_int",
    "real",
    "same_length",
]

# Floating-point dtypes the optimizers and models compute in. float16 is refused: the
# optimizers' default eps (1e-8, 1e-10) underflows to 0 in half precision and the first
# division by a zero second moment gives NaN (torch computes half-precision states in float32).
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _show(value) -> str:
    """A short repr: a big array would flood the message."""
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _interval(low, high, low_open, high_open) -> str:
    if high == math.inf:
        return f"> {low:g}" if low_open else f">= {low:g}"
    if low == -math.inf:
        return f"< {high:g}" if high_open else f"<= {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def real(
    name: str,
    value,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite float in the interval, else TypeError/ValueError naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_show(value)}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number; got {_show(value)}")
    if (v <= low if low_open else v < low) or (v >= high if high_open else v > high):
        bound = _interval(low, high, low_open, high_open)
        raise ValueError(f"{name} must be a finite number {bound}; got {_show(value)}")
    return v


def integer(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]``; bools and floats (even 3.0) are refused."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {_show(value)}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        lo = "-inf" if low is None else str(low)
        hi = "inf" if high is None else str(high)
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}]; got {_show(value)}")
    return v


def positive_int(name: str, value) -> int:
    """``value`` as an int >= 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {_show(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer; got {_show(value)}")
    return int(value)


def flag(name: str, value) -> bool:
    """``value`` as a bool; 0, 1, "yes" and None are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_show(value)}")
    return bool(value)


def optional_text(name: str, value) -> str | None:
    """``value`` if it is a string or None (a title, an alt text)."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None; got {_show(value)}")
    return value


def one_of(name: str, value, choices: Sequence):
    """``value`` if it is one of ``choices``."""
    try:
        ok = value in choices
    except TypeError:  # an unhashable value against a set or dict
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {list(choices)!r}; got {_show(value)}")
    return value


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    """``rng`` as a Generator: a Generator is used as is, an int >= 0 or None seeds a new one,
    a legacy RandomState seeds one from its stream."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.RandomState):
        return np.random.default_rng(rng.randint(2**31))
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"{name} must be a seed >= 0; got {rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy Generator, an int seed >= 0 or None; got {_show(rng)}")


def callable_(name: str, value, signature: str) -> Callable:
    """``value`` if it is callable; ``signature`` says how it will be called."""
    if not callable(value):
        raise TypeError(f"{name} must be a callable {signature}; got {_show(value)}")
    return value


def callables(name: str, value, signature: str) -> list[Callable]:
    """A list or tuple of callables (a single callable or a string is refused, not iterated)."""
    if callable(value) or isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list of callables {signature}; got {_show(value)}")
    items = list(value)
    for i, item in enumerate(items):
        if not callable(item):
            raise TypeError(f"{name}[{i}] must be a callable {signature}; got {_show(item)}")
    return items


def instance(name: str, value, methods: Sequence[str], what: str):
    """``value`` if it is an object (not a class) with the given methods.

    A class passed where an instance is expected (``minimize(f, SGD, ...)``) would otherwise
    fail later with "init() missing 1 required positional argument"."""
    if isinstance(value, type):
        raise TypeError(
            f"{name} must be {what}, an instance; got the class {value.__name__}: "
            f"write {value.__name__}(...) to make one"
        )
    missing = [m for m in methods if not callable(getattr(value, m, None))]
    if missing:
        raise TypeError(
            f"{name} must be {what} with method(s) {', '.join(missing)}; got {_show(value)}"
        )
    return value


def float_array(
    name: str,
    value,
    *,
    ndim: int | None = None,
    min_size: int = 0,
    copy: bool = False,
    dtype=None,
    ints: bool = True,
) -> np.ndarray:
    """``value`` as a float32 or float64 array (ints and lists of numbers become float64,
    unless ``ints=False``: the optimizers refuse them, as an update cannot be stored in them).

    Bool, complex, object, string and float16 arrays are refused by name: silently casting
    them would compute something other than what the caller wrote. ``copy=True`` returns an
    array the caller does not share (objectives keep their inputs; the caller may change
    theirs afterwards).
    """
    if isinstance(value, np.ndarray):
        a = value
    else:
        try:
            a = np.asarray(value)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must be an array of numbers; got {_show(value)}") from err
    kind = a.dtype.kind
    if kind in "iu" and not ints:
        raise TypeError(
            f"{name} must be an array of floats; got dtype {a.dtype} "
            f"(convert with np.asarray({name}, dtype=float))"
        )
    if kind in "iu":
        a = a.astype(np.float64 if dtype is None else dtype)
    elif kind == "f":
        if a.dtype not in FLOAT_DTYPES:
            raise TypeError(
                f"{name} has dtype {a.dtype}; optlib computes in float32 or float64 "
                f"(convert with np.asarray({name}, dtype=np.float32))"
            )
        if dtype is not None and a.dtype != dtype:
            a = a.astype(dtype)
    else:
        what = {"b": "bool", "c": "complex", "O": "object", "U": "string", "S": "bytes"}
        raise TypeError(
            f"{name} must be an array of floats; got dtype {a.dtype} "
            f"({what.get(kind, kind)}) from {_show(value)}"
        )
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {a.shape}")
    if a.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s); got shape {a.shape}")
    if copy and (a is value or np.shares_memory(a, np.asarray(value))):
        a = a.copy()
    return a


def finite_array(name: str, value, **kwargs) -> np.ndarray:
    """:func:`float_array`, refusing NaN and inf (with the position of the first one)."""
    a = float_array(name, value, **kwargs)
    if not np.isfinite(a).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name} must be finite; got {a[where]} at index {where}")
    return a


def same_length(name_a: str, a, name_b: str, b) -> None:
    """Two data arrays with one row per example."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of rows; got {len(a)} and {len(b)}"
        )
