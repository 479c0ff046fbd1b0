"""optlib against torch.optim, the reference the contract names: same numbers, same defaults.

torch is not a dependency of the book or of the tests; these run when it is installed
(``pip install torch``) and skip otherwise. The hand-computed steps in test_optimizers.py hold
the rules without it.
"""

import numpy as np
import pytest

import optlib

torch = pytest.importorskip("torch")

CASES = {
    "sgd": (optlib.SGD(learning_rate=0.1), "SGD", dict(lr=0.1)),
    "sgd-all": (
        optlib.SGD(learning_rate=0.1, momentum=0.8, dampening=0.3, weight_decay=0.1),
        "SGD",
        dict(lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.1),
    ),
    "momentum": (optlib.Momentum(learning_rate=0.1), "SGD", dict(lr=0.1, momentum=0.9)),
    "nesterov": (
        optlib.Nesterov(learning_rate=0.1, weight_decay=0.05),
        "SGD",
        dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05),
    ),
    "adagrad": (optlib.AdaGrad(), "Adagrad", dict()),
    "adagrad-all": (
        optlib.AdaGrad(
            learning_rate=0.1,
            lr_decay=0.01,
            weight_decay=0.1,
            initial_accumulator_value=0.5,
            eps=1e-6,
        ),
        "Adagrad",
        dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6),
    ),
    "rmsprop": (optlib.RMSProp(), "RMSprop", dict()),
    "rmsprop-all": (
        optlib.RMSProp(
            learning_rate=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True
        ),
        "RMSprop",
        dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True),
    ),
    "adam": (optlib.Adam(), "Adam", dict()),
    "adam-all": (
        optlib.Adam(
            learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, amsgrad=True
        ),
        "Adam",
        dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True),
    ),
    "adamw": (optlib.AdamW(), "AdamW", dict()),
    "adamw-amsgrad": (
        optlib.AdamW(learning_rate=0.01, weight_decay=0.3, amsgrad=True),
        "AdamW",
        dict(lr=0.01, weight_decay=0.3, amsgrad=True),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_same_numbers_as_torch(name):
    opt, torch_name, kwargs = CASES[name]
    rng = np.random.default_rng(0)
    x = rng.standard_normal(50)
    # Gradients over four orders of magnitude, so eps and the scaling both matter.
    grads = rng.standard_normal((20, 50)) * np.logspace(-3, 1, 50)
    p = torch.tensor(x.copy(), requires_grad=True)
    reference = getattr(torch.optim, torch_name)([p], **kwargs)
    state = opt.init(x)
    for g in grads:
        x, state = opt.step(x, g, state)
        p.grad = torch.tensor(g.copy())
        reference.step()
    np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-12, atol=1e-14)


DEFAULTS = {
    optlib.SGD: ("SGD", dict(learning_rate="lr", momentum="momentum", dampening="dampening")),
    optlib.AdaGrad: ("Adagrad", dict(learning_rate="lr", lr_decay="lr_decay", eps="eps")),
    optlib.RMSProp: ("RMSprop", dict(learning_rate="lr", alpha="alpha", eps="eps")),
    optlib.Adam: ("Adam", dict(learning_rate="lr", eps="eps", weight_decay="weight_decay")),
    optlib.AdamW: ("AdamW", dict(learning_rate="lr", eps="eps", weight_decay="weight_decay")),
}
# Beyond Adam: every hyperparameter torch has, under optlib's name.
_ADAM_LIKE = dict(learning_rate="lr", eps="eps", weight_decay="weight_decay")
DEFAULTS |= {
    optlib.Adadelta: ("Adadelta", dict(_ADAM_LIKE, rho="rho")),
    optlib.Adamax: ("Adamax", _ADAM_LIKE),
    optlib.NAdam: (
        "NAdam",
        dict(
            _ADAM_LIKE,
            momentum_decay="momentum_decay",
            decoupled_weight_decay="decoupled_weight_decay",
        ),
    ),
    optlib.RAdam: ("RAdam", dict(_ADAM_LIKE, decoupled_weight_decay="decoupled_weight_decay")),
    optlib.Adafactor: (
        "Adafactor",
        dict(learning_rate="lr", beta2_decay="beta2_decay", d="d", weight_decay="weight_decay"),
    ),
    optlib.Muon: (
        "Muon",
        {name: name for name in ("weight_decay", "momentum", "nesterov", "ns_coefficients")}
        | dict(learning_rate="lr", eps="eps", ns_steps="ns_steps", adjust_lr_fn="adjust_lr_fn"),
    ),
}


@pytest.mark.parametrize("cls", DEFAULTS, ids=lambda c: c.__name__)
def test_same_defaults_as_torch(cls):
    torch_name, names = DEFAULTS[cls]
    param = torch.zeros((2, 2) if cls is optlib.Muon else 1, requires_grad=True)
    defaults = getattr(torch.optim, torch_name)([param]).defaults
    ours = cls()
    for our_name, torch_key in names.items():
        assert getattr(ours, our_name) == defaults[torch_key], our_name
    if "betas" in defaults:
        assert (ours.beta1, ours.beta2) == defaults["betas"]
    if cls is optlib.Adafactor:
        assert (ours.eps1, ours.eps2) == defaults["eps"]


def test_lions_defaults_are_the_authors():
    lion_pytorch = pytest.importorskip("lion_pytorch")
    defaults = lion_pytorch.Lion([torch.zeros(1, requires_grad=True)]).defaults
    ours = optlib.Lion()
    assert (ours.learning_rate, ours.weight_decay) == (defaults["lr"], defaults["weight_decay"])
    assert (ours.beta1, ours.beta2) == defaults["betas"]
