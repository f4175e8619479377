"""The StatQuest network's hand-written BPTT against central differences, against
rnncore.rnn.bptt with H = 1, and the registered BPTT examples."""
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from rnncore import examples, rnn
from rnncore import statquest_gradients as sg

# weights and sequences chosen so that no sum is exactly 0 (ReLU has a kink there)
CASES = [
    ({"w1": 1.8, "b1": 0.1, "w2": 0.5, "w3": 1.1, "b2": 0.2}, [[1.0, 0.5, 0.5], [0.0, 0.5, 1.0]], [0.0, 1.0]),
    ({"w1": 0.7, "b1": -0.3, "w2": -0.6, "w3": -1.2, "b2": 0.4}, [[1.0, 0.2, 0.9, 0.4]], [0.3]),
    ({"w1": 1.3, "b1": 0.05, "w2": 0.97, "w3": 0.8, "b2": -0.1},
     np.random.default_rng(3).uniform(0, 1, (3, 50)).tolist(), [0.2, 0.9, 0.5]),
    ({"w1": 1.8, "b1": 0.01, "w2": 2.0, "w3": 1.1, "b2": 0.0}, [[1.0] + [0.0] * 20], [1.0]),
]


def _no_kinks(weights, inputs, targets):
    run = sg.forward(weights, inputs, targets)
    return np.min(np.abs(run.x)) > 1e-3


@pytest.mark.parametrize("weights,inputs,targets", CASES)
def test_bptt_matches_central_differences(weights, inputs, targets):
    assert _no_kinks(weights, inputs, targets)
    grads = sg.gradients(weights, inputs, targets)
    # central differences lose digits to rounding when the loss is huge (w2 = 2): a larger ε there
    eps = 1e-6 if sg.ssr(weights, inputs, targets) < 1e6 else 1e-4
    numeric = sg.finite_differences(weights, inputs, targets, eps=eps)
    for name in sg.NAMES:
        assert abs(numeric[name] - grads[name]) <= 1e-5 * max(1.0, abs(grads[name])), name


@pytest.mark.parametrize("weights,inputs,targets", CASES)
def test_bptt_matches_matrix_rnn_with_one_unit(weights, inputs, targets):
    grads = sg.gradients(weights, inputs, targets)
    matrix = sg.rnn_gradients(weights, inputs, targets)
    for name in sg.NAMES:
        assert matrix[name] == pytest.approx(float(grads[name]), rel=1e-12, abs=1e-12), name


def test_exact_gradients_agree_with_floats():
    weights, inputs, targets = CASES[0]
    exact = sg.gradients(weights, inputs, targets, exact=True)
    floats = sg.gradients(weights, inputs, targets)
    for name in sg.NAMES:
        assert isinstance(exact[name], Fraction)
        assert float(exact[name]) == pytest.approx(float(floats[name]), rel=1e-13)


def test_first_input_share_contains_w2_to_the_T_minus_1():
    weights = {"w1": 1.8, "b1": 0.0, "w2": 2.0, "w3": 1.1, "b2": 0.0}
    inputs, target = [1.0] + [0.0] * 50, 1.0
    run = sg.forward(weights, [inputs], [target], exact=True)
    back = sg.backward(weights, run)
    predicted = Fraction(198, 100) * 2 ** 50
    assert run.predicted[0] == predicted
    assert back.w1_terms[0, 0] == 2 * (predicted - 1) * Fraction(11, 10) * 2 ** 50
    assert back.gradients["w1"] == back.w1_terms[0, 0]  # the later inputs are 0


def test_grad_w1_term_example():
    e = examples.get("grad-w1-term")
    assert e.value == Decimal("2026619832316723.2")
    assert e.display == "2,026,619,832,316,723.2"
    assert e.details["derivative"] == Decimal(2 ** 50)


def test_bptt_sum_example_and_the_immediate_derivative_mistake():
    e = examples.get("bptt-sum")
    assert e.value == Decimal("2.7")
    assert e.details["immediate_only"] == Decimal("1.8")
    weights, inputs = examples.gradients_scalar.SUM_WEIGHTS, examples.gradients_scalar.SUM_INPUTS
    eps = 1e-7
    f = lambda w2: sg.forward({**weights, "w2": w2}, [inputs], [0.0]).y[0, -1]
    numeric = (f(weights["w2"] + eps) - f(weights["w2"] - eps)) / (2 * eps)
    assert numeric == pytest.approx(2.7, rel=1e-8)


def test_bptt_product_example_matches_the_rnn_jacobian():
    e = examples.get("bptt-product")
    model, run, factors, product = examples.gradients_scalar.bptt_product_parts()
    measured = rnn.jacobian(model, run, 3, 0)
    np.testing.assert_array_equal(measured, np.array(product, dtype=float))
    assert e.value == [[Decimal(0), Decimal(0)], [Decimal("0.5"), Decimal(-1)]]


def test_gd_update_example_is_the_rule_applied_once():
    e = examples.get("gd-update")
    assert [str(v) for v in e.value] == ["1.80055", "0.000825", "-0.49901", "1.1009", "0.001"]
    g = e.details["gradients"]
    assert g["b2"] == Decimal("-0.04") and g["w3"] == Decimal("-0.036")


@pytest.mark.parametrize("bad", [
    lambda: sg.gradients({"w1": 1}, [[1.0]], [0.0]),
    lambda: sg.gradients(sg.Weights(), [[1.0, float("nan")]], [0.0]),
    lambda: sg.gradients(sg.Weights(), [[1.0, 0.5]], [0.0, 1.0]),
    lambda: sg.gradients(sg.Weights(), [], [0.0]),
])
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        bad()
