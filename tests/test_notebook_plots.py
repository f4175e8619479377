"""The site build's plotting backend for notebooks (docs/hooks/jupyter/guide_plots.py):
a plain matplotlib figure comes out twice, in the guide's light and dark figure themes."""
from __future__ import annotations

import base64
import importlib
import os
import re
import sys

import pytest

from conftest import ROOT

HOOKS = ROOT / "docs" / "hooks"


@pytest.fixture
def guide_plots(monkeypatch):
    for path in (str(ROOT), str(HOOKS), str(HOOKS / "jupyter")):
        monkeypatch.syspath_prepend(path)
    import notebooks

    monkeypatch.setenv("GUIDE_PLOT_THEMES", notebooks.plot_themes())
    import matplotlib

    with matplotlib.rc_context():
        sys.modules.pop("guide_plots", None)
        yield importlib.import_module("guide_plots")
    sys.modules.pop("guide_plots", None)


def test_a_plain_figure_comes_out_in_both_themes(guide_plots):
    from matplotlib.figure import Figure

    from figures.style import THEMES

    figure = Figure(figsize=(4, 3))
    axes = figure.subplots()
    line, = axes.semilogy([0, 1, 2], [1, 10, 100], label="first series")
    axes.semilogy([0, 1, 2], [2, 20, 200], "--", color=line.get_color())
    axes.set_xlabel("distance")
    axes.set_ylabel("norm")
    axes.legend()
    block = guide_plots.themed_html(figure)
    images = re.findall(r'src="data:image/svg\+xml;base64,([^"#]+)#only-(light|dark)"', block)
    assert [scheme for _, scheme in images] == ["light", "dark"]
    assert 'alt="Plot of norm against distance on a logarithmic axis"' in block
    for payload, scheme in images:
        svg = base64.b64decode(payload).decode()
        own, other = THEMES[scheme], THEMES["dark" if scheme == "light" else "light"]
        for colour in (own.ink, own.prediction, own.muted):
            assert colour in svg, f"{scheme}: {colour} missing"
        for colour in (other.ink, other.prediction):
            assert colour not in svg, f"{scheme}: {colour} of the other theme"
        assert "<dc:date>" not in svg, "no date: builds stay byte-identical"


def test_the_site_build_hands_the_kernel_the_backend(monkeypatch):
    monkeypatch.syspath_prepend(str(HOOKS))
    import notebooks

    for name in ("MPLBACKEND", "GUIDE_PLOT_THEMES", "PYTHONPATH"):
        monkeypatch.delenv(name, raising=False)
    notebooks.on_config({})
    assert os.environ["MPLBACKEND"] == "module://guide_plots"
    assert os.environ["PYTHONPATH"].split(os.pathsep)[0] == str(HOOKS / "jupyter")
    assert (HOOKS / "jupyter" / "guide_plots.py").exists()
