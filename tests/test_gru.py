"""The GRU: BPTT against central differences (float64, relative error < 1e-6) for every
parameter and the initial state, and against torch.nn.GRU where torch is importable."""
import numpy as np
import pytest

from rnncore import gru, lstm
from rnncore.gru import GRU, bptt, forward, loss

from conftest import central_difference
from test_gradients import relative_error


def problem(T):
    model = GRU.random(3, 4, 2, seed=T, update_bias=0.5)
    rng = np.random.default_rng(T)
    model = model.replace(b=model.b + rng.normal(0, 0.3, 12), b_hn=rng.normal(0, 0.3, 4))
    x, targets = rng.normal(size=(2, T, 3)), rng.normal(size=(2, T, 2))
    return model, x, targets, 0.5 * rng.normal(size=(2, 4))


@pytest.mark.parametrize("T", [1, 2, 5, 20])
def test_gru_bptt_matches_central_differences(T):
    model, x, targets, h0 = problem(T)
    steps = None if T < 5 else [1, T]
    grads = bptt(model, forward(model, x, h0), targets, steps)
    for name, value in model.parameters().items():
        numeric = central_difference(lambda p: loss(forward(model.replace(**{name: p}), x, h0), targets, steps), value)
        assert relative_error(numeric, grads[name]) < 1e-6, name
    numeric = central_difference(lambda h: loss(forward(model, x, h), targets, steps), h0)
    assert relative_error(numeric, grads["h0"]) < 1e-6


def test_input_gradient_matches_central_differences():
    model, x, targets, h0 = problem(5)
    run = forward(model, x, h0)
    dy, _ = lstm.squared_error_seed(run.y, targets, [5])
    numeric = central_difference(lambda v: loss(forward(model, v, h0), targets, [5]), x)
    assert relative_error(numeric, gru.backward(model, run, dy)["x"]) < 1e-6


def test_forward_repeats_the_plain_step():
    model, x, _, h0 = problem(5)
    run = forward(model, x, h0)
    h = run.h0
    for t in range(1, 6):
        s = gru.step(model, x[:, t - 1], h)
        for name in ("r", "z", "n", "q", "h"):
            np.testing.assert_allclose(getattr(run.step(t), name), getattr(s, name), rtol=0, atol=1e-15)
        h = s.h


def test_update_gate_interpolates():
    """h_t = (1 − z_t) n_t + z_t h_(t−1): with z pinned near 1 the state barely moves."""
    model, x, _, h0 = problem(5)
    run = forward(model, x, h0)
    s = run.step(1)
    np.testing.assert_allclose(s.h, (1 - s.z) * s.n + s.z * h0, rtol=0, atol=1e-15)
    closed = model.replace(b=np.concatenate([model.b[:4], np.full(4, 30.0), model.b[8:]]))
    np.testing.assert_allclose(forward(closed, x, h0).h[-1], h0, atol=1e-10)


@pytest.mark.parametrize("T", [1, 2, 5, 20])
def test_agrees_with_torch(T):
    torch = pytest.importorskip("torch")
    model, x, targets, h0 = problem(T)
    D, H, O = model.sizes
    net = torch.nn.GRU(D, H, batch_first=True).double()
    with torch.no_grad():          # torch's order is ours: r, z, n; the reset multiplies U_n h + b_hn
        net.weight_ih_l0.copy_(torch.tensor(model.W))
        net.weight_hh_l0.copy_(torch.tensor(model.U))
        net.bias_ih_l0.copy_(torch.tensor(model.b))
        net.bias_hh_l0.copy_(torch.tensor(np.concatenate([np.zeros(2 * H), model.b_hn])))
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    out, _ = net(xt, h0t)
    y = out @ torch.tensor(model.W_yh).T + torch.tensor(model.b_y)
    ((y - torch.tensor(targets)) ** 2).sum().backward()
    run = forward(model, x, h0)
    np.testing.assert_allclose(run.y, y.detach().numpy(), rtol=1e-10, atol=1e-12)
    grads = bptt(model, run, targets)
    for ours, theirs in [("W", net.weight_ih_l0), ("U", net.weight_hh_l0), ("b", net.bias_ih_l0)]:
        assert relative_error(theirs.grad.numpy(), grads[ours]) < 1e-10, ours
    assert relative_error(net.bias_hh_l0.grad.numpy()[2 * H:], grads["b_hn"]) < 1e-10
    assert relative_error(h0t.grad.numpy()[0], grads["h0"]) < 1e-10


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="3H"):
        GRU(W=np.zeros((4, 2)), U=np.zeros((4, 1)), b=np.zeros(4), b_hn=np.zeros(1), W_yh=np.zeros((1, 1)),
            b_y=np.zeros(1))
    with pytest.raises(ValueError, match="D = 5"):
        forward(GRU.random(2, 3, 1), np.zeros((1, 4, 5)))
