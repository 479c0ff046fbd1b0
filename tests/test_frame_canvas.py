"""optlib._frame_canvas: the live face's frames held in the page, drawn on one canvas that the
sliders' links in the page choose from.

The page's script keeps a map from setting names to decoded frames, fed by the canvas's
messages; ``Page`` below replays those messages as the script does, so that each test checks
what the page would hold against the kernel's record of it (``FrameCanvas.frame``).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

w = pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

from optlib._frame_canvas import MAX_SLIDERS, PENDING_CLASS, FrameCanvas  # noqa: E402

SIZES = (4, 3, 5)  # positions of three sliders


def sliders(sizes=SIZES, at=(0, 0, 0)):
    return [
        w.SelectionSlider(options=[(str(k), k) for k in range(n)], index=i)
        for n, i in zip(sizes, at, strict=True)
    ]


def png(*where) -> bytes:
    return b"\x89PNG" + bytes(where)


class Page:
    """What the page's script makes of the canvas's messages: setting name -> PNG."""

    def __init__(self):
        self.frames: dict[str, bytes] = {}
        self.messages: list[dict] = []

    def receive(self, content: dict, buffers=None) -> None:
        self.messages.append(content)
        if "put" in content:
            self.frames[content["put"]] = bytes(buffers[0])
        else:
            del self.frames[content["drop"]]  # a drop of a frame never sent fails here


@pytest.fixture
def page(monkeypatch):
    """The page of the canvas made next: its messages go there instead of to a comm."""
    seen = Page()
    monkeypatch.setattr(
        FrameCanvas, "send", lambda self, content, buffers=None: seen.receive(content, buffers)
    )
    return seen


def held(canvas) -> dict[str, bytes]:
    """The kernel's record of what the page holds, by setting name."""
    return {",".join(map(str, where)): canvas.frame(where) for where in canvas._frames}


def test_the_first_frame_is_sent_at_the_sliders_indices(page):
    controls = sliders(at=(2, 0, 4))
    canvas = FrameCanvas(controls, kept=8, first=png(2, 0, 4), alt="a path")
    assert page.frames == {"2,0,4": png(2, 0, 4)} == held(canvas)
    assert canvas.where() == (2, 0, 4) and canvas.frame((2, 0, 4)) == png(2, 0, 4)
    assert canvas.frame((1, 0, 4)) is None  # no frame: the page keeps the last one, pending
    assert canvas.value == png(2, 0, 4)  # what a view draws until its frames arrive
    assert (canvas.levels, canvas.i0, canvas.i1, canvas.i2) == (3, 2, 0, 4)
    assert canvas.alt == "a path"
    assert PENDING_CLASS in canvas._esm  # the class the page marks a wait with


def test_each_slider_chooses_through_a_link_in_the_page():
    controls = sliders(at=(1, 2, 3))
    canvas = FrameCanvas(controls, kept=8, first=png(1, 2, 3))
    assert len(canvas._links) == 3
    for k, (link, slider) in enumerate(zip(canvas._links, controls, strict=True)):
        assert link._model_name == "DirectionalLinkModel"  # run by the page, not the kernel
        assert link.source == (slider, "index") and link.target == (canvas, f"i{k}")
        # the page sets it; the kernel sends no echo back on each move
        assert canvas.trait_metadata(f"i{k}", "echo_update") is False
    assert f"i{MAX_SLIDERS - 1}" in canvas.trait_names(sync=True)
    canvas.close()
    assert all(link.comm is None for link in canvas._links)  # closed with the canvas


def test_a_frame_put_twice_is_sent_once(page):
    canvas = FrameCanvas(sliders(), kept=8, first=png(0, 0, 0))
    canvas.put((3, 2, 1), png(3, 2, 1))
    canvas.put((3, 2, 1), None)  # the kernel's move to a frame the page holds: no bytes
    assert [m for m in page.messages if m.get("put") == "3,2,1"] == [{"put": "3,2,1"}]
    assert page.frames == held(canvas)


def test_frames_past_the_kept_number_leave_the_page(page):
    canvas = FrameCanvas(sliders(), kept=2, first=png(0, 0, 0))
    canvas.put((1, 0, 0), png(1, 0, 0))
    canvas.put((0, 0, 0), None)  # shown again: the most recent
    canvas.put((2, 0, 0), png(2, 0, 0))  # (1, 0, 0) is now the oldest, and leaves
    assert page.messages[-1] == {"drop": "1,0,0"}
    assert page.frames == held(canvas) == {"0,0,0": png(0, 0, 0), "2,0,0": png(2, 0, 0)}


def test_keep_spares_the_frames_named(page):
    canvas = FrameCanvas(sliders(), kept=3, first=png(0, 0, 0))
    canvas.put((1, 0, 0), png(1, 0, 0))
    canvas.put((2, 0, 0), png(2, 0, 0))
    canvas.keep([(0, 0, 0), (3, 3, 3)])  # a setting the page does not hold is passed over
    canvas.put((3, 0, 0), png(3, 0, 0))  # the oldest now is (1, 0, 0)
    assert page.messages[-1] == {"drop": "1,0,0"}
    assert list(canvas._frames) == [(2, 0, 0), (0, 0, 0), (3, 0, 0)]


def test_a_view_rendered_late_gets_every_frame_held(page):
    canvas = FrameCanvas(sliders(), kept=8, first=png(0, 0, 0))
    canvas.put((1, 2, 3), png(1, 2, 3))
    canvas.put((0, 0, 0), None)  # the sliders moved back: the current setting
    late = Page()  # a second view, or the same after a reload: it holds nothing yet
    canvas.send = late.receive
    canvas._on_view_message(canvas, {"ready": True}, [])
    assert late.frames == held(canvas) == page.frames
    assert late.frames["0,0,0"] == png(0, 0, 0)  # it draws the sliders' setting at once


@pytest.mark.parametrize("count", [0, MAX_SLIDERS + 1])
def test_refuses_a_number_of_sliders_it_cannot_link(count):
    with pytest.raises(ValueError, match=f"1 to {MAX_SLIDERS} sliders; got {count}"):
        FrameCanvas(sliders((2,) * count, (0,) * count), kept=8, first=png())


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.booleans(), st.tuples(*(st.integers(0, n - 1) for n in SIZES))),
        min_size=1,
        max_size=40,
    ),
    kept=st.integers(1, 6),
)
def test_the_page_holds_exactly_the_most_recent_frames(steps, kept):
    """Over any sequence of puts and keeps (put when the flag is set): a put or a keep of a
    frame the page holds makes it the most recent, the oldest leave past ``kept``, and the
    page's frames, rebuilt from the messages, are the kernel's record."""
    seen = Page()
    original = FrameCanvas.send
    FrameCanvas.send = lambda self, content, buffers=None: seen.receive(content, buffers)
    try:
        canvas = FrameCanvas(sliders(), kept=kept, first=png(0, 0, 0))
        recent = [(0, 0, 0)]  # oldest first
        for put, where in steps:
            if put:
                canvas.put(where, png(*where))
            else:
                canvas.keep([where])
            if put or where in recent:
                recent = [*(r for r in recent if r != where), where][-kept:]
    finally:
        FrameCanvas.send = original
    assert list(canvas._frames) == recent
    assert seen.frames == held(canvas)
    assert all(frame == png(*map(int, name.split(","))) for name, frame in seen.frames.items())
