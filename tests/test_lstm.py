"""The minimal LSTM: BPTT against central differences (float64, relative error < 1e-6),
and the gradient-flow property the remedies chapter shows."""
import numpy as np
import pytest

from rnncore import lstm, rnn
from rnncore.lstm import LSTM, bptt, forward, loss

from conftest import central_difference
from test_gradients import relative_error


@pytest.mark.parametrize("T", [1, 2, 5, 20])
def test_lstm_bptt_matches_central_differences(T):
    model = LSTM.random(3, 4, 2, seed=T, forget_bias=1.0)
    rng = np.random.default_rng(T)
    x, targets = rng.normal(size=(2, T, 3)), rng.normal(size=(2, T, 2))
    h0, c0 = 0.5 * rng.normal(size=(2, 4)), 0.5 * rng.normal(size=(2, 4))
    steps = None if T < 5 else [1, T]
    grads = bptt(model, forward(model, x, h0, c0), targets, steps)
    for name, value in model.parameters().items():
        numeric = central_difference(lambda p: loss(forward(model.replace(**{name: p}), x, h0, c0), targets, steps),
                                     value)
        assert relative_error(numeric, grads[name]) < 1e-6, name
    numeric = central_difference(lambda h: loss(forward(model, x, h, c0), targets, steps), h0)
    assert relative_error(numeric, grads["h0"]) < 1e-6
    numeric = central_difference(lambda c: loss(forward(model, x, h0, c), targets, steps), c0)
    assert relative_error(numeric, grads["c0"]) < 1e-6


def test_state_gradients_match_central_differences():
    model = LSTM.random(2, 3, 1, seed=4, forget_bias=3.0)
    rng = np.random.default_rng(4)
    x, c0 = rng.normal(size=(1, 8, 2)), rng.normal(size=(1, 3))
    direction = np.array([0.3, -1.0, 0.5])
    dh, dc = lstm.state_gradients(model, forward(model, x, None, c0), direction)
    numeric = central_difference(lambda c: float(forward(model, x, None, c).h[-1, 0] @ direction), c0)
    np.testing.assert_allclose(dc[8], numeric, rtol=1e-6, atol=1e-10)


def test_forget_gate_near_one_carries_gradient_further_than_a_tanh_rnn():
    """With the forget bias at 4 (f ≈ 0.98) the cell-state gradient 60 steps back is
    orders of magnitude larger than a comparable tanh RNN's."""
    T, H = 60, 8
    rng = np.random.default_rng(0)
    x = 0.5 * rng.normal(size=(1, T, H))
    cell = LSTM.random(H, H, 1, seed=1, forget_bias=4.0)
    _, dc = lstm.state_gradients(cell, forward(cell, x))
    vanilla = rnn.RNN.random(H, H, 1, seed=1, activation="tanh")
    dh = rnn.state_gradients(vanilla, rnn.forward(vanilla, x))
    lstm_ratio = np.linalg.norm(dc[T]) / np.linalg.norm(dc[0])
    rnn_ratio = np.linalg.norm(dh[T]) / np.linalg.norm(dh[0])
    assert lstm_ratio > 1e-2
    assert rnn_ratio < 1e-4
    assert lstm_ratio > 1e3 * rnn_ratio


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="4H"):
        LSTM(W=np.zeros((6, 2)), U=np.zeros((6, 1)), b=np.zeros(6), W_yh=np.zeros((1, 1)), b_y=np.zeros(1))
    model = LSTM.random(2, 3, 1)
    with pytest.raises(ValueError, match="D = 5"):
        forward(model, np.zeros((1, 4, 5)))
