"""optlib against torch.optim's recorded trajectories: the answer key, without torch.

``tests/golden/torch_optim.json`` holds 40 steps of torch.optim 2.13 (float64) for each
configuration of ``benchmarks/record_torch_golden.py``: every optimizer with its defaults, each
option alone and all together. Both of optlib's paths must retrace every step: the pure
``step`` that readers call and the in-place step the training loops take.
``test_against_torch.py`` still compares live where torch is installed.
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
)


def optimizer(case):
    return getattr(optlib, case["optlib"])(**case["optlib_kwargs"])


@pytest.mark.parametrize("name", CASES)
def test_the_pure_step_retraces_torch(name):
    case = CASES[name]
    opt = optimizer(case)
    x = np.array(case["x0"])
    state = opt.init(x)
    for t, (g, expected) in enumerate(zip(case["grads"], case["params"], strict=True), start=1):
        x, state = opt.step(x, np.array(g), state)
        np.testing.assert_allclose(
            x, expected, rtol=1e-12, atol=1e-15, err_msg=f"{name}: step {t} of torch.optim's path"
        )


@pytest.mark.parametrize("name", CASES)
def test_the_training_loops_step_retraces_torch(name):
    case = CASES[name]
    stepper = _Stepper(optimizer(case), np.array(case["x0"]))
    for t, (g, expected) in enumerate(zip(case["grads"], case["params"], strict=True), start=1):
        assert stepper.step(np.array(g), None) == ""
        np.testing.assert_allclose(
            stepper.params,
            expected,
            rtol=1e-12,
            atol=1e-15,
            err_msg=f"{name}: step {t} of torch.optim's path",
        )


def test_the_answer_key_is_whole():
    """40 steps per case, at least 25 cases, and every option of every optimizer set away from
    its default in some case, so that no option goes unchecked against torch."""
    assert GOLDEN["meta"]["steps"] == 40 and len(CASES) >= 25
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
