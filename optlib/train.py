r"""Run an optimizer: on a function (:func:`minimize`) or on a model and a data set (:func:`fit`).

Both loops are the same few lines the book derives,

.. math::

    g_t = \nabla f(\theta_t), \qquad
    (\theta_{t+1}, s_{t+1}) = \mathrm{opt.step}(\theta_t, g_t, s_t),

with the bookkeeping a reader needs around them: the path or the loss history, the time, and a
clear stop (a :class:`RuntimeWarning` and a message, never an endless loop on ``nan``) when the
loss diverges.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from optlib import _checks
from optlib.optimizers import _NOT_FINITE, Optimizer, _gradient_fault, _Scratch

__all__ = ["History", "Path", "fit", "minimize"]


# --------------------------------------------------------------------------------------------
# The training step shared by fit, minimize and lr_range_test
# --------------------------------------------------------------------------------------------


class _Stepper:
    """The parameters, the optimizer's state and one step, as every loop takes it.

    Built once at a loop's front door (the optimizer and the parameters are checked there);
    each :meth:`step` is then unchecked but for one pass over the gradient, which must be
    finite (and, for the rules that square it, square to finite numbers). An optlib
    optimizer updates ``params`` in place through its ``_update`` (the fast path: no new
    arrays per step); any other object with ``init``/``step`` goes through its own ``step``.
    ``params`` is owned by the loop: a copy of what the caller passed.
    """

    def __init__(self, optimizer, params: np.ndarray):
        self.optimizer = _checks.instance("optimizer", optimizer, ("init", "step"), "an optimizer")
        self.fast = isinstance(optimizer, Optimizer)
        self.params = params
        self.state = optimizer.init(params)
        self.work = _Scratch(params) if self.fast else None
        self._squares = getattr(optimizer, "_squares", False)

    def step(self, grad, lr: float | None) -> str:
        """Update the parameters with ``grad`` at learning rate ``lr`` (None: the optimizer's
        own); returns "" or why the step was refused (the parameters are then unchanged)."""
        if self.fast:
            grad = np.asarray(grad)
            if grad.dtype != self.params.dtype or grad.shape != self.params.shape:
                grad = _checks.float_array("grads", grad, dtype=self.params.dtype)
                if grad.shape != self.params.shape:
                    raise ValueError(
                        f"the gradient has shape {grad.shape} but the parameters have shape "
                        f"{self.params.shape}"
                    )
            fault = _gradient_fault(grad, self._squares)
            if fault == _NOT_FINITE:
                return "the gradient became NaN or inf"
            if fault:
                return "the squared gradient overflowed (the second moment would be inf)"
            lr = self.optimizer.learning_rate if lr is None else lr
            self.state = self.optimizer._update(self.params, grad, self.state, lr, self.work)
            return ""
        opt = self.optimizer
        if lr is not None:
            opt = dataclasses.replace(opt, learning_rate=lr)
        new, state = opt.step(self.params, grad, self.state)
        new = np.asarray(new, dtype=float)
        if not np.all(np.isfinite(new)):
            return "the parameters became NaN or inf"
        self.params, self.state = new, state
        return ""


def _learning_rate(optimizer) -> float | None:
    lr = getattr(optimizer, "learning_rate", None)
    return float(lr) if isinstance(lr, (int, float)) and not isinstance(lr, bool) else None


def _learning_rates(schedule, optimizer, total: int) -> np.ndarray | None:
    """Every step's learning rate, computed and checked before the first step: a schedule
    that goes negative or NaN is refused up front, with its name and the step."""
    if schedule is None:
        return None
    _checks.callable_("schedule", schedule, "step -> learning rate")
    if not dataclasses.is_dataclass(optimizer) or not hasattr(optimizer, "learning_rate"):
        raise TypeError(
            "schedule needs an optimizer with a learning_rate field (an optlib optimizer); "
            f"got {optimizer!r}"
        )
    rates = np.empty(total)
    for step in range(total):
        lr = schedule(step)
        ok = isinstance(lr, (int, float, np.floating, np.integer)) and not isinstance(lr, bool)
        if not ok or not math.isfinite(lr) or lr < 0:
            raise ValueError(
                f"schedule {schedule!r} returned {lr!r} at step {step} (steps count from 0; "
                f"{total} in all): a learning rate must be a finite number >= 0"
            )
        rates[step] = lr
    return rates


class _Interrupts:
    """Defer Ctrl-C (Jupyter's stop button) to the end of the current step.

    An interrupt in the middle of an in-place update would leave the parameters half
    stepped; with this, the loop finishes the step, sees ``requested`` and stops cleanly with
    everything trained so far. A second Ctrl-C raises at once, as usual. It takes over only
    from Python's own handler (the one that raises KeyboardInterrupt, as in Jupyter and a
    terminal): a process that ignores SIGINT, or handles it its own way, is left as it is.
    Outside the main thread signals cannot be caught: there a KeyboardInterrupt propagates as
    before.
    """

    def __init__(self):
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            with contextlib.suppress(ValueError, TypeError):
                self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


# --------------------------------------------------------------------------------------------
# minimize: an optimizer on a function
# --------------------------------------------------------------------------------------------


@dataclass
class Path:
    """The trajectory of :func:`minimize`.

    Attributes
    ----------
    points : ndarray, shape (n + 1, d)
        Every iterate, starting with ``x0``; ``n`` is the number of steps taken.
    losses : ndarray, shape (n + 1,)
        The objective at each point.
    stopped_early : bool
        True when the run stopped before ``steps`` because the loss became NaN or infinite.
    message : str
        Why the run stopped early ("" when it did not).
    """

    points: np.ndarray
    losses: np.ndarray
    stopped_early: bool = False
    message: str = ""

    @property
    def x(self) -> np.ndarray:
        """The last point."""
        return self.points[-1]

    @property
    def loss(self) -> float:
        """The last loss."""
        return float(self.losses[-1])

    def __len__(self) -> int:
        return len(self.points)


def _value_function(objective) -> Callable[[np.ndarray], float]:
    if isinstance(objective, type):
        raise TypeError(
            f"objective must be an instance; got the class {objective.__name__}: "
            f"write {objective.__name__}(...) to make one"
        )
    for name in ("value", "f"):
        fn = getattr(objective, name, None)
        if callable(fn):
            return fn
    if callable(objective):
        return objective
    raise TypeError(
        f"objective must have a value(x) or f(x) method or be callable; got {type(objective)!r}"
    )


def _check_x0(x0) -> np.ndarray:
    x = _checks.finite_array("x0", x0, dtype=np.float64, min_size=1)
    return np.array(x, dtype=float, ndmin=1)  # a copy: the caller's array is never modified


def _descend(value, grad, stepper, steps, points, losses, part_s=math.inf):
    """The loop of :func:`minimize`, as a generator: appends to points and losses, yields each
    time ``part_s`` seconds of work have passed (never with the default), and returns a stop
    message. A caller that must stay responsive (a live slider's draw-ahead) runs it in parts;
    NumPy's overflow warnings are off within a part only, not while the caller has control."""
    done = 0  # steps taken in the parts before this one
    in_parts = part_s != math.inf  # else the clock is never read: minimize's loop stays lean
    while True:
        due = time.perf_counter() + part_s if in_parts else math.inf
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            for t in range(done + 1, steps + 1):
                why = stepper.step(grad(stepper.params), None)
                if why:
                    return f"{why} at step {t} of {steps}"
                x = stepper.params
                loss = float(value(x))
                points.append(x.copy())
                losses.append(loss)
                if not math.isfinite(loss):
                    lr = _learning_rate(stepper.optimizer)
                    hint = f" than {lr:g}" if lr is not None else ""
                    return (
                        f"loss became {loss} at step {t} of {steps}; the optimizer diverged: "
                        f"try a smaller learning_rate{hint}"
                    )
                if in_parts and t < steps and time.perf_counter() > due:
                    done = t
                    break
            else:
                return ""
        yield


def _finish(parts):
    """Run a generator of parts to its end and return what it returns."""
    while True:
        try:
            next(parts)
        except StopIteration as end:
            return end.value


def minimize(objective, optimizer, x0, steps: int) -> Path:
    r"""Run ``optimizer`` on ``objective`` for ``steps`` steps from ``x0``.

    Each step computes :math:`g_t = \nabla f(x_t)` and lets the optimizer update the point,
    :math:`(x_{t+1}, s_{t+1}) = \mathrm{optimizer.step}(x_t, g_t, s_t)`.

    Parameters
    ----------
    objective : object
        Anything with ``grad(x)`` and a value: a ``value(x)`` or ``f(x)`` method, or being
        callable itself (e.g. the objectives of :mod:`optlib.objectives`).
    optimizer : object
        An optimizer with ``init(params)`` and ``step(params, grads, state)``.
    x0 : array_like
        The starting point (finite floats); it is copied, never modified.
    steps : int
        Number of steps, a positive integer.

    Returns
    -------
    Path
        ``points`` (``steps + 1`` rows including ``x0``) and ``losses``. If the loss becomes
        NaN or infinite the run stops there: the path ends at that point, ``stopped_early`` is
        True, ``message`` says at which step and suggests a smaller learning rate, and a
        :class:`RuntimeWarning` is issued.

    Examples
    --------
    >>> import numpy as np
    >>> class Bowl:
    ...     def value(self, x):
    ...         return 0.5 * float(x @ x)
    ...     def grad(self, x):
    ...         return x
    >>> class GD:
    ...     learning_rate = 0.5
    ...     def init(self, params):
    ...         return None
    ...     def step(self, params, grads, state):
    ...         return params - self.learning_rate * grads, state
    >>> path = minimize(Bowl(), GD(), [4.0, -2.0], steps=3)
    >>> path.points[-1].tolist(), path.losses.shape
    ([0.5, -0.25], (4,))
    """
    value = _value_function(objective)
    grad = getattr(objective, "grad", None)
    if not callable(grad):
        raise TypeError(f"objective must have a grad(x) method; got {type(objective)!r}")
    steps = _checks.positive_int("steps", steps)
    x = _check_x0(x0)
    path = _minimize(value, grad, optimizer, x, steps)
    if path.message:
        warnings.warn(path.message, RuntimeWarning, stacklevel=2)
    return path


def _minimize(value, grad, optimizer, x: np.ndarray, steps: int) -> Path:
    """The kernel of :func:`minimize`, unchecked but for the optimizer (the sliders call it
    with arguments their constructor checked); no warning, the message is in the Path."""
    return _finish(_minimize_in_parts(value, grad, optimizer, x, steps))


def _minimize_in_parts(value, grad, optimizer, x: np.ndarray, steps: int, part_s=math.inf):
    """:func:`_minimize` as a generator that yields each time ``part_s`` seconds of work have
    passed and returns the Path."""
    stepper = _Stepper(optimizer, x.copy())
    points = [x.copy()]
    losses = [float(value(x))]
    message = ""
    if not math.isfinite(losses[0]):
        message = f"the loss is {losses[0]} at x0 already; start from another point"
    else:
        message = yield from _descend(value, grad, stepper, steps, points, losses, part_s)
    return Path(
        points=np.array(points),
        losses=np.array(losses),
        stopped_early=bool(message),
        message=message,
    )


# --------------------------------------------------------------------------------------------
# fit: an optimizer on a model and a data set (filled in below)
# --------------------------------------------------------------------------------------------


@dataclass
class History:
    """What :func:`fit` records.

    Attributes
    ----------
    params : ndarray
        The flat parameter vector after the last completed step: after a divergence, the
        last parameters whose loss and gradient were finite; after an interruption, those
        trained so far. A copy, updated at the end of each epoch.
    step_loss : list of float
        The mini-batch loss at each step, before that step's update.
    epoch_loss : list of float
        The mean training loss of each epoch (the step losses weighted by batch size).
    val_metric : list of float
        Per epoch, on ``(X_val, y_val)`` when given: accuracy for a classifier, the loss for a
        regressor. Empty otherwise.
    epoch_time : list of float
        Wall-clock seconds of each epoch's training steps (validation excluded).
    learning_rate : list of float
        The learning rate used at each step.
    diverged : bool
        True when training stopped because the loss or the gradient became NaN or inf.
    interrupted : bool
        True when training was stopped by Ctrl-C (or Jupyter's stop button): everything
        above holds what was trained until then.
    message : str
        Why training stopped early ("" when it ran all its epochs).
    n_steps : int
        Steps taken (optimizer updates).
    """

    params: np.ndarray | None = None
    step_loss: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    val_metric: list = field(default_factory=list)
    epoch_time: list = field(default_factory=list)
    learning_rate: list = field(default_factory=list)
    diverged: bool = False
    interrupted: bool = False
    message: str = ""
    n_steps: int = 0

    @property
    def epochs(self) -> int:
        """Epochs completed."""
        return len(self.epoch_loss)


def _divergence_message(what: str, step: int, epoch: int, lr) -> str:
    hint = f"try a smaller learning_rate than {lr:g}" if lr is not None else "try a smaller step"
    return (
        f"{what} at step {step} (epoch {epoch}); training stopped because the optimizer "
        f"diverged: {hint}, or scale the inputs"
    )


def _interrupt_message(step: int, epoch: int) -> str:
    return (
        f"interrupted at step {step} (epoch {epoch}): History.params holds the parameters "
        "trained so far and the lists hold every step and epoch completed"
    )


def _close_bar(bar) -> None:
    """Close a tqdm bar, drawing its final state even if the run was too short to draw it."""
    last, start = getattr(bar, "last_print_t", None), getattr(bar, "start_t", None)
    if not bar.disable and last is not None and start is not None and last < start + bar.delay:
        bar.last_print_t = start + bar.delay  # tqdm would skip a bar it never drew
    bar.close()


def _validation_metric(model, params, X_val, y_val) -> float:
    """Accuracy for a classifier, the loss for a regressor; through the unchecked kernels of
    an optlib model (the validation data was checked at the front door)."""
    classifier = getattr(model, "task", "regression") == "classification"
    if hasattr(model, "_score"):
        if classifier:
            return float(model._score(params, X_val, y_val))
        return float(model._loss_and_grad(params, X_val, y_val)[0])
    if classifier:
        return float(model.score(params, X_val, y_val))
    return float(model.loss(params, X_val, y_val))


def _check_model_data(model, X, y, names: tuple[str, str]):
    """The data through the model's own front door (shapes, dtypes, labels), once."""
    check = getattr(model, "check_data", None)
    if check is None:  # a model of the reader's own: its loss_and_grad checks each batch
        return X, y
    return check(X, y, names)


def fit(
    model,
    optimizer,
    X,
    y,
    *,
    batch_size: int,
    epochs: int,
    rng=None,
    params=None,
    X_val=None,
    y_val=None,
    schedule: Callable[[int], float] | None = None,
    callbacks: Iterable[Callable] = (),
    progress: bool = True,
    shuffle: bool = True,
    drop_last: bool = False,
    block_size: int | None = None,
    window: int = 8,
) -> History:
    r"""Train ``model`` on ``(X, y)`` with ``optimizer`` by mini-batch gradient steps.

    Each epoch draws one permutation (:func:`optlib.data.minibatches`) and, for each batch
    :math:`B_t`, computes :math:`g_t = \nabla \frac{1}{|B_t|}\sum_{i \in B_t} \ell_i(\theta_t)`
    and updates :math:`(\theta_{t+1}, s_{t+1}) = \mathrm{optimizer.step}(\theta_t, g_t, s_t)`.

    Parameters
    ----------
    model : object
        An :mod:`optlib.models` model (``n_params``, ``init_params``, ``loss_and_grad`` ...).
    optimizer : object
        An :mod:`optlib.optimizers` optimizer (a frozen dataclass with ``learning_rate``).
    X : array_like, shape (n_samples, ...)
        The training inputs: an array, a memory map or an array-like with ``shape`` and row
        slicing (see :func:`~optlib.data.minibatches`).
    y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        The training targets, one row per example of ``X``.
    batch_size : int
        :math:`B`, the examples per step, a positive integer (the last batch of an epoch may
        be smaller, see ``drop_last``).
    epochs : int
        Passes over the training data, a positive integer.
    rng : numpy.random.Generator or int, optional
        Drives the initial parameters (when ``params`` is None) and the shuffling; None
        (default) draws fresh entropy, so each call differs.
    params : array_like, optional
        Starting parameters (copied); default ``model.init_params(rng)``.
    X_val : array_like, optional
        Validation inputs, scored after each epoch into ``History.val_metric``; give
        ``y_val`` with it.
    y_val : array_like, optional
        Validation targets for ``X_val``.
    schedule : callable, optional
        ``schedule(step) -> learning rate`` with ``step`` counted from 0, e.g. one of
        :mod:`optlib.schedules`; default the optimizer's own ``learning_rate`` at every
        step. It is called once for every step before training starts, so it must not
        depend on the training.
    callbacks : iterable of callables, default ()
        ``cb(epoch, history)`` after each epoch (``epoch`` from 0); returning True stops.
    progress : bool, default True
        Show a text progress bar (tqdm) over the steps.
    shuffle : bool, default True
        Visit the examples in a fresh random order each epoch; False takes them in order.
    drop_last : bool, default False
        Drop each epoch's last, smaller batch, so that every step sees ``batch_size``
        examples.
    block_size : int, optional
        For data on disk: shuffle blocks of ``block_size`` contiguous rows instead of single
        rows, so that reads are sequential (see :func:`~optlib.data.minibatches`); None
        (default) shuffles single rows.
    window : int, default 8
        With ``block_size``: the number of blocks whose rows are mixed together.

    Returns
    -------
    History
        If a loss or a gradient becomes NaN or inf, training stops at once: ``diverged`` is
        True, ``message`` names the step and suggests a smaller learning rate, a
        :class:`RuntimeWarning` is issued, and ``params`` are the last finite parameters.
        Ctrl-C (Jupyter's stop button) ends the current step and returns the History so far
        with ``interrupted`` True: ``History.params`` and the loss lists keep what was trained.

    Notes
    -----
    Everything is checked once, before the first step: the data through the model's
    ``check_data``, the schedule over every step it will be asked for (a negative or NaN
    learning rate is refused with the step that produced it). The steps themselves run the
    model's unchecked ``_loss_and_grad`` and the optimizer's in-place ``_update`` on a copy of
    the parameters that the loop owns.

    Examples
    --------
    >>> from optlib.datasets import make_regression
    >>> from optlib.models import LinearRegression
    >>> class GD:   # any optimizer with init/step; optlib.optimizers.SGD in the book
    ...     learning_rate = 0.1
    ...     def init(self, params):
    ...         return None
    ...     def step(self, params, grads, state):
    ...         return params - self.learning_rate * grads, state
    >>> X, y = make_regression(200, 3, noise=0.0, seed=0)
    >>> h = fit(LinearRegression(3), GD(), X, y, batch_size=32, epochs=20, rng=0, progress=False)
    >>> h.n_steps, len(h.epoch_loss), h.epoch_loss[-1] < 1e-6
    (140, 20, True)
    """
    from optlib.data import minibatches

    # The front door: everything that can be wrong is reported before any work is done.
    _checks.instance("model", model, ("init_params", "loss_and_grad"), "a model")
    batch_size = _checks.positive_int("batch_size", batch_size)
    epochs = _checks.positive_int("epochs", epochs)
    progress = _checks.flag("progress", progress)
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val, or neither")
    X, y = _check_model_data(model, X, y, ("X", "y"))
    if X_val is not None:
        X_val, y_val = _check_model_data(model, X_val, y_val, ("X_val", "y_val"))
    callbacks = _checks.callables("callbacks", callbacks, "cb(epoch, history)")
    rng = _checks.as_rng(rng)
    if params is None:
        theta = np.array(model.init_params(rng), dtype=float)
    else:
        theta = np.array(_checks.finite_array("params", params), dtype=float)  # a copy
    if theta.shape != (model.n_params,):
        raise ValueError(
            f"params must have shape ({model.n_params},) for {model!r}; got {theta.shape}"
        )
    if not np.all(np.isfinite(theta)):
        raise ValueError("params must be finite")
    batch_opts = dict(
        shuffle=shuffle, drop_last=drop_last, rng=rng, block_size=block_size, window=window
    )
    # Checks the data (sizes, NaN) now; its batch count sizes the progress bar.
    first_epoch = minibatches(X, y, batch_size, **batch_opts)
    n = len(X)
    per_epoch = n // batch_size if drop_last else -(-n // batch_size)
    rates = _learning_rates(schedule, optimizer, epochs * per_epoch)
    stepper = _Stepper(optimizer, theta)
    # The models of optlib.models expose their unchecked kernel; the data was checked above.
    loss_and_grad = getattr(model, "_loss_and_grad", None)
    if loss_and_grad is None or getattr(model, "check_data", None) is None:
        loss_and_grad = model.loss_and_grad
    base_lr = _learning_rate(optimizer)

    history = History(params=theta.copy())
    step = 0
    # delay > 0: no empty "0%" bar up front; a short run prints its final bar once (_close_bar),
    # which is all a static page (the HTML book) can show anyway.
    bar = tqdm(
        total=epochs * per_epoch,
        disable=not progress,
        unit="step",
        leave=True,
        delay=1e-9,
        mininterval=0.5,
    )
    epoch = 0
    try:
        with _Interrupts() as interrupts, np.errstate(all="ignore"):
            for epoch in range(epochs):
                batches = (
                    first_epoch
                    if epoch == 0
                    else minibatches(X, y, batch_size, check_finite=False, **batch_opts)
                )
                total, count = 0.0, 0
                start = time.perf_counter()
                for Xb, yb in batches:
                    lr = None if rates is None else float(rates[step])
                    loss, grad = loss_and_grad(stepper.params, Xb, yb)
                    step += 1
                    loss = float(loss)
                    why = "" if math.isfinite(loss) else f"loss became {loss}"
                    why = why or stepper.step(grad, lr)
                    if why:  # the parameters are still those of the last good step
                        history.diverged = True
                        shown = lr if lr is not None else base_lr
                        history.message = _divergence_message(why, step, epoch + 1, shown)
                        break
                    history.step_loss.append(loss)
                    history.learning_rate.append(lr if lr is not None else base_lr)
                    history.n_steps = step
                    total += loss * len(yb)
                    count += len(yb)
                    bar.update(1)
                    if not bar.disable and (bar.n % 10 == 0 or bar.n == bar.total):
                        bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.4g}", refresh=False)
                    if interrupts.requested:
                        break
                # A snapshot: the loop goes on updating its own parameters in place.
                history.params = stepper.params.copy()
                if history.diverged:
                    break
                if interrupts.requested:
                    history.interrupted = True
                    history.message = _interrupt_message(step, epoch + 1)
                    break
                history.epoch_time.append(time.perf_counter() - start)
                history.epoch_loss.append(total / count)
                if X_val is not None:
                    history.val_metric.append(
                        _validation_metric(model, stepper.params, X_val, y_val)
                    )
                if any([bool(cb(epoch, history)) for cb in callbacks]):
                    history.message = f"stopped by a callback after epoch {epoch + 1}"
                    break
    except KeyboardInterrupt:  # a second Ctrl-C, or a thread where signals cannot be caught
        history.interrupted = True
        history.params = stepper.params.copy()
        history.message = _interrupt_message(step, epoch + 1) + " (the last step may be partial)"
    finally:
        _close_bar(bar)
    if history.interrupted:
        warnings.warn(history.message, RuntimeWarning, stacklevel=2)
    if history.diverged:
        warnings.warn(history.message, RuntimeWarning, stacklevel=2)
    return history
