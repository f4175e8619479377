"""Keep generated figures and snippets current while the site builds or serves.

Before every build this runs ``python figures/build.py`` in a subprocess (so code
edited during ``mkdocs serve`` takes effect) and, under ``mkdocs serve``, watches
``figures/`` and ``rnncore/`` too. The build script writes only changed bytes,
so a rebuild never triggers another.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]


def on_pre_build(config):
    result = subprocess.run(
        [sys.executable, str(ROOT / "figures" / "build.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise PluginError(f"figures/build.py failed: {message[-1] if message else result.returncode}")


def on_serve(server, config, builder):
    for folder in ("figures", "rnncore"):
        server.watch(str(ROOT / folder))
    return server
