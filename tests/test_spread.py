"""Chaotic outcomes are quoted as a spread over starts shifted by multiples of 10⁻¹⁵,
computed, not typed; the page's statements about them hold for every start."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from rnncore import spread


def generated(name: str) -> dict[str, str]:
    return json.loads((ROOT / f"docs/snippets/values/{name}.json").read_text(encoding="utf-8"))


def test_shifts_are_centred_and_refuse_bad_counts():
    assert spread.shifts(5, 1.0) == [-2.0, -1.0, 0.0, 1.0, 2.0]
    for bad in (0, 4, -3, True):
        with pytest.raises(ValueError):
            spread.shifts(bad)
    s = spread.spread_over_starts(lambda d: {"v": d * 1e15}, 5)["v"]
    assert (s.median, s.low, s.high, s.count, s.unshifted) == (0, -2, 2, 5, 0)
    with pytest.raises(ValueError, match="not finite"):
        spread.spread_over_starts(lambda d: {"v": float("nan")}, 1)


@pytest.fixture(scope="module")
def params():
    from figures.params import load
    return load()


def test_bouncing_run_is_chaotic_and_its_spread_is_what_the_page_cites(params):
    from figures.outputs.descent import bounce_spread, sci
    result = bounce_spread(params)
    values = generated("descent-spread")
    assert values["descent.spread.starts"] == str(params["descent.spread_starts"]) == str(result["crossings"].count)
    for name in ("crossings", "rises"):
        assert values[f"descent.spread.{name}.median"] == str(int(result[name].median))
        assert values[f"descent.spread.{name}.low"] == str(int(result[name].low))
        assert values[f"descent.spread.{name}.high"] == str(int(result[name].high))
        assert result[name].low < result[name].high            # chaotic: 10⁻¹⁵ changes the counts
    assert values["descent.spread.last_loss.median"] == sci(result["last_loss"].median)
    # the figure's own run is one of the starts
    single = generated("descent-bounce")
    assert single["descent.bounce.wild.crossings"] == str(int(result["crossings"].unshifted))
    # what holds for every start: the iterate never settles, the loss keeps rising
    assert result["rises"].low > 20 and result["crossings"].low > 20


def test_calm_run_is_not_chaotic(params):
    from figures.outputs.descent import _bounce_setup, bounce_summary
    from rnncore import descent
    firsts, days, w2, calm, _, steps = _bounce_setup(params)

    def run(delta):
        b = bounce_summary(descent.bounce_run(firsts, days, w2 + delta, calm, max_steps=steps))
        return {"crossings": b["crossings"], "rises": b["rises"], "first_cross": b["first_cross"]}

    result = spread.spread_over_starts(run, int(params["descent.spread_starts"]))
    for name in ("crossings", "rises", "first_cross"):
        assert result[name].low == result[name].high, name
    assert result["rises"].high == 0


def test_pascanu_cliff_spread(params):
    from figures.outputs.gradients import THROWN_LOSS, pascanu_spread, sci
    shifted, nearby = pascanu_spread(params)
    values = generated("pascanu-spread")
    clipped = shifted["clipped"]
    assert values["pascanu.spread.clipped.median"] == sci(clipped.median, 2)
    assert values["pascanu.spread.clipped.low"] == sci(clipped.low, 2)
    assert values["pascanu.spread.clipped.high"] == sci(clipped.high, 2)
    assert clipped.high > 1.3 * clipped.low                     # chaotic: the final loss moves
    assert clipped.high < THROWN_LOSS                           # but the clipped path always descends
    thrown_nearby = sum(1 for plain, _ in nearby if plain > THROWN_LOSS)
    assert 0 < thrown_nearby < len(nearby)                     # plain descent is thrown from only some starts
    assert values["pascanu.nearby.plain_thrown"] == str(thrown_nearby)
    assert all(c < THROWN_LOSS for _, c in nearby) and values["pascanu.nearby.clipped_thrown"] == "0"
    # the figure's single run: the plain path is thrown there
    assert shifted["plain"].unshifted > THROWN_LOSS
