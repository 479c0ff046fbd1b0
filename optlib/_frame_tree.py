"""The live face's frames, held in the page: a move to one of them never waits for the kernel.

A live figure of :mod:`optlib.widgets` shows its frames through nested ipywidgets ``Stack``
containers, one level per slider. The Stack at level k has one child per position of slider k
and shows the child at that slider's index, to which a ``jsdlink`` ties it: a link that the
page runs itself. The children of the last level are the frames. So a key press or a drag
shows the frame of the new setting in the browser alone, when the kernel has sent it already,
which it does for the settings one slider step away from the one shown (the draw-ahead).

Every other child is one placeholder image, shared and marked with the CSS class
``optlib-pending``. It shows the frame the kernel sent for the last setting it saw, until the
kernel's frame of the new setting replaces it, so that a move the kernel did not foresee shows
the last frame for a moment, never a blank.

Why: a move through the kernel (the slider's value to the kernel, the new image back) took 30
to 45 ms at the median in JupyterLab on a 2-core machine, with some moves over 100 ms: the round
trip through the server and the kernel. Switching a frame in the page took about 20 ms, and
none over 70 ms (benchmarks/probe_lab_floor.py).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

PENDING_CLASS = "optlib-pending"


@functools.cache
def _stack_class(w):
    """ipywidgets' Stack, but the kernel does not echo its ``selected_index`` back to the page:
    the page's link sets it, and on every move of a slider each of its Stacks would send one
    more message back."""
    from traitlets import CInt

    class Stack(w.Stack):
        selected_index = CInt(allow_none=True, default_value=None).tag(sync=True, echo_update=False)

    return Stack


def _set_child(stack, i: int, child) -> None:
    children = list(stack.children)
    children[i] = child
    stack.children = children


class FrameTree:
    """The Stacks of one live figure, its frames in them, and the links that show them.

    ``w`` is the ipywidgets module; ``sliders`` the figure's slider widgets, each with an
    ``index`` and ``options`` (a SelectionSlider), in the order of the levels. ``first`` is
    the PNG of the setting shown at the start, at the sliders' indices. At most ``kept``
    frames stay in the page, the most recently shown or drawn; each that leaves has its widget
    closed, and so does a Stack left without a frame, with its link, since every link of a
    slider acts on each of its moves.
    """

    def __init__(self, w, sliders: Sequence, kept: int, first: bytes):
        self._w, self._sliders, self._kept = w, list(sliders), kept
        self._stack_class = _stack_class(w)
        self.pending = w.Image(value=first, format="png")
        self.pending.add_class(PENDING_CLASS)
        self._links: dict = {}  # a Stack's model id -> the link that shows its child
        self._frames: dict = {}  # slider indices -> image widget, the most recent last
        self.root = self._stack(0)
        self.put(self.where(), first)

    def where(self) -> tuple[int, ...]:
        """The sliders' indices as the kernel last heard them: the frame the page shows."""
        return tuple(slider.index for slider in self._sliders)

    def _stack(self, level: int):
        slider = self._sliders[level]
        stack = self._stack_class(
            children=[self.pending] * len(slider.options), selected_index=slider.index
        )
        self._links[stack.model_id] = self._w.jsdlink((slider, "index"), (stack, "selected_index"))
        return stack

    def _path(self, where: tuple[int, ...]) -> list:
        """The Stacks from the root down to the one that holds ``where``'s frame (a shorter
        list where a level has no Stack yet)."""
        stacks = [self.root]
        for i in where[:-1]:
            child = stacks[-1].children[i]
            if child is self.pending:
                break
            stacks.append(child)
        return stacks

    def frame(self, where: tuple[int, ...]):
        """The image widget at ``where`` (slider indices), or None when the page has none."""
        return self._frames.get(tuple(where))

    def put(self, where: tuple[int, ...], png: bytes) -> None:
        """Hold ``png`` as the frame at ``where`` (slider indices), unless one is there already
        (frames are the same for the same setting); either way it becomes the most recent."""
        where = tuple(where)
        frame = self._frames.pop(where, None)
        if frame is None:
            stacks = self._path(where)
            for level in range(len(stacks), len(where)):  # the missing levels, top down
                stack = self._stack(level)
                _set_child(stacks[-1], where[level - 1], stack)
                stacks.append(stack)
            frame = self._w.Image(value=png, format="png")
            _set_child(stacks[-1], where[-1], frame)
        self._frames[where] = frame
        while len(self._frames) > self._kept:
            self._drop(next(iter(self._frames)))

    def keep(self, wheres) -> None:
        """Make the frames at ``wheres`` (slider indices), those the page holds, the most
        recent, in that order: the next frames to leave are others."""
        for where in map(tuple, wheres):
            frame = self._frames.pop(where, None)
            if frame is not None:
                self._frames[where] = frame

    def show_pending(self, where: tuple[int, ...]) -> None:
        """Let the placeholder show the frame at ``where`` (the setting just shown)."""
        frame = self.frame(where)
        if frame is not None and frame.value != self.pending.value:
            self.pending.value = frame.value

    def _drop(self, where: tuple[int, ...]) -> None:
        frame = self._frames.pop(where)
        stacks = self._path(where)
        _set_child(stacks[-1], where[-1], self.pending)
        frame.close()
        for level in range(len(stacks) - 1, 0, -1):  # Stacks left empty, bottom up
            stack = stacks[level]
            if any(child is not self.pending for child in stack.children):
                break
            _set_child(stacks[level - 1], where[level - 1], self.pending)
            self._links.pop(stack.model_id).close()
            stack.close()

    def stacks(self) -> int:
        """How many Stacks (and so links) the page holds."""
        return len(self._links)
