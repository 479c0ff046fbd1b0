r"""Run an optimizer: on a function (:func:`minimize`) or on a model and a data set (:func:`fit`).

Both loops are the same few lines the book derives,

.. math::

    g_t = \nabla L(\theta_t), \qquad
    (\theta_{t+1}, s_{t+1}) = \mathrm{opt.step}(\theta_t, g_t, s_t),

with the bookkeeping a reader needs around them: the path or the loss history, the time, and a
clear stop (a :class:`RuntimeWarning` and a message, never an endless loop on ``nan``) when the
loss diverges.
"""

from __future__ import annotations

import dataclasses
import numbers
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from optlib._checks import as_rng as _as_rng

__all__ = ["History", "Path", "fit", "minimize"]


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
    for name in ("value", "f"):
        fn = getattr(objective, name, None)
        if callable(fn):
            return fn
    if callable(objective):
        return objective
    raise TypeError(
        f"objective must have a value(x) or f(x) method or be callable; got {type(objective)!r}"
    )


def _check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"steps must be a positive integer; got {steps!r}")
    return int(steps)


def _check_x0(x0) -> np.ndarray:
    try:
        x = np.array(x0, dtype=float)  # a copy: the caller's array is never modified
    except (TypeError, ValueError) as err:
        raise TypeError(f"x0 must be an array of numbers; got {x0!r}") from err
    if x.ndim == 0:
        x = x.reshape(1)
    if x.size == 0:
        raise ValueError("x0 must not be empty")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite; got {x0!r}")
    return x


def _learning_rate(optimizer) -> float | None:
    lr = getattr(optimizer, "learning_rate", None)
    return float(lr) if isinstance(lr, numbers.Real) else None


def _descend(value, grad, optimizer, x, state, steps, points, losses) -> str:
    """The loop of :func:`minimize`; appends to points and losses, returns a stop message."""
    for t in range(1, steps + 1):
        g = np.asarray(grad(x), dtype=float)
        x, state = optimizer.step(x, g, state)
        x = np.asarray(x, dtype=float)
        # A NaN or inf coordinate makes the sum (and so the loss we report) NaN or inf.
        loss = float(value(x)) if np.isfinite(x.sum()) else float("nan")
        points.append(x.copy())
        losses.append(loss)
        if not np.isfinite(loss):
            lr = _learning_rate(optimizer)
            hint = f" than {lr:g}" if lr is not None else ""
            return (
                f"loss became {loss} at step {t} of {steps}; the optimizer diverged: "
                f"try a smaller learning_rate{hint}"
            )
    return ""


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
    steps = _check_steps(steps)
    x = _check_x0(x0)

    state = optimizer.init(x)
    points = [x.copy()]
    losses = [float(value(x))]
    message = ""
    if not np.isfinite(losses[0]):
        message = f"the loss is {losses[0]} at x0 already; start from another point"
    else:
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            message = _descend(value, grad, optimizer, x, state, steps, points, losses)
    if message:
        warnings.warn(message, RuntimeWarning, stacklevel=2)
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
        The final flat parameter vector.
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
        True when training stopped because the loss or the parameters became NaN or inf.
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


def _close_bar(bar) -> None:
    """Close a tqdm bar, drawing its final state even if the run was too short to draw it."""
    last, start = getattr(bar, "last_print_t", None), getattr(bar, "start_t", None)
    if not bar.disable and last is not None and start is not None and last < start + bar.delay:
        bar.last_print_t = start + bar.delay  # tqdm would skip a bar it never drew
    bar.close()


def _validation_metric(model, params, X_val, y_val) -> float:
    if getattr(model, "task", "regression") == "classification":
        return float(model.score(params, X_val, y_val))
    return float(model.loss(params, X_val, y_val))


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
    X, y : array_like
        Training data: arrays, memory maps or array-likes (see :func:`~optlib.data.minibatches`).
    batch_size, epochs : int
        Examples per step and passes over the data (positive integers).
    rng : numpy.random.Generator or int, optional
        Drives the initial parameters (when ``params`` is None) and the shuffling.
    params : array_like, optional
        Starting parameters (copied); default ``model.init_params(rng)``.
    X_val, y_val : array_like, optional
        Validation data, scored after each epoch into ``History.val_metric``.
    schedule : callable, optional
        ``schedule(step) -> learning rate`` with ``step`` counted from 0; applied before each
        step with ``dataclasses.replace(optimizer, learning_rate=...)``.
    callbacks : iterable of callables
        ``cb(epoch, history)`` after each epoch (``epoch`` from 0); returning True stops.
    progress : bool, default True
        Show a text progress bar (tqdm) over the steps.
    shuffle, drop_last, block_size, window
        Passed to :func:`optlib.data.minibatches` (``block_size`` for data on disk).

    Returns
    -------
    History
        If a loss or the parameters become NaN or inf, training stops at once: ``diverged`` is
        True, ``message`` names the step and suggests a smaller learning rate, a
        :class:`RuntimeWarning` is issued, and ``params`` are the last finite parameters.

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

    # Validation first: everything that can be wrong is reported before any work is done.
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val, or neither")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be callable step -> learning rate; got {schedule!r}")
    callbacks = list(callbacks)
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(f"callbacks must be callables cb(epoch, history); got {cb!r}")
    rng = _as_rng(rng)
    theta = model.init_params(rng) if params is None else np.array(params, dtype=float)
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

    history = History(params=theta)
    state = optimizer.init(theta)
    base_opt = optimizer
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
    try:
        for epoch in range(epochs):
            batches = (
                first_epoch
                if epoch == 0
                else minibatches(X, y, batch_size, check_finite=False, **batch_opts)
            )
            total, count = 0.0, 0
            start = time.perf_counter()
            for Xb, yb in batches:
                opt = base_opt
                if schedule is not None:
                    opt = dataclasses.replace(base_opt, learning_rate=float(schedule(step)))
                lr = _learning_rate(opt)
                with np.errstate(all="ignore"):  # overflow is caught and reported below
                    loss, grad = model.loss_and_grad(theta, Xb, yb)
                    if np.isfinite(loss) and np.all(np.isfinite(grad)):
                        new_theta, state = opt.step(theta, grad, state)
                    else:
                        new_theta = None
                step += 1
                if new_theta is None or not np.all(np.isfinite(new_theta)):
                    what = (
                        f"loss became {loss}"
                        if not np.isfinite(loss)
                        else (
                            "the gradient became NaN or inf"
                            if new_theta is None
                            else "the parameters became NaN or inf"
                        )
                    )
                    history.diverged = True
                    history.message = _divergence_message(what, step, epoch + 1, lr)
                    break
                theta = np.asarray(new_theta, dtype=float)
                history.step_loss.append(float(loss))
                history.learning_rate.append(lr)
                history.n_steps = step
                total += float(loss) * len(yb)
                count += len(yb)
                bar.update(1)
                if not bar.disable and (bar.n % 10 == 0 or bar.n == bar.total):
                    bar.set_postfix(epoch=epoch + 1, loss=f"{float(loss):.4g}", refresh=False)
            history.params = theta
            if history.diverged:
                break
            history.epoch_time.append(time.perf_counter() - start)
            history.epoch_loss.append(total / count)
            if X_val is not None:
                history.val_metric.append(_validation_metric(model, theta, X_val, y_val))
            if any([bool(cb(epoch, history)) for cb in callbacks]):
                history.message = f"stopped by a callback after epoch {epoch + 1}"
                break
    finally:
        _close_bar(bar)
    if history.diverged:
        warnings.warn(history.message, RuntimeWarning, stacklevel=2)
    return history
