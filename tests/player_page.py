"""Reading the step-through player in a real page (a plain module, not a test file).

The player is the same markup everywhere (render/player.js): the widget in
JupyterLab, Notebook 7 and marimo (inside a shadow root there), the copy a
saved notebook keeps, nbconvert's export and .to_html pages.  These helpers
find the k-th player on a page (through shadow roots), read what it shows,
step it by click or key, and measure what a student sees: the contrast of
every text against what is behind it, and whether the box the frame is
about lies inside the visible part of the diagram.
"""

from __future__ import annotations

import time

# every element matching `sel`, also inside open shadow roots (marimo's widgets)
_DEEP = """
const deep = (sel) => {
  const out = [];
  const walk = (root) => {
    root.querySelectorAll(sel).forEach((e) => out.push(e));
    root.querySelectorAll('*').forEach((e) => { if (e.shadowRoot) walk(e.shadowRoot); });
  };
  walk(document);
  return out;
};
const players = () => deep('.avz-player').filter((p) => p.querySelector('.avz-controls')
  && p.getClientRects().length > 0);
"""

_STATE = (
    _DEEP
    + """
(k) => {
  const p = players()[k];
  if (!p) { return null; }
  const text = (e) => {
    if (!e) { return ''; }
    const parts = [], walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) { parts.push(walk.currentNode.nodeValue); }
    return parts.join(' ');
  };
  return {
    counter: text(p.querySelector('.avz-counter')).trim(),
    title: text(p.querySelector('.avz-title')).trim(),
    panel: text(p.querySelector('.avz-panel')),
    svg: (p.querySelector('.avz-svgbox') || {innerHTML: ''}).innerHTML,
    label: (p.querySelector('.avz-svgbox') || {getAttribute: () => ''}).getAttribute('aria-label'),
    live: (p.querySelector('.avz-panel') || {getAttribute: () => ''}).getAttribute('aria-live'),
    dark: p.classList.contains('avz-dark'),
    names: [...p.querySelectorAll('button, input, select')].map((c) =>
      c.getAttribute('aria-label') || (c.labels && c.labels[0] ? c.labels[0].textContent : '')),
  };
}
"""
)

_CLICK = (
    _DEEP
    + """
([k, cls]) => {
  const b = players()[k].querySelector(cls), enabled = !b.disabled;
  b.click();
  return enabled;
}
"""
)

_FOCUS = (
    _DEEP
    + """
(k) => { const p = players()[k]; p.focus(); return document.activeElement !== null; }
"""
)

# contrast of every visible text in the player against what is behind it
# (WCAG 2 relative luminance; translucent backgrounds composited upwards)
_CONTRAST = (
    _DEEP
    + """
(k) => {
  const p = players()[k];
  const parse = (c) => {
    let m = /rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)/.exec(c || '');
    if (m) { return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]]; }
    m = /color\\(srgb ([\\d.e-]+) ([\\d.e-]+) ([\\d.e-]+)(?: \\/ ([\\d.e-]+))?\\)/.exec(c || '');
    if (m) { return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : +m[4]]; }
    if (!c || c === 'none') { return null; }
    // oklch(), lab() (marimo's theme): the browser converts it on a canvas
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]))
    .concat([1]);
  const lum = (c) => {
    const v = c.slice(0, 3).map((x) => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const behind = (e) => {
    const layers = [];
    for (let n = e; n; n = n.parentElement || (n.getRootNode && n.getRootNode().host)) {
      if (n.nodeType !== 1) { continue; }
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) { break; } }
    }
    let colour = [255, 255, 255, 1];
    const page = parse(getComputedStyle(document.body).backgroundColor);
    if (page && page[3] >= 1) { colour = page; }
    for (let i = layers.length - 1; i >= 0; i--) { colour = over(layers[i], colour); }
    return colour;
  };
  const found = [];
  // HTML text: buttons, counter, title, explanation, keys
  p.querySelectorAll('*').forEach((e) => {
    if (e.closest('svg')) { return; }
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.nodeValue.trim());
    // disabled controls are exempt (WCAG 1.4.3), and drawn faded on purpose
    if (!own || !e.getClientRects().length || e.closest(':disabled')) { return; }
    const style = getComputedStyle(e);
    const fg = parse(style.color), bg = behind(e);
    let c = fg;
    if (c[3] < 1) { c = over(c, bg); }
    found.push({what: e.className || e.tagName, text: e.textContent.trim().slice(0, 40),
                ratio: ratio(c, bg), px: parseFloat(style.fontSize)});
  });
  // the diagram's text: against its node's fill, or the picture's background
  const svg = p.querySelector('.avz-svgbox svg');
  const paper = svg ? parse(getComputedStyle(svg.querySelector('rect')).fill) : null;
  if (svg) {
    svg.querySelectorAll('text').forEach((t) => {
      const g = t.closest('g.node');
      const rect = g ? g.querySelector('rect') : null;
      let bg = paper;
      if (rect) { const f = parse(getComputedStyle(rect).fill); if (f && f[3] > 0) { bg = f; } }
      const fg = parse(getComputedStyle(t).fill);
      const px = t.getBoundingClientRect().height;
      found.push({what: 'svg ' + (t.getAttribute('class') || 'text'),
                  text: t.textContent.slice(0, 40), ratio: ratio(fg, bg), px: px});
    });
  }
  return found;
}
"""
)

# where the box this frame is about lies, against the diagram's visible area
_ACTIVE = (
    _DEEP
    + """
(k) => {
  const p = players()[k];
  const current = p.querySelector('.avz-svgbox g.node.current') ||
                  p.querySelector('.avz-svgbox g.current');
  const view = p.querySelector('.avz-diagram').getBoundingClientRect();
  const svg = p.querySelector('.avz-svgbox svg').getBoundingClientRect();
  const controls = p.querySelector('.avz-controls').getBoundingClientRect();
  const panel = p.querySelector('.avz-panel').getBoundingClientRect();
  if (!current) { return {none: true}; }
  const r = current.getBoundingClientRect();
  return {box: [r.left, r.top, r.right, r.bottom],
          view: [view.left, view.top, view.right, view.bottom],
          svg: [svg.width, svg.height], controls: [controls.top, controls.bottom],
          panel: [panel.top, panel.bottom], id: current.id,
          smallest: Math.min(...[...p.querySelectorAll('.avz-svgbox text')]
            .map((t) => t.getBoundingClientRect().height).filter((h) => h > 0))};
}
"""
)


def count(page):
    return page.evaluate(_DEEP + "() => players().length")


def state(page, k=0):
    return page.evaluate(_STATE, k)


def wait_for_players(page, n=1, timeout=90):
    """Until ``n`` live players are on the page (their controls drawn)."""
    deadline = time.monotonic() + timeout
    while count(page) < n:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {n} players appeared within {timeout} s")
        page.wait_for_timeout(250)


def click(page, k, cls):
    """Click control ``cls`` (".avz-next", ".avz-prev", ".avz-play") of player ``k``."""
    return page.evaluate(_CLICK, [k, cls])


def focus(page, k=0):
    return page.evaluate(_FOCUS, k)


def wait_counter(page, k, text, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        now = state(page, k)
        if now and now["counter"] == text:
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"player {k} never showed {text!r}; it shows {now}")
        page.wait_for_timeout(100)


def contrast(page, k=0):
    return page.evaluate(_CONTRAST, k)


def active_box(page, k=0):
    return page.evaluate(_ACTIVE, k)


def squash(text):
    return " ".join(text.split())


def assert_readable(page, k=0, minimum=4.5, smallest_px=11):
    """Every text in player ``k`` at least ``minimum``:1 against its background and
    at least ``smallest_px`` tall; returns what was measured."""
    found = contrast(page, k)
    assert found, "no text found in the player"
    bad = [f for f in found if f["ratio"] < minimum]
    assert not bad, f"text below {minimum}:1 contrast: {bad[:8]}"
    small = [f for f in found if f["what"].startswith("svg") and 0 < f["px"] < smallest_px]
    assert not small, f"diagram text smaller than {smallest_px} px: {small[:5]}"
    return found


def assert_active_in_view(page, k=0):
    """The current frame's box lies inside the diagram's visible area (1 px slack)."""
    at = active_box(page, k)
    if at.get("none"):
        return at
    b, v = at["box"], at["view"]
    inside = b[0] >= v[0] - 1 and b[1] >= v[1] - 1 and b[2] <= v[2] + 1 and b[3] <= v[3] + 1
    assert inside, f"the active box {at['id']} at {b} is outside the visible diagram {v}"
    return at
