// The step-through player: one layout and what changes per frame (see
// autograd_viz/render/frames/film.py), stepped in the browser.  The same code
// runs as the notebook widget (anywidget wraps it in an ES module), in the
// output a notebook keeps for viewers without widgets, and in .to_html files.
// Plain ES5-style functions so it also runs as a classic inline <script>.

function avzPlayer(root, film, o) {
  "use strict";
  var L = o.labels, SVGNS = "http://www.w3.org/2000/svg";
  var MIN_SCALE = o.minScale || 0.75;
  var state = [], cur = -1, timer = null, wraps = null, dark = null, cache = {};
  var observer = null, media = null;

  avzStyle(root, o.css);
  root.classList.add("avz-player");
  root.setAttribute("tabindex", "0");
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", L.title);
  root.setAttribute("lang", o.lang || "en");
  // JupyterLab leaves keys pressed inside this element to us (no cell moves)
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.innerHTML = "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function button(cls, label) {
    var b = el("button", "avz-button " + cls);
    b.type = "button";
    b.setAttribute("aria-label", label);
    return b;
  }
  var scroller = el("div", "avz-diagram");
  var box = el("div", "avz-svgbox");
  box.setAttribute("role", "img");
  scroller.appendChild(box);
  var controls = el("div", "avz-controls");
  controls.setAttribute("role", "group");
  controls.setAttribute("aria-label", L.controls);
  var play = button("avz-play", L.play);
  play.textContent = "\u25B6 " + L.play;
  var prev = button("avz-prev", L.prev);
  prev.textContent = "\u25C0 " + L.prev;
  var slider = el("input", "avz-slider");
  slider.type = "range";
  slider.min = "0";
  slider.step = "1";
  slider.setAttribute("aria-label", L.step);
  var next = button("avz-next", L.next);
  next.textContent = L.next + " \u25B6";
  var counter = el("span", "avz-counter");
  counter.setAttribute("aria-hidden", "true");  // the slider's value text says it
  var speedLabel = el("label", "avz-speed", L.speed + " ");
  var speed = el("select", "avz-speed-select");
  speed.setAttribute("aria-label", L.speed);
  for (var s = 0; s < L.speeds.length; s++) {
    var opt = el("option", null, L.speeds[s][0]);
    opt.value = String(L.speeds[s][1]);
    if (L.speeds[s][1] === L.defaultSpeed) { opt.selected = true; }
    speed.appendChild(opt);
  }
  speedLabel.appendChild(speed);
  [play, prev, slider, next, counter, speedLabel].forEach(function (c) { controls.appendChild(c); });
  var panel = el("section", "avz-panel");
  panel.setAttribute("aria-live", "polite");
  panel.setAttribute("aria-atomic", "true");
  var title = el("div", "avz-title");
  var explanation = el("div", "avz-explanation");
  panel.appendChild(title);
  panel.appendChild(explanation);
  var keys = el("div", "avz-keys", L.keys);
  [scroller, controls, panel, keys].forEach(function (c) { root.appendChild(c); });

  // -- the picture ------------------------------------------------------------
  // dark pages get the same snippets with their colours swapped (film.dark)
  function part(id) {
    var text = film.parts[id];
    if (!dark || !film.dark) { return text; }
    var key = id;
    if (!(key in cache)) {
      cache[key] = text.replace(/(fill|stroke)="(#[0-9a-fA-F]{6}|white)"/g, function (m, attr, c) {
        var swap = film.dark[c.toLowerCase()];
        return swap ? attr + '="' + swap + '"' : m;
      });
    }
    return cache[key];
  }
  function advance(to) {
    // going back replays from the last full picture at or before `to`
    var old = state, from = cur;
    state = state.slice();
    if (cur < 0 || to < cur) {
      from = to;
      while (from > 0 && !film.frames[from].reset) { from--; }
      from -= 1;
    }
    for (var k = from + 1; k <= to; k++) {
      var f = film.frames[k];
      if (f.reset) { state = f.reset.slice(); }
      var sets = f.set || [];
      for (var j = 0; j < sets.length; j++) { state[sets[j][0]] = sets[j][1]; }
    }
    cur = to;
    var changed = {};
    if (old.length !== state.length) { return {full: true, changed: changed}; }
    for (var i = 0; i < state.length; i++) { if (old[i] !== state[i]) { changed[i] = true; } }
    return {full: false, changed: changed};
  }
  function draw(change) {
    var last = state.length - 1;
    if (!change.full && wraps && !change.changed[0] && !change.changed[last]) {
      for (var slot in change.changed) { wraps[slot].innerHTML = part(state[slot]); }
      return;
    }
    if (state.length < 3) {  // a picture in one piece (e.g. the two modes side by side)
      box.innerHTML = state.map(part).join("\n");
      wraps = null;
    } else {
      // every slot but the head and the tail in its own <g>, to swap on its own
      var html = [part(state[0])];
      for (var i = 1; i < last; i++) {
        html.push('<g data-avz-slot="' + i + '">' + part(state[i]) + "</g>");
      }
      html.push(part(state[last]));
      box.innerHTML = html.join("\n");
      wraps = {};
      var found = box.querySelectorAll("g[data-avz-slot]");
      for (var w = 0; w < found.length; w++) { wraps[found[w].getAttribute("data-avz-slot")] = found[w]; }
    }
    fit();
  }
  // natural size, shrunk to fit the width but never below MIN_SCALE (then it scrolls)
  function fit() {
    var svg = box.querySelector("svg");
    if (!svg) { return; }
    var m = /^([\d.]+)(pt|px)?$/.exec(svg.getAttribute("width") || "");
    var natural = m ? parseFloat(m[1]) * (m[2] === "pt" ? 4 / 3 : 1) : 0;
    svg.setAttribute("aria-hidden", "true");
    svg.style.height = "auto";
    if (natural) {
      svg.style.width = "100%";
      svg.style.maxWidth = natural + "px";
      svg.style.minWidth = Math.round(natural * MIN_SCALE) + "px";
    }
  }
  // keep the box this frame is about inside the scrolled area, both ways
  function follow(node) {
    if (!node) { return; }
    var groups = box.querySelectorAll("g[id]"), g = null;
    for (var k = 0; k < groups.length; k++) { if (groups[k].id === node) { g = groups[k]; break; } }
    if (!g) { return; }
    var r = g.getBoundingClientRect(), v = scroller.getBoundingClientRect(), pad = 12;
    if (r.left < v.left + pad || r.right > v.right - pad) {
      scroller.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
    }
    if (r.top < v.top + pad || r.bottom > v.bottom - pad) {
      scroller.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
    }
  }

  // -- stepping -------------------------------------------------------------------
  var n = film.frames.length;
  function show(i, quiet) {
    i = Math.max(0, Math.min(n - 1, i | 0));
    if (i === cur && box.firstChild) { return; }
    var f = film.frames[i];
    retheme();
    draw(advance(i));
    var where = L.step_of.replace("{i}", i + 1).replace("{n}", n).replace("{title}", f.title);
    box.setAttribute("aria-label", L.graph.replace("{i}", i + 1).replace("{n}", n)
      .replace("{title}", f.title));
    panel.className = "avz-panel avz-" + f.kind;
    title.textContent = f.title;
    explanation.innerHTML = f.html;
    slider.max = String(n - 1);
    slider.value = String(i);
    slider.setAttribute("aria-valuetext", where);
    counter.textContent = (i + 1) + " / " + n;
    prev.disabled = i === 0;
    next.disabled = i === n - 1;
    play.disabled = n < 2;
    // one still picture (the quiz's question): no controls, no empty panel
    root.classList.toggle("avz-single", n < 2);
    panel.hidden = !f.title && !f.html;
    follow(f.node);
    if (i === n - 1) { stop(); }
    if (!quiet && o.onIndex) { o.onIndex(i); }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "\u25B6 " + L.play;
    play.setAttribute("aria-label", L.play);
  }
  function start() {
    if (cur === n - 1) { show(0); }
    stop();
    timer = setInterval(function () { show(cur + 1); }, Number(speed.value));
    play.textContent = "\u23F8 " + L.pause;
    play.setAttribute("aria-label", L.pause);
  }
  function toggle() { if (timer === null) { start(); } else { stop(); } }

  play.addEventListener("click", toggle);
  prev.addEventListener("click", function () { stop(); show(cur - 1); });
  next.addEventListener("click", function () { stop(); show(cur + 1); });
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  speed.addEventListener("change", function () { if (timer !== null) { start(); } });
  // keys anywhere in the player once it has focus; the page (a notebook) never sees them
  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "SELECT" || tag === "TEXTAREA") { return; }
    var k = e.key;
    if (k === "ArrowRight") { stop(); show(cur + 1); }
    else if (k === "ArrowLeft") { stop(); show(cur - 1); }
    else if (k === "Home") { stop(); show(0); }
    else if (k === "End") { stop(); show(n - 1); }
    else if (k === " " || k === "Spacebar") { if (e.type === "keydown" && !e.repeat) { toggle(); } }
    else { return; }
    e.preventDefault();
    e.stopPropagation();
  }
  root.addEventListener("keydown", onKey);
  // a focused button would also click on space's keyup: that is our toggle already
  root.addEventListener("keyup", function (e) {
    if (e.key === " " || e.key === "Spacebar") { e.preventDefault(); e.stopPropagation(); }
  });

  // -- the page's theme ------------------------------------------------------------
  // the player inherits the page's text colour: light text means a dark theme
  // (JupyterLab Dark, marimo, VS Code, a dark system theme for .to_html files)
  var probe = null;
  function rgb(colour) {
    var m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(colour || "");
    if (m) { return [m[1], m[2], m[3]]; }
    // oklch(), lab(), color(...): let a canvas turn it into sRGB
    try {
      probe = probe || document.createElement("canvas").getContext("2d");
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = "#000";
      probe.fillStyle = colour;
      probe.fillRect(0, 0, 1, 1);
      var d = probe.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2]];
    } catch (e) { return null; }
  }
  function luminance(colour) {
    var c = colour ? rgb(colour) : null;
    if (!c) { return 0; }
    c = c.map(function (v) {
      v = Number(v) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function retheme() {
    var now = luminance(getComputedStyle(root).color) > 0.4;
    if (now === dark) { return; }
    dark = now;
    cache = {};
    root.classList.toggle("avz-dark", dark);
    if (cur >= 0) { draw({full: true, changed: {}}); follow(film.frames[cur].node); }
  }
  retheme();
  if (typeof MutationObserver !== "undefined") {
    observer = new MutationObserver(function () { retheme(); });
    [document.documentElement, document.body].forEach(function (t) {
      if (t) { observer.observe(t, {attributes: true, attributeFilter: ["class", "style", "data-jp-theme-light", "data-theme", "theme"]}); }
    });
  }
  if (window.matchMedia) {
    media = window.matchMedia("(prefers-color-scheme: dark)");
    if (media.addEventListener) { media.addEventListener("change", retheme); }
  }

  show(o.start || 0, true);
  // a widget is drawn before the notebook attaches it, and a page may style itself
  // late (marimo's theme): look again while the page settles
  var settling = null;
  (function settle(tries) {
    if (root.isConnected) {
      retheme();
      if (cur >= 0 && tries % 4 === 0) { follow(film.frames[cur].node); }
    }
    if (tries > 0) { settling = setTimeout(function () { settle(tries - 1); }, 250); }
  })(24);
  return {
    show: function (i) { if (i !== cur) { stop(); show(i, true); } },
    index: function () { return cur; },
    load: function (data, i) {
      film = data; n = film.frames.length; cur = -1; cache = {}; wraps = null;
      show(i || 0, true);
    },
    destroy: function () {
      stop();
      clearTimeout(settling);
      if (observer) { observer.disconnect(); }
      if (media && media.removeEventListener) { media.removeEventListener("change", retheme); }
    },
  };
}

// the stylesheet once per document (or per shadow root, where marimo puts widgets)
function avzStyle(root, css) {
  if (!css) { return; }
  var host = root.getRootNode ? root.getRootNode() : document;
  var where = host.head || (host === document ? document.head : host);
  if (!where || (where.querySelector && where.querySelector("style[data-avz-css]"))) { return; }
  var style = document.createElement("style");
  style.setAttribute("data-avz-css", "");
  style.textContent = css;
  where.appendChild(style);
}

// a saved notebook's kernel-free copy steps aside when the live widget shows
function avzHideCopies(key) {
  var copies = document.querySelectorAll('[data-avz-copy="' + key + '"]');
  for (var k = 0; k < copies.length; k++) {
    var area = copies[k].closest(".jp-OutputArea-child, .output_area") || copies[k];
    area.style.display = "none";
  }
}

// the copy playing in JupyterLab in place of a widget whose state was not saved
// (JupyterLab saves none by default): its "model not found" line next to the
// working player would only confuse; hide it while the notebook settles
function avzTidy(root, tries) {
  var area = root.closest ? root.closest(".jp-OutputArea") : null;
  if (!area || root.offsetParent === null) { return; }
  var views = area.querySelectorAll(".jupyter-widgets");
  for (var k = 0; k < views.length; k++) {
    if (!views[k].querySelector(".avz-player") && /model not found/.test(views[k].textContent)) {
      (views[k].closest(".jp-OutputArea-child") || views[k]).style.display = "none";
    }
  }
  if (tries > 0) { setTimeout(function () { avzTidy(root, tries - 1); }, 500); }
}
