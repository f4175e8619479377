"""λ against ρ, the eigenvalue view, and the three ensembles of random recurrent matrices
(chapter "Activations and the bound"): every claim of the page, computed."""
from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import ROOT
from rnncore import ensembles
from rnncore.rnn import jacobian_norms, spectral_norm, spectral_radius

STEPS, NETWORKS = 60, 30


def generated(name: str) -> dict[str, str]:
    return json.loads((ROOT / f"docs/snippets/values/{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs():
    return {(kind, size): ensembles.study(kind, "tanh", size) for kind in ensembles.KINDS for size in (0.8, 1.5, 3.0)}


# --- the ensembles themselves --------------------------------------------------------

@pytest.mark.parametrize("kind", ensembles.KINDS)
def test_ensembles_are_scaled_to_lambda_or_to_rho(kind):
    W = ensembles.ensemble(kind, 1.7, networks=12, seed=3)
    assert np.allclose(ensembles.largest_singular_values(W), 1.7)
    R = ensembles.ensemble(kind, 1.7, scale="rho", networks=12, seed=3)
    assert np.allclose(ensembles.spectral_radii(R), 1.7)
    assert all(spectral_radius(w) <= spectral_norm(w) * (1 + 1e-12) for w in W)  # ρ ≤ λ always


def test_orthogonal_and_symmetric_matrices_have_rho_equal_to_lambda():
    Q = ensembles.ensemble("orthogonal", 2.0, networks=10)
    assert np.allclose(np.linalg.svd(Q, compute_uv=False), 2.0)          # every singular value is λ
    assert np.allclose(np.abs(np.linalg.eigvals(Q)), 2.0)               # every eigenvalue has modulus λ
    S = ensembles.ensemble("symmetric", 2.0, networks=10)
    assert np.allclose(S, np.swapaxes(S, 1, 2))
    assert np.allclose(ensembles.spectral_radii(S), 2.0)
    # ...but the symmetric eigenvalues are spread: the median modulus is well below ρ
    assert np.median(np.abs(np.linalg.eigvals(S)) / 2.0) < 0.7


def test_the_gaussian_ensembles_rho_is_about_half_to_two_thirds_of_lambda():
    W = ensembles.ensemble("gaussian", 1.0, networks=1000)
    ratio = np.median(ensembles.spectral_radii(W))
    assert 0.45 < ratio < 0.7
    values = generated("ensembles")
    assert float(values["ensembles.gaussian.rho_over_lambda"]) == pytest.approx(ratio, abs=0.006)
    assert values["ensembles.gaussian.lambda.small.rho"] == "0.86"  # λ = 1.5 → ρ about 0.87


def test_unknown_ensemble_and_scale_are_refused():
    with pytest.raises(ValueError, match="unknown ensemble"):
        ensembles.ensemble("cauchy", 1.0)
    with pytest.raises(ValueError, match="unknown scale"):
        ensembles.ensemble("gaussian", 1.0, scale="trace")
    with pytest.raises(ValueError, match="positive"):
        ensembles.ensemble("gaussian", 0.0)


# --- λ against ρ on the 2 × 2 example; the linear network ------------------------------

def test_two_by_two_example_lambda_and_rho():
    from figures.outputs.ensembles import EXAMPLE
    assert spectral_radius(EXAMPLE) == pytest.approx(0.5)
    assert spectral_norm(EXAMPLE) == pytest.approx(2.118, abs=5e-4)
    norms = ensembles.linear_power_norms(EXAMPLE, 40)
    for n in range(1, 41):
        exact = np.array([[0.5 ** n, 2 * n * 0.5 ** (n - 1)], [0, 0.5 ** n]])   # W^n in closed form
        assert norms[n] == pytest.approx(np.linalg.norm(exact, 2), rel=1e-12)
        assert norms[n] <= 5 * n * 0.5 ** n                                      # ρ^n times a factor ~ n
    assert norms[40] < 1e-9 < 1e12 < spectral_norm(EXAMPLE) ** 40
    values = generated("ensembles")
    assert values["ensembles.example.rho"] == "0.5" and values["ensembles.example.lambda"] == "2.118"


def test_linear_network_jacobian_is_the_power_of_w():
    """φ′ = 1 everywhere: ∂h_t/∂h_k = W^(t−k), the norms of jacobian_norms are ‖W^n‖,
    and ‖W^n‖^(1/n) approaches ρ, not λ."""
    W = ensembles.ensemble("gaussian", 1.5, networks=1, seed=5)[0]
    measured = jacobian_norms(W, np.ones((1, 200, 8)))[0]
    powers = ensembles.linear_power_norms(W, 200)
    assert np.allclose(measured, powers, rtol=1e-9)
    rho = spectral_radius(W)
    assert abs(powers[200] ** (1 / 200) - rho) < 0.05 * rho
    assert rho < 1 < 1.5   # so this linear network vanishes although λ = 1.5
    assert powers[200] < 1e-6


# --- the precise statement, with counter-examples --------------------------------------

@pytest.mark.parametrize("kind", ensembles.KINDS)
def test_gamma_lambda_below_one_is_sufficient_for_vanishing(kind, runs):
    run = runs[(kind, 0.8)]
    assert np.all(run.norms[:, 1:] <= run.bound[1:] * (1 + 1e-9))
    assert run.end().max() < 0.8 ** STEPS * (1 + 1e-9) < 1e-5


def test_gamma_lambda_above_one_is_not_sufficient_for_exploding(runs):
    """Counter-examples: γλ = 3 > 1, yet every Gaussian and every symmetric network vanishes."""
    for kind in ("gaussian", "symmetric"):
        run = runs[(kind, 3.0)]
        assert run.gamma * 3.0 > 1
        assert run.growing() == 0 and run.end().max() < 1


def test_orthogonal_networks_really_explode(runs):
    big = runs[("orthogonal", 3.0)]
    assert big.growing() > NETWORKS // 2 and np.median(big.end()) > 10
    moderate = runs[("orthogonal", 1.5)]
    assert 0 < moderate.growing() < NETWORKS // 2 and np.median(moderate.end()) < 1  # grows in a few networks only


def test_gaussian_networks_scaled_to_rho_grow_more_often_than_scaled_to_lambda(runs):
    by_rho = ensembles.study("gaussian", "tanh", 3.0, scale="rho")
    assert by_rho.growing() > runs[("gaussian", 3.0)].growing() == 0
    assert np.median(by_rho.lam) > 3.0


@pytest.mark.parametrize("kind", ensembles.KINDS)
@pytest.mark.parametrize("size", [0.8, 1.5, 3.0])
def test_no_network_crosses_its_bound(kind, size, runs):
    assert runs[(kind, size)].largest_ratio() <= 1 + 1e-9


def test_the_page_cites_what_the_engine_measures(runs):
    from figures.outputs.gradients import sci
    values = generated("ensembles")
    for kind in ensembles.KINDS:
        for size, word in ((1.5, "small"), (3.0, "large")):
            run = runs[(kind, size)]
            assert values[f"ensembles.{kind}.lambda.{word}.median"] == sci(run.median[-1])
            assert values[f"ensembles.{kind}.lambda.{word}.growing"] == str(run.growing())
    assert float(values["ensembles.symmetric.eigenvalue_share"]) < 0.7
    assert values["ensembles.orthogonal.eigenvalue_share"] == "1"


def test_heatmap_caption_says_what_its_grid_shows():
    from rnncore import rnn
    lam = np.linspace(0.25, 3.0, 45)
    grid = rnn.jacobian_heatmap("tanh", lam)
    caption = (ROOT / "docs/snippets/figures/jacobian-heatmap.md").read_text(encoding="utf-8")
    assert np.all(grid[:, -1] < 0)
    assert "at every λ shown" in caption and "Gaussian" in caption


def test_bound_notebook_claim_orthogonal_grows_far_more_often():
    """docs/notebooks/bound.ipynb: at γλ = 3 with its settings (tanh, H = 6, T = 40, 200 networks)."""
    counts = {kind: ensembles.study(kind, "tanh", 3.0, hidden=6, steps=40, networks=200).growing()
              for kind in ensembles.KINDS}
    assert counts["orthogonal"] > 3 * max(counts["gaussian"], counts["symmetric"])
    source = (ROOT / "docs/notebooks/bound.ipynb").read_text(encoding="utf-8")
    assert "these networks still vanish" not in source and "ensembles.study(kind, activation, 3 / g" in source
