"""The optimizers beyond Adam: first steps worked by hand, the properties each rule promises,
and bad inputs. torch's 40-step trajectories are in test_golden_torch.py; the element-wise
rules (all but Adafactor and Muon) also run through the shared tests of test_optimizers.py
and test_front_door.py."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from optlib import Adadelta, Adafactor, Adam, Adamax, Lion, Muon, NAdam, RAdam, newton_schulz
from optlib.beyond_adam import (
    AdadeltaState,
    AdafactorState,
    AdamaxState,
    LionState,
    MuonState,
    NAdamState,
    RAdamState,
)
from optlib.train import _Stepper

NAN = float("nan")

# The defaults of torch.optim 2.13 (Lion: of lion-pytorch), read from their sources.
DEFAULTS = {
    Adadelta: dict(learning_rate=1.0, rho=0.9, eps=1e-6, weight_decay=0.0),
    Adamax: dict(learning_rate=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0),
    NAdam: dict(
        learning_rate=2e-3,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        weight_decay=0.0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
    ),
    RAdam: dict(
        learning_rate=1e-3,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        weight_decay=0.0,
        decoupled_weight_decay=False,
    ),
    Adafactor: dict(
        learning_rate=1e-2, beta2_decay=-0.8, eps1=None, eps2=1e-3, d=1.0, weight_decay=0.0
    ),
    Muon: dict(
        learning_rate=1e-3,
        weight_decay=0.1,
        momentum=0.95,
        nesterov=True,
        ns_coefficients=(3.4445, -4.775, 2.0315),
        eps=1e-7,
        ns_steps=5,
        adjust_lr_fn=None,
    ),
    Lion: dict(learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0),
}
every_class = pytest.mark.parametrize("cls", DEFAULTS, ids=lambda c: c.__name__)


def a(*values):
    return np.array(values, dtype=float)


def close(x, y):
    np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-15)


@every_class
def test_defaults_are_the_references(cls):
    assert dataclasses.asdict(cls()) == DEFAULTS[cls]


@every_class
def test_every_state_field_says_what_it_holds(cls):
    for name in cls.State._fields:
        doc = getattr(cls.State, name).__doc__
        assert not doc.startswith("Alias for field"), f"{cls.State.__name__}.{name}: {doc!r}"


@every_class
def test_the_docstring_gives_the_rule_and_the_paper(cls):
    doc = cls.__doc__
    assert ".. math::" in doc and "Reference" in doc and "Parameters" in doc
    for name in DEFAULTS[cls]:
        assert f"\n    {name} : " in doc, f"{cls.__name__}.{name} is not described"


# --------------------------------------------------------------------------------------------
# First steps, by hand
# --------------------------------------------------------------------------------------------


def test_adadelta_first_two_steps():
    opt = Adadelta(learning_rate=0.5, rho=0.9, eps=1e-6)
    g1, g2 = a(2.0), a(-1.0)
    v1 = 0.1 * 4.0
    d1 = math.sqrt(1e-6) / math.sqrt(v1 + 1e-6) * 2.0
    u1 = 0.1 * d1**2
    v2 = 0.9 * v1 + 0.1 * 1.0
    d2 = math.sqrt(u1 + 1e-6) / math.sqrt(v2 + 1e-6) * -1.0
    x, s = opt.step(a(1.0), g1, opt.init(a(1.0)))
    close(x, a(1.0 - 0.5 * d1))
    x, s = opt.step(x, g2, s)
    close(x, a(1.0 - 0.5 * d1 - 0.5 * d2))
    close(s.acc_delta, a(0.9 * u1 + 0.1 * d2**2))
    assert isinstance(s, AdadeltaState) and s.t == 2


def test_adadeltas_step_has_the_units_of_the_parameters():
    """Zeiler's argument: scaling the gradient (a change of units of f) leaves the steps as
    they are, once eps is negligible."""
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((20, 4))
    paths = []
    for scale in (1.0, 1000.0):
        opt = Adadelta(eps=1e-30)
        x, s = np.zeros(4), opt.init(np.zeros(4))
        for g in grads:
            x, s = opt.step(x, scale * g, s)
        paths.append(x)
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-9)


def test_adamax_first_two_steps_and_eps_inside_the_max():
    opt = Adamax(learning_rate=0.1, beta1=0.9, beta2=0.5, eps=1e-3)
    x, s = opt.step(a(0.0, 0.0), a(4.0, 0.0), opt.init(a(0.0, 0.0)))
    close(s.u, a(4.0 + 1e-3, 1e-3))  # max(0, |g| + eps)
    close(x, a(-0.1 * 0.4 / 0.1 / (4.0 + 1e-3), 0.0))
    x2, s = opt.step(x, a(1.0, 0.0), s)
    close(s.u, a(0.5 * (4.0 + 1e-3), 1.0e-3))  # the decayed maximum still wins
    m = 0.9 * 0.4 + 0.1 * 1.0
    close(x2, x - a(0.1 / (1 - 0.81) * m / (0.5 * 4.001), 0.0))
    assert isinstance(s, AdamaxState)


def test_adamax_takes_gradients_whose_squares_overflow():
    """No squares: where Adam refuses, Adamax steps."""
    x, g = a(1.0), a(1e200)
    with pytest.raises(FloatingPointError):
        Adam().step(x, g, Adam().init(x))
    new, _ = Adamax(learning_rate=0.1).step(x, g, Adamax().init(x))
    close(new, a(0.9))


def test_nadam_first_step_by_hand():
    opt = NAdam(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=0.0 + 1e-12, momentum_decay=4e-3)
    mu1 = 0.9 * (1 - 0.5 * 0.96**0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96**0.008)
    x, s = opt.step(a(0.0), a(2.0), opt.init(a(0.0)))
    denom = math.sqrt(0.001 * 4.0 / 0.001) + 1e-12
    expected = (
        -0.1 * (1 - mu1) / (1 - mu1) * 2.0 / denom - 0.1 * mu2 / (1 - mu1 * mu2) * 0.2 / denom
    )
    close(x, a(expected))
    assert isinstance(s, NAdamState) and s.mu_product == pytest.approx(mu1, rel=1e-15)


def test_nadams_momentum_warms_up_towards_beta1():
    opt = NAdam(momentum_decay=4e-3)
    mus = [opt.mu(t) for t in (1, 10, 100, 1000, 10_000, 100_000)]
    assert mus == sorted(mus) and 0.45 < mus[0] < 0.451 and 0.899 < mus[-1] < 0.9


def test_radam_is_momentum_sgd_until_rho_t_passes_5():
    opt = RAdam(learning_rate=0.1, beta2=0.999)
    assert [opt.rectification(t) is None for t in range(1, 8)] == [True] * 5 + [False] * 2
    rng = np.random.default_rng(1)
    x, s = np.zeros(3), opt.init(np.zeros(3))
    m = np.zeros(3)
    for t in range(1, 6):
        g = rng.standard_normal(3)
        m = 0.9 * m + 0.1 * g
        before = x
        x, s = opt.step(x, g, s)
        close(x, before - 0.1 * m / (1 - 0.9**t))


def test_radams_rectification_rises_to_one():
    r = [RAdam().rectification(t) for t in (6, 10, 100, 1000, 100_000)]
    assert r == sorted(r) and 0 < r[0] < 0.1 and 0.999 < r[-1] <= 1.0


def test_lion_first_steps_by_hand():
    opt = Lion(learning_rate=0.1, beta1=0.9, beta2=0.99, weight_decay=0.5)
    x, s = opt.step(a(2.0, 2.0), a(3.0, -0.001), opt.init(a(2.0, 2.0)))
    close(x, a(2.0 * 0.95 - 0.1, 2.0 * 0.95 + 0.1))
    close(s.m, a(0.03, -0.00001))
    # The sign mixes 0.9 of the momentum with 0.1 of the new gradient: m = 0.03 and g = -0.2
    # give 0.027 - 0.02 > 0, a step down although the gradient says up.
    x2, s = opt.step(x, a(-0.2, 0.0), s)
    close(x2, x * 0.95 - a(0.1, -0.1))
    assert isinstance(s, LionState)


@settings(max_examples=40, deadline=None)
@given(
    g=hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e6, 1e6)),
    steps=st.integers(1, 4),
)
def test_lion_moves_every_coordinate_by_eta_or_not_at_all(g, steps):
    opt = Lion(learning_rate=0.25)
    x, s = np.zeros_like(g), opt.init(np.zeros_like(g))
    for _ in range(steps):
        new, s = opt.step(x, g, s)
        assert set(np.abs(new - x).tolist()) <= {0.0, 0.25}
        x = new


# --------------------------------------------------------------------------------------------
# Adafactor
# --------------------------------------------------------------------------------------------


def test_adafactor_stores_a_row_and_a_column_for_a_matrix():
    opt = Adafactor()
    state = opt.init(np.zeros((30, 20)))
    assert state.row_var.shape == (30,) and state.col_var.shape == (20,)
    assert state.variance is None
    vector = opt.init(np.zeros(7))
    assert vector.row_var is None and vector.col_var is None and vector.variance.shape == (7,)
    stacked = opt.init(np.zeros((2, 3, 4)))  # the last two axes are factored
    assert stacked.row_var.shape == (2, 3) and stacked.col_var.shape == (2, 4)


def test_adafactor_first_step_on_a_matrix_by_hand():
    opt = Adafactor(learning_rate=0.5, eps2=1e-3)
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    G = np.array([[1.0, 0.0], [2.0, 2.0]])
    new, s = opt.step(W, G, opt.init(W))
    R, C = (G**2).mean(axis=1), (G**2).mean(axis=0)  # t = 1: the decay is 1 - 1 = 0
    close(s.row_var, R)
    close(s.col_var, C)
    V = np.outer(R, C) / R.mean()
    U = G / np.sqrt(V)
    alpha = math.sqrt((W**2).mean()) * min(0.5, 1.0)
    clip = max(1.0, math.sqrt((U**2).mean()))
    close(new, W - alpha / clip * U)


@settings(max_examples=40, deadline=None)
@given(
    r=hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(0.1, 10)),
    c=hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(0.1, 10)),
)
def test_adafactors_factored_estimate_is_exact_for_rank_one_squares(r, c):
    """When g_ij^2 = r_i c_j, the row and column means rebuild every g_ij^2: the first
    update is g / |g| = sign(g), up to the clipping, as Adam's is."""
    G = np.sqrt(np.outer(r, c))
    opt = Adafactor(learning_rate=1.0, d=1e6)
    W = np.ones_like(G)
    new, _ = opt.step(W, G, opt.init(W))
    np.testing.assert_allclose(new, W - 1.0, atol=1e-12)  # alpha = RMS(W) = 1, U = 1


def test_adafactor_clips_the_update_to_rms_d():
    opt = Adafactor(learning_rate=0.5, d=1.0)
    W = np.ones(4)
    # A tiny gradient, then a large one: v_2 = 1e-6 + 2**-0.8 (1e4 - 1e-6), so that
    # U = 100 / sqrt(v_2) = 1.32 on every coordinate, an RMS above d = 1.
    W1, s = opt.step(W, np.full(4, 1e-3), opt.init(W))
    W2, _ = opt.step(W1, np.full(4, 100.0), s)
    alpha2 = math.sqrt((W1**2).mean()) * min(0.5, 1 / math.sqrt(2))
    close(W1 - W2, np.full(4, alpha2))  # U / RMS(U) = 1: each moves by alpha, not 1.32 alpha


def test_adafactor_eps1_none_is_the_dtypes_machine_epsilon():
    W = np.zeros((2, 2), np.float32)
    G = np.zeros((2, 2), np.float32)
    G[0, 0] = 1.0
    new, s = Adafactor().step(W, G, Adafactor().init(W))
    assert new.dtype == np.float32 and np.all(np.isfinite(new))
    assert s.row_var.dtype == np.float32


# --------------------------------------------------------------------------------------------
# Muon and Newton-Schulz
# --------------------------------------------------------------------------------------------


def test_muon_first_step_by_hand():
    opt = Muon(learning_rate=0.1, weight_decay=0.5, momentum=0.9, nesterov=True)
    W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    G = np.array([[3.0, 0.0, 1.0], [1.0, -2.0, 0.0]])
    new, s = opt.step(W, G, opt.init(W))
    b = 0.1 * G
    close(s.momentum_buffer, b)
    d = 0.9 * b + 0.1 * G
    close(new, W * (1 - 0.1 * 0.5) - 0.1 * 1.0 * newton_schulz(d))  # wide: gamma = 1
    assert isinstance(s, MuonState)


def test_muon_scales_a_tall_matrix_by_the_root_of_its_aspect():
    opt = Muon(learning_rate=0.1, weight_decay=0.0, nesterov=False, momentum=0.0)
    W = np.zeros((8, 2))
    G = np.random.default_rng(2).standard_normal((8, 2))
    new, _ = opt.step(W, G, opt.init(W))
    close(new, -0.1 * 2.0 * newton_schulz(G))  # sqrt(8 / 2)
    assert opt.lr_factor((8, 2)) == 2.0 and opt.lr_factor((2, 8)) == 1.0
    assert Muon(adjust_lr_fn="match_rms_adamw").lr_factor((2, 8)) == pytest.approx(0.2 * 8**0.5)


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4), (), (0, 3)], ids=str)
def test_muon_refuses_anything_but_a_matrix(shape):
    opt = Muon()
    with pytest.raises(ValueError, match=rf"Muon takes 2-D parameters .*shape {re_shape(shape)}"):
        opt.init(np.zeros(shape))
    state = opt.init(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Muon takes 2-D parameters"):
        opt.step(np.zeros(shape), np.zeros(shape), state)


def re_shape(shape):
    return str(shape).replace("(", r"\(").replace(")", r"\)")


def test_muon_in_a_training_loop_needs_a_matrix():
    """The loops of optlib.train hold flat vectors: Muon says so at their front door."""
    with pytest.raises(ValueError, match="Muon takes 2-D parameters"):
        _Stepper(Muon(), np.zeros(6))
    stepper = _Stepper(Muon(learning_rate=0.1), np.ones((2, 3)))
    assert stepper.step(np.ones((2, 3)), None) == ""


def singular_values(X):
    return np.linalg.svd(X, compute_uv=False)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(1, 6),
    cols=st.integers(1, 6),
    spread=st.floats(0.0, 2.0),
)
def test_newton_schulz_keeps_the_singular_vectors_and_evens_the_values(seed, rows, cols, spread):
    """The singular vectors stay, X = U f(S) V^T for the SVD G = U S V^T, and the singular
    values from 1% to 100% of the Frobenius norm end in [0.68, 1.14]."""
    rng = np.random.default_rng(seed)
    k = min(rows, cols)
    U, _ = np.linalg.qr(rng.standard_normal((rows, k)))
    V, _ = np.linalg.qr(rng.standard_normal((cols, k)))
    S = np.logspace(0, -spread, k) * 7.0  # down to 1% of the largest
    X = newton_schulz((U * S) @ V.T)
    f = np.diag(U.T @ X @ V)
    np.testing.assert_allclose(X, (U * f) @ V.T, atol=1e-12)
    in_range = S / np.linalg.norm(S) >= 0.01
    assert np.all((0.68 <= f[in_range]) & (f[in_range] <= 1.14)), (S, f)


def test_newton_schulz_treats_a_matrix_and_its_transpose_alike():
    G = np.random.default_rng(3).standard_normal((7, 3))
    close(newton_schulz(G), newton_schulz(G.T).T)
    assert newton_schulz(G).shape == (7, 3)


def test_newton_schulz_with_zero_steps_only_normalizes():
    G = np.array([[3.0, 0.0], [0.0, 4.0]])
    close(newton_schulz(G, steps=0), G / 5.0)
    close(newton_schulz(np.zeros((2, 2))), np.zeros((2, 2)))  # eps keeps 0 / 0 away


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(G=np.ones(3)), ValueError, r"G must be a 2-D matrix; got an array of shape \(3,\)"),
        (dict(G=np.ones((2, 2)), steps=100), ValueError, r"steps must be .*99"),
        (dict(G=np.ones((2, 2)), steps=1.5), TypeError, r"steps must be an integer"),
        (dict(G=np.ones((2, 2)), coefficients=(1.0, 2.0)), ValueError, r"ns_coefficients"),
        (dict(G=np.ones((2, 2)), eps=0.0), ValueError, r"eps must be a finite number > 0"),
        (dict(G=np.array([[NAN, 1.0]])), ValueError, r"G must be finite"),
    ],
)
def test_newton_schulz_refuses_bad_inputs(kwargs, exc, match):
    G = kwargs.pop("G")
    with pytest.raises(exc, match=match):
        newton_schulz(G, **kwargs)


# --------------------------------------------------------------------------------------------
# Shape-aware rules: pure, float32, and the state checked
# --------------------------------------------------------------------------------------------

MATRIX_RULES = {
    "adafactor": Adafactor(learning_rate=0.05, weight_decay=0.1),
    "adafactor-vector-state": Adafactor(eps1=1e-6),
    "muon": Muon(learning_rate=0.02),
    "muon-plain": Muon(learning_rate=0.02, nesterov=False, adjust_lr_fn="match_rms_adamw"),
}
matrix_rules = pytest.mark.parametrize("opt", MATRIX_RULES.values(), ids=MATRIX_RULES)


@matrix_rules
@pytest.mark.parametrize("shape", [(3, 4), (5, 2)], ids=["wide", "tall"])
def test_the_step_is_pure_and_the_loop_agrees(opt, shape):
    rng = np.random.default_rng(4)
    W = rng.standard_normal(shape)
    state = opt.init(W)
    stepper = _Stepper(opt, W.copy())
    for _ in range(4):
        G = rng.standard_normal(shape)
        kept = W.copy(), G.copy(), [np.copy(b) for b in state if isinstance(b, np.ndarray)]
        new, new_state = opt.step(W, G, state)
        np.testing.assert_array_equal(W, kept[0])
        np.testing.assert_array_equal(G, kept[1])
        buffers = [b for b in state if isinstance(b, np.ndarray)]
        for before, buf in zip(kept[2], buffers, strict=True):
            np.testing.assert_array_equal(buf, before)
        assert stepper.step(G, None) == ""
        W, state = new, new_state
    assert W.shape == shape and state.t == 4
    np.testing.assert_array_equal(stepper.params, W)


@matrix_rules
def test_float32_stays_float32_and_agrees_with_float64(opt):
    rng = np.random.default_rng(5)
    W = rng.standard_normal((3, 4))
    W32, s32, s64 = W.astype(np.float32), opt.init(W.astype(np.float32)), opt.init(W)
    for _ in range(3):
        G = rng.standard_normal((3, 4))
        W32, s32 = opt.step(W32, G.astype(np.float32), s32)
        W, s64 = opt.step(W, G, s64)
    assert W32.dtype == np.float32
    assert all(b.dtype == np.float32 for b in s32 if isinstance(b, np.ndarray))
    np.testing.assert_allclose(W32, W, rtol=1e-4, atol=1e-5)


def test_a_state_for_other_parameters_is_refused_with_its_shapes():
    opt = Adafactor()
    with pytest.raises(ValueError, match=r"state\.row_var has shape \(3,\) but params have shape"):
        opt.step(np.zeros((2, 4)), np.zeros((2, 4)), opt.init(np.zeros((3, 4))))
    with pytest.raises(ValueError, match=r"state\.row_var is None"):  # a vector's state
        opt.step(np.zeros((2, 4)), np.zeros((2, 4)), opt.init(np.zeros(8)))
    with pytest.raises(ValueError, match=r"state\.momentum_buffer has shape"):
        Muon().step(np.zeros((2, 4)), np.zeros((2, 4)), Muon().init(np.zeros((4, 2))))
    with pytest.raises(TypeError, match=r"state must be the AdafactorState"):
        opt.step(np.zeros(3), np.zeros(3), Adam().init(np.zeros(3)))
    assert isinstance(opt.init(np.zeros(3)), AdafactorState)


def test_nadams_running_product_is_checked():
    opt = NAdam()
    state = opt.init(a(1.0))._replace(mu_product="1")
    with pytest.raises(TypeError, match=r"state\.mu_product must be a real number"):
        opt.step(a(1.0), a(1.0), state)


# --------------------------------------------------------------------------------------------
# Bad hyperparameters
# --------------------------------------------------------------------------------------------


def bad(cls, exc, match, **kwargs):
    return pytest.param(cls, kwargs, exc, match, id=f"{cls.__name__}-{match[:30]}")


BAD_HYPERPARAMETERS = [
    bad(Adadelta, ValueError, r"rho must be a finite number in \[0, 1\); got 1\.0", rho=1.0),
    bad(Adadelta, ValueError, r"eps must be a finite number > 0; got 0", eps=0.0),
    bad(Adadelta, ValueError, r"learning_rate must be a finite number >= 0", learning_rate=-1.0),
    bad(Adamax, ValueError, r"beta2 must be a finite number in \[0, 1\); got 1\.0", beta2=1.0),
    bad(Adamax, ValueError, r"weight_decay must be a finite number >= 0", weight_decay=-0.1),
    bad(NAdam, ValueError, r"momentum_decay must be a finite number >= 0", momentum_decay=-1.0),
    bad(
        NAdam, TypeError, r"decoupled_weight_decay must be True or False", decoupled_weight_decay=1
    ),
    bad(RAdam, ValueError, r"beta1 must be a finite number; got nan", beta1=NAN),
    bad(RAdam, ValueError, r"eps must be a finite number > 0", eps=-1e-8),
    bad(
        Adafactor,
        ValueError,
        r"beta2_decay must be a finite number <= 0; got 0\.5",
        beta2_decay=0.5,
    ),
    bad(Adafactor, ValueError, r"eps1 must be a finite number > 0; got 0", eps1=0.0),
    bad(Adafactor, ValueError, r"eps2 must be a finite number > 0", eps2=-1.0),
    bad(Adafactor, ValueError, r"d must be a finite number >= 1; got 0\.5", d=0.5),
    bad(Adafactor, TypeError, r"eps1 must be a real number; got '1e-30'", eps1="1e-30"),
    bad(Muon, ValueError, r"momentum must be a finite number in \[0, 1\); got 1\.0", momentum=1.0),
    bad(Muon, ValueError, r"ns_steps must be an integer in \[0, 99\]; got 100", ns_steps=100),
    bad(Muon, ValueError, r"ns_coefficients must be 3 numbers", ns_coefficients=(1.0, 2.0)),
    bad(
        Muon,
        ValueError,
        r"ns_coefficients\[1\] must be a finite number",
        ns_coefficients=(1, NAN, 1),
    ),
    bad(Muon, ValueError, r"adjust_lr_fn must be one of", adjust_lr_fn="sqrt"),
    bad(Muon, TypeError, r"nesterov must be True or False", nesterov="yes"),
    bad(Muon, ValueError, r"eps must be a finite number > 0", eps=0.0),
    bad(Lion, ValueError, r"beta1 must be a finite number in \[0, 1\); got 1\.5", beta1=1.5),
    bad(
        Lion,
        ValueError,
        r"learning_rate must be a finite number >= 0; got -0\.1",
        learning_rate=-0.1,
    ),
]


@pytest.mark.parametrize("cls, kwargs, exc, match", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_are_refused_at_construction(cls, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls(**kwargs)


def test_state_types():
    x, W = a(1.0, 2.0), np.ones((2, 2))
    assert isinstance(Adadelta().init(x), AdadeltaState)
    assert isinstance(Adamax().init(x), AdamaxState)
    assert NAdam().init(x).mu_product == 1.0
    assert isinstance(RAdam().init(x), RAdamState)
    assert isinstance(Lion().init(x), LionState)
    assert isinstance(Muon().init(W), MuonState)
