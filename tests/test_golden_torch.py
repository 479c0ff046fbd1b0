"""optlib against torch.optim's recorded trajectories: the answer key, without torch.

``tests/golden/torch_optim.json`` holds 40 steps of torch.optim 2.13 (float64) for each
configuration of ``benchmarks/record_torch_golden.py``: every optimizer with its defaults, each
option alone and all together (Lion: the lion-pytorch package). Both of optlib's paths must
retrace every step to 12 digits: the pure ``step`` that readers call and the in-place step the
training loops take. Muon is the one exception, because torch orthogonalizes in bfloat16:
optlib retraces torch's rule run in float64 to 12 digits, and each of torch's own bfloat16
steps to bfloat16's precision. ``test_against_torch.py`` still compares live where torch is
installed.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

import optlib
from optlib.train import _Stepper

GOLDEN = json.loads((Path(__file__).parent / "golden" / "torch_optim.json").read_text())
CASES = {case["name"]: case for case in GOLDEN["cases"]}
OPTIMIZERS = (
    optlib.SGD,
    optlib.Momentum,
    optlib.Nesterov,
    optlib.AdaGrad,
    optlib.RMSProp,
    optlib.Adam,
    optlib.AdamW,
    optlib.Adadelta,
    optlib.Adamax,
    optlib.NAdam,
    optlib.RAdam,
    optlib.Adafactor,
    optlib.Muon,
    optlib.Lion,
)
# bfloat16 keeps 8 significant bits (a relative error of 2**-9 per rounding) and Newton-Schulz
# rounds in every product of its 5 iterations: measured, optlib's float64 step from torch's
# point differs from torch's by at most 2.8% of eta * gamma, the size of an update entry.
BFLOAT16_STEP_TOLERANCE = 0.04


def optimizer(case):
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in case["optlib_kwargs"].items()}
    return getattr(optlib, case["optlib"])(**kwargs)


def answer_key(case):
    """torch's path at float64 throughout: for Muon, its rule with the bfloat16 cast removed."""
    return case.get("params_float64", case["params"])


@pytest.mark.parametrize("name", CASES)
def test_the_pure_step_retraces_torch(name):
    case = CASES[name]
    opt = optimizer(case)
    x = np.array(case["x0"])
    state = opt.init(x)
    for t, (g, expected) in enumerate(zip(case["grads"], answer_key(case), strict=True), start=1):
        x, state = opt.step(x, np.array(g), state)
        np.testing.assert_allclose(
            x, expected, rtol=1e-12, atol=1e-15, err_msg=f"{name}: step {t} of torch.optim's path"
        )


@pytest.mark.parametrize("name", CASES)
def test_the_training_loops_step_retraces_torch(name):
    case = CASES[name]
    stepper = _Stepper(optimizer(case), np.array(case["x0"]))
    for t, (g, expected) in enumerate(zip(case["grads"], answer_key(case), strict=True), start=1):
        assert stepper.step(np.array(g), None) == ""
        np.testing.assert_allclose(
            stepper.params,
            expected,
            rtol=1e-12,
            atol=1e-15,
            err_msg=f"{name}: step {t} of torch.optim's path",
        )


MUON_CASES = [name for name, case in CASES.items() if case["optlib"] == "Muon"]


@pytest.mark.parametrize("name", MUON_CASES)
def test_muon_steps_as_torchs_bfloat16_muon_to_bfloat16_precision(name):
    """From each of torch's points, optlib's next step lands within 4% of an update entry's
    size (eta * gamma) of torch's: the rounding of bfloat16, not a different rule (a wrong
    gamma or a missing look-ahead moves it by 30% or more)."""
    case = CASES[name]
    opt = optimizer(case)
    points = [case["x0"], *case["params"]]
    scale = opt.learning_rate * opt.lr_factor(np.shape(case["x0"]))
    state = opt.init(np.array(case["x0"]))
    for t, g in enumerate(case["grads"]):
        x, state = opt.step(np.array(points[t]), np.array(g), state)
        gap = np.max(np.abs(x - np.array(points[t + 1]))) / scale
        assert gap < BFLOAT16_STEP_TOLERANCE, f"{name}: step {t + 1} is {gap:.3f} eta gamma away"
    assert np.max(np.abs(np.array(case["params"]) - np.array(case["params_float64"]))) > 0


def test_the_answer_key_is_whole():
    """40 steps per case, at least 50 cases, matrices where a rule treats them apart, and
    every option of every optimizer set away from its default in some case, so that no option
    goes unchecked against torch."""
    assert GOLDEN["meta"]["steps"] == 40 and len(CASES) >= 50
    shapes = {
        (c["optlib"], np.ndim(c["x0"]), np.shape(c["x0"])[0] > np.shape(c["x0"])[-1])
        for c in CASES.values()
    }
    assert {("Adafactor", 1, False), ("Adafactor", 2, False), ("Adafactor", 2, True)} <= shapes
    assert {("Muon", 2, False), ("Muon", 2, True)} <= shapes  # wide and tall matrices
    for case in CASES.values():
        assert len(case["grads"]) == len(case["params"]) == 40, case["name"]
    for cls in OPTIMIZERS:
        mine = [c["optlib_kwargs"] for c in CASES.values() if c["optlib"] == cls.__name__]
        assert mine, f"no case for {cls.__name__}"
        defaults = {f.name: f.default for f in dataclasses.fields(cls) if f.init}
        if cls is optlib.Nesterov:
            del defaults["dampening"]  # must stay 0 with Nesterov momentum, in torch as here
        for field, default in defaults.items():
            assert any(field in kwargs and kwargs[field] != default for kwargs in mine), (
                f"{cls.__name__}.{field} is never set away from its default {default!r}"
            )
