"""The vanilla RNN's fast paths: dtype, reused arrays, and staying inside the float range.

- Every array forward and bptt return is in the model's dtype (float32 or float64).
- The in-place fast path equals the step/step_backward reference to 1e-12 in float64,
  and reusing arrays (``out=``) gives exactly the same numbers as fresh ones.
- float32 gradients agree with float64 ones to a tolerance derived below.
- A training loop over many calls allocates a bounded amount: tracemalloc's peak stays
  flat across iterations and the scratch arrays are reused, not reallocated.
- No function returns inf or nan: where a value leaves the float range a ValueError names
  the quantity and the step, and no numpy warning is emitted (warnings are errors here).
"""
import multiprocessing
import re
import tracemalloc
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from rnncore import rnn, workspace
from rnncore.rnn import RNN, bptt, bptt_stepwise, forward, loss, step, step_backward

pytestmark = pytest.mark.filterwarnings("error")


def problem(B=4, T=30, D=3, H=6, O=2, activation="tanh", lam=0.9, seed=0, dtype="float64"):
    model = RNN.random(D, H, O, activation=activation, seed=seed)
    model = model.replace(W_hh=rnn.with_largest_singular_value(model.W_hh, lam), dtype=dtype)
    rng = np.random.default_rng(seed + 1)
    return model, rng.normal(size=(B, T, D)), rng.normal(size=(B, T, O)), 0.3 * rng.normal(size=(B, H))


def relative_error(a, b):
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)) / np.linalg.norm(np.asarray(b, float)))


# --- dtype ---------------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_array_stays_in_the_chosen_dtype(dtype, activation):
    model, x, targets, h0 = problem(activation=activation, dtype=dtype)   # float64 data in
    assert all(value.dtype == dtype for value in model.parameters().values())
    run = forward(model, x, h0)
    for name in ("x", "h0", "z", "h", "dphi", "y", "states"):
        assert getattr(run, name).dtype == dtype, name
    for truncate in (None, 3):
        grads = bptt(model, run, targets, truncate=truncate)
        assert {name: value.dtype for name, value in grads.items()} == {name: np.dtype(dtype) for name in grads}
    assert rnn.state_gradients(model, run).dtype == dtype
    assert rnn.jacobian(model, run, 5, 1).dtype == dtype
    assert rnn.contributions_by_distance(model, run, np.ones(6), 5).dtype == dtype


def test_float64_is_the_default_and_other_dtypes_are_refused():
    assert RNN.random(2, 3, 1).dtype == np.float64
    with pytest.raises(ValueError, match="dtype must be one of float64, float32"):
        RNN.random(2, 3, 1, dtype="float16")
    with pytest.raises(ValueError, match="dtype must be one of"):
        RNN.random(2, 3, 1, dtype="int64")
    model, x, targets, h0 = problem()
    with pytest.raises(ValueError, match="the run is float32, the model float64"):
        bptt(model, forward(model.astype("float32"), x), targets)


def test_float32_gradients_agree_with_float64_within_the_derived_tolerance():
    """Tolerance: float32's unit roundoff is u = 2⁻²⁴ ≈ 6.0e-8. Rounding the parameters and
    inputs costs u each; every step adds the error of one dot product of length D + H
    (at most (D + H) u) to z_t, and the backward sweep one of length H; in a contracting
    network (λ = 0.9 < 1, |φ′| ≤ 1) these errors are not amplified from step to step, so after
    T steps the relative error of a gradient is at most about n u with n = T (D + 2H + 2)
    (the standard γ_n = n u / (1 − n u) bound for n roundings). Here T = 50, D = 4, H = 16:
    n = 1900 and n u ≈ 1.1e-4, so the tolerance 2e-4 leaves a factor of ~2 for the sums over
    the batch and the steps; measured errors are 4e-8 to 3e-7 (errors of random sign cancel)."""
    T, D, H = 50, 4, 16
    model64, x, targets, h0 = problem(B=8, T=T, D=D, H=H, O=1, seed=3)
    model64 = model64.astype("float32").astype("float64")   # both networks hold the same (rounded) numbers
    model32 = model64.astype("float32")
    u = float(np.finfo(np.float32).eps) / 2
    tolerance = 2 * T * (D + 2 * H + 2) * u
    assert 1e-4 < tolerance < 3e-4
    g64 = bptt(model64, forward(model64, x, h0), targets)
    g32 = bptt(model32, forward(model32, x, h0), targets)
    for name in g64:
        assert relative_error(g32[name], g64[name]) < tolerance, name
    assert loss(forward(model32, x, h0), targets) == pytest.approx(loss(forward(model64, x, h0), targets), rel=tolerance)


# --- the fast path against the step-by-step reference ----------------------------------------

@pytest.mark.parametrize("B", [1, 5])      # one sequence and a batch take different matrix-product paths
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
def test_fast_path_equals_the_step_reference(activation, B):
    model, x, targets, h0 = problem(B=B, T=40, activation=activation, lam=1.1, seed=7)
    run = forward(model, x, h0)
    h = h0
    for t in range(40):                                           # forward: rnn.step at every step
        z, h, dphi = step(model, x[:, t], h)
        for name, value in (("z", z), ("h", h), ("dphi", dphi)):
            np.testing.assert_allclose(getattr(run, name)[:, t], value, rtol=1e-12, atol=1e-12)
    fast, plain = bptt(model, run, targets), bptt_stepwise(model, run, targets)   # backward: step_backward
    for name in fast:
        np.testing.assert_allclose(fast[name], plain[name], rtol=1e-12, atol=1e-12)
    _, dh = step_backward(model, np.ones((B, 6)), run.dphi[:, 0], x[:, 0], h0)
    np.testing.assert_allclose(dh, (np.ones((B, 6)) * run.dphi[:, 0]) @ model.W_hh, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reused_arrays_give_the_same_numbers_as_fresh_ones(dtype):
    model, x, targets, h0 = problem(dtype=dtype)
    fresh_run = forward(model, x, h0)
    fresh = bptt(model, fresh_run, targets)
    other_model, other_x, other_targets, _ = problem(seed=5, dtype=dtype)
    run = forward(other_model, other_x)                           # arrays holding something else
    grads = bptt(other_model, run, other_targets)
    again = forward(model, x, h0, out=run)
    assert again is run
    result = bptt(model, run, targets, out=grads)
    assert result is grads
    for name in ("x", "h0", "z", "h", "dphi", "y"):
        np.testing.assert_array_equal(getattr(run, name), getattr(fresh_run, name))
    for name in fresh:
        np.testing.assert_array_equal(grads[name], fresh[name])
    bigger = forward(model, np.concatenate([x, x], axis=1), out=run)   # other sizes: new arrays
    assert bigger is not run and bigger.h.shape == (4, 60, 6)


def _training_loop_allocations() -> tuple[dict, dict, list[int]]:
    model, x, targets, h0 = problem(B=16, T=200, D=8, H=32, O=1, seed=2, dtype="float32")
    x, targets, h0 = (a.astype(np.float32) for a in (x, targets, h0))   # data already in the model's dtype
    run = forward(model, x, h0)
    grads = bptt(model, run, targets)
    before = workspace.counts()
    peaks = []
    tracemalloc.start()
    try:
        for _ in range(20):
            tracemalloc.reset_peak()
            start, _ = tracemalloc.get_traced_memory()
            forward(model, x, h0, out=run)
            bptt(model, run, targets, out=grads)
            for name, value in model.parameters().items():
                value -= 1e-4 * grads[name]                       # in place: the model's arrays are reused too
            peaks.append(tracemalloc.get_traced_memory()[1] - start)
    finally:
        tracemalloc.stop()
    return before, workspace.counts(), peaks


def test_a_training_loop_allocates_a_bounded_amount():
    """20 steps of gradient descent reusing the run and gradient arrays: after the first
    call no scratch array is allocated again, and tracemalloc's peak per iteration stays
    flat (well under one (T, B, H) array, against several for a fresh forward + BPTT).
    Measured in a process of its own: tracemalloc counts every thread's allocations, and
    the session's background builds (conftest) read their output in a thread of this one."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        before, after, peaks = pool.submit(_training_loop_allocations).result()
    array_bytes = 200 * 16 * 32 * 4
    assert after["allocated"] == before["allocated"]
    assert after["reused"] - before["reused"] == 20 * 3           # forward: 1 scratch array; bptt: 2
    assert max(peaks[1:]) <= peaks[1] + 4096                      # flat across iterations
    assert max(peaks) < 0.25 * array_bytes


def test_peak_memory_of_a_fresh_forward_and_bptt():
    """At most 6.5 arrays of shape (T, B, H): the run keeps z, h, φ′ (3 arrays), x (D/H of one)
    and y; BPTT adds the adjoint ∂L/∂z (1 array, kept for reuse) and small ones."""
    model, x, targets, h0 = problem(B=16, T=200, D=8, H=32, O=1, seed=2, dtype="float64")
    x = x.copy()
    workspace.release()
    tracemalloc.start()
    try:
        run = forward(model, x, h0)
        bptt(model, run, targets)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 6.5 * 200 * 16 * 32 * 8


def test_scratch_arrays_are_kept_per_purpose_and_bounded():
    workspace.release()
    a = workspace.scratch("test", (3, 4), np.float32)
    assert workspace.scratch("test", (3, 4), np.float32) is a
    assert workspace.scratch("test", (3, 4), np.float64) is not a
    for i in range(workspace.KEEP + 2):
        workspace.scratch(f"other {i}", (2,), np.float64)
    assert workspace.scratch("test", (3, 4), np.float32) is not a   # the least recently used was dropped
    workspace.release()


# --- never inf or nan -------------------------------------------------------------------

def exploding(T, dtype="float64", zero_drive=False):
    """An identity-activation network with λ = 10: states grow like 10^t."""
    model, x, targets, h0 = problem(B=2, T=T, D=3, H=8, O=1, activation="identity", lam=10.0, seed=4, dtype=dtype)
    if zero_drive:                                  # states stay 0, only gradients grow
        model = model.replace(b_h=np.zeros(8))
        x, h0 = np.zeros_like(x), np.zeros_like(h0)
    return model, x, targets, h0


@pytest.mark.parametrize("dtype, limit", [("float64", "1.8e+308"), ("float32", "3.4e+38")])
def test_forward_refuses_states_beyond_the_float_range(dtype, limit):
    model, x, _, h0 = exploding(500, dtype)
    with pytest.raises(ValueError, match=rf"forward: the pre-activation z_t left the {dtype} range "
                                         rf"\(magnitudes above {re.escape(limit)}\) at step t = \d+ of 500; use a shorter "
                                         r"sequence .*log space"):
        forward(model, x, h0)


def test_forward_names_the_first_step_out_of_range():
    model, x, _, h0 = exploding(500)
    step_out = first_step_out_of_range(model, x, h0)
    run = forward(model, x[:, :step_out - 1], h0)                 # one step fewer is fine
    assert np.all(np.isfinite(run.z)) and np.all(np.isfinite(run.y))


def first_step_out_of_range(model, x, h0):
    with pytest.raises(ValueError) as error:
        forward(model, x, h0)
    return int(str(error.value).split("at step t = ")[1].split()[0])


def test_loss_and_bptt_refuse_values_beyond_the_float_range():
    model, x, targets, h0 = exploding(500)
    T = 2 * first_step_out_of_range(model, x, h0) // 3           # states ~1e200: finite, their squares are not
    x, targets = x[:, :T], targets[:, :T]
    run = forward(model, x, h0)
    with pytest.raises(ValueError, match="loss: the summed squared residual left the float64 range"):
        loss(run, targets)
    with pytest.raises(ValueError, match=r"bptt: the gradient ∂L/∂z_t left the float64 range .* at step t "
                                         rf"\(counting down from T\) = \d+ of {T}"):
        bptt(model, run, targets)
    with pytest.raises(ValueError, match="bptt: .* left the float64 range"):
        bptt(model, run, targets, truncate=150)
    with pytest.raises(ValueError, match="bptt_stepwise: the gradient for .* left the float64 range"):
        bptt_stepwise(model, run, targets)


def test_state_gradients_and_jacobians_refuse_values_beyond_the_float_range():
    model, x, _, h0 = exploding(500, zero_drive=True)
    run = forward(model, x, h0)                                   # all states 0: finite
    with pytest.raises(ValueError, match="state_gradients: the gradient ∂ℓ/∂h_k left the float64 range"):
        rnn.state_gradients(model, run)
    with pytest.raises(ValueError, match=r"jacobian: ∂h_\d+/∂h_0 left the float64 range at step i = \d+"):
        rnn.jacobian(model, run, 500, 0)
    with pytest.raises(ValueError, match="contributions_by_distance: the term norm left the float64 range"):
        rnn.contributions_by_distance(model, run, np.ones(8), 500)
    assert np.all(np.isfinite(rnn.jacobian(model, run, 100, 0)))


def test_jacobian_study_with_exploding_states_raises_instead_of_lapack_errors(capfd):
    with pytest.raises(ValueError, match=r"recurrence: the pre-activation z_t left the float64 range .* at step t = \d+"):
        rnn.jacobian_study("identity", 10, steps=500)
    captured = capfd.readouterr()
    assert "DLASCL" not in captured.out + captured.err
    dphi = np.ones((2, 500, 8))
    W = rnn.with_largest_singular_value(np.random.default_rng(0).normal(size=(2, 8, 8)), 10.0)
    with pytest.raises(ValueError, match=r"jacobian_norms: ‖∂h_T/∂h_k‖ leaves the float64 range at distance"):
        rnn.jacobian_norms(W, dphi)
    assert "DLASCL" not in "".join(capfd.readouterr())


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_the_jacobian_bound_lives_in_log_space(activation):
    study = rnn.jacobian_study(activation, 10 if activation == "tanh" else 1.5, steps=500, networks=4)
    gl = study.gamma * study.lam
    np.testing.assert_allclose(study.log10_bound, np.arange(501) * np.log10(gl))
    assert np.all(np.isfinite(study.norms))
    if activation == "tanh":                      # 10^500 is beyond float64: ask for log10_bound instead
        with pytest.raises(ValueError, match="leaves the float64 range from distance T − k = 309"):
            study.bound
    else:
        np.testing.assert_allclose(study.bound, gl ** np.arange(501))
    assert 0 < study.largest_ratio <= 1


def test_short_studies_keep_their_float_bound():
    study = rnn.jacobian_study("tanh", 1.2, steps=20, networks=5)
    np.testing.assert_array_equal(study.bound, (1.0 * 1.2) ** np.arange(21))
    assert study.largest_ratio == float(np.max(study.norms[:, 1:] / study.bound[1:]))
