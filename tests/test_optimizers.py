"""optlib.optimizers: update rules worked by hand, defaults, purity, convergence, validation.

The first steps of every optimizer and option are written out as arithmetic on a 2-vector,
following the algorithms documented for ``torch.optim`` (and restated in the docstrings of
optlib.optimizers). All worked examples start from the same point and see the same gradients,
which change direction between steps so that momenta and running averages matter::

    theta_0 = [1.0, -2.0]
    g_1 = [0.5, -1.0],  g_2 = [-0.25, 2.0],  g_3 = [1.0, 0.5]

Convergence table (``test_reaches_the_minimiser``; distance of the last point to the nearest
minimiser, deterministic gradients, each run well under 0.2 s):

============  ===========================================  ==========  =====  ======
objective     optimizer                                    x0          steps  tol
============  ===========================================  ==========  =====  ======
quadratic     SGD(lr=0.18)  (lr = 2 / (mu + L))            (1.5,-0.8)    200  1e-8
quadratic     Momentum(lr=0.1)                             (1.5,-0.8)    500  1e-8
quadratic     Nesterov(lr=0.1)                             (1.5,-0.8)    300  1e-8
quadratic     AdaGrad(lr=1)                                (1.5,-0.8)    300  1e-8
quadratic     RMSProp(lr=1e-3)  (hovers within ~lr)        (1.5,-0.8)   3000  1e-2
quadratic     Adam(lr=0.05)                                (1.5,-0.8)   1000  1e-8
quadratic     AdamW(lr=0.05, wd=1e-2)                      (1.5,-0.8)   1000  1e-8
Rosenbrock    Momentum(lr=1e-3)                            (-1.2, 1)    3000  1e-4
Rosenbrock    Nesterov(lr=1e-3)                            (-1.2, 1)    3000  1e-4
Rosenbrock    Adam(lr=0.05)                                (-1.2, 1)    3000  1e-4
Beale         SGD(lr=0.01)                                 (1, 1)       3000  1e-3
Beale         Momentum(lr=1e-3)                            (1, 1)       3000  1e-3
Beale         AdaGrad(lr=0.5)                              (1, 1)       1000  1e-5
Beale         RMSProp(lr=1e-3)  (hovers within ~lr)        (1, 1)       3000  1e-2
Beale         Adam(lr=0.05)                                (1, 1)       1000  1e-6
Booth         SGD(lr=0.05)                                 (0, 0)        500  1e-8
Booth         Momentum(lr=0.02)                            (0, 0)        500  1e-8
Booth         Nesterov(lr=0.02)                            (0, 0)        500  1e-8
Booth         AdaGrad(lr=1)                                (0, 0)       1000  1e-8
Booth         RMSProp(lr=0.01)                             (0, 0)       2000  1e-6
Booth         Adam(lr=0.1)                                 (0, 0)       1000  1e-8
Himmelblau    SGD(lr=0.01)                                 (0, 0)        300  1e-8
Himmelblau    Momentum(lr=2e-3)                            (-3, 2)      1000  1e-8
Himmelblau    Nesterov(lr=2e-3)                            (-1, 1)       500  1e-8
Himmelblau    AdaGrad(lr=0.5)                              (2, -1)       500  1e-8
Himmelblau    RMSProp(lr=0.01)  (hovers within ~lr)        (-1, -1)     1000  1e-2
Himmelblau    Adam(lr=0.05)                                (-2, -2)     1000  1e-8
============  ===========================================  ==========  =====  ======

(the quadratic has eigenvalues [1, 10]; Himmelblau's starts reach each of its four minima).
"""

import dataclasses
import math

import numpy as np
import pytest

from optlib import (
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    Beale,
    Booth,
    Himmelblau,
    Momentum,
    Nesterov,
    Quadratic,
    RMSProp,
    Rosenbrock,
    minimize,
)
from optlib.beyond_adam import Adadelta, Adamax, Lion, NAdam, RAdam
from optlib.optimizers import AdaGradState, AdamState, RMSPropState, SGDState

THETA0 = [1.0, -2.0]
G1, G2, G3 = [0.5, -1.0], [-0.25, 2.0], [1.0, 0.5]


def run(opt, grads, theta0=THETA0):
    """Apply ``opt.step`` once per gradient from ``theta0``; the (params, state) after each."""
    params = np.array(theta0)
    state = opt.init(params)
    history = []
    for g in grads:
        params, state = opt.step(params, np.array(g), state)
        history.append((params, state))
    return history


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-15)


def approx(actual, expected):
    """For the "to within eps" remarks: eps = 1e-8 or 1e-10 shifts the numbers slightly."""
    np.testing.assert_allclose(actual, expected, rtol=1e-7)


def a(*values):
    """A float vector, to keep the worked examples short."""
    return np.array(values, dtype=float)


# One instance of each optimizer with every option switched on (used by the purity, dtype,
# shape, determinism and step-validation tests).
ALL_OPTIONS = {
    "sgd": SGD(learning_rate=0.1, momentum=0.9, dampening=0.3, weight_decay=0.1),
    "sgd-nesterov": SGD(learning_rate=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    "momentum": Momentum(learning_rate=0.1, dampening=0.3, weight_decay=0.1),
    "nesterov": Nesterov(learning_rate=0.1, weight_decay=0.1),
    "adagrad": AdaGrad(
        learning_rate=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6
    ),
    "rmsprop": RMSProp(
        learning_rate=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True
    ),
    "adam": Adam(
        learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, amsgrad=True
    ),
    "adamw": AdamW(learning_rate=0.01, weight_decay=0.3, amsgrad=True),
    # Beyond Adam: the element-wise ones (Adafactor and Muon, which see matrices, are tested
    # in test_beyond_adam.py)
    "adadelta": Adadelta(learning_rate=0.5, rho=0.8, eps=1e-4, weight_decay=0.1),
    "adamax": Adamax(learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1),
    "nadam": NAdam(learning_rate=0.01, weight_decay=0.1, momentum_decay=0.05),
    "nadamw": NAdam(learning_rate=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    "radam": RAdam(learning_rate=0.01, beta2=0.9, weight_decay=0.1),
    "lion": Lion(learning_rate=0.01, weight_decay=0.5),
}
all_options = pytest.mark.parametrize("opt", ALL_OPTIONS.values(), ids=ALL_OPTIONS.keys())


def state_arrays(state):
    """The buffers of a state by field name (the ones that are arrays, not None or t)."""
    return {k: v for k, v in state._asdict().items() if isinstance(v, np.ndarray)}


# --------------------------------------------------------------------------------------------
# 1. The first steps, by hand
# --------------------------------------------------------------------------------------------


class TestSGDByHand:
    def test_plain(self):
        (p1, s1), (p2, s2), (p3, s3) = run(SGD(learning_rate=0.1), [G1, G2, G3])
        close(p1, a(1.0 - 0.1 * 0.5, -2.0 - 0.1 * -1.0))  # [0.95, -1.9]
        close(p2, a(0.95 - 0.1 * -0.25, -1.9 - 0.1 * 2.0))  # [0.975, -2.1]
        close(p3, a(0.975 - 0.1 * 1.0, -2.1 - 0.1 * 0.5))  # [0.875, -2.15]
        assert (s1.t, s2.t, s3.t) == (1, 2, 3)
        assert s1.momentum_buffer is None and s3.momentum_buffer is None

    def test_momentum(self):
        (p1, s1), (p2, s2), (p3, s3) = run(SGD(learning_rate=0.1, momentum=0.9), [G1, G2, G3])
        # step 1: the buffer starts as the gradient itself
        close(s1.momentum_buffer, a(0.5, -1.0))
        close(p1, a(1.0 - 0.1 * 0.5, -2.0 - 0.1 * -1.0))  # [0.95, -1.9]
        # step 2: b = 0.9 b + g
        close(s2.momentum_buffer, a(0.9 * 0.5 - 0.25, 0.9 * -1.0 + 2.0))  # [0.2, 1.1]
        close(p2, a(0.95 - 0.1 * 0.2, -1.9 - 0.1 * 1.1))  # [0.93, -2.01]
        # step 3
        close(s3.momentum_buffer, a(0.9 * 0.2 + 1.0, 0.9 * 1.1 + 0.5))  # [1.18, 1.49]
        close(p3, a(0.93 - 0.1 * 1.18, -2.01 - 0.1 * 1.49))  # [0.812, -2.159]
        assert s3.t == 3

    def test_dampening(self):
        opt = SGD(learning_rate=0.1, momentum=0.9, dampening=0.5)
        (p1, s1), (p2, s2), (p3, s3) = run(opt, [G1, G2, G3])
        # step 1: as in torch, the first buffer is the undampened gradient
        close(s1.momentum_buffer, a(0.5, -1.0))
        close(p1, a(0.95, -1.9))
        # step 2: b = 0.9 b + (1 - 0.5) g
        close(s2.momentum_buffer, a(0.9 * 0.5 + 0.5 * -0.25, 0.9 * -1.0 + 0.5 * 2.0))
        close(p2, a(0.95 - 0.1 * 0.325, -1.9 - 0.1 * 0.1))  # [0.9175, -1.91]
        # step 3
        close(s3.momentum_buffer, a(0.9 * 0.325 + 0.5 * 1.0, 0.9 * 0.1 + 0.5 * 0.5))
        close(p3, a(0.9175 - 0.1 * 0.7925, -1.91 - 0.1 * 0.34))  # [0.83825, -1.944]

    def test_nesterov(self):
        opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
        (p1, s1), (p2, s2), (p3, s3) = run(opt, [G1, G2, G3])
        # the buffer is the heavy-ball one; the step is along g + 0.9 b
        close(s1.momentum_buffer, a(0.5, -1.0))
        close(p1, a(1.0 - 0.1 * (0.5 + 0.9 * 0.5), -2.0 - 0.1 * (-1.0 + 0.9 * -1.0)))
        close(p1, a(0.905, -1.81))
        close(s2.momentum_buffer, a(0.2, 1.1))
        close(p2, a(0.905 - 0.1 * (-0.25 + 0.9 * 0.2), -1.81 - 0.1 * (2.0 + 0.9 * 1.1)))
        close(p2, a(0.912, -2.109))
        close(s3.momentum_buffer, a(1.18, 1.49))
        close(p3, a(0.912 - 0.1 * (1.0 + 0.9 * 1.18), -2.109 - 0.1 * (0.5 + 0.9 * 1.49)))
        close(p3, a(0.7058, -2.2931))

    def test_weight_decay(self):
        (p1, _), (p2, s2) = run(SGD(learning_rate=0.1, weight_decay=0.1), [G1, G2])
        # g' = g + 0.1 theta
        close(p1, a(1.0 - 0.1 * (0.5 + 0.1 * 1.0), -2.0 - 0.1 * (-1.0 + 0.1 * -2.0)))
        close(p1, a(0.94, -1.88))
        close(p2, a(0.94 - 0.1 * (-0.25 + 0.1 * 0.94), -1.88 - 0.1 * (2.0 + 0.1 * -1.88)))
        close(p2, a(0.9556, -2.0612))
        assert s2.momentum_buffer is None

    def test_momentum_dampening_and_weight_decay_together(self):
        opt = SGD(learning_rate=0.1, momentum=0.9, dampening=0.5, weight_decay=0.1)
        (p1, s1), (p2, s2) = run(opt, [G1, G2])
        # step 1: g' = [0.5 + 0.1, -1.0 - 0.2] = [0.6, -1.2] fills the buffer
        close(s1.momentum_buffer, a(0.6, -1.2))
        close(p1, a(1.0 - 0.1 * 0.6, -2.0 - 0.1 * -1.2))  # [0.94, -1.88]
        # step 2: g' = [-0.25 + 0.094, 2.0 - 0.188] = [-0.156, 1.812]; the decay enters b
        close(s2.momentum_buffer, a(0.9 * 0.6 + 0.5 * -0.156, 0.9 * -1.2 + 0.5 * 1.812))
        close(p2, a(0.94 - 0.1 * 0.462, -1.88 - 0.1 * -0.174))  # [0.8938, -1.8626]

    def test_nesterov_class_with_weight_decay(self):
        (p1, s1), (p2, s2) = run(Nesterov(learning_rate=0.1, weight_decay=0.1), [G1, G2])
        # step 1: g' = [0.6, -1.2] = b; direction g' + 0.9 b = 1.9 g'
        close(s1.momentum_buffer, a(0.6, -1.2))
        close(p1, a(1.0 - 0.1 * 1.9 * 0.6, -2.0 - 0.1 * 1.9 * -1.2))  # [0.886, -1.772]
        # step 2: g' = g + 0.1 p1 = [-0.1614, 1.8228]; b = 0.9 b + g' = [0.3786, 0.7428]
        g2 = a(-0.25 + 0.1 * 0.886, 2.0 + 0.1 * -1.772)
        b2 = a(0.9 * 0.6, 0.9 * -1.2) + g2
        close(s2.momentum_buffer, a(0.3786, 0.7428))
        close(p2, a(0.886, -1.772) - 0.1 * (g2 + 0.9 * b2))
        close(p2, a(0.868066, -2.021132))


class TestAdaGradByHand:
    def test_plain(self):
        (p1, s1), (p2, s2), (p3, s3) = run(AdaGrad(learning_rate=0.1), [G1, G2, G3])
        # G_1 = g_1^2; the first step is 0.1 * sign(g) (up to eps = 1e-10)
        close(s1.sum_sq, a(0.5**2, 1.0**2))
        close(p1, a(1.0 - 0.1 * 0.5 / (0.5 + 1e-10), -2.0 - 0.1 * -1.0 / (1.0 + 1e-10)))
        # G_2 = G_1 + g_2^2 = [0.3125, 5.0]
        close(s2.sum_sq, a(0.25 + 0.0625, 1.0 + 4.0))
        close(p2, p1 - 0.1 * a(-0.25, 2.0) / (np.sqrt(a(0.3125, 5.0)) + 1e-10))
        # G_3 = [1.3125, 5.25]
        close(s3.sum_sq, a(0.3125 + 1.0, 5.0 + 0.25))
        close(p3, p2 - 0.1 * a(1.0, 0.5) / (np.sqrt(a(1.3125, 5.25)) + 1e-10))
        assert (s1.t, s2.t, s3.t) == (1, 2, 3)

    def test_lr_decay(self):
        opt = AdaGrad(learning_rate=0.1, lr_decay=0.5)
        (p1, _), (p2, _), (p3, s3) = run(opt, [G1, G2, G3])
        # eta_t = 0.1 / (1 + (t - 1) * 0.5): 0.1, 0.1 / 1.5, 0.1 / 2
        close(p1, a(1.0, -2.0) - 0.1 * a(0.5, -1.0) / (np.sqrt(a(0.25, 1.0)) + 1e-10))
        close(p2, p1 - 0.1 / 1.5 * a(-0.25, 2.0) / (np.sqrt(a(0.3125, 5.0)) + 1e-10))
        close(p3, p2 - 0.1 / 2.0 * a(1.0, 0.5) / (np.sqrt(a(1.3125, 5.25)) + 1e-10))
        close(s3.sum_sq, a(1.3125, 5.25))  # the decay touches the step, not the sum

    def test_initial_accumulator_value(self):
        opt = AdaGrad(learning_rate=0.1, initial_accumulator_value=1.0)
        close(opt.init(np.zeros(2)).sum_sq, a(1.0, 1.0))
        (p1, s1), (p2, s2) = run(opt, [G1, G2])
        close(s1.sum_sq, a(1.0 + 0.25, 1.0 + 1.0))
        close(p1, a(1.0, -2.0) - 0.1 * a(0.5, -1.0) / (np.sqrt(a(1.25, 2.0)) + 1e-10))
        close(s2.sum_sq, a(1.25 + 0.0625, 2.0 + 4.0))
        close(p2, p1 - 0.1 * a(-0.25, 2.0) / (np.sqrt(a(1.3125, 6.0)) + 1e-10))

    def test_eps(self):
        (p1, _), (p2, _) = run(AdaGrad(learning_rate=0.1, eps=0.5), [G1, G2])
        # eps is added to the root, outside it
        close(p1, a(1.0 - 0.1 * 0.5 / (0.5 + 0.5), -2.0 - 0.1 * -1.0 / (1.0 + 0.5)))
        close(p2, p1 - 0.1 * a(-0.25, 2.0) / (np.sqrt(a(0.3125, 5.0)) + 0.5))

    def test_weight_decay(self):
        (p1, s1), (p2, s2) = run(AdaGrad(learning_rate=0.1, weight_decay=0.1), [G1, G2])
        # step 1: g' = [0.5 + 0.1 * 1.0, -1.0 + 0.1 * -2.0] = [0.6, -1.2], and it is squared
        close(s1.sum_sq, a(0.36, 1.44))
        close(p1, a(1.0 - 0.1 * 0.6 / (0.6 + 1e-10), -2.0 - 0.1 * -1.2 / (1.2 + 1e-10)))
        # step 2: g' = g + 0.1 p1 (about [-0.16, 1.81])
        g2 = a(-0.25, 2.0) + 0.1 * p1
        approx(g2, a(-0.16, 1.81))
        close(s2.sum_sq, a(0.36, 1.44) + g2**2)
        close(p2, p1 - 0.1 * g2 / (np.sqrt(a(0.36, 1.44) + g2**2) + 1e-10))


class TestRMSPropByHand:
    # alpha = 0.9 rather than the default 0.99 makes the numbers readable
    def test_plain(self):
        opt = RMSProp(learning_rate=0.1, alpha=0.9)
        (p1, s1), (p2, s2), (p3, s3) = run(opt, [G1, G2, G3])
        # v_1 = 0.1 g_1^2
        close(s1.v, a(0.1 * 0.25, 0.1 * 1.0))
        close(p1, a(1.0, -2.0) - 0.1 * a(0.5, -1.0) / (np.sqrt(a(0.025, 0.1)) + 1e-8))
        # v_2 = 0.9 v_1 + 0.1 g_2^2 = [0.02875, 0.49]
        close(s2.v, a(0.9 * 0.025 + 0.1 * 0.0625, 0.9 * 0.1 + 0.1 * 4.0))
        close(p2, p1 - 0.1 * a(-0.25, 2.0) / (a(math.sqrt(0.02875), 0.7) + 1e-8))
        # v_3 = [0.125875, 0.466]
        close(s3.v, a(0.9 * 0.02875 + 0.1 * 1.0, 0.9 * 0.49 + 0.1 * 0.25))
        close(p3, p2 - 0.1 * a(1.0, 0.5) / (np.sqrt(a(0.125875, 0.466)) + 1e-8))
        assert (s1.t, s2.t, s3.t) == (1, 2, 3)
        assert s3.g_avg is None and s3.momentum_buffer is None

    def test_alpha(self):
        (p1, s1), (p2, s2) = run(RMSProp(learning_rate=0.1, alpha=0.5), [G1, G2])
        close(s1.v, a(0.5 * 0.25, 0.5 * 1.0))
        close(p1, a(1.0, -2.0) - 0.1 * a(0.5, -1.0) / (np.sqrt(a(0.125, 0.5)) + 1e-8))
        close(s2.v, a(0.5 * 0.125 + 0.5 * 0.0625, 0.5 * 0.5 + 0.5 * 4.0))  # [0.09375, 2.25]
        close(p2, p1 - 0.1 * a(-0.25, 2.0) / (a(math.sqrt(0.09375), 1.5) + 1e-8))

    def test_eps(self):
        (p1, _), (p2, _) = run(RMSProp(learning_rate=0.1, alpha=0.9, eps=0.1), [G1, G2])
        close(p1, a(1.0, -2.0) - 0.1 * a(0.5, -1.0) / (np.sqrt(a(0.025, 0.1)) + 0.1))
        close(p2, p1 - 0.1 * a(-0.25, 2.0) / (np.sqrt(a(0.02875, 0.49)) + 0.1))

    def test_centered(self):
        opt = RMSProp(learning_rate=0.1, alpha=0.9, centered=True)
        (p1, s1), (p2, s2) = run(opt, [G1, G2])
        # step 1: g_avg = 0.1 g_1; divide by sqrt(v - g_avg^2) = sqrt([0.0225, 0.09])
        close(s1.g_avg, a(0.1 * 0.5, 0.1 * -1.0))
        close(s1.v, a(0.025, 0.1))
        close(p1, a(1.0 - 0.1 * 0.5 / (0.15 + 1e-8), -2.0 - 0.1 * -1.0 / (0.3 + 1e-8)))
        # step 2: g_avg = 0.9 g_avg + 0.1 g_2 = [0.02, 0.11]; v - g_avg^2 = [0.02835, 0.4779]
        close(s2.g_avg, a(0.9 * 0.05 + 0.1 * -0.25, 0.9 * -0.1 + 0.1 * 2.0))
        close(s2.v, a(0.02875, 0.49))
        close(p2, p1 - 0.1 * a(-0.25, 2.0) / (np.sqrt(a(0.02875 - 0.02**2, 0.49 - 0.11**2)) + 1e-8))
        assert s2.momentum_buffer is None

    def test_momentum(self):
        opt = RMSProp(learning_rate=0.1, alpha=0.9, momentum=0.5)
        (p1, s1), (p2, s2) = run(opt, [G1, G2])
        # b_1 = g_1 / (sqrt(v_1) + eps); b_2 = 0.5 b_1 + g_2 / (sqrt(v_2) + eps)
        b1 = a(0.5, -1.0) / (np.sqrt(a(0.025, 0.1)) + 1e-8)  # about [3.162, -3.162]
        close(s1.momentum_buffer, b1)
        close(p1, a(1.0, -2.0) - 0.1 * b1)
        b2 = 0.5 * b1 + a(-0.25, 2.0) / (np.sqrt(a(0.02875, 0.49)) + 1e-8)
        close(s2.momentum_buffer, b2)
        close(p2, p1 - 0.1 * b2)
        assert s2.g_avg is None

    def test_weight_decay(self):
        opt = RMSProp(learning_rate=0.1, alpha=0.9, weight_decay=0.1)
        (p1, s1), (p2, s2) = run(opt, [G1, G2])
        # step 1: g' = [0.6, -1.2]; v_1 = 0.1 g'^2 = [0.036, 0.144]
        close(s1.v, a(0.1 * 0.36, 0.1 * 1.44))
        close(p1, a(1.0, -2.0) - 0.1 * a(0.6, -1.2) / (np.sqrt(a(0.036, 0.144)) + 1e-8))
        # step 2: g' = g + 0.1 p1
        g2 = a(-0.25, 2.0) + 0.1 * p1
        close(s2.v, 0.9 * a(0.036, 0.144) + 0.1 * g2**2)
        close(p2, p1 - 0.1 * g2 / (np.sqrt(0.9 * a(0.036, 0.144) + 0.1 * g2**2) + 1e-8))


class TestAdamByHand:
    def test_plain(self):
        (p1, s1), (p2, s2), (p3, s3) = run(Adam(learning_rate=0.1), [G1, G2, G3])
        # step 1: m = 0.1 g, v = 0.001 g^2; corrected, m_hat = g and v_hat = g^2
        close(s1.m, a(0.1 * 0.5, 0.1 * -1.0))
        close(s1.v, a(0.001 * 0.25, 0.001 * 1.0))
        m_hat, v_hat = a(0.05, -0.1) / (1 - 0.9), a(0.00025, 0.001) / (1 - 0.999)
        close(p1, a(1.0, -2.0) - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))
        approx(p1, a(0.9, -1.9))  # so the first step is 0.1 * sign(g) (to within eps)
        # step 2: m = [0.02, 0.11], v = [0.00031225, 0.004999]
        close(s2.m, a(0.9 * 0.05 + 0.1 * -0.25, 0.9 * -0.1 + 0.1 * 2.0))
        close(s2.v, a(0.999 * 0.00025 + 0.001 * 0.0625, 0.999 * 0.001 + 0.001 * 4.0))
        m_hat, v_hat = a(0.02, 0.11) / (1 - 0.9**2), a(0.00031225, 0.004999) / (1 - 0.999**2)
        close(p2, p1 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))
        # step 3: m = [0.118, 0.149], v = [0.00131193775, 0.005244001]
        close(s3.m, a(0.9 * 0.02 + 0.1 * 1.0, 0.9 * 0.11 + 0.1 * 0.5))
        close(s3.v, a(0.999 * 0.00031225 + 0.001 * 1.0, 0.999 * 0.004999 + 0.001 * 0.25))
        m_hat = a(0.118, 0.149) / (1 - 0.9**3)
        v_hat = a(0.00131193775, 0.005244001) / (1 - 0.999**3)
        close(p3, p2 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))
        assert (s1.t, s2.t, s3.t) == (1, 2, 3)
        assert s3.v_max is None

    def test_betas(self):
        opt = Adam(learning_rate=0.1, beta1=0.5, beta2=0.75)
        (p1, s1), (p2, s2) = run(opt, [G1, G2])
        # step 1: m = 0.5 g, v = 0.25 g^2
        close(s1.m, a(0.25, -0.5))
        close(s1.v, a(0.0625, 0.25))
        close(
            p1,
            a(1.0, -2.0) - 0.1 * (a(0.25, -0.5) / 0.5) / (np.sqrt(a(0.0625, 0.25) / 0.25) + 1e-8),
        )
        # step 2: m = [0.5 * 0.25 + 0.5 * -0.25, 0.5 * -0.5 + 0.5 * 2.0] = [0, 0.75]:
        # the first coordinate's gradients cancel and it does not move
        close(s2.m, a(0.0, 0.75))
        close(s2.v, a(0.75 * 0.0625 + 0.25 * 0.0625, 0.75 * 0.25 + 0.25 * 4.0))  # [.0625, 1.1875]
        m_hat, v_hat = a(0.0, 0.75) / (1 - 0.5**2), a(0.0625, 1.1875) / (1 - 0.75**2)
        close(p2, p1 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))
        assert p2[0] == p1[0]

    def test_eps(self):
        (p1, _), (p2, _) = run(Adam(learning_rate=0.1, eps=0.1), [G1, G2])
        # eps is added to sqrt(v_hat), outside the root and after the bias correction
        close(p1, a(1.0 - 0.1 * 0.5 / (0.5 + 0.1), -2.0 - 0.1 * -1.0 / (1.0 + 0.1)))
        m_hat, v_hat = a(0.02, 0.11) / (1 - 0.9**2), a(0.00031225, 0.004999) / (1 - 0.999**2)
        close(p2, p1 - 0.1 * m_hat / (np.sqrt(v_hat) + 0.1))

    def test_weight_decay_is_l2_in_the_gradient(self):
        (p1, s1), (p2, s2) = run(Adam(learning_rate=0.1, weight_decay=0.1), [G1, G2])
        # step 1: g' = g + 0.1 theta = [0.6, -1.2] feeds both moments
        close(s1.m, a(0.1 * 0.6, 0.1 * -1.2))
        close(s1.v, a(0.001 * 0.36, 0.001 * 1.44))
        close(p1, a(1.0 - 0.1 * 0.6 / (0.6 + 1e-8), -2.0 - 0.1 * -1.2 / (1.2 + 1e-8)))
        # step 2: g' = g + 0.1 p1 (about [-0.16, 1.81])
        g2 = a(-0.25, 2.0) + 0.1 * p1
        m2 = 0.9 * a(0.06, -0.12) + 0.1 * g2
        v2 = 0.999 * a(0.00036, 0.00144) + 0.001 * g2**2
        close(s2.m, m2)
        close(s2.v, v2)
        close(p2, p1 - 0.1 * (m2 / (1 - 0.9**2)) / (np.sqrt(v2 / (1 - 0.999**2)) + 1e-8))

    def test_amsgrad(self):
        # beta2 = 0.5 forgets fast, so v falls on some steps and its maximum differs from it
        opt = Adam(learning_rate=0.1, beta2=0.5, amsgrad=True)
        close(opt.init(np.zeros(2)).v_max, a(0.0, 0.0))
        (p1, s1), (p2, s2), (p3, s3) = run(opt, [G1, G2, G3])
        # v_1 = 0.5 g_1^2 = [0.125, 0.5] = v_max_1
        close(s1.v, a(0.125, 0.5))
        close(s1.v_max, a(0.125, 0.5))
        close(
            p1, a(1.0, -2.0) - 0.1 * (a(0.05, -0.1) / 0.1) / (np.sqrt(a(0.125, 0.5) / 0.5) + 1e-8)
        )
        # v_2 = [0.5 * 0.125 + 0.5 * 0.0625, 0.5 * 0.5 + 0.5 * 4.0] = [0.09375, 2.25]:
        # the first coordinate fell, so v_max keeps 0.125 there
        close(s2.v, a(0.09375, 2.25))
        close(s2.v_max, a(0.125, 2.25))
        m_hat, v_hat = a(0.02, 0.11) / (1 - 0.9**2), a(0.125, 2.25) / (1 - 0.5**2)
        close(p2, p1 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))
        # v_3 = [0.5 * 0.09375 + 0.5 * 1.0, 0.5 * 2.25 + 0.5 * 0.25] = [0.546875, 1.25]
        close(s3.v, a(0.546875, 1.25))
        close(s3.v_max, a(0.546875, 2.25))
        m_hat, v_hat = a(0.118, 0.149) / (1 - 0.9**3), a(0.546875, 2.25) / (1 - 0.5**3)
        close(p3, p2 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))


class TestAdamWByHand:
    def test_decoupled_weight_decay(self):
        (p1, s1), (p2, s2) = run(AdamW(learning_rate=0.1, weight_decay=0.5), [G1, G2])
        # step 1: shrink by 1 - 0.1 * 0.5 = 0.95, then Adam's step from the plain gradient
        close(s1.m, a(0.05, -0.1))  # plain Adam's moments: the decay is not in them
        close(s1.v, a(0.00025, 0.001))
        shrunk = a(1.0 * 0.95, -2.0 * 0.95)  # [0.95, -1.9]
        close(p1, shrunk - 0.1 * a(0.5, -1.0) / (np.sqrt(a(0.25, 1.0)) + 1e-8))
        approx(p1, a(0.85, -1.8))
        # step 2
        close(s2.m, a(0.02, 0.11))
        close(s2.v, a(0.00031225, 0.004999))
        m_hat, v_hat = a(0.02, 0.11) / (1 - 0.9**2), a(0.00031225, 0.004999) / (1 - 0.999**2)
        close(p2, 0.95 * p1 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))
        assert s2.t == 2 and s2.v_max is None

    def test_zero_gradient_only_decays(self):
        opt = AdamW(learning_rate=0.1, weight_decay=0.5)
        (p1, _), (p2, _) = run(opt, [[0.0, 0.0], [0.0, 0.0]])
        close(p1, a(1.0 * 0.95, -2.0 * 0.95))
        close(p2, a(1.0 * 0.95**2, -2.0 * 0.95**2))

    def test_adamw_without_decay_is_adam(self):
        adamw = run(AdamW(learning_rate=0.1, weight_decay=0.0), [G1, G2, G3])
        adam = run(Adam(learning_rate=0.1), [G1, G2, G3])
        for (pw, sw), (p, s) in zip(adamw, adam, strict=True):
            np.testing.assert_array_equal(pw, p)
            np.testing.assert_array_equal(sw.m, s.m)

    def test_adamw_is_adam_with_decoupled_decay(self):
        adamw = run(AdamW(learning_rate=0.1, weight_decay=0.3), [G1, G2, G3])
        adam = run(
            Adam(learning_rate=0.1, weight_decay=0.3, decoupled_weight_decay=True), [G1, G2, G3]
        )
        for (pw, _), (p, _) in zip(adamw, adam, strict=True):
            np.testing.assert_array_equal(pw, p)


# --------------------------------------------------------------------------------------------
# 2. Defaults (those of torch.optim) and frozen dataclasses
# --------------------------------------------------------------------------------------------

DEFAULTS = {
    SGD: dict(learning_rate=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False),
    Momentum: dict(
        learning_rate=1e-3, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False
    ),
    Nesterov: dict(
        learning_rate=1e-3, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=True
    ),
    AdaGrad: dict(
        learning_rate=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10
    ),
    RMSProp: dict(
        learning_rate=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
    ),
    Adam: dict(
        learning_rate=1e-3,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        weight_decay=0.0,
        amsgrad=False,
        decoupled_weight_decay=False,
    ),
    AdamW: dict(
        learning_rate=1e-3,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        decoupled_weight_decay=True,
    ),
}
CLASSES = list(DEFAULTS)
every_class = pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])


@every_class
def test_defaults_are_torchs(cls):
    assert dataclasses.asdict(cls()) == DEFAULTS[cls]


@every_class
def test_optimizers_are_frozen_dataclasses(cls):
    opt = cls()
    assert dataclasses.is_dataclass(opt)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.learning_rate = 0.5
    assert opt.learning_rate == DEFAULTS[cls]["learning_rate"]


def test_replace_validates_again():
    with pytest.raises(ValueError, match="learning_rate"):
        dataclasses.replace(Adam(), learning_rate=-1.0)


def test_default_first_steps():
    theta = a(1.0, -2.0)
    g = a(0.5, -1.0)
    step = {cls.__name__: cls().step(theta, g, cls().init(theta))[0] for cls in CLASSES}
    close(step["SGD"], a(1.0 - 1e-3 * 0.5, -2.0 + 1e-3 * 1.0))
    close(step["Momentum"], step["SGD"])  # the first buffer is the gradient
    close(step["Nesterov"], a(1.0 - 1e-3 * 1.9 * 0.5, -2.0 + 1e-3 * 1.9 * 1.0))
    close(step["AdaGrad"], a(1.0 - 1e-2 * 0.5 / (0.5 + 1e-10), -2.0 + 1e-2 / (1.0 + 1e-10)))
    # RMSProp's first step divides by sqrt(0.01 g^2) = 0.1 |g|: ten times the learning rate
    close(step["RMSProp"], a(1.0 - 1e-2 * 0.5 / (0.05 + 1e-8), -2.0 + 1e-2 / (0.1 + 1e-8)))
    close(step["Adam"], a(1.0 - 1e-3 * 0.5 / (0.5 + 1e-8), -2.0 + 1e-3 / (1.0 + 1e-8)))
    close(step["AdamW"], a(1.0, -2.0) * (1 - 1e-3 * 1e-2) - (a(1.0, -2.0) - step["Adam"]))


# --------------------------------------------------------------------------------------------
# 3. Purity, dtype and shape
# --------------------------------------------------------------------------------------------


def shares_memory(x, arrays):
    return any(np.shares_memory(x, y) for y in arrays)


@all_options
def test_step_is_pure_and_returns_new_arrays(opt):
    rng = np.random.default_rng(0)
    params = rng.standard_normal(5)
    state = opt.init(params)
    for _ in range(3):  # the first step (t = 0) and later ones (buffers in use)
        grads = rng.standard_normal(5)
        params_copy, grads_copy = params.copy(), grads.copy()
        buffers = state_arrays(state)
        buffers_copy = {k: v.copy() for k, v in buffers.items()}
        t = state.t

        new_params, new_state = opt.step(params, grads, state)

        np.testing.assert_array_equal(params, params_copy)
        np.testing.assert_array_equal(grads, grads_copy)
        assert state.t == t
        for name, buf in buffers.items():
            np.testing.assert_array_equal(buf, buffers_copy[name], err_msg=name)
        inputs = [params, grads, *buffers.values()]
        assert not shares_memory(new_params, inputs)
        new_buffers = state_arrays(new_state)
        assert set(new_buffers) == set(buffers)
        for name, buf in new_buffers.items():
            assert not shares_memory(buf, inputs), name
            assert not np.shares_memory(buf, new_params), name
        assert new_state.t == t + 1
        params, state = new_params, new_state


@all_options
def test_init_does_not_alias_params(opt):
    params = a(1.0, -2.0, 3.0)
    for name, buf in state_arrays(opt.init(params)).items():
        assert not np.shares_memory(buf, params), name


@all_options
def test_float32_stays_float32(opt):
    rng = np.random.default_rng(1)
    params = rng.standard_normal(3).astype(np.float32)
    state = opt.init(params)
    for name, buf in state_arrays(state).items():
        assert buf.dtype == np.float32, name
    for _ in range(3):
        params, state = opt.step(params, rng.standard_normal(3).astype(np.float32), state)
        assert params.dtype == np.float32
        for name, buf in state_arrays(state).items():
            assert buf.dtype == np.float32, name
    assert np.all(np.isfinite(params))


@all_options
def test_float32_agrees_with_float64(opt):
    rng = np.random.default_rng(2)
    p64 = rng.standard_normal(4)
    grads = [rng.standard_normal(4) for _ in range(3)]
    p32, s32, s64 = p64.astype(np.float32), opt.init(p64.astype(np.float32)), opt.init(p64)
    for g in grads:
        p32, s32 = opt.step(p32, g.astype(np.float32), s32)
        p64, s64 = opt.step(p64, g, s64)
    np.testing.assert_allclose(p32, p64, rtol=1e-5, atol=1e-6)


@all_options
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2), (1,)], ids=["matrix", "3-d", "one"])
def test_any_shape_is_elementwise(opt, shape):
    """A (3, 4) matrix steps exactly as its 12 entries laid out in a vector."""
    rng = np.random.default_rng(3)
    params = rng.standard_normal(shape)
    grads = [rng.standard_normal(shape) for _ in range(3)]
    flat = params.reshape(-1)
    state, flat_state = opt.init(params), opt.init(flat)
    for g in grads:
        params, state = opt.step(params, g, state)
        flat, flat_state = opt.step(flat, g.reshape(-1), flat_state)
    assert params.shape == shape
    for name, buf in state_arrays(state).items():
        assert buf.shape == shape, name
    np.testing.assert_array_equal(params.reshape(-1), flat)


# KNOWN FAILURE (library bug, see the report) for AdaGrad, RMSProp, Adam and AdamW: with 0-d
# arrays np.sqrt returns a NumPy scalar, and np.divide(g, denom, out=denom) then raises
# "TypeError: return arrays must be of ArrayType". SGD, Momentum and Nesterov pass.
@all_options
def test_zero_dimensional_params(opt):
    """A single parameter as a 0-d array (shape ()) is an array of "any shape" too."""
    params, state = np.array(1.0), opt.init(np.array(1.0))
    vector, vector_state = a(1.0), opt.init(a(1.0))
    for g in (0.5, -0.25, 1.0):
        params, state = opt.step(params, np.array(g), state)
        vector, vector_state = opt.step(vector, a(g), vector_state)
    assert np.shape(params) == ()
    np.testing.assert_array_equal(np.reshape(params, 1), vector)


@all_options
def test_step_accepts_lists(opt):
    state = opt.init([1.0, -2.0])
    params, _ = opt.step([1.0, -2.0], [0.5, -1.0], state)
    assert isinstance(params, np.ndarray) and params.shape == (2,)


# --------------------------------------------------------------------------------------------
# 4. Convergence table (see the module docstring)
# --------------------------------------------------------------------------------------------

QUAD = Quadratic([1.0, 10.0])


def case(objective, opt, x0, steps, tol, label):
    return pytest.param(
        objective,
        opt,
        x0,
        steps,
        tol,
        id=f"{type(objective).__name__}-{label}-{steps}steps-tol{tol:g}",
    )


CONVERGENCE = [
    case(QUAD, SGD(learning_rate=0.18), [1.5, -0.8], 200, 1e-8, "SGD(lr=0.18)"),
    case(QUAD, Momentum(learning_rate=0.1), [1.5, -0.8], 500, 1e-8, "Momentum(lr=0.1)"),
    case(QUAD, Nesterov(learning_rate=0.1), [1.5, -0.8], 300, 1e-8, "Nesterov(lr=0.1)"),
    case(QUAD, AdaGrad(learning_rate=1.0), [1.5, -0.8], 300, 1e-8, "AdaGrad(lr=1)"),
    case(QUAD, RMSProp(learning_rate=1e-3), [1.5, -0.8], 3000, 1e-2, "RMSProp(lr=1e-3)"),
    case(QUAD, Adam(learning_rate=0.05), [1.5, -0.8], 1000, 1e-8, "Adam(lr=0.05)"),
    case(QUAD, AdamW(learning_rate=0.05), [1.5, -0.8], 1000, 1e-8, "AdamW(lr=0.05,wd=0.01)"),
    case(Rosenbrock(), Momentum(learning_rate=1e-3), [-1.2, 1.0], 3000, 1e-4, "Momentum(lr=1e-3)"),
    case(Rosenbrock(), Nesterov(learning_rate=1e-3), [-1.2, 1.0], 3000, 1e-4, "Nesterov(lr=1e-3)"),
    case(Rosenbrock(), Adam(learning_rate=0.05), [-1.2, 1.0], 3000, 1e-4, "Adam(lr=0.05)"),
    case(Beale(), SGD(learning_rate=0.01), [1.0, 1.0], 3000, 1e-3, "SGD(lr=0.01)"),
    case(Beale(), Momentum(learning_rate=1e-3), [1.0, 1.0], 3000, 1e-3, "Momentum(lr=1e-3)"),
    case(Beale(), AdaGrad(learning_rate=0.5), [1.0, 1.0], 1000, 1e-5, "AdaGrad(lr=0.5)"),
    case(Beale(), RMSProp(learning_rate=1e-3), [1.0, 1.0], 3000, 1e-2, "RMSProp(lr=1e-3)"),
    case(Beale(), Adam(learning_rate=0.05), [1.0, 1.0], 1000, 1e-6, "Adam(lr=0.05)"),
    case(Booth(), SGD(learning_rate=0.05), [0.0, 0.0], 500, 1e-8, "SGD(lr=0.05)"),
    case(Booth(), Momentum(learning_rate=0.02), [0.0, 0.0], 500, 1e-8, "Momentum(lr=0.02)"),
    case(Booth(), Nesterov(learning_rate=0.02), [0.0, 0.0], 500, 1e-8, "Nesterov(lr=0.02)"),
    case(Booth(), AdaGrad(learning_rate=1.0), [0.0, 0.0], 1000, 1e-8, "AdaGrad(lr=1)"),
    case(Booth(), RMSProp(learning_rate=0.01), [0.0, 0.0], 2000, 1e-6, "RMSProp(lr=0.01)"),
    case(Booth(), Adam(learning_rate=0.1), [0.0, 0.0], 1000, 1e-8, "Adam(lr=0.1)"),
    case(Himmelblau(), SGD(learning_rate=0.01), [0.0, 0.0], 300, 1e-8, "SGD(lr=0.01)"),
    case(Himmelblau(), Momentum(learning_rate=2e-3), [-3.0, 2.0], 1000, 1e-8, "Momentum(lr=2e-3)"),
    case(Himmelblau(), Nesterov(learning_rate=2e-3), [-1.0, 1.0], 500, 1e-8, "Nesterov(lr=2e-3)"),
    case(Himmelblau(), AdaGrad(learning_rate=0.5), [2.0, -1.0], 500, 1e-8, "AdaGrad(lr=0.5)"),
    case(Himmelblau(), RMSProp(learning_rate=0.01), [-1.0, -1.0], 1000, 1e-2, "RMSProp(lr=0.01)"),
    case(Himmelblau(), Adam(learning_rate=0.05), [-2.0, -2.0], 1000, 1e-8, "Adam(lr=0.05)"),
]


def distance_to_nearest_minimiser(objective, x):
    minimisers = getattr(objective, "minimizers", None)
    if minimisers is None:
        minimisers = [objective.minimizer]
    return min(float(np.linalg.norm(x - m)) for m in minimisers)


@pytest.mark.parametrize("objective, opt, x0, steps, tol", CONVERGENCE)
def test_reaches_the_minimiser(objective, opt, x0, steps, tol):
    path = minimize(objective, opt, x0, steps)
    assert not path.stopped_early, path.message
    assert path.points.shape == (steps + 1, 2)
    assert distance_to_nearest_minimiser(objective, path.x) < tol
    assert path.losses[-1] < path.losses[0]


def test_himmelblau_starts_reach_all_four_minima():
    """The table's Himmelblau starting points were chosen to end in each of the four minima."""
    reached = set()
    for objective, opt, x0, steps, _ in (c.values for c in CONVERGENCE):
        if isinstance(objective, Himmelblau):
            x = minimize(objective, opt, x0, steps).x
            reached.add(int(np.argmin(np.linalg.norm(objective.minimizers - x, axis=1))))
    assert reached == {0, 1, 2, 3}


# --------------------------------------------------------------------------------------------
# 5. Bad inputs: the exception type and a message that names the parameter
# --------------------------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")


def bad(cls, exc, match, **kwargs):
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return pytest.param(cls, kwargs, exc, match, id=f"{cls.__name__}({args})")


BAD_HYPERPARAMETERS = [
    bad(SGD, ValueError, r"learning_rate must be a finite number; got nan", learning_rate=NAN),
    bad(SGD, ValueError, r"learning_rate must be a finite number; got inf", learning_rate=INF),
    bad(
        SGD,
        ValueError,
        r"learning_rate must be a finite number >= 0; got -0\.1",
        learning_rate=-0.1,
    ),
    bad(
        Adam, ValueError, r"learning_rate must be a finite number >= 0; got -1", learning_rate=-1.0
    ),
    bad(AdaGrad, ValueError, r"learning_rate must be a finite number", learning_rate=-INF),
    bad(SGD, ValueError, r"momentum must be a finite number in \[0, 1\); got -0\.1", momentum=-0.1),
    bad(SGD, ValueError, r"momentum must be a finite number in \[0, 1\); got 1\.0", momentum=1.0),
    bad(SGD, ValueError, r"momentum must be a finite number; got nan", momentum=NAN),
    bad(Momentum, ValueError, r"momentum must be a finite number in \[0, 1\)", momentum=1.0),
    bad(
        RMSProp, ValueError, r"momentum must be a finite number in \[0, 1\); got 1\.0", momentum=1.0
    ),
    bad(
        SGD,
        ValueError,
        r"dampening must be a finite number in \[0, 1\]; got 1\.5",
        momentum=0.9,
        dampening=1.5,
    ),
    bad(SGD, ValueError, r"nesterov=True needs momentum > 0", nesterov=True),
    bad(
        SGD,
        ValueError,
        r"nesterov=True needs .*dampening=0\.1",
        momentum=0.9,
        dampening=0.1,
        nesterov=True,
    ),
    bad(Nesterov, ValueError, r"nesterov=True needs momentum > 0", momentum=0.0),
    bad(Nesterov, ValueError, r"nesterov=True needs .*dampening", dampening=0.5),
    bad(SGD, TypeError, r"nesterov must be True or False; got 'yes'", momentum=0.9, nesterov="yes"),
    bad(Nesterov, TypeError, r"nesterov", nesterov=False),  # fixed: not an __init__ argument
    bad(Adam, ValueError, r"beta1 must be a finite number in \[0, 1\); got 1\.0", beta1=1.0),
    bad(Adam, ValueError, r"beta2 must be a finite number in \[0, 1\); got -0\.1", beta2=-0.1),
    bad(AdamW, ValueError, r"beta2 must be a finite number in \[0, 1\); got 1\.0", beta2=1.0),
    bad(Adam, ValueError, r"eps must be a finite number > 0; got 0", eps=0.0),
    bad(Adam, ValueError, r"eps must be a finite number > 0; got -1e-08", eps=-1e-8),
    bad(AdaGrad, ValueError, r"eps must be a finite number > 0; got 0", eps=0.0),
    bad(RMSProp, ValueError, r"eps must be a finite number > 0; got 0", eps=0.0),
    bad(RMSProp, ValueError, r"eps must be a finite number", eps=NAN),
    bad(RMSProp, ValueError, r"alpha must be a finite number in \[0, 1\); got 1\.0", alpha=1.0),
    bad(SGD, ValueError, r"weight_decay must be a finite number >= 0; got -1", weight_decay=-1.0),
    bad(
        AdaGrad, ValueError, r"weight_decay must be a finite number >= 0; got -1", weight_decay=-1.0
    ),
    bad(
        RMSProp, ValueError, r"weight_decay must be a finite number >= 0; got -1", weight_decay=-1.0
    ),
    bad(Adam, ValueError, r"weight_decay must be a finite number >= 0; got -1", weight_decay=-1.0),
    bad(AdamW, ValueError, r"weight_decay must be a finite number >= 0; got -1", weight_decay=-1.0),
    bad(AdaGrad, ValueError, r"lr_decay must be a finite number >= 0; got -1", lr_decay=-1.0),
    bad(
        AdaGrad,
        ValueError,
        r"initial_accumulator_value must be a finite number >= 0; got -1",
        initial_accumulator_value=-1.0,
    ),
    bad(SGD, TypeError, r"learning_rate must be a real number; got '0\.1'", learning_rate="0.1"),
    bad(Adam, TypeError, r"learning_rate must be a real number; got True", learning_rate=True),
    bad(SGD, TypeError, r"momentum must be a real number; got None", momentum=None),
    bad(Adam, TypeError, r"amsgrad must be True or False; got 1", amsgrad=1),
    bad(RMSProp, TypeError, r"centered must be True or False; got 'no'", centered="no"),
    bad(AdamW, TypeError, r"decoupled_weight_decay", decoupled_weight_decay=False),
]


@pytest.mark.parametrize("cls, kwargs, exc, match", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_are_refused_at_construction(cls, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls(**kwargs)


@pytest.mark.parametrize("learning_rate", [0, 0.0, 1, np.float32(0.1), np.float64(0.5)], ids=repr)
def test_edge_hyperparameters_are_accepted(learning_rate):
    # zero learning rate, ints and NumPy scalars are real numbers
    opt = SGD(learning_rate=learning_rate, momentum=0.0, dampening=1.0)
    params, _ = opt.step(a(1.0), a(1.0), opt.init(a(1.0)))
    close(params, a(1.0 - float(learning_rate)))


def other_optimizer(opt):
    return Adam() if not isinstance(opt, Adam) else SGD(momentum=0.9)


# Each builds (params, grads, state) from an optimizer; a valid start is params = [1, -2].
BAD_STEPS = {
    "grads-of-another-shape": (
        lambda opt: (a(1.0, -2.0), a(1.0, 2.0, 3.0), opt.init(a(1.0, -2.0))),
        ValueError,
        r"grads must have the shape of params; got grads \(3,\) and params \(2,\)",
    ),
    "grads-of-another-dtype": (
        lambda opt: (a(1.0, -2.0), a(1.0, 2.0).astype(np.float32), opt.init(a(1.0, -2.0))),
        TypeError,
        r"grads must have the dtype of params; got grads float32 and params float64",
    ),
    "integer-params": (
        lambda opt: (np.array([1, -2]), a(1.0, 2.0), opt.init(a(1.0, -2.0))),
        TypeError,
        r"params must be an array of floats; got dtype int",
    ),
    "integer-grads": (
        lambda opt: (a(1.0, -2.0), np.array([1, 2]), opt.init(a(1.0, -2.0))),
        TypeError,
        r"grads must be an array of floats; got dtype int",
    ),
    "object-grads": (
        lambda opt: (a(1.0, -2.0), np.array([1.0, None], dtype=object), opt.init(a(1.0, -2.0))),
        TypeError,
        r"grads must be an array of floats; got dtype object",
    ),
    "string-grads": (
        lambda opt: (a(1.0, -2.0), np.array(["1.0", "2.0"]), opt.init(a(1.0, -2.0))),
        TypeError,
        r"grads must be an array of floats",
    ),
    "string-params": (
        lambda opt: (np.array(["1.0", "-2.0"]), a(1.0, 2.0), opt.init(a(1.0, -2.0))),
        TypeError,
        r"params must be an array of floats",
    ),
    "nan-grads": (
        lambda opt: (a(1.0, -2.0), a(1.0, NAN), opt.init(a(1.0, -2.0))),
        ValueError,
        r"grads contain NaN or inf",
    ),
    "inf-grads": (
        lambda opt: (a(1.0, -2.0), a(INF, 1.0), opt.init(a(1.0, -2.0))),
        ValueError,
        r"grads contain NaN or inf",
    ),
    "opposite-infinities-in-grads": (
        lambda opt: (a(1.0, -2.0), a(INF, -INF), opt.init(a(1.0, -2.0))),
        ValueError,
        r"grads contain NaN or inf",
    ),
    "state-of-another-optimizer": (
        lambda opt: (a(1.0, -2.0), a(1.0, 2.0), other_optimizer(opt).init(a(1.0, -2.0))),
        TypeError,
        r"state must be the \w+State returned by init\(\) of this optimizer \(\w+\); got \w+State",
    ),
    "plain-tuple-as-state": (
        lambda opt: (a(1.0, -2.0), a(1.0, 2.0), tuple(opt.init(a(1.0, -2.0)))),
        TypeError,
        r"state must be the \w+State",
    ),
    "state-for-params-of-another-shape": (
        lambda opt: (a(1.0, -2.0), a(1.0, 2.0), opt.init(a(1.0, -2.0, 3.0))),
        ValueError,
        r"state\.\w+ has shape \(3,\) but params have shape \(2,\)",
    ),
}


@all_options
@pytest.mark.parametrize("make, exc, match", BAD_STEPS.values(), ids=BAD_STEPS.keys())
def test_bad_step_inputs(opt, make, exc, match):
    params, grads, state = make(opt)
    with pytest.raises(exc, match=match):
        opt.step(params, grads, state)


BAD_INIT = {
    "nan-params": (a(1.0, NAN), ValueError, r"params must be finite; got nan at index \(1,\)"),
    "inf-params": (a(-INF, 1.0), ValueError, r"params must be finite; got -inf at index \(0,\)"),
    "integer-params": (np.array([1, 2]), TypeError, r"params must be an array of floats"),
    "object-params": (np.array([1.0, "x"], dtype=object), TypeError, r"params must be .*floats"),
}


@all_options
@pytest.mark.parametrize("params, exc, match", BAD_INIT.values(), ids=BAD_INIT.keys())
def test_bad_init_inputs(opt, params, exc, match):
    with pytest.raises(exc, match=match):
        opt.init(params)


# A state of the right type made by the same class with other options (e.g. SGD()'s, without a
# momentum buffer, given to Momentum()) lacks a buffer the step needs.
# KNOWN FAILURE (library bug, see the report): step raises a bare
# "unsupported operand type(s) for *: 'float' and 'NoneType'" instead of a clear error naming
# the state, as it does for a state of another type.
MISMATCHED_CONFIG = {
    "SGD()-state-to-Momentum()": (SGD(learning_rate=0.1), Momentum(learning_rate=0.1)),
    "Adam()-state-to-Adam(amsgrad=True)": (Adam(), Adam(amsgrad=True)),
    "RMSProp()-state-to-RMSProp(centered=True)": (RMSProp(), RMSProp(centered=True)),
}


@pytest.mark.parametrize("made_by, used_by", MISMATCHED_CONFIG.values(), ids=MISMATCHED_CONFIG)
def test_state_from_differently_configured_optimizer_names_the_state(made_by, used_by):
    params, grads = a(1.0, -2.0), a(0.5, -1.0)
    _, state = made_by.step(params, grads, made_by.init(params))  # t = 1, buffers as made_by's
    with pytest.raises((TypeError, ValueError), match=r"state"):
        used_by.step(params, grads, state)


# --------------------------------------------------------------------------------------------
# 6. Determinism and equivalences
# --------------------------------------------------------------------------------------------


def trajectory(opt, steps=6, seed=0):
    rng = np.random.default_rng(seed)
    params = rng.standard_normal(4)
    state = opt.init(params)
    points, states = [], []
    for _ in range(steps):
        params, state = opt.step(params, rng.standard_normal(4), state)
        points.append(params)
        states.append(state)
    return np.array(points), states


@all_options
def test_two_runs_are_identical(opt):
    points1, states1 = trajectory(opt)
    points2, states2 = trajectory(opt)
    np.testing.assert_array_equal(points1, points2)
    for s1, s2 in zip(states1, states2, strict=True):
        assert s1.t == s2.t
        assert state_arrays(s1).keys() == state_arrays(s2).keys()
        for name in state_arrays(s1):
            np.testing.assert_array_equal(getattr(s1, name), getattr(s2, name))


@pytest.mark.parametrize("lr, wd", [(1e-3, 0.0), (0.1, 0.0), (0.1, 0.05)])
def test_nesterov_is_sgd_with_nesterov_momentum(lr, wd):
    ours, _ = trajectory(Nesterov(learning_rate=lr, weight_decay=wd))
    sgd, _ = trajectory(SGD(learning_rate=lr, momentum=0.9, nesterov=True, weight_decay=wd))
    np.testing.assert_array_equal(ours, sgd)


@pytest.mark.parametrize("lr, wd, dampening", [(1e-3, 0.0, 0.0), (0.1, 0.05, 0.3)])
def test_momentum_is_sgd_with_momentum(lr, wd, dampening):
    ours, _ = trajectory(Momentum(learning_rate=lr, weight_decay=wd, dampening=dampening))
    sgd, _ = trajectory(SGD(learning_rate=lr, momentum=0.9, weight_decay=wd, dampening=dampening))
    np.testing.assert_array_equal(ours, sgd)


def test_momentum_and_nesterov_differ():
    heavy_ball, _ = trajectory(Momentum(learning_rate=0.1))
    nesterov, _ = trajectory(Nesterov(learning_rate=0.1))
    assert not np.allclose(heavy_ball, nesterov)


def test_state_types():
    params = a(1.0, 2.0)
    assert isinstance(SGD().init(params), SGDState)
    assert isinstance(Momentum().init(params), SGDState)
    assert isinstance(AdaGrad().init(params), AdaGradState)
    assert isinstance(RMSProp().init(params), RMSPropState)
    assert isinstance(Adam().init(params), AdamState)
    assert isinstance(AdamW().init(params), AdamState)
    assert SGD().init(params) == SGDState(t=0, momentum_buffer=None)


@pytest.mark.parametrize("state", [SGDState, AdaGradState, RMSPropState, AdamState])
def test_every_state_field_says_what_it_holds(state):
    """The API page shows each field's docstring; a NamedTuple's own is "Alias for field
    number N"."""
    for name in state._fields:
        doc = getattr(state, name).__doc__
        assert not doc.startswith("Alias for field"), f"{state.__name__}.{name}: {doc!r}"
