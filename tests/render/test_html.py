"""The self-contained HTML player written by StepThrough.to_html.

Static checks parse the file; the browser-marked ones open it from file:// in
headless Chromium and click through it like a reader would.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest

import autograd_viz as av
from autograd_viz.i18n import t
from autograd_viz.render.frames.film import picture_at
from autograd_viz.render.html import inline_svg, json_for_script, svg_img_html

HOSTILE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


class _Page(HTMLParser):
    """Collects what the static checks need: tags with attributes, script bodies, title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self.title = [], [], None
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "title", "style"):
            self._in = (tag, dict(attrs), [])

    def handle_endtag(self, tag):
        if self._in and self._in[0] == tag:
            kind, attrs, parts = self._in
            if kind == "script":
                self.scripts.append((attrs, "".join(parts)))
            elif kind == "title" and self.title is None:  # the page's, not an SVG's
                self.title = "".join(parts)
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._in[2].append(data)


def parse(text):
    page = _Page()
    page.feed(text)
    page.close()
    return page


def chapter_steps(name="x", lang="en"):
    x = av.arange(4.0, requires_grad=True, name=name)
    y = 2 * av.dot(x, x)
    y.backward()
    return av.step_through(y, lang=lang)


def payload(page):
    blobs = [body for attrs, body in page.scripts if attrs.get("type") == "application/json"]
    assert len(blobs) == 1, "expected exactly one JSON data block"
    return json.loads(blobs[0])


@pytest.fixture
def written(tmp_path):
    steps = chapter_steps()
    path = steps.to_html(tmp_path / "steps.html")
    return steps, path, path.read_text(encoding="utf-8")


def test_writes_one_file_and_returns_its_path(written, tmp_path):
    _steps, path, text = written
    assert path == tmp_path / "steps.html" and path.is_file()
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    assert list(tmp_path.iterdir()) == [path], "the player must not need side files"


def test_needs_no_network(written):
    _steps, _path, text = written
    page = parse(text)
    for tag, attrs in page.tags:
        for attr in ("src", "href", "xlink:href", "action", "poster", "data", "srcset"):
            value = (attrs.get(attr) or "").strip().lower()
            assert not re.match(r"(https?:)?//", value), f"<{tag} {attr}={value!r}> fetches"
        assert not (tag == "link" and "stylesheet" in (attrs.get("rel") or "")), "external CSS"
        assert not (tag == "script" and "src" in attrs), "external script"
    code = "\n".join(
        body for attrs, body in page.scripts if attrs.get("type") != "application/json"
    )
    for call in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "importScripts"):
        assert call not in code
    assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text)


def test_every_frame_is_embedded_in_order(written):
    steps, _path, text = written
    page = parse(text)
    data = payload(page)
    assert data == json.loads(json.dumps(steps.film)), "the page plays the widget's data"
    assert len(data["frames"]) == len(steps.frames)
    for i, (stored, frame) in enumerate(zip(data["frames"], steps.frames)):
        assert picture_at(data, i) == frame.svg
        assert stored["title"] == frame.title and stored["kind"] == frame.kind
        squashed = " ".join(re.sub(r"<[^>]+>", " ", stored["html"]).split())
        assert " ".join(frame.text.split()) in html.unescape(squashed)
    # the first frame is also in the markup (a picture), for readers with scripts off
    assert svg_img_html(inline_svg(steps.frames[0].svg), steps.frames[0].title) in text


def test_size_grows_with_the_graph_not_with_frames_times_graph(tmp_path):
    """The issue's chain (n ops on a length-4 vector): one layout plus per-frame
    changes.  Size is deterministic, so it is asserted, not timed."""

    def chain(n):
        x = av.arange(4.0, requires_grad=True, name="x")
        y = x
        for i in range(n // 2):
            y = av.sin(y) * x if i % 2 else y + x * 0.5
        loss = y.sum()
        loss.backward()
        return av.step_through(loss)

    sizes = {}
    for n in (100, 200):
        steps = chain(n)
        assert len(steps.frames) == 2 * (n + 1)  # every op forward, then backward
        sizes[n] = steps.to_html(tmp_path / f"chain{n}.html").stat().st_size
        state = len(json.dumps(steps.film))
        assert state < sizes[n]  # the widget's state is the same data
    # every frame as a whole SVG was 116 MB for 200 ops, 26.9 MB for 100 (quadratic)
    assert sizes[200] < 2.5e6, sizes
    assert sizes[200] / sizes[100] < 2.3, sizes  # doubling the graph about doubles the page


def test_script_safe_json_round_trips_every_character():
    value = {"s": "</script><!-- & > \u2028 \u2029 ' \" \\ é ∂"}
    text = json_for_script(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_hostile_tensor_name_cannot_break_out(tmp_path):
    steps = chapter_steps(name=HOSTILE)
    path = steps.to_html(tmp_path / "hostile.html", title=HOSTILE)
    text = path.read_text(encoding="utf-8")
    page = parse(text)
    # only our two scripts exist: the data block and the player
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json", None]
    assert len(re.findall(r"</script", text, flags=re.I)) == 2
    assert "window.pwned" not in page.scripts[1][1]
    # the one image is the first frame's picture, a data: URI
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == 1 and images[0]["src"].startswith("data:image/svg+xml;base64,")
    assert "onerror" not in images[0]
    assert page.title == HOSTILE  # escaped in the file, intact when read
    # the reader still sees the name, as text
    data = payload(page)
    assert any(HOSTILE in html.unescape(f["html"]) for f in data["frames"])


def test_labels_follow_lang(tmp_path):
    vi = chapter_steps(lang="vi").to_html(tmp_path / "vi.html").read_text(encoding="utf-8")
    en = chapter_steps(lang="en").to_html(tmp_path / "en.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi
    for key in ("prev", "next", "play", "pause", "speed", "controls", "keys"):
        assert json.dumps(t(f"player_{key}", "vi"), ensure_ascii=False)[1:-1] in vi, key
        assert json.dumps(t(f"player_{key}", "en"), ensure_ascii=False)[1:-1] in en, key
        assert f'"{t(f"player_{key}", "en")}"' not in vi, f"English {key!r} label in lang='vi'"
    assert parse(vi).title == t("player_title", "vi")
    assert parse(en).title == t("player_title", "en")


def test_bad_path_is_explained(tmp_path):
    with pytest.raises(IsADirectoryError, match="file name"):
        chapter_steps().to_html(tmp_path)


# -- in a real browser ------------------------------------------------------------------


def _offline_page(browser, path, **context_args):
    """A page that may load nothing but ``path``; returns (page, console, requests)."""
    from browser_support import ConsoleLog

    context = browser.new_context(**context_args)
    requests = []
    context.route(
        "**/*",
        lambda route: (
            requests.append(route.request.url),
            route.continue_() if route.request.url.startswith("file://") else route.abort(),
        ),
    )
    page = context.new_page()
    console = ConsoleLog(page)
    page.goto(path.as_uri())
    return page, console, requests


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_player_steps_by_click_and_key_in_chromium(written, tmp_path, scheme):
    import player_page as pp
    from browser_support import keep_screenshot, launch_chromium, sync_playwright

    steps, path, _text = written
    n = len(steps.frames)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page, console, requests = _offline_page(
                browser, path, viewport={"width": 1100, "height": 900}, color_scheme=scheme
            )
            pp.wait_for_players(page, 1, timeout=10)
            first = pp.state(page)
            assert first["counter"] == f"1 / {n}", console
            assert "<svg" in first["svg"] and steps.frames[0].title in first["panel"]
            assert first["dark"] == (scheme == "dark")
            # every control has an accessible name in the player's language
            names = first["names"]
            for key in ("play", "prev", "next", "step", "speed"):
                assert any(t(f"player_{key}", "en") in name for name in names), (key, names)
            assert first["live"] == "polite" and steps.frames[0].title in first["label"]
            pp.assert_readable(page)

            assert pp.click(page, 0, ".avz-next")
            second = pp.state(page)
            assert second["counter"] == f"2 / {n}", console
            assert second["svg"] != first["svg"], "Next did not change the diagram"
            assert second["panel"] != first["panel"], "Next did not change the panel"
            assert steps.frames[1].title in second["panel"]
            assert pp.squash(steps.frames[1].text) in pp.squash(second["panel"])
            pp.click(page, 0, ".avz-prev")
            back = pp.state(page)
            assert back["counter"] == first["counter"] and back["panel"] == first["panel"]
            assert pp.squash(back["svg"]) == pp.squash(first["svg"]), "Previous is not frame 1"

            # keys, once the player has focus (it takes it when the page opens)
            for key, want in (("ArrowRight", 2), ("End", n), ("ArrowLeft", n - 1), ("Home", 1)):
                page.keyboard.press(key)
                assert pp.state(page)["counter"] == f"{want} / {n}", key
            page.locator(".avz-next").focus()
            page.keyboard.press("ArrowRight")  # on a button too, and the page does not scroll
            assert pp.state(page)["counter"] == f"2 / {n}"
            page.locator(".avz-slider").fill(str(n - 1))  # the slider jumps
            assert pp.state(page)["counter"] == f"{n} / {n}"
            assert page.locator(".avz-next").is_disabled()
            for i in range(n):  # every frame readable, in both themes
                page.keyboard.press("Home" if i == 0 else "ArrowRight")
                pp.assert_readable(page)

            page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
            shot = tmp_path / f"html_player_{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            keep_screenshot(shot, shot.name)

            # space plays from the start at the fastest speed, to the last frame by itself
            page.locator(".avz-speed-select").select_option(index=2)
            pp.focus(page)
            page.keyboard.press("Home")
            page.keyboard.press(" ")
            pp.wait_counter(page, 0, f"{n} / {n}")
            assert requests == [path.as_uri()], f"unexpected requests: {requests}"
            assert not [line for line in console.lines if "error" in line.lower()], str(console)
        finally:
            browser.close()


@pytest.mark.browser
def test_hostile_name_runs_no_script_in_chromium(tmp_path):
    from browser_support import ConsoleLog, launch_chromium, sync_playwright

    steps = chapter_steps(name=HOSTILE)
    path = steps.to_html(tmp_path / "hostile.html", title=HOSTILE)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page()
            console = ConsoleLog(page)
            page.goto(path.as_uri())
            for _ in range(len(steps.frames)):  # show every frame once
                assert page.evaluate("window.pwned") is None, console
                page.keyboard.press("ArrowRight")
            assert page.evaluate("window.pwned") is None, console
            assert page.title() == HOSTILE
        finally:
            browser.close()


def wide_graph():
    x = av.arange(4.0, requires_grad=True, name="x")
    w = av.tensor([0.5, -1.0, 2.0, 0.1], requires_grad=True, name="w")
    h = av.tanh(x * w + x)
    y = (h * h).sum() + av.exp(w).mean()
    y.backward()
    return av.step_through(y)


def tall_graph():
    """A scalar chain laid out top to bottom: far taller than a window."""
    x = av.tensor(0.3, requires_grad=True, name="x")
    y = x
    for i in range(14):
        y = av.sin(y) * x if i % 2 else y + x * 0.5
    y.backward()
    return av.step_through(y)


@pytest.mark.browser
@pytest.mark.parametrize("make", [wide_graph, tall_graph], ids=["wide", "tall"])
def test_large_graph_keeps_its_text_and_follows_the_current_box(tmp_path, make):
    """Not shrunk past MIN_SCALE (text stays >= 11 px); the diagram scrolls, every frame
    brings its box into view, and the controls and explanation stay right under it."""
    import player_page as pp
    from browser_support import keep_screenshot, launch_chromium, sync_playwright

    from autograd_viz.render.html import MIN_SCALE, natural_width_px

    steps = make()
    natural = natural_width_px(steps.frames[0].svg)
    path = steps.to_html(tmp_path / "large.html")
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page, console, _ = _offline_page(browser, path, viewport={"width": 800, "height": 800})
            pp.wait_for_players(page, 1, timeout=10)
            at = pp.active_box(page)
            assert at["svg"][0] > 760 or at["svg"][1] > 800, "the example should not fit"
            for i in range(len(steps.frames)):
                page.locator(".avz-slider").fill(str(i))
                at = pp.assert_active_in_view(page)
                assert at["id"] == steps.frames[i].node, (i, at)
                assert at["svg"][0] >= min(natural, 760) * MIN_SCALE - 1, (i, at)
                assert at["smallest"] >= 11, at
                # the explanation is on screen with the controls, under the diagram
                assert at["view"][3] <= at["controls"][0] <= at["panel"][0] < 800, at
            shot = tmp_path / f"{make.__name__}.png"
            page.screenshot(path=str(shot))
            keep_screenshot(shot, f"html_player_{make.__name__}.png")
            assert not [line for line in console.lines if "error" in line.lower()], str(console)
        finally:
            browser.close()
