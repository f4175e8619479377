"""Figures 3 and 6 of Pascanu, Mikolov and Bengio (2013), reproduced and checked.

What is checked against the paper (qualitative features, read from its figures and text):
- Figure 3 (one sigmoid unit, recurrent weight 5, bias b swept; Doya 1993): two
  attractors coexist only on a narrow band of b, bounded by two bifurcation points
  where a stable and an unstable fixed point meet; outside the band one attractor is
  left. Here: the band is (−2.656, −2.344) to 3 decimals, centred on b = −w/2 = −2.5
  (the map is symmetric there), from the closed form w σ′(x) = 1 and confirmed by
  iterating the map (hysteresis: sweeping b up and down lands on different branches
  exactly inside the band).
- Figure 6 (x_0 = 0.5, 50 steps, E = (σ(x_50) − 0.7)²): a wall across the (w, b) plane
  where E jumps between (0 − 0.7)² = 0.49 and (1 − 0.7)² = 0.09; it stands where x_0 is
  the unstable fixed point, b = 0.5 − w σ(0.5), for w > 4 (no wall for w < 4, where one
  unit has a single attractor). The gradient is huge on the wall and tiny off it; plain
  gradient descent that reaches the wall is thrown far away, while norm clipping
  (Algorithm 1) crosses it with a bounded step and goes on descending.
"""
import math

import numpy as np
import pytest

from rnncore import pascanu
from rnncore.activations import sigmoid


def test_states_follow_the_map():
    x = pascanu.states(np.array([6.0, 2.0]), np.array([-3.0, 0.5]), steps=3)
    expected = [0.5]
    for _ in range(3):
        expected.append(6.0 * float(sigmoid(expected[-1])) - 3.0)
    np.testing.assert_allclose(x[:, 0], expected, rtol=1e-15)
    assert x.shape == (4, 2)


@pytest.mark.parametrize("w, b", [(6.0, -3.0), (8.0, -4.2), (2.0, -1.0), (-3.0, 1.0), (10.0, -5.6)])
def test_analytic_gradient_matches_central_differences(w, b):
    E, dw, db = pascanu.loss_and_gradient(w, b)
    eps = 1e-6
    num_w = (pascanu.loss(w + eps, b) - pascanu.loss(w - eps, b)) / (2 * eps)
    num_b = (pascanu.loss(w, b + eps) - pascanu.loss(w, b - eps)) / (2 * eps)
    scale = max(math.hypot(num_w, num_b), 1e-300)
    assert math.hypot(num_w - dw, num_b - db) / scale < 1e-6
    assert E == pytest.approx(pascanu.loss(w, b), rel=1e-15)


def test_gradient_on_a_grid_equals_pointwise_gradients():
    W, B = np.meshgrid(np.linspace(-2, 12, 7), np.linspace(-8, 2, 5))
    E, dw, db = pascanu.loss_and_gradient(W, B)
    for index in np.ndindex(W.shape):
        e, gw, gb = pascanu.loss_and_gradient(W[index], B[index])
        assert (E[index], dw[index], db[index]) == pytest.approx((float(e), float(gw), float(gb)), rel=1e-13, abs=1e-300)


def test_wall_location_and_heights():
    for w in (6.0, 8.0, 10.0, 12.0):
        b_wall = float(pascanu.wall_bias(w))
        assert b_wall == pytest.approx(0.5 - w * float(sigmoid(0.5)))
        below, above = pascanu.loss(w, b_wall - 0.05), pascanu.loss(w, b_wall + 0.05)
        assert below > 0.42    # final state on the low attractor: σ ≈ 0, E ≈ 0.49
        assert above < 0.10    # final state on the high attractor: σ ≈ 1, E ≈ 0.09
    # The wall is a layer of width about m^(−50), m = w σ′(0.5) the unstable point's
    # multiplier; on it the gradient is of order m^50, beside it small.
    for w in (6.0, 8.0):
        b_wall = float(pascanu.wall_bias(w))
        _, gw, gb = pascanu.loss_and_gradient(w, b_wall + 1e-12)
        _, fw, fb = pascanu.loss_and_gradient(w, b_wall - 1.0)
        assert math.hypot(gw, gb) > 1e4 * math.hypot(fw, fb)


def test_no_wall_below_w_four():
    b = np.linspace(-8, 4, 2001)
    E = pascanu.loss(np.full_like(b, 3.5), b)
    assert np.max(np.abs(np.diff(E))) < 0.01   # smooth: a single attractor


def test_clipping_crosses_the_wall_and_plain_descent_is_thrown_away():
    plain = pascanu.descend(8.0, -4.2, learning_rate=3.0, iterations=200)
    clipped = pascanu.descend(8.0, -4.2, learning_rate=3.0, iterations=200, threshold=0.5)
    assert plain.largest_step > 20.0                   # one step lands far from the start
    assert clipped.largest_step <= 3.0 * 0.5 + 1e-12   # η · threshold
    assert clipped.clipped.any() and not plain.clipped.any()
    assert clipped.final_loss < 0.01 < plain.final_loss
    assert plain.final_loss == pytest.approx(0.09, abs=0.005)   # stranded on the flat high-attractor plateau


def test_clipped_step_obeys_algorithm_one():
    path = pascanu.descend(8.0, -4.2, learning_rate=2.0, iterations=30, threshold=0.25)
    steps = np.hypot(np.diff(path.w), np.diff(path.b))
    for step, norm, was in zip(steps, path.grad_norm, path.clipped):
        assert was == (norm >= 0.25)
        assert step == pytest.approx(2.0 * (0.25 if was else norm), rel=1e-12)


def test_bifurcation_points_of_figure_three():
    low, high = pascanu.bifurcation_points(5.0)
    assert (round(low.b, 3), round(high.b, 3)) == (-2.656, -2.344)
    assert low.b + high.b == pytest.approx(-5.0, abs=1e-12)          # symmetric about −w/2
    for point in (low, high):
        s = float(sigmoid(point.x))
        assert 5.0 * s * (1 - s) == pytest.approx(1.0, abs=1e-12)   # saddle-node: slope 1
        assert point.x == pytest.approx(5.0 * s + point.b, abs=1e-12)
    with pytest.raises(ValueError, match="w > 4"):
        pascanu.bifurcation_points(3.0)


@pytest.mark.parametrize("b, count", [(-3.0, 1), (-2.6, 3), (-2.5, 3), (-2.4, 3), (-2.0, 1)])
def test_fixed_point_counts(b, count):
    points = pascanu.fixed_points(5.0, b)
    assert len(points) == count
    assert sum(stable for _, stable in points) == (2 if count == 3 else 1)
    for x, _ in points:
        assert x == pytest.approx(5.0 * float(sigmoid(x)) + b, abs=1e-9)


def test_iteration_shows_hysteresis_exactly_inside_the_band():
    low, high = pascanu.bifurcation_points(5.0)
    b = np.linspace(-3.5, -1.5, 401)
    up = pascanu.iterate_final_states(b, start="low", steps=400)
    down = pascanu.iterate_final_states(b, start="high", steps=400)
    differ = np.abs(up - down) > 1.0
    inside = (b > low.b + 0.01) & (b < high.b - 0.01)
    outside = (b < low.b - 0.01) | (b > high.b + 0.01)
    assert np.all(differ[inside]) and not np.any(differ[outside])
    # the iterated states sit on the stable branches from the fixed-point equations
    for bi, xi in zip(b[::40], up[::40]):
        stable = [x for x, s in pascanu.fixed_points(5.0, bi) if s]
        assert min(abs(xi - x) for x in stable) < 1e-6


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="steps"):
        pascanu.states(1.0, 0.0, steps=0)
    with pytest.raises(ValueError, match="learning rate"):
        pascanu.descend(1.0, 0.0, learning_rate=-1.0, iterations=3)
    with pytest.raises(ValueError, match="finite"):
        pascanu.loss(float("nan"), 0.0)
