r"""Test functions for optimizers: quadratics with chosen eigenvalues and classic 2-D surfaces.

Every objective has ``value(x)``, ``grad(x)``, a known ``minimizer`` (and ``min_value``), a
plotting ``window`` ``((xmin, xmax), (ymin, ymax))`` for the 2-D ones, and a ``name``.
``value`` and ``grad`` take the coordinates on the *first* axis, so one call evaluates a whole
grid for a contour plot::

    X, Y = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-1, 3, 200))
    Z = Rosenbrock().value(np.stack([X, Y]))        # shape (200, 200)

The surfaces are the usual benchmarks of the optimisation literature (Rosenbrock 1960; Beale
1958; Himmelblau 1972; Booth), plus a saddle, whose only stationary point is not a minimum.

**Checks.** The constructors check their arguments through ``optlib._checks`` and keep
copies of the caller's arrays (``eigenvalues``, ``minimizer``), stored read-only: changing
the caller's array afterwards, or the objective's attribute, cannot silently change the
function. ``value`` and ``grad`` run inside every optimizer loop, so they check only what
costs nothing: that ``x`` is an array of numbers with ``dim`` coordinates on its first axis
(a wrong shape raises ``ValueError`` naming ``x``). They do not scan ``x`` for NaN: a
diverging run produces NaN and must get NaN back (``minimize`` reports it); a NaN starting
point is refused by the public entry points (``minimize``'s and ``explore``'s ``x0``).
"""

from __future__ import annotations

import math

import numpy as np

from optlib import _checks

__all__ = ["Beale", "Booth", "Himmelblau", "Quadratic", "Rosenbrock", "Saddle"]


def _constant(values) -> np.ndarray:
    """A read-only array: class-level minimisers are shared by every instance."""
    a = np.array(values, dtype=float)
    a.setflags(write=False)
    return a


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _point(x, dim: int) -> np.ndarray:
    """``x`` as a float array with ``dim`` coordinates on its first axis: a shape check only,
    cheap enough for every step of a loop (no scan for NaN)."""
    if type(x) is not np.ndarray or x.dtype.kind != "f":
        if not isinstance(x, np.ndarray):
            try:
                x = np.asarray(x)
            except (TypeError, ValueError) as err:
                raise TypeError(f"x must be an array of numbers; got {x!r}") from err
        if x.dtype.kind not in "fiu":
            raise TypeError(f"x must be an array of real numbers; got dtype {x.dtype}: {x!r}")
    x = np.asarray(x, dtype=float)
    if x.ndim == 0 or x.shape[0] != dim:
        raise ValueError(f"x must have {dim} coordinates on its first axis; got shape {x.shape}")
    return x


class _Surface2D:
    """Shared plumbing of the 2-D surfaces: the check of ``x`` and the printed form."""

    name = ""
    window: tuple[tuple[float, float], tuple[float, float]] = ((-2.0, 2.0), (-2.0, 2.0))
    minimizer: np.ndarray | None = None
    min_value: float | None = None
    dim = 2

    def __call__(self, x):
        return self.value(x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Quadratic:
    r"""A convex quadratic :math:`f(x) = \tfrac12 (x - x^*)^\top A (x - x^*)` with chosen
    eigenvalues.

    :math:`A = Q \operatorname{diag}(\lambda) Q^\top`, with :math:`Q` the identity by default
    (axis-aligned valleys, as in the book's figures) or a rotation given by ``angle`` (2-D) or
    drawn at random from ``rng`` (any dimension). Gradient descent converges on it for
    :math:`0 < \eta < 2 / L` with :math:`L = \lambda_{\max}`, fastest at
    :math:`\eta = 2 / (\mu + L)`, at the rate :math:`(\kappa - 1) / (\kappa + 1)` where
    :math:`\kappa = L / \mu` (Goh 2017, "Why momentum really works", Distill).

    Parameters
    ----------
    eigenvalues : sequence of float
        The curvatures, all finite and > 0 (a convex bowl with a unique minimum; a negative
        curvature makes a saddle, see :class:`Saddle`). Copied.
    minimizer : array_like, optional
        :math:`x^*`, default the origin. Copied.
    angle : float, optional
        For 2-D only: rotate the axes of the valley by this many radians.
    rng : numpy.random.Generator or int, optional
        Draw a random orthogonal :math:`Q` (ignored when ``angle`` is given).

    Examples
    --------
    >>> import numpy as np
    >>> f = Quadratic([1.0, 10.0])
    >>> f.value(np.array([1.0, 1.0])), f.grad(np.array([1.0, 1.0])).tolist(), f.condition_number
    (5.5, [1.0, 10.0], 10.0)
    """

    def __init__(self, eigenvalues, minimizer=None, *, angle: float | None = None, rng=None):
        lam = _checks.finite_array(
            "eigenvalues", eigenvalues, ndim=1, min_size=1, dtype=np.float64, copy=True
        )
        if np.any(lam <= 0):
            raise ValueError(
                f"eigenvalues must be finite and > 0 (a convex bowl; for negative curvature "
                f"use Saddle); got {lam.tolist()}"
            )
        d = lam.size
        if minimizer is None:
            x_star = np.zeros(d)
        else:
            x_star = _checks.finite_array("minimizer", minimizer, dtype=np.float64, copy=True)
            if x_star.shape != (d,):
                raise ValueError(
                    f"minimizer must be {d} finite numbers, one per eigenvalue; got shape "
                    f"{x_star.shape}"
                )
        if angle is not None:
            angle = _checks.real("angle", angle)
            if d != 2:
                raise ValueError(f"angle rotates a 2-D quadratic; got {d} eigenvalues")
        if rng is not None:
            rng = _checks.as_rng(rng)
        self.eigenvalues = _frozen(lam)
        self.dim = d
        self.minimizer = _frozen(x_star)
        if angle is not None:
            c, s = math.cos(angle), math.sin(angle)
            self.Q = np.array([[c, -s], [s, c]])
        elif rng is not None:
            q, r = np.linalg.qr(rng.standard_normal((d, d)))
            self.Q = q * np.sign(np.diag(r))  # a uniformly random rotation (Mezzadri 2007)
        else:
            self.Q = np.eye(d)
        self.A = (self.Q * lam) @ self.Q.T
        self.min_value = 0.0
        self.name = f"Quadratic (kappa = {self.condition_number:g})"
        span = 1.5 * max(1.0, float(np.max(np.abs(self.minimizer))))
        self.window = tuple((float(c - span), float(c + span)) for c in self.minimizer[:2])

    @classmethod
    def from_condition_number(cls, kappa: float, dim: int = 2, **kwargs) -> Quadratic:
        r"""A quadratic of ``dim`` eigenvalues spread evenly on a log scale from 1 to
        ``kappa``; ``kwargs`` (``minimizer``, ``angle``, ``rng``) go to the constructor.

        >>> Quadratic.from_condition_number(100.0, dim=3).eigenvalues.tolist()
        [1.0, 10.0, 100.0]
        """
        kappa = _checks.real("kappa", kappa, low=1.0)
        dim = _checks.positive_int("dim", dim)
        if dim == 1 and kappa != 1:
            raise ValueError(f"a 1-D quadratic has kappa = 1; got kappa={kappa!r} with dim=1")
        return cls(np.logspace(0.0, math.log10(kappa), dim), **kwargs)

    @property
    def L(self) -> float:
        """The largest eigenvalue (the gradient's Lipschitz constant)."""
        return float(self.eigenvalues.max())

    @property
    def mu(self) -> float:
        """The smallest eigenvalue (the strong-convexity constant)."""
        return float(self.eigenvalues.min())

    @property
    def condition_number(self) -> float:
        r""":math:`\kappa = L / \mu`."""
        return self.L / self.mu

    def _offset(self, x) -> np.ndarray:
        x = _point(x, self.dim)
        return x - (
            self.minimizer
            if x.ndim == 1
            else self.minimizer.reshape((self.dim,) + (1,) * (x.ndim - 1))
        )

    def value(self, x):
        z = self._offset(x)
        if z.ndim == 1:  # one point: the fast path every optimizer step takes
            return 0.5 * float(z @ (self.A @ z))
        return 0.5 * np.sum(z * np.tensordot(self.A, z, axes=1), axis=0)

    def grad(self, x) -> np.ndarray:
        z = self._offset(x)
        return self.A @ z if z.ndim == 1 else np.tensordot(self.A, z, axes=1)

    def hessian(self, x=None) -> np.ndarray:
        return self.A.copy()

    def __call__(self, x):
        return self.value(x)

    def __repr__(self) -> str:
        return f"Quadratic(eigenvalues={self.eigenvalues.tolist()})"


class Rosenbrock(_Surface2D):
    r"""Rosenbrock's banana valley, :math:`f(x, y) = (a - x)^2 + b\,(y - x^2)^2`.

    Minimum 0 at :math:`(a, a^2)`, at the end of a long, curved, flat-bottomed valley: easy to
    reach, slow to follow (Rosenbrock 1960, "An automatic method for finding the greatest or
    least value of a function").

    Parameters
    ----------
    a : float, default 1.0
        The minimiser's first coordinate; any finite number.
    b : float, default 100.0
        The steepness of the valley's walls, > 0.

    Examples
    --------
    >>> import numpy as np
    >>> f = Rosenbrock()
    >>> f.value(f.minimizer), f.grad(np.array([0.0, 0.0])).tolist()
    (0.0, [-2.0, 0.0])
    """

    name = "Rosenbrock"

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a = _checks.real("a", a)
        self.b = _checks.real("b", b, low=0.0, low_open=True)
        self.minimizer = _frozen(np.array([self.a, self.a**2]))
        # ((-2, 2), (-1, 3)) for the classic a = 1, widened to hold any other minimiser.
        self.window = (
            (min(-2.0, self.a - 1.0), max(2.0, self.a + 1.0)),
            (min(-1.0, self.a**2 - 1.0), max(3.0, self.a**2 + 1.0)),
        )
        self.min_value = 0.0

    def value(self, x):
        x, y = _point(x, 2)
        out = (self.a - x) ** 2 + self.b * (y - x**2) ** 2
        return float(out) if np.ndim(out) == 0 else out

    def grad(self, x) -> np.ndarray:
        x, y = _point(x, 2)
        r = y - x**2
        return np.array([-2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r])


class Beale(_Surface2D):
    r"""Beale's function, :math:`\sum_{i=1}^3 (c_i - x + x y^i)^2` with
    :math:`c = (1.5, 2.25, 2.625)`.

    Minimum 0 at :math:`(3, 0.5)`, with sharp ridges and very flat plateaus: gradients range
    over orders of magnitude, which is where per-coordinate scaling (AdaGrad, Adam) helps.

    >>> f = Beale()
    >>> f.value(f.minimizer), f.grad(f.minimizer).tolist()
    (0.0, [0.0, 0.0])
    """

    name = "Beale"
    window = ((-4.5, 4.5), (-4.5, 4.5))
    minimizer = _constant([3.0, 0.5])
    min_value = 0.0
    _c = (1.5, 2.25, 2.625)

    def value(self, x):
        x, y = _point(x, 2)
        out = sum((c - x + x * y**i) ** 2 for i, c in enumerate(self._c, start=1))
        return float(out) if np.ndim(out) == 0 else out

    def grad(self, x) -> np.ndarray:
        x, y = _point(x, 2)
        gx = gy = 0.0
        for i, c in enumerate(self._c, start=1):
            r = c - x + x * y**i
            gx = gx + 2 * r * (y**i - 1)
            gy = gy + 2 * r * i * x * y ** (i - 1)
        return np.array([gx, gy])


class Himmelblau(_Surface2D):
    r"""Himmelblau's function, :math:`(x^2 + y - 11)^2 + (x + y^2 - 7)^2`.

    Four minima, all of value 0; ``minimizer`` is :math:`(3, 2)` and ``minimizers`` lists all
    four, so a run can be checked against the one it found (Himmelblau 1972, *Applied
    Nonlinear Programming*).

    >>> f = Himmelblau()
    >>> [round(f.value(m), 12) for m in f.minimizers]
    [0.0, 0.0, 0.0, 0.0]
    """

    name = "Himmelblau"
    window = ((-5.0, 5.0), (-5.0, 5.0))
    minimizer = _constant([3.0, 2.0])
    minimizers = _constant(
        [
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286170],
            [3.584428340330492, -1.848126526964404],
        ]
    )
    min_value = 0.0

    def value(self, x):
        x, y = _point(x, 2)
        out = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
        return float(out) if np.ndim(out) == 0 else out

    def grad(self, x) -> np.ndarray:
        x, y = _point(x, 2)
        p, q = x**2 + y - 11, x + y**2 - 7
        return np.array([4 * x * p + 2 * q, 2 * p + 4 * y * q])


class Booth(_Surface2D):
    r"""Booth's function, :math:`(x + 2y - 7)^2 + (2x + y - 5)^2`: a tilted quadratic bowl
    with minimum 0 at :math:`(1, 3)` and condition number 9.

    >>> Booth().grad(Booth().minimizer).tolist()
    [0.0, 0.0]
    """

    name = "Booth"
    window = ((-10.0, 10.0), (-10.0, 10.0))
    minimizer = _constant([1.0, 3.0])
    min_value = 0.0

    def value(self, x):
        x, y = _point(x, 2)
        out = (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2
        return float(out) if np.ndim(out) == 0 else out

    def grad(self, x) -> np.ndarray:
        x, y = _point(x, 2)
        p, q = x + 2 * y - 7, 2 * x + y - 5
        return np.array([2 * p + 4 * q, 4 * p + 2 * q])


class Saddle(_Surface2D):
    r"""A saddle, :math:`f(x, y) = \tfrac12 (x^2 - \lambda y^2)`: its only stationary point,
    the origin, is not a minimum, and :math:`f` is unbounded below.

    The Hessian's eigenvalues are :math:`1` and :math:`-\lambda` (the book writes a curvature
    as :math:`\lambda`). ``minimizer`` is None and ``saddle_point`` is the origin. Started
    exactly on the :math:`x` axis, gradient descent walks into the saddle point and stays; any
    offset in :math:`y` grows by :math:`(1 + \eta\lambda)` per step, so noise or momentum
    escapes it.

    Parameters
    ----------
    curvature : float, default 1.0
        :math:`\lambda > 0`, the curvature along :math:`y` (downwards).

    Examples
    --------
    >>> import numpy as np
    >>> Saddle().grad(np.array([1.0, 1.0])).tolist()
    [1.0, -1.0]
    >>> Saddle(curvature=3.0).value(np.array([1.0, 1.0]))
    -1.0
    """

    name = "saddle"
    minimizer = None
    min_value = None
    saddle_point = _constant([0.0, 0.0])

    def __init__(self, curvature: float = 1.0):
        self.curvature = _checks.real("curvature", curvature, low=0.0, low_open=True)

    def value(self, x):
        x, y = _point(x, 2)
        out = 0.5 * (x**2 - self.curvature * y**2)
        return float(out) if np.ndim(out) == 0 else out

    def grad(self, x) -> np.ndarray:
        x, y = _point(x, 2)
        return np.array([x, -self.curvature * y])
