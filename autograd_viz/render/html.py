"""One self-contained HTML file that plays step-through frames without a kernel.

The frames (SVG + explanation) travel as one JSON blob inside
<script type="application/json">; a small vanilla-JS player swaps them in.
Nothing is fetched: no CDN, no fonts, no images, so the file opens offline.

The labels below are shared with the ipywidgets player (widget.py), so the
two players read the same in each language.
"""

import base64
import html
import json
import re
from pathlib import Path

from .frames.panel import text_html
from .style import FONT_CSS

PLAYER_LABELS = {
    "en": {
        "play": "Play",
        "pause": "Pause",
        "prev": "Previous",
        "next": "Next",
        "step": "Step",
        "speed": "Speed",
        "speeds": (("Slow", 2000), ("Normal", 1200), ("Fast", 600)),
        "forward": "Forward pass",
        "backward": "Backward pass",
        "keys": "Keys: ← → step, Space play/pause, Home/End first/last.",
        "title": "Step-through: automatic differentiation",
        "one_frame": "1 frame",
        "n_frames": "{n} frames",
        "at": "showing",
        "no_script": "This player needs JavaScript to step through the frames.",
    },
    "vi": {
        "play": "Phát",
        "pause": "Tạm dừng",
        "prev": "Trước",
        "next": "Tiếp",
        "step": "Bước",
        "speed": "Tốc độ",
        "speeds": (("Chậm", 2000), ("Vừa", 1200), ("Nhanh", 600)),
        "forward": "Lan truyền xuôi",
        "backward": "Lan truyền ngược",
        "keys": "Phím: ← → chuyển bước, Space phát/tạm dừng, Home/End về đầu/cuối.",
        "title": "Từng bước: tính vi phân tự động",
        "one_frame": "1 khung hình",
        "n_frames": "{n} khung hình",
        "at": "đang ở",
        "no_script": "Trình phát này cần JavaScript để chuyển qua các khung hình.",
    },
}

DEFAULT_SPEED_MS = 1200


def labels_for(lang):
    """The player's words in `lang`; a clear error for a language we do not have."""
    try:
        return PLAYER_LABELS[lang]
    except (KeyError, TypeError):
        known = ", ".join(repr(k) for k in PLAYER_LABELS)
        raise ValueError(f"lang={lang!r} is not available; use one of {known}.") from None


def inline_svg(svg):
    """The <svg> element alone: an XML prolog or DOCTYPE is not allowed inside HTML."""
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg


_UNIT_PX = {"pt": 4 / 3, "px": 1.0, "": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 9.6 / 2.54}
# a wide graph is shrunk to fit, but never below this share of its natural size:
# smaller text stops being readable, so the box scrolls sideways instead.
MIN_SCALE = 0.75


def natural_width_px(svg):
    """The width the <svg> element asks for, in CSS pixels (None if it does not say)."""
    match = re.search(r"<svg\b[^>]*?\swidth=\"([\d.]+)\s*(pt|px|in|cm|mm|)\"", svg)
    return float(match.group(1)) * _UNIT_PX[match.group(2)] if match else None


def svg_img_html(svg, alt=""):
    """An SVG as an <img> with a data: URI, at its natural width (shrunk to fit).

    What viewers that strip inline <svg> (an untrusted notebook in JupyterLab,
    GitHub) still show."""
    svg = inline_svg(svg)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    width = natural_width_px(svg)
    size = f' width="{round(width)}"' if width else ""
    return (
        f'<img src="data:image/svg+xml;base64,{data}"{size} '
        f'alt="{html.escape(alt, quote=True)}" style="max-width: 100%; height: auto">'
    )


def min_width_px(svg):
    """How narrow the diagram's box may get before it scrolls instead (None: no floor)."""
    width = natural_width_px(svg)
    return round(width * MIN_SCALE) if width else None


def diagram_html(svg):
    """The frame's SVG in a box that shrinks it to fit, down to MIN_SCALE, then scrolls."""
    floor = min_width_px(svg)
    style = f' style="min-width: {floor}px"' if floor else ""
    return f'<div class="avz-svgbox"{style}>{inline_svg(svg)}</div>'


def explanation_html(frame):
    """The frame's explanation as HTML: its own escaped .html if it has one, else escaped .text."""
    markup = getattr(frame, "html", None)
    if markup:
        return markup
    return text_html(html.escape(frame.text or ""))


def json_for_script(value):
    """JSON that is safe inside <script>: no '<', '>' or '&' survive literally.

    A tensor named '</script><script>alert(1)</script>' would otherwise end the
    data block early and run as code. \\u003c is still valid JSON, so JSON.parse
    gives back the exact original text.
    """
    text = json.dumps(value, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# The stylesheet and script are constants (no user text), so they need no escaping.
_CSS = (
    """
:root { color-scheme: light; }
body { margin: 0; padding: 16px; font-size: 15px; line-height: 1.45; color: #1f2328;
       background: #fff; }
h1 { font-size: 18px; margin: 0 0 10px; }
.avz-player { max-width: 1100px; }
.avz-diagram { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; overflow: auto;
               background: #fff; text-align: center; }
.avz-diagram svg { max-width: 100%; height: auto; vertical-align: top; }
.avz-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 10px 0; }
.avz-controls button { font: inherit; padding: 4px 12px; min-width: 84px; border-radius: 6px;
                       border: 1px solid #afb8c1; background: #f6f8fa; cursor: pointer; }
.avz-controls select { font: inherit; padding: 3px 6px; border-radius: 6px;
                       border: 1px solid #afb8c1; background: #fff; }
.avz-controls button:disabled { opacity: 0.45; cursor: default; }
.avz-controls button:focus-visible, .avz-controls input:focus-visible,
.avz-controls select:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
.avz-controls input[type=range] { flex: 1 1 220px; min-width: 160px; }
.avz-counter { font-variant-numeric: tabular-nums; min-width: 64px; text-align: center; }
.avz-speed { display: inline-flex; align-items: center; gap: 4px; }
.avz-panel { border-left: 4px solid #0969da; background: #f6f8fa; padding: 8px 12px;
             border-radius: 0 6px 6px 0; min-height: 4.5em; }
.avz-panel.avz-backward { border-left-color: #cf222e; }
.avz-panel.avz-compare { border-left-color: #8250df; }
.avz-title { font-weight: 600; margin: 2px 0 4px; }
.avz-text { white-space: pre-wrap; font-size: 14px; }
.avz-keys { color: #57606a; font-size: 12px; margin-top: 8px; }
"""
    + FONT_CSS
)

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("avz-data").textContent);
  var frames = data.frames, L = data.labels, last = frames.length - 1;
  var $ = function (id) { return document.getElementById(id); };
  var diagram = $("avz-diagram"), scroller = $("avz-scroller"), panel = $("avz-panel"),
      title = $("avz-title"), explanation = $("avz-explanation"), slider = $("avz-slider"),
      counter = $("avz-counter"), prev = $("avz-prev"), next = $("avz-next"),
      play = $("avz-play"), speed = $("avz-speed");
  var index = 0, timer = null;

  function show(i) {
    index = Math.max(0, Math.min(last, i));
    var f = frames[index];
    diagram.innerHTML = f.svg;
    diagram.style.minWidth = f.minWidth ? f.minWidth + "px" : "";
    follow(f.node);
    panel.className = "avz-panel avz-" + f.kind;
    title.textContent = f.title;
    explanation.innerHTML = f.explanation;
    slider.value = String(index);
    counter.textContent = (index + 1) + " / " + frames.length;
    prev.disabled = index === 0;
    next.disabled = index === last;
    if (index === last) { stop(); }
  }
  // a wide graph scrolls sideways; keep the node this frame is about in view
  function follow(node) {
    if (!node || scroller.scrollWidth <= scroller.clientWidth) { return; }
    var g = null, groups = diagram.querySelectorAll("g[id]");
    for (var k = 0; k < groups.length; k++) { if (groups[k].id === node) { g = groups[k]; } }
    if (!g) { return; }
    var r = g.getBoundingClientRect(), s = scroller.getBoundingClientRect();
    if (r.left < s.left || r.right > s.right) {
      scroller.scrollLeft += (r.left + r.right) / 2 - (s.left + s.right) / 2;
    }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "\\u25B6 " + L.play;
    play.setAttribute("aria-pressed", "false");
  }
  function start() {
    if (index === last) { show(0); }
    stop();
    timer = setInterval(function () { show(index + 1); }, Number(speed.value));
    play.textContent = "\\u23F8 " + L.pause;
    play.setAttribute("aria-pressed", "true");
  }
  function toggle() { if (timer === null) { start(); } else { stop(); } }

  prev.addEventListener("click", function () { stop(); show(index - 1); });
  next.addEventListener("click", function () { stop(); show(index + 1); });
  play.addEventListener("click", toggle);
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  speed.addEventListener("change", function () { if (timer !== null) { start(); } });
  document.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    if (e.key === "ArrowRight") { stop(); show(index + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(index - 1); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(last); }
    else if (e.key === " " && tag !== "BUTTON") { toggle(); }
    else { return; }
    e.preventDefault();
  });
  slider.max = String(last);
  show(data.start || 0);
})();
"""


def player_html(frames, lang="en", title=None, start=0):
    """The complete HTML document (a str) that plays `frames`."""
    labels = labels_for(lang)
    frames = list(frames)
    if not frames:
        raise ValueError(
            "There are no frames to play; build them with "
            "autograd_viz.step_through(y) after computing y."
        )
    title = labels["title"] if title is None else str(title)
    start = min(max(int(start), 0), len(frames) - 1)
    payload = {
        "labels": {k: labels[k] for k in ("play", "pause")},
        "start": start,
        "frames": [
            {
                "svg": inline_svg(f.svg),
                "minWidth": min_width_px(f.svg),
                "title": f.title or "",
                "kind": f.kind,
                "node": getattr(f, "node", None),
                "explanation": explanation_html(f),
            }
            for f in frames
        ],
    }
    speed_options = "".join(
        f'<option value="{ms}"{" selected" if ms == DEFAULT_SPEED_MS else ""}>'
        f"{html.escape(name)}</option>"
        for name, ms in labels["speeds"]
    )
    e = html.escape
    # the first frame is also written out as plain markup so the page shows
    # something (and prints) even with scripts disabled.
    first = frames[start]
    floor = min_width_px(first.svg)
    floor = f' style="min-width: {floor}px"' if floor else ""
    return f"""<!DOCTYPE html>
<html lang="{e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main class="avz-player">
<h1>{e(title)}</h1>
<div class="avz-diagram" id="avz-scroller"><div class="avz-svgbox" id="avz-diagram"{floor}>
{inline_svg(first.svg)}</div></div>
<div class="avz-controls" role="group">
  <button type="button" id="avz-play" aria-pressed="false">&#9654; {e(labels["play"])}</button>
  <button type="button" id="avz-prev">&#9664; {e(labels["prev"])}</button>
  <input type="range" id="avz-slider" min="0" max="{len(frames) - 1}" value="0" step="1"
         aria-label="{e(labels["step"])}">
  <button type="button" id="avz-next">{e(labels["next"])} &#9654;</button>
  <span class="avz-counter" id="avz-counter">1 / {len(frames)}</span>
  <label class="avz-speed">{e(labels["speed"])}
    <select id="avz-speed">{speed_options}</select></label>
</div>
<section class="avz-panel" id="avz-panel" aria-live="polite">
  <div class="avz-title" id="avz-title">{e(first.title or "")}</div>
  <div id="avz-explanation">{explanation_html(first)}</div>
</section>
<div class="avz-keys">{e(labels["keys"])}</div>
<noscript><p>{e(labels["no_script"])}</p></noscript>
</main>
<script type="application/json" id="avz-data">{json_for_script(payload)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write_player(path, frames, lang="en", title=None, start=0):
    """Write the player to `path` (UTF-8) and return it as a Path."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"{path} is a folder; give a file name such as {path / 'step_through.html'}."
        )
    path.write_text(player_html(frames, lang=lang, title=title, start=start), encoding="utf-8")
    return path
