"""Render the pictures of README.md into docs/img/ with the current code.

    python tools/render_readme_images.py

docs/img/backward_step.png  one backward frame of a step-through (diagram and
                            chain-rule text), rasterised by headless chromium
docs/img/neuron_graph.png   av.draw(loss) of one tanh neuron, after backward
                            (needs Graphviz's `dot`, which can write PNG)
docs/img/forward_mode.png   the last frame of av.step_through(z, mode="forward", wrt=x):
                            values and tangents, the tangent rule and reverse mode's check
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import autograd_viz as av  # noqa: E402

IMG = ROOT / "docs" / "img"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]


def neuron():
    x = av.tensor(0.5, name="x")
    w = av.tensor(-1.5, requires_grad=True, name="w")
    b = av.tensor(0.8, requires_grad=True, name="b")
    loss = (av.tanh(w * x + b) - 1) ** 2
    loss.name = "loss"
    loss.backward()
    return loss


def used_twice():
    """u = x·y, v = u + x, L = v·y: the last backward frame adds two contributions."""
    x = av.tensor(2.0, requires_grad=True, name="x")
    y = av.tensor(3.0, requires_grad=True, name="y")
    u = x * y
    v = u + x
    L = v * y
    u.name, v.name, L.name = "u", "v", "L"
    L.backward()
    return L


def forward_example():
    """z = sin(x·y) + x, seeded at x: the tangent of z is dz/dx."""
    x = av.tensor(2.0, requires_grad=True, name="x")
    y = av.tensor(3.0, requires_grad=True, name="y")
    u = x * y
    z = av.sin(u) + x
    u.name, z.name = "u", "z"
    return z, x


def frame_page(frame, colour="#cf222e"):
    start = frame.svg.find("<svg")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        "body{margin:0;padding:16px;background:#fff;font-family:'DejaVu Sans',sans-serif}"
        "#card{display:inline-block}"
        ".t{font-weight:600;margin:10px 0 4px}"
        "pre{font-family:'DejaVu Sans Mono',monospace;font-size:14px;margin:0;"
        f"border-left:4px solid {colour};background:#f6f8fa;padding:6px 12px}}"
        "</style></head><body><div id='card'>"
        f"{frame.svg[start:]}<div class='t'>{html.escape(frame.title)}</div>"
        f"<pre>{html.escape(frame.text)}</pre></div></body></html>"
    )


def screenshot(page_html, path):
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "page.html"
        page_file.write_text(page_html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                headless=True,
                args=CHROMIUM_ARGS,
            )
            page = browser.new_page(viewport={"width": 900, "height": 400}, device_scale_factor=2)
            page.goto(page_file.as_uri())
            page.locator("#card").screenshot(path=str(path))
            browser.close()


def main():
    IMG.mkdir(parents=True, exist_ok=True)
    steps = av.step_through(used_twice())
    frame = steps.frames[-1]
    assert frame.kind == "backward", frame.title
    out = IMG / "backward_step.png"
    screenshot(frame_page(frame), out)
    print(out.relative_to(ROOT))
    out = av.draw(neuron()).save(IMG / "neuron_graph.png")
    print(out.relative_to(ROOT))
    z, x = forward_example()
    frame = av.step_through(z, mode="forward", wrt=x).frames[-1]
    assert frame.kind == "tangent", frame.title
    out = IMG / "forward_mode.png"
    screenshot(frame_page(frame, colour="#0969da"), out)
    print(out.relative_to(ROOT))


if __name__ == "__main__":
    main()
