"""The font decision lives in one place, and what it names covers Vietnamese.

* No module but render/style.py names a font family (text_width.py opens the
  measured font's files, which is its job): every SVG, HTML and DOT output
  reads style.py's constants.
* The font the diagrams' boxes are measured in comes first, and (from
  matplotlib's copy, the one resvg draws PNGs with) holds every precomposed
  Vietnamese letter; so does every font of both stacks installed here.
* No stack names DejaVu Sans Mono or Menlo (they lack the stacked letters) or
  ends in a generic family before a font that has them.
The browser side (which fonts Chromium really used) is
tests/browser/test_vietnamese_fonts.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from font_files import characters, installed

from autograd_viz.render import style

PACKAGE = Path(style.__file__).resolve().parents[1]
FONT_WORDS = re.compile(
    r"DejaVu|Helvetica|Arial|Segoe|Roboto|Noto Sans|Menlo|Consolas|monospace|sans-serif|"
    r"font-family\s*:\s*[A-Za-z\"']"
)
OWNERS = {"render/style.py", "render/text_width.py"}

# every precomposed letter Vietnamese uses: the 12 vowels with their 5 tones, and đ
VIETNAMESE = "".join(
    sorted(
        {
            *"ăâđêôơưĂÂĐÊÔƠƯ",
            *(chr(c) for c in range(0x1EA0, 0x1EFA)),
            *"àáãèéìíòóõùúýÀÁÃÈÉÌÍÒÓÕÙÚÝĩũĨŨ",
        }
    )
)


def _strings(tree):
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node


def test_only_style_py_names_fonts():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in OWNERS:
            continue
        for node in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            m = FONT_WORDS.search(node.value)
            if m:
                found.append(f"{rel}:{node.lineno}: {m.group(0)!r} in {node.value[:60]!r}")
    assert not found, "fonts named outside render/style.py:\n" + "\n".join(found)


def _families(stack):
    return [name.strip() for name in stack.split(",")]


def test_the_measured_font_leads_and_no_stack_names_a_font_without_the_letters():
    assert _families(style.FONT_FAMILY)[0] == style.MEASURED_FONT
    assert style.DOT_FONT == style.MEASURED_FONT
    for stack in (style.FONT_FAMILY, style.MONO_FAMILY):
        names = _families(stack)
        assert not {"DejaVu Sans Mono", "Menlo", "monospace", "Helvetica"} & set(names), stack
        generic = [i for i, n in enumerate(names) if n in ("sans-serif", "serif", "monospace")]
        assert generic == [len(names) - 1], f"a generic family must come last: {stack}"
    for css in (style.FONT_CSS, style.font_style(), style.font_style(mono=True)):
        assert style.FONT_FAMILY in css or style.MONO_FAMILY in css


def test_the_measured_font_shipped_with_matplotlib_has_every_vietnamese_letter():
    from autograd_viz.render import raster

    files = raster._font_files()
    assert files, "matplotlib's DejaVu Sans (what PNGs are drawn with) was not found"
    for path in files:
        missing = [c for c in VIETNAMESE if c not in characters(path)]
        assert not missing, f"{path} lacks {''.join(missing)}"


def test_every_font_of_both_stacks_installed_here_has_every_vietnamese_letter():
    fonts = installed()
    if fonts is None:
        pytest.skip("fontconfig's fc-list is not installed here")
    wanted = set(_families(style.FONT_FAMILY) + _families(style.MONO_FAMILY))
    checked = set()
    for _, families, path in fonts:
        name = families[0]
        if name not in wanted or not path.endswith((".ttf", ".otf")):
            continue
        missing = [c for c in VIETNAMESE if c not in characters(path)]
        assert not missing, f"{name} ({path}) lacks {''.join(missing)}"
        checked.add(name)
    if any(style.MEASURED_FONT in families for _, families, _ in fonts):
        assert style.MEASURED_FONT in checked
