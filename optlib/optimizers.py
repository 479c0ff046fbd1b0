r"""The optimizers of the book: SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam and AdamW.

An optimizer is its hyperparameters (a frozen, validated dataclass) plus a pure update::

    opt = Adam(learning_rate=1e-3)
    state = opt.init(params)                         # a NamedTuple: state.t, state.m, state.v
    params, state = opt.step(params, grads, state)   # inputs are never modified

The update rules and the defaults are the algorithms documented for ``torch.optim`` (SGD,
Adagrad, RMSprop, Adam, AdamW), with ``learning_rate`` for ``lr`` and ``beta1, beta2`` for
``betas``, so a reader who moves to PyTorch gets the same numbers for the same hyperparameters.
Where other frameworks differ (Keras puts Adam's epsilon elsewhere, Hinton's RMSProp used
:math:`\alpha = 0.9`, Sutskever's momentum scales the buffer by the learning rate) the chapters
explain the difference rather than copy it.

Buffers an option does not use are ``None`` in the state (RMSProp's ``g_avg`` unless
``centered``, Adam's ``v_max`` unless ``amsgrad``), so a state holds only what the rule needs.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

__all__ = [
    "SGD",
    "AdaGrad",
    "AdaGradState",
    "Adam",
    "AdamState",
    "AdamW",
    "Momentum",
    "Nesterov",
    "RMSProp",
    "RMSPropState",
    "SGDState",
]


# --------------------------------------------------------------------------------------------
# Validation shared by every optimizer
# --------------------------------------------------------------------------------------------


def _real(name: str, value) -> float:
    """``value`` as a finite float, or a ValueError/TypeError that names the parameter."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return value


def _at_least(name: str, value, low: float) -> None:
    if _real(name, value) < low:
        raise ValueError(f"{name} must be >= {low:g}; got {value!r}")


def _positive(name: str, value) -> None:
    if _real(name, value) <= 0:
        raise ValueError(f"{name} must be > 0; got {value!r}")


def _in_unit_interval(name: str, value, *, closed: bool = False) -> None:
    v = _real(name, value)
    if not (0.0 <= v <= 1.0 if closed else 0.0 <= v < 1.0):
        interval = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must be in {interval}; got {value!r}")


def _flag(name: str, value) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r}")


def _check_array(name: str, a) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind != "f":
        raise TypeError(
            f"{name} must be an array of floats; got dtype {a.dtype} "
            f"(convert with np.asarray({name}, dtype=float))"
        )
    return a


def _all_finite(a: np.ndarray) -> bool:
    # One pass and no temporary array: the sum of finite numbers is finite unless it
    # overflows, and only then is the exact (allocating) check needed.
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isfinite(float(np.add.reduce(a, axis=None))):
            return True
    return bool(np.isfinite(a).all())


def _check_step_inputs(
    params, grads, state, state_type, needs: tuple[str, ...] = ()
) -> tuple[np.ndarray, np.ndarray]:
    params = _check_array("params", params)
    grads = _check_array("grads", grads)
    if grads.shape != params.shape:
        raise ValueError(
            f"grads must have the shape of params; got grads {grads.shape} and "
            f"params {params.shape}"
        )
    if grads.dtype != params.dtype:
        raise TypeError(
            f"grads must have the dtype of params; got grads {grads.dtype} and "
            f"params {params.dtype}"
        )
    if not isinstance(state, state_type):
        raise TypeError(
            f"state must be the {state_type.__name__} returned by init() of this optimizer; "
            f"got {type(state).__name__}"
        )
    for buf_name in needs:  # e.g. a state from SGD() given to Momentum()
        if getattr(state, buf_name) is None:
            raise ValueError(
                f"state.{buf_name} is None: the state was made by init() of an optimizer with "
                "other options; make it with init() of this one"
            )
    for buf_name, buf in zip(state._fields, state, strict=True):
        if isinstance(buf, np.ndarray) and buf.shape != params.shape:
            raise ValueError(
                f"state.{buf_name} has shape {buf.shape} but params have shape {params.shape}: "
                "was the state made by init() for other parameters?"
            )
    if not _all_finite(grads):
        raise ValueError("grads contain NaN or inf: the loss or its gradient has diverged")
    return params, grads


def _scalar_safe(step):
    """Run ``step`` on shape-(1,) views of 0-d arrays and give the results shape () back.

    NumPy returns scalars, not arrays, from arithmetic on 0-d arrays, and ``out=`` rejects
    them; a single parameter is still an array of "any shape" for the contract.
    """

    def as_1d(a):
        return a.reshape(1) if isinstance(a, np.ndarray) and a.ndim == 0 else a

    def as_0d(a):
        return a.reshape(()) if isinstance(a, np.ndarray) else a

    @functools.wraps(step)
    def wrapper(self, params, grads, state):
        if np.ndim(params) != 0:
            return step(self, params, grads, state)
        grads = np.asarray(grads)
        state = type(state)(*map(as_1d, state)) if isinstance(state, tuple) else state
        new_params, new_state = step(self, as_1d(np.asarray(params)), as_1d(grads), state)
        return as_0d(new_params), type(new_state)(*map(as_0d, new_state))

    return wrapper


def _init_params(params) -> np.ndarray:
    params = _check_array("params", params)
    if not _all_finite(params):
        raise ValueError("params contain NaN or inf")
    return params


def _add_weight_decay(grads, params, weight_decay: float) -> np.ndarray:
    """L2 regularisation folded into the gradient: g + wd * theta (a new array; grads itself
    when there is no decay, which the callers never write into)."""
    if weight_decay == 0.0:
        return grads
    g = np.multiply(params, weight_decay)
    g += grads
    return g


# Performance note: the steps below allocate only the arrays they return (the new parameters
# and the new state) and compute in place inside them (``out=``, ``+=``). A temporary per
# operation would cost a fresh allocation, and its page faults, per pass over memory: for
# 1e6+ parameters that doubled the time of a step (benchmarks/bench_optimizers.py).


# --------------------------------------------------------------------------------------------
# SGD, Momentum, Nesterov
# --------------------------------------------------------------------------------------------


class SGDState(NamedTuple):
    """State of :class:`SGD`: the step count and the momentum buffer (None without momentum)."""

    t: int
    momentum_buffer: np.ndarray | None


@dataclass(frozen=True)
class SGD:
    r"""Stochastic gradient descent, with optional momentum, dampening, Nesterov and L2 decay.

    With weight decay :math:`\lambda`, momentum :math:`\mu` and dampening :math:`\tau`, step
    :math:`t = 1, 2, \dots` is (``torch.optim.SGD``)

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        b_t &= \begin{cases} g_t & t = 1 \\
                             \mu b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases} \\
        d_t &= \begin{cases} g_t + \mu b_t & \text{nesterov} \\
                             b_t & \text{otherwise} \end{cases} \\
        \theta_t &= \theta_{t-1} - \eta\, d_t

    and plain gradient descent, :math:`\theta_t = \theta_{t-1} - \eta g_t`, when
    :math:`\mu = 0`. The buffer :math:`b` sums past gradients *without* the learning rate
    (Sutskever et al. 2013 put :math:`\eta` inside it; the two agree while :math:`\eta` is
    constant).

    References: Robbins & Monro (1951), "A stochastic approximation method"; Polyak (1964),
    "Some methods of speeding up the convergence of iteration methods"; Sutskever, Martens,
    Dahl & Hinton (2013), "On the importance of initialization and momentum in deep learning".

    Parameters
    ----------
    learning_rate : float, default 1e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    momentum : float, default 0
        :math:`\mu \in [0, 1)`.
    dampening : float, default 0
        :math:`\tau \in [0, 1]`, scales the new gradient in the buffer.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, L2 penalty added to the gradient.
    nesterov : bool, default False
        Nesterov's look-ahead form; needs ``momentum > 0`` and ``dampening == 0``.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(learning_rate=0.1)
    >>> theta = np.array([1.0, -2.0])
    >>> state = opt.init(theta)
    >>> theta, state = opt.step(theta, 2 * theta, state)   # gradient of |theta|^2
    >>> theta.tolist(), state.t
    ([0.8, -1.6], 1)
    """

    learning_rate: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False

    def __post_init__(self):
        _at_least("learning_rate", self.learning_rate, 0.0)
        _in_unit_interval("momentum", self.momentum)
        _in_unit_interval("dampening", self.dampening, closed=True)
        _at_least("weight_decay", self.weight_decay, 0.0)
        _flag("nesterov", self.nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "nesterov=True needs momentum > 0 and dampening == 0; got "
                f"momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def init(self, params) -> SGDState:
        """The state before the first step (the buffer is filled by the first gradient)."""
        params = _init_params(params)
        return SGDState(t=0, momentum_buffer=np.zeros_like(params) if self.momentum else None)

    @_scalar_safe
    def step(self, params, grads, state: SGDState) -> tuple[np.ndarray, SGDState]:
        """One update; returns new ``(params, state)`` and leaves the inputs unchanged."""
        needs = ("momentum_buffer",) if self.momentum else ()
        params, grads = _check_step_inputs(params, grads, state, SGDState, needs)
        g = _add_weight_decay(grads, params, self.weight_decay)
        if not self.momentum:
            new = np.multiply(g, -self.learning_rate)
            new += params
            return new, SGDState(state.t + 1, None)
        if state.t == 0:
            buf = g.copy()
        else:
            buf = np.multiply(state.momentum_buffer, self.momentum)
            buf += g if self.dampening == 0 else (1.0 - self.dampening) * g
        if self.nesterov:  # direction g + mu * b
            new = np.multiply(buf, self.momentum)
            new += g
            new *= -self.learning_rate
        else:
            new = np.multiply(buf, -self.learning_rate)
        new += params
        return new, SGDState(state.t + 1, buf)


@dataclass(frozen=True)
class Momentum(SGD):
    r"""Heavy-ball momentum (Polyak 1964): :class:`SGD` with ``momentum=0.9`` by default.

    .. math::

        b_t = \mu b_{t-1} + g_t, \qquad \theta_t = \theta_{t-1} - \eta\, b_t

    (with :math:`b_1 = g_1`; the other options are those of :class:`SGD`).

    Examples
    --------
    >>> import numpy as np
    >>> opt = Momentum(learning_rate=0.1)
    >>> theta = np.array([1.0])
    >>> state = opt.init(theta)
    >>> for _ in range(2):
    ...     theta, state = opt.step(theta, np.array([1.0]), state)   # a constant gradient
    >>> round(float(theta[0]), 6), state.momentum_buffer.tolist()    # 1 - 0.1 * (1 + 1.9)
    (0.71, [1.9])
    """

    momentum: float = 0.9


@dataclass(frozen=True)
class Nesterov(SGD):
    r"""Nesterov momentum (Nesterov 1983; Sutskever et al. 2013), as ``torch.optim.SGD``
    computes it with ``nesterov=True``: ``momentum=0.9`` by default.

    .. math::

        b_t = \mu b_{t-1} + g_t, \qquad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu b_t)

    The step looks ahead along the buffer: it is Nesterov's accelerated gradient rewritten in
    terms of the current point (Sutskever et al. 2013, section 2.1). ``nesterov`` is fixed to
    True; use :class:`Momentum` for the heavy ball.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Nesterov(learning_rate=0.1)
    >>> theta, state = opt.step(np.array([1.0]), np.array([1.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6)                                    # 1 - 0.1 * (1 + 0.9)
    0.81
    """

    momentum: float = 0.9
    nesterov: bool = field(default=True, init=False)


# --------------------------------------------------------------------------------------------
# AdaGrad
# --------------------------------------------------------------------------------------------


class AdaGradState(NamedTuple):
    """State of :class:`AdaGrad`: the step count and the running sum of squared gradients."""

    t: int
    sum_sq: np.ndarray


@dataclass(frozen=True)
class AdaGrad:
    r"""AdaGrad: a step size per coordinate, shrinking with the gradients seen there.

    Step :math:`t = 1, 2, \dots` (``torch.optim.Adagrad``), with :math:`G_0` filled with
    ``initial_accumulator_value``:

    .. math::

        \tilde\eta_t &= \frac{\eta}{1 + (t - 1)\,\delta} \\
        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        G_t &= G_{t-1} + g_t^2 \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t\, \frac{g_t}{\sqrt{G_t} + \epsilon}

    (squares, roots and quotients are element-wise). Because :math:`G_t` only grows, the
    effective step :math:`\eta / \sqrt{G_t}` decays to zero: good for sparse features, too
    cautious for long non-convex training (chapter 4).

    Reference: Duchi, Hazan & Singer (2011), "Adaptive subgradient methods for online learning
    and stochastic optimization", JMLR 12.

    Parameters
    ----------
    learning_rate : float, default 1e-2
        :math:`\eta \ge 0`.
    lr_decay : float, default 0
        :math:`\delta \ge 0`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0` (L2, added to the gradient).
    initial_accumulator_value : float, default 0
        :math:`G_0 \ge 0`.
    eps : float, default 1e-10
        :math:`\epsilon > 0`, added outside the square root.

    Examples
    --------
    >>> import numpy as np
    >>> opt = AdaGrad(learning_rate=0.5)
    >>> theta = np.array([1.0, 1.0])
    >>> theta, state = opt.step(theta, np.array([4.0, 0.01]), opt.init(theta))
    >>> np.round(theta, 6).tolist()     # the first step is eta * sign(g) on every coordinate
    [0.5, 0.5]
    """

    learning_rate: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def __post_init__(self):
        _at_least("learning_rate", self.learning_rate, 0.0)
        _at_least("lr_decay", self.lr_decay, 0.0)
        _at_least("weight_decay", self.weight_decay, 0.0)
        _at_least("initial_accumulator_value", self.initial_accumulator_value, 0.0)
        _positive("eps", self.eps)

    def init(self, params) -> AdaGradState:
        params = _init_params(params)
        return AdaGradState(t=0, sum_sq=np.full_like(params, self.initial_accumulator_value))

    @_scalar_safe
    def step(self, params, grads, state: AdaGradState) -> tuple[np.ndarray, AdaGradState]:
        """One update; returns new ``(params, state)`` and leaves the inputs unchanged."""
        params, grads = _check_step_inputs(params, grads, state, AdaGradState, ("sum_sq",))
        t = state.t + 1
        lr = self.learning_rate / (1.0 + (t - 1) * self.lr_decay)
        g = _add_weight_decay(grads, params, self.weight_decay)
        sum_sq = np.multiply(g, g)
        sum_sq += state.sum_sq
        new = np.sqrt(sum_sq)  # the denominator, then the step, then the new parameters
        new += self.eps
        np.divide(g, new, out=new)
        new *= -lr
        new += params
        return new, AdaGradState(t, sum_sq)


# --------------------------------------------------------------------------------------------
# RMSProp
# --------------------------------------------------------------------------------------------


class RMSPropState(NamedTuple):
    """State of :class:`RMSProp`: step count, mean square ``v``, mean gradient ``g_avg``
    (only when ``centered``) and momentum buffer (only when ``momentum > 0``)."""

    t: int
    v: np.ndarray
    g_avg: np.ndarray | None
    momentum_buffer: np.ndarray | None


@dataclass(frozen=True)
class RMSProp:
    r"""RMSProp: divide by a running root mean square of recent gradients.

    Step :math:`t = 1, 2, \dots` (``torch.optim.RMSprop``), all buffers starting at zero:

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \tilde v_t &= \begin{cases} v_t - \bar g_t^2,\;
            \bar g_t = \alpha \bar g_{t-1} + (1 - \alpha) g_t & \text{centered} \\
            v_t & \text{otherwise} \end{cases} \\
        b_t &= \mu b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon} \\
        \theta_t &= \theta_{t-1} - \eta\, b_t

    (:math:`b_t` is just the scaled gradient when :math:`\mu = 0`). Unlike AdaGrad's sum, the
    moving average forgets: the step size no longer decays to zero. The centered variant
    divides by an estimate of the gradient's standard deviation instead of its RMS; when the
    gradient barely changes, that estimate :math:`v_t - \bar g_t^2` is a difference of two
    nearly equal numbers and rounding can make it negative, and the step NaN, exactly as in
    ``torch.optim.RMSprop``.

    References: Hinton, Srivastava & Swersky (2012), *Neural Networks for Machine Learning*,
    lecture 6e (who used :math:`\alpha = 0.9`; torch and this book default to 0.99); Graves
    (2013), "Generating sequences with recurrent neural networks" (the centered form).

    Parameters
    ----------
    learning_rate : float, default 1e-2
    alpha : float, default 0.99
        Decay of the mean square, in [0, 1).
    eps : float, default 1e-8
        Added outside the square root, > 0.
    weight_decay : float, default 0
    momentum : float, default 0
        In [0, 1).
    centered : bool, default False

    Examples
    --------
    >>> import numpy as np
    >>> opt = RMSProp(learning_rate=0.01)
    >>> theta, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> round(float(theta[0]), 6), np.round(state.v, 12).tolist()   # 1 - 0.01 * 2 / sqrt(0.04)
    (0.9, [0.04])
    """

    learning_rate: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    def __post_init__(self):
        _at_least("learning_rate", self.learning_rate, 0.0)
        _in_unit_interval("alpha", self.alpha)
        _positive("eps", self.eps)
        _at_least("weight_decay", self.weight_decay, 0.0)
        _in_unit_interval("momentum", self.momentum)
        _flag("centered", self.centered)

    def init(self, params) -> RMSPropState:
        params = _init_params(params)
        return RMSPropState(
            t=0,
            v=np.zeros_like(params),
            g_avg=np.zeros_like(params) if self.centered else None,
            momentum_buffer=np.zeros_like(params) if self.momentum else None,
        )

    @_scalar_safe
    def step(self, params, grads, state: RMSPropState) -> tuple[np.ndarray, RMSPropState]:
        """One update; returns new ``(params, state)`` and leaves the inputs unchanged."""
        needs = ("v",) + ("g_avg",) * self.centered + ("momentum_buffer",) * bool(self.momentum)
        params, grads = _check_step_inputs(params, grads, state, RMSPropState, needs)
        a = self.alpha
        g = _add_weight_decay(grads, params, self.weight_decay)
        work = np.multiply(g, g)  # (1 - a) g^2, then the denominator, then the new parameters
        work *= 1.0 - a
        v = np.multiply(state.v, a)
        v += work
        g_avg = None
        if self.centered:
            g_avg = np.multiply(state.g_avg, a)
            np.multiply(g, 1.0 - a, out=work)
            g_avg += work
            np.multiply(g_avg, g_avg, out=work)
            np.subtract(v, work, out=work)
            np.sqrt(work, out=work)
        else:
            np.sqrt(v, out=work)
        work += self.eps
        np.divide(g, work, out=work)  # g / (sqrt(v~) + eps)
        buf = None
        if self.momentum:
            buf = np.multiply(state.momentum_buffer, self.momentum)
            buf += work
            np.multiply(buf, -self.learning_rate, out=work)
        else:
            work *= -self.learning_rate
        work += params
        return work, RMSPropState(state.t + 1, v, g_avg, buf)


# --------------------------------------------------------------------------------------------
# Adam, AdamW
# --------------------------------------------------------------------------------------------


class AdamState(NamedTuple):
    """State of :class:`Adam`: step count, first moment ``m``, second moment ``v`` and, with
    ``amsgrad``, the running maximum ``v_max`` of ``v``."""

    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray | None


@dataclass(frozen=True)
class Adam:
    r"""Adam: momentum on the gradient and RMSProp's scaling, both bias-corrected.

    Step :math:`t = 1, 2, \dots` (``torch.optim.Adam``), with :math:`m_0 = v_0 = 0`:

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}
            \quad (\text{AMSGrad: } \frac{\max_{s \le t} v_s}{1 - \beta_2^t}) \\
        \theta_t &= \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    Without the bias correction the first steps would be off: :math:`m_1 = (1 - \beta_1) g_1`
    is a tenth of the gradient and :math:`v_1 = (1 - \beta_2) g_1^2` a thousandth of its
    square, so the first update would be :math:`(1 - \beta_1) / \sqrt{1 - \beta_2} \approx
    3.2` times the corrected one for the default betas (chapter 6). Epsilon sits outside
    the square root of the *corrected* :math:`\hat v_t`, as in the paper and torch; Keras adds
    it to the uncorrected root (the paper's ":math:`\hat\epsilon`" form), which differs in the
    first steps (chapter 6).

    References: Kingma & Ba (2015), "Adam: a method for stochastic optimization", ICLR;
    Reddi, Kale & Kumar (2018), "On the convergence of Adam and beyond", ICLR (AMSGrad).

    Parameters
    ----------
    learning_rate : float, default 1e-3
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moments, in [0, 1) (``betas`` in torch).
    eps : float, default 1e-8
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: an L2 penalty added to the gradient (see :class:`AdamW` for the
        decoupled decay).
    amsgrad : bool, default False

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adam(learning_rate=0.1)
    >>> theta = np.array([1.0, 1.0])
    >>> theta, state = opt.step(theta, np.array([3.0, -0.001]), opt.init(theta))
    >>> np.round(theta, 4).tolist()     # the first step is about eta * sign(g)
    [0.9, 1.1]
    """

    learning_rate: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    decoupled_weight_decay: bool = False

    def __post_init__(self):
        _at_least("learning_rate", self.learning_rate, 0.0)
        _in_unit_interval("beta1", self.beta1)
        _in_unit_interval("beta2", self.beta2)
        _positive("eps", self.eps)
        _at_least("weight_decay", self.weight_decay, 0.0)
        _flag("amsgrad", self.amsgrad)
        _flag("decoupled_weight_decay", self.decoupled_weight_decay)

    def init(self, params) -> AdamState:
        params = _init_params(params)
        return AdamState(
            t=0,
            m=np.zeros_like(params),
            v=np.zeros_like(params),
            v_max=np.zeros_like(params) if self.amsgrad else None,
        )

    @_scalar_safe
    def step(self, params, grads, state: AdamState) -> tuple[np.ndarray, AdamState]:
        """One update; returns new ``(params, state)`` and leaves the inputs unchanged."""
        needs = ("m", "v") + ("v_max",) * self.amsgrad
        params, grads = _check_step_inputs(params, grads, state, AdamState, needs)
        b1, b2, t = self.beta1, self.beta2, state.t + 1
        decoupled = self.decoupled_weight_decay
        g = grads if decoupled else _add_weight_decay(grads, params, self.weight_decay)
        work = np.multiply(g, 1.0 - b1)  # scratch, then the step, then the new parameters
        m = np.multiply(state.m, b1)
        m += work
        np.multiply(g, g, out=work)
        work *= 1.0 - b2
        v = np.multiply(state.v, b2)
        v += work
        v_max = np.maximum(state.v_max, v) if self.amsgrad else None
        # torch's arrangement: eta / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
        np.sqrt(v_max if self.amsgrad else v, out=work)
        work /= math.sqrt(1.0 - b2**t)
        work += self.eps
        np.divide(m, work, out=work)
        work *= -self.learning_rate / (1.0 - b1**t)
        if decoupled and self.weight_decay:  # theta (1 - eta lambda) - step
            work += params * (1.0 - self.learning_rate * self.weight_decay)
        else:
            work += params
        return work, AdamState(t, m, v, v_max)


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW: Adam with *decoupled* weight decay (Loshchilov & Hutter 2019).

    The parameters shrink by :math:`\eta\lambda` before the Adam step, instead of
    :math:`\lambda\theta` being added to the gradient (where Adam's scaling would weaken it
    exactly on the coordinates with large gradients):

    .. math::

        \theta_{t-1}' = (1 - \eta \lambda)\,\theta_{t-1}, \qquad
        \theta_t = \theta_{t-1}' - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`m, v` built from the plain gradient. As in ``torch.optim.AdamW`` the decay is
    multiplied by the learning rate (the paper writes a separate schedule multiplier), and
    ``weight_decay`` defaults to 1e-2.

    Reference: Loshchilov & Hutter (2019), "Decoupled weight decay regularization", ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> opt = AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> theta, _ = opt.step(np.array([2.0]), np.array([0.0]), opt.init(np.array([2.0])))
    >>> theta.tolist()                  # a zero gradient: only the decay, 2 * (1 - 0.05)
    [1.9]
    """

    weight_decay: float = 1e-2
    decoupled_weight_decay: bool = field(default=True, init=False)
