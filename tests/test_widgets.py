"""optlib.widgets: one figure, a live face (ipywidgets) and a static face (offline HTML)."""

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optlib import SGD, Adam, Momentum, Quadratic, Rosenbrock
from optlib.widgets import LOSS_FLOOR, Sweep, _setting_key, explore, frames_of, sweep, sweep_html

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LEARNING_RATES = [0.02, 0.05, 0.1, 0.25]  # 2 / L = 0.2 for eigenvalues (1, 10): 0.25 diverges


def momentum_explorer():
    return explore(
        Quadratic([1.0, 10.0]),
        Momentum,
        x0=[1.2, 1.0],
        steps=40,
        sliders={"learning_rate": LEARNING_RATES, "momentum": [0.0, 0.5, 0.9]},
        start={"learning_rate": 0.05, "momentum": 0.0},
    )


@pytest.fixture
def explorer():
    return momentum_explorer()


def test_starts_at_the_given_values_and_runs(explorer):
    assert explorer.values == {"learning_rate": 0.05, "momentum": 0.0}
    assert len(explorer.path) == 41 and explorer.path.loss < 0.01 * explorer.path.losses[0]


def test_update_redraws_the_same_figure_in_place(explorer):
    figure, line = explorer.figure, explorer.path_line
    before = line.get_xydata().copy()
    explorer.update(momentum=0.9)
    assert explorer.figure is figure and explorer.path_line is line
    assert not np.array_equal(line.get_xydata(), before)
    assert explorer.settings.get_text() == "learning_rate = 0.05, momentum = 0.9"


def test_update_shows_divergence(explorer):
    explorer.update(learning_rate=0.25, momentum=0.0)  # past 2 / L
    assert explorer.status.get_text() == "diverges"
    drawn = explorer.path_line.get_xydata()
    assert len(drawn) < len(explorer.path.points)  # cut where it leaves the frame for good
    assert np.abs(drawn[:-1]).max() <= 6  # two window widths (3) from the centre
    explorer.update(learning_rate=0.1)
    assert explorer.status.get_text().startswith("after 40 steps")


def stored_frames(page: str) -> list[list[bytes]]:
    """The frames a static face's script swaps in: per setting, one PNG per panel."""
    import base64
    import json

    uris = json.loads(page.split("var frames = ")[1].split(", labels = ")[0])
    return [[base64.b64decode(uri.split(",", 1)[1]) for uri in panels] for panels in uris]


def test_static_face_is_one_offline_frame_per_value(explorer):
    page = explorer.static()
    frames = stored_frames(page)
    assert len(frames) == len(LEARNING_RATES)
    assert all(panel.startswith(b"\x89PNG") for frame in frames for panel in frame)
    assert "http://" not in page and "https://" not in page
    assert 'value="1"' in page  # the slider starts at the starting value, 0.05
    assert "learning_rate = 0.25" in page and "make lab" in page


def test_static_face_leaves_the_live_state_alone(explorer):
    before = explorer.path_line.get_xydata().copy()
    explorer.static()
    assert explorer.values == {"learning_rate": 0.05, "momentum": 0.0}
    np.testing.assert_array_equal(explorer.path_line.get_xydata(), before)


def test_static_names_choose_the_sweeps():
    ex = explore(
        Rosenbrock(),
        Momentum,
        x0=[-1.5, 2.0],
        steps=30,
        sliders={"learning_rate": [1e-4, 5e-4], "momentum": [0.5, 0.9]},
        static=["learning_rate", "momentum"],
    )
    sweeps = ex.static().split('<div class="optlib-sweep"')[1:]
    assert [s.split('data-parameter="')[1].split('"')[0] for s in sweeps] == [
        "learning_rate",
        "momentum",
    ]
    assert [len(stored_frames(s)) for s in sweeps] == [2, 2]


def test_static_frames_are_cut_between_the_panels(explorer):
    """A phone's column stacks the panels: the path's, then the loss's, each at a readable
    size, where the whole figure would shrink to fit."""
    from io import BytesIO

    from PIL import Image

    page = explorer.static()
    frames = stored_frames(page)
    assert {len(frame) for frame in frames} == {2}
    left, right = (Image.open(BytesIO(panel)) for panel in frames[0])
    width, height = explorer.canvas.get_width_height()
    assert left.width + right.width == width and left.height == right.height == height
    renderer = explorer.canvas.get_renderer()
    path_panel, loss_panel = (ax.get_tightbbox(renderer) for ax in explorer.figure.axes)
    assert path_panel.x1 <= left.width <= loss_panel.x0  # nothing of either panel is cut
    assert page.count("<img") == 2 and 'style="display: flex; flex-wrap: wrap;"' in page
    # one figure to a screen reader: the frame is an image, described once
    assert page.count('alt=""') == 2 and f'role="img" aria-label="{explorer.alt} (' in page


def test_bundle_has_both_faces(explorer):
    pytest.importorskip("ipywidgets")
    bundle = explorer._repr_mimebundle_()
    assert {"text/plain", "text/html", WIDGET_VIEW} <= set(bundle)


def test_without_ipywidgets_only_the_static_face(explorer, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now fails
    bundle = explorer._repr_mimebundle_()
    assert "text/html" in bundle and WIDGET_VIEW not in bundle


def shown(box):
    """The frame a live face's page draws: the PNG it holds at the sliders' indices, which
    the page's links copy (None while it waits for the kernel's)."""
    return at(box, [slider.index for slider in box.children[:-1]])


def test_live_slider_updates_the_image(explorer):
    pytest.importorskip("ipywidgets")
    box = explorer.live()
    sliders = box.children[:-1]
    before = shown(box)
    assert before.startswith(b"\x89PNG")
    sliders[1].value = 0.9  # what moving the momentum slider does
    assert explorer.values["momentum"] == 0.9
    after = shown(box)
    assert after is not None and after != before and after.startswith(b"\x89PNG")
    fresh = momentum_explorer()
    fresh.update(momentum=0.9)
    assert after == fresh._frame()  # the frame of that very setting
    sliders[1].value = 0.0  # back: the page still holds that frame, and shows it again
    assert shown(box) == before


def test_live_learning_rate_moves_continuously_on_a_log_scale(explorer):
    w = pytest.importorskip("ipywidgets")
    box = explorer.live()
    learning_rate, momentum = box.children[:2]
    assert isinstance(momentum, w.SelectionSlider) and momentum.options == (
        ("0", 0.0),
        ("0.5", 0.5),
        ("0.9", 0.9),
    )
    # 0.02 to 0.25, a factor of 12.5: 100 log-spaced positions per factor of 10, which hold
    # the grid's own values too
    rates = [value for _, value in learning_rate.options]
    assert rates[0] == 0.02 and rates[-1] == 0.25 and set(LEARNING_RATES) <= set(rates)
    assert learning_rate.value == 0.05 and 108 <= len(rates) <= 111
    ratios = np.diff(np.log10(rates))
    assert ratios.min() >= 0.005 - 1e-3 and ratios.max() <= 0.015 + 1e-3
    assert ("0.02047", 0.02047) in learning_rate.options  # 10 ** (log10(0.02) + 0.01)
    before = shown(box)
    learning_rate.index += 7  # a drag, 7 positions up
    assert explorer.values["learning_rate"] == rates[rates.index(0.05) + 7]
    assert explorer.settings.get_text() == (
        f"learning_rate = {explorer.values['learning_rate']:.4g}, momentum = 0"
    )
    assert shown(box) not in (None, before)
    # Shown again (a cell that displays it twice), the static face starts on the nearest frame.
    page = explorer.static()
    assert 'value="1"' in page  # 0.05 is the grid value nearest to 0.0585
    assert explorer.values["learning_rate"] == rates[rates.index(0.05) + 7]


def test_a_value_set_between_positions_starts_the_live_face_on_the_nearest(explorer):
    pytest.importorskip("ipywidgets")
    explorer.update(learning_rate=0.0731)  # a cell's update(): not one of the positions
    learning_rate = explorer.live().children[0]
    assert learning_rate.value == 0.07262 == explorer.values["learning_rate"]
    assert explorer.settings.get_text().startswith("learning_rate = 0.07262")


def test_continuous_sliders_can_be_chosen_or_turned_off():
    pytest.importorskip("ipywidgets")
    kwargs = dict(
        x0=[1.2, 1.0], steps=10, sliders={"learning_rate": [0.01, 0.1], "momentum": [0.1, 0.9]}
    )
    stepping = explore(Quadratic([1.0, 10.0]), Momentum, continuous=[], **kwargs)
    assert [len(c.options) for c in stepping.live().children[:2]] == [2, 2]
    continuous = explore(Quadratic([1.0, 10.0]), Momentum, **kwargs)
    assert len(continuous.live().children[0].options) == 101
    narrow = explore(
        Quadratic([1.0, 10.0]),
        Momentum,
        x0=[1.2, 1.0],
        steps=10,
        sliders={"learning_rate": [0.05, 0.1]},  # a factor of 2: it keeps its two values
    )
    assert narrow.continuous == () and len(narrow.live().children[0].options) == 2


def test_log_positions_are_100_per_decade_and_hold_the_grid():
    from optlib.widgets import _log_positions

    assert _log_positions([0.01, 0.1]) == [float(f"{10 ** (-2 + k / 100):.4g}") for k in range(101)]
    # 0.15 lies 0.4 of a step below position 118 (0.1514): it takes that position's place
    rates = _log_positions([0.01, 0.15, 0.25])
    assert 0.15 in rates and 0.1514 not in rates and 0.1479 in rates
    assert rates == sorted(set(rates)) and rates[0] == 0.01 and rates[-1] == 0.25
    assert _log_positions([0.3, 0.01, 0.1])[-1] == 0.3  # the grid in any order; 0.3 the end


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(1e-6, 1.0),
    decades=st.floats(1.0, 4.0),
    inner=st.lists(st.floats(0.0, 1.0), max_size=6),
)
def test_log_positions_step_at_most_two_positions(low, decades, inner):
    """A position gives way only to a grid value within half a step of it, so between two
    neighbours at most two positions gave way, one to each: a step is at most 2/100 of a
    factor of 10 (two grid values 1.5 to 2 steps apart can make such a gap)."""
    from optlib.widgets import _log_positions

    high = low * 10**decades
    grid = [low, high, *(low * 10 ** (decades * t) for t in inner)]
    rates = _log_positions(grid)
    assert set(grid) <= set(rates) and rates == sorted(set(rates))
    gaps = np.diff(np.log10(rates))
    assert gaps.max() <= 0.02 + 1e-3  # 1e-3: the positions' rounding to 4 digits
    assert len(rates) <= 100 * decades + 1 + len(grid)


def test_neighbours_are_one_slider_step_away(explorer):
    # momentum steps through 0, 0.5, 0.9; learning_rate through its log-spaced positions
    rates = explorer._positions["learning_rate"]

    def around():
        value = explorer.values["learning_rate"]
        return sorted(
            s["learning_rate"] for s in explorer._neighbours() if s["learning_rate"] != value
        )

    assert {"learning_rate": 0.05, "momentum": 0.5} in explorer._neighbours()  # 0: one, 0.5
    assert len(explorer._neighbours()) == 3
    i = rates.index(0.05)
    assert around() == [rates[i - 1], rates[i + 1]]
    explorer.update(learning_rate=0.25)  # the top end: one below
    assert around() == [rates[-2]]
    explorer.update(learning_rate=0.0731)  # between two positions (a cell's update())
    assert around() == [rates[rates.index(0.07262) + d] for d in (-1, 0, 1)]


def test_runs_are_kept_and_the_neighbours_computed_while_the_kernel_waits(explorer):
    import asyncio

    first = explorer.run(learning_rate=0.1)
    assert explorer.run(learning_rate=0.1) is first  # kept: the same run is not repeated
    explorer._draw_ahead()  # outside an event loop (a script): nothing is scheduled
    assert len(explorer._paths) == 2  # the start and 0.1

    async def a_move_then_a_pause():
        explorer._draw_ahead()
        await asyncio.sleep(0.5)

    asyncio.run(a_move_then_a_pause())
    for setting in explorer._neighbours():
        assert _setting_key(setting) in explorer._paths
    neighbour = explorer._neighbours()[0]
    kept = explorer._paths[_setting_key(neighbour)]
    fresh = momentum_explorer().run(**neighbour)
    np.testing.assert_array_equal(kept.points, fresh.points)  # the run of that very setting


def a_move_then_a_pause(figure, name, value) -> bytes:
    """A live slider's move, as the kernel makes it, then the reader's pause: the frame sent."""
    import asyncio

    async def move():
        figure._move(name, value)
        frame = figure._frame()
        figure._draw_ahead()
        await asyncio.sleep(0.5)
        return frame

    return asyncio.run(move())


def test_the_draw_ahead_goes_two_steps_along_the_last_move(explorer):
    rates = explorer._positions["learning_rate"]
    i = rates.index(0.05)
    assert explorer._lookahead() == explorer._neighbours()  # no move yet: no way to follow
    a_move_then_a_pause(explorer, "learning_rate", rates[i + 1])  # one step up
    ahead = explorer._lookahead()
    assert [s["learning_rate"] for s in ahead[:2]] == [rates[i + 2], rates[i + 3]]
    assert all(s["momentum"] == 0.0 for s in ahead[:2])
    assert ahead[2:] == explorer._neighbours()[1:]  # then the other neighbours, as before
    assert all(_setting_key(s) in explorer._frames for s in ahead)  # all drawn in the pause
    explorer._move("learning_rate", rates[i])  # back down: the way turns with the reader
    assert [s["learning_rate"] for s in explorer._lookahead()[:2]] == rates[i - 1 : i - 3 : -1]
    explorer._move("learning_rate", rates[-2])  # one step below the top: nothing two steps up
    assert explorer._lookahead() == explorer._neighbours()
    explorer._move("momentum", 0.9)  # to the top: nothing one step up, nor two
    assert explorer._lookahead() == explorer._neighbours()


def test_the_next_move_finds_its_frame_drawn_ahead(explorer):
    from optlib.widgets import _live_png

    a_move_then_a_pause(explorer, "momentum", 0.5)
    up, down = explorer._neighbours()[:2]
    assert up["momentum"] == 0.9 and down["momentum"] == 0.0  # the way the reader went first
    kept = explorer._frames[_setting_key(up)]
    assert explorer.settings.get_text().endswith("momentum = 0.5")  # the canvas caught up

    runs = len(explorer._paths)
    explorer._move("momentum", 0.9)
    assert explorer._frame() is kept  # nothing re-run or redrawn
    assert len(explorer._paths) == runs
    fresh = momentum_explorer()
    fresh.update(momentum=0.9)
    assert kept == _live_png(fresh.canvas)  # the frame of that very setting
    assert explorer.png() == fresh.png()  # and the canvas follows before a frame is stored


def test_the_live_face_draws_the_first_moves_ahead(explorer):
    import asyncio

    pytest.importorskip("ipywidgets")

    async def shown_then_a_pause():
        explorer.live()
        await asyncio.sleep(0.5)

    asyncio.run(shown_then_a_pause())
    ahead = explorer._neighbours()
    assert len(ahead) == 3 and all(_setting_key(s) in explorer._frames for s in ahead)


def test_the_frames_drawn_ahead_wait_in_the_page(explorer):
    """After a move and a pause, the page holds the frame of every setting one step away, so
    that the next move draws it by itself, and the frame shown, which a view rendered now
    asks for."""
    import asyncio

    pytest.importorskip("ipywidgets")
    box = explorer.live()
    learning_rate, momentum = box.children[:2]

    async def a_move_then_a_pause():
        momentum.value = 0.5
        await asyncio.sleep(0.5)

    asyncio.run(a_move_then_a_pause())
    for setting in explorer._neighbours():
        assert at(box, explorer._where(setting)) == explorer._frames[_setting_key(setting)]
    assert at(box, (0, 0)) is None  # far from the setting: no frame there
    assert shown(box) == explorer._frames[_setting_key(explorer.values)]  # (0.05, 0.5)
    # the page's next move, one step up the learning rate: the kernel draws nothing new
    drawn = len(explorer._paths)
    learning_rate.index += 1
    assert len(explorer._paths) == drawn


def test_every_move_one_step_away_finds_its_frame_in_the_page():
    """The page holds few frames (2 per slider plus 2), and the draw-ahead's new ones push
    out the oldest: never a frame one step away that the page holds already. Until
    2026-11-30 they could, and in chapter 6 a step back then forward waited for the kernel
    to send again a frame the page had had."""
    import asyncio

    pytest.importorskip("ipywidgets")
    figure = explore(
        Quadratic([1.0, 10.0]),
        Adam,
        x0=[1.2, 1.0],
        steps=40,
        sliders={
            "learning_rate": [0.01, 0.03, 0.1],
            "beta1": [0.0, 0.5, 0.9],
            "beta2": [0.9, 0.99, 0.999],
        },
        start={"learning_rate": 0.03, "beta1": 0.5, "beta2": 0.99},
    )
    # (slider, step): the learning rate down, beta1 down, back and on, beta2 up and back
    walk = [(0, -1)] * 3 + [(1, -1), (1, 1), (1, 1), (2, 1), (2, -1), (2, -1), (2, 1), (0, 1)]
    waited = []

    async def reader():
        box = figure.live()  # in the kernel's loop, which draws ahead
        sliders = box.children[:3]
        await asyncio.sleep(0.4)
        for slider, step in walk:
            where = [s.index for s in sliders]
            where[slider] += step
            held = at(box, where)
            waited.append(held is None)
            sliders[slider].index = where[slider]
            assert shown(box) == held or waited[-1]
            await asyncio.sleep(0.4)

    asyncio.run(reader())
    assert waited == [False] * len(walk)


def at(box, where):
    """The PNG the page of a live face holds at slider indices ``where``, or None (what the
    page receives is checked against this record in test_frame_canvas.py)."""
    return box.children[-1].frame(where)


def test_a_sweep_draws_its_neighbours_ahead_too():
    calls = []
    s = sweep(lambda fig: draw_power(fig, calls), {"power": POWERS, "shift": SHIFTS}, dpi=40)
    a_move_then_a_pause(s, "shift", 0.25)  # down from (2, 0.5), then half a second
    assert calls[-6:] == [
        (2, 0.25),  # the move
        (2, 0.0),  # then its neighbours along that slider, the way the reader went first
        (2, 0.5),
        (1, 0.25),  # then the other slider's
        (3, 0.25),
        (2, 0.25),  # and the figure back at the reader's setting
    ]
    calls.clear()
    a_move_then_a_pause(s, "shift", 0.5)  # up again: its frame was drawn ahead
    # (2, 0.25) is kept too: only the new neighbours, then the figure back
    assert calls == [(2, 0.75), (1, 0.5), (3, 0.5), (2, 0.5)]
    drawn = len(calls)
    s._move("power", 3)
    s._frame()
    assert len(calls) == drawn  # kept: redraw is not called


def test_the_draw_ahead_works_in_parts_that_leave_the_kernel_free(explorer, monkeypatch):
    import optlib.widgets
    from optlib.widgets import _live_png

    monkeypatch.setattr(optlib.widgets, "_PART_S", 0.0)  # a part: one step of a run
    ahead = explorer._neighbours()
    assert len(ahead) == 3
    parts = explorer._ahead()
    next(parts)
    assert len(explorer._frames) == 0  # the first part of the first neighbour's run only
    while explorer._drawn != _setting_key(ahead[0]):
        next(parts)
    explorer.update(momentum=0.9)  # a cell run between drawing a frame and encoding it
    for _ in parts:
        pass
    for setting in ahead:  # after the last part, each neighbour's own frame
        fresh = momentum_explorer()
        fresh.update(**setting)
        assert explorer._frames[_setting_key(setting)] == _live_png(fresh.canvas)
    assert explorer.settings.get_text().endswith("momentum = 0.9")  # back at the setting


def test_live_frames_are_palette_pngs_close_to_the_figure(explorer):
    from io import BytesIO

    from PIL import Image

    from optlib.widgets import _pixels

    pytest.importorskip("ipywidgets")
    png = Image.open(BytesIO(shown(explorer.live())))
    assert png.mode == "P" and png.size == explorer.canvas.get_width_height()
    assert len(png.getcolors()) <= 256
    # every channel of every pixel within 16 of 255 of the figure's, 2 on average
    drawn = np.asarray(_pixels(explorer.canvas), dtype=int)
    error = np.abs(np.asarray(png.convert("RGB"), dtype=int) - drawn)
    assert error.max() <= 16 and error.mean() <= 2, (error.max(), error.mean())
    stored = Image.open(BytesIO(explorer.png()))  # the static face's frame: a smaller palette
    assert stored.mode == "P" and stored.size == png.size and len(stored.getcolors()) <= 64


def test_loss_panel_is_fixed_so_frames_compare(explorer):
    limits = explorer.ax_loss.get_ylim()
    explorer.update(learning_rate=0.02)
    assert explorer.ax_loss.get_ylim() == limits and limits[0] == LOSS_FLOOR


def test_sweep_html_labels_each_frame():
    page = sweep_html("alpha", [0.9, 0.99], [b"\x89PNG-a", b"\x89PNG-b"], index=1)
    assert '"alpha = 0.9"' in page and '"alpha = 0.99"' in page
    assert 'max="1"' in page and 'value="1"' in page


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(sliders={}), ValueError, "sliders"),
        (dict(sliders={"learning_rate": [0.1]}), ValueError, "learning_rate"),
        (dict(sliders={"learning_rate": [0.1, 0.2]}, static="momentum"), ValueError, "static"),
        (dict(sliders={"learning_rate": [0.1, 0.2]}, start={"beta": 1}), ValueError, "beta"),
        (dict(sliders={"learning_rate": [-0.1, 0.2]}, start=None), ValueError, "learning_rate"),
        (
            dict(sliders={"learning_rate": [0.1, 0.2]}, start={"learning_rate": 0.15}),
            ValueError,
            "learning_rate",
        ),
        (
            dict(sliders={"learning_rate": [0.1, 2.0]}, continuous="learning_rate"),
            TypeError,
            "continuous must be a list of slider names; got 'learning_rate'",
        ),
        (
            dict(sliders={"learning_rate": [0.1, 2.0]}, continuous=["momentum"]),
            ValueError,
            "continuous names 'momentum', which is not one of the sliders",
        ),
        (
            dict(sliders={"learning_rate": [0.1, 0.5]}, continuous=["learning_rate"]),
            ValueError,
            r"continuous names 'learning_rate', whose values \[0.1, 0.5\] are not positive",
        ),
        (
            dict(sliders={"learning_rate": [0, 0.5]}, continuous=["learning_rate"]),
            ValueError,
            "are not positive floats",
        ),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        explore(Quadratic([1.0, 10.0]), SGD, [1.0, 1.0], 10, **kwargs)


def test_optimizer_must_be_callable():
    with pytest.raises(TypeError, match="optimizer"):
        explore(Quadratic([1.0, 10.0]), SGD(), [1.0, 1.0], 10, sliders={"learning_rate": [1, 2]})


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "name"),
    [
        ((Quadratic([1.0, 10.0, 3.0]), SGD, [1.0, 1.0, 1.0]), {}, ValueError, "objective"),
        ((Quadratic([1.0, 10.0]), SGD, [1.0, 1.0, 1.0]), {}, ValueError, "x0"),
        ((Quadratic([1.0, 10.0]), SGD, [1.0, float("nan")]), {}, ValueError, "x0"),
        ((Quadratic([1.0, 10.0]), SGD, ["a", "b"]), {}, TypeError, "x0"),
        ((Quadratic([1.0, 10.0]), SGD, [1.0, 1.0], 0), {}, ValueError, "steps"),
        (
            (Quadratic([1.0, 10.0]), SGD, [1.0, 1.0]),
            {"sliders": {"lr": [0.1, 0.2]}},
            ValueError,
            "'lr', which is not an argument of SGD",
        ),
        (
            (Quadratic([1.0, 10.0]), SGD, [1.0, 1.0]),
            {"sliders": {"learning_rate": []}},
            ValueError,
            "sliders['learning_rate']",
        ),
        (
            (Quadratic([1.0, 10.0]), SGD, [1.0, 1.0]),
            {"sliders": {"learning_rate": ["fast", "slow"]}},
            TypeError,
            "sliders['learning_rate'][0]",
        ),
        (
            (Quadratic([1.0, 10.0]), SGD, [1.0, 1.0]),
            {"sliders": {"learning_rate": [0.1, float("nan")]}},
            ValueError,
            "sliders['learning_rate'][1]",
        ),
        ((Quadratic([1.0, 10.0]), SGD, [1.0, 1.0]), {"sliders": [0.1, 0.2]}, TypeError, "sliders"),
        (
            (Quadratic([1.0, 10.0]), SGD, [1.0, 1.0]),
            {"window": ((1.0, -1.0), (-1.0, 1.0))},
            ValueError,
            "window",
        ),
        (
            (Quadratic([1.0, 10.0]), SGD, [1.0, 1.0]),
            {"fixed": {"learning_rate": 0.1}},
            ValueError,
            "fixed",
        ),
    ],
)
def test_more_bad_input_named(args, kwargs, error, name):
    kwargs = {"sliders": {"learning_rate": [0.05, 0.1]}, **kwargs}
    with pytest.raises(error) as info:
        explore(*args, **kwargs)
    assert name in str(info.value)


def test_window_sets_the_path_panel():
    ex = explore(
        Quadratic([1.0, 10.0]),
        SGD,
        [0.5, 0.5],
        10,
        sliders={"learning_rate": [0.05, 0.1]},
        window=((-1.0, 1.0), (-0.5, 0.5)),
    )
    assert ex.ax_path.get_xlim() == (-1.0, 1.0) and ex.ax_path.get_ylim() == (-0.5, 0.5)


def test_a_slider_move_does_not_check_again(explorer, monkeypatch):
    import optlib.widgets

    class Tripwire:
        def __getattr__(self, name):
            raise AssertionError(f"update() called _checks.{name}")

    monkeypatch.setattr(optlib.widgets, "_checks", Tripwire())
    explorer.update(momentum=0.9)
    explorer.static()


def test_caller_arrays_are_copied():
    x0 = np.array([1.2, 1.0])
    grid = np.array([0.05, 0.1])
    ex = explore(Quadratic([1.0, 10.0]), SGD, x0, 10, sliders={"learning_rate": grid})
    x0[0], grid[0] = 99.0, 99.0
    assert ex.x0.tolist() == [1.2, 1.0] and ex.sliders["learning_rate"] == [0.05, 0.1]


# -- sweep: any figure, one or two static sliders -------------------------------------------

POWERS, SHIFTS = [1, 2, 3], [0.0, 0.25, 0.5, 0.75]


def draw_power(fig, calls=None, animated=False):
    """A figure of y = x**power + shift; ``calls`` records each redraw's values."""
    ax = fig.subplots()
    x = np.linspace(0, 1, 40)
    (line,) = ax.plot(x, x, lw=3, animated=animated)
    ax.set(xlim=(0, 1), ylim=(0, 2))

    def redraw(power, shift):
        if calls is not None:
            calls.append((power, shift))
        line.set_ydata(x**power + shift)

    return redraw


@pytest.fixture
def power_sweep():
    return sweep(draw_power, {"power": POWERS, "shift": SHIFTS}, figsize=(3, 2), dpi=40)


def test_sweep_starts_in_the_middle_and_draws_once():
    calls = []
    s = sweep(lambda fig: draw_power(fig, calls), {"power": POWERS, "shift": SHIFTS})
    assert isinstance(s, Sweep) and s.values == {"power": 2, "shift": 0.5}
    assert calls == [(2, 0.5)]  # checked once at the start values, in the constructor
    assert s.static_names == ["power"]


def test_sweep_update_redraws_the_figure_in_place(power_sweep):
    figure, line = power_sweep.figure, power_sweep.figure.axes[0].lines[0]
    before = power_sweep.png()
    assert power_sweep.update(shift=0.0) >= 0
    assert power_sweep.figure is figure and power_sweep.values == {"power": 2, "shift": 0.0}
    np.testing.assert_allclose(line.get_ydata(), np.linspace(0, 1, 40) ** 2)
    assert power_sweep.png() != before


def test_sweep_one_static_slider(power_sweep):
    page = power_sweep.static()
    frames = frames_of(page)
    assert len(frames) == len(POWERS) and all(f.startswith(b"\x89PNG") for f in frames)
    assert page.count('type="range"') == 1 and page.count("<output>") == 1
    assert 'data-parameter="power"' in page and 'aria-label="power"' in page
    assert 'value="1"' in page  # the middle of three
    assert all(f'"power = {p}"' in page for p in POWERS) and "make lab" in page
    assert "http://" not in page and "https://" not in page
    assert power_sweep.values == {"power": 2, "shift": 0.5}  # the live state is left alone


def test_sweep_two_static_sliders_hold_one_frame_per_pair():
    s = sweep(
        draw_power,
        {"power": POWERS, "shift": SHIFTS},
        start={"power": 3, "shift": 0.25},
        static=["shift", "power"],
        figsize=(3, 2),
        dpi=40,
    )
    page = s.static()
    frames = frames_of(page)
    assert len(frames) == len(POWERS) * len(SHIFTS)  # every pair its own frame
    assert page.count('type="range"') == 2 and page.count("<output>") == 2
    assert 'aria-label="shift"' in page and 'aria-label="power"' in page
    assert 'data-parameter="shift,power"' in page
    assert 'max="3" step="1" value="1"' in page and 'max="2" step="1" value="2"' in page
    assert "<output>shift = 0.25</output>" in page and "<output>power = 3</output>" in page
    # The frame shown first is the start pair's, and the frames are stored shift-major.
    s.update()
    shown = frames_of(page.split("<script>")[0])[0]
    assert shown == s.png()
    stored = frames_of(page.split("<script>")[1])
    assert stored.index(shown) == SHIFTS.index(0.25) * len(POWERS) + POWERS.index(3)
    assert s.values == {"power": 3, "shift": 0.25}


def test_sweep_blits_animated_artists():
    calls = []
    s = sweep(
        lambda fig: draw_power(fig, calls, animated=True),
        {"power": POWERS, "shift": SHIFTS},
        figsize=(3, 2),
        dpi=40,
    )
    assert s._background is not None
    before = s.png()
    s.update(power=1)
    assert calls[-1] == (1, 0.5) and s.png() != before
    s.update(power=2)
    assert s.png() == before  # the background is restored, not drawn over


def test_sweep_live_slider_calls_redraw_and_changes_the_image():
    pytest.importorskip("ipywidgets")
    calls = []
    s = sweep(lambda fig: draw_power(fig, calls), {"power": POWERS, "shift": SHIFTS}, dpi=40)
    box = s.live()
    sliders = box.children[:-1]
    assert [w.description for w in sliders] == ["power", "shift"]
    before = shown(box)
    sliders[1].value = 0.0
    assert calls[-1] == (2, 0.0) and s.values["shift"] == 0.0
    after = shown(box)
    assert after != before and after.startswith(b"\x89PNG")


def test_sweep_bundle_has_both_faces(power_sweep, monkeypatch):
    pytest.importorskip("ipywidgets")
    bundle = power_sweep._repr_mimebundle_()
    assert {"text/plain", "text/html", WIDGET_VIEW} <= set(bundle)
    assert bundle["text/plain"] == "<Sweep: power, shift>"
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    assert WIDGET_VIEW not in power_sweep._repr_mimebundle_()


def test_sweep_html_takes_frames_in_panels():
    panels = [[b"\x89PNG-a1", b"\x89PNG-a2"], [b"\x89PNG-b1", b"\x89PNG-b2"]]
    page = sweep_html("x", [1, 2], panels, 1)
    assert page.count("<img") == 2 and frames_of(page.split("<script>")[0]) == panels[1]
    with pytest.raises(ValueError, match="the same number of panels"):
        sweep_html("x", [1, 2], [panels[0], b"\x89PNG-b"], 0)


def test_sweep_html_two_sliders():
    pngs = [bytes([137, 80, 78, 71, i]) for i in range(6)]
    page = sweep_html(["a", "b"], [[1, 2], [0.1, 0.2, 0.3]], pngs, index=(1, 2))
    assert page.count('type="range"') == 2 and '"a = 2"' in page and '"b = 0.3"' in page
    assert page.split('<img src="')[1].startswith("data:image/png;base64,iVBORwU")  # pngs[5]
    with pytest.raises(ValueError, match="pngs must hold one frame per setting, 6; got 5"):
        sweep_html(["a", "b"], [[1, 2], [0.1, 0.2, 0.3]], pngs[:5], index=(0, 0))
    with pytest.raises(ValueError, match="one or two names"):
        sweep_html(["a", "b", "c"], [[1, 2]] * 3, pngs[:8], index=(0, 0, 0))


def _broken_redraw(fig):
    fig.subplots()

    def redraw(power):  # no shift: the start values fail here
        pass

    return redraw


@pytest.mark.parametrize(
    ("draw", "kwargs", "error", "match"),
    [
        ("not callable", {}, TypeError, "draw must be a callable"),
        (lambda fig: None, {}, TypeError, r"draw\(fig\)'s return value must be a callable"),
        (_broken_redraw, {}, TypeError, r"redraw\(\*\*\{'power': 2, 'shift': 0.5\}\)"),
        (draw_power, {"sliders": [1, 2]}, TypeError, "sliders must be a dict"),
        (draw_power, {"sliders": {}}, ValueError, "sliders must name at least one"),
        (draw_power, {"sliders": {"my power": [1, 2]}}, TypeError, "'my power'"),
        (draw_power, {"sliders": {"power": [1]}}, ValueError, r"sliders\['power'\]"),
        (draw_power, {"sliders": {"power": [1, 1]}}, ValueError, "repeated values"),
        (draw_power, {"sliders": {"power": [1, np.nan]}}, ValueError, r"\['power'\]\[1\]"),
        (draw_power, {"start": {"power": 5}}, ValueError, r"start\['power'\] = 5 is not one"),
        (draw_power, {"start": {"speed": 1}}, ValueError, r"start names \['speed'\]"),
        (draw_power, {"static": "speed"}, ValueError, "static='speed' is not one of the"),
        (draw_power, {"static": ["power", "power"]}, ValueError, "static names a slider twice"),
        (draw_power, {"static": 3}, TypeError, "static must be a slider name"),
        (draw_power, {"figsize": (3, -2)}, ValueError, r"figsize\[1\] must be a finite"),
        (draw_power, {"figsize": 3}, TypeError, "figsize must be"),
        (draw_power, {"figsize": (1, 2, 3)}, ValueError, "figsize must be"),
        (draw_power, {"dpi": 0}, ValueError, "dpi must be a positive integer"),
        (draw_power, {"alt": 3}, TypeError, "alt must be a string or None; got 3"),
    ],
)
def test_sweep_bad_input(draw, kwargs, error, match):
    kwargs = {"sliders": {"power": POWERS, "shift": SHIFTS}, **kwargs}
    with pytest.raises(error, match=match):
        sweep(draw, **kwargs)


def test_sweep_refuses_three_static_sliders():
    def draw(fig):
        fig.subplots()
        return lambda a, b, c: None

    with pytest.raises(ValueError, match="static names at most 2 sliders"):
        sweep(draw, {"a": [1, 2], "b": [1, 2], "c": [1, 2]}, static=["a", "b", "c"])


def test_sweep_slider_move_does_not_check_again(power_sweep, monkeypatch):
    import optlib.widgets

    class Tripwire:
        def __getattr__(self, name):
            raise AssertionError(f"update() called _checks.{name}")

    monkeypatch.setattr(optlib.widgets, "_checks", Tripwire())
    power_sweep.update(power=3)
    power_sweep.static()


def test_static_alt_text_says_what_the_figure_shows_and_follows_the_setting():
    def draw(fig):
        (line,) = fig.subplots().plot([0, 1], [0, 1])

        def redraw(power):
            line.set_ydata([0, power])

        return redraw

    described = sweep(draw, {"power": [1, 2]}, start={"power": 1}, alt="A line, rising", dpi=20)
    page = described.static()
    assert 'alt="A line, rising (power = 1)"' in page
    assert '"A line, rising"' in page  # handed to the script that updates it per frame
    bare = sweep(draw, {"power": [1, 2]}, start={"power": 1}, dpi=20).static()
    assert 'alt="power = 1"' in bare


def test_explore_describes_its_figure_by_default():
    ex = explore(Quadratic([1.0, 10.0]), SGD, [1.0, 1.0], 5, sliders={"learning_rate": [0.1, 0.2]})
    assert ex.alt.startswith("The path of SGD on ")
    assert f'aria-label="{ex.alt} (learning_rate = ' in ex.static()
    grid = {"learning_rate": [0.1, 0.2]}
    told = explore(Quadratic([1.0, 10.0]), SGD, [1.0, 1.0], 5, sliders=grid, alt="SGD zigzags")
    assert told.alt == "SGD zigzags"


def test_sweep_html_refuses_a_description_that_is_not_text():
    with pytest.raises(TypeError, match="description must be a string or None; got 3"):
        sweep_html("x", [1, 2], [b"a", b"b"], 0, description=3)


def test_a_description_cannot_end_the_script():
    html_text = sweep_html("x", [1, 2], [b"a", b"b"], 0, description="</script><b>")
    script = html_text.split("<script>", 1)[1]
    assert "</script><b>" not in script.rsplit("</script>", 1)[0]
