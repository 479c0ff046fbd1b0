"""optlib._frame_tree: the live face's frames in nested Stacks, each shown by a link in the page."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

w = pytest.importorskip("ipywidgets")

from optlib._frame_tree import PENDING_CLASS, FrameTree  # noqa: E402

SIZES = (4, 3, 5)  # positions of three sliders


def sliders(sizes=SIZES, at=(0, 0, 0)):
    return [
        w.SelectionSlider(options=[(str(k), k) for k in range(n)], index=i)
        for n, i in zip(sizes, at, strict=True)
    ]


def png(*where) -> bytes:
    return b"\x89PNG" + bytes(where)


def walk(tree, where):
    """The child at ``where`` (slider indices), down the Stacks as the page's links go."""
    node = tree.root
    for i in where:
        if not isinstance(node, w.Stack):
            return node
        node = node.children[i]
    return node


def all_stacks(tree):
    """Every Stack in the tree with its level, top down."""
    found, todo = [], [(tree.root, 0)]
    while todo:
        stack, level = todo.pop()
        found.append((stack, level))
        todo += [(c, level + 1) for c in stack.children if isinstance(c, w.Stack)]
    return found


def test_the_first_frame_is_at_the_sliders_indices_and_the_rest_wait():
    controls = sliders(at=(2, 0, 4))
    tree = FrameTree(w, controls, kept=8, first=png(2, 0, 4))
    assert bytes(walk(tree, (2, 0, 4)).value) == png(2, 0, 4)
    assert tree.frame(tree.where()) is walk(tree, (2, 0, 4))
    assert walk(tree, (1, 0, 4)) is tree.pending and walk(tree, (2, 1, 4)) is tree.pending
    assert walk(tree, (2, 0, 3)) is tree.pending
    assert PENDING_CLASS in tree.pending._dom_classes and bytes(tree.pending.value) == png(2, 0, 4)
    assert tree.stacks() == 3  # one per level, down to the frame: every other child waits


def test_each_stack_is_shown_by_a_link_from_its_slider_in_the_page():
    controls = sliders(at=(1, 2, 3))
    tree = FrameTree(w, controls, kept=8, first=png(1, 2, 3))
    tree.put((1, 0, 3), png(1, 0, 3))
    tree.put((0, 2, 3), png(0, 2, 3))
    stacks = all_stacks(tree)
    assert len(stacks) == tree.stacks() == 1 + 2 + 3
    for stack, level in stacks:
        link = tree._links[stack.model_id]
        assert link._model_name == "DirectionalLinkModel"  # run by the page, not the kernel
        assert link.source == (controls[level], "index")
        assert link.target == (stack, "selected_index")
        assert stack.selected_index == controls[level].index
        # the page sets it; the kernel sends no echo back on each move
        assert stack.trait_metadata("selected_index", "echo_update") is False
        assert stack._model_name == "StackModel" and stack._view_name == "StackView"
        assert len(stack.children) == len(controls[level].options)


def test_a_frame_put_twice_is_one_widget():
    tree = FrameTree(w, sliders(), kept=8, first=png(0, 0, 0))
    tree.put((3, 2, 1), png(3, 2, 1))
    frame = walk(tree, (3, 2, 1))
    tree.put((3, 2, 1), None)  # the kernel's move to a frame the page holds: bytes not needed
    assert walk(tree, (3, 2, 1)) is frame and tree.frame((3, 2, 1)) is frame


def test_frames_past_the_kept_number_leave_with_their_widgets_stacks_and_links():
    tree = FrameTree(w, sliders(), kept=2, first=png(0, 0, 0))
    first = tree.frame((0, 0, 0))
    tree.put((0, 0, 1), png(0, 0, 1))  # beside it
    tree.put((0, 0, 0), None)  # shown again: the most recent now
    tree.put((3, 2, 4), png(3, 2, 4))  # far away: (0, 0, 1) is the oldest and leaves
    assert tree.frame((0, 0, 1)) is None and walk(tree, (0, 0, 1)) is tree.pending
    assert tree.frame((0, 0, 0)) is first and first.comm is not None
    assert tree.stacks() == 1 + 2 + 2
    leaving = [s for s, level in all_stacks(tree) if level > 0 and s.children[0] is first]
    tree.put((3, 2, 3), png(3, 2, 3))  # (0, 0, 0) leaves, and the Stacks that held it only
    assert first.comm is None  # closed: the page lets its model go
    assert walk(tree, (0, 0, 0)) is tree.pending and tree.root.children[0] is tree.pending
    assert tree.stacks() == 3 and all(s.comm is None for s in leaving)
    assert len(tree._links) == 3 and all(link.comm is not None for link in tree._links.values())


def test_the_placeholder_takes_the_frame_just_shown():
    tree = FrameTree(w, sliders(), kept=8, first=png(0, 0, 0))
    tree.put((0, 1, 0), png(0, 1, 0))
    tree.show_pending((0, 1, 0))
    assert bytes(tree.pending.value) == png(0, 1, 0)
    tree.show_pending((2, 2, 2))  # no frame there: the placeholder keeps the last
    assert bytes(tree.pending.value) == png(0, 1, 0)


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.booleans(), st.tuples(*(st.integers(0, n - 1) for n in SIZES))),
        min_size=1,
        max_size=40,
    ),
    kept=st.integers(1, 6),
)
def test_the_tree_holds_exactly_the_most_recent_frames(steps, kept):
    """Over any sequence of puts and keeps (put when the flag is set): a put or a keep of a
    frame the page holds makes it the most recent, and the oldest leave past ``kept``."""
    tree = FrameTree(w, sliders(), kept=kept, first=png(0, 0, 0))
    recent = [(0, 0, 0)]  # oldest first
    for put, where in steps:
        if put:
            tree.put(where, png(*where))
        else:
            tree.keep([where])
        if put or where in recent:
            recent = [*(r for r in recent if r != where), where][-kept:]
    assert list(tree._frames) == recent
    for where in recent:  # each reachable where the links lead, with its own bytes
        assert bytes(walk(tree, where).value) == png(*where)
    leaves = [
        (stack, child)
        for stack, level in all_stacks(tree)
        if level == len(SIZES) - 1
        for child in stack.children
        if child is not tree.pending
    ]
    assert len(leaves) == len(recent)  # nothing else is left in the page
    prefixes = {where[:k] for where in recent for k in range(len(SIZES))}
    assert tree.stacks() == len(all_stacks(tree)) == len(prefixes)  # no Stack without a frame
