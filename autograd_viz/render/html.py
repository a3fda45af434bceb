"""The step-through player as HTML: one script, one stylesheet, three places.

* the notebook widget (widget.py) runs ``player.js`` as its anywidget module;
* the copy a notebook keeps beside the widget (:func:`notebook_copy_html`)
  runs the same script inline, so an export (``jupyter nbconvert --to html``)
  steps with no widget manager and no network, and shows the frame as a
  picture where scripts are stripped (an untrusted notebook, GitHub);
* ``.to_html(path)`` (:func:`player_html`) is a whole page around it.

All three play the same data: the frames as one layout plus what changes per
frame (:mod:`.frames.film`), so a page grows with the graph, not with
frames × graph.  Nothing is fetched: no CDN, no fonts, no images.
"""

from __future__ import annotations

import base64
import html
import json
import re
import uuid
from functools import cache
from pathlib import Path

from ..i18n import error, t
from .frames.film import film
from .frames.painter import DARK_BACKGROUND
from .frames.panel import text_html
from .style import FONT, MONO_FAMILY, font_style

_HERE = Path(__file__).resolve().parent
DEFAULT_SPEED_MS = 1200
SPEEDS = (("player_slow", 2000), ("player_normal", DEFAULT_SPEED_MS), ("player_fast", 600))
# a wide graph is shrunk to fit, but never below this share of its natural size
# (its smallest text, the 13 pt legend, stays at 13 px): it scrolls instead
MIN_SCALE = 0.75


def labels_for(lang):
    """The player's words in ``lang`` (i18n.py), as the script reads them."""
    from ..i18n import check_lang

    check_lang(lang)
    words = {
        key: t(f"player_{key}", lang)
        for key in ("title", "play", "pause", "prev", "next", "step", "speed", "controls")
        + ("keys", "graph", "step_of", "forward", "backward", "one_frame", "n_frames", "at")
        + ("no_script",)
    }
    # placeholders the script fills in itself
    words["graph"] = t("player_graph", lang, i="{i}", n="{n}", title="{title}")
    words["step_of"] = t("player_step_of", lang, i="{i}", n="{n}", title="{title}")
    words["n_frames"] = t("player_n_frames", lang, n="{n}")
    words["speeds"] = [[t(key, lang), ms] for key, ms in SPEEDS]
    words["defaultSpeed"] = DEFAULT_SPEED_MS
    return words


def _compact(text, comment):
    """Without indentation, blank lines and whole-line comments: every saved
    notebook carries the script twice per player (the copy and the widget)."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not (comment and line.startswith(comment)))


@cache
def player_js():
    """The player's script (plain functions, no module syntax)."""
    return _compact((_HERE / "player.js").read_text(encoding="utf-8"), "//")


@cache
def player_css():
    """The player's one stylesheet, with the font from style.py."""
    css = (_HERE / "player.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = css.replace("__FONT__", FONT).replace("__MONO__", MONO_FAMILY)
    return _compact(css.replace("__DARK_PAPER__", DARK_BACKGROUND), None)


def widget_esm():
    """The anywidget module: the same script, rendering into the widget's element
    and keeping the kernel's ``index`` in step with the page."""
    return (
        player_js()
        + """
function render({ model, el }) {
  var key = model.get("key");
  el.setAttribute("data-avz-live", key);
  avzHideCopies(key);
  var player = avzPlayer(el, model.get("film"), {
    labels: model.get("labels"),
    lang: model.get("lang"),
    start: model.get("index"),
    onIndex: function (i) {
      if (model.get("index") === i) { return; }
      model.set("index", i);
      // a saved notebook opened without its kernel has nobody to tell
      try { model.save_changes(); } catch (e) { /* no kernel: stepping goes on */ }
    },
  });
  var onIndex = function () { player.show(model.get("index")); };
  var onFilm = function () { player.load(model.get("film"), model.get("index")); };
  model.on("change:index", onIndex);
  model.on("change:film", onFilm);
  return function () {
    model.off("change:index", onIndex);
    model.off("change:film", onFilm);
    player.destroy();
  };
}
export default { render };
"""
    )


# -- pieces ------------------------------------------------------------------------


def inline_svg(svg):
    """The <svg> element alone: an XML prolog or DOCTYPE is not allowed inside HTML."""
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg


_UNIT_PX = {"pt": 4 / 3, "px": 1.0, "": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 9.6 / 2.54}


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
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def film_of(frames):
    """The player's data for ``frames`` (see :mod:`.frames.film`)."""
    frames = list(frames)
    if not frames:
        raise error(ValueError, "err_no_frames")
    return film(frames, explanation_html)


def still_html(frame):
    """One frame as markup that needs no script and no stylesheet: its picture as
    an <img> (sanitisers strip inline <svg>), its title and explanation as text,
    in our font named inline (sanitisers also strip <style>)."""
    picture = svg_img_html(frame.svg, frame.title or "")
    return (
        f'<div class="avz-still" style="{font_style()}">{picture}'
        f'<p style="font-weight: 600; margin: 6px 0 2px"><b>{html.escape(frame.title or "")}'
        f"</b></p>{explanation_html(frame)}</div>"
    )


def _mount_script(root_id, data_id, lang, start, key=None, page=False):
    """The inline script that turns the still into the player (no globals left behind)."""
    options = {"labels": labels_for(lang), "lang": lang, "start": start, "css": player_css()}
    guard = ""
    if key:
        # the live widget is on the page already: it hid this copy
        guard = (
            f"if (document.querySelector('[data-avz-live=\"{key}\"]')) "
            f'{{ avzHideCopies("{key}"); return; }}'
        )
    body = (
        f'var root = document.getElementById("{root_id}");\n'
        f'if (!root || root.getAttribute("data-avz-on")) {{ return; }}\n{guard}\n'
        f'var data = JSON.parse(document.getElementById("{data_id}").textContent);\n'
        'root.setAttribute("data-avz-on", "1");\n'
        f"avzPlayer(root, data, {json_for_script(options)});\n"
    )
    if key:
        body += "avzTidy(root, 30);\n"
    if page:
        body += "root.focus({preventScroll: true});\n"
    return f"<script>\n(function () {{\n{player_js()}\n{body}}})();\n</script>"


def notebook_copy_html(frames, lang="en", key=None, start=0, data=None):
    """The output a notebook keeps beside the widget: the frame as a picture with
    its text, which the inline script turns into the whole player where scripts
    run (a trusted notebook, nbconvert's HTML, VS Code).  ``key`` ties it to its
    widget, which hides it once it shows."""
    frames = list(frames)
    data = film_of(frames) if data is None else data
    start = min(max(int(start), 0), len(frames) - 1)
    uid = uuid.uuid4().hex[:12]
    root_id, data_id = f"avz-{uid}", f"avz-data-{uid}"
    copy = f' data-avz-copy="{html.escape(key)}"' if key else ""
    return (
        f'<div class="avz-copy" id="{root_id}" lang="{html.escape(lang)}"{copy}>'
        f"{still_html(frames[start])}</div>\n"
        f'<script type="application/json" id="{data_id}">{json_for_script(data)}</script>\n'
        + _mount_script(root_id, data_id, lang, start, key=key)
    )


_PAGE_CSS = """
:root { color-scheme: light dark; }
body { margin: 0; padding: 16px; background: #ffffff; color: #1f2328; }
@media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } }
main { max-width: 1100px; margin: 0 auto; font-family: __FONT__; }
h1 { font-size: 18px; margin: 0 0 10px; }
"""


def player_html(frames, lang="en", title=None, start=0):
    """The complete HTML document (a str) that plays ``frames``."""
    labels = labels_for(lang)
    frames = list(frames)
    data = film_of(frames)
    title = labels["title"] if title is None else str(title)
    start = min(max(int(start), 0), len(frames) - 1)
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="{e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{_PAGE_CSS.replace("__FONT__", FONT)}</style>
</head>
<body>
<main>
<h1>{e(title)}</h1>
<div id="avz-player" lang="{e(lang)}">{still_html(frames[start])}</div>
<noscript><p>{e(labels["no_script"])}</p></noscript>
</main>
<script type="application/json" id="avz-data">{json_for_script(data)}</script>
{_mount_script("avz-player", "avz-data", lang, start, page=True)}
</body>
</html>
"""


def write_player(path, frames, lang="en", title=None, start=0):
    """Write the player to ``path`` (UTF-8) and return it as a Path."""
    path = Path(path)
    if path.is_dir():
        example = path / "step_through.html"
        raise error(IsADirectoryError, "err_path_folder", lang, path=path, example=example)
    path.write_text(player_html(frames, lang=lang, title=title, start=start), encoding="utf-8")
    return path
