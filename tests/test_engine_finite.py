"""The engine never returns inf or nan silently: clipping, the StatQuest gradients and
the Pascanu unit either give correct finite values or raise a ValueError naming the
quantity, the step and what to use instead. Any numpy warning fails these tests."""
from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from rnncore import clipping, descent, pascanu
from rnncore import statquest_gradients as sg

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def numpy_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("g, expected", [
    ([3e154, 4e154], [0.6, 0.8]),
    ([1e200, 1e200], [math.sqrt(0.5)] * 2),
    ([-1.7e308, 1.7e308], [-math.sqrt(0.5), math.sqrt(0.5)]),
    ([3.0, 4.0], [0.6, 0.8]),
    ([0.3, 0.4], [0.3, 0.4]),  # below the threshold: unchanged
    ([0.0, 0.0], [0.0, 0.0]),
])
def test_clip_vector_scales_huge_gradients_without_overflow(g, expected):
    clipped = clipping.clip_vector(g, 1)
    assert np.all(np.isfinite(clipped))
    np.testing.assert_allclose(clipped, expected, rtol=1e-15)


def test_clip_vector_clips_each_row_of_a_stack_and_matches_clip_by_norm():
    stack = np.array([[3e154, 4e154], [0.3, 0.4], [1e-300, 0.0], [6.0, 8.0]])
    np.testing.assert_allclose(clipping.clip_vector(stack, 2), [[1.2, 1.6], [0.3, 0.4], [1e-300, 0.0], [1.2, 1.6]])
    for row in stack:
        by_norm = clipping.clip_by_norm({"g": row}, 2).grads["g"]
        np.testing.assert_allclose(clipping.clip_vector(row, 2), by_norm, rtol=1e-15)


def test_clipping_refuses_non_finite_input_and_a_norm_beyond_float_range():
    with pytest.raises(ValueError, match="not finite"):
        clipping.clip_vector([np.inf, 1.0], 1)
    with pytest.raises(ValueError, match="beyond the float range"):
        clipping.global_norm({"g": np.array([1.7e308, 1.7e308])})


WEIGHTS = {"w1": 1.8, "b1": 0.0, "w2": 2.0, "w3": 1.1, "b2": 0.0}


@pytest.mark.parametrize("w2, T, quantity", [
    (1e3, 200, "x_t, the sum"),
    (2.0, 1100, "x_t, the sum"),
    (2.0, 2000, "x_t, the sum"),
    (2.0, 600, "dSSR/dx_t"),
])
def test_float_gradients_that_overflow_raise_naming_quantity_step_and_remedy(w2, T, quantity):
    inputs = [[1.0] + [0.0] * (T - 1), [0.5] + [0.0] * (T - 1)]
    with pytest.raises(ValueError) as caught:
        sg.gradients({**WEIGHTS, "w2": w2}, inputs, [1.0, 0.5])
    message = str(caught.value)
    assert quantity in message and "left the float range" in message
    assert f"of {T}" in message and "at step t = " in message
    assert "exact=True" in message and "log space" in message and "shorter sequence" in message
    step = int(message.split("at step t = ")[1].split()[0])
    assert 1 <= step <= T
    if quantity.startswith("x_t"):  # the first step whose sum overflows: w2^(t−1) × 1.8 > 1.8e308
        assert step == 1 + math.ceil(math.log(np.finfo(float).max / 1.8) / math.log(w2)) or w2 != 2.0


def test_exact_gradients_have_no_limit_and_agree_where_floats_still_work():
    T = 40
    inputs = [[1.0] + [0.0] * (T - 1)]
    exact = sg.gradients(WEIGHTS, inputs, [1.0], exact=True)
    floats = sg.gradients(WEIGHTS, inputs, [1.0])
    for name in sg.NAMES:
        assert isinstance(exact[name], Fraction)
        assert math.isclose(float(exact[name]), float(floats[name]), rel_tol=1e-12)
    huge = sg.gradients({**WEIGHTS, "w2": 1000}, [[1.0] + [0.0] * 199], [1.0], exact=True)
    assert huge["w1"] > 10**590  # the size the float version cannot hold


def test_descent_records_an_overflowing_gradient_as_diverged():
    # the clear error is also an OverflowError, which rnncore.descent turns into a diverged run
    inputs = [[1.0] + [0.0] * 199]

    def objective(theta):
        weights = {**WEIGHTS, "w2": float(theta[0])}
        return (sg.ssr(weights, inputs, [1e100]), np.array([sg.gradients(weights, inputs, [1e100])["w2"]]), 1)

    run = descent.descend(objective, [1.5], learning_rate=1.0, max_steps=5, names=["w2"])
    assert run.stop == descent.DIVERGED and "x_t, the sum" in run.message
    assert all(math.isfinite(it.loss) for it in run.iterations)


@pytest.mark.parametrize("w", [1e8, -1e8, 1e12])
def test_pascanu_on_the_wall_raises_instead_of_returning_inf_or_nan(w):
    b = float(pascanu.wall_bias(w))
    size = pascanu.log_gradient_size(w, b)
    assert math.isfinite(size) and size > 308
    for compute in (lambda: pascanu.loss_and_gradient(w, b), lambda: pascanu.loss_and_gradient(np.array([w, 5.0]), np.array([b, -2.0])),
                    lambda: pascanu._scalar_loss_and_gradient(w, b, pascanu.X0, pascanu.STEPS, pascanu.TARGET)):
        with pytest.raises(ValueError, match=r"left the float range \(about 10\^\d+\) at step t = \d+ of 50") as caught:
            compute()
        assert "on the wall" in str(caught.value) and "log space" in str(caught.value)


def test_pascanu_off_the_wall_is_finite_and_matches_central_differences():
    w, b = 1e8, float(pascanu.wall_bias(1e8)) + 1.0
    E, dw, db = pascanu.loss_and_gradient(w, b)
    assert all(np.isfinite([E, dw, db]))
    w, b, eps = 8.0, -4.2, 1e-6
    _, dw, db = pascanu.loss_and_gradient(w, b)
    fd_w = (pascanu.loss(w + eps, b) - pascanu.loss(w - eps, b)) / (2 * eps)
    fd_b = (pascanu.loss(w, b + eps) - pascanu.loss(w, b - eps)) / (2 * eps)
    assert math.isclose(float(dw), float(fd_w), rel_tol=1e-5) and math.isclose(float(db), float(fd_b), rel_tol=1e-5)
    assert pascanu._scalar_loss_and_gradient(w, b, pascanu.X0, pascanu.STEPS, pascanu.TARGET)[1] == pytest.approx(float(dw), rel=1e-12)


def test_log_gradient_size_agrees_with_the_gradient_where_it_is_finite():
    w = 1e6
    b = float(pascanu.wall_bias(w))
    E, dw, db = pascanu.loss_and_gradient(w, b)  # about 10^261: still a float
    assert pascanu.log_gradient_size(w, b) == pytest.approx(math.log10(abs(float(db))), abs=0.5)
