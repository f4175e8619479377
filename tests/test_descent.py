"""Gradient descent: the update rule, the stop reasons, and the exploding and
vanishing runs behaving as the chapters say, with the parameters the pages use."""
import json
import math

import numpy as np
import pytest

from conftest import ROOT
from rnncore import descent
from rnncore import statquest_gradients as sg


@pytest.fixture(scope="module")
def page_runs():
    from figures.outputs.descent import runs
    from figures.params import load

    params = load()
    return params, runs(params)


def test_one_update_is_the_gd_rule():
    inputs, targets = [[1.0, 0.5], [0.0, 0.5]], [0.0, 1.0]
    start = {"w1": 1.8, "b1": 0.1, "w2": -0.5, "w3": 1.1, "b2": 0.0}
    run = descent.train_statquest(inputs, targets, start, learning_rate=0.1, max_steps=1)
    grads = sg.gradients(start, inputs, targets)
    expected = [start[n] - 0.1 / 2 * grads[n] for n in sg.NAMES]
    np.testing.assert_allclose(run.path[1], expected, rtol=1e-15)
    assert run.stop == descent.STEP_LIMIT and run.steps_taken == 1


def test_converges_on_a_quadratic():
    run = descent.descend(lambda t: (float(t @ t), 2 * t, 1), [3.0, -4.0], learning_rate=0.1, max_steps=500,
                          target_loss=1e-12)
    assert run.stop == descent.CONVERGED and run.losses[-1] <= 1e-12


def test_divergence_is_reported_without_inf_or_nan():
    run = descent.descend(lambda t: (float(t @ t), 2 * t, 1), [1.0], learning_rate=100.0, max_steps=10_000)
    assert run.stop == descent.DIVERGED
    assert "float range" in run.message
    assert np.all(np.isfinite(run.path)) and np.all(np.isfinite(run.losses))
    assert run.steps_taken < 10_000


def test_bad_settings_are_refused():
    f = lambda t: (float(t @ t), 2 * t, 1)
    for kwargs in ({"learning_rate": 0.0, "max_steps": 5}, {"learning_rate": float("nan"), "max_steps": 5},
                   {"learning_rate": 0.1, "max_steps": 0}, {"learning_rate": 0.1, "max_steps": 2.5}):
        with pytest.raises(ValueError):
            descent.descend(f, [1.0], **kwargs)
    with pytest.raises(ValueError):
        descent.echo_task([1.0], 1)
    with pytest.raises(ValueError):
        descent.statquest_objective([[1.0]], [1.0], train=("w9",))


def test_the_echo_task_has_an_exact_optimum():
    assert descent.echo_optimum_ssr([1.0, 0.5], 50) == 0
    assert descent.mean_predictor_ssr([1.0, 0.5]) == 0.125


def test_vanishing_run_stalls_at_the_step_limit(page_runs):
    params, runs = page_runs
    run = runs["vanishing"]
    s = descent.summary(run)
    assert run.stop == descent.STEP_LIMIT and s["steps"] == params["descent.max_steps"]
    assert s["last_step"] < 1e-12                   # "the steps shrink to about 10⁻¹³"
    assert s["first_step"] > 1e-2                   # at first it learns the average
    optimum = float(descent.echo_optimum_ssr(params["descent.first_days"], params["descent.days"]))
    plateau = descent.mean_predictor_ssr(params["descent.first_days"])
    assert s["last_loss"] > optimum + 0.1           # still far above the optimum
    assert s["last_loss"] == pytest.approx(plateau, rel=1e-6)  # the best constant prediction
    assert abs(s["w2_final"] - descent.ECHO_OPTIMUM["w2"]) > 0.3


def test_exploding_run_overshoots_with_a_huge_step(page_runs):
    params, runs = page_runs
    run = runs["exploding"]
    s = descent.summary(run)
    assert s["first_loss"] > 1e29
    assert s["first_step"] > 1e28                   # far too large
    assert s["w2_after_first"] < 0 < descent.ECHO_OPTIMUM["w2"] < s["w2_start"]  # jumped past the optimum
    w2 = run.parameter("w2")
    assert np.all(w2[1:] == w2[1])                  # ReLU off: w2 never moves again
    assert s["last_loss"] > 1e6
    tiny = descent.summary(runs["tiny"])
    assert tiny["first_step"] > 1                   # even η = 1e-31 overshoots
    assert tiny["w2_after_first"] < 0
    assert tiny["last_loss"] > descent.mean_predictor_ssr(params["descent.first_days"])
    for r in runs.values():
        assert np.all(np.isfinite(r.path)) and np.all(np.isfinite(r.losses))


def test_page_values_come_from_these_runs(page_runs):
    from figures.outputs.descent import descent_values, num, sci

    params, runs = page_runs
    values = descent_values(params)
    stored = json.loads((ROOT / "docs/snippets/values/descent.json").read_text("utf-8"))
    assert stored == values
    s = descent.summary(runs["vanishing"])
    assert values["descent.vanishing.last_step"] == sci(s["last_step"])
    assert values["descent.vanishing.stop"] == "step limit"
    assert values["descent.exploding.first_step"] == sci(descent.summary(runs["exploding"])["first_step"])


# --- bouncing: the stability limit and the runs of the exploding chapter -------------

def test_curvature_matches_finite_differences_of_the_gradient():
    firsts, days = [1.0, 0.5], 50
    inputs, targets = descent.echo_task(firsts, days)
    for w2 in (1.0, 0.9, 1.05, 2.0):
        eps = 1e-7 * w2
        grad = lambda w: sg.gradients({**descent.ECHO_OPTIMUM, "w2": w}, inputs, targets)["w2"]
        numeric = (grad(w2 + eps) - grad(w2 - eps)) / (2 * eps)
        exact = float(descent.echo_curvature(firsts, days, w2))
        assert numeric == pytest.approx(exact, rel=1e-5, abs=1e-6)
    # at the optimum the residuals vanish: SSR″ = 2 Σ v² (T − 1)², exactly
    assert descent.echo_curvature(firsts, days, 1) == 2 * (1 + 0.25) * 49 ** 2


def test_curvature_refuses_what_the_closed_form_cannot_do():
    with pytest.raises(ValueError):
        descent.echo_curvature([1.0], 10, 0.0)
    with pytest.raises(ValueError):
        descent.echo_curvature([1.0], 10, 1.0, weights={**descent.ECHO_OPTIMUM, "b1": 0.1})
    with pytest.raises(ValueError):
        descent.bounce_run([1.0], 10, 0.9, -1.0, max_steps=10)


def test_the_stability_limit_separates_settling_from_bouncing():
    firsts, days = [1.0, 0.5], 50
    limit = float(descent.stability_limit(firsts, days))
    below = descent.echo_w2_run(firsts, days, 1.001, learning_rate=0.95 * limit, max_steps=2000)
    above = descent.echo_w2_run(firsts, days, 1.001, learning_rate=1.05 * limit, max_steps=2000)
    assert below.losses[-1] < 1e-20                       # settles
    assert above.losses[-1] > 1e-4                        # keeps swinging
    assert descent.crossings(above.parameter("w2")[-100:], 1.0) == 99   # every step crosses


def test_counters():
    assert descent.crossings([0.9, 1.1, 0.95, 0.97, 1.2], 1.0) == 3
    assert descent.rises([3.0, 2.0, 2.5, 1.0, 1.0, 4.0]) == 2


def test_bouncing_runs_do_what_the_page_says():
    from figures.outputs.descent import bounce_runs, bounce_summary
    from figures.params import load

    params = load()
    runs = bounce_runs(params)
    calm, wild = bounce_summary(runs["calm"]), bounce_summary(runs["wild"])
    # below the limit: swings across the optimum that die out, a loss that never rises
    assert calm["rises"] == 0 and calm["crossings"] >= 10 and calm["last_loss"] < 1e-20
    # above it: the loss goes up and down again and again and w2 keeps changing sides
    assert wild["rises"] >= 50 and wild["crossings"] >= 50
    assert wild["last_loss"] > 1e-3
    w2 = runs["wild"].parameter("w2")[wild["first_cross"]:]
    assert np.all((w2 > 0.5) & (w2 < 1.1))                # it bounces, it does not escape
    assert runs["wild"].stop == descent.STEP_LIMIT


def test_from_w2_2_no_learning_rate_bounces():
    """From w2 = 2 on 50 days the curvature spans ~29 orders of magnitude: whatever η,
    gradient descent on w2 crosses the optimum at most once in 300 updates."""
    for eta in np.geomspace(1e-36, 1.0, 37):
        run = descent.echo_w2_run([1.0, 0.5], 50, 2.0, learning_rate=float(eta), max_steps=300)
        assert descent.crossings(run.parameter("w2"), 1.0) <= 1, eta
