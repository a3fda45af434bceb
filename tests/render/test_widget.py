"""The step-through widget without a kernel: set a trait, read the others.

Everything runs on the chapter's first example, y = 2 * dot(x, x), with the
real frame builder, so these tests also catch a widget that shows the wrong frame.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import ipywidgets as widgets
import pytest

import autograd_viz as av
from autograd_viz.engine.graph import whole_graph
from autograd_viz.render.html import PLAYER_LABELS, inline_svg
from autograd_viz.render.widget import StepThrough


class _Text(HTMLParser):
    """Visible text of an HTML fragment (what a reader of the panel sees)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag in ("br", "div", "p", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(fragment):
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


def squash(text):
    return " ".join(text.split())


def chapter_example(name="x"):
    x = av.arange(4.0, requires_grad=True, name=name)
    y = 2 * av.dot(x, x)
    y.backward()
    return x, y


@pytest.fixture
def steps():
    _, y = chapter_example()
    return av.step_through(y)


def shows(steps, i):
    """The widget's diagram and panel hold frame i, and the controls agree."""
    frame = steps.frames[i]
    assert steps.index == i
    assert inline_svg(frame.svg) in steps.diagram.value
    assert squash(frame.text) in squash(visible_text(steps.panel.value))
    assert squash(frame.title) in squash(visible_text(steps.panel.value))
    assert steps.slider.value == i
    assert steps.counter.value == f"{i + 1} / {len(steps.frames)}"
    return True


def test_is_a_widget_made_of_the_promised_controls(steps):
    assert isinstance(steps, widgets.DOMWidget)
    parts = [
        steps.diagram,
        steps.panel,
        steps.slider,
        steps.play,
        steps.prev_button,
        steps.next_button,
        steps.speed,
        steps.counter,
    ]
    kinds = [
        widgets.HTML,
        widgets.HTML,
        widgets.IntSlider,
        widgets.Play,
        widgets.Button,
        widgets.Button,
        widgets.Dropdown,
        widgets.Label,
    ]
    for part, kind in zip(parts, kinds):
        assert isinstance(part, kind), part

    def descendants(w):
        for child in getattr(w, "children", ()):
            yield child
            yield from descendants(child)

    shown = list(descendants(steps))
    for part in parts:
        assert any(part is s for s in shown), f"{part!r} is built but not displayed"
    # the diagram comes before the panel on screen
    top = list(steps.children)
    assert top.index(steps.diagram) < top.index(steps.panel)


def test_frame_count_is_forward_ops_plus_backward_steps():
    _, y = chapter_example()
    ops = [n for n in whole_graph([y]) if n.op is not None]
    backward_steps = y.trace.steps(y)
    steps = av.step_through(y)
    kinds = [f.kind for f in steps.frames]
    assert kinds.count("forward") == len(ops) == 2  # dot, then 2 ×
    assert kinds.count("backward") == len(backward_steps) == 2
    assert len(steps.frames) == len(ops) + len(backward_steps)
    # forward frames play first, then the backward pass
    assert kinds == sorted(kinds, key=lambda k: k != "forward")
    assert steps.slider.max == steps.play.max == len(steps.frames) - 1
    assert steps.slider.min == steps.play.min == 0


def test_starts_on_the_first_frame(steps):
    assert shows(steps, 0)
    assert steps.prev_button.disabled and not steps.next_button.disabled


def test_moving_the_slider_swaps_diagram_and_panel(steps):
    first_svg, first_panel = steps.diagram.value, steps.panel.value
    for i in [2, 1, len(steps.frames) - 1, 0]:
        steps.slider.value = i
        assert shows(steps, i)
    steps.slider.value = 1
    assert steps.diagram.value != first_svg and steps.panel.value != first_panel


def test_next_and_prev_walk_every_frame_and_stop_at_the_ends(steps):
    n = len(steps.frames)
    seen = [steps.diagram.value]
    for i in range(1, n):
        steps.next()
        assert shows(steps, i)
        seen.append(steps.diagram.value)
    assert steps.next_button.disabled and not steps.prev_button.disabled
    steps.next()  # past the end: stays
    assert shows(steps, n - 1)
    # every step changes the picture (a frame that repeats its neighbour teaches nothing)
    assert all(a != b for a, b in zip(seen, seen[1:]))
    for i in reversed(range(n - 1)):
        steps.prev()
        assert shows(steps, i)
    steps.prev()  # before the start: stays
    assert shows(steps, 0)
    assert steps.prev_button.disabled


def test_buttons_step_like_next_and_prev(steps):
    steps.next_button.click()
    steps.next_button.click()
    assert shows(steps, 2)
    steps.prev_button.click()
    assert shows(steps, 1)


def test_index_is_settable_and_checked(steps):
    n = len(steps.frames)
    steps.index = 2
    assert shows(steps, 2)
    steps.index = -1
    assert shows(steps, n - 1)
    with pytest.raises(IndexError, match=rf"0 … {n - 1}"):
        steps.index = n
    with pytest.raises(IndexError):
        steps.index = -n - 1
    assert shows(steps, n - 1)  # a bad index leaves the widget usable
    steps.index = 0
    assert shows(steps, 0)


def test_play_drives_the_slider_in_the_browser_and_speed_sets_its_interval(steps):
    link = steps._play_link
    assert type(link).__name__ == "Link" and link._model_name == "LinkModel"  # jslink, not link
    assert link.source == (steps.play, "value") and link.target == (steps.slider, "value")
    assert not steps.play.playing and not steps.play.repeat
    intervals = []
    for _name, ms in steps.speed.options:
        steps.speed.value = ms
        intervals.append(steps.play.interval)
    assert intervals == [ms for _name, ms in steps.speed.options]
    assert len(set(intervals)) == len(intervals) >= 2


def test_vietnamese_labels_and_frames():
    _, y = chapter_example()
    en, vi = av.step_through(y), av.step_through(y, lang="vi")
    words = PLAYER_LABELS["vi"]
    assert words["prev"] in vi.prev_button.description
    assert words["next"] in vi.next_button.description
    assert vi.speed.description == words["speed"]
    assert vi.slider.description == words["step"]
    assert [name for name, _ms in vi.speed.options] == [n for n, _ in words["speeds"]]
    # the panel's colour says which pass it is (blue forward, red backward)
    assert "avz-forward" in vi.panel.value
    vi.index = -1
    assert "avz-backward" in vi.panel.value

    def visible_words(w):
        return {
            w.prev_button.description,
            w.next_button.description,
            w.speed.description,
            w.slider.description,
            w.play.tooltip,
            *(name for name, _ms in w.speed.options),
        }

    assert not visible_words(en) & visible_words(vi), "an English label leaked into lang='vi'"
    # the frames are built in the asked language too
    assert [f.text for f in vi.frames] != [f.text for f in en.frames]
    assert shows(vi, len(vi.frames) - 1)


def test_unknown_language_is_refused_clearly():
    _, y = chapter_example()
    with pytest.raises(ValueError, match=r"lang must be one of 'en', 'vi', got 'fr'"):
        av.step_through(y, lang="fr")


def test_hostile_name_is_escaped_in_the_panel():
    name = '<img src=x onerror="alert(1)">'
    _, y = chapter_example(name)
    steps = av.step_through(y)
    readable = []
    for i in range(len(steps.frames)):
        steps.index = i
        assert "<img" not in steps.panel.value
        assert "<img" not in steps.diagram.value
        readable.append(visible_text(steps.panel.value))  # entities decoded, as a reader sees
    assert any(name in text for text in readable), "the name should still be shown, as text"


def test_repr_outside_jupyter_says_what_it_holds(steps):
    steps.index = 1
    text = repr(steps)
    n = len(steps.frames)
    assert text.startswith("<StepThrough:")
    assert f"{n} frames" in text and f"2/{n}" in text and steps.frames[1].title in text
    assert "\n" not in text
    bundle = steps._repr_mimebundle_()
    assert bundle["text/plain"] == text
    assert "application/vnd.jupyter.widget-view+json" in bundle
    # viewers without widgets (nbconvert, GitHub) get the current frame as static
    # HTML, its picture an <img> of the SVG (tests/render/test_saved_outputs.py)
    assert steps.frames[1].title in bundle["text/html"]


def test_empty_frame_list_is_refused():
    with pytest.raises(ValueError, match="no frames"):
        StepThrough([])


def test_frames_are_computed_once(monkeypatch):
    """Stepping only swaps precomputed strings: the builder is not called again."""
    import autograd_viz.render.frames as frames_module

    _, y = chapter_example()
    calls = []
    real = frames_module.build_frames

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(frames_module, "build_frames", counting)
    steps = av.step_through(y)
    for _ in range(len(steps.frames)):
        steps.next()
    steps.index = 0
    assert len(calls) == 1
    assert re.fullmatch(r"1 / \d+", steps.counter.value)


def test_a_tensor_with_no_history_gives_one_still_frame():
    x = av.tensor(3.0, name="x")
    steps = av.step_through(x)
    assert len(steps.frames) == 1 and shows(steps, 0)
    assert steps.prev_button.disabled and steps.next_button.disabled
    steps.next()
    steps.prev()
    assert shows(steps, 0)
    assert repr(steps).startswith("<StepThrough: 1 frame (")


def test_bad_target_is_refused_with_what_to_pass():
    with pytest.raises(TypeError, match="Tensor"):
        av.step_through(42)
