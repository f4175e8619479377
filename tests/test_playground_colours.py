"""The playground's charts speak the figures' colour language (figures/style.py THEMES):
a product of factors in the colour of its regime, the prediction in the prediction's."""
from __future__ import annotations

import re

import pytest

from browser_support import SiteServer, set_input
from conftest import ROOT

SCHEMES = ("light", "dark")
ROLES = ("exploding", "vanishing", "edge", "prediction")


def _css_roles() -> dict[str, dict[str, str]]:
    css = (ROOT / "docs" / "assets" / "guide.css").read_text("utf-8")
    found = {}
    for scheme, selector in (("light", r"\n\.playground \{"), ("dark", r'\n\[data-md-color-scheme="slate"\] \.playground \{')):
        blocks = re.findall(selector + r"(.*?)\}", css, re.S)
        found[scheme] = dict(pair for block in blocks for pair in re.findall(r"--guide-(\w+):\s*(#[0-9a-f]{6});", block))
    return found


def test_the_playground_colours_are_the_figures_roles():
    from figures.style import THEMES

    css = _css_roles()
    for scheme in ("light", "dark"):
        assert css[scheme] == {role: getattr(THEMES[scheme], role) for role in ROLES}, scheme


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def origin(built_site):
    with SiteServer(built_site.path) as server:
        yield server.origin


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_chart_takes_the_colour_of_its_regime(browser, origin, scheme):
    from figures.style import THEMES
    from rnncore import playground as pg

    theme = THEMES["dark" if scheme == "dark" else "light"]
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(origin + "/playground/")
        page.wait_for_selector("#unroll-power[data-value]")

        def colour(selector: str, what: str) -> str:
            return page.eval_on_selector(selector, f"e => getComputedStyle(e).{what}")

        set_input(page, "#unroll-t", 10)
        for w2, role in (("2", "exploding"), ("0.5", "vanishing"), ("-0.5", "vanishing"), ("1", "edge"), ("-1.1", "exploding")):
            set_input(page, "#unroll-w2", pg.grid_index(pg.W2_GRID, w2))
            assert colour("#unroll-chart polyline.series-a", "stroke") == _rgb(getattr(theme, role)), (scheme, w2)
            assert colour("#unroll-chart circle.series-b-dot", "fill") == _rgb(theme.prediction)
        for gamma, lam, role in (("0.25", "2", "vanishing"), ("1", "3", "exploding")):
            set_input(page, "#bound-gamma", pg.grid_index(pg.GAMMA_GRID, gamma))
            set_input(page, "#bound-lambda", pg.grid_index(pg.LAMBDA_GRID, lam))
            assert colour("#bound-chart line.series-b", "stroke") == _rgb(getattr(theme, role)), (scheme, gamma, lam)
            assert colour("#bound-chart circle.series-a-dot", "fill") == _rgb(getattr(theme, role))
    finally:
        context.close()
