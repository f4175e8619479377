"""Every BPTT gradient of rnncore against an independent computation.

- Central finite differences (float64), relative error below 1e-6, for every
  activation, T ∈ {1, 2, 5, 20}, random seeded networks, full and truncated BPTT.
  Relative error of a gradient array: ‖numeric − analytic‖ / max(‖numeric‖, ‖analytic‖).
- Truncated BPTT is checked against the finite difference of a *different loss*: for
  each loss step t the state h_(t−k) is held at its unperturbed value and only the
  last k steps are rerun with perturbed parameters (computed here with rnn.step,
  not with rnn.forward, so the forward code under test is not reused).
- The H = 1 network is the StatQuest network; its gradient is checked against central
  differences of statquest.unroll's prediction.
- torch.autograd at 1e-10 where torch is importable (skipped otherwise).
"""
import numpy as np
import pytest

from conftest import central_difference
from rnncore import rnn
from rnncore.rnn import RNN, bptt, bptt_stepwise, forward, loss, step
from rnncore.statquest import Weights, unroll

ACTIVATIONS = ["tanh", "sigmoid", "relu", "identity"]
LENGTHS = [1, 2, 5, 20]
EPS = 1e-6
TOLERANCE = 1e-6


def relative_error(numeric, analytic):
    scale = max(np.linalg.norm(numeric), np.linalg.norm(analytic))
    return 0.0 if scale == 0 else float(np.linalg.norm(numeric - analytic) / scale)


def problem(activation, T, seed):
    """A random seeded network and batch; ReLU networks are redrawn until no
    pre-activation sits within 1e-3 of the kink (finite differences need a smooth loss)."""
    D, H, O, B = 3, 4, 2, 2
    for attempt in range(100):
        model = RNN.random(D, H, O, activation=activation, seed=seed * 1000 + attempt, scale=1.2)
        rng = np.random.default_rng(seed * 1000 + attempt)
        x = rng.normal(size=(B, T, D))
        targets = rng.normal(size=(B, T, O))
        h0 = 0.5 * rng.normal(size=(B, H))
        if activation != "relu" or np.min(np.abs(forward(model, x, h0).z)) > 1e-3:
            return model, x, targets, h0
    raise AssertionError("no smooth ReLU problem found")


def loss_steps(T):
    return None if T < 5 else [2, T - 1, T]  # all steps, or a few chosen ones


@pytest.mark.parametrize("T", LENGTHS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_full_bptt_matches_central_differences(activation, T):
    model, x, targets, h0 = problem(activation, T, seed=T)
    steps = loss_steps(T)
    grads = bptt(model, forward(model, x, h0), targets, steps)
    for name, value in model.parameters().items():
        numeric = central_difference(
            lambda p: loss(forward(model.replace(**{name: p}), x, h0), targets, steps), value)
        assert relative_error(numeric, grads[name]) < TOLERANCE, (name, relative_error(numeric, grads[name]))
    numeric = central_difference(lambda h: loss(forward(model, x, h), targets, steps), h0)
    assert relative_error(numeric, grads["h0"]) < TOLERANCE


def truncated_loss(model, x, targets, h0, reference, k, steps):
    """Σ_t (y_t − target_t)² where, for each loss step t, h_(t−k) is held at its
    value in ``reference`` (the unperturbed run) and steps t−k+1..t are rerun."""
    B, T, _ = x.shape
    total = 0.0
    for t in (range(1, T + 1) if steps is None else steps):
        start = t - k
        h = h0 if start <= 0 else reference.h[:, start - 1]
        for j in range(max(start, 0) + 1, t + 1):
            _, h, _ = step(model, x[:, j - 1], h)
        y = h @ model.W_yh.T + model.b_y
        total += float(np.sum((y - targets[:, t - 1]) ** 2))
    return total


@pytest.mark.parametrize("T", [2, 5, 20])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_truncated_bptt_matches_the_held_state_loss(activation, T):
    model, x, targets, h0 = problem(activation, T, seed=100 + T)
    steps = loss_steps(T)
    reference = forward(model, x, h0)
    for k in sorted({1, 2, 3, T - 1} - {0}):
        grads = bptt(model, reference, targets, steps, truncate=k)
        for name, value in model.parameters().items():
            numeric = central_difference(
                lambda p: truncated_loss(model.replace(**{name: p}), x, targets, h0, reference, k, steps), value)
            assert relative_error(numeric, grads[name]) < TOLERANCE, (k, name)
        numeric = central_difference(lambda h: truncated_loss(model, x, targets, h, reference, k, steps), h0)
        assert relative_error(numeric, grads["h0"]) < TOLERANCE, (k, "h0")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_truncation_changes_the_gradient_and_a_full_window_does_not(activation):
    model, x, targets, h0 = problem(activation, 20, seed=7)
    run = forward(model, x, h0)
    full = bptt(model, run, targets)
    same = bptt(model, run, targets, truncate=20)
    cut = bptt(model, run, targets, truncate=3)
    for name in full:
        np.testing.assert_array_equal(full[name], same[name])
    assert relative_error(full["W_hh"], cut["W_hh"]) > 1e-4
    np.testing.assert_allclose(full["W_yh"], cut["W_yh"], rtol=1e-13, atol=1e-13)  # no time path to W_yh


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_bptt_equals_the_stepwise_chain_rule(activation):
    model, x, targets, h0 = problem(activation, 20, seed=3)
    run = forward(model, x, h0)
    fast, plain = bptt(model, run, targets), bptt_stepwise(model, run, targets)
    for name in fast:
        np.testing.assert_allclose(fast[name], plain[name], rtol=1e-12, atol=1e-13)


def test_forward_equals_the_step_formula():
    model, x, _, h0 = problem("tanh", 5, seed=9)
    run = forward(model, x, h0)
    h = h0
    for t in range(5):
        z, h, dphi = step(model, x[:, t], h)
        np.testing.assert_allclose(run.z[:, t], z, rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(run.h[:, t], h, rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(run.dphi[:, t], dphi, rtol=1e-14, atol=1e-14)


def test_state_gradients_are_the_jacobian_transposed():
    model, x, _, h0 = problem("tanh", 6, seed=11)
    run = forward(model, x, h0)
    g = rnn.state_gradients(model, run, np.ones(4))
    for k in range(7):
        np.testing.assert_allclose(g[6 - k, 0], np.ones(4) @ rnn.jacobian(model, run, 6, k, batch=0), rtol=1e-12)


def test_bad_truncation_and_targets_raise():
    model, x, targets, h0 = problem("tanh", 5, seed=1)
    run = forward(model, x, h0)
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match="truncation window"):
            bptt(model, run, targets, truncate=bad)
    with pytest.raises(ValueError, match="targets"):
        bptt(model, run, targets[:, :2])
    with pytest.raises(ValueError, match="loss steps"):
        bptt(model, run, targets, steps=[0])


# --- the StatQuest network is the H = 1 case -----------------------------------------

STATQUEST_CASES = [([1.0, 1.0], 1.0), ([0.3, 0.8, 0.6], 0.5), ([1.0, 0.7, 0.2, 0.9], 0.0)]


def statquest_as_rnn(weights: Weights) -> RNN:
    return RNN(W_hx=[[weights.w1]], W_hh=[[weights.w2]], b_h=[weights.b1], W_yh=[[weights.w3]],
               b_y=[weights.b2], activation="relu")


@pytest.mark.parametrize("inputs, target", STATQUEST_CASES)
def test_h1_rnn_gradient_equals_statquest_central_differences(inputs, target):
    weights = Weights(w1=1.8, b1=0.1, w2=-0.5, w3=1.1, b2=0.2)
    model = statquest_as_rnn(weights)
    x = np.array(inputs)[None, :, None]
    T = len(inputs)
    run = forward(model, x)
    assert np.min(np.abs(run.z)) > 1e-3  # away from the ReLU kink
    assert run.y[0, -1, 0] == pytest.approx(unroll(inputs, weights).outputs[-1], abs=1e-12)
    targets = np.zeros((1, T, 1))
    targets[0, -1, 0] = target
    grads = bptt(model, run, targets, steps=[T])
    mapping = {"w1": grads["W_hx"][0, 0], "w2": grads["W_hh"][0, 0], "b1": grads["b_h"][0],
               "w3": grads["W_yh"][0, 0], "b2": grads["b_y"][0]}

    def statquest_loss(**changes):
        trace = unroll(inputs, Weights(**{**weights.as_dict(), **changes}))
        return (trace.outputs[-1] - target) ** 2

    for name, analytic in mapping.items():
        base = weights.as_dict()[name]
        numeric = (statquest_loss(**{name: base + EPS}) - statquest_loss(**{name: base - EPS})) / (2 * EPS)
        assert abs(numeric - analytic) <= TOLERANCE * max(1.0, abs(numeric)), (name, numeric, analytic)


# --- torch.autograd, where torch is importable --------------------------------------

@pytest.mark.parametrize("T", LENGTHS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_agree_with_torch_autograd(activation, T):
    torch = pytest.importorskip("torch", reason="torch is optional: pip install torch==2.13.0 to run this check")
    model, x, targets, h0 = problem(activation, T, seed=50 + T)
    steps = loss_steps(T)
    grads = bptt(model, forward(model, x, h0), targets, steps)
    params = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
              for name, value in model.parameters().items()}
    h = torch.tensor(h0, dtype=torch.float64, requires_grad=True)
    start = h
    phi = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z}[activation]
    xt, tt = torch.tensor(x), torch.tensor(targets)
    total = torch.zeros((), dtype=torch.float64)
    chosen = range(1, T + 1) if steps is None else steps
    for t in range(1, T + 1):
        h = phi(xt[:, t - 1] @ params["W_hx"].T + h @ params["W_hh"].T + params["b_h"])
        if t in chosen:
            y = h @ params["W_yh"].T + params["b_y"]
            total = total + ((y - tt[:, t - 1]) ** 2).sum()
    total.backward()
    assert float(total.detach()) == pytest.approx(loss(forward(model, x, h0), targets, steps), rel=1e-12)
    for name, tensor in params.items():
        assert relative_error(tensor.grad.numpy(), grads[name]) < 1e-10, name
    assert relative_error(start.grad.numpy(), grads["h0"]) < 1e-10
