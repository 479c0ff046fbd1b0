"""Check an update rule written by hand against the library's, step by step.

The exercises ask the reader to write an optimizer's rule in a few lines of NumPy. A rule is a
function ``rule(params, grads, memory) -> new_params``: ``memory`` is a dict that persists
from step to step (keep buffers in it), and holds the step number ``memory["t"]`` (1, 2, ...)
before each call. :func:`compare_rule` feeds the reader's rule and an :mod:`optlib.optimizers`
optimizer the same gradients and reports the first step where they part, with a diagnosis of
the usual slips (a missing bias correction, a flipped sign, a buffer that is not carried, a
step taken with the buffer before its update, a forgotten ``return``).

>>> import numpy as np
>>> from optlib import Momentum
>>> def heavy_ball(params, grads, memory, lr=0.1, momentum=0.9):
...     memory["b"] = momentum * memory.get("b", 0.0) + grads
...     return params - lr * memory["b"]
>>> compare_rule(heavy_ball, Momentum(learning_rate=0.1)).ok
True
>>> def forgetful(params, grads, memory, lr=0.1, momentum=0.9):
...     b = momentum * memory.get("b", 0.0) + grads      # never stored: no memory across steps
...     return params - lr * b
>>> print(compare_rule(forgetful, Momentum(learning_rate=0.1)).message.splitlines()[0])
Your rule and Momentum agree for 1 step(s), then differ at step 2.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass

import numpy as np

from optlib import _checks

__all__ = ["Comparison", "assert_rule_matches", "compare_rule"]


@dataclass
class Comparison:
    """The outcome of :func:`compare_rule`.

    Attributes
    ----------
    ok : bool
        True when every step agreed.
    step : int or None
        The first step (from 1) where the rules differ.
    expected : ndarray or None
        The library's parameters after that step (None when every step agreed).
    got : ndarray or None
        The reader's parameters after that step, as the rule returned them (None when every
        step agreed, or when the rule returned no array).
    message : str
        What happened, and where to look.
    """

    ok: bool
    step: int | None
    expected: np.ndarray | None
    got: np.ndarray | None
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.ok


def _gradients(steps: int, size: int, seed: int) -> np.ndarray:
    # Gradients whose coordinates span four orders of magnitude and change sign, so rules that
    # scale per coordinate (AdaGrad, RMSProp, Adam) and rules with memory are both exercised.
    rng = np.random.default_rng(seed)
    return rng.standard_normal((steps, size)) * np.logspace(-2, 2, size)


def _close(a, b, scale: float, rtol: float = 1e-6) -> bool:
    """``a == b`` up to rounding, relative to the size of the library's update."""
    return bool(np.allclose(a, b, rtol=rtol, atol=rtol * scale))


def _old_buffer_update(optimizer, state_before, state_after, want) -> np.ndarray | None:
    """The update the library would make at this step with its momentum buffer from *before*
    the step, or None for an optimizer without one.

    The library's update is linear in the new buffer b_t: ``-lr * b_t`` (momentum, RMSProp with
    momentum) or ``-lr * (g + momentum * b_t)`` (Nesterov), so swapping b_t for b_{t-1} adds
    ``lr * k * (b_t - b_{t-1})`` with k = 1, or the momentum for Nesterov. The buffer before
    step 1 is 0.
    """
    new = getattr(state_after, "momentum_buffer", None)
    lr = getattr(optimizer, "learning_rate", None)
    if new is None or isinstance(lr, bool) or not isinstance(lr, (int, float)):
        return None
    old = getattr(state_before, "momentum_buffer", None)
    if old is None or getattr(state_before, "t", 1) == 0:
        old = np.zeros_like(new)
    k = float(getattr(optimizer, "momentum", 1.0)) if getattr(optimizer, "nesterov", 0) else 1.0
    return want + lr * k * (np.asarray(new) - np.asarray(old))


def _factor(have: np.ndarray, want: np.ndarray) -> float | None:
    """The one factor c with have = c * want on every coordinate (up to 0.1%), else None."""
    ww = float(np.dot(want.ravel(), want.ravel()))
    if ww == 0.0:
        return None
    c = float(np.dot(have.ravel(), want.ravel())) / ww
    scale = float(np.max(np.abs(want)))
    return c if c != 0.0 and _close(have, c * want, abs(c) * scale, rtol=1e-3) else None


def _diagnose(
    step: int,
    before: np.ndarray,
    expected: np.ndarray,
    got: np.ndarray,
    *,
    old_buffer: np.ndarray | None = None,
    fresh: np.ndarray | None = None,
    stored: tuple = (),
) -> str:
    """Why the reader's parameters ``got`` differ from the library's ``expected``.

    ``old_buffer`` is the update the library would make with its buffer from before this step,
    ``fresh`` the one it would make from a freshly initialised state (no memory), and
    ``stored`` the names the rule keeps in ``memory``. Each diagnosis is a test of one
    hypothesis about the reader's update, relative to the size of the library's.
    """
    want, have = expected - before, got - before  # the library's update and the reader's
    if not np.all(np.isfinite(got)):
        return "Your rule produced NaN or inf: look for a division by zero (where is eps?)."
    scale = max(float(np.max(np.abs(want))), np.finfo(float).tiny)
    factor = _factor(have, want)
    times = (
        ""
        if factor is None
        else (f" (Your update is the library's times {factor:.6g} on every coordinate.)")
    )
    if old_buffer is not None and _close(have, old_buffer, scale) and (np.any(have) or stored):
        first = " (zero before the first step)" if step == 1 else ""
        return (
            "Your step uses the buffer before updating it: it matches the step the library "
            f"would take with its previous buffer{first}. Add this step's gradient to the "
            "buffer first, then step with the new buffer." + times
        )
    if not np.any(np.abs(have) > 1e-12 * scale):
        return (
            "Your rule did not move the parameters: it returned params unchanged (is the "
            "update subtracted from params, and that result returned?)."
        )
    if _close(have, -want, scale):
        return "Your update has the opposite sign: descend, theta - lr * direction."
    if step > 1 and fresh is not None and _close(have, fresh, scale):
        return (
            f"Your step {step} is the step the library takes from a fresh start: your rule "
            "forgets its memory. Look at what is carried between steps: store the buffer in "
            "memory (e.g. memory['b'] = ...) and read it back at the next step."
        )
    if factor is not None and (abs(factor - 1.0) > 1e-3 or _close(have, factor * want, scale)):
        hint = (
            f"Your update is the library's times {factor:.6g} on every coordinate: a scale "
            "factor is off (the learning rate, a (1 - beta) factor, or a bias correction "
            "1 - beta^t"
        )
        return hint + (", which only the first steps show)." if step <= 3 else ").")
    if factor is not None:  # within 0.1% everywhere, but not by one factor
        return (
            "Your update is within 0.1% of the library's on every coordinate, but not by one "
            "factor: a difference this small that depends on the coordinate is epsilon "
            "(inside or outside the square root, or its value)."
        )
    if step > 1:
        return (
            "The first steps agree, so the rule's formula is right at the start: look at what "
            "is carried between steps (is the buffer stored in memory and updated once per "
            "step, with the right decay?)."
        )
    return (
        "The update differs coordinate by coordinate, not by one factor: compare the per-"
        "coordinate scaling (the square root, where eps sits) with the library's docstring."
    )


def _returned(out, t: int, theta: np.ndarray) -> tuple[np.ndarray | None, str]:
    """The rule's return value as a float array, or a message saying what is wrong with it."""
    if out is None:
        return None, (
            f"Your rule returned None at step {t}: it probably forgot `return` (end it with "
            "return params - ...)."
        )
    try:
        got = np.asarray(out)
    except (TypeError, ValueError):
        return None, f"Your rule returned {reprlib.repr(out)} at step {t}, not an array."
    if got.dtype.kind != "f":
        return got, (
            f"Your rule returned an array of dtype {got.dtype} at step {t}; it must return "
            f"floats like params ({theta.dtype}): did an integer or a non-number creep in?"
        )
    if got.shape != theta.shape:
        return got, (
            f"Your rule returned shape {got.shape} at step {t}; params have shape {theta.shape}."
        )
    return got, ""


def compare_rule(
    rule,
    optimizer,
    *,
    steps: int = 10,
    size: int = 5,
    params=None,
    seed: int = 0,
    rtol: float = 1e-7,
    atol: float = 1e-10,
) -> Comparison:
    """Run ``rule`` and ``optimizer`` side by side on the same gradients; compare every step.

    Parameters
    ----------
    rule : callable
        ``rule(params, grads, memory) -> new_params`` (see the module docstring). It must not
        modify ``params`` in place.
    optimizer : object
        An :mod:`optlib.optimizers` optimizer (an instance, with ``init`` and ``step``) with
        the hyperparameters the rule hard-codes.
    steps : int, default 10
        How many steps to compare, at least 1.
    size : int, default 5
        Number of parameters, at least 1 (the gradients span 1e-2 to 1e2 across them).
    params : array_like, optional
        Starting parameters, finite (default: a seeded random vector of ``size``).
    seed : int, default 0
        Seeds the starting point and the gradients (>= 0).
    rtol : float, default 1e-7
        The relative tolerance of :func:`numpy.allclose` at each step, finite and >= 0.
    atol : float, default 1e-10
        The absolute tolerance of :func:`numpy.allclose` at each step, finite and >= 0: what
        counts as equal for a coordinate near zero.

    Returns
    -------
    Comparison
        ``ok``, and for a mismatch the step, both parameter vectors and an explanation.

    Raises
    ------
    TypeError, ValueError
        For an argument that cannot give a meaningful comparison (a rule that is not
        callable, an optimizer class instead of an instance, 0 steps, an infinite tolerance).
    """
    _checks.callable_("rule", rule, "(params, grads, memory) -> new params")
    _checks.instance("optimizer", optimizer, ("init", "step"), "an optimizer")
    steps = _checks.positive_int("steps", steps)
    size = _checks.positive_int("size", size)
    seed = _checks.integer("seed", seed, low=0)
    rtol = _checks.real("rtol", rtol, low=0.0)
    atol = _checks.real("atol", atol, low=0.0)
    if params is None:
        theta = np.random.default_rng(seed).standard_normal(size)
    else:
        theta = _checks.finite_array("params", params, min_size=1, dtype=np.float64, copy=True)
    grads = _gradients(steps, theta.size, seed + 1).reshape((steps,) + theta.shape)
    name = type(optimizer).__name__
    state, mine, memory = optimizer.init(theta), theta.copy(), {}
    for t, g in enumerate(grads, start=1):
        memory["t"] = t
        before, state_before = mine.copy(), state
        theta, state = optimizer.step(theta, g, state)
        out = rule(mine, g.copy(), memory)
        if not np.array_equal(mine, before):
            return Comparison(
                False,
                t,
                theta,
                out if isinstance(out, np.ndarray) else None,
                f"Your rule changed params in place at step {t}: "
                "return a new array (theta - ...), do not write into the one you are given.",
            )
        got, problem = _returned(out, t, theta)
        if problem:
            return Comparison(False, t, theta, got, problem)
        if not np.allclose(got, theta, rtol=rtol, atol=atol):
            worst = int(np.argmax(np.abs(got - theta)))
            want = theta - before
            diagnosis = _diagnose(
                t,
                before,
                theta,
                got,
                old_buffer=_old_buffer_update(optimizer, state_before, state, want),
                fresh=optimizer.step(before, g, optimizer.init(before))[0] - before,
                stored=tuple(k for k in memory if k != "t"),
            )
            message = (
                f"Your rule and {name} agree for {t - 1} step(s), then differ at step {t}.\n"
                f"  coordinate {worst}: expected {theta.flat[worst]:.10g}, "
                f"got {got.flat[worst]:.10g}\n  {diagnosis}"
            )
            return Comparison(False, t, theta, got, message)
        mine = theta.copy()  # restart each step from the library's point: no drift
    return Comparison(True, None, None, None, f"Your rule matches {name} for all {steps} steps.")


def assert_rule_matches(rule, optimizer, **kwargs) -> None:
    """:func:`compare_rule`, raising ``AssertionError`` with its explanation on a mismatch.

    Parameters
    ----------
    rule : callable
        ``rule(params, grads, memory) -> new_params``, as for :func:`compare_rule`.
    optimizer : object
        The optimizer instance the rule should match.
    **kwargs
        ``steps``, ``size``, ``params``, ``seed``, ``rtol``, ``atol``: as for
        :func:`compare_rule`.

    Raises
    ------
    AssertionError
        When the rule and the optimizer differ, with the step and the explanation.
    """
    result = compare_rule(rule, optimizer, **kwargs)
    if not result.ok:
        raise AssertionError(result.message)
