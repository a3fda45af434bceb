"""Run a notebook *source* (notebooks/src/) directly, one framework's tabs at a time.

The sources mark each framework's cells with a first line ``%%tab pytorch``
(or ``tensorflow``, ``mxnet``, ``jax``, a comma list, or ``all``), and the
build turns one source into one notebook per framework.  A teacher who opens
a source in JupyterLab and runs it needs that line to mean something::

    %load_ext autograd_viz.tabs
    %tab jax                 # which framework's cells run (default: pytorch)

Then a ``%%tab`` cell runs when it names the chosen framework (or ``all``)
and is skipped, saying so, otherwise.  Loading the extension twice is harmless.
"""

from __future__ import annotations

from .i18n import MESSAGES

FRAMEWORKS = ("pytorch", "tensorflow", "mxnet", "jax")
DEFAULT = "pytorch"


class Tabs:
    """Which framework's cells run: the ``%tab`` magic sets it, the input
    transformer reads it."""

    def __init__(self, shell, framework=DEFAULT):
        self.shell = shell
        self.framework = framework

    def choose(self, line):
        """``%tab NAME``: run NAME's cells from now on; ``%tab`` alone says which."""
        name = line.strip()
        if not name:
            print(MESSAGES.text("tab_running", framework=self.framework))
            return
        if name not in FRAMEWORKS:
            raise MESSAGES.error(ValueError, "tab_unknown", name=name, names=", ".join(FRAMEWORKS))
        self.framework = name

    def transform(self, lines):
        """An input transformer: a cell whose first line is ``%%tab NAMES`` becomes
        its own code when NAMES has the chosen framework, else a note that it was
        skipped.  The code then runs as an ordinary cell would (its errors and its
        last value show as usual), which a cell magic running it could not give."""
        if not lines or not lines[0].startswith("%%tab"):
            return lines
        spec = lines[0][len("%%tab") :].strip()
        names = [n.strip() for n in spec.split(",") if n.strip()]
        unknown = [n for n in names if n != "all" and n not in FRAMEWORKS]
        if not names or unknown:
            problem = MESSAGES.text("tab_bad_cell", spec=spec, names=", ".join(FRAMEWORKS))
            return [f"raise ValueError({problem!r})\n"]
        if "all" in names or self.framework in names:
            return lines[1:]
        note = MESSAGES.text(
            "tab_skipped", names=" / ".join(names), framework=self.framework, first=names[0]
        )
        return [f"print({note!r})\n"]


def load_ipython_extension(shell):
    if any(
        getattr(t, "__self__", None).__class__ is Tabs for t in shell.input_transformers_cleanup
    ):
        return
    tabs = Tabs(shell)
    shell.register_magic_function(tabs.choose, "line", "tab")
    shell.input_transformers_cleanup.append(tabs.transform)
