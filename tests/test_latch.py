"""Bengio, Simard and Frasconi (1994) on the one-unit latch: every statement of the page, computed."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from conftest import ROOT
from rnncore import bistable

WS = (1.2, 1.5, 2.0, 3.0, 5.0)


@pytest.mark.parametrize("w", WS)
def test_two_attractors_and_an_unstable_origin(w):
    star = bistable.latch_attractor(w)
    assert math.tanh(w * star) == pytest.approx(star, abs=1e-12) and 0 < star < 1
    assert bistable.latch_slope(w, 0.0) == w > 1                   # 0 is unstable
    assert bistable.latch_slope(w, star) < 1                        # the attractors are stable
    # every positive start ends at +h*, every negative one at −h*: the sign is a stored bit
    for h0 in (1e-6, 0.3, 0.99, -1e-6, -0.5):
        end = bistable.latch_run(w, h0, [0.0] * 4000)[-1]
        assert end == pytest.approx(math.copysign(star, h0), abs=1e-9)


@pytest.mark.parametrize("w", WS)
def test_noise_tolerance_is_where_the_slope_reaches_one(w):
    u_c = bistable.noise_tolerance(w)
    star = bistable.latch_attractor(w)
    # pushed by a constant −u just below u_c the bit survives, just above it is erased
    assert bistable.latch_run(w, star, [-0.98 * u_c] * 5000)[-1] > 0
    assert bistable.latch_run(w, star, [-1.02 * u_c] * 5000)[-1] < 0
    # while the bit is kept, the surviving attractor's slope is below 1; it reaches 1 at u_c
    for fraction in (0.0, 0.5, 0.9, 0.99):
        h = bistable.latch_run(w, star, [-fraction * u_c] * 20000)[-1]
        assert bistable.latch_slope(w, h) < 1
    s = math.sqrt(1 - 1 / w)
    assert bistable.latch_slope(w, s) == pytest.approx(1)


def test_more_tolerance_means_a_smaller_slope():
    tolerance = [bistable.noise_tolerance(w) for w in WS]
    slope = [bistable.latch_slope(w, bistable.latch_attractor(w)) for w in WS]
    assert tolerance == sorted(tolerance) and slope == sorted(slope, reverse=True)


def test_random_noise_below_the_tolerance_never_flips_the_bit():
    rng = np.random.default_rng(7)
    for w in WS:
        u_c = bistable.noise_tolerance(w)
        inputs = rng.uniform(-0.95 * u_c, 0.95 * u_c, 3000)
        assert min(bistable.latch_run(w, bistable.latch_attractor(w), inputs)) > 0


def test_gradient_back_k_steps_is_the_product_of_slopes_and_vanishes():
    w = 1.5
    states = bistable.latch_run(w, bistable.latch_attractor(w), np.random.default_rng(0).uniform(-0.05, 0.05, 40))
    gradient = bistable.latch_gradient(w, states)
    eps = 1e-6   # central difference of h_T with respect to h_(T−k), rerunning the same inputs
    inputs = np.random.default_rng(0).uniform(-0.05, 0.05, 40)
    for k in (1, 5, 10):
        start = states[-k - 1]
        rest = inputs[-k:]
        numeric = (bistable.latch_run(w, start + eps, rest)[-1] - bistable.latch_run(w, start - eps, rest)[-1]) / (2 * eps)
        assert numeric == pytest.approx(gradient[k], rel=1e-6)
    assert all(b < a for a, b in zip(gradient, gradient[1:]))   # shrinks with every step back
    assert gradient[-1] < 1e-10


def test_the_page_cites_the_computed_latch():
    values = json.loads((ROOT / "docs/snippets/values/latch-values.json").read_text(encoding="utf-8"))
    from figures.params import load
    params = load()
    ws = [float(w) for w in params["latch.w_values"]]
    for i, w in enumerate(ws):
        assert values[f"latch.w{i}.kept"] == "yes"          # the noisy runs keep their bit
        assert float(values[f"latch.w{i}.slope"]) < 1
    slopes = [float(values[f"latch.w{i}.slope"]) for i in range(len(ws))]
    tolerances = [float(values[f"latch.w{i}.tolerance"]) for i in range(len(ws))]
    assert slopes == sorted(slopes, reverse=True) and tolerances == sorted(tolerances)
    assert "[Bengio, Simard and Frasconi (1994)](references.md#bengio-1994)" in (ROOT / "docs/bound.md").read_text("utf-8")


def test_bad_latch_weight_is_refused():
    with pytest.raises(ValueError, match="w > 1"):
        bistable.latch_attractor(1.0)
