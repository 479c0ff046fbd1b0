r"""The optimizers after Adam (chapter 10): Adadelta, Adamax, NAdam, RAdam, Adafactor, Muon, Lion.

They keep the contract of :mod:`optlib.optimizers` (a frozen, validated dataclass, ``init``
and a pure ``step``) and follow ``torch.optim`` 2.13's algorithms and defaults, Lion those of
the ``lion-pytorch`` package (its authors' reference). ``tests/golden/torch_optim.json``
holds torch's trajectories and the tests hold every rule to them.

Read together, they tell preconditioning from diagonal to factored to orthogonalized:
Adadelta, Adamax, NAdam and RAdam scale each coordinate, as Adam does; Adafactor stores a
matrix's second moment as a row and a column, rows + cols numbers instead of
rows × cols; Lion keeps only the sign; Muon replaces a matrix's momentum by the nearest
orthogonal matrix (:func:`newton_schulz`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from optlib import _checks
from optlib.optimizers import Optimizer, _add_scaled, _decayed, _document_fields

__all__ = [
    "Adadelta",
    "AdadeltaState",
    "Adafactor",
    "AdafactorState",
    "Adamax",
    "AdamaxState",
    "Lion",
    "LionState",
    "Muon",
    "MuonState",
    "NAdam",
    "NAdamState",
    "RAdam",
    "RAdamState",
    "newton_schulz",
]


def _lerp(a: np.ndarray, b: np.ndarray, w: float, work: np.ndarray) -> None:
    """``a += w * (b - a)`` in place, torch's ``a.lerp_(b, w)`` for ``w < 0.5``."""
    np.subtract(b, a, out=work)
    work *= w
    a += work


def _decay_weights(p: np.ndarray, lr: float, weight_decay: float) -> None:
    r"""Decoupled weight decay, :math:`\theta \leftarrow (1 - \eta\lambda)\theta`."""
    if weight_decay:
        p *= 1.0 - lr * weight_decay


# --------------------------------------------------------------------------------------------
# Adadelta
# --------------------------------------------------------------------------------------------


class AdadeltaState(NamedTuple):
    """State of :class:`Adadelta`: the step count and two running averages."""

    t: int
    square_avg: np.ndarray
    acc_delta: np.ndarray


_document_fields(
    AdadeltaState,
    square_avg="The running average of squared gradients, :math:`v_t`.",
    acc_delta="The running average of squared updates, :math:`u_t`.",
)


@dataclass(frozen=True)
class Adadelta(Optimizer):
    r"""Adadelta: RMSProp whose step size comes from the updates themselves.

    Step :math:`t = 1, 2, \dots` (``torch.optim.Adadelta``), with :math:`v_0 = u_0 = 0`:

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t &= \rho u_{t-1} + (1 - \rho) \Delta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta\, \Delta_t

    Zeiler's units argument: :math:`g / \sqrt{v}` has no units, so an update in the units of
    :math:`\theta` needs a numerator in those units, the root mean square of past updates
    :math:`\sqrt{u}`. The paper has no learning rate (:math:`\eta = 1`, the default here);
    torch adds the multiplier, and puts :math:`\epsilon` inside both roots.

    Reference: Zeiler (2012), "ADADELTA: an adaptive learning rate method", arXiv:1212.5701.

    Parameters
    ----------
    learning_rate : float, default 1.0
        :math:`\eta \ge 0`, a multiplier of the update (``lr`` in torch).
    rho : float, default 0.9
        :math:`\rho \in [0, 1)`, the decay of both running averages.
    eps : float, default 1e-6
        :math:`\epsilon > 0`, inside both square roots; it sets the size of the first steps,
        about :math:`\eta \sqrt{\epsilon / (1 - \rho)}`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, an L2 penalty added to the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adadelta()
    >>> theta, state = opt.step(np.array([1.0]), np.array([100.0]), opt.init(np.array([1.0])))
    >>> round(float(1.0 - theta[0]), 6)    # sqrt(eps) / sqrt(0.1 * g^2 + eps) * g
    0.003162
    """

    learning_rate: float = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0

    State: ClassVar[type] = AdadeltaState
    _squares: ClassVar[bool] = True

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("rho", self.rho, low=0.0, high=1.0, high_open=True)
        _checks.real("eps", self.eps, low=0.0, low_open=True)
        _checks.real("weight_decay", self.weight_decay, low=0.0)

    def _buffers(self):
        return ("square_avg", "acc_delta")

    def _update(self, p, g, state, lr, work):
        rho, eps = self.rho, self.eps
        g = _decayed(g, p, self.weight_decay, work[0])
        v, u, w, delta = state.square_avg, state.acc_delta, work[1], work[2]
        np.multiply(g, g, out=w)  # v = rho v + (1 - rho) g^2
        w *= 1.0 - rho
        v *= rho
        v += w
        np.add(u, eps, out=delta)  # delta = sqrt(u + eps) / sqrt(v + eps) * g
        np.sqrt(delta, out=delta)
        np.add(v, eps, out=w)
        np.sqrt(w, out=w)
        delta /= w
        delta *= g
        np.multiply(delta, delta, out=w)  # u = rho u + (1 - rho) delta^2
        w *= 1.0 - rho
        u *= rho
        u += w
        _add_scaled(p, delta, -lr, w)
        return AdadeltaState(state.t + 1, v, u)


# --------------------------------------------------------------------------------------------
# Adamax
# --------------------------------------------------------------------------------------------


class AdamaxState(NamedTuple):
    """State of :class:`Adamax`: the step count, the first moment and the infinity norm."""

    t: int
    m: np.ndarray
    u: np.ndarray


_document_fields(
    AdamaxState,
    m="The first moment estimate :math:`m_t`, before bias correction.",
    u=r"The exponentially weighted infinity norm :math:`u_t` of the gradients.",
)


@dataclass(frozen=True)
class Adamax(Optimizer):
    r"""Adamax: Adam with the infinity norm in place of the root mean square.

    Step :math:`t = 1, 2, \dots` (``torch.optim.Adamax``), with :math:`m_0 = u_0 = 0`:

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\, \frac{m_t}{u_t}

    Adam's :math:`v_t` is a weighted :math:`L^2` norm of past gradients; letting the power go
    to infinity gives a weighted maximum, :math:`u_t`. It needs no bias correction (a
    maximum is not pulled towards its zero start) and no squares, so it cannot overflow
    where Adam's :math:`g^2` would. torch puts :math:`\epsilon` inside the maximum, where it
    keeps :math:`u_t > 0`; the paper has none.

    Reference: Kingma & Ba (2015), "Adam: a method for stochastic optimization", ICLR,
    section 7.1.

    Parameters
    ----------
    learning_rate : float, default 2e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    beta1 : float, default 0.9
        :math:`\beta_1 \in [0, 1)`, the decay of the first moment.
    beta2 : float, default 0.999
        :math:`\beta_2 \in [0, 1)`, the decay of the infinity norm.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added to :math:`|g_t|` inside the maximum.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, an L2 penalty added to the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adamax(learning_rate=0.1)
    >>> theta, _ = opt.step(np.zeros(2), np.array([5.0, -0.01]), opt.init(np.zeros(2)))
    >>> np.round(theta, 6).tolist()     # the first step is eta * sign(g)
    [-0.1, 0.1]
    """

    learning_rate: float = 2e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0

    State: ClassVar[type] = AdamaxState

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("beta1", self.beta1, low=0.0, high=1.0, high_open=True)
        _checks.real("beta2", self.beta2, low=0.0, high=1.0, high_open=True)
        _checks.real("eps", self.eps, low=0.0, low_open=True)
        _checks.real("weight_decay", self.weight_decay, low=0.0)

    def _buffers(self):
        return ("m", "u")

    def _update(self, p, g, state, lr, work):
        t = state.t + 1
        g = _decayed(g, p, self.weight_decay, work[0])
        m, u, w = state.m, state.u, work[1]
        _lerp(m, g, 1.0 - self.beta1, w)  # m = b1 m + (1 - b1) g
        np.abs(g, out=w)  # u = max(b2 u, |g| + eps)
        w += self.eps
        u *= self.beta2
        np.maximum(u, w, out=u)
        np.divide(m, u, out=w)
        w *= -lr / (1.0 - self.beta1**t)
        p += w
        return AdamaxState(t, m, u)


# --------------------------------------------------------------------------------------------
# NAdam
# --------------------------------------------------------------------------------------------


class NAdamState(NamedTuple):
    """State of :class:`NAdam`: the step count, the two moments and the product of the
    momentum schedule."""

    t: int
    m: np.ndarray
    v: np.ndarray
    mu_product: float


_document_fields(
    NAdamState,
    m="The first moment estimate :math:`m_t`, before bias correction.",
    v="The second moment estimate :math:`v_t`, before bias correction.",
    mu_product=r"The product :math:`\prod_{s \le t} \mu_s` of the momentum schedule (1 at "
    ":math:`t = 0`).",
)


@dataclass(frozen=True)
class NAdam(Optimizer):
    r"""NAdam: Adam with Nesterov's look-ahead on the first moment.

    Step :math:`t = 1, 2, \dots` (``torch.optim.NAdam``), with :math:`m_0 = v_0 = 0`, a
    momentum schedule :math:`\mu_t = \beta_1 (1 - \tfrac12 \cdot 0.96^{t\psi})` and
    :math:`\pi_t = \prod_{s \le t} \mu_s`:

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad
            \hat v_t = \frac{v_t}{1 - \beta_2^t} \\
        \theta_t &= \theta_{t-1} - \eta \left(
            \frac{1 - \mu_t}{1 - \pi_t}\, g_t + \frac{\mu_{t+1}}{1 - \pi_{t+1}}\, m_t
            \right) \Big/ \left(\sqrt{\hat v_t} + \epsilon\right)

    Nesterov momentum applied to Adam: the step uses the momentum of the *next* step,
    :math:`\mu_{t+1} m_t`, plus the current gradient, each bias-corrected by the running
    product of the schedule. The schedule :math:`\mu_t` warms the momentum up from
    :math:`\beta_1 / 2` towards :math:`\beta_1` at the rate :math:`\psi` (``momentum_decay``).

    Reference: Dozat (2016), "Incorporating Nesterov momentum into Adam", ICLR workshop.

    Parameters
    ----------
    learning_rate : float, default 2e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    beta1 : float, default 0.9
        :math:`\beta_1 \in [0, 1)`, the decay of the first moment and the limit of
        :math:`\mu_t`.
    beta2 : float, default 0.999
        :math:`\beta_2 \in [0, 1)`, the decay of the second moment.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added to :math:`\sqrt{\hat v_t}`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: an L2 penalty added to the gradient, or with
        ``decoupled_weight_decay`` the factor :math:`1 - \eta\lambda` on the parameters.
    momentum_decay : float, default 4e-3
        :math:`\psi \ge 0`, how fast :math:`\mu_t` approaches :math:`\beta_1`.
    decoupled_weight_decay : bool, default False
        Decay the weights directly, as :class:`~optlib.optimizers.AdamW` does (NAdamW).

    Examples
    --------
    >>> import numpy as np
    >>> opt = NAdam(learning_rate=0.1)
    >>> theta, state = opt.step(np.zeros(1), np.array([2.0]), opt.init(np.zeros(1)))
    >>> round(float(theta[0]), 4), round(state.mu_product, 4)   # eta (1 + 0.0565), mu_1
    (-0.1056, 0.4501)
    """

    learning_rate: float = 2e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3
    decoupled_weight_decay: bool = False

    State: ClassVar[type] = NAdamState
    _squares: ClassVar[bool] = True
    _scalars: ClassVar[tuple[str, ...]] = ("mu_product",)

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("beta1", self.beta1, low=0.0, high=1.0, high_open=True)
        _checks.real("beta2", self.beta2, low=0.0, high=1.0, high_open=True)
        _checks.real("eps", self.eps, low=0.0, low_open=True)
        _checks.real("weight_decay", self.weight_decay, low=0.0)
        _checks.real("momentum_decay", self.momentum_decay, low=0.0)
        _checks.flag("decoupled_weight_decay", self.decoupled_weight_decay)

    def _buffers(self):
        return ("m", "v", "mu_product")

    def _initial(self, name, params):
        return 1.0 if name == "mu_product" else np.zeros_like(params)

    def mu(self, t: int) -> float:
        r"""The momentum schedule at step ``t``,
        :math:`\mu_t = \beta_1 (1 - \tfrac12 \cdot 0.96^{t\psi})`."""
        return self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def _update(self, p, g, state, lr, work):
        b1, b2, t = self.beta1, self.beta2, state.t + 1
        if self.decoupled_weight_decay:
            _decay_weights(p, lr, self.weight_decay)
        else:
            g = _decayed(g, p, self.weight_decay, work[0])
        mu, mu_next = self.mu(t), self.mu(t + 1)
        mu_product = state.mu_product * mu
        m, v, w, denom = state.m, state.v, work[1], work[2]
        _lerp(m, g, 1.0 - b1, w)
        np.multiply(g, g, out=w)  # v = b2 v + (1 - b2) g^2
        w *= 1.0 - b2
        v *= b2
        v += w
        np.divide(v, 1.0 - b2**t, out=denom)  # sqrt(v_hat) + eps
        np.sqrt(denom, out=denom)
        denom += self.eps
        np.divide(g, denom, out=w)
        w *= -lr * (1.0 - mu) / (1.0 - mu_product)
        p += w
        np.divide(m, denom, out=w)
        w *= -lr * mu_next / (1.0 - mu_product * mu_next)
        p += w
        return NAdamState(t, m, v, mu_product)


# --------------------------------------------------------------------------------------------
# RAdam
# --------------------------------------------------------------------------------------------


class RAdamState(NamedTuple):
    """State of :class:`RAdam`: the step count and Adam's two moments."""

    t: int
    m: np.ndarray
    v: np.ndarray


_document_fields(
    RAdamState,
    m="The first moment estimate :math:`m_t`, before bias correction.",
    v="The second moment estimate :math:`v_t`, before bias correction.",
)


@dataclass(frozen=True)
class RAdam(Optimizer):
    r"""RAdam: Adam that waits for its second moment to be trustworthy.

    Step :math:`t = 1, 2, \dots` (``torch.optim.RAdam``), with Adam's :math:`m_t, v_t` and
    :math:`\hat m_t = m_t / (1 - \beta_1^t)`, and the length of the approximated simple
    moving average

    .. math::

        \varrho_\infty = \frac{2}{1 - \beta_2} - 1, \qquad
        \varrho_t = \varrho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}.

    While :math:`\varrho_t \le 5` the variance of :math:`\hat v_t` is too large to divide by,
    and the step is momentum SGD, :math:`\theta_t = \theta_{t-1} - \eta \hat m_t`. After,

    .. math::

        r_t &= \sqrt{\frac{(\varrho_t - 4)(\varrho_t - 2)\,\varrho_\infty}
                          {(\varrho_\infty - 4)(\varrho_\infty - 2)\,\varrho_t}} \\
        \theta_t &= \theta_{t-1} - \eta\, r_t\, \hat m_t\,
            \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}

    The rectification :math:`r_t` rises from about 0 to 1: a warmup derived from the
    variance of the adaptive step instead of tuned. torch switches at :math:`\varrho_t > 5`,
    where the paper says 4; with :math:`\beta_2 = 0.999` the first 5 steps are plain
    momentum. (The paper writes :math:`\rho`; here :math:`\rho` is a decay rate.)

    Reference: Liu, Jiang, He, Chen, Liu, Gao & Han (2020), "On the variance of the adaptive
    learning rate and beyond", ICLR.

    Parameters
    ----------
    learning_rate : float, default 1e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    beta1 : float, default 0.9
        :math:`\beta_1 \in [0, 1)`, the decay of the first moment.
    beta2 : float, default 0.999
        :math:`\beta_2 \in [0, 1)`, the decay of the second moment.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added to :math:`\sqrt{v_t}`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: an L2 penalty added to the gradient, or with
        ``decoupled_weight_decay`` the factor :math:`1 - \eta\lambda` on the parameters.
    decoupled_weight_decay : bool, default False
        Decay the weights directly, as :class:`~optlib.optimizers.AdamW` does.

    Examples
    --------
    >>> import numpy as np
    >>> opt = RAdam(learning_rate=0.1)
    >>> theta, _ = opt.step(np.zeros(1), np.array([2.0]), opt.init(np.zeros(1)))
    >>> theta.tolist()                  # unrectified: eta * m_hat = eta * g
    [-0.2]
    """

    learning_rate: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False

    State: ClassVar[type] = RAdamState
    _squares: ClassVar[bool] = True

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("beta1", self.beta1, low=0.0, high=1.0, high_open=True)
        _checks.real("beta2", self.beta2, low=0.0, high=1.0, high_open=True)
        _checks.real("eps", self.eps, low=0.0, low_open=True)
        _checks.real("weight_decay", self.weight_decay, low=0.0)
        _checks.flag("decoupled_weight_decay", self.decoupled_weight_decay)

    def _buffers(self):
        return ("m", "v")

    def rectification(self, t: int) -> float | None:
        r"""The rectification :math:`r_t` of step ``t`` (from 1), or None at the steps where
        :math:`\varrho_t \le 5` (no adaptive step)."""
        b2 = self.beta2
        rho_inf = 2.0 / (1.0 - b2) - 1.0
        rho_t = rho_inf - 2.0 * t * b2**t / (1.0 - b2**t)
        if rho_t <= 5.0:
            return None
        return (
            (rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)
        ) ** 0.5

    def _update(self, p, g, state, lr, work):
        b1, b2, t = self.beta1, self.beta2, state.t + 1
        if self.decoupled_weight_decay:
            _decay_weights(p, lr, self.weight_decay)
        else:
            g = _decayed(g, p, self.weight_decay, work[0])
        m, v, w, step = state.m, state.v, work[1], work[2]
        _lerp(m, g, 1.0 - b1, w)
        np.multiply(g, g, out=w)  # v = b2 v + (1 - b2) g^2
        w *= 1.0 - b2
        v *= b2
        v += w
        np.divide(m, 1.0 - b1**t, out=step)  # m_hat
        step *= lr
        r = self.rectification(t)
        if r is not None:  # lr m_hat * sqrt(1 - b2^t) / (sqrt(v) + eps) * r, torch's order
            np.sqrt(v, out=w)
            w += self.eps
            np.divide(math.sqrt(1.0 - b2**t), w, out=w)
            step *= w
            step *= r
        p -= step
        return RAdamState(t, m, v)


# --------------------------------------------------------------------------------------------
# Adafactor
# --------------------------------------------------------------------------------------------


class AdafactorState(NamedTuple):
    """State of :class:`Adafactor`: the step count and the second moment, factored for a
    matrix (``row_var``, ``col_var``) or whole for a vector (``variance``)."""

    t: int
    row_var: np.ndarray | None
    col_var: np.ndarray | None
    variance: np.ndarray | None


_document_fields(
    AdafactorState,
    row_var="The running mean of squared gradients over each row, :math:`R_t` (one number "
    "per row; None for a vector).",
    col_var="The running mean of squared gradients over each column, :math:`C_t` (one number "
    "per column; None for a vector).",
    variance="The running average of squared gradients, :math:`v_t`, for a vector (None "
    "for a matrix).",
)


@dataclass(frozen=True)
class Adafactor(Optimizer):
    r"""Adafactor: Adam's second moment in rows + cols numbers for a rows × cols matrix,
    and a step size relative to the parameters' size.

    Step :math:`t = 1, 2, \dots` (``torch.optim.Adafactor``), with a decay
    :math:`\hat\beta_{2,t} = 1 - t^{c}` (``beta2_decay`` :math:`c \le 0`), a relative step
    :math:`\varsigma_t = \min(\eta, 1/\sqrt t)` and
    :math:`\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\,\varsigma_t`. For a matrix
    :math:`g_t` (the gradient) the row and column means of :math:`g_t^2` are averaged,

    .. math::

        R_t &= \hat\beta_{2,t} R_{t-1} + (1 - \hat\beta_{2,t})\, \mathrm{mean}_j\, g_{t,ij}^2,
        \qquad
        C_t = \hat\beta_{2,t} C_{t-1} + (1 - \hat\beta_{2,t})\, \mathrm{mean}_i\, g_{t,ij}^2 \\
        \hat V_t &= \frac{R_t C_t^\top}{\max(\mathrm{mean}(R_t), \epsilon_1)}

    (a vector keeps the whole average :math:`\hat V_t = v_t` instead), and then

    .. math::

        Z_t &= \frac{g_t}{\sqrt{\max(\hat V_t, \epsilon_1^2)}} \\
        \theta_t &= (1 - \eta\lambda)\,\theta_{t-1}
            - \frac{\alpha_t}{\max(1, \mathrm{RMS}(Z_t) / d)}\, Z_t

    :math:`\hat V_t` is the rank-one matrix whose row and column means are :math:`R_t` and
    :math:`C_t`, those of the averaged :math:`G^2`: Shazeer & Stern show it is the closest
    rank-one matrix to that average in I-divergence (a generalized Kullback–Leibler
    divergence), and equal to it when the average has rank one. There is no first moment (no
    :math:`\beta_1`). The update is clipped to an RMS of at most :math:`d`, and
    its size follows the parameters' own RMS, so that one setting suits weights of any scale
    (:math:`\eta` only caps the relative step). As in torch, matrices are the arrays
    of two or more dimensions (the last two are factored), the weight decay is multiplied by
    :math:`\eta` rather than :math:`\alpha_t`, and :math:`\alpha_t` uses the parameters
    before the decay.

    Reference: Shazeer & Stern (2018), "Adafactor: adaptive learning rates with sublinear
    memory cost", ICML.

    Parameters
    ----------
    learning_rate : float, default 1e-2
        :math:`\eta \ge 0`, the largest relative step (``lr`` in torch).
    beta2_decay : float, default -0.8
        :math:`c \le 0`: the second moment's decay is :math:`1 - t^c`.
    eps1 : float or None, default None
        :math:`\epsilon_1 > 0`, the floor of the variance estimate (squared) and of
        :math:`\mathrm{mean}(R_t)`; None is the machine epsilon of the parameters' dtype
        (``eps[0]`` in torch).
    eps2 : float, default 1e-3
        :math:`\epsilon_2 > 0`, the smallest parameter RMS the step is relative to, so that
        parameters at zero still move (``eps[1]`` in torch).
    d : float, default 1.0
        :math:`d \ge 1`, the clipping threshold on the RMS of :math:`Z_t`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, decoupled: each step multiplies the parameters by
        :math:`1 - \eta\lambda`.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adafactor()
    >>> W = np.ones((300, 200))
    >>> state = opt.init(W)
    >>> state.row_var.shape, state.col_var.shape, state.variance   # 500 numbers, not 60,000
    ((300,), (200,), None)
    >>> W, state = opt.step(W, np.ones((300, 200)), state)
    >>> float(W[0, 0])                  # 1 - alpha_1 = 1 - RMS(W) * min(eta, 1)
    0.99
    """

    learning_rate: float = 1e-2
    beta2_decay: float = -0.8
    eps1: float | None = None
    eps2: float = 1e-3
    d: float = 1.0
    weight_decay: float = 0.0

    State: ClassVar[type] = AdafactorState
    _squares: ClassVar[bool] = True
    _keeps_shape: ClassVar[bool] = True

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("beta2_decay", self.beta2_decay, high=0.0)
        if self.eps1 is not None:
            _checks.real("eps1", self.eps1, low=0.0, low_open=True)
        _checks.real("eps2", self.eps2, low=0.0, low_open=True)
        _checks.real("d", self.d, low=1.0)
        _checks.real("weight_decay", self.weight_decay, low=0.0)

    def _buffers(self):
        return ("row_var", "col_var", "variance")

    def _needed(self, params):
        return ("row_var", "col_var") if params.ndim >= 2 else ("variance",)

    def _buffer_shape(self, name, shape):
        if name == "row_var":
            return shape[:-1]
        if name == "col_var":
            return shape[:-2] + shape[-1:]
        return shape

    def _initial(self, name, params):
        return np.zeros(self._buffer_shape(name, params.shape), dtype=params.dtype)

    def _update(self, p, g, state, lr, work):
        t = state.t + 1
        if p.size == 0:  # nothing to scale (and no RMS to take)
            return AdafactorState(t, state.row_var, state.col_var, state.variance)
        eps1 = np.finfo(p.dtype).eps if self.eps1 is None else self.eps1
        weight = float(t) ** self.beta2_decay  # 1 - beta2_hat_t
        step_size = min(lr, 1.0 / math.sqrt(t))
        rms = float(np.linalg.norm(p.reshape(-1))) / math.sqrt(p.size)
        alpha = max(self.eps2, rms) * step_size
        _decay_weights(p, lr, self.weight_decay)
        w, u = work[0], work[1]
        np.multiply(g, g, out=w)
        if state.variance is None:  # a matrix: factored
            row, col = state.row_var, state.col_var
            _lerp(row, w.mean(axis=-1), weight, np.empty_like(row))
            _lerp(col, w.mean(axis=-2), weight, np.empty_like(col))
            np.multiply(row[..., :, None], col[..., None, :], out=u)
            u /= np.maximum(row.mean(axis=-1), eps1)[..., None, None]
        else:
            _lerp(state.variance, w, weight, u)
            np.copyto(u, state.variance)
        np.maximum(u, eps1 * eps1, out=u)  # U = g / sqrt(max(V_hat, eps1^2))
        np.sqrt(u, out=u)
        np.divide(g, u, out=u)
        clip = max(1.0, float(np.linalg.norm(u.reshape(-1))) / (math.sqrt(u.size) * self.d))
        _add_scaled(p, u, -alpha / clip, w)
        return AdafactorState(t, state.row_var, state.col_var, state.variance)


# --------------------------------------------------------------------------------------------
# Lion
# --------------------------------------------------------------------------------------------


class LionState(NamedTuple):
    """State of :class:`Lion`: the step count and the momentum."""

    t: int
    m: np.ndarray


_document_fields(LionState, m="The momentum :math:`m_t`, an average of gradients.")


@dataclass(frozen=True)
class Lion(Optimizer):
    r"""Lion: the sign of a momentum, the same step size on every coordinate.

    Step :math:`t = 1, 2, \dots` (the ``lion-pytorch`` package, the authors' reference),
    with :math:`m_0 = 0`:

    .. math::

        \theta_t &= (1 - \eta\lambda)\,\theta_{t-1}
            - \eta\, \operatorname{sign}\big(\beta_1 m_{t-1} + (1 - \beta_1) g_t\big) \\
        m_t &= \beta_2 m_{t-1} + (1 - \beta_2) g_t

    Every coordinate moves by exactly :math:`\pm\eta` (or 0), so an update has a larger norm
    than Adam's, whose entries are mostly below :math:`\eta` in size: Lion wants a learning
    rate 3 to 10 times smaller, and a weight decay that much larger for the same
    :math:`\eta\lambda`. Two betas: the sign looks at a short mix (:math:`\beta_1`), the
    stored momentum is a longer average (:math:`\beta_2`). It keeps one buffer, Adam two.

    Reference: Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu & Le (2023),
    "Symbolic discovery of optimization algorithms", NeurIPS.

    Parameters
    ----------
    learning_rate : float, default 1e-4
        :math:`\eta \ge 0` (``lr``).
    beta1 : float, default 0.9
        :math:`\beta_1 \in [0, 1)`, the weight of the momentum in the sign.
    beta2 : float, default 0.99
        :math:`\beta_2 \in [0, 1)`, the decay of the momentum.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, decoupled: each step multiplies the parameters by
        :math:`1 - \eta\lambda`.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Lion(learning_rate=0.1)
    >>> theta, _ = opt.step(np.zeros(3), np.array([5.0, -1e-6, 0.0]), opt.init(np.zeros(3)))
    >>> theta.tolist()                  # -eta * sign(g), whatever the size of g
    [-0.1, 0.1, 0.0]
    """

    learning_rate: float = 1e-4
    beta1: float = 0.9
    beta2: float = 0.99
    weight_decay: float = 0.0

    State: ClassVar[type] = LionState

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("beta1", self.beta1, low=0.0, high=1.0, high_open=True)
        _checks.real("beta2", self.beta2, low=0.0, high=1.0, high_open=True)
        _checks.real("weight_decay", self.weight_decay, low=0.0)

    def _buffers(self):
        return ("m",)

    def _update(self, p, g, state, lr, work):
        m, w, c = state.m, work[0], work[1]
        _decay_weights(p, lr, self.weight_decay)
        np.multiply(m, self.beta1, out=c)  # c = sign(b1 m + (1 - b1) g)
        _add_scaled(c, g, 1.0 - self.beta1, w)
        np.sign(c, out=c)
        _add_scaled(p, c, -lr, w)
        m *= self.beta2  # m = b2 m + (1 - b2) g
        _add_scaled(m, g, 1.0 - self.beta2, w)
        return LionState(state.t + 1, m)


# --------------------------------------------------------------------------------------------
# Muon
# --------------------------------------------------------------------------------------------


def newton_schulz(G, steps: int = 5, coefficients=(3.4445, -4.775, 2.0315), eps: float = 1e-7):
    r"""Map a matrix towards the nearest orthogonal one, :math:`U V^\top` for
    :math:`G = U \Omega V^\top`, by a quintic Newton–Schulz iteration (Muon's step).

    After scaling :math:`X_0 = G / \max(\lVert G \rVert_F, \epsilon)` (every singular value in
    (0, 1]), each of the ``steps`` iterations is

    .. math::

        A = X X^\top, \qquad X \leftarrow a X + (b A + c A^2) X

    which applies :math:`\omega \mapsto a\omega + b\omega^3 + c\omega^5` to every singular
    value and keeps the singular vectors. Jordan's coefficients make that polynomial
    steep at 0, so that small singular values grow fast; the price is that they end near 1,
    not at 1: five steps take every value from 1% to 100% of :math:`\lVert G \rVert_F` into
    [0.68, 1.14]. A tall matrix is transposed first so that :math:`A` is the smaller Gram
    matrix. This runs in the dtype of ``G`` (float64 for a float64 ``G``);
    ``torch.optim.Muon`` runs it in bfloat16, about 3 significant digits.

    Reference: Jordan, Jin, Boza, You, Cesista, Newhouse & Bernstein (2024), "Muon: an
    optimizer for hidden layers in neural networks", kellerjordan.github.io/posts/muon.

    Parameters
    ----------
    G : array_like, 2-D
        A real matrix.
    steps : int, default 5
        The number of iterations, 0 to 99.
    coefficients : tuple of 3 floats, default (3.4445, -4.775, 2.0315)
        :math:`(a, b, c)`.
    eps : float, default 1e-7
        :math:`\epsilon > 0`, the floor of the norm that :math:`G` is divided by.

    Returns
    -------
    numpy.ndarray
        An array of the shape of ``G``.

    Examples
    --------
    >>> import numpy as np
    >>> G = np.diag([10.0, 1.0, 0.1])
    >>> np.round(np.diag(newton_schulz(G)), 2).tolist()   # singular values 10, 1, 0.1, made alike
    [0.7, 0.71, 0.7]
    """
    G = _checks.finite_array("G", G, ints=False)
    if G.ndim != 2:
        raise ValueError(f"G must be a 2-D matrix; got an array of shape {G.shape}")
    steps = _checks.integer("steps", steps, low=0, high=99)
    a, b, c = _ns_coefficients(coefficients)
    eps = _checks.real("eps", eps, low=0.0, low_open=True)
    return _newton_schulz(G, steps, (a, b, c), eps)


def _ns_coefficients(coefficients) -> tuple[float, float, float]:
    if not isinstance(coefficients, (tuple, list)) or len(coefficients) != 3:
        raise ValueError(f"ns_coefficients must be 3 numbers (a, b, c); got {coefficients!r}")
    a, b, c = (_checks.real(f"ns_coefficients[{i}]", x) for i, x in enumerate(coefficients))
    return a, b, c


def _newton_schulz(G: np.ndarray, steps: int, coefficients, eps: float) -> np.ndarray:
    a, b, c = coefficients
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / max(float(np.linalg.norm(X)), eps)
    for _ in range(steps):
        A = X @ X.T
        B = b * A + c * (A @ A)
        X = a * X + B @ X
    return X.T if tall else X


class MuonState(NamedTuple):
    """State of :class:`Muon`: the step count and the momentum buffer."""

    t: int
    momentum_buffer: np.ndarray


_document_fields(
    MuonState, momentum_buffer="The momentum :math:`b_t`, an average of gradient matrices."
)


_ADJUST_LR = (None, "original", "match_rms_adamw")


@dataclass(frozen=True)
class Muon(Optimizer):
    r"""Muon: momentum, orthogonalized, for the weight matrices of a network.

    Step :math:`t = 1, 2, \dots` (``torch.optim.Muon``) of a rows × cols matrix, with
    :math:`b_0 = 0`:

    .. math::

        b_t &= \beta b_{t-1} + (1 - \beta) g_t \\
        \tilde b_t &= \begin{cases} \beta b_t + (1 - \beta) g_t & \text{nesterov} \\
                             b_t & \text{otherwise} \end{cases} \\
        O_t &= \mathrm{NS}(\tilde b_t) \approx U V^\top \quad (\tilde b_t = U \Omega V^\top) \\
        \theta_t &= (1 - \eta\lambda)\,\theta_{t-1} - \eta\, \gamma\, O_t

    where :math:`\mathrm{NS}` is :func:`newton_schulz` and
    :math:`\gamma = \sqrt{\max(1, \text{rows}/\text{cols})}` (``adjust_lr_fn="original"``) or
    :math:`0.2\sqrt{\max(\text{rows}, \text{cols})}` (``"match_rms_adamw"``, an update of AdamW's
    typical RMS). Orthogonalizing sets every singular value of the update to
    about 1: the directions that momentum barely moves along get as large a step as the
    dominant one. The buffer is an exponential average (torch's ``lerp``), not the sum that
    SGD's momentum keeps, and the weight decay uses :math:`\eta` without :math:`\gamma`.

    Muon is for 2-D parameters only: the biases, gains and embeddings of a network go to
    another optimizer, AdamW in torch's documentation. torch orthogonalizes in bfloat16; this
    runs in the parameters' dtype, so its steps agree with torch's to bfloat16's precision
    (within 3% of an update's size) and with torch's rule run in float64 to 12 digits.

    Reference: Jordan, Jin, Boza, You, Cesista, Newhouse & Bernstein (2024), "Muon: an
    optimizer for hidden layers in neural networks", kellerjordan.github.io/posts/muon.

    Parameters
    ----------
    learning_rate : float, default 1e-3
        :math:`\eta \ge 0` (``lr`` in torch).
    weight_decay : float, default 0.1
        :math:`\lambda \ge 0`, decoupled: each step multiplies the parameters by
        :math:`1 - \eta\lambda`.
    momentum : float, default 0.95
        :math:`\beta \in [0, 1)`.
    nesterov : bool, default True
        Orthogonalize the look-ahead :math:`\beta b_t + (1 - \beta) g_t` instead of :math:`b_t`.
    ns_coefficients : tuple of 3 floats, default (3.4445, -4.775, 2.0315)
        :math:`(a, b, c)` of :func:`newton_schulz`.
    eps : float, default 1e-7
        :math:`\epsilon > 0`, the floor of the norm in :func:`newton_schulz`.
    ns_steps : int, default 5
        Newton–Schulz iterations, 0 to 99.
    adjust_lr_fn : {None, "original", "match_rms_adamw"}, default None
        The factor :math:`\gamma` (None is "original").

    Examples
    --------
    >>> import numpy as np
    >>> opt = Muon(learning_rate=0.1, weight_decay=0.0)
    >>> W = np.zeros((2, 2))
    >>> W, _ = opt.step(W, np.diag([100.0, 1.0]), opt.init(W))
    >>> np.round(np.diag(W), 3).tolist()  # a gradient 100 times larger, the same step
    [-0.07, -0.07]
    """

    learning_rate: float = 1e-3
    weight_decay: float = 0.1
    momentum: float = 0.95
    nesterov: bool = True
    ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315)
    eps: float = 1e-7
    ns_steps: int = 5
    adjust_lr_fn: str | None = None

    State: ClassVar[type] = MuonState
    _keeps_shape: ClassVar[bool] = True

    def __post_init__(self):
        _checks.real("learning_rate", self.learning_rate, low=0.0)
        _checks.real("weight_decay", self.weight_decay, low=0.0)
        _checks.real("momentum", self.momentum, low=0.0, high=1.0, high_open=True)
        _checks.flag("nesterov", self.nesterov)
        _ns_coefficients(self.ns_coefficients)
        _checks.real("eps", self.eps, low=0.0, low_open=True)
        _checks.integer("ns_steps", self.ns_steps, low=0, high=99)
        _checks.one_of("adjust_lr_fn", self.adjust_lr_fn, _ADJUST_LR)

    def _buffers(self):
        return ("momentum_buffer",)

    def init(self, params):
        """The state before the first step; ``params`` must be a matrix."""
        _check_matrix(params)
        return super().init(params)

    def _check_step(self, params, grads, state):
        _check_matrix(params)
        return super()._check_step(params, grads, state)

    def lr_factor(self, shape: tuple[int, int]) -> float:
        r"""The factor :math:`\gamma` on the learning rate for a matrix of ``shape``."""
        rows, cols = shape[:2]
        if self.adjust_lr_fn == "match_rms_adamw":
            return 0.2 * math.sqrt(max(rows, cols))
        return math.sqrt(max(1.0, rows / cols))

    def _update(self, p, g, state, lr, work):
        beta, b, w = self.momentum, state.momentum_buffer, work[0]
        _lerp(b, g, 1.0 - beta, w)  # b = beta b + (1 - beta) g
        if self.nesterov:  # torch's g.lerp(b, beta): b - (b - g)(1 - beta)
            np.subtract(b, g, out=w)
            w *= 1.0 - beta
            np.subtract(b, w, out=w)
            d = w
        else:
            d = b
        update = _newton_schulz(d, self.ns_steps, self.ns_coefficients, self.eps)
        _decay_weights(p, lr, self.weight_decay)
        _add_scaled(p, update, -lr * self.lr_factor(p.shape), w)
        return MuonState(state.t + 1, b)


def _check_matrix(params) -> None:
    shape = np.shape(params)
    if len(shape) != 2 or 0 in shape:
        raise ValueError(
            f"Muon takes 2-D parameters (a weight matrix); got params of shape {shape}. Give "
            "vectors (biases, gains) to another optimizer, such as AdamW"
        )
