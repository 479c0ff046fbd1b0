"""Record torch.optim's trajectories as the answer key for optlib's update rules.

For every configuration below (each optimizer with its defaults, then each option switched on
alone, then together), torch.optim takes 40 steps from a random start on random gradients, and
every step's parameters are written to ``tests/golden/torch_optim.json``, with the start and the
gradients. ``tests/test_golden_torch.py`` holds optlib to that file in every ``make test``:
torch is needed only here, to record, never to test.

The parameters are a vector of five, or a matrix (``SHAPES``) for the rules that treat
matrices apart (Adafactor, Muon). The gradients span four orders of magnitude across the last
axis (1e-3 to 10), so that eps, the scaling and the decays all leave their mark. The start
and the gradients are rounded to 6 significant digits, the parameters written with every
digit. torch runs in float64 throughout (``torch.set_default_dtype``): otherwise some of its
optimizer scalars are float32 (NAdam's product of mu among them).

Lion is not in torch.optim: its reference is the ``lion-pytorch`` package by the paper's
authors. torch's Muon orthogonalizes in bfloat16, so each Muon case holds two paths: torch's
(``params``) and torch's with that cast removed (``params_float64``).

Run (torch and lion-pytorch installed, as ``make bench`` does):
         .venv/bin/python benchmarks/record_torch_golden.py
Writes:  tests/golden/torch_optim.json
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import platform
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "torch_optim.json"
STEPS = 40
SIZE = 5

# (name, optlib class, optlib arguments, torch.optim class, torch arguments)
CONFIGS = [
    ("sgd", "SGD", dict(learning_rate=0.1), "SGD", dict(lr=0.1)),
    ("sgd-weight_decay", "SGD", dict(learning_rate=0.1, weight_decay=0.1), "SGD",
     dict(lr=0.1, weight_decay=0.1)),
    ("sgd-momentum", "SGD", dict(learning_rate=0.1, momentum=0.9), "SGD",
     dict(lr=0.1, momentum=0.9)),
    ("sgd-dampening", "SGD", dict(learning_rate=0.1, momentum=0.8, dampening=0.3), "SGD",
     dict(lr=0.1, momentum=0.8, dampening=0.3)),
    ("sgd-nesterov", "SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True), "SGD",
     dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd-all", "SGD",
     dict(learning_rate=0.05, momentum=0.7, dampening=0.2, weight_decay=0.1), "SGD",
     dict(lr=0.05, momentum=0.7, dampening=0.2, weight_decay=0.1)),
    ("momentum-defaults", "Momentum", dict(), "SGD", dict(lr=1e-3, momentum=0.9)),
    ("momentum-all", "Momentum",
     dict(learning_rate=0.1, momentum=0.6, dampening=0.2, weight_decay=0.05), "SGD",
     dict(lr=0.1, momentum=0.6, dampening=0.2, weight_decay=0.05)),
    ("momentum-nesterov", "Momentum", dict(learning_rate=0.1, nesterov=True), "SGD",
     dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("nesterov-defaults", "Nesterov", dict(), "SGD", dict(lr=1e-3, momentum=0.9, nesterov=True)),
    ("nesterov-all", "Nesterov", dict(learning_rate=0.1, momentum=0.5, weight_decay=0.05),
     "SGD", dict(lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.05)),
    ("adagrad-defaults", "AdaGrad", dict(), "Adagrad", dict()),
    ("adagrad-lr_decay", "AdaGrad", dict(learning_rate=0.1, lr_decay=0.05), "Adagrad",
     dict(lr=0.1, lr_decay=0.05)),
    ("adagrad-weight_decay", "AdaGrad", dict(learning_rate=0.1, weight_decay=0.1), "Adagrad",
     dict(lr=0.1, weight_decay=0.1)),
    ("adagrad-initial_accumulator", "AdaGrad",
     dict(learning_rate=0.1, initial_accumulator_value=0.5), "Adagrad",
     dict(lr=0.1, initial_accumulator_value=0.5)),
    ("adagrad-eps", "AdaGrad", dict(learning_rate=0.1, eps=1e-2), "Adagrad",
     dict(lr=0.1, eps=1e-2)),
    ("adagrad-all", "AdaGrad",
     dict(learning_rate=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5,
          eps=1e-6), "Adagrad",
     dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ("rmsprop-defaults", "RMSProp", dict(), "RMSprop", dict()),
    ("rmsprop-alpha", "RMSProp", dict(alpha=0.9), "RMSprop", dict(alpha=0.9)),
    ("rmsprop-eps", "RMSProp", dict(eps=1e-3), "RMSprop", dict(eps=1e-3)),
    ("rmsprop-weight_decay", "RMSProp", dict(weight_decay=0.1), "RMSprop",
     dict(weight_decay=0.1)),
    ("rmsprop-momentum", "RMSProp", dict(momentum=0.9), "RMSprop", dict(momentum=0.9)),
    ("rmsprop-centered", "RMSProp", dict(centered=True), "RMSprop", dict(centered=True)),
    ("rmsprop-all", "RMSProp",
     dict(learning_rate=0.005, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5,
          centered=True), "RMSprop",
     dict(lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True)),
    ("adam-defaults", "Adam", dict(), "Adam", dict()),
    ("adam-betas", "Adam", dict(learning_rate=0.01, beta1=0.5, beta2=0.9), "Adam",
     dict(lr=0.01, betas=(0.5, 0.9))),
    ("adam-eps", "Adam", dict(learning_rate=0.01, eps=1e-2), "Adam", dict(lr=0.01, eps=1e-2)),
    ("adam-weight_decay", "Adam", dict(learning_rate=0.01, weight_decay=0.1), "Adam",
     dict(lr=0.01, weight_decay=0.1)),
    ("adam-amsgrad", "Adam", dict(learning_rate=0.01, amsgrad=True), "Adam",
     dict(lr=0.01, amsgrad=True)),
    ("adam-decoupled", "Adam",
     dict(learning_rate=0.01, weight_decay=0.1, decoupled_weight_decay=True), "Adam",
     dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("adam-all", "Adam",
     dict(learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, amsgrad=True),
     "Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("adamw-defaults", "AdamW", dict(), "AdamW", dict()),
    ("adamw-weight_decay", "AdamW", dict(learning_rate=0.01, weight_decay=0.3), "AdamW",
     dict(lr=0.01, weight_decay=0.3)),
    ("adamw-amsgrad", "AdamW", dict(learning_rate=0.01, amsgrad=True), "AdamW",
     dict(lr=0.01, amsgrad=True)),
    ("adamw-all", "AdamW",
     dict(learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.3, amsgrad=True),
     "AdamW", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.3, amsgrad=True)),
    # Beyond Adam (chapter 10)
    ("adadelta-defaults", "Adadelta", dict(), "Adadelta", dict()),
    ("adadelta-all", "Adadelta", dict(learning_rate=0.5, rho=0.8, eps=1e-4, weight_decay=0.1),
     "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
    ("adamax-defaults", "Adamax", dict(), "Adamax", dict()),
    ("adamax-all", "Adamax",
     dict(learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-2, weight_decay=0.1), "Adamax",
     dict(lr=0.01, betas=(0.8, 0.99), eps=1e-2, weight_decay=0.1)),
    ("nadam-defaults", "NAdam", dict(), "NAdam", dict()),
    ("nadam-all", "NAdam",
     dict(learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1,
          momentum_decay=0.05), "NAdam",
     dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, momentum_decay=0.05)),
    ("nadam-decoupled", "NAdam",
     dict(learning_rate=0.01, weight_decay=0.1, decoupled_weight_decay=True), "NAdam",
     dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("radam-defaults", "RAdam", dict(), "RAdam", dict()),
    ("radam-all", "RAdam",
     dict(learning_rate=0.01, beta1=0.8, beta2=0.9, eps=1e-6, weight_decay=0.1), "RAdam",
     dict(lr=0.01, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)),
    ("radam-decoupled", "RAdam",
     dict(learning_rate=0.01, beta2=0.95, weight_decay=0.1, decoupled_weight_decay=True),
     "RAdam", dict(lr=0.01, betas=(0.9, 0.95), weight_decay=0.1, decoupled_weight_decay=True)),
    ("adafactor-vector", "Adafactor", dict(), "Adafactor", dict()),
    ("adafactor-matrix", "Adafactor", dict(), "Adafactor", dict()),
    ("adafactor-all", "Adafactor",
     dict(learning_rate=0.05, beta2_decay=-0.5, eps1=1e-6, eps2=1e-2, d=1.5, weight_decay=0.1),
     "Adafactor",
     dict(lr=0.05, beta2_decay=-0.5, eps=(1e-6, 1e-2), d=1.5, weight_decay=0.1)),
    ("adafactor-vector-all", "Adafactor",
     dict(learning_rate=0.05, beta2_decay=-0.5, eps1=1e-6, eps2=1e-2, d=1.5, weight_decay=0.1),
     "Adafactor",
     dict(lr=0.05, beta2_decay=-0.5, eps=(1e-6, 1e-2), d=1.5, weight_decay=0.1)),
    ("lion-defaults", "Lion", dict(), "lion_pytorch.Lion", dict()),
    ("lion-all", "Lion", dict(learning_rate=0.01, beta1=0.8, beta2=0.9, weight_decay=0.5),
     "lion_pytorch.Lion", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.5)),
    ("muon-defaults", "Muon", dict(), "Muon", dict()),
    ("muon-tall", "Muon", dict(learning_rate=0.02), "Muon", dict(lr=0.02)),
    ("muon-plain", "Muon", dict(learning_rate=0.02, nesterov=False, momentum=0.9),
     "Muon", dict(lr=0.02, nesterov=False, momentum=0.9)),
    ("muon-all", "Muon",
     dict(learning_rate=0.02, weight_decay=0.5, momentum=0.8, ns_coefficients=(2.0, -1.5, 0.5),
          eps=1e-3, ns_steps=3, adjust_lr_fn="match_rms_adamw"), "Muon",
     dict(lr=0.02, weight_decay=0.5, momentum=0.8, ns_coefficients=(2.0, -1.5, 0.5),
          eps=1e-3, ns_steps=3, adjust_lr_fn="match_rms_adamw")),
]  # fmt: skip

# Parameters that are not a vector of SIZE: matrices, wide and tall (Muon transposes the
# tall ones; Adafactor factors both).
SHAPES = {
    "adafactor-matrix": (3, 4),
    "adafactor-all": (4, 3),
    "muon-defaults": (3, 4),
    "muon-tall": (5, 3),
    "muon-plain": (3, 4),
    "muon-all": (4, 4),
}


def short(a: np.ndarray) -> np.ndarray:
    """``a`` to 6 significant digits: inputs that print short and are exactly what torch got."""
    return np.vectorize(lambda v: float(f"{v:.6g}"))(a)


def torch_class(torch, torch_name: str):
    """``torch.optim.<name>``, or ``lion_pytorch.Lion`` (the Lion authors' package)."""
    if torch_name == "lion_pytorch.Lion":
        from lion_pytorch import Lion

        return Lion
    return getattr(torch.optim, torch_name)


def trajectory(torch, torch_name: str, kwargs: dict, x0, grads) -> list:
    p = torch.tensor(x0.copy(), requires_grad=True)
    optimizer = torch_class(torch, torch_name)([p], **kwargs)
    path = []
    for g in grads:
        p.grad = torch.tensor(g.copy())
        optimizer.step()
        path.append(p.detach().numpy().tolist())
    return path


@contextlib.contextmanager
def orthogonalized_in_float64(torch):
    """Within: torch's Muon runs its Newton-Schulz iteration in float64, not bfloat16 (its
    only cast, ``grad.bfloat16()``, made a copy instead)."""
    original = torch.Tensor.bfloat16
    torch.Tensor.bfloat16 = lambda self: self.clone()
    try:
        yield
    finally:
        torch.Tensor.bfloat16 = original


def main() -> int:
    import torch

    torch.set_default_dtype(torch.float64)
    cases = []
    for i, (name, ours, our_kwargs, theirs, their_kwargs) in enumerate(CONFIGS):
        rng = np.random.default_rng(i)
        shape = SHAPES.get(name, (SIZE,))
        x0 = short(rng.standard_normal(shape))
        # Four orders of magnitude across the last axis (the columns of a matrix).
        grads = short(rng.standard_normal((STEPS, *shape)) * np.logspace(-3, 1, shape[-1]))
        case = dict(
            name=name,
            optlib=ours,
            optlib_kwargs=our_kwargs,
            torch=theirs,
            torch_kwargs={k: list(v) if isinstance(v, tuple) else v
                          for k, v in their_kwargs.items()},
            x0=x0.tolist(),
            grads=grads.tolist(),
            params=trajectory(torch, theirs, their_kwargs, x0, grads),
        )  # fmt: skip
        if theirs == "Muon":
            # torch orthogonalizes in bfloat16 (3 significant digits). The same rule with
            # that one cast removed is the answer key to 12 digits for everything else.
            with orthogonalized_in_float64(torch):
                case["params_float64"] = trajectory(torch, theirs, their_kwargs, x0, grads)
        cases.append(case)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(
        command="python benchmarks/record_torch_golden.py",
        torch=torch.__version__,
        lion_pytorch=importlib.metadata.version("lion-pytorch"),
        numpy=np.__version__,
        python=platform.python_version(),
        steps=STEPS,
        size=SIZE,
    )
    # One case per line: the file diffs case by case, and the floats round-trip exactly.
    lines = ",\n".join(json.dumps(case, separators=(",", ":")) for case in cases)
    OUT.write_text(f'{{"meta": {json.dumps(meta)},\n"cases": [\n{lines}\n]}}\n')
    print(f"wrote {len(cases)} trajectories of {STEPS} steps to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
