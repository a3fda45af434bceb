"""Start JupyterLab as `make lab` does: with the project's custom CSS.

JupyterLab's code font on Linux (DejaVu Sans Mono) draws Vietnamese letters
with a detached accent; jupyter/custom/custom.css gives those letters a font
that has them.  JupyterLab loads custom.css (with ``--LabApp.custom_css``) from
one place only, the custom/ folder of the Jupyter config directory, so this
makes jupyter/ that directory for the server it starts, and keeps what the
user's own config directory held in reach, nothing written to it:

* its config files (jupyter_server_config.*, labconfig/page_config.json)
  through JUPYTER_CONFIG_PATH, which Jupyter searches after the config
  directory;
* the settings and workspaces JupyterLab saves there, through
  JUPYTERLAB_SETTINGS_DIR and JUPYTERLAB_WORKSPACES_DIR (a value the user set
  is kept).

    python tools/lab.py [jupyter lab options...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parents[1] / "jupyter"
LAB_OPTIONS = ["--LabApp.custom_css=True"]


def lab_environment(env):
    """``env`` (a mapping of environment variables) changed to start JupyterLab
    with CONFIG_DIR as its config directory, the user's own one still read."""
    from jupyter_core.paths import jupyter_config_dir

    # jupyter_config_dir() reads os.environ; ``env`` may name another directory
    user = env.get("JUPYTER_CONFIG_DIR") or jupyter_config_dir()
    new = dict(env)
    new["JUPYTER_CONFIG_DIR"] = str(CONFIG_DIR)
    new["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        filter(None, [user, env.get("JUPYTER_CONFIG_PATH")])
    )
    new.setdefault("JUPYTERLAB_SETTINGS_DIR", os.path.join(user, "lab", "user-settings"))
    new.setdefault("JUPYTERLAB_WORKSPACES_DIR", os.path.join(user, "lab", "workspaces"))
    return new


def lab_command(options):
    """The command that starts JupyterLab with ``options`` and the custom CSS."""
    return [sys.executable, "-m", "jupyter", "lab", *LAB_OPTIONS, *options]


def main(argv=None):
    command = lab_command(sys.argv[1:] if argv is None else argv)
    os.execve(command[0], command, lab_environment(os.environ))


if __name__ == "__main__":
    main()
