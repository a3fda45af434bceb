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
from autograd_viz.render.html import PLAYER_LABELS, inline_svg, json_for_script

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
    assert len(data["frames"]) == len(steps.frames)
    for stored, frame in zip(data["frames"], steps.frames):
        assert stored["svg"] == inline_svg(frame.svg)
        assert stored["title"] == frame.title and stored["kind"] == frame.kind
        squashed = " ".join(re.sub(r"<[^>]+>", " ", stored["explanation"]).split())
        assert " ".join(frame.text.split()) in html.unescape(squashed)
    # the first frame is also in the markup, for readers with scripts off
    assert inline_svg(steps.frames[0].svg) in text


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
    assert not any(tag == "img" for tag, _ in page.tags)
    assert page.title == HOSTILE  # escaped in the file, intact when read
    # the reader still sees the name, as text
    data = payload(page)
    assert any(HOSTILE in html.unescape(f["explanation"]) for f in data["frames"])


def test_labels_follow_lang(tmp_path):
    vi = chapter_steps(lang="vi").to_html(tmp_path / "vi.html").read_text(encoding="utf-8")
    en = chapter_steps(lang="en").to_html(tmp_path / "en.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi
    for key in ("prev", "next", "play", "pause", "speed"):
        assert PLAYER_LABELS["vi"][key] in vi, key
        assert PLAYER_LABELS["en"][key] in en, key
        assert PLAYER_LABELS["en"][key] not in vi, f"English {key!r} label in lang='vi'"
    assert parse(vi).title == PLAYER_LABELS["vi"]["title"]
    assert parse(en).title == PLAYER_LABELS["en"]["title"]


def test_bad_path_is_explained(tmp_path):
    with pytest.raises(IsADirectoryError, match="file name"):
        chapter_steps().to_html(tmp_path)


# -- in a real browser ------------------------------------------------------------------


@pytest.mark.browser
def test_player_steps_in_chromium(written, tmp_path):
    from browser_support import ConsoleLog, keep_screenshot, launch_chromium, sync_playwright

    steps, path, _text = written
    n = len(steps.frames)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            # no network at all: any request other than the file itself is a failure
            context = browser.new_context(viewport={"width": 1100, "height": 900})
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

            def state():
                return {
                    "counter": page.inner_text("#avz-counter"),
                    "svg": page.inner_html("#avz-diagram"),
                    "panel": page.inner_text("#avz-panel"),
                }

            first = state()
            assert first["counter"] == f"1 / {n}", console
            assert "<svg" in first["svg"] and steps.frames[0].title in first["panel"]
            page.click("#avz-next")
            second = state()
            assert second["counter"] == f"2 / {n}", console
            assert second["svg"] != first["svg"], "Next did not change the diagram"
            assert second["panel"] != first["panel"], "Next did not change the panel"
            assert steps.frames[1].title in second["panel"]
            assert " ".join(steps.frames[1].text.split()) in " ".join(second["panel"].split())
            page.click("#avz-prev")
            assert state() == first
            assert page.is_disabled("#avz-prev") and not page.is_disabled("#avz-next")

            page.keyboard.press("ArrowRight")  # keyboard as a bonus
            assert state()["counter"] == f"2 / {n}"
            page.fill("#avz-slider", str(n - 1))  # the slider jumps
            assert state()["counter"] == f"{n} / {n}" and page.is_disabled("#avz-next")

            page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
            page.screenshot(path=str(tmp_path / "html_player.png"), full_page=True)
            keep_screenshot(tmp_path / "html_player.png", "html_player.png")

            # play from the start at the fastest speed runs to the last frame by itself
            page.keyboard.press("Home")
            page.select_option("#avz-speed", index=2)
            page.click("#avz-play")
            page.wait_for_function(
                f"document.getElementById('avz-counter').innerText === '{n} / {n}'", timeout=30_000
            )
            assert not page.is_disabled("#avz-play")
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


@pytest.mark.browser
def test_wide_graph_stays_readable_and_follows_the_current_node(tmp_path):
    """A graph wider than the page is not shrunk past MIN_SCALE; the box scrolls instead,
    and every frame scrolls its highlighted node into view."""
    from browser_support import ConsoleLog, launch_chromium, sync_playwright

    from autograd_viz.render.html import MIN_SCALE, natural_width_px

    x = av.arange(4.0, requires_grad=True, name="x")
    w = av.tensor([0.5, -1.0, 2.0, 0.1], requires_grad=True, name="w")
    h = av.tanh(x * w + x)
    y = (h * h).sum() + av.exp(w).mean()
    y.backward()
    steps = av.step_through(y)
    natural = natural_width_px(steps.frames[0].svg)
    path = steps.to_html(tmp_path / "wide.html")
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 900})
            console = ConsoleLog(page)
            page.goto(path.as_uri())
            assert natural * MIN_SCALE > 800, "the example should be wider than the page"
            for i, frame in enumerate(steps.frames):
                page.fill("#avz-slider", str(i))
                box = page.evaluate(
                    """node => {
                        const s = document.getElementById('avz-scroller').getBoundingClientRect();
                        const svg = document.querySelector('#avz-diagram svg')
                                            .getBoundingClientRect();
                        const g = [...document.querySelectorAll('#avz-diagram g[id]')]
                                  .find(e => e.id === node).getBoundingClientRect();
                        return {s: [s.left, s.right], svg: svg.width, g: [g.left, g.right]};
                    }""",
                    frame.node,
                )
                assert box["svg"] >= natural * MIN_SCALE - 1, (i, box)
                assert box["s"][0] - 1 <= box["g"][0] and box["g"][1] <= box["s"][1] + 1, (
                    f"frame {i}: node {frame.node} is out of view: {box}\n{console}"
                )
        finally:
            browser.close()
