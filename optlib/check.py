"""Check an update rule written by hand against the library's, step by step.

The exercises ask the reader to write an optimizer's rule in a few lines of NumPy. A rule is a
function ``rule(params, grads, memory) -> new_params``: ``memory`` is a dict that persists
from step to step (keep buffers in it), and holds the step number ``memory["t"]`` (1, 2, ...)
before each call. :func:`compare_rule` feeds the reader's rule and an :mod:`optlib.optimizers`
optimizer the same gradients and reports the first step where they part, with a diagnosis of
the usual slips (a missing bias correction, a flipped sign, a buffer that is not carried).

>>> import numpy as np
>>> from optlib import Momentum
>>> def heavy_ball(params, grads, memory, lr=0.1, mu=0.9):
...     memory["b"] = mu * memory.get("b", 0.0) + grads
...     return params - lr * memory["b"]
>>> compare_rule(heavy_ball, Momentum(learning_rate=0.1)).ok
True
>>> def forgetful(params, grads, memory, lr=0.1, mu=0.9):
...     b = mu * memory.get("b", 0.0) + grads      # never stored: no memory across steps
...     return params - lr * b
>>> print(compare_rule(forgetful, Momentum(learning_rate=0.1)).message.splitlines()[0])
Your rule and Momentum agree for 1 step(s), then differ at step 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    expected, got : ndarray or None
        The library's parameters and the reader's after that step.
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


def _diagnose(step: int, before: np.ndarray, expected: np.ndarray, got: np.ndarray) -> str:
    want, have = expected - before, got - before  # the library's update and the reader's
    if not np.all(np.isfinite(got)):
        return "Your rule produced NaN or inf: look for a division by zero (where is eps?)."
    if np.allclose(have, 0):
        return "Your rule did not move the parameters: is the update subtracted and returned?"
    if np.allclose(have, -want, rtol=1e-6):
        return "Your update has the opposite sign: descend, theta - lr * direction."
    mask = np.abs(want) > 1e-12
    ratio = have[mask] / want[mask]
    if ratio.size and np.allclose(ratio, 1.0, rtol=1e-3):
        return (
            "Your update is within 0.1% of the library's on every coordinate: a difference "
            "this small is usually epsilon (inside or outside the square root, or its value)."
        )
    if ratio.size and np.allclose(ratio, ratio[0], rtol=1e-3):  # eps blurs a pure factor
        factor = float(ratio[0])
        hint = (
            f"Your update is the library's times {factor:.6g} on every coordinate: a scale "
            "factor is off (the learning rate, a (1 - beta) factor, or a bias correction "
            "1 - beta^t"
        )
        return hint + (", which only the first steps show)." if step <= 3 else ").")
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
        An :mod:`optlib.optimizers` optimizer with the hyperparameters the rule hard-codes.
    steps : int, default 10
        How many steps to compare.
    size : int, default 5
        Number of parameters (the gradients span 1e-2 to 1e2 across them).
    params : array_like, optional
        Starting parameters (default: a seeded random vector of ``size``).
    seed : int, default 0
        Seeds the starting point and the gradients.
    rtol, atol : float
        Tolerances of :func:`numpy.allclose` at each step.

    Returns
    -------
    Comparison
        ``ok``, and for a mismatch the step, both parameter vectors and an explanation.
    """
    if not callable(rule):
        raise TypeError(f"rule must be a function (params, grads, memory) -> params; got {rule!r}")
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(size) if params is None else np.array(params, dtype=float)
    grads = _gradients(steps, theta.size, seed + 1).reshape((steps,) + theta.shape)
    name = type(optimizer).__name__
    state, mine, memory = optimizer.init(theta), theta.copy(), {}
    for t, g in enumerate(grads, start=1):
        memory["t"] = t
        before = mine.copy()
        theta, state = optimizer.step(theta, g, state)
        got = np.asarray(rule(mine, g.copy(), memory), dtype=float)
        if not np.array_equal(mine, before):
            return Comparison(
                False,
                t,
                theta,
                got,
                f"Your rule changed params in place at step {t}: "
                "return a new array (theta - ...), do not write into the one you are given.",
            )
        if got.shape != theta.shape:
            return Comparison(
                False,
                t,
                theta,
                got,
                f"Your rule returned shape {got.shape} at step {t}; params have {theta.shape}.",
            )
        if not np.allclose(got, theta, rtol=rtol, atol=atol):
            worst = int(np.argmax(np.abs(got - theta)))
            message = (
                f"Your rule and {name} agree for {t - 1} step(s), then differ at step {t}.\n"
                f"  coordinate {worst}: expected {theta.flat[worst]:.10g}, "
                f"got {got.flat[worst]:.10g}\n  {_diagnose(t, before, theta, got)}"
            )
            return Comparison(False, t, theta, got, message)
        mine = theta.copy()  # restart each step from the library's point: no drift
    return Comparison(True, None, None, None, f"Your rule matches {name} for all {steps} steps.")


def assert_rule_matches(rule, optimizer, **kwargs) -> None:
    """:func:`compare_rule`, raising ``AssertionError`` with its explanation on a mismatch."""
    result = compare_rule(rule, optimizer, **kwargs)
    if not result.ok:
        raise AssertionError(result.message)
