"""jupyter/custom/custom.css (what `make lab` loads, tools/lab.py) against the
fonts style.py names and the letters Vietnamese writes; and tools/lab.py's
environment, which must keep the user's own Jupyter config in reach."""

from __future__ import annotations

import importlib.util
import re
import unicodedata

from browser_support import REPO

from autograd_viz.render.style import MONO_FAMILY

# the rules, without the comments
CSS = re.sub(r"/\*.*?\*/", "", (REPO / "jupyter" / "custom" / "custom.css").read_text(), flags=re.S)


def _lab():
    spec = importlib.util.spec_from_file_location("lab", REPO / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ranges():
    (text,) = re.findall(r"unicode-range:([^;]*);", CSS)
    spans = re.findall(r"U\+([0-9A-F]+)(?:-([0-9A-F]+))?", text)
    return [(int(a, 16), int(b or a, 16)) for a, b in spans]


def test_the_css_names_style_py_fonts_in_its_order():
    # each family by its own name (full and PostScript names besides), in order
    mono = [f.strip() for f in MONO_FAMILY.split(",")]
    mono = mono[: mono.index("DejaVu Sans") + 1]
    names = re.findall(r'local\("([^"]+)"\)', CSS)
    assert [n for n in names if n in mono] == mono, names


def test_the_css_takes_every_letter_latin_1_lacks():
    # every precomposed Vietnamese letter: the vowels with each tone mark, and đ
    base = "aăâeêioôơuưy"
    marks = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    letters = {unicodedata.normalize("NFC", b + m) for b in base for m in marks} | {"đ"}
    letters |= {c.upper() for c in letters}
    letters = {c for c in letters if ord(c) > 0x7F}  # a e i o u y are ASCII
    assert len(letters) == 134
    taken = [chr(c) for a, b in _ranges() for c in range(a, b + 1)]
    outside = sorted(c for c in letters if c not in taken and ord(c) > 0xFF)
    assert not outside, outside
    assert {chr(c) for c in (0x300, 0x301, 0x303, 0x309, 0x323)} <= set(taken)
    # and nothing English code is made of
    assert not [c for c in taken if ord(c) < 0x100], "Latin-1 stays in the code font"


def test_lab_keeps_the_users_own_config(tmp_path):
    lab = _lab()
    user = tmp_path / "mine"
    env = lab.lab_environment({"JUPYTER_CONFIG_DIR": str(user), "JUPYTER_CONFIG_PATH": "/x"})
    assert env["JUPYTER_CONFIG_DIR"] == str(REPO / "jupyter")
    assert env["JUPYTER_CONFIG_PATH"].split(":") == [str(user), "/x"]
    assert env["JUPYTERLAB_SETTINGS_DIR"] == str(user / "lab" / "user-settings")
    assert env["JUPYTERLAB_WORKSPACES_DIR"] == str(user / "lab" / "workspaces")
    own = lab.lab_environment({"HOME": str(tmp_path), "JUPYTERLAB_SETTINGS_DIR": "/s"})
    assert own["JUPYTERLAB_SETTINGS_DIR"] == "/s"
    assert "--LabApp.custom_css=True" in lab.lab_command(["--no-browser"])
