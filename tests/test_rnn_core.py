"""Smoke checks of the vanilla RNN core: BPTT against central differences, Jacobians
against perturbed states. The full verification suite lives in test_gradients*.py."""
import numpy as np
import pytest

from conftest import central_difference
from rnncore.rnn import RNN, bptt, forward, jacobian, loss


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
def test_full_bptt_matches_central_differences(activation):
    model = RNN.random(3, 4, 2, activation=activation, seed=1)
    rng = np.random.default_rng(2)
    x, targets, h0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 2)), 0.3 * rng.normal(size=(2, 4))
    grads = bptt(model, forward(model, x, h0), targets)
    for name, value in model.parameters().items():
        numeric = central_difference(lambda p: loss(forward(model.replace(**{name: p}), x, h0), targets), value)
        assert np.max(np.abs(numeric - grads[name])) <= 1e-6 * max(1.0, np.max(np.abs(numeric))), name
    numeric = central_difference(lambda h: loss(forward(model, x, h), targets), h0)
    assert np.max(np.abs(numeric - grads["h0"])) <= 1e-6 * max(1.0, np.max(np.abs(numeric)))


def test_jacobian_is_the_derivative_of_a_later_state():
    model = RNN.random(2, 3, 1, activation="tanh", seed=4, scale=1.5)
    x = np.random.default_rng(5).normal(size=(1, 6, 2))
    h0 = np.array([[0.1, -0.2, 0.3]])
    run = forward(model, x, h0)
    numeric = np.stack([
        central_difference(lambda h: forward(model, x, h).h[0, 5, i], h0)[0] for i in range(3)
    ])
    np.testing.assert_allclose(jacobian(model, run, 6, 0), numeric, atol=1e-8)


def test_bad_inputs_raise():
    model = RNN.random(2, 3, 1)
    with pytest.raises(ValueError, match="at least one step"):
        forward(model, np.zeros((1, 0, 2)))
    with pytest.raises(ValueError, match="finite"):
        forward(model, np.array([[[np.nan, 0.0]]]))
    with pytest.raises(ValueError, match="unknown activation"):
        RNN.random(2, 3, 1, activation="softsign")
