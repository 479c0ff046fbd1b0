"""The book's figures: loss surfaces with optimizer paths, and loss curves.

Every function draws on ``ax`` when given (or on a new figure's axes otherwise) and returns what
it drew, so a chapter can style or update it (``line.set_data``) without redrawing the rest.
Arguments are checked before anything is drawn (``ax`` must be a matplotlib ``Axes``, a
``window`` two finite ``(low, high)`` pairs with ``low < high``, a contour's objective 2-D).
"""

from __future__ import annotations

import numbers

import numpy as np

from optlib import _checks

__all__ = ["contour", "loss_gap", "plot_loss", "plot_path"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure); got {ax!r}")
    return ax


def _window(window, name: str = "window") -> tuple[tuple[float, float], tuple[float, float]]:
    """``((xmin, xmax), (ymin, ymax))`` of finite floats with min < max, else an error naming
    ``name`` (a check the shared vocabulary does not have yet)."""
    try:
        pairs = [tuple(pair) for pair in window]
    except TypeError as err:
        raise TypeError(
            f"{name} must be two (low, high) pairs, ((xmin, xmax), (ymin, ymax)); got {window!r}"
        ) from err
    if len(pairs) != 2 or any(len(pair) != 2 for pair in pairs):
        raise ValueError(
            f"{name} must be two (low, high) pairs, ((xmin, xmax), (ymin, ymax)); got {window!r}"
        )
    out = []
    for axis, (lo, hi) in zip("xy", pairs, strict=True):
        lo = _checks.real(f"{name} ({axis} low)", lo)
        hi = _checks.real(f"{name} ({axis} high)", hi)
        if not lo < hi:
            raise ValueError(f"{name} must have low < high on {axis}; got ({lo!r}, {hi!r})")
        out.append((lo, hi))
    return out[0], out[1]


def _objective_2d(objective):
    """``objective`` if it has ``value`` and is 2-D (a contour needs a plane)."""
    _checks.instance("objective", objective, ("value",), "an objective")
    dim = getattr(objective, "dim", 2)
    if isinstance(dim, numbers.Integral) and dim != 2:
        raise ValueError(
            f"objective must be 2-D to draw its contour lines; got a {dim}-D one, {objective!r}"
        )
    return objective


def contour(objective, ax=None, *, window=None, levels: int = 25, resolution: int = 200):
    """Log-spaced contour lines of a 2-D objective over its ``window``, and its minimiser.

    Log-spaced levels show both the floor of a valley and its walls, which evenly spaced levels
    of a function like Rosenbrock's (from 0 to thousands) cannot.

    Parameters
    ----------
    objective : object
        A 2-D objective with ``value(x)`` on stacked grids (those of :mod:`optlib.objectives`);
        its ``min_value``, when known, sets the log-spaced levels, and its ``minimizer`` is
        marked with a star.
    ax : matplotlib Axes, optional
        Where to draw; None draws on a new figure.
    window : ((float, float), (float, float)), optional
        ``((x_min, x_max), (y_min, y_max))``; by default the objective's own ``window``.
    levels : int, default 25
        The number of contour lines, >= 1.
    resolution : int, default 200
        Grid points along each axis, >= 2.

    Returns
    -------
    matplotlib.contour.QuadContourSet

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from optlib.objectives import Rosenbrock
    >>> cs = contour(Rosenbrock())
    >>> [float(v) for v in cs.axes.get_xlim()]
    [-2.0, 2.0]
    """
    _objective_2d(objective)
    if window is None:
        window = getattr(objective, "window", None)
        if window is None:
            raise ValueError("window is needed: the objective has no window attribute")
    (x0, x1), (y0, y1) = _window(window)
    levels = _checks.positive_int("levels", levels)
    resolution = _checks.integer("resolution", resolution, low=2)
    ax = _axes(ax)
    X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = np.asarray(objective.value(np.stack([X, Y])), dtype=float)
    low = getattr(objective, "min_value", None)
    if low is None:  # unbounded below (a saddle): evenly spaced levels
        cs = ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
    else:
        gap = Z - low
        top = float(np.max(gap))
        bottom = max(float(np.min(gap[gap > 0])) if np.any(gap > 0) else 1e-3, top * 1e-6)
        cs = ax.contour(
            X, Y, gap, levels=np.geomspace(bottom, top, levels), cmap="viridis", linewidths=0.8
        )
    minimizer = getattr(objective, "minimizer", None)
    if minimizer is not None:
        ax.plot(*np.asarray(minimizer)[:2], marker="*", color="black", markersize=10, ls="")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x_1$", ylabel="$x_2$")
    return cs


def _points(path) -> np.ndarray:
    """The iterates of a Path or an ``(n, >= 2)`` array (NaN allowed: a diverged run)."""
    points = _checks.float_array("path", getattr(path, "points", path), ndim=2)
    if points.shape[0] == 0 or points.shape[1] < 2:
        raise ValueError(
            f"path must hold at least one point with 2 coordinates, shape (n, 2); "
            f"got shape {points.shape}"
        )
    return points


def plot_path(path, ax=None, *, label=None, color=None, **kwargs):
    """The iterates of a :class:`~optlib.train.Path` (or an ``(n, 2)`` array) as a line with
    dots, its start marked with a square.

    Parameters
    ----------
    path : Path or array_like, shape (n, 2)
        The iterates; NaN rows (a diverged run) leave gaps.
    ax : matplotlib Axes, optional
        Where to draw; None draws on a new figure.
    label : str, optional
        The line's label, for a legend.
    color : matplotlib color, optional
        The color of the line, its dots and its start marker; default the axes' next color.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`; they override the defaults
        ``marker="o"``, ``markersize=2.5`` and ``linewidth=1.2``.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    points = _points(path)
    ax = _axes(ax)
    defaults = dict(marker="o", markersize=2.5, linewidth=1.2)
    if "lw" in kwargs:  # matplotlib's alias would clash with the default's full name
        kwargs["linewidth"] = kwargs.pop("lw")
    if "ms" in kwargs:
        kwargs["markersize"] = kwargs.pop("ms")
    style = defaults | kwargs
    (line,) = ax.plot(points[:, 0], points[:, 1], label=label, color=color, **style)
    ax.plot(*points[0, :2], marker="s", color=line.get_color(), markersize=5, ls="")
    return line


def loss_gap(path, objective=None) -> np.ndarray:
    """Losses of ``path`` minus the objective's ``min_value`` when it is known (so a log scale
    shows the convergence), floored at 1e-300 to stay plottable.

    Parameters
    ----------
    path : Path or array_like, shape (n,)
        A :class:`~optlib.train.Path` (its ``losses``) or the losses themselves.
    objective : object, optional
        Its ``min_value``, when not None, is subtracted.

    Returns
    -------
    ndarray, shape (n,)
    """
    losses = _checks.float_array("path", getattr(path, "losses", path), ndim=1, min_size=1)
    low = getattr(objective, "min_value", None) if objective is not None else None
    if low is None:
        return losses
    return np.maximum(losses - low, 1e-300)


def plot_loss(path, ax=None, *, objective=None, label=None, **kwargs):
    r"""Loss against step (the gap :math:`f(x_t) - f^*` on a log scale when ``objective`` has
    a known ``min_value``).

    Parameters
    ----------
    path : Path or array_like, shape (n,)
        A :class:`~optlib.train.Path` or its losses.
    ax : matplotlib Axes, optional
        Where to draw; None draws on a new figure.
    objective : object, optional
        Gives :math:`f^*` (its ``min_value``), as in :func:`loss_gap`.
    label : str, optional
        The line's label, for a legend.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` (``color``, ``linestyle``, ...).

    Returns
    -------
    matplotlib.lines.Line2D
    """
    gap = loss_gap(path, objective)
    ax = _axes(ax)
    (line,) = ax.plot(np.arange(len(gap)), gap, label=label, **kwargs)
    known = objective is not None and getattr(objective, "min_value", None) is not None
    if known:
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="$f(x_t) - f^*$" if known else "$f(x_t)$")
    return line
