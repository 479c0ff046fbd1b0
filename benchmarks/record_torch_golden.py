"""Record torch.optim's trajectories as the answer key for optlib's update rules.

For every configuration below (each optimizer with its defaults, then each option switched on
alone, then together), torch.optim takes 40 steps from a random start on random gradients, and
every step's parameters are written to ``tests/golden/torch_optim.json``, with the start and the
gradients. ``tests/test_golden_torch.py`` holds optlib to that file in every ``make test``:
torch is needed only here, to record, never to test.

The gradients span four orders of magnitude across the five coordinates (1e-3 to 10), so that
eps, the scaling and the decays all leave their mark. The start and the gradients are rounded
to 6 significant digits, the parameters written with every digit. torch runs in float64
throughout (``torch.set_default_dtype``): otherwise some of its optimizer scalars are float32.

Run (torch installed, as ``make bench`` does):
         .venv/bin/python benchmarks/record_torch_golden.py
Writes:  tests/golden/torch_optim.json
"""

from __future__ import annotations

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
]  # fmt: skip


def short(a: np.ndarray) -> np.ndarray:
    """``a`` to 6 significant digits: inputs that print short and are exactly what torch got."""
    return np.vectorize(lambda v: float(f"{v:.6g}"))(a)


def trajectory(torch, torch_name: str, kwargs: dict, x0, grads) -> list[list[float]]:
    p = torch.tensor(x0.copy(), requires_grad=True)
    optimizer = getattr(torch.optim, torch_name)([p], **kwargs)
    path = []
    for g in grads:
        p.grad = torch.tensor(g.copy())
        optimizer.step()
        path.append(p.detach().numpy().tolist())
    return path


def main() -> int:
    import torch

    torch.set_default_dtype(torch.float64)
    cases = []
    for i, (name, ours, our_kwargs, theirs, their_kwargs) in enumerate(CONFIGS):
        rng = np.random.default_rng(i)
        x0 = short(rng.standard_normal(SIZE))
        grads = short(rng.standard_normal((STEPS, SIZE)) * np.logspace(-3, 1, SIZE))
        cases.append(
            dict(
                name=name,
                optlib=ours,
                optlib_kwargs=our_kwargs,
                torch=theirs,
                torch_kwargs={k: list(v) if isinstance(v, tuple) else v
                              for k, v in their_kwargs.items()},
                x0=x0.tolist(),
                grads=grads.tolist(),
                params=trajectory(torch, theirs, their_kwargs, x0, grads),
            )
        )  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(
        command="python benchmarks/record_torch_golden.py",
        torch=torch.__version__,
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
