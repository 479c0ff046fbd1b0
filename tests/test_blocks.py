"""Blocks: one optimizer per block of a flat parameter vector."""

import numpy as np
import pytest

from optlib import SGD, Adafactor, Adam, AdamW, Blocks, Muon, fit
from optlib.blocks import BlocksState
from optlib.models import MLP
from optlib.train import _Stepper

SHAPES = ((3, 2), (2,), (2, 4), (4,))  # an MLP's W1, b1, W2, b2
SIZE = 6 + 2 + 8 + 4


def muon_and_adamw(lr=0.05):
    return Blocks.by_ndim(SHAPES, matrix=Muon(learning_rate=lr), vector=AdamW(learning_rate=lr))


def split(x):
    out, start = [], 0
    for shape in SHAPES:
        n = int(np.prod(shape))
        out.append(x[start : start + n].reshape(shape))
        start += n
    return out


def test_each_block_steps_as_its_own_optimizer_would():
    rng = np.random.default_rng(0)
    opt = muon_and_adamw()
    x = rng.standard_normal(SIZE)
    state = opt.init(x)
    alone = [o.init(b) for o, b in zip(opt.optimizers, split(x), strict=True)]
    blocks = split(x)
    for _ in range(4):
        g = rng.standard_normal(SIZE)
        x, state = opt.step(x, g, state)
        stepped = [
            o.step(b, gb, s)
            for o, b, gb, s in zip(opt.optimizers, blocks, split(g), alone, strict=True)
        ]
        blocks, alone = [b for b, _ in stepped], [s for _, s in stepped]
    for ours, theirs in zip(split(x), blocks, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert state.t == 4 and [s.t for s in state.states] == [4] * 4
    assert [type(o) for o in opt.optimizers] == [Muon, AdamW, Muon, AdamW]


def test_the_step_is_pure_and_the_training_loop_agrees():
    rng = np.random.default_rng(1)
    opt = Blocks(SHAPES, (Adafactor(),) * 4)
    x = rng.standard_normal(SIZE)
    stepper = _Stepper(opt, x.copy())
    state = opt.init(x)
    for _ in range(3):
        g = rng.standard_normal(SIZE)
        kept_x, kept_g = x.copy(), g.copy()
        kept_state = [[np.copy(b) for b in s if isinstance(b, np.ndarray)] for s in state.states]
        new, new_state = opt.step(x, g, state)
        np.testing.assert_array_equal(x, kept_x)
        np.testing.assert_array_equal(g, kept_g)
        for before, s in zip(kept_state, state.states, strict=True):
            after = [b for b in s if isinstance(b, np.ndarray)]
            for b0, b1 in zip(before, after, strict=True):
                np.testing.assert_array_equal(b0, b1)
        assert stepper.step(g, None) == ""
        x, state = new, new_state
    np.testing.assert_array_equal(stepper.params, x)
    assert state.states[0].row_var.shape == (3,)  # the matrices are factored


def test_a_schedules_rate_scales_every_block_alike():
    """Block i steps at eta_i * eta_t / eta_0: half the first block's rate halves them all."""
    opt = Blocks(((2,), (2,)), (SGD(learning_rate=0.1), SGD(learning_rate=0.4)))
    stepper = _Stepper(opt, np.zeros(4))
    assert stepper.step(np.ones(4), 0.05) == ""
    np.testing.assert_allclose(stepper.params, [-0.05, -0.05, -0.2, -0.2])
    assert opt.learning_rate == 0.1


def test_fit_trains_an_mlp_with_muon_on_the_weights():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = MLP(3, [8], 2)
    opt = Blocks.by_ndim(model.shapes, matrix=Muon(learning_rate=0.05), vector=AdamW(1e-2))
    history = fit(model, opt, X, y, batch_size=20, epochs=15, rng=0, progress=False)
    assert history.epoch_loss[-1] < 0.6 * history.epoch_loss[0]


@pytest.mark.parametrize(
    "args, exc, match",
    [
        ((SHAPES, (Adam(),) * 3), ValueError, r"one optimizer per shape: 4 shapes and 3"),
        (((3, 2), (Adam(),)), TypeError, r"shapes\[0\] must be a shape"),
        ((((3, 0),), (Adam(),)), ValueError, r"shapes\[0\]\[1\] must be"),
        (((), ()), ValueError, r"shapes must hold at least one block"),
        (((2,), Adam()), TypeError, r"optimizers must be a sequence of optlib optimizers"),
        ((((2,),), ("adam",)), TypeError, r"optimizers\[0\] must be an optlib optimizer; got str"),
        (("ab", (Adam(),)), TypeError, r"shapes must be a sequence of shapes"),
    ],
)
def test_bad_blocks_are_refused(args, exc, match):
    with pytest.raises(exc, match=match):
        Blocks(*args)


def test_bad_parameters_and_states_are_refused():
    opt = muon_and_adamw()
    with pytest.raises(ValueError, match=r"params must be a vector of 20 numbers.*shape \(19,\)"):
        opt.init(np.zeros(19))
    with pytest.raises(ValueError, match=r"params must be a vector of 20"):
        opt.step(np.zeros((4, 5)), np.zeros((4, 5)), opt.init(np.zeros(20)))
    other = Blocks(((20,),), (Adam(),))
    with pytest.raises(ValueError, match=r"state\.states must hold one state per block \(4\)"):
        opt.step(np.zeros(20), np.zeros(20), other.init(np.zeros(20)))
    with pytest.raises(TypeError, match=r"state must be the BlocksState"):
        opt.step(np.zeros(20), np.zeros(20), Adam().init(np.zeros(20)))
    with pytest.raises(ValueError, match=r"Muon takes 2-D parameters"):
        Blocks(((4,),), (Muon(),)).init(np.zeros(4))
    swapped = BlocksState(0, opt.init(np.zeros(20)).states[::-1])
    with pytest.raises(TypeError, match=r"state must be the MuonState"):
        opt.step(np.zeros(20), np.zeros(20), swapped)
    with pytest.raises(ValueError, match=r"grads contain NaN or inf"):
        opt.step(np.zeros(20), np.full(20, np.nan), opt.init(np.zeros(20)))


def test_the_state_fields_say_what_they_hold():
    for name in BlocksState._fields:
        assert not BlocksState.__dict__[name].__doc__.startswith("Alias for field"), name
