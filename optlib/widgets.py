"""Sliders over a figure: live in Jupyter, and still responsive in a static HTML page.

Two functions, each returning one figure with sliders. :func:`explore` moves an optimizer's
hyperparameters on a 2-D objective and shows the path over the loss surface beside the loss
curve::

    import numpy as np
    from optlib import Momentum, Quadratic
    from optlib.widgets import explore

    explore(
        Quadratic([1.0, 20.0]), Momentum, x0=[-1.8, 1.2], steps=60,
        sliders={
            "learning_rate": np.geomspace(0.005, 0.1, 16),
            "momentum": np.linspace(0, 0.95, 12),
        },
    )

:func:`sweep` moves any figure: ``draw(fig)`` builds it once and returns ``redraw(**values)``,
which updates its artists for one setting of the sliders::

    def draw(fig):
        ax = fig.subplots()
        (line,) = ax.plot(steps, losses[32])
        ax.set_ylim(0, 2.5)  # fixed limits: the frames compare at a glance

        def redraw(batch_size):
            line.set_ydata(losses[batch_size])

        return redraw

    sweep(draw, {"batch_size": [8, 32, 128]})

Make the call the last expression of a notebook cell and Jupyter displays the object it
returns (an :class:`Explorer` or a :class:`Sweep`) in one of two ways:

* **Live**, in Jupyter with a kernel and ``ipywidgets`` installed: one slider per name in
  ``sliders``. Moving one re-runs the optimizer (or calls ``redraw``) and redraws the figure
  in place. An :func:`explore` learning rate moves continuously, on a log scale between the
  ends of its values (100 positions per factor of 10, and the values themselves); every other
  slider steps through its values. The frames of the settings one step from the one shown
  are drawn ahead and kept in the page, so a small move shows its frame without waiting for
  the kernel. In a script, call ``update(**values)`` and read ``figure``.
* **Static**, wherever there is no kernel (a notebook exported to HTML, as in the book):
  the frames are computed in advance, one PNG per value of a slider, and an HTML range input
  switches between them. :func:`explore` sweeps each slider named in ``static`` (default the
  first), the others at their starting values; :func:`sweep` sweeps one slider, or two with
  one frame per pair of values. This face needs no kernel, no network and no library.

Every frame of the static face is a PNG stored in the notebook's output, so keep a static
sweep to about 16 frames (a two-slider sweep to about 25 small ones): ``len(obj.static())`` is
the size in characters it adds to the page.

Every argument is checked once, in :func:`explore` and :func:`sweep`, which raise
``TypeError`` or ``ValueError`` naming the argument: a 2-D objective, a finite ``x0`` with two
coordinates, slider names that are arguments of the optimizer, at least two distinct finite
numbers per slider, each accepted by the optimizer. :func:`sweep` calls ``draw`` and
``redraw`` once, at the starting values, so that a broken callback fails in the call and not
later, when a slider moves. Moving a slider then recomputes without checking again.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import inspect
import io
import itertools
import json
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from optlib import _checks
from optlib.plotting import _objective_2d, _window, contour, loss_gap
from optlib.train import _finish, _minimize_in_parts, _value_function

__all__ = ["Explorer", "Sweep", "explore", "sweep"]

LOSS_FLOOR = 1e-10  # the loss panel's bottom: lower gaps count as converged
LIVE_HINT = "Open this chapter in Jupyter (make lab) to move every slider live."

# The static face: one or two range inputs that swap precomputed frames. A few lines of script
# in the page itself, so it needs no kernel, no network and no library. With two inputs the
# frames are stored row by row (the first input's value changes slowest). A frame is one
# image per panel of the figure, side by side: a phone's narrow column stacks them, so that
# each panel keeps a readable size instead of the whole figure shrinking.
_SWEEP_SCRIPT = """<script>
(function () {
  var root = document.getElementById("%(id)s");
  var frames = %(frames)s, labels = %(labels)s, description = %(description)s;
  var inputs = root.querySelectorAll("input"), outputs = root.querySelectorAll("output");
  var images = root.querySelectorAll("img"), frame = root.querySelector(".optlib-sweep-frame");
  function show() {
    var k = 0, alt = [];
    for (var i = 0; i < inputs.length; i++) {
      k = k * labels[i].length + Number(inputs[i].value);
      outputs[i].textContent = alt[i] = labels[i][inputs[i].value];
    }
    for (var j = 0; j < images.length; j++) images[j].src = frames[k][j];
    var text = description ? description + " (" + alt.join(", ") + ")" : alt.join(", ");
    if (images.length > 1) frame.setAttribute("aria-label", text);
    else images[0].alt = text;
  }
  for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener("input", show);
})();
</script>"""


def _format(value) -> str:
    # Four significant digits keep neighbouring grid values apart (0.999 and 0.9999).
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _until_far_outside(points: np.ndarray, ax) -> np.ndarray:
    """The path up to its first point far outside the axes: a diverging run leaves the frame
    once instead of scribbling over it with lines to points thousands of windows away."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    cx, cy, wx, wy = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0), abs(y1 - y0)
    with np.errstate(invalid="ignore"):
        far = ~((np.abs(points[:, 0] - cx) <= 2 * wx) & (np.abs(points[:, 1] - cy) <= 2 * wy))
    first = np.flatnonzero(far)
    return points if first.size == 0 else points[: first[0] + 1]


def _keywords(make: Callable) -> set[str] | None:
    """The keyword arguments ``make`` accepts; None when it takes ``**kwargs`` or its signature
    cannot be read (then the optimizer itself refuses an unknown name)."""
    try:
        parameters = inspect.signature(make).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def _names(name: str, mapping, make: Callable, accepted: set[str] | None) -> dict:
    """``mapping`` as a dict whose keys are keyword arguments of ``make``."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name} must be a dict name -> value; got {mapping!r}")
    for key in mapping:
        if not isinstance(key, str):
            raise TypeError(f"{name} must have argument names as keys; got {key!r}")
        if accepted is not None and key not in accepted:
            what = getattr(make, "__name__", None) or type(make).__name__
            raise ValueError(
                f"{name} names {key!r}, which is not an argument of {what}; its arguments are "
                f"{sorted(accepted)}"
            )
    return dict(mapping)


def _grid(name: str, values) -> list:
    """A slider's values: at least two distinct finite real numbers (numpy scalars unboxed)."""
    if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a list of numbers; got {values!r}")
    grid = [v.item() if isinstance(v, np.generic) else v for v in values]
    if len(grid) < 2:
        raise ValueError(f"{name} needs at least two values; got {grid!r}")
    for i, value in enumerate(grid):
        _checks.real(f"{name}[{i}]", value)  # checked, kept as given (an int stays an int)
    if len(set(grid)) < len(grid):
        raise ValueError(f"{name} has repeated values; got {grid!r}")
    return grid


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def sweep_html(
    name, values: Sequence, pngs: Sequence[bytes], index, description: str | None = None
) -> str:
    """A slider (or two) over ``values`` that shows the PNG of the chosen setting: static HTML.

    Parameters
    ----------
    name : str, or a list of one or two str
        The swept parameter(s), shown in the labels (``name = value``) and the caption.
    values : sequence, or one sequence per name
        Each slider's values, in order.
    pngs : sequence of bytes, or of lists of bytes
        One PNG per setting: per value for one slider; per pair for two, row by row
        (``pngs[i * len(values[1]) + j]`` is the frame of ``values[0][i]`` and
        ``values[1][j]``). A frame may also be a list of PNGs, the figure's panels from
        left to right: shown side by side, and one below the other on a narrow screen.
    index : int, or one int per name
        The position each slider starts at.
    description : str, optional
        What the figure shows, for readers who cannot see it: the image's alt text is this,
        followed by the current setting in parentheses, and follows the sliders. Without it,
        the alt text is the setting alone.

    Returns
    -------
    str
        A ``<div class="optlib-sweep">`` with one range input and one ``<output>`` label per
        slider, the frame and the few lines of JavaScript that swap frames: it works without a
        kernel or a network.
    """
    if isinstance(name, str):
        names, grids, start = [name], [list(values)], [index]
    else:
        names, grids, start = list(name), [list(v) for v in values], list(index)
    if not 1 <= len(names) <= 2 or len(grids) != len(names) or len(start) != len(names):
        raise ValueError(
            f"sweep_html takes one or two names, with one grid and one index each; got "
            f"{len(names)} names, {len(grids)} grids and {len(start)} indices"
        )
    if len(pngs) != math.prod(len(g) for g in grids):
        raise ValueError(
            f"pngs must hold one frame per setting, {math.prod(len(g) for g in grids)}; "
            f"got {len(pngs)}"
        )
    description = _checks.optional_text("description", description)
    frames = [[p] if isinstance(p, bytes) else list(p) for p in pngs]
    if len({len(f) for f in frames}) != 1 or not all(
        isinstance(b, bytes) for f in frames for b in f
    ):
        raise ValueError(
            "pngs must hold, per setting, one PNG (bytes) or the same number of panels "
            f"(lists of bytes); got {[len(f) for f in frames]} images per setting"
        )
    return _sweep_html(names, grids, frames, start, description)


def _sweep_html(names: list, grids: list, pngs: Sequence[list], start: list, description):
    """:func:`sweep_html`'s kernel, unchecked: the static faces of :class:`Explorer` and
    :class:`Sweep` call it with what their constructors checked; each frame is a list of
    panels."""
    labels = [[f"{n} = {_format(v)}" for v in g] for n, g in zip(names, grids, strict=True)]
    frames = [[_data_uri(p) for p in panels] for panels in pngs]
    shown = 0
    for grid, i in zip(grids, start, strict=True):
        shown = shown * len(grid) + i
    every = [uri for panels in frames for uri in panels]
    uid = "optlib-sweep-" + hashlib.sha1("".join(names + every).encode()).hexdigest()[:12]
    swept = " and ".join(
        f"<code>{html.escape(n)}</code> over {len(g)} values ({_format(g[0])} to {_format(g[-1])})"
        for n, g in zip(names, grids, strict=True)
    )
    move = "the slider" if len(names) == 1 else "the sliders"
    caption = f"Move {move} to sweep {swept}, the other settings fixed. {LIVE_HINT}"
    inputs = "".join(
        f'<input type="range" min="0" max="{len(g) - 1}" step="1" value="{i}" '
        f'aria-label="{html.escape(n)}" '
        f'style="width: 420px; max-width: 100%; vertical-align: middle;"> '
        f"<output>{html.escape(label[i])}</output><br>"
        for n, g, i, label in zip(names, grids, start, labels, strict=True)
    )
    setting = ", ".join(label[i] for label, i in zip(labels, start, strict=True))
    alt = f"{description} ({setting})" if description else setting
    return (
        f'<div class="optlib-sweep" id="{uid}" data-parameter="{html.escape(",".join(names))}">'
        f'<p class="optlib-sweep-caption">{caption}</p>'
        + inputs
        + '<div class="optlib-sweep-frame" style="display: flex; flex-wrap: wrap;"'
        # One figure, one description: a frame of several panels is one image to a screen
        # reader, described once, and its panels are parts of it.
        + (f' role="img" aria-label="{html.escape(alt)}">' if len(frames[shown]) > 1 else ">")
        + "".join(
            f'<img src="{uri}" alt="{html.escape(alt) if len(frames[shown]) == 1 else ""}" '
            'style="max-width: 100%; height: auto;">'
            for uri in frames[shown]
        )
        + "</div>"
        + _SWEEP_SCRIPT
        % {
            "id": uid,
            "frames": json.dumps(frames),
            "labels": json.dumps(labels),
            # "<" escaped: a description holding "</script>" cannot end the script early.
            "description": json.dumps(description or "").replace("<", "\\u003c"),
        }
        + "</div>"
    )


def _pixels(canvas):
    """What ``canvas`` shows, as an RGB PIL image."""
    from PIL import Image

    return Image.frombuffer(
        "RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    ).convert("RGB")


def _palette_png(pixels) -> bytes:
    """``pixels`` (a PIL image) as PNG bytes, in a small palette: the book's sweeps embed
    many frames in one page, and a page's budget is 3 MB."""
    buffer = io.BytesIO()
    pixels.quantize(64).save(buffer, format="png", optimize=False)
    return buffer.getvalue()


def _png(canvas) -> bytes:
    """What ``canvas`` shows, as PNG bytes, in a small palette (see _palette_png)."""
    return _palette_png(_pixels(canvas))


def _panel_cuts(figure, renderer) -> list[int]:
    """The pixel columns between the figure's panels, where nothing is drawn: each axes with
    its labels and titles spans some columns, overlapping spans make one panel, and a cut
    falls midway between two panels. Empty for a figure of one panel."""
    spans = sorted(
        (box.x0, box.x1)
        for ax in figure.axes
        if ax.get_visible() and (box := ax.get_tightbbox(renderer)) is not None
    )
    panels: list[list[float]] = []
    for x0, x1 in spans:
        if panels and x0 < panels[-1][1]:
            panels[-1][1] = max(panels[-1][1], x1)
        else:
            panels.append([x0, x1])
    width = figure.canvas.get_width_height()[0]
    cuts = [round((a[1] + b[0]) / 2) for a, b in itertools.pairwise(panels)]
    return [c for c in cuts if 0 < c < width]


def _panels(canvas, cuts: list[int]) -> list[bytes]:
    """What ``canvas`` shows, cut at the columns ``cuts``: one palette PNG per panel."""
    pixels = _pixels(canvas)
    edges = [0, *cuts, pixels.width]
    return [
        _palette_png(pixels.crop((a, 0, b, pixels.height))) for a, b in itertools.pairwise(edges)
    ]


def _live_png(canvas) -> bytes:
    """What ``canvas`` shows, as PNG bytes, fast and small: a live slider's frame goes to the
    browser and is never embedded in a page, so it takes 256 colours picked by a fast octree,
    at the lowest compression. For a frame of the book that is 3 to 4 ms and 16 to 23 KB,
    where full colour took 6 ms and 42 to 67 KB, and the static face's careful 64-colour
    palette takes 14 to 22 ms. The smaller frame crosses the server and the page a little
    faster: in two alternating runs in JupyterLab (benchmarks/ab_lab_sliders.py, chapters 3
    and 6, 160 moves a side each) a move's median fell from 43.4 to 38.7 ms and from 46.3 to
    43.8 ms, lower in 7 of 8 paired blocks; the slowest tenth did not change beyond noise."""
    from PIL import Image

    buffer = io.BytesIO()
    pixels = _pixels(canvas).quantize(256, method=Image.Quantize.FASTOCTREE)
    pixels.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _log_range(grid: list) -> tuple[float, float] | None:
    """The ends of ``grid`` as base-10 exponents, when a log-scaled slider can sweep it: every
    value a positive float, the ends a factor of 10 or more apart. None otherwise."""
    if not all(isinstance(v, float) and v > 0 for v in grid):
        return None
    low, high = min(grid), max(grid)
    return (math.log10(low), math.log10(high)) if high >= 10 * low else None


def _log_positions(grid: list) -> list[float]:
    """A continuous slider's positions: 100 per factor of 10 between the ends of ``grid``,
    ``10 ** (low + 0.01 k)`` at 4 significant digits, and the values of ``grid`` themselves,
    which a chapter's text names; a position within half a step of one of those gives way to
    it. Ascending."""
    low, high = _log_range(grid)
    exact = sorted(set(grid))
    named = [math.log10(v) for v in exact]
    count = math.floor((high - low) / _LOG_STEP + 1e-9)
    exponents = (low + k * _LOG_STEP for k in range(count + 1))
    between = {
        float(f"{10**e:.4g}") for e in exponents if all(abs(e - n) >= _LOG_STEP / 2 for n in named)
    }
    return sorted(between.union(exact))


def _steps(positions: list, value) -> list:
    """Where one key press moves a slider from ``value``: the positions either side of it,
    or, from a value between positions (set by :meth:`update`), the nearest and its two."""
    if value in positions:
        i = positions.index(value)
        return [positions[j] for j in (i - 1, i + 1) if 0 <= j < len(positions)]
    i = _nearest(positions, value)
    return [positions[j] for j in (i - 1, i, i + 1) if 0 <= j < len(positions)]


def _nearest(grid: list, value) -> int:
    """The index of the grid value closest to ``value`` (a continuous slider moves between
    them; the static face starts on the nearest frame)."""
    if value in grid:
        return grid.index(value)
    if value > 0 and all(v > 0 for v in grid):  # closest by ratio, as a log-scaled slider moves
        return min(range(len(grid)), key=lambda i: abs(math.log(grid[i] / value)))
    return min(range(len(grid)), key=lambda i: abs(grid[i] - value))


def _start_values(sliders: dict, start) -> dict:
    """Each slider's starting value: ``start``'s, else the middle of its grid."""
    start = {} if start is None else start
    if not isinstance(start, Mapping):
        raise TypeError(f"start must be a dict slider name -> value; got {start!r}")
    unknown = set(start) - set(sliders)
    if unknown:
        raise ValueError(f"start names {sorted(unknown, key=str)} that are not sliders")
    for name, value in start.items():
        if value not in sliders[name]:
            raise ValueError(
                f"start[{name!r}] = {value!r} is not one of the slider's values {sliders[name]}"
            )
    return {n: start.get(n, g[len(g) // 2]) for n, g in sliders.items()}


def _static_names(static, sliders: dict, most: int | None = None) -> list[str]:
    """The sliders the static face sweeps: ``static`` (a name or a list), default the first."""
    if static is None:
        static = [next(iter(sliders))]
    elif isinstance(static, str):
        static = [static]
    elif isinstance(static, Mapping) or not hasattr(static, "__iter__"):
        raise TypeError(f"static must be a slider name or a list of them; got {static!r}")
    static = list(static) or [next(iter(sliders))]
    for name in static:
        if not isinstance(name, str) or name not in sliders:
            raise ValueError(f"static={name!r} is not one of the sliders {list(sliders)}")
    if len(set(static)) < len(static):
        raise ValueError(f"static names a slider twice; got {static!r}")
    if most is not None and len(static) > most:
        raise ValueError(f"static names at most {most} sliders; got {static!r}")
    return static


_LOG_STEP = 0.01  # a log-scaled slider's step, in the exponent: 100 positions per factor of 10
_KEPT = 32  # runs and live frames a figure keeps: the last settings shown and their neighbours
# Frames a live figure keeps in the page, per slider (plus 2): those of the settings one step
# away, the one two steps along the last move, and the one shown. The page holds each as a
# decoded bitmap (640 KB for a 648 x 245 frame), so it keeps few; a frame sent again from the
# kernel's store is not redrawn.
_IN_PAGE = 2


# The draw-ahead starts this long after a move, once the front end has shown the new frame
# (30 to 60 ms in JupyterLab): drawing sooner takes a core from the browser and the server
# while they show it, and on a machine of two cores the slowest moves were those it overlapped.
_AHEAD_AFTER_S = 0.1
# The draw-ahead works in parts of about this long, with a pause as long after each: the
# kernel takes a message through several turns of its event loop, and the pauses let it
# take the reader's next move at once instead of one part per turn.
_PART_S = 0.005


def _keep_recent(kept: dict) -> None:
    """Forget the oldest entries of ``kept`` (insertion order: the most recent last)."""
    while len(kept) > _KEPT:
        del kept[next(iter(kept))]


def _setting_key(setting: dict) -> tuple:
    """A setting as a dictionary key: a log slider's value rounded to 10 significant digits,
    far finer than its step (a factor of 1.023) and coarser than the last bits the browser's
    arithmetic and Python's may differ in."""
    return tuple((n, float(f"{v:.10g}") if isinstance(v, float) else v) for n, v in setting.items())


def _continuous_names(continuous, sliders: dict) -> tuple[str, ...]:
    """The sliders the live face moves continuously: ``continuous`` (a list of names, each
    with a grid that :func:`_log_range` accepts), default ``learning_rate`` when it has one."""
    if continuous is None:
        grid = sliders.get("learning_rate")
        return ("learning_rate",) if grid is not None and _log_range(grid) else ()
    if isinstance(continuous, (str, bytes, Mapping)) or not hasattr(continuous, "__iter__"):
        raise TypeError(f"continuous must be a list of slider names; got {continuous!r}")
    names = tuple(continuous)
    for name in names:
        if not isinstance(name, str) or name not in sliders:
            raise ValueError(
                f"continuous names {name!r}, which is not one of the sliders {list(sliders)}"
            )
        if _log_range(sliders[name]) is None:
            raise ValueError(
                f"continuous names {name!r}, whose values {sliders[name]} are not positive floats "
                "spanning a factor of 10 or more (what a log-scaled slider sweeps)"
            )
    return names


class _Faces:
    """The two faces of one figure, shared by :class:`Explorer` and :class:`Sweep`.

    A subclass sets ``sliders`` (name -> values), ``values`` (the current setting) and
    ``canvas`` (a matplotlib Agg canvas), calls ``_faces_init()``, and defines
    ``_render(setting)``, which draws the canvas for a whole setting, and ``static()``, the
    HTML face.

    The live face is quick to answer a move: while the reader looks at one setting, the
    kernel draws the settings one slider step away (:meth:`_draw_ahead`) and sends their
    frames to the page, which draws one of them by itself when the next key press or small
    drag lands on it (:mod:`optlib._frame_canvas`). The matplotlib canvas may show a neighbour
    for a moment; :meth:`png` and the end of that work bring it back.
    """

    sliders: dict
    values: dict
    alt: str | None = None  # what the figure shows, for a screen reader
    continuous: tuple = ()  # sliders that move continuously in the live face (see live)

    def _faces_init(self) -> None:
        # each live slider's values, in its order: a continuous one's log-spaced positions
        self._positions = {
            name: _log_positions(grid) if name in self.continuous else list(grid)
            for name, grid in self.sliders.items()
        }
        self._frames: dict = {}  # live frames by setting, the most recent last
        self._drawn = None  # the setting the canvas shows, as a key
        self._heading: tuple | None = None  # the last move: (slider, moved up)
        self._move_count = 0

    def _render(self, setting: dict) -> None:
        raise NotImplementedError

    def _show(self, setting: dict) -> None:
        """Draw ``setting`` on the canvas unless it is already there."""
        key = _setting_key(setting)
        if key != self._drawn:
            self._render(setting)
            self._drawn = key

    def update(self, **values) -> float:
        """Set the slider values in ``values`` (name -> one of its values) and redraw the
        figure in place; returns the seconds it took.

        Unchecked: the constructor checked the grids, and a slider only moves to one of its
        values or, continuous, between two of them.
        """
        tick = time.perf_counter()
        self.values.update(values)
        self._render(self.values)
        self._drawn = _setting_key(self.values)
        return time.perf_counter() - tick

    def png(self) -> bytes:
        """The figure at the current setting, as PNG bytes."""
        self._show(self.values)
        return _png(self.canvas)

    def _static_frames(self, names: list, settings) -> list[list[bytes]]:
        """The static face's frame of each setting (values of ``names``), panel by panel; the
        figure is left at the current setting."""
        saved = dict(self.values)
        cuts = _panel_cuts(self.figure, self.canvas.get_renderer())
        try:
            frames = []
            for setting in settings:
                self.update(**dict(zip(names, setting, strict=True)))
                frames.append(_panels(self.canvas, cuts))
        finally:
            self.update(**saved)
        return frames

    def _move(self, name: str, value) -> None:
        """A live slider's move: set ``name`` to ``value``, and remember which way it went
        (the draw-ahead follows it first)."""
        self._heading = (name, value > self.values[name])
        self.values[name] = value

    def _frame(self) -> bytes:
        """The live frame of the current setting: kept, else drawn now (and kept)."""
        key = _setting_key(self.values)
        frame = self._frames.pop(key, None)
        if frame is None:
            self.update()
            frame = _live_png(self.canvas)
        self._frames[key] = frame
        _keep_recent(self._frames)
        return frame

    def _neighbours(self) -> list[dict]:
        """The settings one slider step away from the current one: where a reader's next key
        press or small drag lands. The step that continues the last move comes first."""
        around = []
        for name, positions in self._positions.items():
            value = self.values[name]
            settings = [self.values | {name: v} for v in _steps(positions, value)]
            if self._heading is not None and self._heading[0] == name:
                moved_up = self._heading[1]
                settings.sort(key=lambda s, name=name: (s[name] > value) != moved_up)
                around = settings + around
            else:
                around += settings
        return around

    def _lookahead(self) -> list[dict]:
        """What the draw-ahead draws, in this order: the neighbours (:meth:`_neighbours`) and,
        right after the first, the setting two steps along the last move. A reader who presses
        the same key again and again then finds each frame drawn during the pause before the
        last press, not only in the pause since: in chapter 6 (a re-run of 1000 steps per
        frame) a move at the benchmark's pace sometimes beat a frame drawn in one pause."""
        around = self._neighbours()
        if self._heading is None or not around:
            return around
        name, moved_up = self._heading
        first = around[0]
        if first[name] == self.values[name] or (first[name] > self.values[name]) != moved_up:
            return around  # the slider is at its end that way
        further = [
            v for v in _steps(self._positions[name], first[name]) if (v > first[name]) == moved_up
        ]
        return [first, *(first | {name: v} for v in further), *around[1:]]

    def _prepare(self, setting: dict):
        """A generator that does the slow part of drawing ``setting`` in parts (see
        :meth:`_ahead`), so that :meth:`_render` then finds it done. Nothing by default."""
        yield from ()

    def _where(self, setting: dict) -> tuple[int, ...]:
        """A setting as the live sliders' indices (the nearest position of each)."""
        return tuple(_nearest(p, setting[n]) for n, p in self._positions.items())

    def _ahead(self, page=None):
        """A generator of the draw-ahead's parts: the frames of the neighbouring settings,
        those along the slider just moved first, two steps that way (:meth:`_lookahead`),
        each drawn and encoded in turn, and sent to ``page`` (the page's frames, a
        :class:`~optlib._frame_canvas.FrameCanvas`) when there is one; then the current
        setting again, so that the figure shows what the sliders say."""
        neighbours = self._lookahead()
        wheres = [None if page is None else self._where(s) for s in neighbours]  # in the page
        if page is not None:
            # the frames one step away that the page holds stay there: the new ones sent
            # below push out others (they once pushed out these, and the next move waited)
            page.keep([page.where(), *wheres])
        for setting, where in zip(neighbours, wheres, strict=True):
            key = _setting_key(setting)
            if key not in self._frames:
                yield from self._prepare(setting)
                self._show(setting)
                yield
                self._show(setting)  # again: a cell run meanwhile may have drawn another setting
                self._frames[key] = _live_png(self.canvas)
                _keep_recent(self._frames)
            elif page is None or page.frame(where) is not None:
                continue
            if page is not None:
                page.put(where, self._frames[key])
            yield
        self._show(self.values)

    def _draw_ahead(self, page=None) -> None:
        """Draw the frames of the neighbouring settings while the reader looks at this one
        (:meth:`_ahead`, which sends them to ``page``), in parts with pauses between them,
        until the reader moves again: the next move's message waits for one part at most,
        and its frame is usually in the page already."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not inside a kernel's loop (a script): nothing to overlap with
            return
        self._move_count += 1
        move, parts = self._move_count, self._ahead(page)

        def next_part():
            if move != self._move_count:  # a newer move has its own draw-ahead
                parts.close()
                return
            try:
                next(parts)
            except StopIteration:
                return
            loop.call_later(_PART_S, next_part)

        loop.call_later(_AHEAD_AFTER_S, next_part)

    def _slider(self, w, name: str):
        """One live slider over the positions of ``name``: for a name in ``continuous`` (a
        learning rate) 100 per factor of 10, log-spaced, else the grid's values. Either way a
        SelectionSlider, whose ``index`` the page's links read (see live)."""
        return w.SelectionSlider(
            options=[(_format(v), v) for v in self._positions[name]],
            value=self.values[name],
            description=name,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=w.Layout(width="420px", max_width="100%"),
        )

    def live(self):
        """The ipywidgets face: one slider per name above the figure.

        The figure is a :class:`~optlib._frame_canvas.FrameCanvas`: the frames the kernel has
        sent stay in the page, and a move to one of them draws it there. A move the
        kernel did not foresee reaches it as before: it draws that frame and sends it. Either
        way the kernel hears of the move and draws the next one's neighbours ahead."""
        import ipywidgets as w  # lazily: the library and the book work without a widget front-end

        from optlib._frame_canvas import FrameCanvas

        for name, positions in self._positions.items():  # a cell may have set a value between
            self.values[name] = positions[_nearest(positions, self.values[name])]
        controls = [self._slider(w, name) for name in self.sliders]
        page = FrameCanvas(controls, _IN_PAGE * len(controls) + 2, self._frame(), self.alt or "")
        for name, slider in zip(self.sliders, controls, strict=True):

            def on_change(change, name=name):
                self._move(name, change["new"])
                # what these sliders say, though a cell's update() may have set another value
                self.values.update(
                    (n, s.value) for n, s in zip(self.sliders, controls, strict=True)
                )
                where = page.where()  # the frame the page shows now, or waits for
                page.put(where, None if page.frame(where) else self._frame())  # sent at once
                self._draw_ahead(page)

            slider.observe(on_change, names="value")
        self._draw_ahead(page)  # so that the reader's first move finds its frame too
        return w.VBox([*controls, page])

    # Notes for the book's authors. The object carries both faces in one output: the
    # ipywidgets view (application/vnd.jupyter.widget-view+json), which Jupyter picks when a
    # widget manager is there to show it, and the static face (text/html). The book's
    # _config.yml gives the widget view no priority in HTML (nb_mime_priority_overrides) and
    # loads no widget JavaScript (nb_ipywidgets_js: {}), so the HTML book shows the static face
    # and never a dead widget; no cell tags are needed. (matplotlib's to_jshtml would make a
    # similar static face, but fetches its button icons from a CDN.) Every frame is embedded in
    # the page, and a page of the book must stay under 3 MB: the browser test checks it.
    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": f"<{type(self).__name__}: {', '.join(self.sliders)}>"}
        bundle["text/html"] = self.static()
        try:
            widget = self.live()
        except ImportError:  # no ipywidgets: the static face is all there is
            return bundle
        live = widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        live.pop("text/plain", None)
        return bundle | live


class Explorer(_Faces):
    """The figure behind :func:`explore`: a path over the surface and the loss, per setting.

    Build it with :func:`explore`, which takes the same arguments (all but ``dpi``) and
    checks them in this constructor.

    Parameters
    ----------
    objective : object
        A 2-D objective of :mod:`optlib.objectives` (``value``, ``grad``, ``window``).
    optimizer : callable
        Builds an optimizer from keyword hyperparameters, e.g. ``Momentum``.
    x0 : array_like
        The starting point, two finite coordinates.
    steps : int
        Steps per run (:func:`explore`'s default is 100).
    sliders : dict of name -> sequence
        The values each slider steps through, for hyperparameters of ``optimizer``.
    start : dict, optional
        Starting values (default: the middle of each grid).
    static : str or list of str, optional
        The sliders the static face sweeps (default: the first).
    fixed : dict, optional
        Further hyperparameters passed to ``optimizer`` unchanged.
    title : str, optional
        Title of the path panel (default: the objective's name).
    dpi : int, default 72
        The resolution of the figure, and so of every frame of the static face.
    window : ((xmin, xmax), (ymin, ymax)), optional
        The part of the plane the path panel shows (default: the objective's ``window``).
    alt : str, optional
        What the figure shows, the static face's alt text, followed there by the setting
        (default: the optimizer's path on the objective and its loss per step).
    continuous : list of str, optional
        The sliders that move continuously in the live face (see :func:`explore`).

    Attributes
    ----------
    values : dict
        The current hyperparameters (the live sliders move them).
    figure : matplotlib.figure.Figure
        The one figure both faces draw; :meth:`update` changes it in place.
    """

    def __init__(
        self,
        objective,
        optimizer: Callable,
        x0,
        steps: int,
        sliders: Mapping[str, Sequence],
        *,
        start: Mapping | None = None,
        static: Sequence[str] | str | None = None,
        fixed: Mapping | None = None,
        title: str | None = None,
        dpi: int = 72,
        window=None,
        alt: str | None = None,
        continuous: Sequence[str] | None = None,
    ):
        # The front door: everything is checked here, so that update() need not.
        _checks.instance("objective", objective, ("value", "grad"), "an objective")
        _objective_2d(objective)
        _checks.callable_("optimizer", optimizer, "taking hyperparameters as keywords")
        x0 = _checks.finite_array("x0", x0, ndim=1, dtype=np.float64, copy=True)
        if x0.shape != (2,):
            raise ValueError(f"x0 must have 2 coordinates, one per axis; got shape {x0.shape}")
        steps = _checks.positive_int("steps", steps)
        dpi = _checks.positive_int("dpi", dpi)
        title = _checks.optional_text("title", title)
        self.window = None if window is None else _window(window)
        accepted = _keywords(optimizer)
        sliders = _names("sliders", sliders, optimizer, accepted)
        if not sliders:
            raise ValueError("sliders must name at least one hyperparameter and its values")
        self.sliders = {name: _grid(f"sliders[{name!r}]", g) for name, g in sliders.items()}
        fixed = _names("fixed", {} if fixed is None else fixed, optimizer, accepted)
        both = sorted(set(fixed) & set(self.sliders))
        if both:
            raise ValueError(f"fixed names {both}, which are sliders too: give each name once")
        self.values = _start_values(self.sliders, start)
        static = _static_names(static, self.sliders)
        self.static_names = static
        self.continuous = _continuous_names(continuous, self.sliders)
        self.objective, self.make_optimizer = objective, optimizer
        self._paths: dict = {}  # recent runs by setting, most recent last (see run)
        self._faces_init()
        self._value = _value_function(objective)
        self.fixed = fixed
        self.x0, self.steps, self.dpi = x0, steps, dpi
        self.title = title or getattr(objective, "name", "")
        alt = _checks.optional_text("alt", alt)
        rule = getattr(getattr(optimizer, "func", optimizer), "__name__", "the optimizer")
        where = f" on {self.title}" if self.title else ""
        self.alt = alt or (
            f"The path of {rule}{where} over the contours of the loss, left, and its loss "
            "per step, right"
        )
        for name, grid in self.sliders.items():  # a bad value fails here, not in a callback
            for value in grid:
                try:
                    self.optimizer(**(self.values | {name: value}))
                except (TypeError, ValueError) as err:
                    raise type(err)(
                        f"sliders[{name!r}] holds {value!r}, which the optimizer refuses: {err}"
                    ) from err
        self._build_figure()
        self.update()

    # -- the figure ---------------------------------------------------------------------------

    def optimizer(self, **values):
        return self.make_optimizer(**self.fixed, **values)

    def _build_figure(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure  # not pyplot: the figure is never shown twice

        self.figure = fig = Figure(figsize=(9, 3.4), dpi=self.dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(fig)
        self.ax_path, self.ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        contour(self.objective, self.ax_path, window=self.window, levels=20, resolution=150)
        self.ax_path.plot(*self.x0[:2], "s", color="C3", markersize=5)
        self.ax_path.set_title(self.title, fontsize=10)
        f0 = float(self.objective.value(self.x0))
        low = getattr(self.objective, "min_value", None)
        # Fixed axes: only the lines move, so the reader compares settings at a glance, and
        # a redraw touches the lines alone (blitting over a cached background).
        if low is not None:
            self.ax_loss.set_yscale("log")
            self.ax_loss.set_ylim(LOSS_FLOOR, 10 * max(f0 - low, LOSS_FLOOR))
        else:
            self.ax_loss.set_ylim(f0 - 10 * abs(f0) - 1, f0 + abs(f0) + 1)
        self.ax_loss.set(
            xlabel="step",
            ylabel="$f(x_t) - f^*$" if low is not None else "$f(x_t)$",
            xlim=(0, self.steps),
        )
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.ax_loss.set_title(" ", fontsize=10)  # room for the settings, drawn per frame
        (self.path_line,) = self.ax_path.plot([], [], "o-", color="C3", markersize=2, lw=1.2)
        (self.loss_line,) = self.ax_loss.plot([], [], color="C3", lw=1.5)
        self.status = self.ax_loss.text(
            0.98, 0.95, "", transform=self.ax_loss.transAxes, ha="right", va="top"
        )
        self.settings = self.ax_loss.text(
            0.5, 1.02, "", transform=self.ax_loss.transAxes, ha="center", va="bottom"
        )
        self._moving = (self.path_line, self.loss_line, self.status, self.settings)
        for artist in self._moving:
            artist.set_animated(True)
        self.canvas.draw()  # lays the figure out once, then freezes the layout
        fig.set_layout_engine("none")
        self._background = self.canvas.copy_from_bbox(fig.bbox)

    def run(self, **values):
        """The optimizer's :class:`~optlib.train.Path` for the hyperparameters in ``values``
        (the others as they are), without changing the figure.

        Unchecked: the arguments were checked by the constructor, and a slider only moves to
        one of its checked values or, continuous, between two of them. The last 32 runs are
        kept: a setting shown again (or computed ahead, see the live face) is not re-run.
        """
        return _finish(self._run_in_parts(self.values | values, math.inf))

    def _run_in_parts(self, setting: dict, part_s: float):
        """A generator that returns the run of ``setting``, kept or computed (in parts of
        ``part_s`` seconds), and keeps it as the most recent."""
        key = _setting_key(setting)
        path = self._paths.pop(key, None)
        if path is None:
            # A diverging run is shown, not warned about: the kernel only writes its message.
            path = yield from _minimize_in_parts(
                self._value,
                self.objective.grad,
                self.optimizer(**setting),
                self.x0,
                self.steps,
                part_s,
            )
        self._paths[key] = path  # the most recent last
        _keep_recent(self._paths)
        return path

    def _prepare(self, setting: dict):
        """Compute the run of ``setting`` in parts and keep it, for :meth:`_render`."""
        yield from self._run_in_parts(self.values | setting, _PART_S)

    @property
    def path(self):
        """The optimizer's :class:`~optlib.train.Path` at the current setting."""
        return self.run()

    def _render(self, setting: dict) -> None:
        path = self.run(**setting)
        gap = loss_gap(path, self.objective)
        points = _until_far_outside(path.points, self.ax_path)
        self.path_line.set_data(points[:, 0], points[:, 1])
        self.loss_line.set_data(np.arange(len(gap)), gap)
        diverged = path.stopped_early or not float(gap[-1]) < float(gap[0])
        self.status.set_text("diverges" if diverged else f"after {self.steps} steps: {gap[-1]:.1e}")
        self.status.set_color("C3" if diverged else "black")
        self.settings.set_text(", ".join(f"{n} = {_format(v)}" for n, v in setting.items()))
        self.canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)

    # -- the static face ----------------------------------------------------------------------

    def sweep(self, name: str) -> str:
        """HTML of a precomputed sweep over ``sliders[name]``, scrubbed by a slider, offline."""
        grid = self.sliders[name]
        frames = self._static_frames([name], [(value,) for value in grid])
        return _sweep_html([name], [grid], frames, [_nearest(grid, self.values[name])], self.alt)

    def static(self) -> str:
        """The static face, as HTML: one precomputed sweep per name in ``static``."""
        return "\n".join(self.sweep(name) for name in self.static_names)


def explore(
    objective,
    optimizer: Callable,
    x0,
    steps: int = 100,
    *,
    sliders: Mapping[str, Sequence],
    start: Mapping | None = None,
    static: Sequence[str] | str | None = None,
    fixed: Mapping | None = None,
    title: str | None = None,
    window=None,
    alt: str | None = None,
    continuous: Sequence[str] | None = None,
) -> Explorer:
    """Sliders over ``optimizer``'s hyperparameters on a 2-D ``objective``.

    Parameters
    ----------
    objective : object
        A 2-D objective of :mod:`optlib.objectives` (``value``, ``grad``, ``window``).
    optimizer : callable
        Builds an optimizer from keyword hyperparameters: a class such as ``Momentum``, or
        ``functools.partial(RMSProp, centered=True)``.
    x0 : array_like
        The starting point.
    steps : int, default 100
        Steps per run.
    sliders : dict of name -> sequence
        The values each slider steps through (a log-spaced grid suits a learning rate).
    start : dict, optional
        Starting values (default: the middle of each grid).
    static : str or list of str, optional
        The sliders the book's static face sweeps (default: the first).
    fixed : dict, optional
        Further hyperparameters passed to ``optimizer`` unchanged.
    title : str, optional
        Title of the path panel (default: the objective's name).
    window : ((xmin, xmax), (ymin, ymax)), optional
        The part of the plane the path panel shows (default: the objective's ``window``).
    alt : str, optional
        What the figure shows, for readers who cannot see it: the static face's alt text,
        followed there by the current setting (default: the optimizer's path on the
        objective, and its loss per step).
    continuous : list of str, optional
        The sliders that move continuously in the live face, on a log scale between the ends
        of their values, which must be positive floats a factor of 10 or more apart (default:
        ``learning_rate``, when its values are). The others step through their values. A value
        between two that the optimizer accepts must be accepted too, as every bound of optlib's
        optimizers is an interval. The static face sweeps the listed values either way.

    Returns
    -------
    Explorer
        Shown live in Jupyter and as a precomputed sweep in the HTML book (see the module
        docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from optlib import SGD, Quadratic
    >>> ex = explore(Quadratic([1.0, 10.0]), SGD, x0=[1.5, 1.0], steps=30,
    ...              sliders={"learning_rate": [0.05, 0.15, 0.21]})
    >>> ex.values, ex.path.stopped_early
    ({'learning_rate': 0.15}, False)
    >>> ex.update(learning_rate=0.21) >= 0, bool(ex.path.loss > ex.path.losses[0])  # past 2 / L
    (True, True)
    """
    return Explorer(
        objective,
        optimizer,
        x0,
        steps,
        sliders,
        start=start,
        static=static,
        fixed=fixed,
        title=title,
        window=window,
        alt=alt,
        continuous=continuous,
    )


class Sweep(_Faces):
    """The figure behind :func:`sweep`: any figure, redrawn for each setting of its sliders.

    Build it with :func:`sweep`, which takes the same arguments and checks them in this
    constructor.

    Parameters
    ----------
    draw : callable
        ``draw(fig)`` adds the axes and the artists to an empty figure and returns
        ``redraw(**values)``, which updates them for one setting (see :func:`sweep`).
    sliders : dict of name -> sequence
        The values each slider steps through: at least two distinct finite numbers; each name
        is a keyword of ``redraw``.
    start : dict, optional
        Starting values (default: the middle of each grid).
    static : str or list of one or two str, optional
        The sliders the static face sweeps (default: the first).
    figsize : (float, float), default (9, 3.4)
        The figure's width and height in inches.
    dpi : int, default 100
        The resolution of the figure, and so of every frame of the static face.
    alt : str, optional
        What the figure shows, the static face's alt text, followed there by the setting.

    Attributes
    ----------
    sliders : dict
        Each slider's values, as checked.
    values : dict
        The current setting (the live sliders move it).
    static_names : list of str
        The one or two sliders the static face sweeps.
    figure : matplotlib.figure.Figure
        The one figure both faces draw; :meth:`update` changes it in place.
    """

    def __init__(
        self,
        draw: Callable,
        sliders: Mapping[str, Sequence],
        *,
        start: Mapping | None = None,
        static: Sequence[str] | str | None = None,
        figsize=(9, 3.4),
        dpi: int = 100,
        alt: str | None = None,
    ):
        # The front door: everything is checked here, so that update() need not.
        _checks.callable_("draw", draw, "draw(fig) returning redraw(**values)")
        self.alt = _checks.optional_text("alt", alt)
        if not isinstance(sliders, Mapping):
            raise TypeError(f"sliders must be a dict name -> values; got {sliders!r}")
        if not sliders:
            raise ValueError("sliders must name at least one slider and its values; got {}")
        for name in sliders:
            if not (isinstance(name, str) and name.isidentifier()):
                raise TypeError(
                    f"sliders must have names that can be keywords of redraw as keys; got {name!r}"
                )
        self.sliders = {name: _grid(f"sliders[{name!r}]", g) for name, g in sliders.items()}
        self.values = _start_values(self.sliders, start)
        self.static_names = _static_names(static, self.sliders, most=2)
        if isinstance(figsize, (str, bytes, Mapping)) or not hasattr(figsize, "__len__"):
            raise TypeError(f"figsize must be (width, height) in inches; got {figsize!r}")
        if len(figsize) != 2:
            raise ValueError(f"figsize must be (width, height) in inches; got {figsize!r}")
        width, height = (
            _checks.real(f"figsize[{i}]", v, low=0.0, low_open=True) for i, v in enumerate(figsize)
        )
        dpi = _checks.positive_int("dpi", dpi)

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure  # not pyplot: the figure is never shown twice

        self.figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.redraw = _checks.callable_(
            "draw(fig)'s return value", draw(self.figure), "redraw(**values)"
        )
        try:  # a broken redraw fails here, not in a slider's callback
            self.redraw(**self.values)
        except (TypeError, ValueError) as err:
            raise type(err)(f"redraw(**{self.values!r}) at the start values failed: {err}") from err
        self.canvas.draw()  # lays the figure out once, at the start values, then freezes it
        self.figure.set_layout_engine("none")  # so that the panels stay put from frame to frame
        # Artists marked animated are all that redraw changes: blit them over the rest, drawn
        # once (as Explorer does). Without any, every update draws the whole figure.
        self._moving = [a for a in self.figure.findobj() if a.get_animated()]
        self._background = self.canvas.copy_from_bbox(self.figure.bbox) if self._moving else None
        self._faces_init()
        self._blit()  # redraw ran at the start values above
        self._drawn = _setting_key(self.values)

    def _render(self, setting: dict) -> None:
        """Call ``redraw`` with the whole setting and draw the figure."""
        self.redraw(**setting)
        self._blit()

    def _blit(self) -> None:
        if self._background is None:
            self.canvas.draw()
            return
        self.canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)

    def static(self) -> str:
        """The static face, as HTML: a precomputed sweep over the one or two ``static`` sliders
        (one frame per value, or per pair of values), the other sliders at their values."""
        names = self.static_names
        grids = [self.sliders[n] for n in names]
        frames = self._static_frames(names, itertools.product(*grids))
        index = [_nearest(g, self.values[n]) for n, g in zip(names, grids, strict=True)]
        return _sweep_html(names, grids, frames, index, self.alt)


def sweep(
    draw: Callable,
    sliders: Mapping[str, Sequence],
    *,
    start: Mapping | None = None,
    static: Sequence[str] | str | None = None,
    figsize=(9, 3.4),
    dpi: int = 100,
    alt: str | None = None,
) -> Sweep:
    """Sliders over any figure: ``draw`` builds it once, its ``redraw`` updates it per setting.

    :func:`explore` is this for an optimizer on a 2-D objective; ``sweep`` is for every other
    figure a chapter wants to move (a loss curve per batch size, a race at one learning rate,
    a schedule's shape).

    Parameters
    ----------
    draw : callable
        ``draw(fig)`` is called once with an empty :class:`matplotlib.figure.Figure` (not
        pyplot, constrained layout). It adds the axes and the artists and returns
        ``redraw(**values)``, which updates those artists for one setting, each slider's
        name a keyword (``line.set_data(...)``, ``text.set_text(...)``: redrawing in place
        keeps the live face fast). Keep the axes' limits fixed so that frames compare at a
        glance: the layout is computed once, at the start values, then frozen. Mark the
        artists ``redraw`` changes with ``set_animated(True)`` and only they are redrawn, over
        the rest of the figure drawn once (blitting); otherwise each setting draws the whole
        figure.
    sliders : dict of name -> sequence
        The values each slider steps through: at least two distinct finite numbers. The names
        are free (each one a keyword of ``redraw``).
    start : dict, optional
        Starting values, each one of its slider's values (default: the middle of each grid).
    static : str or list of one or two str, optional
        The sliders the book's static face sweeps (default: the first). With two names it
        holds one frame per pair of values, two range inputs choosing the pair.
    figsize : (float, float), default (9, 3.4)
        The figure's width and height in inches.
    dpi : int, default 100
        The resolution of the figure, and so of every frame of the static face.
    alt : str, optional
        What the figure shows, for readers who cannot see it ("the loss per step for each
        batch size"): the static face's alt text, followed there by the current setting, which
        the sliders update. Without it the alt text names the setting alone.

    Returns
    -------
    Sweep
        Shown live in Jupyter and as a precomputed sweep in the HTML book (see the module
        docstring). Everything is checked here, ``draw`` and ``redraw`` included (called once,
        at the start values), so a broken callback fails in this call, not in a slider's.

    Examples
    --------
    >>> import numpy as np
    >>> def draw(fig):
    ...     ax = fig.subplots()
    ...     t = np.linspace(0, 1, 50)
    ...     (line,) = ax.plot(t, t)
    ...     ax.set_ylim(0, 1)
    ...     def redraw(power):
    ...         line.set_ydata(t**power)
    ...     return redraw
    >>> s = sweep(draw, {"power": [1, 2, 3]}, figsize=(4, 3))
    >>> s.values
    {'power': 2}
    >>> s.update(power=3) >= 0, s.values
    (True, {'power': 3})
    >>> len(frames_of(s.static()))
    3
    """
    return Sweep(draw, sliders, start=start, static=static, figsize=figsize, dpi=dpi, alt=alt)


def frames_of(html_text: str) -> list[bytes]:
    """The distinct PNG frames embedded in static HTML (for tests and size checks).

    Parameters
    ----------
    html_text : str
        HTML with ``data:image/png;base64,...`` images, such as an :func:`explore` page.

    Returns
    -------
    list of bytes
        Each distinct PNG once, in the order of its first appearance.
    """
    found = dict.fromkeys(re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html_text))
    return [base64.b64decode(f) for f in found]
