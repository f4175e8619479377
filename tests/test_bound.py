"""The bound ‖∂h_t/∂h_k‖₂ ≤ (γλ)^(t−k) against measured Jacobian norms.

λ is the largest singular value of W_hh, γ = sup|φ′| (1/4 sigmoid, 1 tanh and ReLU).
Over 3 × 1200 random networks (H = 2..5, T = 30), with λ drawn across a range and
also just below and just above 1/γ, no measured norm exceeds the bound. The check
can fail: a deliberately wrong γ (1/8 for sigmoid) is violated, and networks at the
fixed point h = 0 of tanh attain the bound for normal W_hh.
"""
import numpy as np
import pytest

from rnncore import rnn
from rnncore.activations import gamma
from rnncore.rnn import RNN, forward, jacobian, jacobian_norms, recurrence, with_largest_singular_value

T = 30
PER_SIZE = 300
SIZES = (2, 3, 4, 5)


def ensemble(activation, seed):
    """λ·γ spread over [0.2, 2.5], plus 1/γ·(1 ∓ 1e-3) just below and above."""
    rng = np.random.default_rng(seed)
    g = float(gamma(activation))
    out = []
    for H in SIZES:
        n = PER_SIZE
        gl = np.concatenate([rng.uniform(0.2, 2.5, n - 100), np.full(50, 1 - 1e-3), np.full(50, 1 + 1e-3)])
        lam = gl / g
        W = with_largest_singular_value(rng.normal(size=(n, H, H)), lam)
        drive = rng.normal(0, rng.uniform(0, 1.5, (n, 1, 1)), (n, T, H)) + rng.normal(0, 0.5, (n, 1, H))
        h0 = rng.normal(0, 0.5, (n, H))
        _, dphi = recurrence(W, drive, activation, h0)
        out.append((lam, jacobian_norms(W, dphi)))
    return g, out


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_measured_norms_never_exceed_the_bound(activation):
    g, groups = ensemble(activation, seed={"tanh": 1, "sigmoid": 2, "relu": 3}[activation])
    count = 0
    distance = np.arange(T + 1)
    for lam, norms in groups:
        bound = (g * lam[:, None]) ** distance
        assert np.all(norms <= bound * (1 + 1e-12) + 1e-300), float(np.max(norms / bound))
        count += len(lam)
    assert count >= 1000


def test_a_wrong_gamma_is_caught():
    """With γ = 1/8 instead of 1/4 the 'bound' fails for sigmoid networks: the test has teeth."""
    _, groups = ensemble("sigmoid", seed=5)
    lam, norms = groups[0]
    wrong = (0.125 * lam[:, None]) ** np.arange(T + 1)
    assert np.any(norms > wrong * 1.01)


def test_bound_is_attained_at_the_origin_for_symmetric_recurrence():
    """tanh at h = 0 with zero drive: every factor is W_hh itself, and for a symmetric
    W_hh ‖W^n‖ = λ^n, so the measured norm equals the bound (it is tight)."""
    rng = np.random.default_rng(0)
    A = rng.normal(size=(50, 4, 4))
    W = with_largest_singular_value(A + A.transpose(0, 2, 1), np.linspace(0.5, 1.5, 50))
    _, dphi = recurrence(W, np.zeros((50, T, 4)), "tanh")
    norms = jacobian_norms(W, dphi)
    bound = np.linspace(0.5, 1.5, 50)[:, None] ** np.arange(T + 1)
    np.testing.assert_allclose(norms, bound, rtol=1e-10)


def test_explosion_needs_more_than_gamma_lambda_above_one():
    """γλ > 1 is necessary, not sufficient: a tanh network with λ = 3 driven into
    saturation has Jacobian norms that vanish anyway."""
    rng = np.random.default_rng(4)
    W = with_largest_singular_value(rng.normal(size=(1, 4, 4)), 3.0)
    drive = np.full((1, T, 4), 6.0)
    _, dphi = recurrence(W, drive, "tanh")
    norms = jacobian_norms(W, dphi)[0]
    assert norms[T] < 1e-6 < 3.0 ** T


def test_batched_norms_equal_the_jacobian_product():
    model = RNN.random(3, 4, 1, activation="sigmoid", seed=2, scale=3.0)
    x = np.random.default_rng(3).normal(size=(2, 12, 3))
    run = forward(model, x)
    norms = jacobian_norms(model.W_hh, run.dphi)
    for b in range(2):
        for k in range(13):
            assert norms[b, 12 - k] == pytest.approx(rnn.spectral_norm(jacobian(model, run, 12, k, batch=b)),
                                                     rel=1e-12)


def test_step_jacobian_is_diag_phi_prime_times_w():
    model = RNN.random(2, 3, 1, activation="tanh", seed=8)
    run = forward(model, np.ones((1, 3, 2)))
    J = rnn.step_jacobian(model, run, 2)
    np.testing.assert_allclose(J, np.diag(1 - np.tanh(run.z[0, 1]) ** 2) @ model.W_hh, rtol=1e-14)
    assert rnn.spectral_norm(J) <= rnn.largest_singular_value(model.W_hh) * 1.0 + 1e-15
    assert rnn.spectral_radius(model.W_hh) <= rnn.spectral_norm(model.W_hh) + 1e-12


# --- the worked examples of the chapter, pinned to the values of WORKED_EXAMPLES.md ---

from rnncore import examples  # noqa: E402


def test_sigmoid_examples():
    derivative = examples.get("sigmoid-derivative")
    assert derivative.details["steps"][-1] == "= σ(x)(1 − σ(x))"
    assert derivative.details["largest_difference_from_central_difference"] < 1e-10
    top = examples.get("sigmoid-derivative-max")
    assert examples.plain(top.value) == "1/4" and top.display == "1/4 = 0.25"
    tails = examples.get("sigmoid-derivative-tails")
    assert tails.value == pytest.approx(4.54e-5, rel=1e-3)
    assert tails.details["derivative_minus_10"] == pytest.approx(tails.value, rel=1e-12)
    assert tails.details["sigma_10_shown"] == "0.9999546" and tails.details["shown"] == "4.54 × 10⁻⁵"


def test_tanh_and_relu_examples():
    assert examples.plain(examples.get("tanh-derivative-max").value) == "1"
    relu = examples.get("relu-derivative")
    assert relu.value == [0, 1]
    # High, Medium, Medium: x₂ = 0 (factor 0), x₃ = 0.9 (factor w2 = −0.5)
    assert [(f["x"], f["factor"]) for f in relu.details["factors"]] == [("0", "0"), ("0.9", "−0.5")]


def test_bound_examples():
    example = examples.get("bound-example")
    assert examples.plain(example.value) == "1/1125899906842624"
    assert example.details["tanh_bound"] == 2 ** 50
    assert "1/1,125,899,906,842,624" in example.display and "1,125,899,906,842,624" in example.display
    check = examples.get("jacobian-bound").details
    assert check["networks"] >= 1000 and 0.5 < check["largest_ratio"] <= 1.0
    assert "necessary, not sufficient" in examples.get("bound-conditions").value
