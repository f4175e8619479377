"""The LSTM: BPTT against central differences (float64, relative error < 1e-6) for every
parameter and both initial states, against torch.nn.LSTM where torch is importable, and
the cell-path Jacobian."""
import numpy as np
import pytest

from rnncore import lstm
from rnncore.lstm import LSTM, bptt, forward, loss

from conftest import central_difference
from test_gradients import relative_error


def problem(T):
    model = LSTM.random(3, 4, 2, seed=T, forget_bias=1.0)
    model = model.replace(b=model.b + np.random.default_rng(100 + T).normal(0, 0.3, 16))
    rng = np.random.default_rng(T)
    x, targets = rng.normal(size=(2, T, 3)), rng.normal(size=(2, T, 2))
    h0, c0 = 0.5 * rng.normal(size=(2, 4)), 0.5 * rng.normal(size=(2, 4))
    return model, x, targets, h0, c0


@pytest.mark.parametrize("T", [1, 2, 5, 20])
def test_lstm_bptt_matches_central_differences(T):
    model, x, targets, h0, c0 = problem(T)
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


def test_input_gradient_matches_central_differences():
    model, x, targets, h0, c0 = problem(5)
    run = forward(model, x, h0, c0)
    dy, _ = lstm.squared_error_seed(run.y, targets, [5])
    numeric = central_difference(lambda v: loss(forward(model, v, h0, c0), targets, [5]), x)
    assert relative_error(numeric, lstm.backward(model, run, dy)["x"]) < 1e-6


def test_state_jacobian_matches_central_differences():
    """The cell path: ∂c_t/∂c_(t−1) = diag(f_t) exactly, and the full 2H × 2H Jacobian of (h, c)."""
    model, x, _, h0, c0 = problem(5)
    run = forward(model, x, h0, c0)
    J = lstm.state_jacobian(model, run, 3)
    np.testing.assert_array_equal(J["cc"], np.diag(run.step(3).f[0]))
    h2, c2 = run.h[1, :1], run.c[1, :1]

    def next_state(s):
        out = forward(model, x[:1, 2:3], s[:4][None], s[4:][None])
        return np.concatenate([out.h[0, 0], out.c[0, 0]])

    s = np.concatenate([h2[0], c2[0]])
    numeric = np.stack([central_difference(lambda v: next_state(v)[k], s) for k in range(8)])
    np.testing.assert_allclose(J["full"], numeric, rtol=1e-6, atol=1e-9)


def test_forward_repeats_the_plain_step():
    model, x, _, h0, c0 = problem(5)
    run = forward(model, x, h0, c0)
    h, c = run.h0, run.c0
    for t in range(1, 6):
        s = lstm.step(model, x[:, t - 1], h, c)
        for name in ("i", "f", "g", "o", "c", "h"):
            np.testing.assert_allclose(getattr(run.step(t), name), getattr(s, name), rtol=0, atol=1e-15)
        h, c = s.h, s.c


def test_float32_runs_in_float32_and_agrees():
    model, x, targets, h0, c0 = problem(5)
    single = model.replace(dtype="float32")
    assert single.U.dtype == np.float32
    run = forward(single, x, h0, c0)
    assert run.y.dtype == np.float32
    grads = bptt(single, run, targets)
    assert grads["U"].dtype == np.float32
    np.testing.assert_allclose(grads["U"], bptt(model, forward(model, x, h0, c0), targets)["U"], rtol=1e-3, atol=1e-4)
    with pytest.raises(ValueError, match="dtype"):
        model.replace(dtype="int8")


@pytest.mark.parametrize("T", [1, 2, 5, 20])
def test_agrees_with_torch(T):
    torch = pytest.importorskip("torch")
    model, x, targets, h0, c0 = problem(T)
    D, H, O = model.sizes
    net = torch.nn.LSTM(D, H, batch_first=True).double()
    with torch.no_grad():          # torch's gate order is ours: i, f, g, o; b = b_ih + b_hh
        net.weight_ih_l0.copy_(torch.tensor(model.W))
        net.weight_hh_l0.copy_(torch.tensor(model.U))
        net.bias_ih_l0.copy_(torch.tensor(model.b))
        net.bias_hh_l0.zero_()
    xt = torch.tensor(x, requires_grad=True)
    h0t, c0t = torch.tensor(h0[None], requires_grad=True), torch.tensor(c0[None], requires_grad=True)
    out, _ = net(xt, (h0t, c0t))
    y = out @ torch.tensor(model.W_yh).T + torch.tensor(model.b_y)
    ((y - torch.tensor(targets)) ** 2).sum().backward()
    run = forward(model, x, h0, c0)
    np.testing.assert_allclose(run.y, y.detach().numpy(), rtol=1e-10, atol=1e-12)
    grads = bptt(model, run, targets)
    for ours, theirs in [("W", net.weight_ih_l0), ("U", net.weight_hh_l0), ("b", net.bias_ih_l0)]:
        assert relative_error(theirs.grad.numpy(), grads[ours]) < 1e-10, ours
    assert relative_error(h0t.grad.numpy()[0], grads["h0"]) < 1e-10
    assert relative_error(c0t.grad.numpy()[0], grads["c0"]) < 1e-10


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="4H"):
        LSTM(W=np.zeros((6, 2)), U=np.zeros((6, 1)), b=np.zeros(6), W_yh=np.zeros((1, 1)), b_y=np.zeros(1))
    model = LSTM.random(2, 3, 1)
    with pytest.raises(ValueError, match="D = 5"):
        forward(model, np.zeros((1, 4, 5)))
    with pytest.raises(ValueError, match="finite"):
        model.replace(U=np.full((12, 3), np.nan))
