r"""Learning-rate schedules, warmup, and the learning-rate range test (chapter 8).

A schedule is a function of the step, :math:`t \mapsto \eta_t`, with :math:`t = 0, 1, \dots`
counting optimizer updates (not epochs). Each one here is a small frozen dataclass: its
hyperparameters are validated when it is made, it prints what it is, and calling it gives the
learning rate of a step. Any of them drives any optimizer through :func:`optlib.train.fit`::

    sched = linear_warmup(cosine(0.1, total_steps=1000), warmup_steps=50)
    history = fit(model, Momentum(), X, y, batch_size=32, epochs=10, schedule=sched)

(``fit`` sets the optimizer's ``learning_rate`` to ``sched(t)`` before step ``t``.) The
lowercase names (``cosine``) are the classes themselves (``Cosine``), spelled like the
schedule functions of optax and Keras.

:func:`lr_range_test` is the learning-rate range test in the form of fastai's "LR finder": one
short run whose learning rate grows exponentially from tiny to huge, recording the smoothed
loss, to read off a good learning rate before a long training run. Smith's original test
(2015, section 3.3) raised the rate linearly over several epochs and read the accuracy; the
exponential sweep, the smoothed loss and the one-tenth-of-the-minimum rule are fastai's.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optlib import _checks
from optlib._checks import as_rng as _as_rng
from optlib.train import _check_model_data, _Stepper

__all__ = [
    "Constant",
    "Cosine",
    "Exponential",
    "LRRangeResult",
    "LinearWarmup",
    "StepDecay",
    "constant",
    "cosine",
    "exponential",
    "linear_warmup",
    "lr_range_test",
    "step_decay",
]


def _step(step) -> int:
    """The step a schedule is called with: an int >= 0 (a float, a bool or -1 is a bug)."""
    if type(step) is int and step >= 0:  # the common case, checked in one comparison
        return step
    return _checks.integer("step", step, low=0)


def _positive_rate(schedule) -> None:
    _checks.real("learning_rate", schedule.learning_rate, low=0.0, low_open=True)


# --------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Constant:
    r"""The same learning rate at every step, :math:`\eta_t = \eta`.

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`.

    Examples
    --------
    >>> Constant(0.1)(0), Constant(0.1)(1000)
    (0.1, 0.1)
    """

    learning_rate: float

    def __post_init__(self):
        _positive_rate(self)

    def __call__(self, step: int) -> float:
        _step(step)
        return float(self.learning_rate)


@dataclass(frozen=True)
class StepDecay:
    r"""Drop the learning rate by ``factor`` every ``every`` steps (a staircase).

    .. math::

        \eta_t = \eta\, q^{\lfloor t / k \rfloor}

    with :math:`q` = ``factor`` and :math:`k` = ``every`` (``torch.optim.lr_scheduler.StepLR``
    counted in steps). The classic recipe: divide by 10 at fixed points of training (He et al.
    2016, "Deep residual learning for image recognition").

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`, the rate of steps ``0 .. every - 1``.
    every : int
        :math:`k \ge 1`, steps between drops.
    factor : float, default 0.1
        :math:`q \in (0, 1]`.

    Examples
    --------
    >>> s = StepDecay(1.0, every=10, factor=0.5)
    >>> [s(t) for t in (0, 9, 10, 19, 20)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    learning_rate: float
    every: int
    factor: float = 0.1

    def __post_init__(self):
        _positive_rate(self)
        _checks.positive_int("every", self.every)
        _checks.real("factor", self.factor, low=0.0, low_open=True, high=1.0)

    def __call__(self, step: int) -> float:
        return float(self.learning_rate * self.factor ** (_step(step) // self.every))


@dataclass(frozen=True)
class Exponential:
    r"""Smooth exponential decay: the rate is multiplied by ``factor`` every ``every`` steps.

    .. math::

        \eta_t = \eta\, q^{t / k}

    with :math:`q` = ``factor`` and :math:`k` = ``every``: the continuous version of
    :class:`StepDecay` (``torch.optim.lr_scheduler.ExponentialLR`` is :math:`k = 1`; Keras's
    ``ExponentialDecay`` names them ``decay_rate`` and ``decay_steps``).

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`, the rate of step 0.
    factor : float
        :math:`q \in (0, 1]`.
    every : int, default 1
        :math:`k \ge 1`.

    Examples
    --------
    >>> s = Exponential(1.0, factor=0.5, every=2)
    >>> [round(s(t), 6) for t in (0, 1, 2, 4)]      # 0.5 ** 0.5 = 0.707107
    [1.0, 0.707107, 0.5, 0.25]
    """

    learning_rate: float
    factor: float
    every: int = 1

    def __post_init__(self):
        _positive_rate(self)
        _checks.real("factor", self.factor, low=0.0, low_open=True, high=1.0)
        _checks.positive_int("every", self.every)

    def __call__(self, step: int) -> float:
        return float(self.learning_rate * self.factor ** (_step(step) / self.every))


@dataclass(frozen=True)
class Cosine:
    r"""Cosine annealing from ``learning_rate`` to ``min_lr`` over ``total_steps`` steps.

    .. math::

        \eta_t = \eta_{\min} + \frac{\eta - \eta_{\min}}{2}
            \left(1 + \cos\frac{\pi \min(t, T)}{T}\right)

    with :math:`T` = ``total_steps``: slow at first, fastest half-way, gentle at the end, then
    :math:`\eta_{\min}` from step :math:`T` on (one cycle of SGDR, without restarts).

    Reference: Loshchilov & Hutter (2017), "SGDR: stochastic gradient descent with warm
    restarts", ICLR.

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`, the rate of step 0.
    total_steps : int
        :math:`T \ge 1`.
    min_lr : float, default 0
        :math:`\eta_{\min} \in [0, \eta]`.

    Examples
    --------
    >>> s = Cosine(1.0, total_steps=4, min_lr=0.2)
    >>> [round(s(t), 6) for t in (0, 1, 2, 4, 100)]   # 0.2 + 0.4 * (1 + cos(pi/4)) = 0.882843
    [1.0, 0.882843, 0.6, 0.2, 0.2]
    """

    learning_rate: float
    total_steps: int
    min_lr: float = 0.0

    def __post_init__(self):
        _positive_rate(self)
        _checks.positive_int("total_steps", self.total_steps)
        _checks.real("min_lr", self.min_lr, low=0.0, high=self.learning_rate)

    def __call__(self, step: int) -> float:
        progress = min(_step(step), self.total_steps) / self.total_steps
        cos = 0.5 * (1.0 + math.cos(math.pi * progress))
        return float(self.min_lr + (self.learning_rate - self.min_lr) * cos)


@dataclass(frozen=True)
class LinearWarmup:
    r"""A linear ramp over the first ``warmup_steps`` steps, then the wrapped schedule.

    .. math::

        \eta_t = \begin{cases} \dfrac{t + 1}{w}\, s(0) & t < w \\
                               s(t - w) & t \ge w \end{cases}

    with :math:`w` = ``warmup_steps`` and :math:`s` = ``schedule``, which starts *after* the
    warmup (so a :class:`Cosine` over :math:`T` steps ends at step :math:`w + T`). The ramp
    reaches :math:`s(0)` at step :math:`w - 1` and never uses a zero rate. Warmup keeps the
    first steps of large-batch training, taken from a random start where gradients are large
    and the adaptive optimizers' statistics are poor, from blowing up.

    Reference: Goyal et al. (2017), "Accurate, large minibatch SGD: training ImageNet in 1
    hour", arXiv:1706.02677 (gradual warmup, section 2.2).

    Parameters
    ----------
    schedule : callable or float
        Any ``step -> learning rate`` (a number means :class:`Constant`).
    warmup_steps : int
        :math:`w \ge 1`.

    Examples
    --------
    >>> s = LinearWarmup(StepDecay(1.0, every=2, factor=0.5), warmup_steps=4)
    >>> [s(t) for t in range(8)]
    [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 0.5, 0.5]
    """

    schedule: Callable[[int], float]
    warmup_steps: int

    def __post_init__(self):
        if isinstance(self.schedule, numbers.Real) and not isinstance(self.schedule, bool):
            rate = _checks.real("schedule", self.schedule, low=0.0, low_open=True)
            object.__setattr__(self, "schedule", Constant(rate))
        _checks.callable_("schedule", self.schedule, "step -> learning rate, or a number")
        _checks.positive_int("warmup_steps", self.warmup_steps)

    def __call__(self, step: int) -> float:
        t, w = _step(step), self.warmup_steps
        if t < w:
            return float((t + 1) / w * self.schedule(0))
        return float(self.schedule(t - w))


# The names of the schedule functions in optax and Keras: the same classes.
constant = Constant
step_decay = StepDecay
exponential = Exponential
cosine = Cosine
linear_warmup = LinearWarmup


# --------------------------------------------------------------------------------------------
# The learning-rate range test
# --------------------------------------------------------------------------------------------


@dataclass
class LRRangeResult:
    r"""What :func:`lr_range_test` measured.

    Attributes
    ----------
    learning_rates : ndarray
        The learning rate of each step taken, growing exponentially.
    losses : ndarray
        The mini-batch loss at each step (before that step's update).
    smoothed_losses : ndarray
        The exponentially smoothed, bias-corrected loss.
    suggestion : float
        The suggested learning rate: ``lr_at_min / 10``.
    lr_at_min : float
        The learning rate at the minimum of the smoothed loss.
    lr_steepest : float
        The learning rate where the smoothed loss falls fastest against
        :math:`\log \eta`, before its minimum (the other common reading).
    diverged : bool
        True if the test stopped because the loss blew up (it should: that is how it finds the
        top of the range). False means ``end`` was reached first.
    message : str
        Why the test stopped.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggestion: float
    lr_at_min: float
    lr_steepest: float
    diverged: bool
    message: str


def _endless_batches(X, y, batch_size, rng):
    from optlib.data import minibatches

    while True:  # one fresh permutation per pass over the data
        yield from minibatches(X, y, batch_size, rng=rng)


def lr_range_test(
    model,
    optimizer,
    X,
    y,
    *,
    start: float = 1e-7,
    end: float = 10.0,
    steps: int = 100,
    batch_size: int,
    rng=None,
    params=None,
    smoothing: float = 0.98,
    diverge_factor: float = 4.0,
) -> LRRangeResult:
    r"""The learning-rate range test: train with an exponentially growing learning rate.

    This is fastai's form of the test (Howard & Gugger 2020): an exponential sweep over a few
    hundred steps, a smoothed batch loss, and the rule below. Smith (2015, section 3.3) raised
    the rate linearly over several epochs and read the validation accuracy instead.

    Step :math:`i = 0, \dots, n - 1` (:math:`n` = ``steps``) uses the learning rate

    .. math::

        \eta_i = \eta_{\text{start}} \left(\frac{\eta_{\text{end}}}{\eta_{\text{start}}}
            \right)^{i / (n - 1)}

    on the next mini-batch (cycling through shuffled epochs as needed) and records the batch
    loss :math:`\ell_i`, smoothed by an exponential moving average with bias correction (as
    Adam corrects its moments):

    .. math::

        a_i = \rho a_{i-1} + (1 - \rho)\,\ell_i, \quad a_{-1} = 0, \qquad
        \bar\ell_i = \frac{a_i}{1 - \rho^{i+1}}

    with :math:`\rho` = ``smoothing`` (the book's symbol for the decay of a running average;
    :math:`\beta` is momentum's). At first the rate is too small to change anything,
    then the loss falls, then the steps become too large and it shoots up: the test stops as
    soon as :math:`\bar\ell_i > c \min_{j < i} \bar\ell_j` (:math:`c` = ``diverge_factor``)
    or the loss is no longer finite.

    **The suggestion** is one tenth of the learning rate at the minimum of the smoothed
    loss (ignoring the first tenth of the sweep, where the average rests on a few batches),
    the rule of fastai (Howard & Gugger 2020). At the minimum the rate is already at the
    edge of instability (and the moving average lags behind the raw loss, which pushes the
    minimum further right), so a rate ten times smaller lies on the falling part of the
    curve, where training makes fast and stable progress. The other common reading, the
    steepest descent of :math:`\bar\ell` against :math:`\log\eta` (``lr_steepest``), is
    returned too; it depends on a numerical derivative of a noisy curve, so it moves more
    from one run to the next.

    References: Smith (2017), "Cyclical learning rates for training neural networks", WACV
    (arXiv:1506.01186, 2015); Smith (2018), "A disciplined approach to neural network
    hyper-parameters: part 1", arXiv:1803.09820; Howard & Gugger (2020), "Fastai: a layered
    API for deep learning", Information 11(2).

    Parameters
    ----------
    model : object
        An :mod:`optlib.models` model (``init_params``, ``loss_and_grad``).
    optimizer : object
        An :mod:`optlib.optimizers` optimizer (a dataclass with ``learning_rate``, which the
        test replaces at each step; its other hyperparameters are kept).
    X : array_like, shape (n_samples, ...)
        The training inputs, as for :func:`optlib.train.fit`.
    y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        The training targets, one row per example of ``X``.
    start : float, default 1e-7
        The first learning rate, :math:`\eta_{\text{start}} > 0`.
    end : float, default 10
        The last learning rate, :math:`\eta_{\text{end}} > \eta_{\text{start}}`.
    steps : int, default 100
        Steps of the sweep, at least 2 (the test usually stops before the last).
    batch_size : int
        Examples per step.
    rng : numpy.random.Generator or int, optional
        Drives the initial parameters (when ``params`` is None) and the shuffling.
    params : array_like, optional
        Starting parameters (copied); default ``model.init_params(rng)``.
    smoothing : float, default 0.98
        :math:`\rho \in [0, 1)`; 0 turns smoothing off.
    diverge_factor : float, default 4
        :math:`c > 1`.

    Returns
    -------
    LRRangeResult
        The curve (``learning_rates``, ``losses``, ``smoothed_losses``), ``suggestion``,
        ``lr_at_min``, ``lr_steepest``, ``diverged`` and a ``message``.

    Examples
    --------
    Linear regression on standardised features has curvature about 1, so plain gradient
    descent diverges above a learning rate of about 2:

    >>> from optlib.datasets import make_regression
    >>> from optlib.models import LinearRegression
    >>> from optlib.optimizers import SGD
    >>> X, y = make_regression(200, 3, seed=0)
    >>> res = lr_range_test(LinearRegression(3), SGD(), X, y, batch_size=16, rng=0)
    >>> res.diverged, len(res.learning_rates), round(res.lr_at_min, 2), round(res.suggestion, 2)
    (True, 97, 3.27, 0.33)
    """
    start = _checks.real("start", start, low=0.0, low_open=True)
    end = _checks.real("end", end, low=start, low_open=True)
    steps = _checks.integer("steps", steps, low=2)
    batch_size = _checks.positive_int("batch_size", batch_size)
    smoothing = _checks.real("smoothing", smoothing, low=0.0, high=1.0, high_open=True)
    diverge_factor = _checks.real("diverge_factor", diverge_factor, low=1.0, low_open=True)
    _checks.instance("model", model, ("init_params", "loss_and_grad"), "an optlib model")
    _checks.instance("optimizer", optimizer, ("init", "step"), "an optlib optimizer")
    if not dataclasses.is_dataclass(optimizer) or not hasattr(optimizer, "learning_rate"):
        raise TypeError(
            f"optimizer must be an optlib optimizer (a dataclass with learning_rate); "
            f"got {optimizer!r}"
        )
    _checks.same_length("X", X, "y", y)
    X, y = _check_model_data(model, X, y, ("X", "y"))
    rng = _as_rng(rng)
    if params is None:
        theta = np.array(model.init_params(rng), dtype=float)
    else:
        theta = np.array(_checks.finite_array("params", params), dtype=float)  # a copy
    if theta.shape != (model.n_params,):
        raise ValueError(
            f"params must have shape ({model.n_params},) for {model!r}; got {theta.shape}"
        )
    # The step of fit: the model's unchecked kernel, the optimizer's in-place update.
    stepper = _Stepper(optimizer, theta)
    loss_and_grad = getattr(model, "_loss_and_grad", None)
    if loss_and_grad is None or getattr(model, "check_data", None) is None:
        loss_and_grad = model.loss_and_grad
    batches = _endless_batches(X, y, batch_size, rng)
    sweep = start * (end / start) ** (np.arange(steps) / (steps - 1))

    lrs, losses, smoothed = [], [], []
    avg, best = 0.0, math.inf
    message = f"reached end={end:g} before the loss blew up: try a larger end"
    diverged = False
    for i, lr in enumerate(sweep):
        Xb, yb = next(batches)
        with np.errstate(all="ignore"):
            loss, grad = loss_and_grad(stepper.params, Xb, yb)
        loss = float(loss)
        if not math.isfinite(loss):
            diverged, message = True, f"the loss became {loss} at learning rate {lr:.3g}"
            break
        avg = smoothing * avg + (1.0 - smoothing) * loss
        lrs.append(float(lr))
        losses.append(loss)
        smoothed.append(avg / (1.0 - smoothing ** (i + 1)))
        if smoothed[-1] > diverge_factor * best:
            diverged = True
            message = (
                f"the smoothed loss {smoothed[-1]:.4g} exceeded {diverge_factor:g} x its "
                f"minimum {best:.4g} at learning rate {lr:.3g}"
            )
            break
        best = min(best, smoothed[-1])
        with np.errstate(all="ignore"):
            why = stepper.step(grad, float(lr))
        if why:
            diverged, message = True, f"{why} at learning rate {lr:.3g}"
            break
    if not lrs:
        raise ValueError(
            f"the loss is not finite at the starting parameters ({message}); check the data"
        )

    lrs_a, smooth_a = np.array(lrs), np.array(smoothed)
    # The first tenth of the sweep is skipped: there the average still rests on a handful of
    # batches, and one lucky batch would make the "minimum" (a test that stops within it
    # falls back to the whole curve).
    lo = steps // 10 if len(lrs) > steps // 10 else 0
    i_min = lo + int(np.argmin(smooth_a[lo:]))
    if i_min - lo >= 2:  # the steepest descent of the smoothed loss against log(lr)
        slope = np.gradient(smooth_a[lo : i_min + 1], np.log(lrs_a[lo : i_min + 1]))
        lr_steepest = float(lrs_a[lo + int(np.argmin(slope))])
    else:
        lr_steepest = float(lrs_a[i_min])
    return LRRangeResult(
        learning_rates=lrs_a,
        losses=np.array(losses),
        smoothed_losses=smooth_a,
        suggestion=float(lrs_a[i_min]) / 10.0,
        lr_at_min=float(lrs_a[i_min]),
        lr_steepest=lr_steepest,
        diverged=diverged,
        message=message,
    )
