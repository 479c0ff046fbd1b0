"""The live face's frames, held in the page and drawn there: a move to one of them never waits
for the kernel, nor for an image to load and decode.

A live figure of :mod:`optlib.widgets` shows its frames on one canvas, a small anywidget. The
kernel sends each frame it draws ahead (the settings one slider step away) as a PNG in a
custom message; the page decodes it at once, off its main thread, into an ``ImageBitmap``
kept under the setting's slider indices. Each slider's ``index`` is tied to one of the
canvas's traits (``i0``, ``i1``, ...) by a ``jsdlink``, which the page runs itself, and a
change of any of them draws the bitmap of the new setting: one ``drawImage``, no message.

A move to a setting the page holds no frame for leaves the last frame on the canvas, marked
with the CSS class ``optlib-pending``, until the kernel's frame arrives. The canvas's
``data-frame`` attribute names the setting drawn ("2,0,1": its slider indices).

Why a canvas: with an ipywidgets ``Stack`` of ``Image`` widgets (until 2026-11-30), each
switch made a new image element, which loaded its PNG through a blob URL and decoded it. In
JupyterLab on 2 cores, from key press to new image, that took median 26 ms and worst 104 ms
against the canvas's 20 and 62 ms in the same page, though the canvas was timed up to one
animation frame later, to the frame after its paint (benchmarks/probe_lab_floor.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import anywidget
import ipywidgets
import traitlets

PENDING_CLASS = "optlib-pending"
MAX_SLIDERS = 8  # one synced index trait per slider: i0 ... i7

_ESM = """
const decode = (bytes) => createImageBitmap(new Blob([bytes], {type: "image/png"}));

export default {
  render({ model, el }) {
    const canvas = document.createElement("canvas");
    canvas.className = "optlib-frame";
    if (model.get("alt")) {  // a screen reader's name for the figure
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", model.get("alt"));
    }
    canvas.style.maxWidth = "100%";
    canvas.style.height = "auto";
    el.appendChild(canvas);
    const context = canvas.getContext("2d");
    const frames = new Map();  // "i,j,k" -> ImageBitmap
    const coming = new Map();  // "i,j,k" -> the put being decoded (a later drop cancels it)
    let painted = false;
    const setting = () => Array.from(
      {length: model.get("levels")}, (_, k) => model.get("i" + k)).join(",");

    const paint = (bitmap, name) => {
      if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
      }
      context.drawImage(bitmap, 0, 0);
      canvas.dataset.frame = name;
      painted = true;
    };
    const show = () => {
      const name = setting(), bitmap = frames.get(name);
      canvas.classList.toggle("PENDING", !bitmap);  // the last frame stays meanwhile
      if (bitmap) paint(bitmap, name);
    };
    const drop = (name) => {
      coming.delete(name);
      frames.get(name)?.close();
      frames.delete(name);
    };

    const receive = async (message, buffers) => {
      if (message.drop !== undefined) return drop(message.drop);
      const name = message.put, token = {};
      coming.set(name, token);
      const bitmap = await decode(buffers[0]);
      if (coming.get(name) !== token) return bitmap.close();  // dropped or put again since
      coming.delete(name);
      frames.get(name)?.close();
      frames.set(name, bitmap);
      if (name === setting()) show();
    };
    const indices = Array.from({length: model.get("levels")}, (_, k) => "change:i" + k);
    model.on("msg:custom", receive);
    indices.forEach((event) => model.on(event, show));
    // The first frame, until the page holds the sliders' own.
    decode(model.get("value")).then((bitmap) => {
      if (painted) return bitmap.close();
      paint(bitmap, "");
      show();
    });
    model.send({ready: true});  // a view rendered late asks for the frames sent before it
    return () => {  // the view is removed: its listeners and bitmaps go with it
      model.off("msg:custom", receive);
      indices.forEach((event) => model.off(event, show));
      frames.forEach((bitmap) => bitmap.close());
      frames.clear();
    };
  },
};
""".replace("PENDING", PENDING_CLASS)


class FrameCanvas(anywidget.AnyWidget):
    """The canvas of one live figure, the frames the page holds for it, and the links that
    choose one.

    ``sliders`` are the figure's slider widgets, each with an ``index`` and ``options`` (a
    SelectionSlider). ``first`` is the PNG of the setting shown at the start, at the sliders'
    indices. At most ``kept`` frames stay in the page, the most recently shown or drawn; the
    page lets go of each that leaves. ``alt`` is the canvas's accessible name.
    """

    _esm = _ESM
    levels = traitlets.Int().tag(sync=True)
    # The first frame: a view shows it until the frames it asks for (ready) arrive, the
    # current one among them.
    value = traitlets.Bytes().tag(sync=True)
    alt = traitlets.Unicode().tag(sync=True)
    # The sliders' indices (MAX_SLIDERS of them), set by the page's links; the kernel sends no
    # echo of them.
    i0 = traitlets.Int(0).tag(sync=True, echo_update=False)
    i1 = traitlets.Int(0).tag(sync=True, echo_update=False)
    i2 = traitlets.Int(0).tag(sync=True, echo_update=False)
    i3 = traitlets.Int(0).tag(sync=True, echo_update=False)
    i4 = traitlets.Int(0).tag(sync=True, echo_update=False)
    i5 = traitlets.Int(0).tag(sync=True, echo_update=False)
    i6 = traitlets.Int(0).tag(sync=True, echo_update=False)
    i7 = traitlets.Int(0).tag(sync=True, echo_update=False)
    _links: Sequence = ()  # until __init__ links the sliders (a refused canvas has none)

    def __init__(self, sliders: Sequence, kept: int, first: bytes, alt: str = ""):
        if not 0 < len(sliders) <= MAX_SLIDERS:
            raise ValueError(f"a live figure takes 1 to {MAX_SLIDERS} sliders; got {len(sliders)}")
        self._sliders, self._kept = list(sliders), kept
        self._frames: dict = {}  # slider indices -> PNG, the most recent last
        super().__init__(
            levels=len(sliders),
            value=first,
            alt=alt,
            **{f"i{k}": s.index for k, s in enumerate(sliders)},
        )
        self._links = [
            ipywidgets.jsdlink((s, "index"), (self, f"i{k}")) for k, s in enumerate(self._sliders)
        ]
        self.on_msg(self._on_view_message)
        self.put(self.where(), first)

    def where(self) -> tuple[int, ...]:
        """The sliders' indices as the kernel last heard them: the frame the page shows."""
        return tuple(slider.index for slider in self._sliders)

    def frame(self, where: tuple[int, ...]) -> bytes | None:
        """The PNG the page holds at ``where`` (slider indices), or None."""
        return self._frames.get(tuple(where))

    def put(self, where: tuple[int, ...], png: bytes | None) -> None:
        """Hold ``png`` as the frame at ``where`` (slider indices), unless one is there already
        (frames are the same for the same setting; ``png`` may then be None); either way it
        becomes the most recent."""
        where = tuple(where)
        held = self._frames.pop(where, None)
        if held is None:
            held = bytes(png)
            self.send({"put": _name(where)}, buffers=[held])
        self._frames[where] = held
        while len(self._frames) > self._kept:
            oldest = next(iter(self._frames))
            self.send({"drop": _name(oldest)})
            del self._frames[oldest]

    def keep(self, wheres) -> None:
        """Make the frames at ``wheres`` (slider indices), those the page holds, the most
        recent, in that order: the next frames to leave are others."""
        for where in map(tuple, wheres):
            held = self._frames.pop(where, None)
            if held is not None:
                self._frames[where] = held

    def _on_view_message(self, _widget, content, _buffers) -> None:
        if content.get("ready"):  # a new view: it holds none of the frames sent before it
            for where, held in self._frames.items():
                self.send({"put": _name(where)}, buffers=[held])

    def close(self) -> None:
        for link in self._links:
            link.close()
        super().close()


def _name(where: tuple[int, ...]) -> str:
    """A setting's name in the page: its slider indices, "2,0,1"."""
    return ",".join(map(str, where))
