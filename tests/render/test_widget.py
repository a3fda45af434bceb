"""The step-through widget without a kernel: set a trait, read the others.

Everything runs on the chapter's first example, y = 2 * dot(x, x), with the
real frame builder.  The page plays ``steps.film`` (one layout plus what
changes per frame); these tests rebuild every frame from that data alone
and compare it with the frames, so a widget that would show the wrong
picture fails here, before any browser.  The browser tests click it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import ipywidgets as widgets
import pytest

import autograd_viz as av
from autograd_viz.engine.graph import whole_graph
from autograd_viz.i18n import t
from autograd_viz.render.frames.film import picture_at
from autograd_viz.render.widget import StepThrough

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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


def plays(steps, i):
    """What the page shows at frame i, from the synced state alone, is frame i."""
    frame, entry = steps.frames[i], steps.film["frames"][i]
    assert picture_at(steps.film, i) == frame.svg
    assert entry["title"] == frame.title and entry["kind"] == frame.kind
    assert entry["node"] == frame.node
    assert squash(frame.text) in squash(visible_text(entry["html"]))
    return True


def test_is_one_anywidget_whose_state_holds_every_frame(steps):
    import anywidget

    assert isinstance(steps, anywidget.AnyWidget) and isinstance(steps, widgets.DOMWidget)
    state = steps.get_state()
    for trait in ("film", "index", "labels", "lang", "key", "_esm", "_css"):
        assert trait in state, trait
    assert "export default { render }" in state["_esm"]
    # the state crosses to the page as JSON, once
    assert json.loads(json.dumps(state["film"])) == steps.film
    assert len(steps.film["frames"]) == len(steps.frames)
    for i in range(len(steps.frames)):
        assert plays(steps, i)


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


def test_every_frame_changes_the_picture(steps):
    pictures = [picture_at(steps.film, i) for i in range(len(steps.frames))]
    assert all(a != b for a, b in zip(pictures, pictures[1:]))
    # after the first, a frame is sent as the few slots it changes, not a new picture
    assert "reset" in steps.film["frames"][0]
    for entry in steps.film["frames"][1:]:
        assert "reset" not in entry and 0 < len(entry["set"]) < len(
            steps.film["frames"][0]["reset"]
        )


def test_next_and_prev_walk_every_frame_and_stop_at_the_ends(steps):
    n = len(steps.frames)
    assert steps.index == 0 and steps.frame is steps.frames[0]
    for i in range(1, n):
        steps.next()
        assert steps.index == i and steps.frame is steps.frames[i]
    steps.next()  # past the end: stays
    assert steps.index == n - 1
    for i in reversed(range(n - 1)):
        steps.prev()
        assert steps.index == i
    steps.prev()  # before the start: stays
    assert steps.index == 0


def test_index_is_settable_and_checked(steps):
    n = len(steps.frames)
    steps.index = 2
    assert steps.frame is steps.frames[2]
    steps.index = -1
    assert steps.index == n - 1
    with pytest.raises(IndexError, match=rf"0 … {n - 1}"):
        steps.index = n
    with pytest.raises(IndexError):
        steps.index = -n - 1
    assert steps.index == n - 1  # a bad index leaves the widget usable
    # the page sets index the same way (the trait is synced): Python follows it
    steps.set_state({"index": 1})
    assert steps.index == 1 and steps.frame is steps.frames[1]


def test_vietnamese_labels_and_frames():
    _, y = chapter_example()
    en, vi = av.step_through(y), av.step_through(y, lang="vi")
    assert vi.lang == "vi" and en.lang == "en"
    for key in ("play", "pause", "prev", "next", "step", "speed", "controls", "title"):
        assert vi.labels[key] == t(f"player_{key}", "vi")
        assert en.labels[key] == t(f"player_{key}", "en")
        assert vi.labels[key] != en.labels[key], key
    assert [name for name, _ms in vi.labels["speeds"]] == [
        t(k, "vi") for k in ("player_slow", "player_normal", "player_fast")
    ]
    # the accessible name of the graph and the slider's value text, with their blanks
    assert "{title}" in vi.labels["graph"] and "{i}" in vi.labels["step_of"]
    # the frames are built in the asked language too
    assert [f.text for f in vi.frames] != [f.text for f in en.frames]
    assert plays(vi, len(vi.frames) - 1)


def test_unknown_language_is_refused_clearly():
    _, y = chapter_example()
    with pytest.raises(ValueError, match=r"lang must be one of 'en', 'vi', got 'fr'"):
        av.step_through(y, lang="fr")


def test_hostile_name_is_escaped_in_what_the_page_gets():
    name = '<img src=x onerror="alert(1)">'
    _, y = chapter_example(name)
    steps = av.step_through(y)
    assert not any("<img" in part for part in steps.film["parts"])
    readable = []
    for entry in steps.film["frames"]:
        assert "<img" not in entry["html"]
        readable.append(visible_text(entry["html"]))  # entities decoded, as a reader sees
    assert any(name in text for text in readable), "the name should still be shown, as text"
    assert "<img src=x" not in steps.copy_html()


def test_repr_and_the_two_outputs_a_notebook_keeps(steps, monkeypatch):
    steps.index = 1
    text = repr(steps)
    n = len(steps.frames)
    assert text.startswith("<StepThrough:")
    assert f"{n} frames" in text and f"2/{n}" in text and steps.frames[1].title in text
    assert "\n" not in text
    data, _metadata = steps._repr_mimebundle_()
    assert data["text/plain"] == text and data[WIDGET_VIEW]["model_id"] == steps.model_id
    assert data["text/html"] == "", "viewers without widgets see the copy instead"

    # in a kernel: first the copy (the frame on screen, playable without widgets), then the widget
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: type("Shell", (), {"kernel": object()})())
    monkeypatch.setattr(
        "IPython.display.display", lambda data, raw=False, metadata=None: shown.append(data)
    )
    steps._ipython_display_()
    copy, widget = shown
    assert WIDGET_VIEW not in copy and WIDGET_VIEW in widget
    assert f'data-avz-copy="{steps.key}"' in copy["text/html"]
    assert steps.frames[1].title in copy["text/html"]


def test_terminal_display_is_the_repr(steps, monkeypatch, capsys):
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    steps._ipython_display_()
    assert capsys.readouterr().out.strip() == repr(steps)


def test_empty_frame_list_is_refused():
    with pytest.raises(ValueError, match="no frames"):
        StepThrough([])


def test_frames_are_computed_once(monkeypatch):
    """Stepping only moves an index: the builder is not called again."""
    import autograd_viz.render.frames as frames_module

    _, y = chapter_example()
    calls = []
    real = frames_module.build_frames

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(frames_module, "build_frames", counting)
    steps = av.step_through(y)
    film = steps.film
    for _ in range(len(steps.frames)):
        steps.next()
    steps.index = 0
    assert len(calls) == 1 and steps.film is film


def test_a_tensor_with_no_history_gives_one_still_frame():
    x = av.tensor(3.0, name="x")
    steps = av.step_through(x)
    assert len(steps.frames) == 1 and plays(steps, 0)
    steps.next()
    steps.prev()
    assert steps.index == 0
    assert repr(steps).startswith("<StepThrough: 1 frame (")


def test_bad_target_is_refused_with_what_to_pass():
    with pytest.raises(TypeError, match="Tensor"):
        av.step_through(42)


def test_the_copy_carries_the_same_data_and_script_as_the_widget(steps):
    page = steps.copy_html()
    blob = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    assert json.loads(blob.group(1)) == steps.film
    # one code path: the widget's module is the copy's script plus the widget glue
    from autograd_viz.render.html import player_js

    assert player_js() in page and player_js() in steps._esm


# ---------------------------------------------------------------- the collector
# step_through builds its frames with Python's garbage collector paused
# (render/collector.py): it must leave the collector as it found it, also
# when the build fails, and never pause while the user's function runs.


@pytest.mark.parametrize("was_on", [True, False])
def test_the_collector_is_left_as_it_was(was_on, monkeypatch):
    import gc

    from autograd_viz.render import frames as frames_mod

    seen = []
    build = frames_mod.build_frames

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return build(*args, **kwargs)

    monkeypatch.setattr(frames_mod, "build_frames", spy)
    _, y = chapter_example()
    before = gc.isenabled()
    try:
        gc.enable() if was_on else gc.disable()
        steps = av.step_through(y)
        assert gc.isenabled() is was_on
        assert seen == [False]  # paused while our frames were built
        assert plays(steps, len(steps.frames) - 1)

        def broken(*args, **kwargs):
            raise RuntimeError("build failed")

        monkeypatch.setattr(frames_mod, "build_frames", broken)
        with pytest.raises(RuntimeError, match="build failed"):
            av.step_through(y)
        assert gc.isenabled() is was_on
    finally:
        gc.enable() if before else gc.disable()


def test_the_users_function_runs_with_the_collector_on():
    import gc

    ran_with = []

    def f(x):
        ran_with.append(gc.isenabled())
        return (x * x).sum()

    assert gc.isenabled()
    steps = av.step_through(f, av.arange(3.0))
    assert ran_with == [True] and gc.isenabled()
    assert len(steps.frames) > 1
