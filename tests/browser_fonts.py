"""Which font Chromium really drew each character of a page with (a plain module,
not a test file; tests/browser/test_vietnamese_fonts.py and test_marimo.py use it).

A font that lacks a precomposed letter such as ế but has e, the circumflex and
the combining acute is the trap: the browser shapes the decomposed sequence
with it, and the second mark lands beside the letter ("đêń").  A font that
lacks a symbol altogether draws an empty box.

Chromium reports the fonts it drew a node's text with (DevTools
``CSS.getPlatformFontsForNode``), but for a whole node: one character that
falls back to another font would hide the letters the first font botched.  So
each distinct character (grapheme cluster) outside ASCII is drawn alone, in a
probe element that inherits everything from the element holding it (a <span>,
a <tspan> in SVG text, a twin of a <select>'s font beside it), and the font
Chromium reports for that probe must hold every code point of the cluster in
its NFC form, as fontconfig's file for it says.  The probes are removed after.
Elements inside open shadow roots (marimo's widgets) are found too.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field

from font_files import characters, installed

_PROBE_JS = r"""
([roots, regions]) => {
  const SVGNS = "http://www.w3.org/2000/svg";
  const SKIP = new Set(["title", "desc", "style", "script", "noscript", "template",
                        "metadata", "option", "textarea", "input"]);
  const SVG_TEXT = new Set(["text", "tspan", "textPath"]);
  const seg = new Intl.Segmenter("vi", {granularity: "grapheme"});
  const deep = (sel) => {
    const out = [];
    const walk = (root) => {
      root.querySelectorAll(sel).forEach((e) => out.push(e));
      root.querySelectorAll("*").forEach((e) => { if (e.shadowRoot) { walk(e.shadowRoot); } });
    };
    walk(document);
    return out;
  };
  const shown = (e) => e.getClientRects().length > 0
    && getComputedStyle(e).visibility !== "hidden";
  const langOf = (e) => {
    for (let n = e; n; n = n.parentElement || (n.getRootNode().host || null)) {
      if (n.getAttribute && n.getAttribute("lang")) { return n.getAttribute("lang"); }
    }
    return "";
  };
  const probes = [], keys = new Map(), owners = [], done = new Set();
  const visit = (el) => {
    if (done.has(el) || SKIP.has(el.localName) || el.hasAttribute("data-avz-probe")) { return; }
    done.add(el);
    const svg = el.namespaceURI === SVGNS;
    let own;
    if (el.localName === "select") {
      own = el.selectedOptions.length ? el.selectedOptions[0].text : "";
    } else {
      own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join("");
    }
    own = own.normalize("NFC");
    const drawable = !svg || SVG_TEXT.has(el.localName);
    if (drawable && /[^\x00-\x7f]/.test(own) && shown(el)) {
      const cs = getComputedStyle(el);
      const font = [cs.fontFamily, cs.fontWeight, cs.fontStyle, cs.fontStretch, langOf(el),
                    svg].join("|");
      const clusters = [];
      for (const {segment} of seg.segment(own)) {
        if (/^[\x00-\x7f]*$/.test(segment) || /^\s+$/u.test(segment)
            || /^[\u200b-\u200f\u2060\ufeff]+$/u.test(segment)) { continue; }
        const key = font + "|" + segment;
        if (!keys.has(key)) {
          let probe;
          if (svg) {
            probe = document.createElementNS(SVGNS, "tspan");
            el.appendChild(probe);
          } else if (el.localName === "select") {
            probe = document.createElement("span");
            for (const p of ["fontFamily", "fontWeight", "fontStyle", "fontStretch",
                             "fontSize"]) { probe.style[p] = cs[p]; }
            el.after(probe);
          } else {
            probe = document.createElement("span");
            el.appendChild(probe);
          }
          probe.textContent = segment;
          probe.setAttribute("data-avz-probe", "");
          keys.set(key, probes.length);
          probes.push({node: probe, cluster: segment});
        }
        if (!clusters.includes(keys.get(key))) { clusters.push(keys.get(key)); }
      }
      const inside = {};
      for (const [name, sel] of Object.entries(regions)) { inside[name] = !!el.closest(sel); }
      owners.push({text: own.trim().slice(0, 80), probes: clusters, regions: inside,
                   tag: el.localName});
    }
    for (const c of el.children) { visit(c); }
    if (el.shadowRoot) { for (const c of el.shadowRoot.children) { visit(c); } }
  };
  for (const r of deep(roots)) { visit(r); }
  window.__avzProbes = probes.map((p) => p.node);
  return {probes: probes.map((p) => p.cluster), owners: owners};
}
"""

_CLEAN_JS = (
    "() => { (window.__avzProbes || []).forEach((p) => p.remove()); delete window.__avzProbes; }"
)


@functools.cache
def _font_files():
    """PostScript name or family name -> font file, as fontconfig lists them."""
    files = {}
    for ps, families, path in installed() or ():
        for name in [ps, *families]:
            files.setdefault(name, path)
    return files


def _needs(cluster):
    """The code points a font must hold itself to draw ``cluster`` whole."""
    return set(unicodedata.normalize("NFC", cluster))


@dataclass
class FontReport:
    problems: list = field(default_factory=list)  # one sentence per badly drawn character
    owners: list = field(default_factory=list)  # elements holding such text, and where
    fonts: dict = field(default_factory=dict)  # cluster -> families it was drawn with

    def drawn(self, region=None):
        """Elements (in ``region``, one of the names given) whose text was drawn."""
        return [
            o for o in self.owners if o["drawn"] and (region is None or o["regions"].get(region))
        ]

    def __str__(self):
        return "\n".join(self.problems) or f"{len(self.drawn())} elements drawn whole"


def check_fonts(page, roots, regions=None):
    """Every character outside ASCII in the elements under ``roots`` (a CSS
    selector, also matched inside shadow roots), drawn alone: which fonts
    Chromium used, and whether they hold it.  ``regions`` ({name: selector})
    marks which owners lie inside which parts, for the caller's coverage checks."""
    found = page.evaluate(_PROBE_JS, [roots, regions or {}])
    report = FontReport()
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        cdp.send("DOM.getDocument", {"depth": 0})
        used = []
        for k in range(len(found["probes"])):
            ref = cdp.send("Runtime.evaluate", {"expression": f"window.__avzProbes[{k}]"})
            node = cdp.send("DOM.requestNode", {"objectId": ref["result"]["objectId"]})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            used.append(fonts)
    finally:
        try:
            page.evaluate(_CLEAN_JS)
        finally:
            cdp.detach()
    bad = {}
    for k, (cluster, fonts) in enumerate(zip(found["probes"], used)):
        if not fonts:  # nothing drawn (a collapsed part): nothing to misdraw
            continue
        covered = set()
        for font in fonts:
            path = _font_files().get(font["postScriptName"]) or _font_files().get(
                font["familyName"]
            )
            assert path, f"fontconfig does not list the font Chromium used: {font}"
            covered |= characters(path)
        names = ", ".join(f["familyName"] for f in fonts)
        report.fonts.setdefault(cluster, set()).update(f["familyName"] for f in fonts)
        missing = _needs(cluster) - covered
        if missing:
            letter = any(unicodedata.category(c).startswith("L") for c in _needs(cluster))
            how = "with a detached accent" if letter else "as an empty box"
            bad[k] = f"{cluster} is drawn in {names}, which lacks it: the browser draws it {how}"
    for owner in found["owners"]:
        owner["drawn"] = all(used[k] for k in owner["probes"])
        for k in owner["probes"]:
            if k in bad:
                report.problems.append(f"{owner['text']!r} <{owner['tag']}>: {bad[k]}")
        report.owners.append(owner)
    return report


def platform_fonts(page, selector):
    """The family names Chromium drew each element matching ``selector`` with
    (the whole element's text; read only, nothing is added to the page)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
        return [
            {
                f["familyName"]
                for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": n})["fonts"]
            }
            for n in found["nodeIds"]
        ]
    finally:
        cdp.detach()
