"""How a node looks: the colours, fonts and box sizes shared by the DOT text
and the painted frames, and the lines of text each node shows."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..i18n import t
from .text_width import text_width
from .values import value_lines

# ---------------------------------------------------------------- fonts
# Every letter we emit (the diagrams' SVG and DOT, the explanation panels, the
# ipywidgets and HTML players, exercise feedback, the quiz) is set in FONT_FAMILY;
# this is the one place that names fonts (FONT_CSS below carries it to stylesheets).
#
# Vietnamese stacks up to two marks on a vowel (ế ầ ẩ ặ ữ).  A font that lacks the
# precomposed letter but has the base letter and the combining marks is the
# trap: the browser shapes the decomposed sequence with it and the second mark
# lands beside the letter ("đêń"); DejaVu Sans Mono, JupyterLab's code font on
# Linux, is such a font, and so is nothing below.  Every family named here has
# all 134 precomposed Vietnamese letters, and the first one present wins:
#   Linux     DejaVu Sans (Debian/Ubuntu install it by default; `make install`
#             and CI install fonts-dejavu-core; it is also the font
#             text_width.py measures, so boxes fit exactly), else Noto Sans
#   ChromeOS  Noto Sans, Roboto, Arimo (all shipped with the system)
#   Windows   Segoe UI (every version since Vista)
#   macOS     system-ui / -apple-system: San Francisco, which covers Vietnamese
#             (Helvetica is left out: not every macOS Helvetica has the letters,
#             and on Linux fontconfig maps it to whatever it likes)
# PNGs (raster.py) do not depend on the machine: resvg is handed matplotlib's own
# copy of DejaVu Sans (Bitstream Vera licence, free to redistribute; matplotlib
# is a dependency), so the pictures saved in notebooks always have the letters.
# The names are unquoted (each word is a CSS identifier), so one string serves
# CSS, SVG attributes and inline style attributes alike.
FONT_FAMILY = (
    "DejaVu Sans, Noto Sans, Roboto, Arimo, Segoe UI, system-ui, -apple-system, sans-serif"
)
# code listings and columns of numbers: monospace fonts with every Vietnamese
# letter; where none is installed (a bare Linux has only DejaVu Sans Mono, which
# lacks 46 of them) the text falls back to FONT_FAMILY's fonts, never to a
# monospace font that would detach the marks
MONO_FAMILY = (
    "Noto Sans Mono, Cascadia Mono, Consolas, Cousine, Roboto Mono, "
    "DejaVu Sans, Noto Sans, Segoe UI, system-ui, -apple-system, sans-serif"
)
FONT = FONT_FAMILY  # the painted diagrams' font-family attribute
# Graphviz takes one name: the font text_width.py measures.  The `dot` program
# finds it through fontconfig, the WebAssembly build has its metrics built in
# (a list of names would send it to its Times metrics, narrower than the text
# we paint), so group labels get room for the letters we draw.
MEASURED_FONT = "DejaVu Sans"  # text_width.py's glyph widths; raster.py draws PNGs in it
DOT_FONT = MEASURED_FONT
RASTER_FONT_FAMILY = f"{MEASURED_FONT}, sans-serif"  # PNGs: the measured font, whatever SVG says
# the stylesheet fragment every HTML output includes: each class that holds our
# text (the players and everything in them, including ipywidgets' own buttons
# and labels, which name JupyterLab's UI font; the panels, exercise feedback,
# the quiz, inline diagrams).  Inline styles (font_style) carry the same names
# where a <style> element may be dropped.
_WIDGET_TEXT = ":is(button, select, input, label, .widget-label, .widget-html-content)"
FONT_CSS = (
    f".autograd-viz, .avz-step, .avz-step {_WIDGET_TEXT}, .avz-player, .avz-text, .avz-quiz, "
    f".avz-quiz {_WIDGET_TEXT}, .av-result, .av-graphs {{ font-family: {FONT_FAMILY}; }}\n"
    f".avz-mono, .avz-step .avz-mono, .avz-quiz .avz-mono {{ font-family: {MONO_FAMILY}; }}\n"
)
# (named elements only: a rule for every descendant would also take the icon
# font away from ipywidgets' ▶ and ⏸ buttons, which are glyphs of Font Awesome)


def font_style(mono=False):
    """The inline ``style`` declaration for our font: an untrusted notebook's
    saved output loses every <style> element, but keeps inline styles."""
    return f"font-family: {MONO_FAMILY if mono else FONT_FAMILY}"


# ---------------------------------------------------------------- look
# Okabe-Ito colours (safe for the common colour-vision deficiencies), used as
# borders on pale tints of themselves so dark text stays high-contrast
FONT_SIZE = 16
SMALL_FONT_SIZE = 14
TEXT = "#1a1a1a"
LEAF_FILL, LEAF_LINE = "#dcedf8", "#0072b2"
OP_FILL, OP_LINE = "#fdf0d5", "#c98a00"
DETACHED_FILL, DETACHED_LINE = "#f7e3ee", "#cc79a7"
BACKWARD_FILL, BACKWARD_LINE = "#d8f1e8", "#009e73"
CONST_TEXT = "#444444"
GRAD_TEXT = "#a33f00"
TANGENT_TEXT = "#005a8e"  # Okabe-Ito blue, darkened: forward-mode tangents
EDGE = "#555555"
GROUP_LINE = "#8a8a8a"


# ---------------------------------------------------------------- labels


@dataclass(frozen=True)
class Line:
    text: str
    role: str  # "title", "value", "grad", "tangent", "const"


def dot_name(name):
    """A value's tangent, written the usual way: x -> ẋ, v1 -> v̇1 (the dot sits
    on the letter, not the index); longer names take the dot on their last letter."""
    name = str(name)
    if len(name) > 1 and name[0].isalpha() and name[1:].isdigit():
        dotted = name[0] + "\u0307" + name[1:]
    else:
        dotted = name + "\u0307"
    # precomposed where Unicode has the letter (ẋ, ẏ, ż): fonts draw those best
    return unicodedata.normalize("NFC", dotted)


def node_lines(node, lang, computed=True, grad=None, tangent=None):
    """The label of ``node`` as lines, in one of its states (``tangent``: the
    forward-mode tangent it carries, drawn under its value)."""
    data = node.data
    if node.kind == "const" or (node.kind == "ghost" and node.copy_of.kind == "const"):
        return [Line(x, "const") for x in value_lines(data, lang, "", max_entries=4)]
    if node.kind == "ghost":
        return [Line(node.name, "title")]
    lines = [Line(node.title, "title")]
    if computed:
        lines += [Line(x, "value") for x in value_lines(data, lang, "")]
    if tangent is not None:
        lines += [
            Line(x, "tangent") for x in value_lines(tangent, lang, dot_name(node.name) + " = ")
        ]
    if grad is not None:
        # a gradient the user asked for on an inner value (retain_grad, a tape
        # asked about it) is starred, so it stands out from the ones drawn anyway
        prefix = ("★ " if node.asked else "") + t("grad", lang) + ": "
        lines += [Line(x, "grad") for x in value_lines(grad, lang, prefix)]
    return lines


# a box's padding around its text and smallest size, in points: Graphviz's
# margin="0.16,0.09" and default 0.75 x 0.5 inch box (0.04 and 0.2 inch for
# the plain text of constants)
PAD_X, PAD_Y, MIN_W, MIN_H = 11.52, 6.48, 54.0, 36.0
CONST_PAD, CONST_MIN = 2.88, 14.4
LINE_GAP = 1.2  # line height as a multiple of the font size


def line_font(line):
    """(font size, bold) a line is painted with."""
    if line.role == "const":
        return SMALL_FONT_SIZE, False
    return FONT_SIZE, line.role in ("title", "grad", "tangent")


def box_size(node, states):
    """(width, height) in points of a box that fits every state's lines
    (``states``: a list of line lists) with the usual padding."""
    width = height = 0.0
    for lines in states:
        h = 0.0
        for line in lines:
            size, bold = line_font(line)
            width = max(width, text_width(line.text, size, bold))
            h += size * LINE_GAP
        height = max(height, h)
    if node.kind == "const":
        return (max(width + 2 * CONST_PAD, CONST_MIN), max(height + 2 * CONST_PAD, CONST_MIN))
    return max(width + 2 * PAD_X, MIN_W), max(height + 2 * PAD_Y, MIN_H)


def node_style(node):
    """(shape, style, fill, line colour) for a node's normal state."""
    if node.kind == "const":
        return "plaintext", "", "none", "none"
    if node.kind == "ghost" or node.cut:
        return "box", "filled,dashed", "white", GROUP_LINE
    if node.from_backward:
        fill, line = BACKWARD_FILL, BACKWARD_LINE
    elif node.detached:
        fill, line = DETACHED_FILL, DETACHED_LINE
    elif node.kind == "op":
        fill, line = OP_FILL, OP_LINE
    else:
        fill, line = LEAF_FILL, LEAF_LINE
    style = ["filled"]
    if node.kind == "op":
        style.append("rounded")
    if node.detached:
        style.append("dashed")
    return "box", ",".join(style), fill, line
