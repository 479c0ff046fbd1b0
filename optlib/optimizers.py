r"""The optimizers of the book: SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam and AdamW.

An optimizer is its hyperparameters (a frozen, validated dataclass) plus a pure update::

    opt = Adam(learning_rate=1e-3)
    state = opt.init(params)                         # a NamedTuple: state.t, state.m, state.v
    params, state = opt.step(params, grads, state)   # inputs are never modified

The update rules and the defaults are the algorithms documented for ``torch.optim`` (SGD,
Adagrad, RMSprop, Adam, AdamW), with ``learning_rate`` for ``lr`` and ``beta1, beta2`` for
``betas``, so a reader who moves to PyTorch gets the same numbers for the same hyperparameters.
Where other frameworks differ (Keras puts Adam's epsilon elsewhere, Hinton's RMSProp used
a decay :math:`\rho = 0.9`, Sutskever's momentum scales the buffer by the learning rate) the
chapters explain the difference rather than copy it.

Buffers an option does not use are ``None`` in the state (RMSProp's ``g_avg`` unless
``centered``, Adam's ``v_max`` unless ``amsgrad``), so a state holds only what the rule needs.
The rules after Adam (Adadelta to Muon) keep the same contract in :mod:`optlib.beyond_adam`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import numpy as np

from optlib import _checks

__all__ = [
    "SGD",
    "AdaGrad",
    "AdaGradState",
    "Adam",
    "AdamState",
    "AdamW",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "RMSPropState",
    "SGDState",
]


# --------------------------------------------------------------------------------------------
# In-place arithmetic for the update rules
# --------------------------------------------------------------------------------------------
#
# Speed note. Each rule is written once, as ``_update``: it overwrites the parameters and the
# state's buffers in place, with scratch arrays the caller keeps (no allocation per step). The
# training loops (optlib.train) call it directly on arrays they own. The public ``step`` copies
# first and then calls the same ``_update``, so it stays pure for readers at the price of the
# copies (benchmarks/bench_optimizers.py measures both paths against torch.optim). The
# arithmetic is done in the order of the NumPy rules of the chapters, rounding for rounding.


def _add_scaled(y: np.ndarray, x: np.ndarray, a: float, work: np.ndarray) -> None:
    """``y += a * x`` in place, through ``work`` (no new array).

    Two roundings, ``a * x`` then the sum, as NumPy code written by hand (and the chapters'
    own rules) computes it. A fused BLAS axpy would save a pass over memory, but its single
    rounding moves chaotic runs (centered RMSProp near the minimum) off the chapters' paths.
    """
    np.multiply(x, a, out=work)
    y += work


def _document_fields(state: type, **docs: str) -> None:
    """Give a state's fields their own docstrings: a NamedTuple field's default is "Alias for
    field number N", which is all the API page would show."""
    for name, doc in {"t": "The number of steps taken, :math:`t`.", **docs}.items():
        getattr(state, name).__doc__ = doc


class _Scratch:
    """Work arrays shaped like the parameters, made on first use and then reused: a training
    loop keeps one for all its steps, ``step`` makes a new one per call."""

    def __init__(self, like: np.ndarray):
        self._like = like
        self._arrays: list[np.ndarray] = []

    def __getitem__(self, i: int) -> np.ndarray:
        while len(self._arrays) <= i:
            self._arrays.append(np.empty_like(self._like))
        return self._arrays[i]


def _decayed(g: np.ndarray, p: np.ndarray, weight_decay: float, out: np.ndarray) -> np.ndarray:
    """L2 regularisation folded into the gradient, ``g + lambda * theta``, written into
    ``out`` (``g`` itself when there is no decay: the caller's gradient is never written)."""
    if weight_decay == 0.0:
        return g
    np.multiply(p, weight_decay, out=out)
    out += g
    return out


def _all_finite(a: np.ndarray) -> bool:
    # One pass and no temporary array: the sum of finite numbers is finite unless it
    # overflows, and only then is the exact (allocating) check needed.
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isfinite(float(np.add.reduce(a, axis=None))):
            return True
    return bool(np.isfinite(a).all())


def _squares_finite(g: np.ndarray) -> bool:
    """True when every ``g_i`` and ``g_i ** 2`` is finite: one BLAS pass (``g . g``)."""
    flat = g.reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isfinite(float(np.dot(flat, flat))):
            return True
        return bool(np.isfinite(np.square(flat)).all())


_NOT_FINITE = "not finite"
_SQUARES_OVERFLOW = "squares overflow"


def _gradient_fault(g: np.ndarray, squares: bool) -> str:
    """What is wrong with a gradient: the empty string for nothing, _NOT_FINITE for a NaN or
    an inf in ``g``, or, for a rule that squares ``g`` (``squares``), _SQUARES_OVERFLOW. One
    pass on the usual path; ``step`` and the training loops each word the fault for their
    caller."""
    if _squares_finite(g) if squares else _all_finite(g):
        return ""
    return _NOT_FINITE if not _all_finite(g) else _SQUARES_OVERFLOW


# --------------------------------------------------------------------------------------------
# The shared contract: validated hyperparameters, init, a pure step over an in-place rule
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Optimizer:
    """What every optimizer of optlib shares.

    A subclass is a frozen dataclass of hyperparameters that validates them in
    ``__post_init__`` (through ``optlib._checks``), names its state type in ``State`` (a
    NamedTuple whose first field is the step count ``t``), says which buffers an instance
    needs (``_buffers``) and writes its rule once, in place, in ``_update``.
    """

    State: ClassVar[type] = tuple
    # True for rules that square the gradient (their second moment overflows before the
    # parameters do: the step refuses it with the step number instead of dividing by inf).
    _squares: ClassVar[bool] = False
    # True for rules that need the parameters' own shape (Adafactor factors a matrix, Muon
    # orthogonalizes one); the element-wise rules see them flat.
    _keeps_shape: ClassVar[bool] = False
    # State fields that hold a float instead of an array (NAdam's running product).
    _scalars: ClassVar[tuple[str, ...]] = ()

    def _buffers(self) -> tuple[str, ...]:
        """The state fields that hold arrays for this instance's options (the others are
        None)."""
        raise NotImplementedError

    def _needed(self, params: np.ndarray) -> tuple[str, ...]:
        """The state fields this instance fills for these parameters (Adafactor's depend on
        whether they form a matrix)."""
        return self._buffers()

    def _buffer_shape(self, name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of buffer ``name`` for parameters of ``shape`` (theirs, for the
        element-wise rules)."""
        return shape

    def _initial(self, name: str, params: np.ndarray) -> np.ndarray:
        return np.zeros_like(params)

    def _update(self, p: np.ndarray, g: np.ndarray, state, lr: float, work: _Scratch):
        """The rule, in place: overwrite ``p`` and the state's buffers; return the state with
        ``t + 1``. Unchecked: the caller validated ``p``, ``g`` and ``state`` once."""
        raise NotImplementedError

    def init(self, params):
        """The state for ``params`` before the first step: ``t = 0`` and the buffers this rule
        needs."""
        params = _checks.finite_array("params", params, ints=False)
        needed = self._needed(params)
        fields = {
            name: (self._initial(name, params) if name in needed else None)
            for name in self.State._fields[1:]
        }
        return self.State(0, **fields)

    def step(self, params, grads, state):
        """One update of ``params`` by the gradient ``grads`` (same shape and dtype) from
        ``state`` (made by :meth:`init`); returns new ``(params, state)`` and leaves the inputs
        unchanged."""
        params, grads = self._check_step(params, grads, state)
        shape = params.shape

        def own(a: np.ndarray) -> np.ndarray:  # a copy for the rule to overwrite
            return (a if self._keeps_shape else a.reshape(-1)).copy()

        p = own(params)
        copied = self.State(
            state.t, *(own(b) if isinstance(b, np.ndarray) else b for b in state[1:])
        )
        g = grads if self._keeps_shape else grads.reshape(-1)
        new_state = self._update(p, g, copied, self.learning_rate, _Scratch(p))
        return p.reshape(shape), self.State(*_shaped(self, new_state, shape))

    def _check_step(self, params, grads, state) -> tuple[np.ndarray, np.ndarray]:
        """The front door of ``step``: arrays, shapes, dtypes, the state, finite gradients."""
        params = _checks.float_array("params", params, ints=False)
        grads = _checks.float_array("grads", grads, ints=False)
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
        self._check_state(state, params)
        fault = _gradient_fault(grads, self._squares)
        if fault == _NOT_FINITE:
            raise ValueError("grads contain NaN or inf: the loss or its gradient has diverged")
        if fault == _SQUARES_OVERFLOW:
            raise FloatingPointError(
                f"the squared gradient overflows {grads.dtype} at step {state.t + 1} "
                f"(largest |grads| = {float(np.max(np.abs(grads))):.3g}): the second moment "
                "would be inf and the step 0; scale the inputs or lower the learning rate"
            )
        return params, grads

    def _check_state(self, state, params: np.ndarray) -> None:
        name = type(self).__name__
        if not isinstance(state, self.State):
            raise TypeError(
                f"state must be the {self.State.__name__} returned by init() of this optimizer "
                f"({name}); got {type(state).__name__}"
            )
        _checks.integer("state.t", state.t, low=0)
        needed = self._needed(params)
        for buf_name, buf in zip(state._fields[1:], state[1:], strict=True):
            if buf_name in needed and buf is None:  # e.g. a state of SGD() given to Momentum()
                raise ValueError(
                    f"state.{buf_name} is None: the state was made by init() of an optimizer "
                    f"with other options; make it with {name}(...).init(params)"
                )
            if buf is None:
                continue
            if buf_name in self._scalars:
                _checks.real(f"state.{buf_name}", buf)
                continue
            expected = self._buffer_shape(buf_name, params.shape)
            if not isinstance(buf, np.ndarray) or buf.shape != expected:
                need = "" if expected == params.shape else f", which need {expected} here"
                raise ValueError(
                    f"state.{buf_name} has shape {np.shape(buf)} but params have shape "
                    f"{params.shape}{need}: was the state made by init() for other parameters?"
                )
            if buf.dtype != params.dtype:
                raise TypeError(
                    f"state.{buf_name} has dtype {buf.dtype} but params have dtype "
                    f"{params.dtype}: make the state with init() of these parameters"
                )


def _shaped(opt: Optimizer, state: tuple, shape: tuple[int, ...]) -> list:
    """``state`` with each array buffer in the shape ``opt`` gives it for parameters of
    ``shape`` (floats and None pass through)."""
    return [state[0]] + [
        b if not isinstance(b, np.ndarray) else b.reshape(opt._buffer_shape(name, shape))
        for name, b in zip(state._fields[1:], state[1:], strict=True)
    ]


class SGDState(NamedTuple):
    """State of :class:`SGD`: the step count and the momentum buffer (None without momentum)."""

    t: int
    momentum_buffer: np.ndarray | None


_document_fields(
    SGDState, momentum_buffer="The momentum buffer :math:`b_t` (None without momentum)."
)


@dataclass(frozen=True)
class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional momentum, dampening, Nesterov and L2 decay.

    With weight decay :math:`\lambda`, momentum :math:`\beta` and dampening :math:`\tau`, step
    :math:`t = 1, 2, \dots` is (``torch.optim.SGD``)

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        b_t &= \begin{cases} g_t & t = 1 \\
                             \beta b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases} \\
        \tilde b_t &= \begin{cases} g_t + \beta b_t & \text{nesterov} \\
                             b_t & \text{otherwise} \end{cases} \\
        \theta_t &= \theta_{t-1} - \eta\, \tilde b_t

    and plain gradient descent, :math:`\theta_t = \theta_{t-1} - \eta g_t`, when
    :math:`\beta = 0`. The buffer :math:`b` sums past gradients *without* the learning rate
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
        :math:`\beta \in [0, 1)`.
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

    State: ClassVar[type] = SGDState

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("momentum", self.momentum, low=0.0, high=1.0, high_open=True)
        _checks.real("dampening", self.dampening, low=0.0, high=1.0)
        _checks.real("weight_decay", self.weight_decay, low=0.0)
        _checks.flag("nesterov", self.nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "nesterov=True needs momentum > 0 and dampening == 0; got "
                f"momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def _buffers(self):
        return ("momentum_buffer",) if self.momentum else ()

    def _update(self, p, g, state, lr, work):
        g = _decayed(g, p, self.weight_decay, work[0])
        w = work[1]
        if not self.momentum:
            _add_scaled(p, g, -lr, w)
            return SGDState(state.t + 1, None)
        beta, b = self.momentum, state.momentum_buffer
        if state.t == 0:  # the buffer starts as the first gradient
            np.copyto(b, g)
        else:  # b = beta b + (1 - tau) g
            b *= beta
            if self.dampening == 0:
                b += g
            else:
                _add_scaled(b, g, 1.0 - self.dampening, w)
        if self.nesterov:  # direction g + beta b
            np.multiply(b, beta, out=w)
            w += g
            w *= -lr
            p += w
        else:
            _add_scaled(p, b, -lr, w)
        return SGDState(state.t + 1, b)


@dataclass(frozen=True)
class Momentum(SGD):
    r"""Heavy-ball momentum (Polyak 1964): :class:`SGD` with ``momentum=0.9`` by default.

    .. math::

        b_t = \beta b_{t-1} + g_t, \qquad \theta_t = \theta_{t-1} - \eta\, b_t

    (with :math:`b_1 = g_1`; the other options are those of :class:`SGD`).

    Parameters
    ----------
    learning_rate : float, default 1e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    momentum : float, default 0.9
        :math:`\beta \in [0, 1)`.
    dampening : float, default 0
        :math:`\tau \in [0, 1]`, scales the new gradient in the buffer.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, L2 penalty added to the gradient.
    nesterov : bool, default False
        True is :class:`Nesterov`.

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

        b_t = \beta b_{t-1} + g_t, \qquad \theta_t = \theta_{t-1} - \eta\,(g_t + \beta b_t)

    The step looks ahead along the buffer: it is Nesterov's accelerated gradient rewritten in
    terms of the current point (Bengio, Boulanger-Lewandowski & Pascanu 2013, "Advances in
    optimizing recurrent networks"; Sutskever et al. 2013 analyse the look-ahead form).
    ``nesterov`` is fixed to True; use :class:`Momentum` for the heavy ball.

    Parameters
    ----------
    learning_rate : float, default 1e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    momentum : float, default 0.9
        :math:`\beta \in (0, 1)`.
    dampening : float, default 0
        Must stay 0 with Nesterov's form (as in torch).
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, L2 penalty added to the gradient.

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


_document_fields(AdaGradState, sum_sq="The running sum of squared gradients, :math:`s_t`.")


@dataclass(frozen=True)
class AdaGrad(Optimizer):
    r"""AdaGrad: a step size per coordinate, shrinking with the gradients seen there.

    Step :math:`t = 1, 2, \dots` (``torch.optim.Adagrad``), with :math:`s_0` filled with
    ``initial_accumulator_value``:

    .. math::

        \tilde\eta_t &= \frac{\eta}{1 + (t - 1)\,\delta} \\
        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        s_t &= s_{t-1} + g_t^2 \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    (squares, roots and quotients are element-wise). Because :math:`s_t` only grows, the
    effective step :math:`\eta / \sqrt{s_t}` can only shrink. It decays to zero while the
    squared gradients keep coming (their sum diverges), and freezes at a positive value when
    they die out fast enough for the sum to converge, as on a bowl where the iterates close
    in at a linear rate (chapter 4). Good for sparse features, too cautious for long
    non-convex training.

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
        :math:`s_0 \ge 0`.
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

    State: ClassVar[type] = AdaGradState
    _squares: ClassVar[bool] = True

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("lr_decay", self.lr_decay, low=0.0)
        _checks.real("weight_decay", self.weight_decay, low=0.0)
        _checks.real("initial_accumulator_value", self.initial_accumulator_value, low=0.0)
        _checks.real("eps", self.eps, low=0.0, low_open=True)

    def _buffers(self):
        return ("sum_sq",)

    def _initial(self, name, params):
        return np.full_like(params, self.initial_accumulator_value)

    def _update(self, p, g, state, lr, work):
        t = state.t + 1
        lr = lr / (1.0 + (t - 1) * self.lr_decay)
        g = _decayed(g, p, self.weight_decay, work[0])
        s, w = state.sum_sq, work[1]
        np.multiply(g, g, out=w)  # G += g^2
        s += w
        np.sqrt(s, out=w)  # g / (sqrt(G) + eps)
        w += self.eps
        np.divide(g, w, out=w)
        w *= -lr
        p += w
        return AdaGradState(t, s)


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


_document_fields(
    RMSPropState,
    v="The running mean of squared gradients, :math:`v_t`.",
    g_avg="The running mean gradient :math:`\\bar g_t` (None unless ``centered``).",
    momentum_buffer="The buffer :math:`b_t` of scaled gradients (None without momentum).",
)


@dataclass(frozen=True)
class RMSProp(Optimizer):
    r"""RMSProp: divide by a running root mean square of recent gradients.

    Step :math:`t = 1, 2, \dots` (``torch.optim.RMSprop``), all buffers starting at zero:

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \tilde v_t &= \begin{cases} v_t - \bar g_t^2,\;
            \bar g_t = \rho \bar g_{t-1} + (1 - \rho) g_t & \text{centered} \\
            v_t & \text{otherwise} \end{cases} \\
        b_t &= \beta b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon} \\
        \theta_t &= \theta_{t-1} - \eta\, b_t

    (:math:`b_t` is just the scaled gradient when :math:`\beta = 0`). Unlike AdaGrad's sum, the
    moving average forgets: the step size no longer only shrinks. The centered variant
    divides by an estimate of the gradient's standard deviation instead of its RMS; when the
    gradient barely changes, that estimate :math:`v_t - \bar g_t^2` is a difference of two
    nearly equal numbers and rounding can make it negative, and the step NaN, exactly as in
    ``torch.optim.RMSprop``.

    References: Hinton, Srivastava & Swersky (2012), *Neural Networks for Machine Learning*,
    lecture 6e (who used :math:`\rho = 0.9`; torch and this book default to 0.99); Graves
    (2013), "Generating sequences with recurrent neural networks" (the centered form).

    Parameters
    ----------
    learning_rate : float, default 1e-2
        :math:`\eta \ge 0` (``lr`` in torch).
    alpha : float, default 0.99
        :math:`\rho \in [0, 1)`, the decay of the mean square (``alpha`` in torch).
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added outside the square root.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, L2 penalty added to the gradient.
    momentum : float, default 0
        :math:`\beta \in [0, 1)`, the decay of the buffer :math:`b_t` of scaled gradients.
    centered : bool, default False
        Divide by the centered :math:`\sqrt{v_t - \bar g_t^2}`, an estimate of the
        gradient's standard deviation, instead of the root mean square :math:`\sqrt{v_t}`
        (Graves 2013); the state then keeps the mean gradient :math:`\bar g_t` too.

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

    State: ClassVar[type] = RMSPropState
    _squares: ClassVar[bool] = True

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("alpha", self.alpha, low=0.0, high=1.0, high_open=True)
        _checks.real("eps", self.eps, low=0.0, low_open=True)
        _checks.real("weight_decay", self.weight_decay, low=0.0)
        _checks.real("momentum", self.momentum, low=0.0, high=1.0, high_open=True)
        _checks.flag("centered", self.centered)

    def _buffers(self):
        return ("v",) + ("g_avg",) * self.centered + ("momentum_buffer",) * bool(self.momentum)

    def _update(self, p, g, state, lr, work):
        a = self.alpha
        g = _decayed(g, p, self.weight_decay, work[0])
        v, w = state.v, work[1]
        np.multiply(g, g, out=w)  # v = a v + (1 - a) g^2
        w *= 1.0 - a
        v *= a
        v += w
        if self.centered:  # sqrt(v - g_avg^2), g_avg = a g_avg + (1 - a) g
            g_avg = state.g_avg
            g_avg *= a
            _add_scaled(g_avg, g, 1.0 - a, w)
            np.multiply(g_avg, g_avg, out=w)
            np.subtract(v, w, out=w)
            np.sqrt(w, out=w)
        else:
            np.sqrt(v, out=w)
        w += self.eps
        np.divide(g, w, out=w)  # g / (sqrt(v~) + eps)
        b = state.momentum_buffer
        if self.momentum:
            b *= self.momentum
            b += w
            _add_scaled(p, b, -lr, w)
        else:
            w *= -lr
            p += w
        return RMSPropState(state.t + 1, v, state.g_avg, b)


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


_document_fields(
    AdamState,
    m="The first moment estimate :math:`m_t`, before bias correction.",
    v="The second moment estimate :math:`v_t`, before bias correction.",
    v_max="The running maximum of :math:`v_t` (None without ``amsgrad``).",
)


@dataclass(frozen=True)
class Adam(Optimizer):
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
        :math:`\eta \ge 0` (``lr`` in torch).
    beta1 : float, default 0.9
        :math:`\beta_1`, the decay rate of the first moment :math:`m`, in [0, 1) (``betas[0]``
        in torch).
    beta2 : float, default 0.999
        :math:`\beta_2`, the decay rate of the second moment :math:`v`, in [0, 1) (``betas[1]``
        in torch).
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added to :math:`\sqrt{\hat v_t}`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: an L2 penalty added to the gradient (see :class:`AdamW` for the
        decoupled decay).
    amsgrad : bool, default False
        Divide by the largest :math:`v` seen so far, bias-corrected at the current step
        (Reddi et al.'s AMSGrad, as torch computes it).
    decoupled_weight_decay : bool, default False
        Decay the weights directly, :math:`\theta \leftarrow \theta - \eta\lambda\theta`,
        instead of adding :math:`\lambda\theta` to the gradient: this is :class:`AdamW`
        (``decoupled_weight_decay`` in torch's ``Adam``).

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

    State: ClassVar[type] = AdamState
    _squares: ClassVar[bool] = True

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("beta1", self.beta1, low=0.0, high=1.0, high_open=True)
        _checks.real("beta2", self.beta2, low=0.0, high=1.0, high_open=True)
        _checks.real("eps", self.eps, low=0.0, low_open=True)
        _checks.real("weight_decay", self.weight_decay, low=0.0)
        _checks.flag("amsgrad", self.amsgrad)
        _checks.flag("decoupled_weight_decay", self.decoupled_weight_decay)

    def _buffers(self):
        return ("m", "v") + ("v_max",) * self.amsgrad

    def _update(self, p, g, state, lr, work):
        b1, b2, t = self.beta1, self.beta2, state.t + 1
        if self.decoupled_weight_decay:
            if self.weight_decay:  # theta (1 - eta lambda), before the step
                p *= 1.0 - lr * self.weight_decay
        else:
            g = _decayed(g, p, self.weight_decay, work[0])
        m, v, w = state.m, state.v, work[1]
        m *= b1  # m = b1 m + (1 - b1) g
        _add_scaled(m, g, 1.0 - b1, w)
        np.multiply(g, g, out=w)  # v = b2 v + (1 - b2) g^2
        w *= 1.0 - b2
        v *= b2
        v += w
        if self.amsgrad:
            np.maximum(state.v_max, v, out=state.v_max)
        # torch's arrangement: eta / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
        np.sqrt(state.v_max if self.amsgrad else v, out=w)
        w /= math.sqrt(1.0 - b2**t)
        w += self.eps
        np.divide(m, w, out=w)
        w *= -lr / (1.0 - b1**t)
        p += w
        return AdamState(t, m, v, state.v_max)


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

    Parameters
    ----------
    learning_rate : float, default 1e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    beta1 : float, default 0.9
        :math:`\beta_1 \in [0, 1)`, as in :class:`Adam`.
    beta2 : float, default 0.999
        :math:`\beta_2 \in [0, 1)`, as in :class:`Adam`.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added to :math:`\sqrt{\hat v_t}`.
    weight_decay : float, default 1e-2
        :math:`\lambda \ge 0`: each step multiplies the parameters by
        :math:`1 - \eta\lambda`.
    amsgrad : bool, default False
        As in :class:`Adam`.

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
