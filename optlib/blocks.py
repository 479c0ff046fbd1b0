r"""One optimizer per block of a flat parameter vector: Muon for a network's weight matrices
and AdamW for its biases, or an Adafactor that factors each matrix apart.

optlib's models and training loops hold all the parameters as one vector (a model's
``shapes`` say how it splits into arrays). The element-wise rules
do not care; Adafactor and Muon need each weight matrix as a matrix. :class:`Blocks` gives
each block its own optimizer and its own state, on views into the one vector::

    model = MLP(64, [32], 10)
    opt = Blocks.by_ndim(model.shapes, matrix=Muon(learning_rate=0.02), vector=AdamW())
    history = fit(model, opt, X, y)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from optlib import _checks
from optlib.optimizers import Optimizer, _document_fields, _Scratch

__all__ = ["Blocks", "BlocksState"]


class BlocksState(NamedTuple):
    """State of :class:`Blocks`: the step count and each block's own state."""

    t: int
    states: tuple


_document_fields(BlocksState, states="The state of each block's optimizer, in block order.")


class _BlockScratch:
    """A block's work arrays: views into the whole vector's, reshaped to the block."""

    def __init__(self, work: _Scratch, start: int, stop: int, shape: tuple[int, ...]):
        self._work, self._start, self._stop, self._shape = work, start, stop, shape

    def __getitem__(self, i: int) -> np.ndarray:
        return self._work[i][self._start : self._stop].reshape(self._shape)


@dataclass(frozen=True)
class Blocks(Optimizer):
    r"""Split one flat parameter vector into blocks of the given shapes, and step each block
    with its own optimizer.

    The vector holds the blocks one after the other, each in C order, as
    :meth:`optlib.models.Model.unpack` reads it. Every block keeps its own state; one step
    of ``Blocks`` is one step of every block's optimizer on its part of the gradient.

    A learning rate passed by a training loop (a schedule's :math:`\eta_t`) scales every
    block alike: block :math:`i` steps with :math:`\eta_i \, \eta_t / \eta_0`, where
    :math:`\eta_0` is ``learning_rate``, the first block's.

    Parameters
    ----------
    shapes : sequence of tuple of int
        The shape of each block, in order (a model's ``shapes``).
    optimizers : sequence of Optimizer
        One optlib optimizer per block (the same object may serve several blocks: each
        still gets a state of its own).

    Examples
    --------
    >>> import numpy as np
    >>> from optlib import AdamW, Muon
    >>> opt = Blocks.by_ndim([(2, 2), (2,)], matrix=Muon(learning_rate=0.1), vector=AdamW())
    >>> [type(o).__name__ for o in opt.optimizers]
    ['Muon', 'AdamW']
    >>> theta, state = opt.step(np.zeros(6), np.ones(6), opt.init(np.zeros(6)))
    >>> state.states[0].momentum_buffer.shape, state.states[1].m.shape
    ((2, 2), (2,))
    """

    shapes: tuple
    optimizers: tuple

    State: ClassVar[type] = BlocksState

    def __post_init__(self):
        if isinstance(self.shapes, (str, bytes)) or not hasattr(self.shapes, "__len__"):
            raise TypeError(f"shapes must be a sequence of shapes; got {self.shapes!r}")
        if isinstance(self.optimizers, Optimizer) or not hasattr(self.optimizers, "__len__"):
            raise TypeError(
                f"optimizers must be a sequence of optlib optimizers, one per shape; got "
                f"{self.optimizers!r}"
            )
        shapes = tuple(_shape(f"shapes[{i}]", s) for i, s in enumerate(self.shapes))
        if not shapes:
            raise ValueError("shapes must hold at least one block; got none")
        optimizers = tuple(self.optimizers)
        for i, opt in enumerate(optimizers):
            if not isinstance(opt, Optimizer):
                raise TypeError(
                    f"optimizers[{i}] must be an optlib optimizer; got {type(opt).__name__}"
                )
        if len(optimizers) != len(shapes):
            raise ValueError(
                f"optimizers must give one optimizer per shape: {len(shapes)} shapes and "
                f"{len(optimizers)} optimizers"
            )
        # Tuples: a frozen dataclass is compared and hashed by its fields.
        object.__setattr__(self, "shapes", shapes)
        object.__setattr__(self, "optimizers", optimizers)
        # Each block's (start, stop, shape) in the vector, worked out once: every training
        # step reads them. Not a field, so it takes no part in comparisons.
        bounds, start = [], 0
        for shape in shapes:
            bounds.append((start, start + math.prod(shape), shape))
            start += math.prod(shape)
        object.__setattr__(self, "_bounds", tuple(bounds))

    @classmethod
    def by_ndim(cls, shapes, *, matrix: Optimizer, vector: Optimizer) -> Blocks:
        """Blocks of ``shapes`` (a model's ``shapes``): the optimizer ``matrix`` for the blocks
        of two or more dimensions (weights), ``vector`` for the others (biases)."""
        shapes = tuple(_shape(f"shapes[{i}]", s) for i, s in enumerate(shapes))
        return cls(shapes, tuple(matrix if len(s) >= 2 else vector for s in shapes))

    @property
    def learning_rate(self) -> float:
        r""":math:`\eta_0`, the first block's learning rate."""
        return self.optimizers[0].learning_rate

    @property
    def _squares(self) -> bool:  # a gradient is refused if any block's rule squares it
        return any(opt._squares for opt in self.optimizers)

    @property
    def size(self) -> int:
        """The length of the parameter vector the blocks fill."""
        return self._bounds[-1][1]

    def _check_vector(self, name: str, x: np.ndarray) -> None:
        if x.shape != (self.size,):
            raise ValueError(
                f"{name} must be a vector of {self.size} numbers, the blocks {self.shapes} "
                f"one after the other; got shape {x.shape}"
            )

    def init(self, params):
        """The state before the first step: each block's optimizer's own ``init`` on its part
        of ``params``."""
        params = _checks.finite_array("params", params, ints=False)
        self._check_vector("params", params)
        states = tuple(
            opt.init(params[start:stop].reshape(shape))
            for opt, (start, stop, shape) in zip(self.optimizers, self._bounds, strict=True)
        )
        return BlocksState(0, states)

    def step(self, params, grads, state):
        """One update of every block, each by its part of ``grads``; returns new ``(params,
        state)`` and leaves the inputs unchanged."""
        params, grads = self._check_step(params, grads, state)
        p = params.copy()
        copied = BlocksState(
            state.t,
            tuple(
                type(s)(*(b.copy() if isinstance(b, np.ndarray) else b for b in s))
                for s in state.states
            ),
        )
        return p, self._update(p, grads, copied, self.learning_rate, _Scratch(p))

    def _check_state(self, state, params):
        if not isinstance(state, BlocksState):
            raise TypeError(
                f"state must be the BlocksState returned by init() of this optimizer (Blocks); "
                f"got {type(state).__name__}"
            )
        _checks.integer("state.t", state.t, low=0)
        if not isinstance(state.states, tuple) or len(state.states) != len(self.optimizers):
            raise ValueError(
                f"state.states must hold one state per block ({len(self.optimizers)}): was the "
                "state made by init() of other Blocks?"
            )
        self._check_vector("params", params)
        for opt, sub, (start, stop, shape) in zip(
            self.optimizers, state.states, self._bounds, strict=True
        ):
            opt._check_state(sub, params[start:stop].reshape(shape))

    def _update(self, p, g, state, lr, work):
        base = self.learning_rate
        scale = lr / base if base else 1.0  # a block at rate 0 stays at 0
        states = tuple(
            opt._update(
                p[start:stop].reshape(shape),  # a view: the block is updated in p
                g[start:stop].reshape(shape),
                sub,
                opt.learning_rate * scale,
                _BlockScratch(work, start, stop, shape),
            )
            for opt, sub, (start, stop, shape) in zip(
                self.optimizers, state.states, self._bounds, strict=True
            )
        )
        return BlocksState(state.t + 1, states)


def _shape(name: str, shape) -> tuple[int, ...]:
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"{name} must be a shape, a tuple of positive ints; got {shape!r}")
    return tuple(_checks.positive_int(f"{name}[{i}]", n) for i, n in enumerate(shape))
